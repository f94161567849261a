"""Pure parts of export: projection, file checks and sizes, PNG metadata, handout words."""

import os

import numpy as np
import pytest

from ims_atlas.export.formats import (
    PRESETS,
    ExportError,
    check_output,
    default_file_name,
    output_kind,
    parse_size,
)
from ims_atlas.export.projection import Projector

# -- projection ---------------------------------------------------------------------------------

def _perspective(fov_deg=30.0, aspect=1.5, near=0.1, far=10.0):
    """An OpenGL-style camera at the origin looking down -Z."""
    f = 1.0 / np.tan(np.radians(fov_deg) / 2)
    return np.array([[f / aspect, 0, 0, 0], [0, f, 0, 0],
                     [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)], [0, 0, -1, 0]])


def test_projection_maps_the_axis_to_the_centre_and_up_to_up():
    proj = Projector.from_array(_perspective(), (300, 200))
    xy, visible = proj.project([(0, 0, -2), (0, 0.2, -2), (0.2, 0, -2), (0, 0, 2)])
    assert visible.tolist() == [True, True, True, False]  # the last point is behind the camera
    assert xy[0] == pytest.approx((150, 100))
    assert xy[1][1] < 100  # up in the world is up in the picture (smaller y)
    assert xy[2][0] > 150
    far_out, vis = proj.project([(50, 0, -2)])
    assert not vis[0]  # outside the picture


def test_projection_scales_with_distance():
    proj = Projector.from_array(_perspective(), (400, 400))
    xy, _ = proj.project([(0.1, 0, -1), (0.1, 0, -2)])
    assert abs(xy[0][0] - 200) == pytest.approx(2 * abs(xy[1][0] - 200), rel=1e-6)


# -- files and sizes ------------------------------------------------------------------------------

def test_output_kinds_and_unknown_suffixes(tmp_path):
    assert output_kind(tmp_path / "a.PNG") == "png"
    assert output_kind(tmp_path / "a.pdf") == "pdf"
    with pytest.raises(ExportError, match=r"a\.jpg.*\.png.*\.pdf"):
        output_kind(tmp_path / "a.jpg")
    with pytest.raises(ExportError, match="no suffix"):
        output_kind(tmp_path / "a")


def test_check_output_names_the_file_and_the_reason(tmp_path):
    with pytest.raises(ExportError, match=r"missing.*does not exist"):
        check_output(tmp_path / "missing" / "a.png")
    existing = tmp_path / "a.png"
    existing.write_bytes(b"old")
    with pytest.raises(ExportError, match=r"a\.png: already exists.*--force"):
        check_output(existing)
    assert check_output(existing, force=True) == "png"
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(ExportError, match="folder"):
        check_output(tmp_path / "dir.png", force=True)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write into read-only folders")
def test_check_output_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(ExportError, match="not writable"):
            check_output(ro / "a.png")
    finally:
        ro.chmod(0o755)


