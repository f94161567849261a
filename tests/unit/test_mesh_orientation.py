"""Every surface in a layer the renderer back-face culls is closed and wound outward.

The scene skips back faces of the ``CLOSED_LAYERS`` (``scene.controller``); an open or inward
wound mesh there would show holes or vanish, so these tests guard that choice.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.manifest import CLOSED_LAYERS
from ims_atlas.anatomy.mesh_file import read_mesh


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
