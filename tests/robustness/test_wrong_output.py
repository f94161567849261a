"""No silent wrong output: a picture that is incomplete or misplaced says so, in every export
and in the window, and the export's exit status says so too (3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ims_atlas.cli import main
from ims_atlas.core.paths import meshes_dir
from tests.robustness.documents import watchdog

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogs"
FAR = [5.0, 5.0, 5.0]  # within the schema's 10 m, metres away from any muscle


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))


@pytest.fixture
def meshes(tmp_path, monkeypatch) -> Path:
    copy = tmp_path / "meshes"
    shutil.copytree(meshes_dir(), copy)
    monkeypatch.setenv("IMS_ATLAS_MESHES", str(copy))
    return copy


def far_catalog(tmp_path: Path) -> Path:
    text = (DATA / "user" / "adds_condition.json").read_text(encoding="utf-8")
    doc = json.loads(text.replace('"lasts"', '"clinic_notes"'))  # (made for the small test catalog)
    doc["conditions"][0]["local_targets"][0]["epicentre"]["position"] = FAR
    path = tmp_path / "far.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _export(capsys, *args) -> tuple[int, str]:
    with watchdog(120):
        code = main(["export", *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("suffix", ["png", "pdf"])
def test_a_missing_target_mesh_is_a_warning_and_exit_3(tmp_path, meshes, capsys, suffix):
    manifest = json.loads((meshes / "manifest.json").read_text())
    target = next(s for s in manifest["structures"] if s["id"] == "extensor_carpi_radialis_brevis_right")
    (meshes / target["file"]).unlink()
    out = tmp_path / f"out.{suffix}"
    code, err = _export(capsys, "tennis elbow", "--side", "right", "--out", str(out), "--size", "800x600")
    assert code == 3 and out.exists()
    assert "could not be drawn" in err and "Extensor carpi radialis brevis (right)" in err
    assert target["file"].split("/")[-1] in err  # the file to fix is named


@pytest.mark.parametrize("suffix", ["png", "pdf"])
def test_a_needle_point_off_the_body_is_a_warning_exit_3_and_does_not_shrink_the_body(tmp_path, capsys, suffix):
    out = tmp_path / f"out.{suffix}"
    code, err = _export(capsys, "wrist pain", "--side", "right", "--out", str(out), "--size", "800x600",
                        "--catalog", str(far_catalog(tmp_path)))
    assert code == 3 and out.exists(), err
    assert "outside the body" in err and "5, 5, 5" in err
    if suffix == "png":  # the body still fills each view: far from a dot
        pixels = np.asarray(Image.open(out).convert("RGB"), dtype=int)
        r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
        body = (r > g + 25) & (r > b + 25) & (r > 70)  # the muscles' red, not the dark background
        half = body.shape[1] // 2
        for name, part in (("left", body[:, :half]), ("right", body[:, half:])):
            assert part.mean() > 0.05, f"only {part.mean():.2%} of the {name} view shows the body"


def test_an_impossible_manifest_value_is_refused_and_the_export_says_it_is_incomplete(tmp_path, meshes, capsys):
    manifest = json.loads((meshes / "manifest.json").read_text())
    manifest["frame"]["midline_x"] = 1e308
    (meshes / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "out.png"
    code, err = _export(capsys, "tennis elbow", "--out", str(out), "--size", "800x600")
    assert code == 3 and out.exists()
    assert "$.frame.midline_x" in err and "1e+308" in err


def test_one_bad_manifest_entry_does_not_stop_the_export(tmp_path, meshes, capsys):
    manifest = json.loads((meshes / "manifest.json").read_text())
    manifest["structures"][0]["kind"] = "gizmo"
    (meshes / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "out.png"
    code, err = _export(capsys, "tennis elbow", "--out", str(out), "--size", "800x600")
    assert code == 3 and out.exists() and "gizmo" in err


def test_a_sound_export_is_exit_0_without_warnings(tmp_path, capsys):
    out = tmp_path / "out.png"
    code, err = _export(capsys, "tennis elbow", "--out", str(out), "--size", "800x600")
    assert code == 0 and "warning" not in err


def test_the_window_says_the_same_as_the_export(tmp_path, capsys, qtbot):
    from ims_atlas.anatomy.manifest import open_manifest
    from ims_atlas.catalog.load import load_catalog_with_user
    from ims_atlas.qt.main_window import MainWindow

    manifest, _ = open_manifest(meshes_dir() / "manifest.json")
    catalog, _ = load_catalog_with_user(None, far_catalog(tmp_path), manifest)
    window = MainWindow(manifest, catalog, animate=False)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    with qtbot.waitSignal(window.first_frame, timeout=20000):
        window.show()
    window.show_condition("wrist_pain", "right")
    text = window.plan_view.toPlainText()
    assert "This picture is incomplete" in text and "outside the body" in text
    code, err = _export(capsys, "wrist pain", "--side", "right", "--out", str(tmp_path / "o.png"), "--size",
                        "800x600", "--catalog", str(far_catalog(tmp_path)))
    sentence = next(line for line in err.splitlines() if "outside the body" in line).split("warning: ", 1)[1]
    assert sentence in text.replace("\n", " ") or sentence.split(":")[0] in text
    window.close()
