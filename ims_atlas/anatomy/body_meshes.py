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
    """One structure's triangles: its vertices, its triangles (``faces``, indices into
    ``points``) and its bounding box; corners ``a`` and edges ``e1``, ``e2`` for ray tests.

    Only the vertices and the 32-bit triangle indices are kept: the corners and edges are
    computed when asked for (the same float64 arithmetic as before, so every ray test gives
    the same answer). Kept for every structure a ray test met, they held 72 bytes a triangle,
    about 11 MB of the window's memory after the bench's highlight switches.
    """

    points: np.ndarray
    faces: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @property
    def a(self) -> np.ndarray:
        """Each triangle's first corner, (n, 3)."""
        return self.points[self.faces[:, 0]]

    @property
    def e1(self) -> np.ndarray:
        """Each triangle's edge from the first corner to the second, (n, 3)."""
        return self.points[self.faces[:, 1]] - self.a

    @property
    def e2(self) -> np.ndarray:
        """Each triangle's edge from the first corner to the third, (n, 3)."""
        return self.points[self.faces[:, 2]] - self.a


def surface_of(points: np.ndarray, faces: np.ndarray) -> Surface:
    """A :class:`Surface` from vertices and triangles."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    f = np.asarray(faces).reshape(-1, 3)
    if len(f) and (int(f.min()) < 0 or int(f.max()) >= len(pts)):
        raise IndexError(f"a triangle indexes a vertex that does not exist ({len(pts)} vertices)")
    lo = pts.min(axis=0) if len(pts) else np.zeros(3)
    hi = pts.max(axis=0) if len(pts) else np.zeros(3)
    return Surface(pts, f.astype(np.int32), lo, hi)


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
        #: :func:`~ims_atlas.anatomy.facing.facing_costs` (and ``far_sides``) by target (they cast many rays).
        self.facing_cache: dict[tuple, dict[str, float]] = {}
        #: Whether the costs stored beside the meshes were read into :attr:`facing_cache`.
        self.facing_store_read = False
        self._run_tables: dict[str, _Runs] = {}
        #: Where a structure's vertices and triangles are taken from before its file is read:
        #: ``structure id -> (points, faces)``, or None for one it does not hold (the window's
        #: scene, whose surfaces are the files' own values: mesh files store float32 points
        #: and int32 triangles). Unset (None), every surface is read from its file.
        self.reader = None

    def surface(self, structure_id: str) -> Surface | None:
        """The structure's surface, or None when it has no readable mesh."""
        if structure_id not in self._surfaces:
            s = self.manifest.get(structure_id)
            surface = None
            held = self.reader(structure_id) if self.reader is not None and s is not None else None
            if held is not None:
                points, faces = held
                surface = surface_of(points, faces) if len(faces) else None
            elif s is not None:
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

    def crossings_along(self, origin, direction, ignore=frozenset(), among=None) -> dict[str, int]:
        """:func:`crossings` of the ray ``origin + t * direction`` (t > 0) with every structure
        (or every one in ``among``) but those in ``ignore``; only the structures it crosses, by id.

        The same triangle test as :func:`crossings`, run only on the triangles of the small runs
        of consecutive triangles (:data:`RUN`) whose boxes the ray passes through: a ray meets
        few of them, so most of the body's triangles are never tested. With ``among``, only
        those structures' meshes are read and cut into runs.
        """
        return self._along(origin, direction, ignore, among, distances=False)

    def crossing_distances(self, origin, direction, ignore=frozenset(), among=None) -> dict[str, np.ndarray]:
        """Like :meth:`crossings_along`, but where the ray crosses each structure: the ``t`` of
        each crossing, nearest first.
        """
        return self._along(origin, direction, ignore, among, distances=True)

    def _along(self, origin, direction, ignore, among, distances: bool):
        """The ray test of :meth:`crossings_along`; with ``distances``, each crossing's ``t``."""
        o = np.asarray(origin, dtype=np.float64)
        d = np.asarray(direction, dtype=np.float64)
        # The structures' boxes first, then the runs of those the ray meets.
        if among is None:
            near = [sid for sid in self.along_ray(o, d) if sid not in ignore]
        else:
            wanted = [sid for s in self.manifest if (sid := s.id) in among and sid not in ignore
                      and self.surface(sid) is not None]
            near = [wanted[i] for i in _boxes_met([self._surfaces[sid] for sid in wanted], o, d)]
        if not near:
            return {}
        tables = [self._runs_of(sid) for sid in near]
        lo = np.concatenate([t.lo for t in tables], axis=1)
        hi = np.concatenate([t.hi for t in tables], axis=1)
        owner = np.concatenate([np.full(t.lo.shape[1], i, dtype=np.int64) for i, t in enumerate(tables)])
        t_near = np.zeros(lo.shape[1])
        t_far = np.full(lo.shape[1], np.inf)
        with np.errstate(divide="ignore", invalid="ignore"):
            for k in range(3):  # the slab test by axis (lo, hi are (3, runs)); fmax/fmin pass over NaN
                inv = 1.0 / d[k]
                t1 = (lo[k] - o[k]) * inv
                t2 = (hi[k] - o[k]) * inv
                t_near = np.fmax(t_near, np.minimum(t1, t2))
                t_far = np.fmin(t_far, np.maximum(t1, t2))
        met = np.flatnonzero(t_far >= t_near)
        if not len(met):
            return {}
        first = np.concatenate([[0], np.cumsum([t.lo.shape[1] for t in tables])])
        parts, owners = [], []
        for i in np.unique(owner[met]):
            runs = met[owner[met] == i] - first[i]
            rows = (runs[:, None] * RUN + np.arange(RUN)).ravel()
            corners = self._surfaces[near[i]].points[tables[i].faces[rows]]  # (rows, 3 corners, xyz)
            a = corners[:, 0]
            parts.append((a, corners[:, 1] - a, corners[:, 2] - a))
            owners.append(np.full(len(rows), i, dtype=np.int64))
        a, e1, e2 = (np.concatenate(x) for x in zip(*parts, strict=True))
        hit, t = _ray_hits(a, e1, e2, o, d, distances=True)
        who = np.concatenate(owners)
        if distances:
            return {near[i]: np.sort(t[hit & (who == i)]) for i in np.unique(who[hit])}
        counts = np.bincount(who[hit], minlength=len(tables))
        return {near[i]: int(counts[i]) for i in np.flatnonzero(counts)}

    def _runs_of(self, structure_id: str) -> _Runs:
        """A surface's triangles in runs of :data:`RUN` (the last run padded with empty
        triangles that no ray meets), each run with its box; made on first use.
        """
        table = self._run_tables.get(structure_id)
        if table is None:
            s = self._surfaces[structure_id]
            n = len(s.faces)
            pad = (-n) % RUN
            # Padded with empty triangles (all three corners the first vertex): no ray meets them.
            faces = np.concatenate([s.faces, np.repeat(s.faces[:1, :1], pad * 3).reshape(-1, 3)]) if pad else s.faces
            a = s.points[faces[:, 0]]
            e1 = np.concatenate([s.e1, np.zeros((pad, 3))]) if pad else s.e1
            e2 = np.concatenate([s.e2, np.zeros((pad, 3))]) if pad else s.e2
            corners = np.stack([a, a + e1, a + e2], axis=1).reshape(-1, RUN * 3, 3)
            table = _Runs(np.ascontiguousarray(corners.min(axis=1).T), np.ascontiguousarray(corners.max(axis=1).T),
                          faces)
            # The surface's own triangles become a view of these (no second copy kept in memory).
            self._surfaces[structure_id] = Surface(s.points, faces[:n], s.lo, s.hi)
            self._run_tables[structure_id] = table
        return table

    def all_surfaces(self) -> dict[str, Surface]:
        """Every structure with a readable surface."""
        out = {}
        for s in self.manifest:
            surface = self.surface(s.id)
            if surface is not None:
                out[s.id] = surface
        return out


