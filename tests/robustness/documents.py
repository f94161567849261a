"""Malformed documents for the loader fuzz tests: generators, mutations and the shared checks.

A generated document is a Python value that may hold :class:`Raw` pieces: JSON text that
:func:`json.dumps` would never write (``NaN``, ``1e400``, a 5,000-digit integer, 100,000
nested lists). :func:`serialise` writes the value and splices the raw pieces in, so one
document can be valid JSON everywhere except at the one place under test.
"""

from __future__ import annotations

import copy
import json
import os
import re
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ims_atlas.core.errors import Problem

#: Default examples per fuzz test are chosen so that the whole file stays near a minute on two
#: shared cores; ``IMS_ATLAS_FUZZ_EXAMPLES=N`` runs N examples in every fuzz test instead.
FUZZ_EXAMPLES_ENV = "IMS_ATLAS_FUZZ_EXAMPLES"
#: A loader that takes longer than this on one document fails the example (hypothesis deadline).
DEADLINE_S = 10.0
#: A loader that has not answered after this long is stopped by an alarm (a hang never returns,
#: so the deadline alone would wait for ever).
HANG_S = 30.0
#: The longest a problem may print as, beyond its file name (a message never quotes 10 MB).
MAX_MESSAGE = 800


class _Tally(Counter):
    """Documents given to each loader in this session (``file``: where the summary is written)."""

    file: Path | None = None


#: Documents tried per loader, printed at the end of the session by ``conftest.py``.
TRIED = _Tally()


def examples(default: int) -> int:
    """Examples to run: ``IMS_ATLAS_FUZZ_EXAMPLES`` if set, else ``default``."""
    value = os.environ.get(FUZZ_EXAMPLES_ENV, "").strip()
    return int(value) if value else default


def fuzz_settings(default: int) -> settings:
    """Hypothesis settings for one fuzz test: bounded examples, a per-example deadline."""
    return settings(
        max_examples=examples(default),
        deadline=timedelta(seconds=DEADLINE_S),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                               HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    )


class Hang(BaseException):
    """A loader did not answer in time. A BaseException, so no ``except Exception`` hides it."""


@contextmanager
def watchdog(seconds: float = HANG_S) -> Iterator[None]:
    """Raise :class:`Hang` in the test if the block runs longer than ``seconds``."""
    if not hasattr(signal, "setitimer"):  # pragma: no cover - not POSIX: rely on the deadline
        yield
        return

    def alarm(signum, frame):
        raise Hang(f"the loader did not answer within {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- checks shared by every loader --------------------------------------------------------------


def check_problems(problems: list[Problem], file: str | Path, *, severities=("error", "warning")) -> None:
    """Every problem names ``file``, has a JSON path (or none, for the whole file) and a short,
    printable message."""
    for p in problems:
        assert isinstance(p, Problem), p
        assert p.file == str(file), f"problem names {p.file!r}, not the file {str(file)!r}: {p}"
        assert p.path == "" or p.path.startswith("$"), f"not a JSON path: {p.path!r}"
        assert p.severity in severities, p
        assert p.message.strip(), f"empty message: {p!r}"
        text = str(p)
        assert len(text) - len(p.file) <= MAX_MESSAGE, f"message of {len(text)} characters: {text[:300]}..."
        text.encode("utf-8")  # printable on a UTF-8 terminal and in JSON output


# -- raw JSON pieces ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """JSON text spliced in verbatim by :func:`serialise` (``parseable``: Python's parser reads
    it as a finite value within the catalog's nesting limit)."""

    text: str
    parseable: bool = False

    def __repr__(self) -> str:  # hypothesis prints failing examples: keep 100k brackets short
        return f"Raw({self.text[:40]!r}{'...' if len(self.text) > 40 else ''}, len={len(self.text)})"

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis's printer prefers this to __repr__
        printer.text(repr(self))


def nested(depth: int, kind: str = "list") -> Raw:
    """``depth`` nested lists (``[[[...]]]``) or objects (``{"a":{"a":...}}``)."""
    if kind == "list":
        return Raw("[" * depth + "]" * depth)
    return Raw('{"a":' * depth + "0" + "}" * depth)


#: Values Python's json module reads, or refuses, that no catalog should contain.
RAW_VALUES = [
    Raw("NaN"), Raw("Infinity"), Raw("-Infinity"), Raw("1e400"), Raw("-1e999"), Raw("1" * 400),
    Raw("-" + "9" * 400), Raw("9" * 5000), Raw("1" * 30, True), Raw("-0", True), Raw("0.1e-99999", True),
    Raw("1E+2", True), Raw("4.9e-324", True), Raw("1.7976931348623157e308", True),
]
#: Spinal segments that do not exist, or are spelled in a way the catalog does not accept.
UNKNOWN_SEGMENTS = ["C0", "C9", "T0", "T13", "L0", "L6", "S0", "S6", "Co1", "c6", "C 6", "C06", "C6 ", "6", "",
                    "T1-T2", "C\u0666", "Ｃ6"]
#: Strings that have broken parsers, printers or file systems before.
ODD_STRINGS = ["", " ", "\t\n", "\x00", "\ud800", "\udfff", "\u202e\u202dRTL", "e\u0301", "💉", "__proto__",
               "$ref", "../../../etc/passwd", "/dev/zero", "C:\\\\con", "null", "NaN", "%s%n%x", "{0}", "'\"",
               "<script>alert(1)</script>", "\u2028", "\ufeff", "a" * 201]

#: Sizes just past each limit of the formats (2,000-character settings text, 20,000-character
#: catalog text, 2 MB settings file) and one far past them.
HUGE_SIZES = [2_001, 20_001, 250_000, 2_100_000]
huge_strings = st.builds(lambda piece, n: piece * n, st.sampled_from(["x", "é", "\ud800", " ", "C6", "a\n"]),
                         st.sampled_from(HUGE_SIZES))
# Written as raw text: a list of 200,000 items is cheap to write once, slow to walk per example.
huge_lists = st.builds(lambda item, n: Raw("[" + ",".join([item] * n) + "]", True),
                       st.sampled_from(["0", '"C6"', "null", "{}", "[]"]), st.sampled_from([101, 5_000, 200_000]))
deep_nesting = st.builds(nested, st.sampled_from([33, 999, 5_000, 100_000]), st.sampled_from(["list", "object"]))
_ODD_LEAVES = [
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40), st.sampled_from(ODD_STRINGS), st.sampled_from(UNKNOWN_SEGMENTS), st.sampled_from(RAW_VALUES),
]
odd_leaves = st.one_of(*_ODD_LEAVES)
#: About one leaf in nine is huge or deeply nested: most documents hold one such value, few hold several.
leaves_with_huge = st.one_of(*_ODD_LEAVES, st.one_of(huge_strings, huge_lists, deep_nesting))


