"""Catalog sub-commands (placeholder until the catalog issue lands)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the catalog sub-commands to the parser."""
