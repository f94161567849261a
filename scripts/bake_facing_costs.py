"""Cost, ahead of time, every target of the bundled catalog's pictures from every view, and
store the costs beside the meshes (meshes/facing_costs.json; see ims_atlas/anatomy/facing_store.py).

Run after re-baking meshes/ or moving targets: `python scripts/bake_facing_costs.py [--check]`.
Each condition and each segment on the right, the left and both sides, and each muscle
structure on its own (a quiz question), go through the app's own view choice, and each view
through the export's choice of insets for its targets that face away.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ims_atlas.anatomy.facing import costing_parameters  # noqa: E402
from ims_atlas.anatomy.facing_store import read_store, store_path, store_text  # noqa: E402
from ims_atlas.anatomy.manifest import load_manifest  # noqa: E402
from ims_atlas.catalog.load import load_catalog  # noqa: E402
from ims_atlas.core.state import ViewState  # noqa: E402
from ims_atlas.scene.picture import body_for, picture_for  # noqa: E402
from ims_atlas.scene.study_pictures import quiz_picture  # noqa: E402
from ims_atlas.scene.target_views import turned_away  # noqa: E402

SIDES = ("right", "left", "both")


def costed(manifest, catalog) -> dict:
    """The facing costs of every picture the bundled data can show, computed afresh."""
    body = body_for(manifest)  # the app's own (the quiz's pictures use it too)
    body.facing_store_read = True  # compute afresh: don't read the old store
    body.facing_cache.clear()
    states = [ViewState(condition_id=condition.id, side=side) for condition in catalog.conditions for side in SIDES]
    states += [ViewState(segment=segment, side=side) for segment in catalog.segment_ids() for side in SIDES]
    for state in states:
        picture = picture_for(state, manifest, catalog, body=body)
        for view in picture.views:
            turned_away(view, picture.targets, body)
    for s in manifest.by_kind("muscle"):
        quiz_picture((s.id,), manifest, ViewState())
    return dict(body.facing_cache)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meshes", type=Path, default=ROOT / "meshes")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the stored costs are missing, stale or differ from fresh ones")
    args = parser.parse_args()
    manifest = load_manifest(args.meshes / "manifest.json")
    catalog = load_catalog(None, manifest)
    costs = costed(manifest, catalog)
    text = store_text(manifest, costing_parameters(), costs)
    path = store_path(manifest)
    if args.check:
        stored = read_store(manifest, costing_parameters())
        same = stored == costs
        print(f"{path}: {len(stored)} stored, {len(costs)} fresh, {'up to date' if same else 'OUT OF DATE'}")
        return 0 if same else 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {len(costs)} facing costs to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
