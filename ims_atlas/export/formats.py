"""What can be exported and where: output kinds by suffix, picture sizes, and the checks made
before any rendering starts (so a bad path costs nothing and leaves nothing behind).
"""

from __future__ import annotations

import re
from pathlib import Path

from ims_atlas.core.atomic_file import WriteError, check_writable

#: Output kinds by file suffix.
KINDS = {".png": "png", ".pdf": "pdf"}

#: Named picture sizes (pixels): slides 16:9 full HD, A4 portrait at 300 dpi.
PRESETS: dict[str, tuple[int, int]] = {"slides": (1920, 1080), "a4": (2480, 3508)}
DEFAULT_PRESET = "slides"

#: Smallest and largest side of a picture (pixels). The upper bound keeps an off-screen
#: render within what software OpenGL handles (about 8k x 8k).
MIN_SIDE, MAX_SIDE = 320, 8000


class ExportError(Exception):
    """An export could not be made; the message names the file (or input) and the reason."""


def output_kind(path: Path) -> str:
    """``"png"`` or ``"pdf"`` from the file's suffix.

    Raises
    ------
    ExportError
        For any other suffix, naming the file and the suffixes that work.
    """
    path = Path(path)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        shown = path.suffix or "no suffix"
        raise ExportError(f"{path}: cannot export to {shown}; the file must end in .png (picture) or .pdf (handout)")
    return kind


def check_output(path: Path, *, force: bool = False) -> str:
    """Check an output file before rendering: known suffix, folder exists and is writable,
    and (without ``force``) no file there yet. Returns the output kind.

    Raises
    ------
    ExportError
        Naming the file and the reason.
    """
    kind = output_kind(path)
    try:
        check_writable(Path(path), force=force)
    except WriteError as exc:
        raise ExportError(str(exc)) from None
    return kind


def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` (or ``"slides"``, ``"a4"``) -> ``(1920, 1080)``.

    Raises
    ------
    ValueError
        With what a size looks like and the allowed range.
    """
    key = (text or "").strip().lower()
    if key in PRESETS:
        return PRESETS[key]
    m = re.fullmatch(r"(\d{1,5})\s*[x×]\s*(\d{1,5})", key)
    if not m:
        raise ValueError(f"size must look like 1920x1080 (or be one of {', '.join(PRESETS)}), not {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    check_size((w, h))
    return w, h


def check_size(size: tuple[int, int]) -> tuple[int, int]:
    """Return ``size`` if each side is within :data:`MIN_SIDE`..:data:`MAX_SIDE`; else ValueError."""
    w, h = (int(v) for v in size)
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        raise ValueError(f"size {w}x{h} is out of range ({MIN_SIDE}-{MAX_SIDE} pixels a side)")
    return w, h


def default_file_name(title: str, side: str | None, suffix: str) -> str:
    """A file name for an export: ``"Tennis elbow", "right", ".png"`` -> ``tennis-elbow-right.png``."""
    words = re.sub(r"[^a-z0-9]+", "-", f"{title} {side or ''}".lower()).strip("-")
    return f"{words or 'ims-atlas'}{suffix}"
