"""Loading the scene's meshes: the first start reads the mesh files, later starts one pack."""

from __future__ import annotations

import shutil

import numpy as np

from ims_atlas.anatomy.manifest import load_manifest
from ims_atlas.scene import mesh_cache
from ims_atlas.scene.meshes import COARSE_LAYERS, COARSE_MIN, load_structures, read_surfaces


def test_a_later_start_reads_the_pack_and_gets_the_same_meshes(manifest, tmp_path, monkeypatch):
    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    structures = list(manifest)
    first, first_coarse, problems = read_surfaces(manifest, structures)
    assert problems == [] and len(first) == len(structures) and first_coarse
    assert len(list(mesh_cache.cache_dir().glob("meshes-*.npz"))) == 1
    calls = []
    real = mesh_cache.read_pack
    monkeypatch.setattr(mesh_cache, "read_pack", lambda *a: calls.append(real(*a)) or calls[-1])
    second, second_coarse, problems = read_surfaces(manifest, structures)
    assert problems == [] and calls and calls[0] is not None
    assert list(second_coarse) == list(first_coarse)
    for before, after in ((first, second), (first_coarse, second_coarse)):
        for sid, s in before.items():
            np.testing.assert_array_equal(after[sid].points, s.points)
            np.testing.assert_array_equal(after[sid].faces, s.faces)
            np.testing.assert_array_equal(after[sid].normals, s.normals)
    meshes, _, _ = load_structures(manifest, structures[:3])
    for s in structures[:3]:
        np.testing.assert_allclose(np.asarray(meshes[s.id].point_data["Normals"]), first[s.id].normals)
        np.testing.assert_array_equal(meshes[s.id].regular_faces, first[s.id].faces)


def test_a_changed_mesh_file_is_read_again_and_its_problem_reported(manifest, tmp_path, monkeypatch):
    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    copy = tmp_path / "meshes"
    shutil.copytree(manifest.path.parent, copy)
    local = load_manifest(copy / "manifest.json")
    structures = list(local)
    read_surfaces(local, structures)  # leaves a pack
    broken = local.file_path(structures[0])
    broken.write_bytes(b"not a mesh")
    surfaces, _, problems = read_surfaces(local, structures)
    assert structures[0].id not in surfaces and len(surfaces) == len(structures) - 1
    assert any(structures[0].id in p.message and str(broken) == p.file for p in problems)
    # A start with problems leaves no pack for its broken files: the old pack is still the only one.
    assert len(list(mesh_cache.cache_dir().glob("meshes-*.npz"))) == 1


def test_coarse_copies_are_muscles_with_fewer_triangles_still_closed_and_outward(manifest, tmp_path, monkeypatch):
    from tests.unit.test_mesh_orientation import orientation_problems

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    structures = list(manifest)
    surfaces, coarse, _ = read_surfaces(manifest, structures)
    layer = {s.id: s.layer for s in structures}
    assert coarse and {layer[sid] for sid in coarse} == set(COARSE_LAYERS)
    big = [s.id for s in structures if s.layer in COARSE_LAYERS and len(surfaces[s.id].faces) >= COARSE_MIN]
    assert sorted(coarse) == sorted(big)
    fine_total = sum(len(surfaces[sid].faces) for sid in coarse)
    coarse_total = sum(len(c.faces) for c in coarse.values())
    assert coarse_total <= 0.4 * fine_total
    for sid, c in coarse.items():
        assert orientation_problems(c.points.astype(float), c.faces) == [], sid
        # The same shape: the coarse copy's box is within 3 mm of the full surface's box.
        lo, hi = surfaces[sid].points.min(axis=0), surfaces[sid].points.max(axis=0)
        assert np.all(np.abs(c.points.min(axis=0) - lo) < 0.003) and np.all(np.abs(c.points.max(axis=0) - hi) < 0.003), sid


def test_coarse_copies_stay_within_the_error_the_scene_assumes(manifest, tmp_path, monkeypatch):
    """The scene draws a coarse copy instead of the full surface where COARSE_ERROR is at most
    a pixel or two on screen: no copy may stray further from its surface than that."""
    from ims_atlas.scene.controller import COARSE_ERROR
    from ims_atlas.scene.meshes import copy_error

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    surfaces, coarse, _ = read_surfaces(manifest, list(manifest))
    worst = {sid: copy_error(c, surfaces[sid]) for sid, c in coarse.items()}
    far = {sid: round(d * 1000, 2) for sid, d in worst.items() if d > COARSE_ERROR}
    assert far == {}, f"coarse copies further than {COARSE_ERROR * 1000} mm from their surfaces (mm): {far}"
