"""Missing or corrupt mesh files and manifests: the scene shows what it can and lists the rest;
``ims-atlas validate`` names every broken file; a missing manifest is one clear error.

Each test works on a copy of the bundled ``meshes/`` folder (``IMS_ATLAS_MESHES`` points at it),
damages it, and checks what the user is told.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ims_atlas.anatomy.manifest import Manifest, load_manifest, open_manifest
from ims_atlas.anatomy.mesh_file import mesh_file_problems
from ims_atlas.cli import main
from ims_atlas.core.errors import DataError
from ims_atlas.core.paths import meshes_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def meshes(tmp_path, monkeypatch) -> Path:
    """A private copy of the bundled meshes, used as the app's meshes (IMS_ATLAS_MESHES)."""
    copy = tmp_path / "meshes"
    shutil.copytree(meshes_dir(), copy)
    monkeypatch.setenv("IMS_ATLAS_MESHES", str(copy))
    return copy


def _npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _damage(meshes: Path) -> dict[str, str]:
    """Break one mesh in each way a file can break; returns structure id -> what was done."""
    manifest = load_manifest(meshes / "manifest.json")
    muscles = [s for s in manifest if s.layer == "muscles"]
    bones = [s for s in manifest if s.layer == "bones"]
    picks = {"deleted": muscles[0], "garbage": muscles[1], "truncated": bones[0], "folder": bones[1],
             "npy": muscles[2], "nan": muscles[3], "empty": bones[2]}
    for how, s in picks.items():
        path = manifest.file_path(s)
        raw = path.read_bytes()
        path.unlink()
        if how == "garbage":
            path.write_bytes(os.urandom(len(raw)))
        elif how == "truncated":
            path.write_bytes(raw[: len(raw) // 2])
        elif how == "folder":
            path.mkdir()
        elif how == "npy":
            path.write_bytes(_npy_bytes(np.zeros((3, 3))))
        elif how == "nan":
            with np.load(io.BytesIO(raw)) as z:
                points = np.array(z["points"], dtype=np.float32)
                points[0, 0] = np.nan
                np.savez(path.with_suffix(""), points=points, faces=z["faces"])  # savez adds .npz
        elif how == "empty":
            path.write_bytes(b"")
    return {s.id: how for how, s in picks.items()}


# -- the scene ---------------------------------------------------------------------------------------


@pytest.mark.scene
def test_the_scene_shows_every_mesh_that_loads_and_lists_the_rest(meshes):
    from ims_atlas.scene.controller import SceneController, offscreen_plotter
    from tests.conftest import colour_fractions

    broken = _damage(meshes)
    manifest, problems = open_manifest(meshes / "manifest.json")
    assert problems == []
    plotter = offscreen_plotter((320, 240))
    try:
        scene = SceneController(plotter, manifest)
        assert set(scene.structure_ids) == {s.id for s in manifest} - set(broken)
        for sid, how in broken.items():
            named = [p for p in scene.problems if p.file == str(manifest.file_path(manifest[sid]))]
            assert len(named) == 1, (how, scene.problems)
            assert sid in named[0].message and named[0].severity == "error", named
        assert len(scene.problems) == len(broken)
        assert colour_fractions(scene.screenshot())["muscle"] > 0.01  # the rest of the body is drawn
    finally:
        plotter.close()


@pytest.mark.scene
def test_a_whole_layer_missing_leaves_a_working_scene(meshes):
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.controller import SceneController, offscreen_plotter
    from ims_atlas.scene.picture import picture_for

    manifest = load_manifest(meshes / "manifest.json")
    muscles = manifest.in_layer("muscles")
    for s in muscles:
        manifest.file_path(s).unlink()
    # The catalog is still loaded: what the anatomy lacks is a warning, not a reason to drop it.
    catalog = load_catalog(None, manifest)
    assert any("is missing" in w.message for w in catalog.warnings)
    plotter = offscreen_plotter((320, 240))
    try:
        scene = SceneController(plotter, manifest)
        assert len(scene.problems) == len(muscles) and not set(scene.structure_ids) & {s.id for s in muscles}
        for condition in catalog.conditions[:4]:
            scene.show(picture_for(ViewState(condition_id=condition.id, side="both"), manifest, catalog))
        assert scene.screenshot().shape == (240, 320, 3)
    finally:
        plotter.close()


@pytest.mark.scene
def test_no_manifest_gives_an_empty_scene_that_still_works(tmp_path):
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.controller import SceneController, offscreen_plotter
    from ims_atlas.scene.picture import picture_for
    from ims_atlas.scene.views import VIEWS

    manifest, problems = open_manifest(tmp_path / "manifest.json")
    assert len(manifest) == 0 and [p.file for p in problems] == [str(tmp_path / "manifest.json")]
    catalog = load_catalog()
    plotter = offscreen_plotter((320, 240))
    try:
        scene = SceneController(plotter, manifest)
        assert scene.structure_ids == [] and scene.problems == []
        scene.show(picture_for(ViewState(condition_id=catalog.conditions[0].id, side="both"), manifest, catalog))
        for view in VIEWS:
            scene.set_view(view)
        assert scene.screenshot().shape == (240, 320, 3)
    finally:
        plotter.close()


# -- the manifest itself -------------------------------------------------------------------------------


def _manifest_damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    if how == "deleted":
        path.unlink()
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "truncated":
        path.write_bytes(raw[: len(raw) * 2 // 3])
    elif how == "garbage":
        path.write_bytes(os.urandom(4096))
    elif how == "a folder":
        path.unlink()
        path.mkdir()
    elif how == "not an object":
        path.write_bytes(b"[]")
    elif how == "no structures":
        path.write_bytes(b'{"format_version": 1}')
    elif how == "newer format":
        doc = json.loads(raw)
        doc["format_version"] = 2
        path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize(
    ("how", "words"),
    [("deleted", "missing; run scripts/build_meshes.py"), ("empty", "empty"), ("truncated", "ends too early"),
     ("garbage", "not"), ("a folder", "folder"), ("not an object", "must be an object, not a list"),
     ("no structures", "missing required key 'structures'"),
     ("newer format", "must be 1, not 2; run scripts/build_meshes.py")],
)
def test_a_missing_or_corrupt_manifest_is_one_clear_error(meshes, how, words):
    path = meshes / "manifest.json"
    _manifest_damage(path, how)
    with pytest.raises(DataError) as info:
        load_manifest(path)
    [problem] = info.value.problems
    assert problem.file == str(path) and problem.severity == "error" and words in problem.message, problem
    manifest, problems = open_manifest(path)
    assert isinstance(manifest, Manifest) and len(manifest) == 0 and problems == info.value.problems


def test_a_manifest_with_bad_entries_keeps_the_good_ones(meshes):
    path = meshes / "manifest.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    total = len(doc["structures"])
    doc["structures"][3]["kind"] = "planet"
    doc["structures"][7]["file"] = "../../outside.npz"
    doc["structures"][9]["landmarks"] = "nowhere"
    del doc["structures"][11]["id"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    manifest, problems = open_manifest(path)
    assert len(manifest.every()) == total - 4
    assert [p.path for p in problems] == ["$.structures[3].kind", "$.structures[7].file", "$.structures[9].landmarks",
                                          "$.structures[11]"]
    assert "missing required key 'id'" in problems[3].message and "left out" in problems[3].message
    assert all(p.file == str(path) for p in problems)
    with pytest.raises(DataError) as info:
        load_manifest(path)
    assert info.value.problems == problems


# -- ims-atlas validate -----------------------------------------------------------------------------------


def _validate(capsys, *argv) -> tuple[int, str]:
    """Exit status and standard output of ``ims-atlas validate``."""
    code = main(["validate", *argv])
    return code, capsys.readouterr().out


def test_validate_passes_on_intact_meshes(meshes, capsys):
    code, out = _validate(capsys)
    assert code == 0 and "mesh" not in out.split("OK:")[-1], out


def test_validate_names_every_missing_or_corrupt_mesh_file(meshes, capsys):
    broken = _damage(meshes)
    manifest = load_manifest(meshes / "manifest.json")
    code, out = _validate(capsys)
    assert code == 1 and out.splitlines()[-1].startswith("FAILED: "), out
    for sid, how in broken.items():
        mine = [line for line in out.splitlines() if line.startswith(f"{manifest.file_path(manifest[sid])}: error: ")]
        assert mine and sid in mine[0], (how, out)
    code, out = _validate(capsys, "--json")
    files = {p["file"] for p in json.loads(out) if p["severity"] == "error"}
    assert code == 1 and {str(manifest.file_path(manifest[sid])) for sid in broken} <= files


def test_mesh_file_problems_of_an_intact_manifest_is_empty(manifest):
    assert mesh_file_problems(manifest) == []


@pytest.mark.parametrize("how", ["deleted", "truncated", "a folder"])
def test_validate_names_a_missing_or_corrupt_manifest(meshes, capsys, how):
    _manifest_damage(meshes / "manifest.json", how)
    code, out = _validate(capsys)
    assert code == 1 and f"{meshes / 'manifest.json'}: error: " in out, out


# -- the app ------------------------------------------------------------------------------------------------

gui = pytest.mark.skipif(not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")),
                         reason="needs an X server (pytest-xvfb or xvfb-run)")


@gui
@pytest.mark.gui3d
def test_the_window_opens_with_damaged_anatomy_and_lists_the_problems(meshes, qtbot):
    """What the app does with ``open_manifest``: the window opens, draws what loaded, lists the rest."""
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.qt.main_window import MainWindow

    broken = _damage(meshes)
    manifest, problems = open_manifest(meshes / "manifest.json")
    catalog = load_catalog(None, manifest)
    window = MainWindow(manifest, catalog, problems, animate=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.first_frame, timeout=20000):
        window.show()
    try:
        listed = "\n".join(str(p) for p in window.problems)
        assert all(sid in listed for sid in broken)
        assert str(len(window.problems)) in window.statusBar().currentMessage()
        window.show_condition(catalog.conditions[0].id, "both")
    finally:
        window.close()


@gui
@pytest.mark.gui3d
def test_the_window_opens_without_any_anatomy(tmp_path, qtbot):
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.qt.main_window import MainWindow

    manifest, problems = open_manifest(tmp_path / "manifest.json")
    catalog = load_catalog()
    window = MainWindow(manifest, catalog, problems, animate=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.first_frame, timeout=20000):
        window.show()
    try:
        assert window.scene.structure_ids == []
        assert any(p.file == str(tmp_path / "manifest.json") for p in window.problems)
        window.show_condition(catalog.conditions[0].id, "right")
        window.show_segment("C6")
    finally:
        window.close()


@gui
@pytest.mark.gui3d
def test_the_app_starts_without_its_manifest(tmp_path):
    """The whole app, as a user starts it, with no ``manifest.json``: it opens and says why it is empty."""
    env = dict(os.environ, IMS_ATLAS_MESHES=str(tmp_path / "meshes"), IMS_ATLAS_HOME=str(tmp_path / "home"))
    (tmp_path / "meshes").mkdir()
    shot = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, "-m", "ims_atlas", "--screenshot", str(shot), "--size", "800x600"],
                          env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0 and shot.is_file(), done.stderr
    assert str(tmp_path / "meshes" / "manifest.json") in done.stderr
