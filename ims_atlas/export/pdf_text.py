"""Text for the handout's font: every character shows, or is replaced by a visible mark.

ReportLab draws a character its font lacks as nothing at all, so an emoji in a clinic's name
would vanish from the handout without a word. Here each character the font cannot draw (and
each unpaired surrogate) becomes :data:`SUBSTITUTE`, control characters become spaces, and
:func:`missing_characters` lists what was replaced so that the export can say so.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

#: Drawn in place of a character the font lacks (the font has it; "?" where it does not).
SUBSTITUTE = "\u25a1"


@functools.cache
def _covered(font_names: tuple[str, ...]) -> frozenset[int] | None:
    """Code points every one of the registered fonts can draw; None for a standard PDF font."""
    from reportlab.pdfbase import pdfmetrics

    sets = []
    for name in font_names:
        font = pdfmetrics.getFont(name)
        face = getattr(font, "face", None)
        char_map = getattr(face, "charToGlyph", None)
        if not isinstance(char_map, dict):
            return None
        sets.append({code for code, glyph in char_map.items() if glyph})
    return frozenset(set.intersection(*sets)) if sets else None


def _drawable(ch: str, covered: frozenset[int] | None) -> bool:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return False
    if covered is None:  # a standard font: Windows-1252 only
        try:
            ch.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True
    return code in covered


def pdf_safe(text: str, font_names: tuple[str, ...]) -> str:
    """``text`` as the fonts can draw it: missing characters replaced by :data:`SUBSTITUTE`,
    controls (but line breaks) by spaces, invisible formatting characters dropped.
    """
    covered = _covered(font_names)
    mark = SUBSTITUTE if covered is None or ord(SUBSTITUTE) in covered else "?"
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch == "\n":
            out.append(ch)
        elif category in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif category == "Cf" and not 0xD800 <= ord(ch) <= 0xDFFF:
            continue  # zero-width and direction marks: nothing to see, nothing lost
        elif ch.isspace() or _drawable(ch, covered):
            out.append(ch)
        else:
            out.append(mark)
    return "".join(out)


def missing_characters(texts: Iterable[str], font_names: tuple[str, ...]) -> list[str]:
    """The characters of ``texts`` the fonts cannot draw (each once, in order)."""
    covered = _covered(font_names)
    seen: dict[str, None] = {}
    for text in texts:
        for ch in text:
            category = unicodedata.category(ch)
            if category in ("Cc", "Zl", "Zp") or (category == "Cf" and not 0xD800 <= ord(ch) <= 0xDFFF):
                continue
            if not (ch.isspace() or _drawable(ch, covered)):
                seen.setdefault(ch, None)
    return list(seen)