@dataclass(frozen=True)
class _Runs:
    """A surface's triangles in runs: the runs' boxes (``lo``, ``hi``: (3, runs)) and the
    padded triangles (``faces``: (runs * RUN, 3) indices into the surface's points).
    """

    lo: np.ndarray
    hi: np.ndarray
    faces: np.ndarray


def _boxes_met(surfaces: list[Surface], origin: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Indices of the surfaces whose bounding boxes the ray (t > 0) passes through."""
    if not surfaces:
        return np.zeros(0, dtype=np.int64)
    lo = np.array([s.lo for s in surfaces])
    hi = np.array([s.hi for s in surfaces])
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / direction
        t1 = (lo - origin) * inv
        t2 = (hi - origin) * inv
    t_near = np.nanmax(np.minimum(t1, t2), axis=1)
    t_far = np.nanmin(np.maximum(t1, t2), axis=1)
    return np.flatnonzero(t_far >= np.maximum(t_near, 0.0))


#: Consecutive triangles tested together by :meth:`BodyMeshes.crossings_along` (a mesh's
#: neighbouring triangles lie close together, so a run's box is small).
RUN = 16


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
    return int(np.count_nonzero(_ray_hits(surface.a, surface.e1, surface.e2, origin, direction)))


def _ray_hits(a: np.ndarray, e1: np.ndarray, e2: np.ndarray, origin: np.ndarray, direction: np.ndarray,
              distances: bool = False):
    """Which triangles (corner ``a``, edges ``e1`` and ``e2``) the ray ``origin + t * direction``
    (t > 0) passes through, as a boolean mask (with ``distances``, also each triangle's ``t``).
    """
    # Möller-Trumbore for every triangle at once. The cross products are written out by
    # component: np.cross on these small arrays costs several times more (axis handling).
    dx, dy, dz = (float(c) for c in direction)
    px = dy * e2[:, 2] - dz * e2[:, 1]
    py = dz * e2[:, 0] - dx * e2[:, 2]
    pz = dx * e2[:, 1] - dy * e2[:, 0]
    det = e1[:, 0] * px + e1[:, 1] * py + e1[:, 2] * pz
    ok = np.abs(det) > 1e-15
    inv_det = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    tvec = origin - a
    u = (tvec[:, 0] * px + tvec[:, 1] * py + tvec[:, 2] * pz) * inv_det
    qx = tvec[:, 1] * e1[:, 2] - tvec[:, 2] * e1[:, 1]
    qy = tvec[:, 2] * e1[:, 0] - tvec[:, 0] * e1[:, 2]
    qz = tvec[:, 0] * e1[:, 1] - tvec[:, 1] * e1[:, 0]
    v = (qx * dx + qy * dy + qz * dz) * inv_det
    t = (e2[:, 0] * qx + e2[:, 1] * qy + e2[:, 2] * qz) * inv_det
    hit = ok & (u >= 0.0) & (v >= 0.0) & (u + v <= 1.0) & (t > 1e-9)
    return (hit, t) if distances else hit
