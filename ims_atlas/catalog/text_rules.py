r"""Text that every output can carry: the catalog's strings are checked before anything prints them.

A string parsed from JSON may hold what no terminal, PDF or file name takes: an unpaired
surrogate (``"\ud800"``), a NUL, control characters (an escape sequence that recolours the
terminal), invisible characters that make two names look alike or a name look empty. Names
(what a user reads and types to choose: ``name``, ``lay_name``, aliases, lay terms) must also
be visible and tell their entries apart: two conditions called the same leave ``plan`` unable
to choose. Kept apart from :mod:`~ims_atlas.catalog.rules` (cross-references) on purpose.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from ims_atlas.core.errors import Problem
from ims_atlas.core.json_schema import format_path, short

#: Keys whose strings are names a user reads and searches for (lists of names included).
NAME_KEYS = frozenset({"name", "lay_name", "aliases", "lay_terms", "latin", "short_name"})
#: Control characters allowed in running text (not in names).
TEXT_CONTROLS = frozenset("\n\t")
#: Invisible characters that are part of writing some languages (joiners), allowed in running text.
TEXT_FORMATS = frozenset("\u200c\u200d")


def _strings(doc: object) -> Iterator[tuple[list, str, bool]]:
    """Every string of ``doc`` (values and keys): ``(path, text, is_key)``, without recursion."""
    stack: list[tuple[list, object]] = [([], doc)]
    while stack:
        parts, node = stack.pop()
        if isinstance(node, str):
            yield parts, node, False
        elif isinstance(node, dict):
            for key, value in reversed(list(node.items())):
                if isinstance(key, str):
                    yield [*parts, key], key, True
                stack.append(([*parts, key], value))
        elif isinstance(node, list):
            stack.extend(([*parts, i], v) for i, v in reversed(list(enumerate(node))))


def _is_name(parts: list) -> bool:
    """True for a name's path: ``...name`` or ``...aliases[3]``."""
    keys = [p for p in parts if isinstance(p, str)]
    return bool(keys) and keys[-1] in NAME_KEYS and (isinstance(parts[-1], str) or parts[-2] in NAME_KEYS)


def codepoint(ch: str) -> str:
    """``U+200B (ZERO WIDTH SPACE)``: a character as a message names it."""
    name = unicodedata.name(ch, "") if not 0xD800 <= ord(ch) <= 0xDFFF else "an unpaired surrogate"
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def visible(text: str) -> str:
    """``text`` without spaces and invisible characters: empty if nothing in it shows."""
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Mn")))


def _bad_character(text: str, name: bool) -> str | None:
    """What is wrong with a character of ``text``, or None."""
    if (text if name else text.replace("\n", "").replace("\t", "")).isprintable():
        return None  # the common case, decided in C: no control, format, private or unassigned character
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return f"holds {codepoint(ch)}, which no file or terminal can carry; write the character itself"
        if ch == "\x00":
            return "holds a NUL character (U+0000)"
        category = unicodedata.category(ch)
        if category == "Cc" and (name or ch not in TEXT_CONTROLS):
            what = "a line break" if ch in "\n\r" else "a tab" if ch == "\t" else "a control character"
            return f"holds {what} ({codepoint(ch)})" + ("; a name is one line" if name else "")
        if category == "Cf" and (name or ch not in TEXT_FORMATS):
            return f"holds an invisible character, {codepoint(ch)}"
        if category in ("Co", "Cn") and name:
            return f"holds {codepoint(ch)}, a character with no meaning (private use or unassigned)"
    return None


def _name_key(text: str) -> str:
    """How two names compare: the same letters, whatever the case, spacing or compatibility form."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_problems(doc: object, file: str) -> list[Problem]:
    """Every string that an output could not carry, every empty-looking name, every name that
    two conditions (or two muscles) share.
    """
    problems: list[Problem] = []
    for parts, text, is_key in _strings(doc):
        name = not is_key and _is_name(parts)
        where = format_path(parts)
        wrong = _bad_character(text, name)
        if wrong:
            what = "key" if is_key else "text"  # repr: every unprintable character written as an escape
            problems.append(Problem(file, where, f"{what} {short(text, 40)!r} {wrong}"))
        elif name and not visible(text):
            problems.append(Problem(file, where, "is empty-looking (only spaces or invisible characters); "
                                                 "a name must show at least one letter"))
    problems += _shared_names(doc, file)
    return problems


def _shared_names(doc: object, file: str) -> list[Problem]:
    """A name (or alias) of one condition that is also a name of another, and the same for muscles."""
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        return problems
    for kind in ("conditions", "muscles"):
        entries = doc.get(kind)
        if not isinstance(entries, list):
            continue
        names: dict[str, int] = {}  # name key -> index of the first entry with that name
        for i, entry in enumerate(entries):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str) and _name_key(entry["name"]):
                names.setdefault(_name_key(entry["name"]), i)
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            candidates = [("name", None, entry.get("name"))]
            aliases = entry.get("aliases")
            if isinstance(aliases, list):
                candidates += [("aliases", j, a) for j, a in enumerate(aliases)]
            for key, j, text in candidates:
                if not isinstance(text, str) or not _name_key(text):
                    continue
                first = names.get(_name_key(text))
                same_id = first is not None and isinstance(entries[first], dict) and entries[first].get("id") == entry.get("id")
                if first is not None and first != i and (key != "name" or first < i) and not same_id:  # (a duplicate id is its own error)
                    where = format_path([kind, i, key] if j is None else [kind, i, key, j])
                    other = entries[first].get("id", first) if isinstance(entries[first], dict) else first
                    problems.append(Problem(file, where, f"{short(text, 60)!r} is also the name of "
                                                         f"{format_path([kind, first])} ({short(str(other), 40)}); "
                                                         "a search could not tell them apart"))
    return problems
