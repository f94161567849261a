"""Number rules for reading data files with :func:`json.loads`: finite numbers a double can
hold, nothing else. Shared by the catalog, manifest and settings readers.

Python's JSON parser accepts ``NaN`` and ``Infinity`` and turns 1e999 into infinity and a
5,000-digit integer into an exception of its own; a data file must instead say which number
is wrong. Pass these as ``parse_constant``, ``parse_float`` and ``parse_int``.
"""

from __future__ import annotations

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
