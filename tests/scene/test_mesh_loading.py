"""Loading the scene's meshes: the first start reads the mesh files, later starts one pack."""

from __future__ import annotations

import shutil

import numpy as np

from ims_atlas.anatomy.manifest import load_manifest
from ims_atlas.scene import mesh_cache
from ims_atlas.scene.meshes import load_structures, read_surfaces


def test_a_later_start_reads_the_pack_and_gets_the_same_meshes(manifest, tmp_path, monkeypatch):
    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    structures = list(manifest)
    first, problems = read_surfaces(manifest, structures)
    assert problems == [] and len(first) == len(structures)
    assert len(list(mesh_cache.cache_dir().glob("meshes-*.npz"))) == 1
    calls = []
    real = mesh_cache.read_pack
    monkeypatch.setattr(mesh_cache, "read_pack", lambda *a: calls.append(real(*a)) or calls[-1])
    second, problems = read_surfaces(manifest, structures)
    assert problems == [] and calls and calls[0] is not None
    for sid, s in first.items():
        np.testing.assert_array_equal(second[sid].points, s.points)
        np.testing.assert_array_equal(second[sid].faces, s.faces)
        np.testing.assert_array_equal(second[sid].normals, s.normals)
    meshes, _ = load_structures(manifest, structures[:3])
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
    surfaces, problems = read_surfaces(local, structures)
    assert structures[0].id not in surfaces and len(surfaces) == len(structures) - 1
    assert any(structures[0].id in p.message and str(broken) == p.file for p in problems)
    # A start with problems leaves no pack for its broken files: the old pack is still the only one.
    assert len(list(mesh_cache.cache_dir().glob("meshes-*.npz"))) == 1
