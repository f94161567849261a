"""Point-against-mesh tests in plain NumPy: inside a closed mesh, and distance to its surface.

Used by the catalog validator to check that an epicentre lies in its muscle, so it must not
need VTK. Both tests are vectorised over triangles (a 2,000-triangle mesh takes well under a
millisecond per point).
"""

from __future__ import annotations

import numpy as np

#: Ray directions for the parity test: unit vectors chosen off the axes and diagonals, so a ray
#: is unlikely to graze an edge or vertex of an axis-aligned or regular mesh.
_RAY_DIRECTIONS = np.array(
    [
        [0.5773502691896258, 0.6172133998483676, 0.5345224838248488],
        [-0.2672612419124244, 0.8017837257372732, -0.5345224838248488],
        [0.1825741858350554, -0.3651483716701107, 0.9128709291752769],
    ]
)
_RAY_DIRECTIONS /= np.linalg.norm(_RAY_DIRECTIONS, axis=1, keepdims=True)


def _triangles(points: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pts = np.asarray(points, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64)
    return pts[f[:, 0]], pts[f[:, 1]], pts[f[:, 2]]


def ray_hits(a: np.ndarray, e1: np.ndarray, e2: np.ndarray, origin: np.ndarray,
             direction: np.ndarray) -> np.ndarray:
    """Distances ``t`` (in units of ``direction``) at which the ray ``origin + t * direction``
    passes through each triangle (corner ``a``, edges ``e1``, ``e2``); NaN where it misses or
    t <= 0. Moller-Trumbore on all triangles at once; both faces count.
    """
    pvec = np.cross(direction, e2)
    det = np.einsum("ij,ij->i", e1, pvec)
    ok = np.abs(det) > 1e-15
    inv = np.zeros_like(det)
    inv[ok] = 1.0 / det[ok]
    tvec = origin - a
    u = np.einsum("ij,ij->i", tvec, pvec) * inv
    qvec = np.cross(tvec, e1)
    v = (qvec @ direction) * inv
    t = np.einsum("ij,ij->i", e2, qvec) * inv
    hit = ok & (u >= 0.0) & (v >= 0.0) & (u + v <= 1.0) & (t > 0.0)
    return np.where(hit, t, np.nan)


def _crossings(a: np.ndarray, e1: np.ndarray, e2: np.ndarray, origin: np.ndarray, direction: np.ndarray) -> int:
    """How many triangles the ray ``origin + t * direction`` (t > 0) passes through."""
    return int(np.count_nonzero(~np.isnan(ray_hits(a, e1, e2, origin, direction))))


def contains_point(points: np.ndarray, faces: np.ndarray, point: np.ndarray | tuple[float, float, float]) -> bool:
    """True if ``point`` is inside the closed triangle mesh.

    Casts rays in three fixed directions and takes the majority of their crossing parities,
    so one ray that grazes an edge (and counts a crossing twice or not at all) is outvoted.

    Parameters
    ----------
    points
        Mesh vertices, shape (n, 3).
    faces
        Triangles as vertex indices, shape (m, 3). The mesh should be closed (watertight);
        for an open mesh the answer is only a good guess.
    point
        The point to test, (x, y, z).
    """
    p = np.asarray(point, dtype=np.float64).reshape(3)
    pts = np.asarray(points, dtype=np.float64)
    if len(faces) == 0 or np.any(p < pts.min(axis=0)) or np.any(p > pts.max(axis=0)):
        return False
    a, b, c = _triangles(pts, faces)
    e1, e2 = b - a, c - a
    odd = sum(_crossings(a, e1, e2, p, d) % 2 for d in _RAY_DIRECTIONS)
    return odd >= 2


def triangle_distances(point: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Exact distance from ``point`` to each triangle ``(a[i], b[i], c[i])``.

    The closest point is found by Voronoi region of the triangle (vertex, edge or face;
    Ericson, *Real-Time Collision Detection*, 5.1.5), evaluated for all triangles at once.

    Parameters
    ----------
    point
        The query point, shape (3,).
    a, b, c
        Triangle corners, each shape (m, 3).

    Returns
    -------
    numpy.ndarray
        Shape (m,) distances.
    """
    p = np.asarray(point, dtype=np.float64).reshape(1, 3)
    ab, ac, ap = b - a, c - a, p - a
    bp, cp = p - b, p - c

    def dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->i", x, y)

    d1, d2 = dot(ab, ap), dot(ac, ap)
    d3, d4 = dot(ab, bp), dot(ac, bp)
    d5, d6 = dot(ab, cp), dot(ac, cp)
    va = d3 * d6 - d5 * d4
    vb = d5 * d2 - d1 * d6
    vc = d1 * d4 - d3 * d2
    with np.errstate(divide="ignore", invalid="ignore"):
        t_ab = d1 / (d1 - d3)
        t_ac = d2 / (d2 - d6)
        t_bc = (d4 - d3) / ((d4 - d3) + (d5 - d6))
        denom = 1.0 / (va + vb + vc)
        v_face, w_face = vb * denom, vc * denom
    # np.select takes the first true region; regions only meet on their borders, where they agree.
    conditions = [
        (d1 <= 0) & (d2 <= 0),
        (d3 >= 0) & (d4 <= d3),
        (d6 >= 0) & (d5 <= d6),
        (vc <= 0) & (d1 >= 0) & (d3 <= 0),
        (vb <= 0) & (d2 >= 0) & (d6 <= 0),
        (va <= 0) & ((d4 - d3) >= 0) & ((d5 - d6) >= 0),
    ]
    choices = [
        a,
        b,
        c,
        a + t_ab[:, None] * ab,
        a + t_ac[:, None] * ac,
        b + t_bc[:, None] * (c - b),
    ]
    face = a + v_face[:, None] * ab + w_face[:, None] * ac
    closest = np.select([cnd[:, None] for cnd in conditions], choices, default=face)
    dist = np.linalg.norm(closest - p, axis=1)
    bad = ~np.isfinite(dist)
    if bad.any():  # degenerate (zero-area) triangles: fall back to their corners
        corners = np.stack([a[bad], b[bad], c[bad]])
        dist[bad] = np.linalg.norm(corners - p, axis=2).min(axis=0)
    return dist


def distance_to_mesh(points: np.ndarray, faces: np.ndarray, point: np.ndarray | tuple[float, float, float]) -> float:
    """Distance from ``point`` to the nearest point of the mesh surface (inside or out)."""
    if len(faces) == 0:
        return float("inf")
    a, b, c = _triangles(points, faces)
    return float(triangle_distances(np.asarray(point, dtype=np.float64), a, b, c).min())


def distance_outside(points: np.ndarray, faces: np.ndarray, point: np.ndarray | tuple[float, float, float]) -> float:
    """0 if ``point`` is inside the closed mesh, else its distance to the surface."""
    if contains_point(points, faces, point):
        return 0.0
    return distance_to_mesh(points, faces, point)
