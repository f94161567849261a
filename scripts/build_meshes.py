"""Bake the anatomy from the PyPI package myo-sim into meshes/ (needs `pip install -e .[build]`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ims_atlas.bake.build import build_meshes  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "meshes"))
    args = parser.parse_args()
    manifest = build_meshes(args.out)
    tris = sum(s["triangles"] for s in manifest["structures"])
    print(f"wrote {len(manifest['structures'])} structures, {tris} triangles, to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
