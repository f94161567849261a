"""Every surface is wound outward, so the renderer may skip back faces everywhere.

The scene skips back faces on every layer (``scene.controller``): an inward wound piece would
vanish. The ``CLOSED_LAYERS`` (muscles, nerves) are also closed; myo-sim's bones are not all
closed, and the bake winds each of their pieces outward (``bake.build.wound_outward``).
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.manifest import CLOSED_LAYERS
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.bake.build import wound_outward


def orientation_problems(points: np.ndarray, faces: np.ndarray) -> list[str]:
    """What is wrong with a surface that should be closed and wound outward (empty if nothing)."""
    problems = []
    directed = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    _, directed_counts = np.unique(directed, axis=0, return_counts=True)
    if np.any(directed_counts != 1):
        problems.append(f"{int(np.sum(directed_counts != 1))} edges run the same way in two triangles (inconsistent winding)")
    undirected = np.sort(directed, axis=1)
    _, counts = np.unique(undirected, axis=0, return_counts=True)
    if np.any(counts != 2):
        problems.append(f"{int(np.sum(counts != 2))} edges are not shared by exactly two triangles (open or non-manifold)")
    a, b, c = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    volume = float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)
    if volume <= 0.0:
        problems.append(f"signed volume {volume:.3g} m^3 is not positive (wound inward)")
    return problems


def test_the_check_finds_an_open_an_inward_and_a_mixed_surface():
    # A tetrahedron wound outward is fine.
    points = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
    faces = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    assert orientation_problems(points, faces) == []
    assert any("inward" in p for p in orientation_problems(points, faces[:, ::-1]))
    assert any("open" in p for p in orientation_problems(points, faces[:3]))
    mixed = faces.copy()
    mixed[0] = mixed[0, ::-1]
    assert any("inconsistent" in p for p in orientation_problems(points, mixed))


def test_closed_layers_are_the_soft_tissue_layers():
    assert set(CLOSED_LAYERS) == {"muscles", "nerves"}


def test_every_structure_in_a_culled_layer_is_closed_and_wound_outward(manifest):
    culled = [s for s in manifest if s.layer in CLOSED_LAYERS]
    assert len(culled) > 200
    bad = {}
    for s in culled:
        data = read_mesh(manifest.file_path(s))
        problems = orientation_problems(data.points, data.faces)
        if problems:
            bad[s.id] = problems
    assert not bad, bad


def _tetrahedron():
    points = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
    return points, np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])


def test_winding_outward_turns_a_stray_triangle_and_an_inward_piece():
    points, faces = _tetrahedron()
    assert np.array_equal(wound_outward(points, faces), faces)
    stray = faces.copy()
    stray[2] = stray[2, ::-1]
    assert orientation_problems(points, wound_outward(points, stray)) == []
    # Two separate pieces, one wound inward: only that one is turned over.
    far = np.vstack([points, points + 5.0])
    both = np.vstack([faces, faces[:, ::-1] + 4])
    fixed = wound_outward(far, both)
    assert np.array_equal(fixed[:4], faces) and np.array_equal(fixed[4:], faces + 4)
    # An open piece (a lid-less box) counts too: its volume about its own centre decides.
    lidless = faces[:3]
    assert np.array_equal(wound_outward(points, lidless[:, ::-1]), lidless)


def test_every_bone_and_vertebra_is_wound_outward_piece_by_piece(manifest):
    bones = [s for s in manifest if s.layer not in CLOSED_LAYERS]
    assert {s.layer for s in bones} == {"bones", "spine"} and len(bones) > 40
    turned = {}
    for s in bones:
        data = read_mesh(manifest.file_path(s))
        changed = int(np.sum(np.any(wound_outward(data.points, data.faces) != data.faces, axis=1)))
        if changed:
            turned[s.id] = changed
    assert not turned, f"triangles that still need turning outward: {turned}"
