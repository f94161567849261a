"""The examination findings in the clinician sheet, from the command line (read back with pdftotext)."""

import shutil
import subprocess

import pytest

from ims_atlas.cli import main

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("IMS_ATLAS_HOME", str(home))


def _text(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _info(pdf) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


CUFF = ["--assess-muscle", "supraspinatus:right", "--assess-muscle", "infraspinatus:right",
        "--assess-muscle", "deltoid:right", "--assess-sign", "trophoedema:C5:right"]


@needs_pdftotext
@pytest.mark.scene
def test_export_puts_the_findings_and_the_best_segment_into_the_clinician_sheet_only(tmp_path, capsys):
    out = tmp_path / "cuff.pdf"
    code = main(["export", "rotator cuff", "--out", str(out), "--clinician-sheet", *CUFF])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    sheet = tmp_path / "cuff-clinician.pdf"
    text = " ".join(_text(sheet).split())
    assert "Examination findings and the segments that explain them" in text
    assert "Supraspinatus, right: tender; Infraspinatus, right: tender; Deltoid, right: tender" in text
    # C5: three major roots (1 each), the deltoid a C5 indicator muscle in Hoppenfeld 2018 (+0.5),
    # and the sign (1)
    assert "1. C5 score 4.5, paraspinal level C4-C5, right" in text
    assert "an indicator muscle of C5 in Hoppenfeld 2018" in text
    assert "2. C6 score 3" in text
    assert "Trophoedema (peau d'orange, matchstick test) was found at C5, not C6" in text
    assert "not a diagnosis" in text
    # the plan's own sheet is still there
    assert "Red flags" in text and "References" in text
    # the findings are the patient's: not in the handout, not in either file's metadata
    handout = _text(out)
    assert "Trophoedema" not in handout and "Examination findings" not in handout
    assert "Trophoedema" not in _info(sheet) + _info(out) and "supraspinatus" not in _info(sheet).lower()


def test_findings_without_a_clinician_sheet_are_refused_before_anything_is_made(tmp_path, capsys):
    out = tmp_path / "cuff.pdf"
    assert main(["export", "rotator cuff", "--out", str(out), *CUFF]) == 1
    assert "--clinician-sheet" in capsys.readouterr().err
    assert main(["export", "rotator cuff", "--out", str(tmp_path / "cuff.png"), "--clinician-sheet", *CUFF]) == 1
    assert list(p.name for p in tmp_path.iterdir()) == ["home"]


@pytest.mark.parametrize("flags, message", [
    (["--assess-muscle", "xyzzy"], "--assess-muscle 'xyzzy': no muscle is called 'xyzzy'"),
    (["--assess-muscle", "deltoid:up"], "--assess-muscle 'deltoid:up': side 'up'"),
    (["--assess-sign", "trophoedema:C99"], "--assess-sign 'trophoedema:C99'"),
])
def test_a_bad_finding_names_its_flag_and_writes_nothing(tmp_path, capsys, flags, message):
    out = tmp_path / "cuff.pdf"
    assert main(["export", "rotator cuff", "--out", str(out), "--clinician-sheet", *flags]) == 2
    assert message in capsys.readouterr().err
    assert list(p.name for p in tmp_path.iterdir()) == ["home"]


@needs_pdftotext
def test_assess_writes_a_clinician_sheet_of_the_findings_alone(tmp_path, capsys):
    sheet = tmp_path / "findings.pdf"
    code = main(["assess", "--muscle", "extensor carpi radialis brevis:right", "--muscle", "supinator:right",
                 "--sign", "taut_bands:C6", "--clinician-sheet", str(sheet)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "1. C6  score 3.5" in captured.out  # the ranking is printed as without the sheet
    text = " ".join(_text(sheet).split())
    assert "Clinician sheet: find the segment" in text
    assert "Extensor carpi radialis brevis, right: tender; Supinator, right: tender" in text
    assert "1. C6 score 3.5, paraspinal level C5-C6" in text
    assert "Supinator" not in _info(sheet)
    # kept without --force, replaced with it
    assert main(["assess", "--muscle", "supinator", "--clinician-sheet", str(sheet)]) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert main(["assess", "--muscle", "supinator", "--clinician-sheet", str(sheet), "--force"]) == 0
    assert "Extensor carpi" not in _text(sheet)
