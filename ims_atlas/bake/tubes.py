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


def sweep(path: np.ndarray, radius: float, rings: int = 18, sides: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Sweep a closed tube with a belly profile along ``path``.

    Returns ``(points, faces)``: a watertight, consistently outward-oriented triangle surface.
    Frames are parallel-transported so the surface does not twist.
    """
    centre = resample(smooth(path), rings)
    normals, binormals = transport_frames(centre)
    radii = radius * belly_profile(np.linspace(0.0, 1.0, rings))
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
