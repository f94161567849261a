"""Which structure lies under the mouse: a ray cast against the triangles, in plain numpy.

VTK's cell picker also hits blocks that are hidden, and its hardware picker costs a full
render per pick; casting the ray ourselves is fast (bounding boxes first, then only the
triangles of the boxes the ray crosses) and lets the rules follow what the user sees:
hidden structures are never picked, a highlighted structure (a target, the selection) is
picked through the context drawn around it, and a structure made faint by the layer opacity
does not hide a clearly drawn one behind it. Among the context of a highlighted plan (every
structure faded, bones less than muscles) the nearest is picked: it is the one under the mouse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ims_atlas.anatomy.geometry import ray_hits

#: Structures drawn at least this opaque win over fainter ones in front of them.
SOLID_OPACITY = 0.5


@dataclass(frozen=True)
class Pickable:
    """One structure as the picker sees it."""

    structure_id: str
    points: np.ndarray  # (n, 3) float
    faces: np.ndarray  # (m, 3) int: triangles
    bounds: tuple[float, float, float, float, float, float]
    opacity: float = 1.0
    role: str = "base"  # as in the highlight plan: base, context, or a highlight role


def _rank(s: Pickable) -> int:
    """Highlighted first, then clearly drawn base structures, then everything faint or context."""
    if s.role not in ("base", "context"):
        return 2
    return 1 if s.role == "base" and s.opacity >= SOLID_OPACITY else 0


def ray_box(origin: np.ndarray, direction: np.ndarray, bounds) -> bool:
    """Whether the ray ``origin + t * direction`` (t >= 0) crosses an axis-aligned box."""
    lo = np.array(bounds[0::2], dtype=float)
    hi = np.array(bounds[1::2], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / direction
        t1 = (lo - origin) * inv
        t2 = (hi - origin) * inv
    tmin = np.where(np.isnan(t1), -np.inf, np.minimum(t1, t2))
    tmax = np.where(np.isnan(t2), np.inf, np.maximum(t1, t2))
    # A zero direction component: inside the slab means no constraint, outside means a miss.
    flat = direction == 0
    if np.any(flat & ((origin < lo) | (origin > hi))):
        return False
    tmin = np.where(flat, -np.inf, tmin)
    tmax = np.where(flat, np.inf, tmax)
    near, far = tmin.max(), tmax.min()
    return bool(far >= max(near, 0.0))


def ray_triangles(origin: np.ndarray, direction: np.ndarray, points: np.ndarray, faces: np.ndarray) -> float | None:
    """Distance along the ray (in units of ``direction``) to the nearest triangle hit, or None.

    Both faces of a triangle count (:func:`ims_atlas.anatomy.geometry.ray_hits`).
    """
    if len(faces) == 0:
        return None
    a = points[faces[:, 0]].astype(float)
    t = ray_hits(a, points[faces[:, 1]] - a, points[faces[:, 2]] - a, origin, direction)
    return None if np.all(np.isnan(t)) else float(np.nanmin(t))


def pick(origin, direction, structures: Iterable[Pickable]) -> str | None:
    """The structure the ray meets first, preferring highlighted and clearly drawn ones.

    Returns the nearest hit among highlighted structures; else among base structures at least
    :data:`SOLID_OPACITY` opaque; else the nearest of the rest (faint, or context around a
    highlight: a faded muscle in front of a faded rib is the one picked).
    """
    origin = np.asarray(origin, dtype=float)
    direction = np.asarray(direction, dtype=float)
    best: dict[int, tuple[float, str]] = {}
    for s in structures:
        if not ray_box(origin, direction, s.bounds):
            continue
        t = ray_triangles(origin, direction, s.points, s.faces)
        if t is None:
            continue
        rank = _rank(s)
        if rank not in best or t < best[rank][0]:
            best[rank] = (t, s.structure_id)
    return best[max(best)][1] if best else None