def json_values(keys: list[str], *, huge: bool = True) -> st.SearchStrategy:
    """Any JSON-ish value: odd leaves, lists and objects whose keys are often ones the format
    knows (so a document gets past the first check), sometimes huge or deeply nested."""
    key = st.one_of(st.sampled_from(keys), st.text(max_size=20), st.sampled_from(ODD_STRINGS))
    leaves = leaves_with_huge if huge else odd_leaves
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(key, inner, max_size=6),
                        max_leaves=20)


# -- writing documents ----------------------------------------------------------------------------


_PLACEHOLDER = re.compile(r'"\\u0000raw(\d+)\\u0000"')


def serialise(doc: object, *, ascii_only: bool = True, indent: int | None = None) -> bytes:
    """The document as bytes, with :class:`Raw` pieces spliced in.

    ``ascii_only=False`` writes characters as UTF-8; lone surrogates then become invalid UTF-8
    (``surrogatepass``), as an editor with a broken encoder would write them.
    """
    pieces: list[str] = []

    def swap(value: object) -> object:
        if isinstance(value, Raw):
            pieces.append(value.text)
            return f"\x00raw{len(pieces) - 1}\x00"
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    text = json.dumps(swap(doc), ensure_ascii=ascii_only, indent=indent)
    # json.dumps always escapes NUL, so a placeholder reads "\u0000raw<i>\u0000" in the text.
    text = _PLACEHOLDER.sub(lambda m: pieces[int(m.group(1))], text)
    return text.encode("utf-8", "surrogatepass")


def parseable(doc: object) -> bool:
    """True if the document holds only values Python's parser reads as finite, shallow JSON."""
    if isinstance(doc, Raw):
        return doc.parseable
    if isinstance(doc, dict):
        return all(parseable(v) for v in doc.values())
    if isinstance(doc, list):
        return all(parseable(v) for v in doc)
    return True


# -- mutations of a real document ---------------------------------------------------------------------

Path_ = tuple  # a JSON path as a tuple of keys and indices


