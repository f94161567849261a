"""Rules for reading hand-edited JSON data files strictly, shared by the catalog and manifest
readers: numbers must be finite and fit a double; nesting has a limit; a file cut short is
told apart from one that is malformed.

Python's JSON parser accepts ``NaN`` and ``Infinity`` and turns 1e999 into infinity and a
5,000-digit integer into an exception of its own; a data file must instead say which number
is wrong. Pass these as ``parse_constant``, ``parse_float`` and ``parse_int``.
"""

from __future__ import annotations

import json
import math


class BadNumber(ValueError):
    """A number a data file must not hold; the message says which."""


def reject_constant(name: str) -> float:
    """``parse_constant``: NaN and the infinities are refused."""
    raise BadNumber(f"{name} is not allowed (JSON numbers must be finite)")


def finite_float(text: str) -> float:
    """``parse_float``: a float that stays finite."""
    value = float(text)
    if not math.isfinite(value):
        raise BadNumber(f"the number {text[:30]} is too large")
    return value


def float_sized_int(text: str) -> int:
    """``parse_int``: an integer no larger than a double can hold.

    More digits would fail later when converted (OverflowError) or at once past Python's
    4,300-digit limit (ValueError).
    """
    if len(text) > 400 or abs(value := int(text)) >= 10**308:
        raise BadNumber(f"the number {text[:20]}... ({len(text.lstrip('-'))} digits) is too large")
    return value


#: Keyword arguments for :func:`json.loads`.
NUMBER_RULES = {"parse_constant": reject_constant, "parse_float": finite_float, "parse_int": float_sized_int}


def ends_early(text: str, exc: json.JSONDecodeError) -> bool:
    """True if the parser stopped because the text ends inside a value (a truncated file)."""
    rest = text[exc.pos :]
    if not rest.strip() or exc.msg.startswith("Unterminated string"):
        return True
    # cut inside a literal, a number or an escape: "tru", "-", "1.", "\\u12" and then nothing
    return len(rest) <= 12 and '"' not in rest and not any(c.isspace() or c in "{}[],:" for c in rest)


def too_deep(doc: object, limit: int) -> bool:
    """True if containers nest deeper than ``limit`` (checked without recursion)."""
    stack: list[tuple[object, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((v, depth + 1) for v in children if isinstance(v, (dict, list)))
    return False
