"""Where to look at a structure found by name (a search result): its box and a direction.

Pure (NumPy only). A structure of the spine (a vertebra, a root, the spinal cord) is looked at
from behind, where the paraspinal needle points are; any other from the direction in which the
least of the body lies in front of the middle of its box
(:func:`~ims_atlas.anatomy.facing.facing_costs`), among the views that hide nothing (front,
back, its own side, from below). The box is framed with at least
:data:`~ims_atlas.scene.picture.LEAST_VIEW_M` of the body round it, so a small structure (a
root) is shown where it is, not blown up to fill the view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ims_atlas.anatomy.body_meshes import BodyMeshes
from ims_atlas.anatomy.facing import facing_costs, view_directions, view_up
from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.core.errors import DataError
from ims_atlas.scene.picture import with_least_span
from ims_atlas.scene.target_views import TargetView

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class StructureFrame:
    """What to frame for found structures: points (their boxes, widened) and the view."""

    points: np.ndarray
    view: TargetView


def _points(manifest: Manifest, body: BodyMeshes, structure: Structure) -> np.ndarray | None:
    """A structure's mesh points, or None when its mesh cannot be read."""
    surface = body.surface(structure.id)
    if surface is not None:
        return np.asarray(surface.points, dtype=float)
    try:
        mesh = read_mesh(manifest.file_path(structure), structure.triangles)  # an organ or a vessel
    except DataError:
        return None
    return np.asarray(mesh.points, dtype=float) if len(mesh.points) else None


def _box(manifest: Manifest, body: BodyMeshes, structure: Structure) -> np.ndarray | None:
    """The two corners of a structure's box, or None when its mesh cannot be read."""
    surface = body.surface(structure.id)
    if surface is not None:
        return np.array([surface.lo, surface.hi], dtype=float)
    pts = _points(manifest, body, structure)
    return None if pts is None else np.array([pts.min(axis=0), pts.max(axis=0)])


def structure_anchor(manifest: Manifest, body: BodyMeshes, structure_id: str) -> Vec3 | None:
    """Where a label's leader ends on a structure (drawn or on request): the point of its mesh
    nearest the middle of its box, so it lies on the structure however it curves (an artery,
    a nerve); None when its mesh cannot be read.
    """
    pts = _points(manifest, body, manifest.requested(structure_id))
    if pts is None:
        return None
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    p = pts[int(np.argmin(((pts - centre) ** 2).sum(axis=1)))]
    return (float(p[0]), float(p[1]), float(p[2]))


def in_the_spine(structure: Structure) -> bool:
    """Whether a structure is the spine's (looked at from behind)."""
    return structure.kind in ("vertebra", "root") or structure.id == "spinal_cord"


def structure_frame(manifest: Manifest, body: BodyMeshes, structure_ids, side: str) -> StructureFrame | None:
    """The points and view that frame ``structure_ids`` (drawn or on request), seen for ``side``
    (``left``, ``right`` or ``both``); None when none of them has a readable mesh.
    """
    structures = [manifest.requested(sid) for sid in structure_ids]
    boxes = [b for s in structures if (b := _box(manifest, body, s)) is not None]
    if not boxes:
        return None
    points = np.vstack(boxes)
    own_side = next((s.side for s in structures if s.side in ("left", "right")), "both")
    looks = "both" if side == "both" or own_side == "both" else own_side
    directions = {k: v for k, v in view_directions(manifest, looks).items() if not k.startswith("medial")}
    if any(in_the_spine(s) for s in structures):
        name = "posterior"
    else:
        centre = points.mean(axis=0)
        costs = facing_costs(body, centre, looks, tuple(s.id for s in structures))
        name = min((k for k in costs if k in directions), key=lambda k: (round(costs[k], 6), k != "anterior"))
    direction: Vec3 = directions[name]
    view = TargetView(name, direction, (), "all", view_up(manifest, direction))
    return StructureFrame(with_least_span(points, view), view)
