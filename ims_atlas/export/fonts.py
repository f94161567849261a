"""Fonts for pictures and handouts: a sans-serif TrueType font found on this machine.

DejaVu Sans is looked for in the usual system folders and then in matplotlib's own data
(matplotlib comes with PyVista, so a copy is nearly always there; it is located without
importing it). If none is found, Pillow's built-in font is used and the handout falls back to
Helvetica: exports still work, only less pretty.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

_NAMES = {
    "regular": ("DejaVuSans.ttf", "Arial.ttf", "arial.ttf"),
    "bold": ("DejaVuSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"),
    "italic": ("DejaVuSans-Oblique.ttf", "Arial Italic.ttf", "ariali.ttf"),
}
_SYSTEM_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype",
    "/usr/local/share/fonts",
    "/System/Library/Fonts/Supplemental",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)


def _matplotlib_font_dir() -> Path | None:
    """Matplotlib's bundled TrueType folder, found without importing matplotlib."""
    try:
        spec = importlib.util.find_spec("matplotlib")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return folder if folder.is_dir() else None


def font_path(bold: bool = False) -> Path | None:
    """The path of a regular (or bold) sans-serif TrueType font, or None if there is none."""
    return font_file("bold" if bold else "regular")


@functools.cache
def font_file(style: str = "regular") -> Path | None:
    """The path of a sans-serif TrueType font in ``style`` (regular, bold, italic), or None."""
    folders = [Path(d) for d in _SYSTEM_DIRS]
    mpl = _matplotlib_font_dir()
    if mpl is not None:
        folders.append(mpl)
    for name in _NAMES[style]:
        for folder in folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


@functools.lru_cache(maxsize=64)
def pil_font(px: int, bold: bool = False):
    """A Pillow font ``px`` pixels high (the built-in one if no TrueType font is found)."""
    from PIL import ImageFont

    px = max(int(px), 6)
    path = font_path(bold)
    if path is not None:
        try:
            return _measured(ImageFont.truetype(str(path), px))
        except OSError:
            pass
    return _measured(ImageFont.load_default(size=px))


def _measured(font):
    """``font`` with its ``getlength`` of a text remembered: laying out a picture's labels
    measures the same few hundred texts thousands of times (each text size tried, each
    re-layout of a picture of both sides), and a measure is the same every time.
    """
    lengths: dict[str, float] = {}
    measure = font.getlength

    def getlength(text, *args, **kwargs):
        if args or kwargs:
            return measure(text, *args, **kwargs)
        if text not in lengths:
            lengths[text] = measure(text)
        return lengths[text]

    font.getlength = getlength
    return font
