"""Export every segment and condition and compare two trees' pictures (pixels and labels).

    # in each tree (run from inside it: python -m and scripts put their own folder first)
    PYTHONPATH=$PWD python scripts/compare_exports.py shoot OUT [--both-conditions] [NAMES...]
    python scripts/compare_exports.py diff OUT_A OUT_B

``shoot`` renders (``render_image`` at 1920x1080, a fresh off-screen scene per picture, as a
command does) the 27 segments C1-S2 on both sides and every condition on its default side (with
``--both-conditions``: every condition on both sides instead), writing each PNG and a JSON of
its layout (labels placed and left out, panels, insets, CPU seconds, renders). ``diff`` lists
each picture as identical or how it differs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

SIZE = (1920, 1080)
SEGMENTS = [f"C{i}" for i in range(1, 9)] + [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)] + ["S1", "S2"]


def shoot(out: Path, both_conditions: bool, only: set[str]) -> None:
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.paths import meshes_dir
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.image_export import ImageOptions, render_image
    from ims_atlas.export.render import OffscreenScene

    out.mkdir(parents=True, exist_ok=True)
    manifest = load_manifest(meshes_dir() / "manifest.json")
    catalog = load_catalog(None, manifest)
    if both_conditions:
        jobs = [(c.id, ViewState(condition_id=c.id, side="both")) for c in catalog.conditions]
    else:
        jobs = [(s, ViewState(segment=s, side="both")) for s in SEGMENTS]
        jobs += [(c.id, ViewState(condition_id=c.id, side="right")) for c in catalog.conditions]
    for name, state in (j for j in jobs if not only or j[0] in only):
        start = time.process_time()
        with OffscreenScene(manifest, SIZE) as scene:
            result = render_image(manifest, catalog, state, ImageOptions(size=SIZE), scene)
            renders = scene.frames_rendered
        cpu = time.process_time() - start
        (out / f"{name}.png").write_bytes(result.png)
        summary = {
            "dropped": [str(d) for d in result.layout.dropped],
            "placed": [[str(p.key), [round(v, 3) for v in (p.box.x, p.box.y, p.box.w, p.box.h)],
                        [round(v, 3) for v in p.anchor]] for p in result.layout.placed],
            "panels": [{"view": p.view.name, "box": [p.box.x, p.box.y, p.box.w, p.box.h],
                        "insets": [{"title": i.title, "keys": list(i.keys), "zoom": round(i.zoom, 4),
                                    "box": [round(v, 3) for v in (i.box.x, i.box.y, i.box.w, i.box.h)]}
                                   for i in p.insets]} for p in result.panels],
            "cpu_s": round(cpu, 3), "renders": renders,
        }
        (out / f"{name}.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        print(f"{name}: cpu {cpu:.2f} s, renders {renders}, left out {len(result.layout.dropped)}", flush=True)


def diff(a: Path, b: Path) -> int:
    import numpy as np
    from PIL import Image

    same = different = 0
    for pa in sorted(a.glob("*.png")):
        pb = b / pa.name
        if not pb.exists():
            print(f"{pa.stem}: missing in {b}")
            different += 1
            continue
        ia, ib = (np.asarray(Image.open(p).convert("RGBA")) for p in (pa, pb))
        ja, jb = (json.loads(p.with_suffix(".json").read_text(encoding="utf-8")) for p in (pa, pb))
        layout_same = all(ja[k] == jb[k] for k in ("dropped", "placed", "panels"))
        if ia.shape == ib.shape and np.array_equal(ia, ib) and layout_same:
            same += 1
            print(f"{pa.stem}: identical (cpu {ja['cpu_s']:.2f} -> {jb['cpu_s']:.2f} s, "
                  f"renders {ja['renders']} -> {jb['renders']})")
            continue
        different += 1
        n = int(np.any(ia != ib, axis=-1).sum()) if ia.shape == ib.shape else -1
        print(f"{pa.stem}: DIFFERENT: {n} pixels, layout {'the same' if layout_same else 'different'}")
        for key in ("dropped", "panels"):
            if ja[key] != jb[key]:
                print(f"   {key}: {json.dumps(ja[key])}\n   -> {json.dumps(jb[key])}")
    print(f"{same} identical, {different} different")
    return 1 if different else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("shoot", help="render the pictures into a folder")
    s.add_argument("out", type=Path)
    s.add_argument("--both-conditions", action="store_true", help="every condition on both sides instead")
    s.add_argument("names", nargs="*", help="only these segments or condition ids")
    d = sub.add_parser("diff", help="compare two folders of pictures")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "shoot":
        shoot(args.out, args.both_conditions, set(args.names))
        return 0
    return diff(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
