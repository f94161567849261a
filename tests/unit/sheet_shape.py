"""Shape measures of a muscle surface for the tests: a cross-section's thickness profile (to
tell a rounded border from a cut one) and the bend between neighbouring faces in the middle
of a sheet (to tell a smooth sheet from a faceted one). NumPy only."""

from __future__ import annotations

import numpy as np


def section(points: np.ndarray, faces: np.ndarray, origin: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Points where the surface's edges cross the plane through ``origin`` square to ``normal``."""
    n = np.asarray(normal, dtype=np.float64)
    n = n / np.linalg.norm(n)
    d = (np.asarray(points, dtype=np.float64) - origin) @ n
    e = np.unique(np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1), axis=0)
    a, b = e[:, 0], e[:, 1]
    cross = (d[a] < 0) != (d[b] < 0)
    a, b = a[cross], b[cross]
    t = (d[a] / (d[a] - d[b]))[:, None]
    return points[a] + t * (points[b] - points[a])


def mid_section_profile(points: np.ndarray, faces: np.ndarray, path: np.ndarray, near: float = 0.06
                        ) -> tuple[float, float]:
    """Through the middle of ``path`` and square to it: the section's greatest thickness and
    the height of the wall at its two borders (the larger of the two), in metres.

    The section's points within ``near`` of the path's middle are taken (the piece of the
    section that belongs to this belly); its width runs along their main axis and its
    thickness along the other axis in the plane. At each end of the width, the wall is the distance
    between the two outermost points: a border cut square is a wall as high as the sheet is
    thick there, a rounded one ends in a thin lip.
    """
    path = np.asarray(path, dtype=np.float64)
    i = len(path) // 2
    mid = path[i]
    tangent = path[min(i + 1, len(path) - 1)] - path[max(i - 1, 0)]
    s = section(np.asarray(points, dtype=np.float64), faces, mid, tangent)
    s = s[np.linalg.norm(s - mid, axis=1) < near]
    c = s - s.mean(axis=0)
    _, vecs = np.linalg.eigh(c.T @ c)
    across, through = c @ vecs[:, 2], c @ vecs[:, 1]  # (vecs[:, 0] is square to the plane)
    peak = 0.0
    for w in np.linspace(across.min(), across.max(), 41)[1:-1]:
        band = np.abs(across - w) < 0.001
        if band.sum() >= 2:
            peak = max(peak, float(np.ptp(through[band])))
    order = np.argsort(across)
    walls = [np.linalg.norm(s[order[0]] - s[order[1]]), np.linalg.norm(s[order[-1]] - s[order[-2]])]
    return peak, float(max(walls))


def top_surface(points: np.ndarray, stations: int) -> np.ndarray:
    """The outer (top) surface of a lofted sheet as a grid ``(stations, fibres, 3)``.

    :func:`ims_atlas.bake.solids.sheet` lofts one ring per station, each going along the top
    from the first fibre to the last and back along the bottom (:func:`solids.loft` with strip
    caps adds no points), so a sheet of ``m`` fibres has ``stations * 2 * m`` points.
    """
    points = np.asarray(points, dtype=np.float64)
    m, rest = divmod(len(points), 2 * stations)
    if rest or m < 2:
        raise ValueError(f"{len(points)} points are not {stations} rings of a sheet")
    return points.reshape(stations, 2 * m, 3)[:, :m]


def middle_bends(grid: np.ndarray, along: tuple[float, float] = (0.2, 0.8),
                 across: tuple[float, float] = (0.3, 0.7)) -> np.ndarray:
    """Angles (degrees) between the normals of neighbouring quads of a surface grid
    ``(stations, fibres, 3)``, in its middle: from ``along[0]`` to ``along[1]`` of the stations
    and ``across[0]`` to ``across[1]`` of the fibres (the rounded borders and the ends, which
    turn by design, left out). A smooth curved sheet turns a little from quad to quad; a
    faceted one turns all at once at a crease."""
    g = np.asarray(grid, dtype=np.float64)
    n = np.cross(g[1:, 1:] - g[:-1, :-1], g[1:, :-1] - g[:-1, 1:])
    n /= np.maximum(np.linalg.norm(n, axis=2, keepdims=True), 1e-15)
    s, f = n.shape[:2]
    i0, i1 = int(along[0] * s), int(np.ceil(along[1] * s))
    j0, j1 = int(across[0] * f), int(np.ceil(across[1] * f))
    core = n[i0:i1, j0:j1]
    bends = np.concatenate([np.einsum("ijk,ijk->ij", core[1:], core[:-1]).ravel(),
                            np.einsum("ijk,ijk->ij", core[:, 1:], core[:, :-1]).ravel()])
    return np.degrees(np.arccos(np.clip(bends, -1.0, 1.0)))
