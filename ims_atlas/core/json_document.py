"""The one way IMS Atlas reads a JSON document: catalog, manifest, settings and caches alike.

Each failure becomes one :class:`~ims_atlas.core.errors.Problem` that names the file and says
what is wrong in plain words, never a traceback or a hang: the file is opened safely
(:mod:`~ims_atlas.core.safe_file`: regular files only, a size limit), a UTF-8 byte-order mark
is accepted, numbers must be finite and fit a double (Python's parser would accept ``NaN`` and
turn ``1e999`` into infinity), nesting is bounded without recursion, a file cut short is told
apart from a malformed one, and a key given twice in one object is reported.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ims_atlas.core.errors import Problem
from ims_atlas.core.safe_file import UnreadableFile, read_regular, size_text


class BadNumber(ValueError):
    """A number a data file must not hold; the message says which."""


def _reject_constant(name: str) -> float:
    raise BadNumber(f"{name} is not allowed (JSON numbers must be finite)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadNumber(f"the number {text[:30]} is too large")
    return value


def _float_sized_int(text: str) -> int:
    # More digits would fail later when converted (OverflowError) or at once past Python's
    # 4,300-digit limit (ValueError).
    if len(text) > 400 or abs(value := int(text)) >= 10**308:
        raise BadNumber(f"the number {text[:20]}... ({len(text.lstrip('-'))} digits) is too large")
    return value


@dataclass(frozen=True)
class JsonKind:
    """What a kind of document is called in messages, and its limits.

    ``name`` is used in messages (``"a catalog"``); ``max_bytes`` and ``max_depth`` bound the
    file; ``missing`` and ``empty`` are the messages for a missing and an empty file.
    """

    name: str
    max_bytes: int
    max_depth: int
    missing: str = "file not found"
    empty: str = "file is empty"


def _ends_early(text: str, exc: json.JSONDecodeError) -> bool:
    """True if the parser stopped because the text ends inside a value (a truncated file)."""
    rest = text[exc.pos:]
    if not rest.strip() or exc.msg.startswith("Unterminated string"):
        return True
    # cut inside a literal, a number or an escape: "tru", "-", "1.", "\\u12" and then nothing
    return len(rest) <= 12 and '"' not in rest and not any(c.isspace() or c in "{}[],:" for c in rest)


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?')
_BRACKET = re.compile(r"[\[\]{}]")


def _nesting_exceeds(raw: str, limit: int) -> bool:
    """True if brackets outside strings nest deeper than ``limit`` (no recursion; regular
    expressions do the scanning, so a 20 MB file takes milliseconds).

    Run before parsing, so that 100,000 nested brackets never reach the recursive parser.
    """
    if raw.count("[") + raw.count("{") <= limit:
        return False
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", raw)):
        depth += 1 if bracket in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return True
    return False


def parse_json(raw: bytes, file: str, kind: JsonKind) -> tuple[object | None, list[Problem]]:
    """Parse the bytes of a JSON document.

    Returns ``(document, problems)``: the document is None when it cannot be used (then the
    one problem says why, at JSON path ``""``); warnings (a key given twice) may come with a
    document. A document of just ``null`` is reported as such.
    """

    def fail(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(file, "", message)]

    if len(raw) > kind.max_bytes:
        return fail(f"file is too large ({size_text(len(raw))}; {kind.name} is at most {size_text(kind.max_bytes)})")
    try:
        text = raw.decode("utf-8-sig")  # the byte-order mark some Windows editors add is accepted
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if exc.end == len(raw) and exc.reason == "unexpected end of data":
            # cut inside a multi-byte character: the file is truncated, not in another encoding
            return fail(f"not valid JSON: the file ends too early (truncated?) in the middle of a character "
                        f"(line {line})")
        return fail(f"not UTF-8 text: invalid byte 0x{raw[exc.start]:02x} at line {line} (byte {exc.start}); "
                    "save the file as UTF-8")
    if not text.strip():
        return fail(kind.empty)
    if _nesting_exceeds(text, kind.max_depth):
        return fail(f"JSON nested too deeply ({kind.name} nests at most {kind.max_depth} levels)")
    duplicates: list[str] = []

    def pairs_hook(pairs: list[tuple[str, object]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    try:
        doc = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_reject_constant,
                         parse_float=_finite_float, parse_int=_float_sized_int)
    except json.JSONDecodeError as exc:
        where = f"(line {exc.lineno}, column {exc.colno})"
        if _ends_early(text, exc):
            return fail(f"not valid JSON: the file ends too early (truncated?): {exc.msg} {where}")
        return fail(f"not valid JSON: {exc.msg} {where}")
    except RecursionError:  # the scan above makes this unreachable; kept as a last line of defence
        return fail(f"JSON nested too deeply ({kind.name} nests at most {kind.max_depth} levels)")
    except ValueError as exc:  # BadNumber, or an integer with more digits than Python converts
        return fail(f"not valid JSON: {str(exc)[:120]}")
    if doc is None:
        return None, [Problem(file, "$", "must be an object, not null")]
    problems = [
        Problem(file, "", f"key {printable(key[:60])!r} appears twice in one object; only the last value is used",
                "warning")
        for key in dict.fromkeys(duplicates)
    ]
    return doc, problems


def read_json_file(path: str | Path, kind: JsonKind) -> tuple[object | None, list[Problem]]:
    """Open (safely) and parse a JSON file; see :func:`parse_json`. Never raises."""
    path = Path(path)
    try:
        raw = read_regular(path, kind.max_bytes, what=kind.name.split(" ", 1)[-1])
    except FileNotFoundError:
        return None, [Problem(str(path), "", kind.missing)]
    except UnreadableFile as exc:
        return None, [Problem(str(path), "", exc.reason)]
    return parse_json(raw, str(path), kind)


def printable(text: str) -> str:
    r"""``text`` as a message can quote it: an unpaired surrogate written as ``\udxxx``, so that
    the message can always be printed and logged as UTF-8.
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
