"""The patient handout: A4, at most two pages, large print, the plan's words, the pictures in
colour, no leaks; the clinician sheet holds the references and the clinical safety text."""

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
HARBOUR = ("12 Quay Street\n023 9200 0000", "", "Bring shorts to your next visit.")  # contact, logo, note
LONG_NAME = "Clínica São José de Fisioterapia e Reabilitação Integrada, Unidade Centro Avenida Paulista"
#: The headings of the patient's pages.
HEADINGS = ("What is it?", "Where the needles go, and why", "What to expect",
            "Before your treatment, tell your practitioner if", "When to get help", "A note from")



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
        code = main(["export", "tennis elbow", "--side", "right", "--out", str(out), "--patient-name", PATIENT,
                     "--clinician-sheet"])
    finally:
        mp.undo()
    assert code == 0
    settings_text = (home / "settings.json").read_text()
    return out, settings_text, folder / "tennis-clinician.pdf"


def _text(pdf, raw: bool = False) -> str:
    """The PDF's text, its white space one space; ``raw``: in the order it is drawn (a caption
    in a narrow column beside the words is read whole, not line by line across the page)."""
    out = subprocess.run(["pdftotext", *(["-raw"] if raw else []), str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", " ", out)


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@needs_poppler
def test_handout_is_a4_on_at_most_two_pages(handout):
    info = subprocess.run(["pdfinfo", str(handout[0])], capture_output=True, text=True, check=True).stdout
    sizes = re.findall(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes and all(abs(float(w) - 595.28) < 1 and abs(float(h) - 841.89) < 1 for w, h in sizes)
    assert 1 <= _pages(handout[0]) <= 2


@needs_poppler
def test_handout_text_holds_the_plan_in_plain_words(handout, catalog):
    from ims_atlas.catalog.plan import treatment_plan

    text = _text(handout[0])
    plan = treatment_plan(catalog, None, "tennis_elbow", "right")
    assert "Tennis elbow" in text and "Right side" in text
    assert catalog.condition("tennis_elbow").lay_name in text
    for seg in plan.segments:
        assert seg in text
    for t in plan.local_targets:
        assert t.muscle.name in text, t.muscle.name
    for p in plan.paraspinal_targets:
        assert p.paraspinal_level in text
    for must in ("Harbour Physio", "12 Quay Street", "023 9200 0000", "Bring shorts", "grasp", "twitch", "72 hours",
                 "What is it?", "Where the needles go", "What to expect", "When to get help", "blood thinners",
                 "pregnant", "lymphoedema"):
        assert must in text, must
    assert f"Prepared for: {PATIENT}" in text
    # No references or clinician-level text on the patient's pages.
    for never in ("References", "Gunn CC, Milbrandt WE", "doi:", "[1]", "Finucane", "Contraindications, precautions"):
        assert never not in text, never


@needs_poppler
def test_the_clinician_sheet_has_the_references_and_the_safety_text(handout, catalog):
    from ims_atlas.catalog.plan import treatment_plan

    sheet = handout[2]
    text = _text(sheet)
    plan = treatment_plan(catalog, None, "tennis_elbow", "right")
    for must in ("Clinician sheet: Tennis elbow", "References", "Red flags: refer, do not needle",
                 "Contraindications, precautions and hazards", "Finucane LM", "Muñoz M"):
        assert must in text, must
    for t in plan.local_targets:
        if t.muscle.latin:
            assert t.muscle.latin in text
    for r in plan.red_flags:
        assert r.title in text
    assert PATIENT.split()[1] not in text  # the patient's name is on the handout only
    info = subprocess.run(["pdfinfo", str(sheet)], capture_output=True, text=True, check=True).stdout
    assert "clinician sheet" in info


@needs_poppler
def test_the_picture_captions_say_where_they_are_seen_from(handout, manifest, catalog, tmp_path):
    text = _text(handout[0], raw=True)
    # Tennis elbow's forearm muscles are seen from the front (the right arm on the left of the
    # picture), triceps and anconeus from behind, the spine from behind (the right side on
    # the right). With the clinic's logo, contact lines and note the two muscle pictures fill
    # the room the spine's had: its caption is read from a handout without them.
    assert "Needle points in the muscles (orange dots), right side, seen from the front." in text
    assert "Needle points in the muscles (orange dots), right side, seen from behind." in text
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.handout import HandoutOptions, build_handout

    plain = tmp_path / "plain.pdf"
    plain.write_bytes(build_handout(manifest, catalog, ViewState(condition_id="tennis_elbow", side="right"),
                                    HandoutOptions(overview=False)).pdf)
    assert "nerve roots, seen from behind; spinal levels in yellow." in _text(plain, raw=True)


@needs_poppler
def test_the_clinician_sheet_numbers_its_references_in_the_order_it_cites_them(handout):
    """Read top to bottom, the sheet's first citation is [1], and each new number is the next
    one: a clinician looking up [1] finds the first source the sheet leans on."""
    body, _, references = _text(handout[2]).partition(" References ")
    firsts = []
    for group in re.findall(r"\[(\d+(?:, \d+)*)\]", body):
        for n in map(int, group.split(", ")):
            if n not in firsts:
                firsts.append(n)
    assert firsts == list(range(1, len(firsts) + 1)), firsts[:12]
    assert re.search(rf"\b{len(firsts)}\. ", references) and not re.search(rf"\b{len(firsts) + 1}\. [A-Z]", references)


@needs_poppler
def test_every_page_of_the_handout_and_the_clinician_sheet_credits_the_anatomy(handout, manifest):
    """The handout's pictures show the anatomy: each page's foot of both PDFs names its data
    package, version and licence, and the structures authored here."""
    src = manifest.source
    credit = (f"Anatomy: {src['package']} {src['version']}, {src['licence']}, modified; structures it lacks "
              "authored for IMS Atlas")
    for pdf in (handout[0], handout[2]):
        pages = [_text_page(pdf, n) for n in range(1, _pages(pdf) + 1)]
        assert all(credit in page for page in pages), (pdf.name, [credit in p for p in pages])


def _text_page(pdf, n: int) -> str:
    out = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", " ", out)


@needs_poppler
def test_patient_name_is_in_the_page_only(handout):
    pdf, settings_text, _ = handout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Quarrington" not in info and "Zebedee" not in info
    assert "Tennis elbow" in info  # the title is there, the patient is not
    assert "Quarrington" not in settings_text  # never stored in the settings


@needs_poppler
def test_handout_pages_show_the_highlight_colours(handout, tmp_path):
    # 150 dpi: the pictures print about 85 mm wide, side by side (the spinal levels are small).
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(handout[0]), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 1 <= len(pages) <= 2
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
    # (the yellow roots are thin and partly behind the neck muscles: about 200 pixels at 150 dpi)
    assert counts["root"] > 120, counts
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
    assert len(handout.pictures) == 3  # the muscles from the front and from behind, the spine
    assert any(str(bad) in w and "without it" in w for w in handout.warnings)


def test_a_handout_needs_a_condition(manifest, catalog, tmp_path):
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.formats import ExportError
    from ims_atlas.export.handout import export_handout

    with pytest.raises(ExportError, match="condition"):
        export_handout(tmp_path / "a.pdf", manifest, catalog, ViewState(segment="C6"))
    assert list(tmp_path.iterdir()) == []


@needs_poppler
@pytest.mark.slow
def test_every_condition_makes_a_handout_of_at_most_two_pages(manifest, catalog, tmp_path, monkeypatch):
    """Every condition in the bundled catalog, on both sides (the longest words), with a clinic
    note and contact details, for a short clinic name and one of 90 characters: two pages at
    most (pdfinfo), the muscle picture printed at least 40 mm on its longer side (pdfimages),
    and no heading left as the last line of a page (pdftotext). (Before, headache,
    fibromyalgia and knee pain printed no picture with the long name.)

    The page holds a picture by its aspect, never by its pixels (``handout_pdf._picture``), so
    the pictures are rendered at half their print size, the same aspects exactly: a quarter of
    the pixels to render and compress, the same pages."""
    from ims_atlas.core.settings import Clinic
    from ims_atlas.core.state import ViewState
    from ims_atlas.export import handout as handout_module
    from ims_atlas.export.handout import PRINT_PALETTE, HandoutOptions, export_handout
    from ims_atlas.export.handout_pdf import BODY_PT
    from ims_atlas.export.render import OffscreenScene

    assert BODY_PT >= 13  # large print is never what gives way
    for name in ("PICTURE_SIZE", "TALL_PICTURE_SIZE"):
        width, height = getattr(handout_module, name)
        assert width % 2 == height % 2 == 0  # halved exactly: the aspect is the print's own
        monkeypatch.setattr(handout_module, name, (width // 2, height // 2))
    monkeypatch.setattr(handout_module, "PLACED_LONG_SIDE", handout_module.PLACED_LONG_SIDE // 2)
    PICTURE_SIZE = handout_module.PICTURE_SIZE
    faults = {}
    with OffscreenScene(manifest, PICTURE_SIZE, PRINT_PALETTE) as scene:
        for clinic_name in ("Harbour Physio", LONG_NAME):
            clinic = Clinic(clinic_name, "12 Quay Street, Portsmouth\n023 9200 0000", "", "Bring shorts to your next visit.")
            for c in catalog.conditions:
                out = tmp_path / f"{c.id}.pdf"
                handout = export_handout(out, manifest, catalog, ViewState(condition_id=c.id, side="both"),
                                         HandoutOptions(clinic=clinic, patient_name="Jane Example"), scene=scene,
                                         force=True)
                muscles = [max(w, h) for _, size, w, h in _printed_mm(out) if size == handout.pictures[0].size]
                pages, stranded = _pages(out), _stranded_headings(out)
                if pages > 2 or not muscles or muscles[0] < 40 or stranded:
                    faults[(c.id, len(clinic_name))] = (pages, muscles, stranded)
    assert faults == {}


@needs_poppler
@pytest.mark.parametrize("labels_need_pt", [0.0, 130.0])
def test_a_whole_body_plan_still_fits_on_two_pages(tmp_path, labels_need_pt):
    """A plan far longer than any in the catalog: the muscles run over onto the clinician sheet,
    and the muscle picture is still printed, at least as high as its labels need (before, the
    words alone were printed)."""
    from PIL import Image as PILImage

    from ims_atlas.export.handout_content import Cited, HandoutContent, TargetLine
    from ims_atlas.export.handout_pdf import ClinicHeader, HandoutPicture, handout_pdf

    local = tuple(TargetLine(f"Muscle number {i} of the body, with a long plain name", f"Musculus {i}", "", "n")
                  for i in range(80))
    content = HandoutContent(
        condition_id="whole_body", title="Whole-body pain", side="both", side_words="both sides", lay_name="Pain everywhere",
        clinical_name="", explanation="A long explanation. " * 60, segments=("C5", "C6"), core_segments=(),
        roots_text=Cited("roots"), local=local, paraspinal=(TargetLine("Beside the spine at C4-C5", "Multifidus", "", "x"),),
        about_ims=(Cited("About IMS. " * 10),), expect=tuple(Cited("Expect this. " * 8) for _ in range(5)),
        safety=(), evidence=(), tell_us=tuple(Cited(f"you have condition {i}") for i in range(12)),
        call_if=tuple(Cited("Call if this happens. " * 4) for _ in range(10)), paraspinal_muscles=("multifidus",))
    pics = (HandoutPicture(PILImage.new("RGB", (1600, 900)), "a", labels_need_pt),
            HandoutPicture(PILImage.new("RGB", (1600, 900)), "b"))
    out = tmp_path / "long.pdf"
    out.write_bytes(handout_pdf(content, pics, ClinicHeader("Clinic", "1 Road", None, "A note. " * 20)))
    assert _pages(out) <= 2
    printed = _printed_mm(out)
    assert printed and printed[0][3] >= max(34.0, labels_need_pt * 25.4 / 72) - 0.1, printed
    text = _text(out)
    assert re.search(r"and \d+ more muscles \(listed on the clinician sheet\)", text) and "Muscle number 0" in text
    assert "When to get help" in text and "1 Road" in text  # the safety words and the clinic stay


def _dummy_pictures(local_size=(1600, 1450)):
    """Pictures of the handout's own aspects: the page holds a picture by its aspect, so a
    blank one lays the page out as a rendered one does."""
    from ims_atlas.export.handout_pdf import HandoutPicture

    return (HandoutPicture(Image.new("RGB", local_size), "Needle points in the muscles (orange dots), right side."),
            HandoutPicture(Image.new("RGB", (1600, 900)), "Beside the spine (blue squares), seen from behind."),
            HandoutPicture(Image.new("RGB", (800, 1200)), "The whole plan."))


@needs_poppler
@pytest.mark.parametrize("condition_id", ["golfers_elbow", "subacromial_pain"])
def test_no_page_of_the_handout_starts_with_the_last_line_of_a_paragraph(catalog, tmp_path, condition_id):
    """A bullet's last line alone at the top of page 2 ("in that report).") reads as a stray
    fragment: a paragraph carries at least two of its lines over, or none, where the pages
    have room for it."""
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.export.handout_content import handout_content
    from ims_atlas.export.handout_pdf import ClinicHeader, handout_pdf

    content = handout_content(treatment_plan(catalog, None, condition_id, "right"), catalog)
    out = tmp_path / "h.pdf"
    out.write_bytes(handout_pdf(content, _dummy_pictures(), ClinicHeader("Riverside Physio"), "Jane Example",
                                "7 December 2026"))
    paragraphs = [re.sub(r"\s+", " ", c.text) for c in (*content.expect, *content.tell_us, *content.call_if)]
    paragraphs.append(re.sub(r"\s+", " ", content.explanation))
    for n in range(2, _pages(out) + 1):
        page = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(out), "-"], capture_output=True,
                              text=True, check=True).stdout
        first = next(line.strip() for line in page.splitlines() if line.strip())
        widowed = [p for p in paragraphs if p.endswith(first) and p != first]
        assert not widowed, (n, first)


@needs_poppler
def test_a_long_explanation_starts_on_the_first_page(tmp_path):
    """A clinic's own catalog may explain a condition at length: the explanation runs on from
    under its heading on page 1 (it is not moved whole to page 2, leaving page 1 empty and
    the handout three pages long, which could not be made at all)."""
    from ims_atlas.export.handout_content import Cited, HandoutContent, TargetLine
    from ims_atlas.export.handout_pdf import ClinicHeader, handout_pdf

    explanation = " ".join(f"Sentence {i} of a long explanation of the pain." for i in range(60))
    content = HandoutContent(
        condition_id="long", title="Long-explained pain", side="right", side_words="right side", lay_name="Sore",
        clinical_name="", explanation=explanation, segments=("C5", "C6"), core_segments=(), roots_text=Cited("roots"),
        local=tuple(TargetLine(f"Muscle {i}", f"Musculus {i}", "", "n") for i in range(4)),
        paraspinal=(TargetLine("Beside the spine at C4-C5", "Multifidus", "", "x"),), about_ims=(Cited("About IMS."),),
        expect=(Cited("Expect this."),), safety=(), evidence=(), tell_us=(Cited("you have a cold"),),
        call_if=(Cited("Call if this happens."),), paraspinal_muscles=("multifidus",))
    out = tmp_path / "long.pdf"
    out.write_bytes(handout_pdf(content, _dummy_pictures((1600, 900)), ClinicHeader("Clinic")))
    assert _pages(out) <= 2
    first = _text_page(out, 1)
    assert "What is it? Sentence 0 of a long explanation" in first
    assert "Sentence 59" in _text(out) and "Muscle 3" in _text(out) and "When to get help" in _text(out)


@needs_poppler
def test_the_sacral_levels_are_named_in_plain_words(catalog, tmp_path):
    """Sciatica's needles go over the S1 and S2 foramina: the patient reads of openings in the
    sacrum, the bone at the base of the spine, not of a "foramen"."""
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.export.handout_content import handout_content
    from ims_atlas.export.handout_pdf import ClinicHeader, handout_pdf

    content = handout_content(treatment_plan(catalog, None, "sciatica", "right"), catalog)
    assert any(p.plain.endswith("S1 foramen") for p in content.paraspinal)  # the clinician sheet keeps the word
    out = tmp_path / "sciatica.pdf"
    out.write_bytes(handout_pdf(content, _dummy_pictures(), ClinicHeader("Riverside Physio")))
    text = _text(out)
    assert "foramen" not in text.lower()
    assert "over the S1 and S2 openings" in text
    assert "The S1 and S2 openings are in the sacrum, the bone at the base of the spine." in text


@needs_poppler
def test_a_widow_is_let_stand_rather_than_a_picture_given_up(catalog, tmp_path):
    """Knee pain's words fill the two pages to the line: carrying a second line over would
    cost the spine's picture, so the lone line stays and both pictures are printed."""
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.export.handout_content import handout_content
    from ims_atlas.export.handout_pdf import ClinicHeader, handout_pdf

    content = handout_content(treatment_plan(catalog, None, "knee_pain", "right"), catalog)
    out = tmp_path / "knee.pdf"
    out.write_bytes(handout_pdf(content, _dummy_pictures(), ClinicHeader("Riverside Physio"), "Jane Example",
                                "7 December 2026"))
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) - 2 == 2, images  # (two header lines)
    assert _pages(out) == 2


@needs_poppler
def test_a_long_clinic_name_leaves_the_page_number_and_the_versions_readable(tmp_path):
    """The footer's left line (clinic, app and catalog versions) ends before "Page 1", inside
    the margin, however long the clinic's name: it is printed smaller, then cut."""
    from ims_atlas.core.plain_text import MAX_CLINIC_NAME
    from ims_atlas.export.handout_content import Cited, HandoutContent, TargetLine
    from ims_atlas.export.handout_pdf import ClinicHeader, handout_pdf

    name = ("Clínica São José de Fisioterapia e Reabilitação Integrada, Unidade Centro, Avenida Paulista "
            "1000, São Paulo, Brasil")[:MAX_CLINIC_NAME]
    content = HandoutContent(
        condition_id="x", title="Sore elbow", side="right", side_words="right side", lay_name="Sore", clinical_name="",
        explanation="Words.", segments=("C6",), core_segments=(), roots_text=Cited("roots"),
        local=(TargetLine("Muscle", "Musculus", "", "n"),), paraspinal=(TargetLine("Beside the spine at C5-C6", "Multifidus", "", "x"),),
        about_ims=(), expect=(Cited("Expect this."),), safety=(), evidence=(), call_if=(Cited("Call."),))
    out = tmp_path / "h.pdf"
    out.write_bytes(handout_pdf(content, _dummy_pictures((1600, 900)), ClinicHeader(name), catalog_version="2026.11.0"))
    box = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(out), "-"], capture_output=True, text=True,
                         check=True).stdout
    words = [(float(x0), float(y0), float(x1), w) for x0, y0, x1, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', box)]
    page = next(w for w in words if w[3] == "Page")
    line = [w for w in words if abs(w[1] - page[1]) < 3 and w is not page and w[3] != "1"]
    assert any(w[3] == "Clínica" for w in line) and any(w[3] == "2026.11.0" for w in line), [w[3] for w in line]
    assert max(w[2] for w in line) < page[0] - 5, (max(w[2] for w in line), page[0])


@needs_poppler
def test_what_to_tell_the_practitioner_keeps_its_bullets_where_the_page_has_room(catalog, tmp_path):
    """Plantar heel pain's muscles run on in one paragraph to keep both pictures, but page 2
    has room for the checklist of what to tell the practitioner as bullets, one item a line,
    not run on with dots."""
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.export.handout_content import handout_content
    from ims_atlas.export.handout_pdf import ClinicHeader, handout_pdf

    content = handout_content(treatment_plan(catalog, None, "plantar_heel_pain", "right"), catalog)
    out = tmp_path / "heel.pdf"
    out.write_bytes(handout_pdf(content, _dummy_pictures((1600, 900)), ClinicHeader("Riverside Physio"), "Jane Example",
                                "7 December 2026"))
    text = _text(out)
    assert "(Flexor hallucis brevis); " in text  # the muscles run on
    assert " · you " not in text
    lines = [line.strip() for line in subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                                                     text=True, check=True).stdout.splitlines()]
    for c in content.tell_us:
        start = c.text[:1].upper() + c.text[1:30]
        assert any(line.startswith("•") and start in line for line in lines), start
    assert _pages(out) == 2


def _printed_ppi(pdf) -> list[tuple[tuple[int, int], float]]:
    """Each picture of ``pdf`` as the page prints it: its pixel size and its pixels an inch."""
    rows = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    out = []
    for line in rows.splitlines()[2:]:
        cols = line.split()
        out.append(((int(cols[3]), int(cols[4])), min(float(cols[12]), float(cols[13]))))
    return out


@needs_poppler
@pytest.mark.parametrize("condition_id", ["tennis_elbow", "knee_pain", "low_back_pain"])
def test_every_label_in_the_pictures_prints_at_least_at_the_captions_size(manifest, catalog, tmp_path, condition_id):
    """A patient reads the pictures' labels on paper: each prints at 11 pt or more, the size of
    the captions beside them (13 pt, the body's, where they have room), however small the page
    prints the picture. Measured from the handout itself: each label's text as drawn (pixels)
    over the picture's pixels an inch as the PDF places it. (Before, the muscle picture's names
    printed at 4-7 pt: knee pain's twelve at 3.8 pt.)"""
    from ims_atlas.core.settings import Clinic
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.handout import HandoutOptions, build_handout
    from ims_atlas.export.handout_pdf import CAPTION_PT

    handout = build_handout(manifest, catalog, ViewState(condition_id=condition_id, side="right"),
                            HandoutOptions(clinic=Clinic("Harbour Physio", "12 Quay Street\n023 9200 0000", "",
                                                         "Bring shorts to your next visit."), patient_name="Jane Example"))
    out = tmp_path / "h.pdf"
    out.write_bytes(handout.pdf)
    placed = _printed_ppi(out)
    assert placed, "the handout prints no picture"
    # The page prints the pictures in their order (the overview, when printed, first on the
    # page but last in the list): the n-th printed picture of a size is the n-th of that size.
    sizes, seen = [], {}
    for image, label_px in zip(handout.pictures, handout.label_px, strict=True):
        ppi = [p for size, p in placed if size == image.size]
        n = seen[image.size] = seen.get(image.size, -1) + 1
        if n < len(ppi):
            sizes += [px * 72 / ppi[n] for px in label_px]
    assert sizes, "no printed picture has labels"
    assert min(sizes) >= CAPTION_PT - 0.05, sorted(sizes)[:5]


def test_the_muscle_pictures_numbers_are_those_of_the_list(manifest, catalog):
    """The muscle picture is labelled with numbers, and the list of muscles in the words with the
    same: each drawn muscle once, in the order the handout lists them."""
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.annotations import annotation_for, export_state
    from ims_atlas.export.handout import PRINT_PALETTE, numbered
    from ims_atlas.export.handout_content import handout_content, picture_numbers
    from ims_atlas.scene.picture import picture_for

    state = ViewState(condition_id="tennis_elbow", side="right")
    content = handout_content(treatment_plan(catalog, None, "tennis_elbow", "right"), catalog)
    numbers = picture_numbers(content.local)
    assert sorted(numbers.values()) == list(range(1, len(content.local) + 1))
    assert [numbers[t.muscle_id] for t in content.local] == sorted(numbers.values())
    picture = picture_for(export_state(state), manifest, catalog, palette=PRINT_PALETTE)
    labels = numbered(annotation_for(picture, state, catalog, manifest, roles=("local",)), numbers)
    names = {t.key.split(":")[1]: t.title for t in labels.targets if "+" not in t.key}
    assert names and all(names[mid] == str(numbers[mid]) for mid in names), names


@needs_poppler
def test_a_long_clinic_name_leaves_room_for_the_muscle_picture(catalog, tmp_path):
    """A clinic's name of 90 characters with two lines of contact details: the name takes the
    header's width beside the short contact lines (three lines, not five) and the note's heading
    one line, so the handout still prints the muscle picture (before, it printed none)."""
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.export.handout_content import handout_content
    from ims_atlas.export.handout_pdf import ClinicHeader, handout_pdf

    name = "Clínica São José de Fisioterapia e Reabilitação Integrada, Unidade Centro Avenida Paulista"
    content = handout_content(treatment_plan(catalog, None, "tennis_elbow", "right"), catalog)
    out = tmp_path / "h.pdf"
    out.write_bytes(handout_pdf(content, _dummy_pictures(), ClinicHeader(name, "12 Quay Street\n023 9200 0000", None,
                                                                         "Bring shorts to your next visit."),
                                "Jane Example", "7 December 2026"))
    assert _pages(out) <= 2
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 1, images
    text = _text(out)
    assert name in text and "Bring shorts" in text


def _printed_mm(pdf) -> list[tuple[int, tuple[int, int], float, float]]:
    """Each picture of ``pdf``: its page, its pixel size and its printed width and height (mm)."""
    rows = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    out = []
    for line in rows.splitlines()[2:]:
        cols = line.split()
        w, h, x_ppi, y_ppi = int(cols[3]), int(cols[4]), float(cols[12]), float(cols[13])
        out.append((int(cols[0]), (w, h), w / x_ppi * 25.4, h / y_ppi * 25.4))
    return out


def _stranded_headings(pdf) -> list[tuple[int, str]]:
    """The headings printed as the last line of a page's text, above its foot (read with
    ``pdftotext -bbox``): a heading with nothing of its own under it."""
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    stranded = []
    for n, page in enumerate(box.split("<page ")[1:], 1):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        foot = height - 22 * 72 / 25.4  # the footer's three lines
        lines: dict[int, list[str]] = {}
        for y, word in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', page):
            if float(y) < foot:
                lines.setdefault(round(float(y)), []).append(word)
        if lines:
            last = " ".join(lines[max(lines)])
            if any(last.startswith(h) for h in HEADINGS):
                stranded.append((n, last))
    return stranded


def _clinic_handout(manifest, catalog, condition_id: str, name: str = "Harbour Physio"):
    from ims_atlas.core.settings import Clinic
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.handout import HandoutOptions, build_handout

    return build_handout(manifest, catalog, ViewState(condition_id=condition_id, side="right"),
                         HandoutOptions(clinic=Clinic(name, *HARBOUR), patient_name="Jane Example"))


@needs_poppler
def test_a_tall_muscle_picture_stands_beside_the_words_at_a_size_a_patient_can_see(manifest, catalog, tmp_path):
    """Knee pain's muscles reach from the lower back to the calf: a whole leg. With a clinic's
    contact details and note its words leave room for the muscle pictures alone, which a row
    printed 42 mm high (the leg some 8 mm wide). Beside the list of muscles keyed to their
    numbers they stand upright: since the muscles are seen from where they face, two of them
    (the leg from behind, the thigh from the front) side by side, each at least 60 mm high
    (one picture of every muscle from behind printed 110 mm), rendered in that shape, its
    labels still at print size (measured from the PDF: each label's pixels over the
    picture's pixels an inch)."""
    from ims_atlas.export.handout_pdf import CAPTION_PT

    handout = _clinic_handout(manifest, catalog, "knee_pain")
    out = tmp_path / "knee.pdf"
    out.write_bytes(handout.pdf)
    placed = _printed_mm(out)
    assert handout.muscle_pictures == 2
    for image, label_px in zip(handout.pictures[:2], handout.label_px[:2], strict=True):
        muscles = [p for p in placed if p[1] == image.size]
        assert muscles, placed
        _, (w_px, _), w_mm, h_mm = muscles[0]
        assert h_mm >= 60 and w_mm < h_mm, (w_mm, h_mm)
        assert abs(w_mm / h_mm - image.size[0] / image.size[1]) < 0.01  # drawn undistorted
        ppi = w_px / (w_mm / 25.4)
        assert min(px * 72 / ppi for px in label_px) >= CAPTION_PT - 0.05
    assert _pages(out) == 2 and _stranded_headings(out) == []


@needs_poppler
@pytest.mark.parametrize(("condition_id", "name"), [("knee_pain", LONG_NAME), ("headache", "Harbour Physio")])
def test_a_handout_always_prints_its_muscle_picture(manifest, catalog, tmp_path, condition_id, name):
    """Knee pain with a clinic's name of 90 characters, and headache with any clinic's contact
    details and note, printed no picture at all (their words filled the pages): now the words
    make room, and the muscle pictures print. Each plan's muscles face two ways, so it has two
    muscle pictures (from behind, and from the front or the side), side by side beside the
    list of muscles, each at least 50 mm high (one picture printed 65-80 mm) with every muscle
    listed; the clinic's note is what gives way for the second picture (the layout's last
    step before the list is cut short)."""
    handout = _clinic_handout(manifest, catalog, condition_id, name)
    out = tmp_path / "h.pdf"
    out.write_bytes(handout.pdf)
    placed = _printed_mm(out)
    assert handout.muscle_pictures == 2
    for image in handout.pictures[:2]:
        muscles = [p for p in placed if p[1] == image.size]
        assert muscles and muscles[0][3] >= 50, placed
    assert _pages(out) == 2 and _stranded_headings(out) == []
    text = _text(out)
    assert name in text and "When to get help" in text and "more muscle" not in text
    # The note left out is said, not silent (it stays in the clinic's settings).
    assert "Bring shorts" not in text
    assert any("no room on 2 pages for the clinic's note" in w for w in handout.warnings), handout.warnings


@needs_poppler
def test_a_heading_is_never_left_at_the_foot_of_a_page(manifest, catalog, tmp_path):
    """Neck pain's "What to expect" was printed at the foot of page 1, its first bullet (three
    lines, which keep two together at either end) on page 2: a heading moves with the start of
    its text, as the page lays that text out."""
    handout = _clinic_handout(manifest, catalog, "neck_pain_whiplash")
    out = tmp_path / "neck.pdf"
    out.write_bytes(handout.pdf)
    assert _stranded_headings(out) == []
    assert "What to expect" in _text(out) and _pages(out) <= 2
