"""Every file the app reads, replaced by something that is not an ordinary file of a sane size.

A generator makes each kind of strange file (a pipe, a link to ``/dev/zero``, a folder, a
symbolic-link loop, a link to nowhere, a socket, a sparse 5 GB file, 100,000 nested brackets,
random bytes) in place of each file the app reads (settings, catalog, user catalog, manifest,
mesh file, mesh cache, validation cache, clinic logo): every reader must answer within a few
seconds with a message naming the file, never hang, never read without end, never raise
anything but its documented error. Each call runs under a watchdog, so a regression fails
instead of hanging the suite. The count of scenarios is added to the session's tally.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ims_atlas.core.errors import DataError, Problem
from tests.robustness.documents import TRIED, watchdog

REPO = Path(__file__).resolve().parents[2]
#: Seconds one reader may take on one strange file (each is refused from its metadata).
ANSWER_S = 10.0


def make_strange(kind: str, path: Path) -> None:
    """Put a strange file of ``kind`` at ``path`` (removing what is there)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "link-loop":
        path.symlink_to(path.name)
    elif kind == "dangling-link":
        path.symlink_to(path.with_name("nowhere-" + path.name))
    elif kind == "socket":  # bound from its folder: a socket's path is limited to ~100 bytes
        here = os.getcwd()
        os.chdir(path.parent)
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.bind(path.name)
        finally:
            os.chdir(here)
    elif kind == "sparse-5GB":
        with open(path, "wb") as f:
            f.truncate(5 << 30)
    elif kind == "nested":
        path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    elif kind == "random":
        path.write_bytes(np.random.default_rng(len(path.name)).bytes(4096))
    else:  # pragma: no cover
        raise ValueError(kind)


KINDS = ["fifo", "dev-zero", "folder", "link-loop", "dangling-link", "socket", "sparse-5GB", "nested", "random"]


def _named(problems, path: Path) -> None:
    assert problems, "no problem reported"
    for p in problems:
        assert isinstance(p, Problem)
        assert str(path) in str(p), f"the problem does not name {path}: {p}"
        str(p).encode("utf-8")


# -- one reader per file the app reads; each returns the problems it reported ----------------------

def read_settings(tmp_path: Path, kind: str) -> None:
    from ims_atlas.core.settings import Settings, keep_if_damaged, load_settings, save_settings

    path = tmp_path / "settings.json"
    make_strange(kind, path)
    settings, problems = load_settings(path)
    assert settings == Settings()
    if kind == "dangling-link":  # a link to nowhere is no settings file: defaults, and saving is fine
        assert problems == []
        save_settings(Settings(), path)
        return
    _named(problems, path)
    keep_if_damaged(path)
    before = os.lstat(path)
    try:
        save_settings(Settings(), path)
    except OSError as exc:
        assert str(path) in str(exc)
    if kind not in ("nested", "random"):  # never replaced unless its bytes were kept first
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), "the strange file was replaced"
    else:
        kept = list(tmp_path.glob("settings.kept-*.json"))
        assert kept, "a file not read was replaced without a kept copy"


def read_catalog(tmp_path: Path, kind: str) -> None:
    from ims_atlas.catalog.validate import validate_file

    path = tmp_path / "site_catalog.json"
    make_strange(kind, path)
    _named(validate_file(path), path)


def read_user_catalog(tmp_path: Path, kind: str) -> None:
    from ims_atlas.catalog.load import load_catalog_with_user

    path = tmp_path / "user_catalog.json"
    make_strange(kind, path)
    _catalog, problems = load_catalog_with_user(None, path, None, missing_ok=True)
    if kind == "dangling-link":  # a link to nowhere is a missing file; missing_ok says so is fine
        return
    _named(problems, path)


def read_manifest(tmp_path: Path, kind: str) -> None:
    from ims_atlas.anatomy.manifest import open_manifest

    path = tmp_path / "manifest.json"
    make_strange(kind, path)
    manifest, problems = open_manifest(path)
    assert len(manifest) == 0
    _named(problems, path)


def read_a_mesh(tmp_path: Path, kind: str) -> None:
    from ims_atlas.anatomy.mesh_file import read_mesh

    path = tmp_path / "bone.npz"
    make_strange(kind, path)
    with pytest.raises(DataError) as caught:
        read_mesh(path, 100)
    _named(caught.value.problems, path)


def read_mesh_pack(tmp_path: Path, kind: str, monkeypatch) -> None:
    from ims_atlas.scene import mesh_cache

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    make_strange(kind, mesh_cache._pack_path("k" * 32))
    assert mesh_cache.read_pack("k" * 32, ["a"]) is None
    mesh = tmp_path / "a.npz"
    make_strange(kind, mesh)
    manifest = tmp_path / "m.json"
    manifest.write_text("{}")
    assert mesh_cache.pack_key(manifest, [mesh]) == "" or kind in ("nested", "random")


