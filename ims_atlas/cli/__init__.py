"""The ``ims-atlas`` command line.

With no sub-command it opens the desktop window. Sub-commands (``validate``, ``conditions``,
``plan``, ``muscle``, ``segment``, ...) are registered by the modules in this package; each
imports what it needs (never Qt or VTK for the catalog commands) inside its handler.
"""

from __future__ import annotations

import argparse
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    handler = getattr(args, "handler", None)
    if handler is None:
        from ims_atlas.cli import app_commands

        return app_commands.run_window(args)
    return int(handler(args) or 0)