def test_sizes():
    assert parse_size("1920x1080") == (1920, 1080)
    assert parse_size(" 800 X 600 ") == (800, 600)
    assert parse_size("a4") == PRESETS["a4"] == (2480, 3508)
    assert parse_size("slides") == (1920, 1080)
    for bad in ("big", "10x10", "90000x800", "800"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_default_file_name():
    assert default_file_name("Tennis elbow", "right", ".png") == "tennis-elbow-right.png"
    assert default_file_name("Golfer's elbow", None, ".pdf") == "golfer-s-elbow.pdf"


# -- words ----------------------------------------------------------------------------------------


def test_png_metadata_names_the_plan_and_versions(catalog):
    from ims_atlas import __version__
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.png_file import png_metadata
    from ims_atlas.scene.picture import Picture
    from ims_atlas.scene.plan import HighlightPlan

    plan = treatment_plan(catalog, None, "sciatica", "left")
    meta = png_metadata(ViewState(condition_id="sciatica", side="left"), Picture(HighlightPlan({}), treatment=plan),
                        catalog, "Harbour Physio")
    assert meta["Condition"] == "Sciatica" and meta["Side"] == "left"
    assert meta["Segments"] == ", ".join(plan.segments)
    assert meta["Catalog-Version"] == catalog.catalog_version and meta["App-Version"] == __version__
    assert meta["Author"] == "Harbour Physio"
    for value in meta.values():
        value.encode("latin-1")  # plain tEXt chunks


@pytest.mark.parametrize("condition_id", ["tennis_elbow", "sciatica", "headache"])
def test_handout_words_cover_the_plan_and_number_every_reference(catalog, condition_id):
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.export.handout_content import handout_content

    plan = treatment_plan(catalog, None, condition_id, "both")
    content = handout_content(plan, catalog)
    names = {t.name for t in content.local}
    assert names == {t.muscle.name for t in plan.local_targets}
    assert all(t.plain and t.nerve for t in content.local)
    assert len(content.paraspinal) == len(plan.segments)  # one line per level, "both sides"
    assert all(seg in content.roots_text.text for seg in plan.segments)
    numbers = [r.number for r in content.references]
    assert numbers == list(range(1, len(numbers) + 1))
    cited = {n for part in (content.roots_text, *content.about_ims, *content.expect, *content.safety, *content.evidence,
                            *content.red_flags, *content.screening, *content.tell_us, *content.call_if)
             for n in part.refs}
    assert cited == set(numbers)  # every reference is cited, every citation listed
    assert not any("not found in the catalog" in r.citation for r in content.references)
    assert len(content.safety) == len(plan.safety)
    assert len(content.red_flags) == len(plan.red_flags) and len(content.screening) == len(plan.contraindications)
    assert [c.text for c in content.call_if] == [r.patient_text for r in plan.red_flags]
    assert all(c.refs for c in (*content.tell_us, *content.call_if))  # sourced, though the patient sees no numbers


def test_patient_statements_are_all_sourced(catalog):
    from ims_atlas.export.patient_text import ABOUT_IMS, EXTRA_SOURCES, WHAT_TO_EXPECT

    for s in ABOUT_IMS + WHAT_TO_EXPECT:
        assert s.sources
        for sid in s.sources:
            assert catalog.source(sid) is not None or sid in EXTRA_SOURCES, sid
    text = " ".join(s.text for s in WHAT_TO_EXPECT)
    for must in ("grasp", "twitch", "three days", "stinging"):
        assert must in text


def test_extent_aspect_and_handout_picture_shape():
    from ims_atlas.export.handout import PICTURE_SIZE, TALL_PICTURE_SIZE, picture_size_for
    from ims_atlas.export.pictures import extent_aspect

    leg = [(0.1, 0.0, 0.0), (0.15, 0.05, 0.9)]  # tall and thin, seen from behind
    arms = [(-0.8, 0.0, 1.4), (0.8, 0.05, 1.5)]  # wide
    behind = (0.0, 1.0, 0.0)
    assert extent_aspect(leg, behind) == pytest.approx(0.05 / 0.9)
    assert extent_aspect(arms, behind) > 10
    assert extent_aspect(leg, (0.0, 0.0, 1.0)) is None  # from straight above: no "up"
    assert picture_size_for(leg, behind) == TALL_PICTURE_SIZE
    assert picture_size_for(arms, behind) == PICTURE_SIZE


def test_the_levels_beside_the_spine_in_a_patients_words():
    from ims_atlas.export.handout_content import spine_words

    assert spine_words(["C4-C5", "C5-C6"]) == ("at C4-C5 and C5-C6", "")
    where, words = spine_words(["L4-L5", "L5-S1", "the S1 foramen", "the S2 foramen"])
    assert where == "at L4-L5 and L5-S1, and over the S1 and S2 openings" and "foramen" not in where + words
    assert words == "The S1 and S2 openings are in the sacrum, the bone at the base of the spine."
    assert spine_words(["the S1 foramen"]) == ("over the S1 opening",
                                               "The S1 opening is in the sacrum, the bone at the base of the spine.")
    assert spine_words(["occiput-C1", "C1-C2"])[1] == "Occiput-C1 is where the skull meets the top of the spine."


def test_handout_captions_say_where_each_picture_is_seen_from():
    """The muscles' close-up often looks from the front and the spine's from behind, so the
    treated arm lies on the left of one and the right of the other: each caption says which."""
    from ims_atlas.export.handout import BEHIND, seen_from
    from ims_atlas.scene.picture import Picture
    from ims_atlas.scene.plan import HighlightPlan
    from ims_atlas.scene.target_views import TargetView

    front = Picture(HighlightPlan({}), direction=(0.0, -1.0, 0.0))
    assert seen_from(front) == "from the front"
    assert seen_from(front, BEHIND) == "from behind"  # a little above: still from behind
    assert seen_from(front, (-1.0, 0.0, 0.0)) == "from the right side"  # +X is the subject's left
    assert seen_from(front, (1.0, 0.0, 0.0)) == "from the left side"
    assert seen_from(front, (0.0, 0.0, -1.0)) == "from below"
    assert seen_from(front, (0.6, -0.6, 0.5)) == ""  # from an angle: no words rather than wrong ones
    assert seen_from(Picture(HighlightPlan({}))) == ""
    inner = Picture(HighlightPlan({}), direction=(1.0, 0.0, 0.0),
                    views=(TargetView("medial-right", (1.0, 0.0, 0.0), (), "local"),))
    assert seen_from(inner) == "from the inner side"  # the right leg's inner side, not "the left side"


def test_every_picture_line_credits_the_anatomy_the_manifest_names(manifest):
    """The small line on every exported picture names the anatomy's data package, its version
    and licence (the manifest's ``source``), and the structures authored here when there are any.
    """
    from dataclasses import replace

    from ims_atlas.anatomy.credit import AUTHORED_PREFIX, anatomy_credit, anatomy_credit_long
    from ims_atlas.export.pictures import app_line

    src = manifest.source
    assert any(s.source.startswith(AUTHORED_PREFIX) for s in manifest.structures)  # roots, neck muscles...
    credit = anatomy_credit(manifest)
    assert credit == f"anatomy: {src['package']} {src['version']} ({src['licence']}) + authored"
    line = app_line("2026.11.0", credit)
    assert line.endswith(" · catalog 2026.11.0 · " + credit) and line.startswith("IMS Atlas ")
    assert app_line().count("·") == 0
    long = anatomy_credit_long(manifest)
    assert long.startswith(f"{src['package']} {src['version']} ({src['model']}), {src['licence']}, modified; ")
    assert "authored for IMS Atlas" in long and long.endswith("see NOTICE")
    assert f"({src['model']})" not in anatomy_credit_long(manifest, model=False)
    # Only the package's own structures: no "+ authored"; nothing named: no credit.
    theirs = tuple(s for s in manifest.structures if not s.source.startswith(AUTHORED_PREFIX))
    bare = replace(manifest, structures=theirs, on_request=())
    assert anatomy_credit(bare) == f"anatomy: {src['package']} {src['version']} ({src['licence']})"
    assert "authored" not in anatomy_credit_long(bare)
    nothing = replace(bare, source={})
    assert anatomy_credit(nothing) == "" and anatomy_credit_long(nothing) == ""


def test_the_footers_small_line_does_not_narrow_the_legend():
    """The app line (app, catalog, the anatomy's credit) sits on the footer's small line, beside
    the note on unlabelled targets: a longer one leaves the legend's rows, and so the height left
    to the anatomy, as they were; on a narrow picture it wraps between its parts, every line
    inside the footer; the footer drawn is the footer planned.
    """
    from ims_atlas.export.annotations import Annotation, LegendItem
    from ims_atlas.export.compose import footer_plan, plan_regions, style_for
    from ims_atlas.export.fonts import pil_font

    legend = tuple(LegendItem("swatch", (0.8, 0.4, 0.1), f"Legend entry number {i}") for i in range(5))
    style = style_for((960, 540))
    short = footer_plan(legend, "", "IMS Atlas 0.1.0", style, 942)
    credited = footer_plan(legend, "", "IMS Atlas 0.1.0 · catalog 2026.11.0 · anatomy: myo-sim 0.2.3 (Apache-2.0) "
                                       "+ authored", style, 942)
    assert credited.rows == short.rows and credited.height == short.height and credited.shared
    assert len(credited.app_lines) == 1
    annotation = Annotation("T", "", (), legend)
    line = "IMS Atlas 0.1.0 · catalog 2026.11.0 · anatomy: myo-sim 0.2.3 (Apache-2.0) + authored"
    regions = plan_regions((960, 540), style, annotation, "", line)
    assert regions.footer.h == footer_plan(legend, "", line, style, regions.footer.w).height
    # A narrow picture: the line wraps at its " · " parts, each line fits the footer.
    narrow = style_for((240, 400))
    plan = footer_plan(legend, "", line, narrow, 220)
    small = pil_font(narrow.small_px)
    assert len(plan.app_lines) > 1 and " · ".join(plan.app_lines) == line
    assert all(small.getlength(t) <= 220 - 2 * narrow.pad for t in plan.app_lines)
    assert plan.height > footer_plan(legend, "", "", narrow, 220).height


def test_a_word_cut_to_fit_a_narrow_label_ends_in_a_hyphen():
    """S1's narrow label column cut "Semimembranosus" into "Semimembranos" and "us", which
    read as two words: the cut line ends in a hyphen, and still fits."""
    from ims_atlas.export.compose import wrap_checked
    from ims_atlas.export.fonts import pil_font

    font = pil_font(20)
    width = font.getlength("Semimembranos")
    lines, cut = wrap_checked("Semimembranosus", font, width)
    assert cut and lines[0].endswith("-") and "".join(lines).replace("-", "") == "Semimembranosus"
    assert all(font.getlength(line) <= width for line in lines)
    assert wrap_checked("Biceps brachii", font, 500) == (["Biceps brachii"], False)


def test_a_crowd_over_both_sides_of_the_body_is_parted_by_side():
    """A crowd left in a small view of both sides (C8 from behind: both arms in a fifth of
    the view) is no region one inset enlarges; its tightest part on one side is (the right
    forearm's three extensors), not the latissimus above them nor the other arm's targets.
    """
    from ims_atlas.export.panels import side_parts
    from ims_atlas.scene.crowds import find_tiered

    points = {"local:latissimus_dorsi:right": (1703, 538), "minor:triceps_brachii:left": (1643, 550),
              "local:extensor_digiti_minimi:right": (1748, 584), "local:extensor_carpi_ulnaris:right": (1748, 611),
              "local:extensor_digitorum:right": (1757, 690), "local:interossei_hand:left": (1630, 692)}
    crowd = find_tiered(points, 719)
    assert set(crowd) == set(points)  # the whole small figure is one crowd
    forearm = {"local:extensor_digiti_minimi:right", "local:extensor_carpi_ulnaris:right",
               "local:extensor_digitorum:right"}
    assert [set(p) for p in side_parts(crowd, points, 719)] == [forearm]
    # Taken out, what is left is no crowd.
    assert find_tiered({k: p for k, p in points.items() if k not in forearm}, 719) == ()
    # A crowd on one side only has no parts to try: it is tried whole.
    right = tuple(k for k in points if k.endswith(":right"))
    assert side_parts(right, points, 719) == ()


def test_the_handouts_muscle_picture_looks_from_where_most_muscles_are_seen():
    """A plan exported as two panels has one muscle picture in the handout: it looks along the
    view that shows most of the local targets (sciatica's buttock, thigh and calf muscles from
    behind), not always along the first view (its front view shows two of them)."""
    from ims_atlas.export.handout import muscles_view
    from ims_atlas.scene.picture import Picture
    from ims_atlas.scene.plan import HighlightPlan
    from ims_atlas.scene.target_views import PictureTarget, TargetView

    def target(key, role):
        return PictureTarget(key, role, "right", (0.0, 0.0, 0.0))

    targets = (target("local:a:right", "local"), target("local:b:right", "local"), target("local:c:right", "local"),
               target("paraspinal:L5:right", "paraspinal"))
    front = TargetView("anterior", (0.0, -1.0, 0.0), ("local:a:right",), "local")
    behind = TargetView("posterior", (0.0, 1.0, 0.0), ("local:b:right", "local:c:right", "paraspinal:L5:right"), "spine")
    assert muscles_view(Picture(HighlightPlan({}), targets=targets, views=(front, behind))) is behind
    even = TargetView("posterior", (0.0, 1.0, 0.0), ("local:b:right", "paraspinal:L5:right"), "spine")
    assert muscles_view(Picture(HighlightPlan({}), targets=targets, views=(front, even))) is front  # a tie: the first
    spine_only = TargetView("posterior", (0.0, 1.0, 0.0), ("paraspinal:L5:right",), "all")
    assert muscles_view(Picture(HighlightPlan({}), targets=targets[3:], views=(spine_only,))) is None
    assert muscles_view(Picture(HighlightPlan({}))) is None


def test_the_handout_has_a_muscle_picture_for_each_view_that_holds_muscles():
    """A plan whose muscles face two ways has two muscle pictures, the view with most first,
    each with the muscles its view holds; a muscle no view holds goes on the first; a plan
    seen from one side has one (before, one picture numbered them all)."""
    from ims_atlas.export.handout import muscle_views
    from ims_atlas.scene.picture import Picture
    from ims_atlas.scene.plan import HighlightPlan
    from ims_atlas.scene.target_views import PictureTarget, TargetView

    targets = tuple(PictureTarget(f"local:{m}:right", "local", "right", (0.0, 0.0, 0.0)) for m in "abcd")
    front = TargetView("anterior", (0.0, -1.0, 0.0), ("local:a:right",), "local")
    behind = TargetView("posterior", (0.0, 1.0, 0.0), ("local:b:right", "local:c:right", "paraspinal:L5:right"), "spine")
    got = muscle_views(Picture(HighlightPlan({}), targets=targets, views=(front, behind)))
    assert got == ((behind, ("local:b:right", "local:c:right", "local:d:right")), (front, ("local:a:right",)))
    every = TargetView("posterior", (0.0, 1.0, 0.0), tuple(t.key for t in targets), "all")
    assert muscle_views(Picture(HighlightPlan({}), targets=targets, views=(every,))) == ((every, every.targets),)
    assert muscle_views(Picture(HighlightPlan({}), targets=targets)) == ((None, every.targets),)


def test_an_inset_holding_a_knot_takes_room_from_those_that_enlarge_more_than_they_need():
    """S1 from behind: the leg's inset (its knot 39 pixels wide, a knot is three leaders in a
    50-pixel square) grows; the hip's, enlarged nearly three times, gives room down to what
    keeps MIN_ZOOM and its labels; the sole seen from below gives at most a quarter of its
    box; the column's height is kept. Nothing to give: None.
    """
    from ims_atlas.export.insets import MIN_ZOOM
    from ims_atlas.export.panels import KNOT_PART, TURNED_KEEP, knot_heights

    heights = {"hip": 300.0, "leg": 230.0, "sole": 280.0}
    boxes = {"hip": 220.0, "leg": 150.0, "sole": 200.0}
    zooms = {"hip": 2.7, "leg": 1.95, "sole": float("inf")}
    least = {"hip": 200.0, "leg": 120.0, "sole": 120.0}
    grown = knot_heights(heights, boxes, {"leg": 39.0}, zooms, least, 50.0, 810.0)
    assert grown is not None
    assert sum(grown.values()) == pytest.approx(810.0)
    assert grown["leg"] > heights["leg"]
    assert grown["hip"] <= heights["hip"] and grown["sole"] <= heights["sole"]
    # The hip keeps what enlarges it MIN_ZOOM times (and a tenth), the sole three quarters
    # of its box, each at least its labels' room.
    assert boxes["hip"] - (heights["hip"] - grown["hip"]) >= boxes["hip"] * 1.1 * MIN_ZOOM / zooms["hip"] - 1e-6
    assert grown["hip"] >= least["hip"] and grown["sole"] >= least["sole"]
    assert boxes["sole"] - (heights["sole"] - grown["sole"]) >= TURNED_KEEP * boxes["sole"] - 1e-6
    # It grows no more than parting the knot asks.
    assert grown["leg"] - heights["leg"] <= boxes["leg"] * (KNOT_PART * 50.0 / 39.0 - 1.0) + 1e-6
    # Every other inset already at its least: nothing to give.
    tight = {"hip": 300.0, "leg": 230.0, "sole": 280.0}
    assert knot_heights(heights, boxes, {"leg": 39.0}, {"hip": 1.5, "leg": 1.95, "sole": float("inf")},
                        {"hip": 300.0, "leg": 120.0, "sole": 280.0}, 50.0, sum(tight.values())) is None


def test_a_view_of_one_muscle_beside_a_crowded_one_takes_a_third_of_the_width():
    """Pure: sciatica's tibialis anterior alone from the front took half the picture, the view
    from behind (hamstrings, calf, buttock and four levels, three insets) the other half; a view
    of one muscle (on one side or both) beside one of at least LONE_BESIDE muscles and levels
    takes LONE_SHARE; otherwise the two share the width equally.
    """
    from types import SimpleNamespace

    from ims_atlas.export.panels import LONE_BESIDE, LONE_SHARE, panel_widths
    from ims_atlas.scene.target_views import TargetView

    def view(name, keys):
        return TargetView(name, (0.0, 1.0, 0.0), tuple(keys), "local")

    behind = [f"local:m{i}:right" for i in range(LONE_BESIDE - 4)] + [f"paraspinal:L{i}:right" for i in (2, 3, 4, 5)]
    lone = view("anterior", ["local:tibialis_anterior:right", "local:tibialis_anterior:left"])
    widths = panel_widths(SimpleNamespace(views=(lone, view("posterior", behind))), 1900)
    assert widths == (round(1900 * LONE_SHARE), 1900 - round(1900 * LONE_SHARE))
    # The lone view second: the narrow panel is the second.
    widths = panel_widths(SimpleNamespace(views=(view("posterior", behind), lone)), 1900)
    assert widths[1] == round(1900 * LONE_SHARE)
    # Two muscles, or a crowd of fewer than LONE_BESIDE beside it, or a paraspinal target in
    # the lone view: equal halves.
    two = view("anterior", ["local:tibialis_anterior:right", "local:iliacus:right"])
    assert panel_widths(SimpleNamespace(views=(two, view("posterior", behind))), 1900) == (950, 950)
    assert panel_widths(SimpleNamespace(views=(lone, view("posterior", behind[:-1]))), 1900) == (950, 950)
    with_level = view("anterior", ["local:tibialis_anterior:right", "paraspinal:L4:right"])
    assert panel_widths(SimpleNamespace(views=(with_level, view("posterior", behind))), 1900) == (950, 950)
    assert panel_widths(SimpleNamespace(views=(lone,)), 1900) == (1900,)
