"""The body's surfaces as plain arrays, read once, for geometry questions asked without VTK.

Which way a target faces (:mod:`ims_atlas.anatomy.facing`) and where a muscle's belly lies
(:mod:`ims_atlas.anatomy.belly`) are answered from the meshes themselves, so the answers
follow the anatomy when the meshes change: nothing about a particular body is written here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.core.errors import DataError


@dataclass(frozen=True)
class Surface:
    """One structure's triangles: corners ``a`` and edges ``e1``, ``e2`` (for ray tests), its
    vertices and its bounding box.
    """

    points: np.ndarray
    a: np.ndarray
    e1: np.ndarray
    e2: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def surface_of(points: np.ndarray, faces: np.ndarray) -> Surface:
    """A :class:`Surface` from vertices and triangles."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    f = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    a = pts[f[:, 0]]
    lo = pts.min(axis=0) if len(pts) else np.zeros(3)
    hi = pts.max(axis=0) if len(pts) else np.zeros(3)
    return Surface(pts, a, pts[f[:, 1]] - a, pts[f[:, 2]] - a, lo, hi)


class BodyMeshes:
    """The surfaces of a manifest's structures, each read on first use.

    Parameters
    ----------
    manifest
        The anatomy.
    surfaces
        Surfaces already in memory (e.g. the scene's), by structure id: not read again.
    """

    def __init__(self, manifest: Manifest, surfaces: dict[str, Surface] | None = None) -> None:
        self.manifest = manifest
        self._surfaces: dict[str, Surface | None] = dict(surfaces or {})
        #: :func:`~ims_atlas.anatomy.facing.facing_costs` by target (it casts many rays).
        self.facing_cache: dict[tuple, dict[str, float]] = {}

    def surface(self, structure_id: str) -> Surface | None:
        """The structure's surface, or None when it has no readable mesh."""
        if structure_id not in self._surfaces:
            s = self.manifest.get(structure_id)
            surface = None
            if s is not None:
                try:
                    mesh = read_mesh(self.manifest.file_path(s), s.triangles)
                    if len(mesh.faces):
                        surface = surface_of(mesh.points, mesh.faces)
                except DataError:
                    surface = None  # a broken file is reported by the loader and the validator
            self._surfaces[structure_id] = surface
        return self._surfaces[structure_id]

    def points(self, structure_ids) -> np.ndarray:
        """All vertices of some structures, (n, 3)."""
        parts = [s.points for sid in structure_ids if (s := self.surface(sid)) is not None]
        return np.vstack(parts) if parts else np.zeros((0, 3))

    def boxes(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Ids, lower and upper corners of every structure with a surface (manifest order)."""
        if getattr(self, "_boxes", None) is None:
            ids = [s.id for s in self.manifest if self.surface(s.id) is not None]
            lo = np.array([self._surfaces[i].lo for i in ids]).reshape(-1, 3)
            hi = np.array([self._surfaces[i].hi for i in ids]).reshape(-1, 3)
            self._boxes = (ids, lo, hi)
        return self._boxes

    def along_ray(self, origin: np.ndarray, direction: np.ndarray) -> list[str]:
        """Ids of the structures whose bounding boxes the ray ``origin + t * direction``
        (t > 0) passes through.
        """
        ids, lo, hi = self.boxes()
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = 1.0 / np.asarray(direction, dtype=np.float64)
            t1 = (lo - origin) * inv
            t2 = (hi - origin) * inv
        t_near = np.nanmax(np.minimum(t1, t2), axis=1)
        t_far = np.nanmin(np.maximum(t1, t2), axis=1)
        return [ids[i] for i in np.flatnonzero(t_far >= np.maximum(t_near, 0.0))]

    def all_surfaces(self) -> dict[str, Surface]:
        """Every structure with a readable surface."""
        out = {}
        for s in self.manifest:
            surface = self.surface(s.id)
            if surface is not None:
                out[s.id] = surface
        return out


def crossings(surface: Surface, origin: np.ndarray, direction: np.ndarray) -> int:
    """How many times the ray ``origin + t * direction`` (t > 0) passes through ``surface``."""
    # Slab test on the bounding box first: most structures are nowhere near a given ray.
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / direction
        t1 = (surface.lo - origin) * inv
        t2 = (surface.hi - origin) * inv
    t_near = np.nanmax(np.minimum(t1, t2))
    t_far = np.nanmin(np.maximum(t1, t2))
    if t_far < max(t_near, 0.0):
        return 0
    # Möller-Trumbore for every triangle at once. The cross products are written out by
    # component: np.cross on these small arrays costs several times more (axis handling).
    dx, dy, dz = (float(c) for c in direction)
    e1, e2 = surface.e1, surface.e2
    px = dy * e2[:, 2] - dz * e2[:, 1]
    py = dz * e2[:, 0] - dx * e2[:, 2]
    pz = dx * e2[:, 1] - dy * e2[:, 0]
    det = e1[:, 0] * px + e1[:, 1] * py + e1[:, 2] * pz
    ok = np.abs(det) > 1e-15
    inv_det = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    tvec = origin - surface.a
    u = (tvec[:, 0] * px + tvec[:, 1] * py + tvec[:, 2] * pz) * inv_det
    qx = tvec[:, 1] * e1[:, 2] - tvec[:, 2] * e1[:, 1]
    qy = tvec[:, 2] * e1[:, 0] - tvec[:, 0] * e1[:, 2]
    qz = tvec[:, 0] * e1[:, 1] - tvec[:, 1] * e1[:, 0]
    v = (qx * dx + qy * dy + qz * dz) * inv_det
    t = (e2[:, 0] * qx + e2[:, 1] * qy + e2[:, 2] * qz) * inv_det
    return int(np.count_nonzero(ok & (u >= 0.0) & (v >= 0.0) & (u + v <= 1.0) & (t > 1e-9)))
