"""Contraindications, hazards and red flags: checked by the validator, chosen per plan, in plan --json."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ims_atlas.catalog.json_views import plan_view
from ims_atlas.catalog.load import load_catalog
from ims_atlas.catalog.plan import treatment_plan
from ims_atlas.catalog.rules import rule_problems
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.paths import bundled_catalog_path

SMALL = Path(__file__).resolve().parents[1] / "data" / "catalogs" / "small_catalog.json"
SOURCE = {"citation": "Brady S, et al. Adverse events. J Man Manip Ther 2014.", "authors": ["Brady S"],
          "title": "Adverse events following trigger point dry needling", "year": 2014}


def _guidance():
    return {
        "sources": {"brady2014": dict(SOURCE)},
        "contraindications": [
            {"id": "consent", "kind": "contraindication", "title": "No consent", "text": "Do not needle.",
             "patient_text": "You can say no.", "applies_to": {"all": True}, "sources": ["brady2014"]},
            {"id": "radial_nerve", "kind": "hazard", "title": "Radial nerve", "text": "Deep branch in supinator.",
             "applies_to": {"muscles": ["supinator"]}, "sources": ["brady2014"]},
        ],
        "red_flags": [
            {"id": "cauda_equina", "title": "Cauda equina", "signs": "Saddle numbness.", "action": "Emergency.",
             "patient_text": "Call an ambulance.", "applies_to": {"segments": ["S1"]}, "sources": ["brady2014"]},
            {"id": "heel_only", "title": "Heel flag", "signs": "x", "action": "y", "patient_text": "z",
             "applies_to": {"conditions": ["plantar_heel_pain"]}, "sources": ["brady2014"]},
        ],
    }


def _doc():
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    doc["safety_guidance"] = _guidance()
    return doc


def _errors(doc):
    return [(p.path, p.message) for p in rule_problems(doc, "f") if p.severity == "error"]


def test_a_sound_section_passes():
    assert _errors(_doc()) == []


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda g: g["red_flags"][0].__setitem__("sources", ["nowhere"]),
     "$.safety_guidance.red_flags[0].sources[0]", "unknown source 'nowhere'"),
    (lambda g: g["red_flags"][1].__setitem__("id", "cauda_equina"),
     "$.safety_guidance.red_flags[1].id", "duplicate id 'cauda_equina'"),
    (lambda g: g["sources"].__setitem__("lasts", {**SOURCE, "title": "Another publication under a taken id"}),
     "$.safety_guidance.sources.lasts", "also in $.sources"),
    (lambda g: g["sources"]["brady2014"].__setitem__("url", "https://quizlet.com/123/dry-needling"),
     "$.safety_guidance.sources.brady2014.url", "quizlet.com is on the source deny list"),
    (lambda g: g["sources"]["brady2014"].pop("title"),
     "$.safety_guidance.sources.brady2014", "source lacks title"),
])
def test_each_defect_is_an_error_at_its_path(change, path, words):
    doc = _doc()
    change(doc["safety_guidance"])
    errs = _errors(doc)
    assert len(errs) == 1, errs
    assert errs[0][0] == path and words in errs[0][1], errs


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda g: g["contraindications"][1]["applies_to"].__setitem__("muscles", ["supinatr"]),
     "$.safety_guidance.contraindications[1].applies_to.muscles[0]", "unknown muscle 'supinatr' (did you mean 'supinator'?)"),
    (lambda g: g["red_flags"][1]["applies_to"].__setitem__("conditions", ["heel_pain"]),
     "$.safety_guidance.red_flags[1].applies_to.conditions[0]", "unknown condition 'heel_pain'"),
])
def test_an_unknown_target_of_an_item_is_a_warning_at_its_path(change, path, words):
    doc = _doc()
    change(doc["safety_guidance"])
    assert _errors(doc) == []
    warned = [(p.path, p.message) for p in rule_problems(doc, "f") if p.severity == "warning"]
    assert any(w[0] == path and words in w[1] and "applies to no plan" in w[1] for w in warned), warned


def test_the_schema_rejects_a_red_flag_without_patient_words():
    from ims_atlas.catalog.validate import validate_document

    doc = _doc()
    del doc["safety_guidance"]["red_flags"][0]["patient_text"]
    problems = [p for p in validate_document(doc, "f") if p.severity == "error"]
    assert [(p.path, p.message) for p in problems] == [("$.safety_guidance.red_flags[0]", "missing required key 'patient_text'")]


def test_a_plan_gets_what_applies_to_it_and_nothing_else():
    catalog = Catalog.from_json(_doc())
    tennis = treatment_plan(catalog, None, "tennis_elbow", "right")
    assert [c.id for c in tennis.contraindications] == ["consent", "radial_nerve"]  # supinator is a target
    assert tennis.red_flags == ()
    sciatica = treatment_plan(catalog, None, "sciatica", "right")
    assert [c.id for c in sciatica.contraindications] == ["consent"]
    assert [r.id for r in sciatica.red_flags] == ["cauda_equina"]  # by its S1 segment
    heel = treatment_plan(catalog, None, "plantar_heel_pain", "right")
    assert [r.id for r in heel.red_flags] == ["cauda_equina", "heel_only"]


def test_plan_json_lists_them_with_resolved_sources():
    catalog = Catalog.from_json(_doc())
    view = plan_view(catalog, treatment_plan(catalog, None, "sciatica", "both"))
    (flag,) = view["red_flags"]
    assert flag == {"id": "cauda_equina", "title": "Cauda equina", "signs": "Saddle numbness.", "action": "Emergency.",
                    "patient_text": "Call an ambulance.",
                    "sources": [{"id": "brady2014", "citation": SOURCE["citation"]}]}
    assert [c["id"] for c in view["contraindications"]] == ["consent"]
    assert view["contraindications"][0]["kind"] == "contraindication"


def test_a_user_catalog_can_add_and_replace_items():
    base = Catalog.from_json(_doc())
    extra = copy.deepcopy(_guidance())
    extra["contraindications"] = [dict(extra["contraindications"][0], text="Our own words.")]
    extra["red_flags"] = []
    merged = base.merged_with(Catalog.from_json({"safety_guidance": extra}))
    assert [c.id for c in merged.contraindications] == ["consent", "radial_nerve"]
    assert merged.contraindications[0].text == "Our own words."


BUNDLED_NEEDS = {
    "contraindications": {"consent", "bleeding", "pregnancy", "lymphoedema", "infection_immunosuppression",
                          "diabetes_insensate_skin", "metal_allergy", "needle_phobia_fainting", "vertebral_artery",
                          "facial_nerve_parotid", "superficial_temporal_artery", "phrenic_nerve", "axillary_nerve"},
    "red_flags": {"cauda_equina", "progressive_weakness", "fracture_instability", "headache_warning_signs"},
}


def test_the_bundled_catalog_has_the_safety_items_the_issue_names():
    catalog = load_catalog(bundled_catalog_path())
    assert BUNDLED_NEEDS["contraindications"] <= {c.id for c in catalog.contraindications}
    assert BUNDLED_NEEDS["red_flags"] <= {r.id for r in catalog.red_flags}
    for item in (*catalog.contraindications, *catalog.red_flags):
        assert item.sources and all(catalog.source(s) for s in item.sources), item.id


@pytest.mark.parametrize(("condition", "flags", "hazards"), [
    ("sciatica", {"cauda_equina", "progressive_weakness"}, set()),
    ("low_back_pain", {"cauda_equina"}, set()),
    ("headache", {"headache_warning_signs"}, {"vertebral_artery", "superficial_temporal_artery", "facial_nerve_parotid"}),
    ("jaw_pain", {"headache_warning_signs"}, {"facial_nerve_parotid", "superficial_temporal_artery"}),
    ("neck_pain_whiplash", {"fracture_instability"}, {"phrenic_nerve", "vertebral_artery"}),
    ("rotator_cuff", set(), {"axillary_nerve"}),
])
def test_bundled_plans_carry_their_region_hazards_and_red_flags(condition, flags, hazards):
    catalog = load_catalog(bundled_catalog_path())
    plan = treatment_plan(catalog, None, condition, "right")
    assert flags <= {r.id for r in plan.red_flags}
    assert hazards <= {c.id for c in plan.contraindications}
    if condition != "sciatica" and condition != "low_back_pain":
        assert "cauda_equina" not in {r.id for r in plan.red_flags}
    assert "consent" in {c.id for c in plan.contraindications}


def test_the_plan_panel_shows_red_flags_precautions_and_hazards():
    from ims_atlas.qt.panels.plan_text import plan_html

    catalog = load_catalog(bundled_catalog_path())
    html = plan_html(treatment_plan(catalog, None, "jaw_pain", "right"), catalog)
    assert "Red flags: refer, do not needle" in html
    assert "Headache warning signs" in html and "Do TP et al. 2019" in html
    assert "Before needling: contraindications and precautions" in html and "Lymphoedema" in html
    safety = html[html.index("<h3>Safety</h3>"):]
    assert "Facial nerve and parotid duct over the masseter" in safety
    assert html.index("Red flags") < html.index("Local targets")
