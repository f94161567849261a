"""anatomy.geometry: point-in-closed-mesh and exact point-to-mesh distance (pure NumPy)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ims_atlas.anatomy.geometry import contains_point, distance_outside, distance_to_mesh, triangle_distances


def cube(centre=(0.0, 0.0, 0.0), half=1.0):
    c = np.asarray(centre, dtype=float)
    pts = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], dtype=float) * half + c
    faces = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                      [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
    return pts, faces


def uv_sphere(radius=1.0, n_lat=24, n_lon=48):
    """A closed sphere mesh with 2 * n_lon * (n_lat - 1) triangles."""
    pts = [[0.0, 0.0, radius]]
    for i in range(1, n_lat):
        theta = np.pi * i / n_lat
        for j in range(n_lon):
            phi = 2 * np.pi * j / n_lon
            pts.append([radius * np.sin(theta) * np.cos(phi), radius * np.sin(theta) * np.sin(phi), radius * np.cos(theta)])
    pts.append([0.0, 0.0, -radius])
    faces = []
    for j in range(n_lon):
        faces.append([0, 1 + j, 1 + (j + 1) % n_lon])
    for i in range(n_lat - 2):
        a, b = 1 + i * n_lon, 1 + (i + 1) * n_lon
        for j in range(n_lon):
            k = (j + 1) % n_lon
            faces += [[a + j, b + j, b + k], [a + j, b + k, a + k]]
    last, bottom = 1 + (n_lat - 2) * n_lon, len(pts) - 1
    for j in range(n_lon):
        faces.append([last + j, bottom, last + (j + 1) % n_lon])
    return np.array(pts), np.array(faces)


@pytest.mark.parametrize(
    ("point", "inside"),
    [((0, 0, 0), True), ((0.99, 0.5, -0.5), True), ((1.01, 0, 0), False), ((0, 0, 3), False), ((5, 5, 5), False)],
)
def test_contains_point_cube(point, inside):
    pts, faces = cube()
    assert contains_point(pts, faces, point) is inside


def test_contains_point_on_axis_aligned_grid_through_vertices():
    # Rays from the centre of a cube pass near its diagonal vertices: the majority vote holds.
    pts, faces = cube(half=0.02)
    for p in [(0, 0, 0), (0.01, 0.01, 0.01), (-0.019, 0.019, 0.0)]:
        assert contains_point(pts, faces, p)


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((0, 0, 0), 1.0),  # centre: 1 from every face
        ((3, 0, 0), 2.0),  # off a face
        ((2, 2, 0), np.sqrt(2.0)),  # off an edge
        ((2, 2, 2), np.sqrt(3.0)),  # off a vertex
        ((1, 0.3, 0.2), 0.0),  # on a face
    ],
)
def test_distance_to_cube(point, expected):
    pts, faces = cube()
    assert distance_to_mesh(pts, faces, point) == pytest.approx(expected, abs=1e-12)


def test_distance_outside_is_zero_inside_and_exact_outside():
    pts, faces = cube()
    assert distance_outside(pts, faces, (0.5, 0.5, 0.5)) == 0.0
    assert distance_outside(pts, faces, (1.003, 0, 0)) == pytest.approx(0.003)


def test_sphere_inside_outside_matches_radius():
    pts, faces = uv_sphere()
    rng = np.random.default_rng(1)
    for p in rng.uniform(-1.3, 1.3, size=(300, 3)):
        r = np.linalg.norm(p)
        if abs(r - 1.0) < 0.02:  # facets sit a little inside the true sphere
            continue
        assert contains_point(pts, faces, p) == (r < 1.0)


def test_degenerate_triangle_uses_its_corners():
    a = np.array([[0.0, 0.0, 0.0]])
    b = np.array([[1.0, 0.0, 0.0]])
    d = triangle_distances(np.array([2.0, 0.0, 0.0]), a, b, b.copy())
    assert np.isfinite(d).all() and d[0] == pytest.approx(1.0)


def test_empty_mesh():
    pts = np.zeros((0, 3))
    faces = np.zeros((0, 3), dtype=int)
    assert contains_point(pts, faces, (0, 0, 0)) is False
    assert distance_to_mesh(pts, faces, (0, 0, 0)) == float("inf")


coords = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(coords, min_size=12, max_size=12))
def test_triangle_distance_matches_dense_sampling(values):
    """The exact distance is never more than, and close to, the best of many sampled points."""
    a, b, c, p = (np.array(values[i : i + 3]) for i in range(0, 12, 3))
    d = triangle_distances(p, a[None], b[None], c[None])[0]
    uv = np.random.default_rng(0).random((20000, 2))
    flip = uv.sum(axis=1) > 1
    uv[flip] = 1 - uv[flip]
    samples = a + uv[:, :1] * (b - a) + uv[:, 1:] * (c - a)
    samples = np.vstack([samples, a, b, c])
    brute = np.linalg.norm(samples - p, axis=1).min()
    size = max(np.linalg.norm(b - a), np.linalg.norm(c - a), np.linalg.norm(c - b), 1e-9)
    assert d <= brute + 1e-9
    assert brute - d <= 0.03 * size + 1e-9
