"""Fill each local target's epicentre ``position`` in site_catalog.json from its ``along`` fraction.

The point is on the right-side muscle's centre path (the left is mirrored when shown). Muscles
with no single mesh (not yet modelled, or split by level) get no position and are left alone.
Run after re-baking meshes/: `python scripts/place_targets.py [--check]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ims_atlas.anatomy.manifest import load_manifest  # noqa: E402
from ims_atlas.anatomy.placement import point_along  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=ROOT / "site_catalog.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if any position would change")
    args = parser.parse_args()
    manifest = load_manifest(ROOT / "meshes" / "manifest.json")
    doc = json.loads(args.catalog.read_text(encoding="utf-8"))
    changed = placed = skipped = 0
    for condition in doc.get("conditions", []):
        for target in condition.get("local_targets", []):
            epi = target.get("epicentre", {})
            along = epi.get("along")
            point = point_along(manifest, target["muscle"], "right", along) if along is not None else None
            if point is None:
                skipped += 1
                if "position" in epi:
                    del epi["position"]
                    changed += 1
                continue
            placed += 1
            if epi.get("position") != list(point):
                epi["position"] = list(point)
                changed += 1
    print(f"placed {placed} epicentres, {skipped} without a single muscle mesh, {changed} changed")
    if args.check:
        return 1 if changed else 0
    if changed:
        args.catalog.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
