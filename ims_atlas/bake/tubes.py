"""Closed, smooth muscle solids swept along a fascicle's path (NumPy only, float64)."""

from __future__ import annotations

import numpy as np


def resample(path: np.ndarray, count: int) -> np.ndarray:
    """Resample a polyline to ``count`` points evenly spaced by arc length."""
    path = np.asarray(path, dtype=np.float64)
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    keep = np.concatenate([[True], seg > 1e-9])
    path = path[keep]
    if len(path) < 2:
        raise ValueError("a path needs two distinct points")
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
    t = np.linspace(0.0, s[-1], count)
    return np.stack([np.interp(t, s, path[:, k]) for k in range(3)], axis=1)


def smooth(path: np.ndarray, iterations: int = 2) -> np.ndarray:
    """Chaikin corner cutting, keeping both end points (takes the kinks out of wrap paths)."""
    p = np.asarray(path, dtype=np.float64)
    for _ in range(iterations):
        if len(p) < 3:
            break
        q = 0.75 * p[:-1] + 0.25 * p[1:]
        r = 0.25 * p[:-1] + 0.75 * p[1:]
        mid = np.empty((2 * (len(p) - 1), 3))
        mid[0::2], mid[1::2] = q, r
        p = np.vstack([p[:1], mid[1:-1], p[-1:]])
    return p


def belly_profile(t: np.ndarray, tendon: float = 0.18) -> np.ndarray:
    """Relative radius along a muscle: a fusiform belly tapering to thin tendons at both ends."""
    t = np.clip(np.asarray(t, dtype=np.float64), 0.0, 1.0)
    core = np.sin(np.pi * t) ** 0.8
    return np.clip(tendon + (1.0 - tendon) * core, tendon, 1.0)


#: Fine grid on which profiles are integrated (volumes) and ring stations are laid out.
_GRID = np.linspace(0.0, 1.0, 4001)

#: Tendon radius of a belly-and-tendon muscle: TENDON_BASE + TENDON_SLOPE x the muscle's
#: spindle radius, so a strong muscle's tendon is a little thicker than a weak one's but not in
#: proportion (tendons of a 5 mm and a 28 mm spindle: 1.8 and 3.0 mm, not 0.9 and 5 mm).
TENDON_BASE = 0.0015
TENDON_SLOPE = 0.055
#: Where along the belly (share of its length from its proximal end) it is thickest: the long
#: forearm and leg muscles are fullest in their upper part and taper into the tendon.
BELLY_PEAK = 0.4
#: Rings of a belly-and-tendon tube, laid three times as densely along the belly (and its
#: junction with the tendon) as along the tendon.
BELLY_RINGS = 30
BELLY_DENSITY = 3.0


def spindle_volume(radius: float, length: float, tendon: float = 0.18) -> float:
    """Volume of the default fusiform spindle of peak ``radius`` over a path of ``length`` (m^3)."""
    return float(np.pi * radius**2 * length * np.trapezoid(belly_profile(_GRID, tendon) ** 2, _GRID))


def tendon_radius(radius: float) -> float:
    """Tendon radius for a muscle whose spindle radius is ``radius`` (never above 0.6 x radius)."""
    return float(min(TENDON_BASE + TENDON_SLOPE * radius, 0.6 * radius))


def _smootherstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6.0 * x - 15.0) + 10.0)


def belly_shape(t: np.ndarray, belly: tuple[float, float], peak: float = BELLY_PEAK) -> np.ndarray:
    """0 along the tendon, rising smoothly to 1 inside ``belly`` = (start, end) and back to 0.

    Both flanks are quintic smoothsteps, so the radius has no kink where belly meets tendon
    nor at the peak (zero first and second derivatives there).
    """
    t = np.asarray(t, dtype=np.float64)
    start, end = belly
    u = (t - start) / max(end - start, 1e-9)
    rise = _smootherstep(u / peak)
    fall = _smootherstep((1.0 - u) / (1.0 - peak))
    return np.where(u < peak, rise, fall) * ((u >= 0.0) & (u <= 1.0))


def belly_tendon_radii(t: np.ndarray, peak_radius: float, tendon: float, belly: tuple[float, float]) -> np.ndarray:
    """Radius along a belly-and-tendon muscle at path fractions ``t``."""
    s = belly_shape(t, belly)
    return tendon + (peak_radius - tendon) * s


def peak_for_volume(volume: float, length: float, belly: tuple[float, float], tendon: float) -> float:
    """Peak radius of a belly-and-tendon muscle of ``length`` whose solid has ``volume``.

    The radius is ``tendon * (1 - s) + R * s`` with ``s = belly_shape``; its volume
    ``pi * length * integral(r^2)`` is quadratic in R and solved exactly.
    """
    s = belly_shape(_GRID, belly)
    a = np.trapezoid((1.0 - s) ** 2, _GRID)
    b = np.trapezoid(s * (1.0 - s), _GRID)
    c = np.trapezoid(s**2, _GRID)
    v = volume / (np.pi * length)
    disc = (tendon * b) ** 2 - c * (tendon**2 * a - v)
    return float((-tendon * b + np.sqrt(max(disc, 0.0))) / c)


def profile_volume(radii_fn, length: float) -> float:
    """``pi * length * integral(r(t)^2 dt)`` of a radius function on [0, 1] (m^3)."""
    return float(np.pi * length * np.trapezoid(radii_fn(_GRID) ** 2, _GRID))


