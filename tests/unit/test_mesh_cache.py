"""The pack of meshes a clean start leaves for the next one (``scene.mesh_cache``)."""

from __future__ import annotations

import numpy as np
import pytest

from ims_atlas.scene import mesh_cache
from ims_atlas.scene.mesh_cache import Surface


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _surfaces():
    rng = np.random.default_rng(3)
    out = {}
    for name, n in (("a", 5), ("b", 9)):
        pts = rng.random((n, 3)).astype(np.float32)
        faces = rng.integers(0, n, (2 * n, 3)).astype(np.int32)
        normals = rng.random((n, 3)).astype(np.float32)
        out[name] = Surface(pts, faces, normals)
    return out


def _files(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text("{}")
    files = []
    for name in ("a", "b"):
        f = tmp_path / f"{name}.npz"
        f.write_bytes(name.encode() * 10)
        files.append(f)
    return manifest, files


def test_a_pack_round_trips_exactly(home, tmp_path):
    manifest, files = _files(tmp_path)
    key = mesh_cache.pack_key(manifest, files)
    surfaces = _surfaces()
    coarse = {"b": surfaces["a"]}
    mesh_cache.write_pack(key, surfaces, coarse)
    back = mesh_cache.read_pack(key, ["a", "b"])
    assert back is not None and list(back[0]) == ["a", "b"] and list(back[1]) == ["b"]
    for stored, read in ((surfaces, back[0]), (coarse, back[1])):
        for sid, s in stored.items():
            np.testing.assert_array_equal(read[sid].points, s.points)
            np.testing.assert_array_equal(read[sid].faces, s.faces)
            np.testing.assert_array_equal(read[sid].normals, s.normals)


def test_a_pack_without_coarse_copies_reads_back_an_empty_set(home):
    mesh_cache.write_pack("4" * 32, _surfaces())
    fine, coarse = mesh_cache.read_pack("4" * 32, ["a", "b"])
    assert list(fine) == ["a", "b"] and coarse == {}


def test_the_key_changes_with_any_mesh_or_manifest_byte(tmp_path):
    manifest, files = _files(tmp_path)
    key = mesh_cache.pack_key(manifest, files)
    files[1].write_bytes(b"b" * 9 + b"c")
    assert mesh_cache.pack_key(manifest, files) != key
    files[1].write_bytes(b"b" * 10)
    assert mesh_cache.pack_key(manifest, files) == key
    assert mesh_cache.pack_key(manifest, files, "other parameters") != key
    manifest.write_text("{ }")
    assert mesh_cache.pack_key(manifest, files) != key


def test_an_unreadable_file_gives_no_key(tmp_path):
    manifest, files = _files(tmp_path)
    files[0].unlink()
    assert mesh_cache.pack_key(manifest, files) == ""
    mesh_cache.write_pack("", _surfaces())  # no key: nothing written, nothing raised
    assert mesh_cache.read_pack("", ["a", "b"]) is None


def test_other_ids_or_a_stale_key_miss(home, tmp_path):
    manifest, files = _files(tmp_path)
    key = mesh_cache.pack_key(manifest, files)
    mesh_cache.write_pack(key, _surfaces())
    assert mesh_cache.read_pack(key, ["b", "a"]) is None
    assert mesh_cache.read_pack(key, ["a"]) is None
    assert mesh_cache.read_pack("0" * 32, ["a", "b"]) is None


def _packs():
    return sorted(p.name[len("meshes-"):][0] for p in mesh_cache.cache_dir().glob("meshes-*.npz"))


def _age(key: str, seconds_ago: float) -> None:
    import os
    import time

    path = mesh_cache.cache_dir() / f"meshes-{key}.npz"
    stamp = time.time() - seconds_ago
    os.utime(path, (stamp, stamp))


def test_the_packs_used_most_recently_are_kept(home):
    """Two anatomies sharing a cache folder (two checkouts, a wheel beside a clone) keep both
    packs: before, each start deleted every other pack, so they rebuilt each other's in turn."""
    assert mesh_cache.KEEP_PACKS == 3
    for n, key in enumerate("1234"):
        mesh_cache.write_pack(key * 32, _surfaces())
        _age(key * 32, 100 - n)  # written in order, oldest first
    assert _packs() == ["2", "3", "4"]
    _age("2" * 32, 200)  # 2 not used for longest ...
    assert mesh_cache.read_pack("2" * 32, ["a", "b"]) is not None  # ... until it is read
    mesh_cache.write_pack("5" * 32, _surfaces())
    assert _packs() == ["2", "4", "5"]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "bad_offsets", "face_past_points"])
def test_a_damaged_pack_is_ignored(home, tmp_path, damage):
    key = "3" * 32
    surfaces = _surfaces()
    mesh_cache.write_pack(key, surfaces)
    path = mesh_cache.cache_dir() / f"meshes-{key}.npz"
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "garbage":
        path.write_bytes(b"\x00not a zip" * 50)
    else:
        with np.load(path) as z:
            arrays = dict(z)
        if damage == "bad_offsets":
            arrays["fine_point_offsets"] = arrays["fine_point_offsets"][::-1].copy()
        else:
            arrays["fine_faces"][0, 0] = 10_000
        np.savez(path, **arrays)
    assert mesh_cache.read_pack(key, ["a", "b"]) is None
