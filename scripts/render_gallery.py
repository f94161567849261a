"""Render the anatomy gallery: fixed views of the default scene to PNGs in docs/img/gallery/.

Off-screen, through the app's own SceneController, so the pictures look like the window.
The anatomy is the app's (``meshes/``, or the folder ``IMS_ATLAS_MESHES`` names).
Run: `python scripts/render_gallery.py [--out DIR] [--size 1200x900] [--only NAME ...]`.

The full-body views (anterior, posterior, lateral) and the plates of the sole are portrait
pictures whose height is the longer side of ``--size`` (a standing body is three to five times
taller than it is wide, a foot about two and a half times longer); the other close-ups use
``--size``. Every view is framed on the mesh points it names so they fill the picture.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")

#: Camera view angle (degrees), as in the app.
VIEW_ANGLE = 30.0


@dataclass(frozen=True)
class View:
    """A gallery picture: what to frame and from where.

    ``frame`` lists structure ids, ``"*"`` for every structure, or ``(id, low, high)`` for the
    part of a structure between two fractions of its height (the lower half of the skull is
    ``("skull", 0.0, 0.5)``). ``direction`` points from the subject to the camera.
    """

    frame: tuple
    direction: tuple[float, float, float]
    up: tuple[float, float, float] = (0.0, 0.0, 1.0)
    margin: float = 1.04
    portrait: float | None = None  #: width / height of a portrait picture (full-body views)
    #: When set, only structures of these manifest regions are drawn (a close-up of a limb
    #: without the trunk behind it, as an atlas plate would show it).
    regions: tuple[str, ...] | None = None
    #: When set (with ``regions``), only the structures of these sides are drawn (one foot, not both).
    sides: tuple[str, ...] | None = None
    #: Structures hidden as the window's Hide does (a dissection plate with a layer taken away).
    hidden: tuple[str, ...] = ()


_CERVICAL = tuple(f"vertebra_c{i}" for i in range(1, 8))
#: The right foot's long axis, from the calcaneal tuberosity towards the second toe, in the baked frame.
_FOOT_AXIS = (-0.127, -1.0, 0.0)
VIEWS = {
    "anterior": View(("*",), (0.0, -1.0, 0.0), portrait=0.5),
    "posterior": View(("*",), (0.0, 1.0, 0.0), portrait=0.5),
    "lateral": View(("*",), (-1.0, 0.0, 0.0), portrait=0.4),
    # Occiput to the lower angles of the scapulae, shoulder to shoulder: trapezius, levator
    # scapulae, rhomboids, splenius, the cervical paraspinals.
    "neck-shoulder-posterior": View(
        (("skull", 0.0, 0.55), *_CERVICAL, "vertebra_t7", "scapula_right", "scapula_left", "clavicle_right",
         "clavicle_left"), (0.0, 1.0, 0.12)),
    # Head and neck from the right: temporalis, masseter, sternocleidomastoid, scalenes, levator
    # scapulae, splenius, upper trapezius.
    "head-neck-right-lateral": View(
        ("skull", "mandible", *_CERVICAL, "vertebra_t1", "clavicle_right"), (-1.0, -0.1, 0.05)),
    # Elbow to wrist from the lateral side: the extensor group from the lateral epicondyle.
    "forearm-right-lateral": View(
        (("humerus_right", 0.0, 0.22), "radius_right", "ulna_right", ("hand_bones_right", 0.75, 1.0)),
        (-1.0, 0.05, 0.0), margin=1.06, regions=("arm", "arm and forearm", "elbow", "forearm", "hand"),
        sides=("right",)),
    # T12 to the sacrum from behind and to the right: multifidus, longissimus, iliocostalis,
    # quadratus lumborum.
    "lumbar-posterior-oblique": View(
        ("vertebra_t12", "vertebra_l1", "vertebra_l3", "vertebra_l5", "sacrum", ("hip_bone_right", 0.35, 1.0),
         ("hip_bone_left", 0.35, 1.0)), (-0.55, 1.0, 0.35), margin=1.06,
        # The trunk, pelvis and thighs only: the hanging arms would frame the plate and hide its sides.
        regions=("lumbar spine", "thoracic spine", "thoracolumbar spine", "back", "upper back", "thorax", "abdomen",
                 "pelvis", "hip", "buttock", "buttock and thigh", "pelvis and thigh", "thigh")),
    # The right sole from straight below, toes up along the foot's long axis (heel to second toe,
    # turned about 7 degrees from -Y in myo-sim's pose), a portrait plate as in an atlas: the
    # plantar aponeurosis with its five processes, abductor hallucis along the medial border (on
    # the right of the picture), abductor digiti minimi along the lateral border. Only the right
    # foot's own structures: the leg's muscles and the other foot are left out.
    "plantar-foot-right": View(("foot_bones_right",), (0.0, 0.0, -1.0), up=_FOOT_AXIS, margin=1.03, portrait=0.5,
                               regions=("foot",), sides=("right",)),
    # The same plate with the aponeurosis taken away (hidden, as the window's Hide does): the first
    # layer (abductor hallucis, flexor digitorum brevis and its four tendons, abductor digiti
    # minimi) with flexor hallucis brevis and adductor hallucis in the forefoot.
    "plantar-foot-right-first-layer": View(("foot_bones_right",), (0.0, 0.0, -1.0), up=_FOOT_AXIS, margin=1.03,
                                           portrait=0.5, regions=("foot",), sides=("right",),
                                           hidden=("plantar_fascia_right",)),
}


def view_points(manifest, frame: tuple):
    """Mesh points of the structures a view frames."""
    import numpy as np

    from ims_atlas.anatomy.mesh_file import read_mesh

    chunks = []
    for item in frame:
        if item == "*":
            chunks += [read_mesh(manifest.file_path(s)).points for s in manifest]
            continue
        sid, low, high = (item, 0.0, 1.0) if isinstance(item, str) else item
        if sid not in manifest:
            continue
        p = read_mesh(manifest.file_path(manifest[sid])).points
        z0, z1 = p[:, 2].min(), p[:, 2].max()
        keep = (p[:, 2] >= z0 + low * (z1 - z0) - 1e-9) & (p[:, 2] <= z0 + high * (z1 - z0) + 1e-9)
        chunks.append(p[keep])
    return np.vstack(chunks)


def fit_camera(points, direction, up, aspect: float, margin: float):
    """Camera ``(position, focal_point, up)`` looking along ``-direction`` whose perspective
    picture just holds every point (``margin`` > 1 leaves a border), centred on them."""
    import numpy as np

    d = np.asarray(direction, dtype=float)
    d /= np.linalg.norm(d)
    u = np.asarray(up, dtype=float) - d * float(np.dot(up, d))
    u /= np.linalg.norm(u)
    r = np.cross(u, d)
    pts = np.asarray(points, dtype=float)
    x, y, z = pts @ r, pts @ u, pts @ d
    cx, cy = (x.min() + x.max()) / 2, (y.min() + y.max()) / 2
    tan_v = math.tan(math.radians(VIEW_ANGLE) / 2) / margin
    tan_h = tan_v * aspect
    # The eye sits at depth D along d; a point at depth z needs D - z >= its offset / tan.
    depth = float(np.max(np.maximum(np.abs(x - cx) / tan_h, np.abs(y - cy) / tan_v) + z))
    centre = cx * r + cy * u + float(z.mean()) * d
    eye = cx * r + cy * u + depth * d
    return tuple(eye), tuple(centre), tuple(u)


def render(out: Path, size: tuple[int, int], only: list[str] | None = None) -> list[Path]:
    """Render every gallery view (or those in ``only``) and return the files written."""
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.core.paths import meshes_dir
    from ims_atlas.scene.controller import SceneController, offscreen_plotter
    from ims_atlas.scene.plan import plan_for

    manifest = load_manifest(meshes_dir() / "manifest.json")
    plotter = offscreen_plotter(size)
    scene = SceneController(plotter, manifest)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for name, view in VIEWS.items():
            if only and name not in only:
                continue
            if view.portrait:
                h = max(size)
                w = max(2 * round(h * view.portrait / 2), 2)
            else:
                w, h = size
            plotter.window_size = [w, h]
            isolate = frozenset(st.id for st in manifest if view.regions and st.region in view.regions
                                and (view.sides is None or st.side in view.sides))
            scene.apply(plan_for(manifest, isolate=isolate, hidden=view.hidden), render=False)
            pose = fit_camera(view_points(manifest, view.frame), view.direction, view.up, w / h, view.margin)
            cam = plotter.camera
            cam.position, cam.focal_point, cam.up = pose
            cam.view_angle = VIEW_ANGLE
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
    parser.add_argument("--size", default="1200x900",
                        help="WIDTHxHEIGHT in pixels of the close-ups (full-body views: portrait, as tall as the longer side)")
    parser.add_argument("--only", nargs="*", help="render only these views")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    for path in render(args.out, (w, h), args.only):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