def all_paths(doc: object) -> list[Path_]:
    """The path of every value in ``doc`` except the root, in document order."""
    out: list[Path_] = []

    def walk(node: object, here: Path_) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                out.append((*here, k))
                walk(v, (*here, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                out.append((*here, i))
                walk(v, (*here, i))

    walk(doc, ())
    return out


def get_at(doc: object, path: Path_) -> object:
    """The value at ``path``."""
    for part in path:
        doc = doc[part]  # type: ignore[index]
    return doc


def _parent(doc: object, path: Path_):
    return get_at(doc, path[:-1]), path[-1]


def json_type(value: object) -> str:
    """The JSON type name of a value."""
    for types, name in ((bool, "boolean"), ((int, float), "number"), (str, "string"), (list, "array"),
                        (dict, "object"), (type(None), "null")):
        if isinstance(value, types):
            return name
    return "raw"


#: A value of each JSON type, for "change the type" mutations.
VALUE_OF_TYPE = {"boolean": True, "number": 7, "string": "seven", "array": ["seven"], "object": {"seven": 7},
                 "null": None}


@dataclass(frozen=True)
class Mutation:
    """One change at one JSON path (``kind``: delete, replace, retype, rename, duplicate, extra)."""

    kind: str
    path: Path_
    value: object = None

    def __repr__(self) -> str:
        value = repr(self.value)
        return f"Mutation({self.kind}, {list(self.path)}, {value[:80]}{'...' if len(value) > 80 else ''})"


def apply(doc: object, mutations: list[Mutation]) -> object:
    """A mutated deep copy of ``doc`` (a mutation whose path no longer exists is skipped)."""
    doc = copy.deepcopy(doc)
    for m in mutations:
        try:
            parent, last = _parent(doc, m.path)
            current = parent[last]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or retyped this path
        if not isinstance(parent, (dict, list)):
            continue  # an earlier mutation retyped a container into a string: its path is gone
        if m.kind == "delete":
            del parent[last]
        elif m.kind in ("replace", "retype"):
            parent[last] = m.value
        elif m.kind == "rename" and isinstance(parent, dict):
            parent[m.value] = parent.pop(last)
        elif m.kind == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(current))
        elif m.kind == "extra" and isinstance(current, dict):
            current[m.value[0]] = m.value[1]
    return doc


def mutations(doc: object, keys: list[str]) -> st.SearchStrategy:
    """Strategy: 1-3 mutations at random paths of ``doc``."""
    paths = all_paths(doc)
    values = json_values(keys)
    strings = st.one_of(st.sampled_from(UNKNOWN_SEGMENTS), st.sampled_from(ODD_STRINGS), st.text(max_size=30))

    @st.composite
    def one(draw) -> Mutation:
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["delete", "replace", "retype", "rename", "duplicate", "extra", "segment"]))
        current = get_at(doc, path)
        if kind == "retype":
            others = [t for t in VALUE_OF_TYPE if t != json_type(current)]
            return Mutation("retype", path, VALUE_OF_TYPE[draw(st.sampled_from(others))])
        if kind == "replace":
            return Mutation("replace", path, draw(values))
        if kind == "segment":
            return Mutation("replace", path, draw(st.sampled_from(UNKNOWN_SEGMENTS)))
        if kind == "rename":
            return Mutation("rename", path, draw(strings))
        if kind == "extra":
            return Mutation("extra", path, (draw(st.one_of(st.sampled_from(keys), strings)), draw(values)))
        return Mutation(kind, path)

    return st.lists(one(), min_size=1, max_size=3)


#: Numbers at the edges of what a double holds, and things that are almost numbers.
ODD_NUMBERS = [*RAW_VALUES, 1e308, -1e308, 2**63, -(2**63), 2**1000, 10**307, 5e-324, -0.0, 0, True, None, "1", [1]]


def number_swaps(doc: object) -> st.SearchStrategy:
    """Strategy: 1-3 numbers of ``doc`` replaced by odd numbers (where overflow bugs live)."""
    paths = [p for p in all_paths(doc) if json_type(get_at(doc, p)) == "number"]
    swap = st.builds(lambda path, value: Mutation("replace", path, value), st.sampled_from(paths),
                     st.sampled_from(ODD_NUMBERS))
    return st.lists(swap, min_size=1, max_size=3)


# -- byte-level damage to a real file -----------------------------------------------------------------


@st.composite
def damaged_bytes(draw, raw: bytes) -> bytes:
    """``raw`` with bytes inserted, overwritten or cut, re-encoded, or garbage appended."""
    kind = draw(st.sampled_from(["insert", "overwrite", "cut", "utf16", "append", "bom", "zero"]))
    at = draw(st.integers(0, len(raw)))
    junk = draw(st.one_of(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xef\xbb\xbf", b"\x80\x80",
                                           b"\xf4\x90\x80\x80", b"\xc0\xaf"]), st.binary(min_size=1, max_size=16)))
    if kind == "insert":
        return raw[:at] + junk + raw[at:]
    if kind == "overwrite":
        return raw[:at] + junk + raw[at + len(junk):]
    if kind == "cut":
        end = draw(st.integers(at, min(len(raw), at + 4096)))
        return raw[:at] + raw[end:]
    if kind == "utf16":
        return raw.decode("utf-8").encode(draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32"])))
    if kind == "append":
        return raw + junk
    if kind == "bom":
        return b"\xef\xbb\xbf" + raw
    return b"\x00" * draw(st.integers(1, 4096))
