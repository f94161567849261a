"""Read a JSON data file defensively: every failure becomes one clear :class:`Problem`.

A catalog is edited by hand, often by someone who is not a programmer, so a broken file must
give a message naming the file and saying what to fix, never a traceback or a hang.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

from ims_atlas.core.errors import Problem
from ims_atlas.core.strict_json import NUMBER_RULES, BadNumber, ends_early, too_deep

#: Larger files are refused before parsing (the bundled catalog is well under 1 MB).
MAX_BYTES = 20 * 1024 * 1024
#: Deeper nesting than this is not a catalog (the format needs 5 levels).
MAX_DEPTH = 32


def read_json(path: str | Path) -> tuple[object | None, list[Problem]]:
    """Parse a JSON file.

    Parameters
    ----------
    path
        The file to read.

    Returns
    -------
    tuple
        ``(document, problems)``: the parsed document and the problems found while reading
        (empty on success; warnings such as duplicate keys may be reported alongside a
        document). The document is None if the file could not be read or holds only ``null``;
        then the problems say why.
    """
    path = Path(path)
    fname = str(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            return None, [Problem(fname, "", "is a folder, not a JSON file")]
        if not stat.S_ISREG(mode):  # a pipe would block for ever, a device never end
            return None, [Problem(fname, "", "is not a regular file (a device or a pipe?)")]
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)  # bounded: a giant file must not exhaust memory
    except FileNotFoundError:
        return None, [Problem(fname, "", "file not found")]
    except OSError as exc:
        return None, [Problem(fname, "", f"cannot read the file: {exc.strerror or exc}")]
    if len(raw) > MAX_BYTES:
        return None, [Problem(fname, "", f"file is too large (a catalog is at most {MAX_BYTES // 2**20} MB)")]
    try:
        text = raw.decode("utf-8-sig")  # tolerate the byte-order mark some Windows editors add
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if exc.end == len(raw) and exc.reason == "unexpected end of data":
            # cut inside a multi-byte character: the file is truncated, not in another encoding
            return None, [Problem(fname, "", f"not valid JSON: the file ends too early (truncated?) "
                                             f"in the middle of a character (line {line})")]
        return None, [Problem(fname, "", f"not UTF-8 text: invalid byte 0x{raw[exc.start]:02x} at line {line} "
                                         f"(byte {exc.start}); save the file as UTF-8")]
    duplicates: list[str] = []

    def pairs_hook(pairs: list[tuple[str, object]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    try:
        doc = json.loads(text, object_pairs_hook=pairs_hook, **NUMBER_RULES)
    except json.JSONDecodeError as exc:
        if not text.strip():
            msg = "file is empty"
        elif ends_early(text, exc):
            msg = f"not valid JSON: the file ends too early (truncated?): {exc.msg} (line {exc.lineno}, column {exc.colno})"
        else:
            msg = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        return None, [Problem(fname, "", msg)]
    except RecursionError:
        return None, [Problem(fname, "", f"JSON nested too deeply (a catalog nests at most {MAX_DEPTH} levels)")]
    except BadNumber as exc:
        return None, [Problem(fname, "", f"not valid JSON: {exc}")]
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        return None, [Problem(fname, "", f"not valid JSON: {str(exc)[:120]}")]
    if too_deep(doc, MAX_DEPTH):
        return None, [Problem(fname, "", f"JSON nested too deeply (a catalog nests at most {MAX_DEPTH} levels)")]
    if doc is None:  # None is this function's "unreadable": say why instead of passing it on silently
        return None, [Problem(fname, "$", "must be an object, not null")]
    problems = [
        Problem(fname, "", f"key {key[:60]!r} appears twice in one object; only the last value is used", "warning")
        for key in dict.fromkeys(duplicates)
    ]
    return doc, problems


