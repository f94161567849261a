"""The window: ``ims-atlas`` opens it; ``--screenshot PATH [--size WxH]`` saves it and quits."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x800"`` -> ``(1280, 800)``; a clear error otherwise."""
    m = re.fullmatch(r"\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*", text or "")
    if not m:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, not {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise argparse.ArgumentTypeError(f"size {w}x{h} is out of range (200-8000 pixels a side)")
    return w, h


def add_window_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the window itself (no sub-command)."""
    parser.add_argument("--screenshot", metavar="PATH", type=Path,
                        help="open the window, save a PNG of it after the first frame, and quit")
    parser.add_argument("--size", metavar="WxH", type=parse_size, help="window size, e.g. 1400x880")
    parser.add_argument("--condition", metavar="QUERY",
                        help="open with a condition's plan shown (any name, alias or lay term)")
    parser.add_argument("--side", choices=["left", "right", "both"], default=None,
                        help="side for --condition (default right; both for widespread pain) or --segment (default both)")
    parser.add_argument("--segment", metavar="SEGMENT",
                        help="open with a segment's muscles, root and paraspinal level lit (C1-S2)")
    parser.add_argument("--quit-after-first-frame", action="store_true",
                        help="print 'first frame' when the 3D view has painted, then quit (for start-up benchmarks and smoke tests)")
    parser.add_argument("--view", choices=["anterior", "posterior", "left", "right", "superior"],
                        help="start from this view")
    parser.add_argument("--catalog", metavar="FILE", type=Path,
                        help="a user catalog merged over the bundled one (default: the one in your settings folder)")


def register(sub: argparse._SubParsersAction) -> None:
    """No window sub-commands yet (the window is the default command)."""


def run_window(args: argparse.Namespace) -> int:
    """Open the desktop window (imports Qt and VTK only now)."""
    from ims_atlas.qt.app import run

    try:
        return run(screenshot=args.screenshot, size=args.size, condition=args.condition,
                   side=args.side, user_catalog=args.catalog, segment=args.segment, view=args.view,
                   quit_after_first_frame=args.quit_after_first_frame)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
