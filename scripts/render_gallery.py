"""Render the anatomy gallery: fixed views of the default scene to PNGs in docs/img/gallery/.

Off-screen, through the app's own SceneController, so the pictures look like the window.
Run: `python scripts/render_gallery.py [--out DIR] [--size 1200x900] [--only NAME ...]`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")

#: name -> (preset view, or (structure ids to frame, direction focus->eye, view up, margin)).
VIEWS = {
    "anterior": "anterior",
    "posterior": "posterior",
    "lateral": "right",
    "neck-shoulder-posterior": (
        ["skull", "scapula_right", "scapula_left", "vertebra_t6", "trapezius_right", "trapezius_left"],
        (0.0, 1.0, 0.15), (0.0, 0.0, 1.0), 1.02),
    "head-neck-right-lateral": (
        ["skull", "mandible", "vertebra_c7", "clavicle_right", "scapula_right"], (-1.0, -0.15, 0.05), (0.0, 0.0, 1.0), 1.05),
    "forearm-right-lateral": (
        ["radius_right", "ulna_right"], (-1.0, 0.05, 0.0), (0.0, 0.0, 1.0), 1.1),
    "lumbar-posterior-oblique": (
        ["vertebra_t12", "vertebra_l3", "sacrum", "hip_bone_right", "hip_bone_left"], (-0.55, 1.0, 0.35), (0.0, 0.0, 1.0), 1.05),
    "plantar-foot-right": (
        ["foot_bones_right"], (0.0, 0.0, -1.0), (0.0, -1.0, 0.0), 1.15),
}


def render(out: Path, size: tuple[int, int], only: list[str] | None = None) -> list[Path]:
    """Render every gallery view (or those in ``only``) and return the files written."""
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.scene.controller import SceneController, offscreen_plotter
    from ims_atlas.scene.views import frame_points

    manifest = load_manifest(ROOT / "meshes" / "manifest.json")
    plotter = offscreen_plotter(size)
    scene = SceneController(plotter, manifest)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for name, view in VIEWS.items():
            if only and name not in only:
                continue
            if isinstance(view, str):
                scene.set_view(view, render=False)
            else:
                ids, direction, up, margin = view
                points = scene.structure_points(ids)
                pos, focal, vup = frame_points(points, direction, aspect=size[0] / size[1], margin=margin, up=up)
                cam = plotter.camera
                cam.position, cam.focal_point, cam.up = pos, focal, vup
                cam.view_angle = 30.0
                plotter.reset_camera_clipping_range()
            path = out / f"{name}.png"
            plotter.render()
            plotter.screenshot(str(path))
            written.append(path)
    finally:
        scene.close()
        plotter.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "gallery")
    parser.add_argument("--size", default="1200x900", help="WIDTHxHEIGHT in pixels")
    parser.add_argument("--only", nargs="*", help="render only these views")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    for path in render(args.out, (w, h), args.only):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
