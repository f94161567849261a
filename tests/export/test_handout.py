"""The patient handout: A4, large print, the plan's words, the pictures in colour, no leaks."""

import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from ims_atlas.cli import main
from tests.conftest import colour_fractions
from tests.export.probes import highlight_fractions

pytestmark = pytest.mark.scene

PATIENT = "Zebedee Quarrington"
POPPLER = all(shutil.which(t) for t in ("pdfinfo", "pdftotext", "pdftoppm"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdfinfo, pdftotext, pdftoppm) not installed")



@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    """A handout made by the command line, with a clinic from the settings and a patient's name."""
    folder = tmp_path_factory.mktemp("handout")
    home = folder / "home"
    home.mkdir()
    logo = folder / "logo.png"
    Image.new("RGB", (300, 120), (40, 120, 60)).save(logo)
    from ims_atlas.core.settings import Clinic, Settings, save_settings

    save_settings(Settings(clinic=Clinic("Harbour Physio", "12 Quay Street\n023 9200 0000", str(logo),
                                         "Bring shorts to your next visit.")), home / "settings.json")
    out = folder / "tennis.pdf"
    mp = pytest.MonkeyPatch()
    mp.setenv("IMS_ATLAS_HOME", str(home))
    try:
        code = main(["export", "tennis elbow", "--side", "right", "--out", str(out), "--patient-name", PATIENT])
    finally:
        mp.undo()
    assert code == 0
    settings_text = (home / "settings.json").read_text()
    return out, settings_text


def _text(pdf) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", out)


@needs_poppler
def test_handout_is_a4(handout):
    info = subprocess.run(["pdfinfo", str(handout[0])], capture_output=True, text=True, check=True).stdout
    sizes = re.findall(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes and all(abs(float(w) - 595.28) < 1 and abs(float(h) - 841.89) < 1 for w, h in sizes)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 2


@needs_poppler
def test_handout_text_holds_the_plan(handout, catalog):
    from ims_atlas.catalog.plan import treatment_plan

    text = _text(handout[0])
    plan = treatment_plan(catalog, None, "tennis_elbow", "right")
    assert "Tennis elbow" in text and "Right side" in text
    assert catalog.condition("tennis_elbow").lay_name in text
    for seg in plan.segments:
        assert seg in text
    for t in plan.local_targets:
        assert t.muscle.name in text, t.muscle.name
        if t.muscle.latin:
            assert t.muscle.latin in text
    for p in plan.paraspinal_targets:
        assert p.paraspinal_level in text
    for must in ("Harbour Physio", "12 Quay Street", "Bring shorts", "grasp", "twitch", "72 hours", "7.9",
                 "What is IMS", "Safety", "References", "Gunn CC, Milbrandt WE"):
        assert must in text, must
    assert f"Prepared for: {PATIENT}" in text


@needs_poppler
def test_patient_name_is_in_the_page_only(handout):
    pdf, settings_text = handout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Quarrington" not in info and "Zebedee" not in info
    assert "Tennis elbow" in info  # the title is there, the patient is not
    assert "Quarrington" not in settings_text  # never stored in the settings


@needs_poppler
def test_handout_pages_show_the_highlight_colours(handout, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "72", str(handout[0]), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    counts = {"local": 0, "paraspinal": 0, "root": 0}
    muscle = 0
    for page in pages:
        px = np.asarray(Image.open(page).convert("RGB"))
        n = px.shape[0] * px.shape[1]
        for role, share in highlight_fractions(px).items():
            counts[role] += int(share * n)
        muscle += int(colour_fractions(px)["muscle"] * n)
    # Text-only pages have none of these colours: they come from the pictures.
    assert counts["local"] > 500, counts
    assert counts["paraspinal"] > 40, counts
    assert counts["root"] > 200, counts
    assert muscle > 200, muscle


def test_unreadable_logo_is_skipped_with_a_note(manifest, catalog, tmp_path):
    from ims_atlas.core.settings import Clinic
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.handout import HandoutOptions, build_handout

    bad = tmp_path / "logo.png"
    bad.write_bytes(b"not a picture")
    handout = build_handout(manifest, catalog, ViewState(condition_id="carpal_tunnel", side="left"),
                            HandoutOptions(clinic=Clinic("Clinic", logo=str(bad)), overview=False))
    assert handout.pdf.startswith(b"%PDF")
    assert len(handout.pictures) == 2
    assert any(str(bad) in w and "without it" in w for w in handout.warnings)


def test_a_handout_needs_a_condition(manifest, catalog, tmp_path):
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.formats import ExportError
    from ims_atlas.export.handout import export_handout

    with pytest.raises(ExportError, match="condition"):
        export_handout(tmp_path / "a.pdf", manifest, catalog, ViewState(segment="C6"))
    assert list(tmp_path.iterdir()) == []
