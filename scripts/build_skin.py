"""Build the skin envelope and paint the dermatome maps on it: writes ``meshes/skin/``.

Run after the meshes change (it reads ``meshes/manifest.json``; deterministic):

    .venv/bin/python scripts/build_skin.py [--meshes DIR] [--repaint]

``--repaint`` keeps the skin envelope already built and paints the maps again (after a change
to the maps or the painting only).

Needs the ``build`` extra (SciPy) and PyVista (VTK's marching cubes).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    from atlas_bake.dermatomes import paint
    from atlas_bake.skin import DILATE, ERODE, MAX_EDGE, VOXEL, skin_surface
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.core.atomic_file import atomic_write_bytes, atomic_write_text
    from ims_atlas.core.paths import meshes_dir
    from ims_atlas.study.body_landmarks import BodyFrame
    from ims_atlas.study.dermatomes import bundled_maps

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meshes", type=Path, default=None, help="the meshes folder (default: the bundled one)")
    parser.add_argument("--repaint", action="store_true",
                        help="keep the built skin envelope (meshes/skin/skin.npz); paint the maps again")
    args = parser.parse_args(argv)
    folder = args.meshes or meshes_dir()
    manifest = load_manifest(folder / "manifest.json")
    if args.repaint:
        try:
            with np.load(folder / "skin" / "skin.npz", allow_pickle=False) as built:
                points, faces = np.asarray(built["points"], float), np.asarray(built["faces"], np.int64)
        except (OSError, KeyError, ValueError) as exc:
            print(f"build_skin: --repaint needs a built skin ({exc}); run without --repaint", file=sys.stderr)
            return 1
    else:
        points, faces = skin_surface(manifest)
    bf = BodyFrame(manifest)
    maps = bundled_maps()
    try:
        labels = paint(points, faces, bf, maps)
    except (KeyError, ValueError) as exc:
        print(f"build_skin: cannot paint the dermatomes: {exc.args[0]}; nothing was written", file=sys.stderr)
        return 1
    out = folder / "skin"
    out.mkdir(exist_ok=True)

    def npz(**arrays) -> bytes:
        import io

        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        return buf.getvalue()

    atomic_write_bytes(out / "skin.npz", npz(points=points.astype(np.float32), faces=faces.astype(np.int32)))
    atomic_write_bytes(out / "dermatomes.npz", npz(**labels))
    entry = {
        "format_version": 1,
        "id": "skin",
        "name": "Skin (envelope built from the anatomy)",
        "mesh": "skin.npz",
        "dermatomes": "dermatomes.npz",
        "maps": [m.id for m in maps.maps],
        "segments": list(maps.segments),
        "midline_x": manifest.midline_x,
        "left_sign": float(bf.Lf[0]),
        "triangles": len(faces),
        "built_from": {"manifest": "../manifest.json", "source": manifest.source},
        "method": (f"every bone and muscle sampled on a {VOXEL * 1000:.0f} mm voxel grid in three groups (the upper "
                   "limbs with the deltoid, the lower limbs, the rest), each closed on its own (dilated "
                   f"{DILATE * 1000:.0f} mm; axial slices filled, the trunk's with their convex hulls from the "
                   f"ischial tuberosities up; every cavity the outside cannot reach filled; eroded {ERODE * 1000:.0f} "
                   "mm), joined above the apex of the axilla and over the muscles inserting on the humerus (the "
                   "axillary folds) and kept one voxel apart below them (the flank's meshes keeping their own voxels), smoothed and contoured (flying edges), "
                   f"Taubin-smoothed, decimated and split to edges of at most {MAX_EDGE * 1000:.0f} mm: one closed "
                   "surface a few millimetres outside the muscles, not a segmented skin"),
        "licence": manifest.source.get("licence", ""),
    }
    atomic_write_text(out / "skin.json", json.dumps(entry, indent=2) + "\n")
    print(f"wrote {out}: {len(points)} points, {len(faces)} triangles, maps {', '.join(entry['maps'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
