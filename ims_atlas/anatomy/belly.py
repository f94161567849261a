"""Where a muscle's belly is: the thickest part along its length, not its bounding box centre.

A label at the centre of a muscle's box sits on the tendon for a long muscle with a long
tendon (the calf and forearm muscles), and at mid-thorax for the whole multifidus column.
Here the muscle's vertices are cut into slices across its long axis (the first principal
axis); the belly is the centre of the slice whose cross-section is widest. A muscle that
runs over many more spinal levels than a plan names is first cut down to those levels.
"""

from __future__ import annotations

import numpy as np

#: Slices along the long axis.
SLICES = 10


def _slices(pts: np.ndarray) -> list[tuple[float, np.ndarray]] | None:
    """The slices of ``pts`` (n x 3, at least 3 x SLICES) across its first principal axis, in
    order along it: (width across the axis, centre) of each slice of at least 4 vertices;
    None when the points have no length.
    """
    centre = pts.mean(axis=0)
    rel = pts - centre
    _, _, vt = np.linalg.svd(rel, full_matrices=False)
    axis = vt[0]
    along = rel @ axis
    lo, hi = float(along.min()), float(along.max())
    if hi - lo < 1e-9:
        return None
    edges = np.linspace(lo, hi, SLICES + 1)
    which = np.clip(np.searchsorted(edges, along, side="right") - 1, 0, SLICES - 1)
    slices = []
    for k in range(SLICES):
        members = pts[which == k]
        if len(members) < 4:
            continue
        across = members - members.mean(axis=0)
        across = across - np.outer(across @ axis, axis)
        # Spread across the axis (both directions): the slice's area, up to a constant.
        eig = np.sort(np.linalg.eigvalsh(np.cov(across.T)))[1:].clip(min=0.0)
        slices.append((float(np.sqrt(np.prod(eig))), members.mean(axis=0)))
    return slices


def belly_point(points: np.ndarray) -> tuple[float, float, float] | None:
    """The centre of the widest slice of a muscle's vertices (n x 3), or None without any."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    if len(pts) == 0:
        return None
    centre = pts.mean(axis=0)
    slices = _slices(pts) if len(pts) >= 3 * SLICES else None
    if not slices:
        return tuple(float(c) for c in centre)  # type: ignore[return-value]
    point = max(slices, key=lambda s: s[0])[1]  # the first of equally wide slices, as before
    return (float(point[0]), float(point[1]), float(point[2]))


#: A slice at least this share of the widest one's width is belly, not tendon.
BELLY_SHARE = 0.6


def belly_stations(points: np.ndarray, share: float = BELLY_SHARE) -> list[tuple[float, float, float]]:
    """The centres of the slices of a muscle's vertices (n x 3) across its long axis that are
    belly (at least ``share`` as wide as the widest), in order along the axis; ``[]`` for too
    few vertices. A label may end at any of them and still name the muscle's belly, not its
    tendon (:func:`belly_point` is the widest).
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    slices = _slices(pts) if len(pts) >= 3 * SLICES else None
    if not slices:
        return []
    widest = max(w for w, _ in slices)
    return [(float(c[0]), float(c[1]), float(c[2])) for w, c in slices if w >= share * widest]


def within_levels(points: np.ndarray, z_range: tuple[float, float], up: np.ndarray, margin: float = 0.02) -> np.ndarray:
    """The vertices of a long muscle between two heights (along ``up``), when the muscle runs
    well beyond them; else all of them.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    if not len(pts):
        return pts
    h = pts @ np.asarray(up, dtype=np.float64)
    lo, hi = min(z_range) - margin, max(z_range) + margin
    if h.min() >= lo - 1e-9 and h.max() <= hi + 1e-9:
        return pts  # the muscle lies within the levels already
    if not (h.min() <= lo and h.max() >= hi):
        return pts  # it does not span the levels: nothing to cut to
    inside = pts[(h >= lo) & (h <= hi)]
    return inside if len(inside) >= 4 else pts