def read_validation_cache(tmp_path: Path, kind: str, monkeypatch) -> None:
    from ims_atlas.catalog import validation_cache

    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    make_strange(kind, validation_cache.cache_path())
    assert validation_cache.cached_warnings("k") is None
    validation_cache.remember("k", [])  # best effort: never raises, never hangs
    manifest = tmp_path / "manifest.json"
    make_strange(kind, manifest)
    validation_cache.validation_key(b"{}", manifest)


def read_clinic_logo(tmp_path: Path, kind: str) -> None:
    from ims_atlas.export.handout import read_logo

    path = tmp_path / "logo.png"
    make_strange(kind, path)
    logo, message = read_logo(str(path))
    assert logo is None and message and str(path) in message


READERS = {"settings": read_settings, "catalog": read_catalog, "user catalog": read_user_catalog,
           "manifest": read_manifest, "mesh file": read_a_mesh, "mesh cache": read_mesh_pack,
           "validation cache": read_validation_cache, "clinic logo": read_clinic_logo}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_answers_at_once_on_every_strange_file(tmp_path, monkeypatch, reader, kind):
    call = READERS[reader]
    with watchdog(ANSWER_S):
        if "monkeypatch" in call.__code__.co_varnames[: call.__code__.co_argcount]:
            call(tmp_path, kind, monkeypatch)
        else:
            call(tmp_path, kind)
    TRIED["strange files"] += 1


# -- declared sizes: a small archive that unpacks into millions of vertices ------------------------

def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


@pytest.mark.parametrize("points,faces", [(20_000_000, 10), (100, 3_000_000), (6_000_000, 6_000_000)])
def test_a_mesh_holding_more_than_its_manifest_declares_is_refused_before_it_is_unpacked(tmp_path, points, faces):
    from ims_atlas.anatomy.mesh_file import read_mesh

    path = tmp_path / "bomb.npz"
    path.write_bytes(_npz(points=np.zeros((points, 3), np.float32), faces=np.zeros((faces, 3), np.int32)))
    assert path.stat().st_size < 1_000_000  # zeros compress: the file is small
    with watchdog(ANSWER_S), pytest.raises(DataError, match="too many"):
        read_mesh(path, 1000)
    TRIED["strange files"] += 1


def test_validate_refuses_a_mesh_bomb_and_names_it(tmp_path, monkeypatch, capsys):
    from ims_atlas.cli import main
    from ims_atlas.core.paths import meshes_dir

    copy = tmp_path / "meshes"
    shutil.copytree(meshes_dir(), copy)
    monkeypatch.setenv("IMS_ATLAS_MESHES", str(copy))
    manifest = json.loads((copy / "manifest.json").read_text())
    victim = copy / manifest["structures"][0]["file"]
    victim.write_bytes(_npz(points=np.zeros((20_000_000, 3), np.float32), faces=np.zeros((10, 3), np.int32)))
    with watchdog(60):
        code = main(["validate"])
    err = capsys.readouterr()
    assert code == 1 and str(victim) in err.out + err.err and "too many" in err.out + err.err


# -- whole commands, in a subprocess bounded by a timeout ------------------------------------------

@pytest.fixture
def strange_meshes(tmp_path, monkeypatch):
    copy = tmp_path / "meshes"
    from ims_atlas.core.paths import meshes_dir

    shutil.copytree(meshes_dir(), copy)
    return copy


def _run(args, env, timeout=120):
    return subprocess.run([sys.executable, "-m", "ims_atlas", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
@pytest.mark.parametrize("what", ["mesh", "manifest", "logo"])
def test_exports_never_hang_on_a_strange_file(tmp_path, strange_meshes, what, kind):
    env = {**os.environ, "IMS_ATLAS_MESHES": str(strange_meshes), "IMS_ATLAS_HOME": str(tmp_path / "home"),
           "PYTHONPATH": str(REPO)}
    manifest = json.loads((strange_meshes / "manifest.json").read_text())
    target = next(s for s in manifest["structures"] if s.get("muscle") == "extensor_carpi_radialis_brevis")
    if what == "mesh":
        victim = strange_meshes / target["file"]
    elif what == "manifest":
        victim = strange_meshes / "manifest.json"
    else:
        victim = tmp_path / "logo.png"
    make_strange(kind, victim)
    out = tmp_path / "out.pdf"
    if what == "logo":  # the logo comes from the clinic's settings
        (tmp_path / "home").mkdir()
        (tmp_path / "home" / "settings.json").write_text(json.dumps({"clinic": {"logo": str(victim)}}))
    done = _run(["export", "tennis elbow", "--side", "right", "--out", str(out)], env)
    assert str(victim) in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    TRIED["strange files"] += 1
