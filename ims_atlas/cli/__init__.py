"""The ``ims-atlas`` command line.

With no sub-command it opens the desktop window. Sub-commands (``validate``, ``conditions``,
``plan``, ``muscle``, ``segment``, ...) are registered by the modules in this package; each
imports what it needs (never Qt or VTK for the catalog commands) inside its handler.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from ims_atlas import __version__


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser: window options plus every sub-command."""
    from ims_atlas.cli import app_commands, catalog_commands, export_commands, study_commands

    parser = argparse.ArgumentParser(
        prog="ims-atlas",
        description="IMS Atlas: needling sites, their nerve-root segments and paraspinal targets in 3D.",
    )
    parser.add_argument("--version", action="version", version=f"ims-atlas {__version__}")
    app_commands.add_window_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    catalog_commands.register(sub)
    app_commands.register(sub)
    export_commands.register(sub)
    study_commands.register(sub)
    return parser


def _safe_streams() -> None:
    """Make stdout and stderr write what they cannot encode as escapes instead of raising
    (a terminal in ASCII, or a name holding a character no encoder takes): no output of IMS
    Atlas ever ends in a UnicodeEncodeError.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a closed or detached stream: nothing to protect
                pass


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (it may be replaced meanwhile)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging() -> None:
    """Show the package's warnings and errors on stderr as ``ims-atlas: message`` (once)."""
    logger = logging.getLogger("ims_atlas")
    if any(isinstance(h, _StderrHandler) for h in logger.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("ims-atlas: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    _safe_streams()
    configure_logging()
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    handler = getattr(args, "handler", None)
    if handler is None:
        from ims_atlas.cli import app_commands

        return app_commands.run_window(args)
    try:
        return int(handler(args) or 0)
    except BrokenPipeError:
        # The reader went away (``ims-atlas plan ... | head``): stop quietly, as other tools do.
        _silence_stdout()
        return 1


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
