"""The ray-cast picker: pure numpy, checked against boxes whose answer is known."""

import numpy as np

from ims_atlas.scene.picking import Pickable, pick, ray_box, ray_triangles


def _cube(centre, half=0.5):
    c = np.asarray(centre, float)
    corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], float) * half + c
    quads = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    faces = np.array([t for a, b, c_, d in quads for t in ((a, b, c_), (a, c_, d))])
    lo, hi = c - half, c + half
    return corners, faces, (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])


def _item(name, centre, opacity=1.0, role="base"):
    pts, faces, bounds = _cube(centre)
    return Pickable(name, pts, faces, bounds, opacity, role)


def test_ray_box():
    bounds = (-1, 1, -1, 1, -1, 1)
    assert ray_box(np.array([0, -5, 0.0]), np.array([0, 1, 0.0]), bounds)
    assert not ray_box(np.array([0, -5, 0.0]), np.array([0, -1, 0.0]), bounds)  # pointing away
    assert not ray_box(np.array([3, -5, 0.0]), np.array([0, 1, 0.0]), bounds)  # passes beside
    assert ray_box(np.array([0, 0, 0.0]), np.array([1, 0, 0.0]), bounds)  # starts inside


def test_ray_triangles_distance():
    pts, faces, _ = _cube((0, 0, 0))
    t = ray_triangles(np.array([0.1, -5, 0.2]), np.array([0, 1.0, 0]), pts, faces)
    assert t is not None and abs(t - 4.5) < 1e-9
    assert ray_triangles(np.array([2.0, -5, 0]), np.array([0, 1.0, 0]), pts, faces) is None


def test_pick_nearest_and_skips_faint_in_front():
    front, back = _item("front", (0, 0, 0)), _item("back", (0, 3, 0))
    origin, direction = np.array([0, -5, 0.0]), np.array([0, 1.0, 0])
    assert pick(origin, direction, [back, front]) == "front"
    faint_front = _item("front", (0, 0, 0), opacity=0.18)
    assert pick(origin, direction, [back, faint_front]) == "back"
    assert pick(origin, direction, [faint_front]) == "front"
    assert pick(origin, np.array([0, -1.0, 0]), [back, front]) is None


def test_around_a_highlight_the_nearest_context_is_picked_and_highlights_win():
    """Context (everything faded around a selection or a plan; bones less than muscles): the
    nearest is the one under the mouse. A highlighted structure is picked through it."""
    origin, direction = np.array([0, -5, 0.0]), np.array([0, 1.0, 0])
    muscle = _item("muscle", (0, 0, 0), opacity=0.18, role="context")
    rib = _item("rib", (0, 3, 0), opacity=0.55, role="context")
    assert pick(origin, direction, [rib, muscle]) == "muscle"
    target = _item("target", (0, 6, 0), opacity=1.0, role="local")
    assert pick(origin, direction, [rib, muscle, target]) == "target"
