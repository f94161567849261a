"""``ims-atlas export``: files are checked before rendering, written atomically, never half-written."""

import io
import os

import pytest
from PIL import Image

from ims_atlas.cli import main

PATIENT = "Zebedee Quarrington"


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".part"]


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    """Settings from an empty user folder (no clinic name unless given)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("IMS_ATLAS_HOME", str(home))


# -- checked before rendering (no rendering happens, so these are fast) ---------------------------

def test_unknown_suffix_is_exit_1_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "plan.jpg"
    assert main(["export", "tennis elbow", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(out) in err and ".png" in err and ".pdf" in err
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]


def test_missing_folder_is_exit_1_with_the_reason(tmp_path, capsys):
    out = tmp_path / "nowhere" / "plan.png"
    assert main(["export", "tennis elbow", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(out) in err and "does not exist" in err
    assert not (tmp_path / "nowhere").exists()


def test_read_only_folder_is_exit_1(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root writes anywhere: make the check see what a user would
        import ims_atlas.core.atomic_file as atomic_file

        real = os.access
        monkeypatch.setattr(atomic_file.os, "access", lambda p, mode: False if str(p) == str(folder) else real(p, mode))
    try:
        assert main(["export", "tennis elbow", "--out", str(folder / "plan.png")]) == 1
        err = capsys.readouterr().err
        assert "plan.png" in err and "not writable" in err
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_existing_file_is_kept_without_force(tmp_path, capsys):
    out = tmp_path / "plan.pdf"
    out.write_bytes(b"the old handout")
    assert main(["export", "tennis elbow", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(out) in err and "already exists" in err and "--force" in err
    assert out.read_bytes() == b"the old handout"


def test_unknown_query_is_exit_2_with_suggestions(tmp_path, capsys):
    out = tmp_path / "plan.png"
    assert main(["export", "qwzx plonk", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no condition matches 'qwzx plonk'" in err
    assert main(["export", "plantar fasc stuff thing", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "did you mean: " in err and "plantar_heel_pain" in err
    assert not out.exists()


def test_an_existing_clinician_sheet_is_kept_without_force_and_nothing_is_rendered(tmp_path, capsys):
    out = tmp_path / "plan.pdf"
    sheet = tmp_path / "plan-clinician.pdf"
    sheet.write_bytes(b"the old sheet")
    assert main(["export", "tennis elbow", "--out", str(out), "--clinician-sheet"]) == 1
    err = capsys.readouterr().err
    assert "plan-clinician.pdf" in err and "nothing was written" in err
    assert sheet.read_bytes() == b"the old sheet" and not out.exists()


def test_a_segment_makes_no_handout(tmp_path, capsys):
    assert main(["export", "C6", "--out", str(tmp_path / "c6.pdf")]) == 2
    assert "segment" in capsys.readouterr().err
    assert not (tmp_path / "c6.pdf").exists()


# -- rendering ------------------------------------------------------------------------------------

@pytest.mark.scene
def test_png_export_then_force_replaces_it(tmp_path, capsys):
    out = tmp_path / "sciatica.png"
    code = main(["export", "sciatica", "--side", "left", "--out", str(out), "--size", "960x540",
                 "--clinic-name", "Harbour Physio", "--patient-name", PATIENT])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert PATIENT not in captured.out + captured.err  # never echoed
    data = out.read_bytes()
    assert PATIENT.encode() not in data and b"Quarrington" not in data
    img = Image.open(io.BytesIO(data))
    assert img.size == (960, 540)
    assert img.text["Condition"] == "Sciatica" and img.text["Side"] == "left"
    assert img.text["Author"] == "Harbour Physio"
    assert not any(PATIENT in v for v in img.text.values())
    assert _leftovers(tmp_path) == []
    # Without --force the file is kept; with it, replaced.
    assert main(["export", "sciatica", "--out", str(out), "--preset", "slides"]) == 1
    assert out.read_bytes() == data
    assert main(["export", "sciatica", "--out", str(out), "--preset", "slides", "--force", "--transparent"]) == 0
    img = Image.open(out)
    assert img.size == (1920, 1080) and img.mode == "RGBA"
    assert img.getpixel((0, 0))[3] == 0
    assert _leftovers(tmp_path) == []


@pytest.mark.scene
def test_segment_picture_from_the_command_line(tmp_path):
    out = tmp_path / "c6.png"
    assert main(["export", "C6", "root", "--out", str(out), "--size", "800x600"]) == 0
    img = Image.open(out)
    assert img.size == (800, 600) and img.text["Segment"] == "C6" and img.text["Side"] == "both"


def test_a_structure_is_exported_alone_and_as_a_picture_only(tmp_path, capsys):
    assert main(["export", "sciatica", "--structure", "clavicle", "--out", str(tmp_path / "x.png")]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["export", "--out", str(tmp_path / "x.png")]) == 2
    assert "--structure NAME" in capsys.readouterr().err
    assert main(["export", "--structure", "clavicle", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "handouts are made for a condition" in capsys.readouterr().err
    assert main(["export", "--structure", "xqzzv", "--out", str(tmp_path / "x.png")]) == 2
    assert "no structure matches" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]


@pytest.mark.scene
def test_a_vessel_found_by_name_is_drawn_lit_and_credited(tmp_path, capsys):
    import numpy as np

    from ims_atlas.scene.palette import DEFAULT_PALETTE

    out = tmp_path / "artery.png"
    assert main(["export", "--structure", "vertebral artery", "--side", "left", "--out", str(out),
                 "--size", "900x600"]) == 0, capsys.readouterr().err
    assert "Vertebral artery (left)" in capsys.readouterr().out
    img = Image.open(out)
    assert img.text["Title"] == "Vertebral artery (left)" and img.text["Side"] == "left"
    assert img.text["Structure-Source"].startswith("Authored for IMS Atlas")
    # Drawn in the lit colour (an on-request vessel: the export drew none before) and framed.
    rgb = np.asarray(img.convert("RGB"), dtype=float)
    chroma = rgb / (rgb.sum(axis=2, keepdims=True) + 1e-6)
    want = np.asarray(DEFAULT_PALETTE.local, dtype=float) / sum(DEFAULT_PALETTE.local)
    lit = (np.abs(chroma - want).sum(axis=2) < 0.22) & (rgb.max(axis=2) > 60)
    rows = np.nonzero(lit.any(axis=1))[0]
    assert lit.sum() > 500 and rows.max() - rows.min() > 0.18 * rgb.shape[0], lit.sum()


@pytest.mark.scene
def test_render_failure_is_exit_1_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    from ims_atlas.export import render

    def broken(*args, **kwargs):
        raise render.RenderError("the off-screen renderer could not start: no OpenGL")

    monkeypatch.setattr(render.OffscreenScene, "__init__", broken)
    out = tmp_path / "plan.png"
    assert main(["export", "tennis elbow", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(out) in err and "no OpenGL" in err
    assert list(p.name for p in tmp_path.iterdir()) == ["home"]
