"""Find the segment: ranking root segments from tender muscles and Gunn's signs (pure)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ims_atlas.catalog.load import load_catalog
from ims_atlas.cli import main
from ims_atlas.core.errors import DataError
from ims_atlas.core.paths import bundled_catalog_path
from ims_atlas.study import indicators as indicators_module
from ims_atlas.study.assessment import (
    INDICATOR_BONUS,
    MAJOR_WEIGHT,
    MINOR_WEIGHT,
    SIGN_WEIGHT,
    FindingError,
    Findings,
    MuscleFinding,
    SignFinding,
    assess,
    parse_sign,
)
from ims_atlas.study.assessment_views import CAVEAT, assessment_text, assessment_view, sheet_view
from ims_atlas.study.indicators import load_indicators
from ims_atlas.study.signs import bundled_signs


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(bundled_catalog_path())


def ranked(catalog, *muscles, signs=()):
    findings = Findings(tuple(MuscleFinding(m, "right") for m in muscles), tuple(signs))
    return assess(catalog, findings)


def test_shoulder_cuff_and_deltoid_rank_c5_first(catalog):
    result = ranked(catalog, "supraspinatus", "infraspinatus", "deltoid")
    assert result.segments[0].segment == "C5"
    assert result.segments[0].score > result.segments[1].score
    assert set(result.segments[0].explains) == {"supraspinatus:right", "infraspinatus:right", "deltoid:right"}
    assert result.segments[0].unexplained == ()
    # C4 supplies only supraspinatus (minor): it explains one finding and not the others.
    c4 = next(s for s in result.segments if s.segment == "C4")
    assert c4.explains == ("supraspinatus:right",)
    assert set(c4.unexplained) == {"infraspinatus:right", "deltoid:right"}


def test_score_is_the_sum_of_the_catalog_weights(catalog):
    """Recomputed from the catalog's own roots and the indicator table, not from the code's output."""
    muscles = ("extensor_carpi_radialis_brevis", "extensor_carpi_radialis_longus", "supinator")
    result = ranked(catalog, *muscles)
    indicators = load_indicators(catalog.sources)
    for seg in result.segments:
        expected = 0.0
        for m in muscles:
            for root in catalog.muscle(m).roots:
                if root.segment == seg.segment:
                    expected += MAJOR_WEIGHT if root.contribution == "major" else MINOR_WEIGHT
                    if any(i.muscle == m and i.segment == seg.segment for i in indicators):
                        expected += INDICATOR_BONUS
        assert seg.score == pytest.approx(expected), seg.segment
    assert [s.segment for s in result.segments][:2] == ["C6", "C7"]


def test_a_sign_at_a_segment_counts_for_that_segment_only(catalog):
    base = ranked(catalog, "extensor_carpi_radialis_brevis")
    with_sign = ranked(catalog, "extensor_carpi_radialis_brevis", signs=[SignFinding("trophoedema", "C7")])
    before = {s.segment: s.score for s in base.segments}
    after = {s.segment: s.score for s in with_sign.segments}
    assert after["C7"] == pytest.approx(before["C7"] + SIGN_WEIGHT)
    assert after["C6"] == pytest.approx(before["C6"])
    assert with_sign.segments[0].segment == "C7"  # C6 had the indicator bonus; the sign tips it
    c6 = next(s for s in with_sign.segments if s.segment == "C6")
    assert "trophoedema:C7" in c6.unexplained


def test_signs_alone_rank_their_segments(catalog):
    result = assess(catalog, Findings(signs=(SignFinding("hair_loss", "L5"), SignFinding("goose_flesh", "L5"),
                                             SignFinding("sweating_coldness", "S1"))))
    assert [(s.segment, s.score) for s in result.segments] == [("L5", 2 * SIGN_WEIGHT), ("S1", SIGN_WEIGHT)]


def test_a_muscle_without_a_spinal_root_is_unexplained_and_noted(catalog):
    result = ranked(catalog, "masseter", "deltoid")
    assert all("masseter:right" in s.unexplained for s in result.segments)
    assert any("Masseter" in n for n in result.notes)


def test_sides_of_the_explaining_findings(catalog):
    findings = Findings((MuscleFinding("deltoid", "left"), MuscleFinding("tibialis_anterior", "right")))
    result = assess(catalog, findings)
    by = {s.segment: s for s in result.segments}
    assert by["C5"].sides == ("left",)
    assert by["L4"].sides == ("right",)


def test_unknown_muscle_is_refused(catalog):
    with pytest.raises(FindingError, match="no muscle 'nope'"):
        assess(catalog, Findings((MuscleFinding("nope"),)))


@pytest.mark.parametrize("text, expected", [
    ("trophoedema:C6", ("trophoedema", "C6", None)),
    ("peau d'orange:c 6:left", ("trophoedema", "C6", "left")),
    ("Goose bumps:L5", ("goose_flesh", "L5", None)),
    ("matchstick test:S1:R", ("trophoedema", "S1", "right")),
])
def test_parse_sign(text, expected):
    s = parse_sign(text)
    assert (s.sign, s.segment, s.side) == expected


@pytest.mark.parametrize("text, message", [
    ("trophoedema", "NAME:SEGMENT"),
    ("itching:C6", "not one of Gunn's signs"),
    ("trophoedema:Z9", "not a segment"),
    ("trophoedema:C6:up", "not 'left' or 'right'"),
])
def test_parse_sign_refuses_bad_input(text, message):
    with pytest.raises(FindingError, match=message):
        parse_sign(text)


def test_every_sign_and_indicator_is_sourced(catalog):
    signs = bundled_signs()
    assert {"tender_motor_points", "taut_bands", "trophoedema", "goose_flesh", "sweating_coldness", "hair_loss",
            "restricted_range"} <= {s.id for s in signs.signs}
    for ind in load_indicators(catalog.sources):
        assert catalog.has_muscle(ind.muscle), ind
        assert catalog.source(ind.source) is not None, ind
        assert ind.segment in catalog.muscle(ind.muscle).root_segments(), f"{ind}: not a root in the catalog"


def test_the_reasoning_names_the_indicator_source_in_words_not_its_id(catalog):
    result = ranked(catalog, "deltoid", "extensor_carpi_radialis_brevis")
    by = {s.segment: {r.finding: r for r in s.reasons} for s in result.segments}
    deltoid = by["C5"]["deltoid:right"]
    assert deltoid.why.endswith("an indicator muscle of C5 in Hoppenfeld 2018")
    assert "hoppenfeld2018" in deltoid.sources  # the JSON keeps the id for a program to resolve
    assert by["C6"]["extensor_carpi_radialis_brevis:right"].why.endswith("an indicator muscle of C6 in ASIA key muscles")
    text = assessment_text(assessment_view(result))
    assert "in Hoppenfeld 2018 (+1.5)" in text and "ASIA key muscles" in text
    for sid in {i.source for i in load_indicators(catalog.sources)}:
        assert sid not in text, sid


def test_biceps_is_a_c5_indicator_in_both_sources_said_once(catalog):
    c5 = next(s for s in ranked(catalog, "biceps_brachii").segments if s.segment == "C5")
    assert c5.score == MAJOR_WEIGHT + INDICATOR_BONUS  # one bonus, however many sources agree
    assert c5.reasons[0].why.endswith("in Hoppenfeld 2018 and ASIA key muscles")


def test_the_t1_key_muscle_is_the_little_fingers_abductor(catalog):
    t1 = {i.muscle for i in load_indicators(catalog.sources) if i.segment == "T1" and i.source == "asia2019"}
    assert t1 == {"abductor_digiti_minimi_of_hand"}
    assert "asia2019" in catalog.muscle("abductor_digiti_minimi_of_hand").sources


def _indicator_file(tmp_path, source, names):
    path = tmp_path / "indicators.json"
    path.write_text(json.dumps({"sources": names, "indicators": [
        {"segment": "C5", "source": "asia2019", "muscles": ["biceps_brachii"]},
        {"segment": "C5", "source": source, "muscles": ["deltoid"]}]}), encoding="utf-8")
    return path


@pytest.mark.parametrize("source, names, message", [
    ("upstate_roots", {"asia2019": "ASIA key muscles", "upstate_roots": "SUNY Upstate"},
     "unknown source 'upstate_roots': not a source of the catalog"),
    ("hoppenfeld2018", {"asia2019": "ASIA key muscles"}, "source 'hoppenfeld2018' has no short name"),
])
def test_an_indicator_row_citing_no_catalog_source_is_refused(catalog, tmp_path, source, names, message):
    path = _indicator_file(tmp_path, source, names)
    with pytest.raises(DataError) as err:
        load_indicators(catalog.sources, path)
    text = str(err.value)
    assert str(path) in text and "$.indicators[1].source" in text and message in text


def test_the_bundled_indicator_sources_are_catalog_sources_and_all_cited(catalog):
    doc = json.loads((Path(indicators_module.__file__).parent / "data" / "indicator_muscles.json").read_text("utf-8"))
    assert set(doc["sources"]) <= set(catalog.sources)
    assert set(doc["sources"]) == {i.source for i in load_indicators(catalog.sources)}
    assert "upstate_roots" not in json.dumps(doc)


def test_view_shape_and_sheet(catalog):
    result = ranked(catalog, "supraspinatus", "infraspinatus", "deltoid")
    view = assessment_view(result)
    first = view["segments"][0]
    assert {"segment", "score", "explains", "unexplained"} <= set(first)
    assert first["segment"] == "C5" and first["paraspinal_level"] == "C4-C5"


def test_sheet_view_names_the_findings_and_keeps_the_best_segments_with_their_reasoning(catalog):
    findings = Findings((MuscleFinding("supraspinatus", "right", tender=True, banded=True),
                         MuscleFinding("deltoid", None)), (SignFinding("trophoedema", "C5", "right"),))
    view = sheet_view(assess(catalog, findings), catalog, top=2)
    assert view["findings"] == ["Supraspinatus, right: tender, taut band", "Deltoid, side not given: tender",
                                "Trophoedema (peau d'orange, matchstick test) at C5, right"]
    assert [s["segment"] for s in view["segments"]] == ["C5", "C6"]
    c5 = view["segments"][0]
    # supraspinatus: major root (no source read names it a C5 indicator muscle); deltoid: major root
    # + indicator (Hoppenfeld 2018); the sign 1
    assert c5["score"] == MAJOR_WEIGHT + (MAJOR_WEIGHT + INDICATOR_BONUS) + SIGN_WEIGHT
    assert [r["finding"] for r in c5["reasoning"]] == ["supraspinatus:right", "deltoid", "trophoedema:C5:right"]
    assert view["more"] == len(assess(catalog, findings).segments) - 2
    assert view["caveat"] == CAVEAT and "major 1, minor 0.5" in view["method"]
    assert json.loads(json.dumps(view)) == view  # plain data: it travels to an export worker as JSON


def test_cli_assess_json(capsys):
    code = main(["assess", "--muscle", "supraspinatus:right", "--muscle", "infraspinatus:right",
                 "--muscle", "deltoid", "--sign", "trophoedema:C5", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert doc["segments"][0]["segment"] == "C5"
    assert doc["segments"][0]["explains"] == ["supraspinatus:right", "infraspinatus:right", "deltoid", "trophoedema:C5"]
    scores = [s["score"] for s in doc["segments"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("argv, message", [
    (["--muscle", "xyzzy"], "no muscle is called 'xyzzy'"),
    (["--muscle", "deltoid:up"], "side 'up'"),
    (["--sign", "trophoedema"], "NAME:SEGMENT"),
    ([], "at least one"),
])
def test_cli_assess_bad_input_exits_2(capsys, argv, message):
    code = main(["assess", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert message in err


def test_assessment_picture_lights_muscles_roots_and_paraspinal_points(catalog, manifest):
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.study_pictures import assessment_picture

    result = ranked(catalog, "supraspinatus", "infraspinatus", "deltoid")
    picture = assessment_picture(result, manifest, catalog, ViewState(), top=1)
    lit = {sid for sid, role in picture.roles.items() if role == "local"}
    expected = {s.id for m in ("supraspinatus", "infraspinatus", "deltoid")
                for s in manifest.muscle_structures(m, sides=["right"])}
    assert expected and lit == expected
    assert [m.label for m in picture.markers] == ["C5 right"]
    assert "root" in picture.roles.values()