def belly_stations(count: int, belly: tuple[float, float], density: float = BELLY_DENSITY) -> np.ndarray:
    """``count`` ring positions on [0, 1], ``density`` times closer along the belly and its junctions."""
    start, end = belly
    margin = 0.04
    w = np.where((_GRID >= start - margin) & (_GRID <= end + margin), density, 1.0)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (w[1:] + w[:-1]) * np.diff(_GRID))])
    return np.interp(np.linspace(0.0, 1.0, count), cum / cum[-1], _GRID)


def resample_at(path: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Points of a polyline at the given shares of its arc length."""
    path = np.asarray(path, dtype=np.float64)
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    path = path[np.concatenate([[True], seg > 1e-9])]
    if len(path) < 2:
        raise ValueError("a path needs two distinct points")
    s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
    t = np.asarray(fractions, dtype=np.float64) * s[-1]
    return np.stack([np.interp(t, s, path[:, k]) for k in range(3)], axis=1)


def transport_frames(centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parallel-transported normal and binormal along a polyline (no twist)."""
    tangents = np.gradient(centre, axis=0)
    tangents /= np.maximum(np.linalg.norm(tangents, axis=1, keepdims=True), 1e-12)
    ref = np.array([0.0, 0.0, 1.0]) if abs(tangents[0, 2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    normal = np.cross(tangents[0], ref)
    normal /= np.linalg.norm(normal)
    normals = np.empty_like(centre)
    for i, tan in enumerate(tangents):
        normal = normal - tan * np.dot(normal, tan)
        length = np.linalg.norm(normal)
        if length < 1e-9:
            normal = np.cross(tan, ref)
            length = np.linalg.norm(normal)
        normal = normal / length
        normals[i] = normal
    return normals, np.cross(tangents, normals)


def flat_frames(centre: np.ndarray, thin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ring frames whose first axis is ``thin`` (a direction) made square to the path at each
    station, the second square to both; where the path runs along ``thin`` (within about 8
    degrees) the parallel-transported frame stands in.
    """
    normals, binormals = transport_frames(centre)
    tangents = np.gradient(centre, axis=0)
    tangents /= np.maximum(np.linalg.norm(tangents, axis=1, keepdims=True), 1e-12)
    thin = np.asarray(thin, dtype=np.float64) / np.linalg.norm(thin)
    n = thin[None, :] - tangents * (tangents @ thin)[:, None]
    length = np.linalg.norm(n, axis=1)
    ok = length > 0.15
    normals[ok] = n[ok] / length[ok, None]
    binormals[ok] = np.cross(tangents[ok], normals[ok])
    return normals, binormals


def sweep(path: np.ndarray, radius: float, rings: int = 18, sides: int = 10,
          belly: tuple[float, float] | None = None, tendon: float | None = None,
          thin: np.ndarray | None = None, thickness: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Sweep a closed tube with a belly profile along ``path``.

    Without ``belly`` the tube is the default symmetric spindle of peak ``radius`` over the whole
    path. With ``belly`` = (start, end) (shares of the path from its origin) it is a belly of
    peak ``radius`` there and a tendon of radius ``tendon`` elsewhere (``belly_tendon_radii``),
    its rings laid densely along the belly (``belly_stations``).

    With ``thin`` (a direction) the rings are ellipses of the same area as the round ones:
    ``thickness`` x the radius along ``thin`` (square to the path), the radius / ``thickness``
    across it, so a belly laid on a bone can be flat against it without losing volume.

    Returns ``(points, faces)``: a watertight, consistently outward-oriented triangle surface.
    Frames are parallel-transported (or, with ``thin``, held to it) so the surface does not twist.
    """
    if belly is None:
        centre = resample(smooth(path), rings)
        radii = radius * belly_profile(np.linspace(0.0, 1.0, rings))
    else:
        stations = belly_stations(rings, belly)
        centre = resample_at(smooth(path), stations)
        radii = belly_tendon_radii(stations, radius, tendon_radius(radius) if tendon is None else tendon, belly)
    if thin is None:
        normals, binormals = transport_frames(centre)
    else:
        normals, binormals = flat_frames(centre, thin)
        normals, binormals = normals * thickness, binormals / thickness
    angles = np.linspace(0.0, 2.0 * np.pi, sides, endpoint=False)
    cos, sin = np.cos(angles), np.sin(angles)
    ring_pts = (
        centre[:, None, :]
        + radii[:, None, None] * (cos[None, :, None] * normals[:, None, :] + sin[None, :, None] * binormals[:, None, :])
    )
    points = np.vstack([ring_pts.reshape(-1, 3), centre[:1], centre[-1:]])
    start, end = rings * sides, rings * sides + 1
    faces = []
    for i in range(rings - 1):
        a = i * sides + np.arange(sides)
        b = i * sides + (np.arange(sides) + 1) % sides
        c, d = a + sides, b + sides
        faces.append(np.stack([a, b, d], axis=1))
        faces.append(np.stack([a, d, c], axis=1))
    first = np.arange(sides)
    last = (rings - 1) * sides + np.arange(sides)
    faces.append(np.stack([np.full(sides, start), (first + 1) % sides, first], axis=1))
    faces.append(np.stack([np.full(sides, end), last, (rings - 1) * sides + (np.arange(sides) + 1) % sides], axis=1))
    faces = np.vstack(faces).astype(np.int64)
    # Orient outwards: the signed volume must be positive.
    v0, v1, v2 = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    if np.einsum("ij,ij->i", v0, np.cross(v1, v2)).sum() < 0:
        faces = faces[:, ::-1]
    return points, faces
