"""treatment_plan (pure) and the JSON views built from it."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from ims_atlas.anatomy.manifest import load_manifest
from ims_atlas.catalog import json_views, text_views
from ims_atlas.catalog.load import load_catalog
from ims_atlas.catalog.plan import treatment_plan
from ims_atlas.core.ids import Side

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogs"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DATA / "small_catalog.json")


@pytest.fixture(scope="module")
def manifest():
    return load_manifest(DATA / "anatomy" / "manifest.json")


@pytest.fixture
def fake_spine(monkeypatch):
    """Replace anatomy.spine with a stub that records its calls (works whether or not spine.py exists)."""
    calls = []

    def paraspinal_point(manifest, segment, side):
        calls.append((segment, side))
        return None if segment == "C7" else (0.1 if side == "left" else -0.1, 0.25, float(segment[1:]))

    monkeypatch.setitem(sys.modules, "ims_atlas.anatomy.spine", types.SimpleNamespace(paraspinal_point=paraspinal_point))
    return calls


def test_right_side_plan(catalog, manifest, fake_spine):
    plan = treatment_plan(catalog, manifest, "tennis_elbow", "right")
    assert plan.side == "right"
    assert plan.segments == ("C5", "C6", "C7") and plan.core_segments == ("C6", "C7")
    assert [(t.side, t.muscle.id) for t in plan.local_targets] == [
        ("right", "extensor_carpi_radialis_brevis"), ("right", "supinator")]
    ecrb = plan.local_targets[0]
    assert ecrb.position == (-0.21, 0.0, 1.10)
    assert ecrb.nerve == "Deep branch of the radial nerve" and [r.segment for r in ecrb.roots] == ["C6", "C7"]
    assert ecrb.description.startswith("In the muscle belly")
    assert plan.local_targets[1].position is None  # not placed in the catalog
    assert [(p.segment, p.paraspinal_level, p.side) for p in plan.paraspinal_targets] == [
        ("C5", "C4-C5", "right"), ("C6", "C5-C6", "right"), ("C7", "C6-C7", "right")]
    assert [m.id for m in plan.paraspinal_targets[0].muscles] == ["multifidus"]
    assert fake_spine == [("C5", "right"), ("C6", "right"), ("C7", "right")]
    assert plan.paraspinal_targets[1].position == (-0.1, 0.25, 6.0)
    assert plan.paraspinal_targets[2].position is None  # the anatomy lacks what C7 needs
    assert plan.safety[0].text.startswith("The deep branch") and plan.references[0].source == "gunn1976"


def test_left_side_mirrors_the_epicentre(catalog, manifest, fake_spine):
    plan = treatment_plan(catalog, manifest, "tennis_elbow", Side.LEFT)
    x, y, z = plan.local_targets[0].position
    assert x == pytest.approx(2 * -0.025 - -0.21) and (y, z) == (0.0, 1.10)
    assert {p.side for p in plan.paraspinal_targets} == {"left"}


def test_both_sides_give_each_target_once_per_side(catalog, manifest, fake_spine):
    plan = treatment_plan(catalog, manifest, "tennis_elbow", "both")
    assert plan.side == "both"
    assert [(t.muscle.id, t.side) for t in plan.local_targets] == [
        ("extensor_carpi_radialis_brevis", "left"), ("extensor_carpi_radialis_brevis", "right"),
        ("supinator", "left"), ("supinator", "right")]
    assert [(p.segment, p.side) for p in plan.paraspinal_targets] == [
        (s, side) for s in ("C5", "C6", "C7") for side in ("left", "right")]


def test_without_a_manifest_there_are_no_paraspinal_positions(catalog):
    plan = treatment_plan(catalog, None, "sciatica", "right")
    assert all(p.position is None for p in plan.paraspinal_targets)
    assert [p.paraspinal_level for p in plan.paraspinal_targets] == ["L4-L5", "L5-S1", "S1 foramen"]


def test_with_the_real_spine_module(catalog, manifest):
    """The lead's anatomy.spine on the tiny anatomy: C4-C7 vertebrae present, C2 missing."""
    pytest.importorskip("ims_atlas.anatomy.spine")
    plan = treatment_plan(catalog, manifest, "tennis_elbow", "both")
    left, right = plan.paraspinal_targets[2].position, plan.paraspinal_targets[3].position  # C6
    assert left is not None and right is not None
    assert left[0] > -0.025 > right[0]  # +X is the subject's left
    neck = treatment_plan(catalog, manifest, "neck_pain_whiplash", "right")  # C3: needs C2, absent
    assert neck.paraspinal_targets[0].position is None


def test_plan_errors(catalog):
    with pytest.raises(KeyError):
        treatment_plan(catalog, None, "no_such_condition", "right")
    with pytest.raises(ValueError):
        treatment_plan(catalog, None, "tennis_elbow", "middle")


# -- JSON views: the public shapes ----------------------------------------------------------


def test_plan_view_shape(catalog, manifest, fake_spine):
    view = json_views.plan_view(catalog, treatment_plan(catalog, manifest, "tennis_elbow", "both"))
    json.dumps(view)  # serialisable
    assert {"condition", "side", "segments", "local_targets", "paraspinal_targets", "safety", "references"} <= set(view)
    assert {"id", "name", "aliases"} <= set(view["condition"])
    assert view["side"] == "both" and view["segments"] == ["C5", "C6", "C7"]
    t = view["local_targets"][0]
    assert {"muscle", "nerve", "roots", "epicentre", "sources", "side"} <= set(t)
    assert {"id", "name"} <= set(t["muscle"]) and {"description", "position"} <= set(t["epicentre"])
    assert t["side"] == "left" and t["epicentre"]["position"] == [0.16, 0.0, 1.1]
    assert t["roots"] == [{"segment": "C6", "contribution": "major"}, {"segment": "C7", "contribution": "major"}]
    assert t["sources"][0]["id"] == "gunn1976" and t["sources"][0]["citation"].startswith("Gunn CC")
    p = view["paraspinal_targets"][2]
    assert {"level", "side", "muscles", "position"} <= set(p)
    assert (p["level"], p["side"], p["muscles"]) == ("C6", "left", [{"id": "multifidus", "name": "Multifidus"}])
    assert p["position"] == [0.1, 0.25, 6.0]
    assert view["safety"][0]["sources"][0]["url"] == "https://example.org/lasts"
    assert set(view["safety"][0]) >= {"text", "sources"}
    assert view["references"][0]["source"]["id"] == "gunn1976"


def test_positions_are_rounded_to_4_decimals():
    assert json_views.position((0.123456, -1.0000049, 2.0)) == [0.1235, -1.0, 2.0]
    assert json_views.position(None) is None


def test_conditions_view(catalog):
    view = json_views.conditions_view(catalog)
    assert view[0]["id"] == "tennis_elbow" and view[0]["aliases"] == ["lateral epicondylitis", "lateral epicondylalgia"]
    assert all({"id", "name", "aliases"} <= set(v) for v in view)


def test_muscle_view(catalog):
    view = json_views.muscle_view(catalog, "soleus")
    assert {"id", "name", "aliases", "nerve", "roots", "sources", "conditions"} <= set(view)
    assert view["conditions"] == [{"id": "plantar_heel_pain", "name": "Plantar heel pain"},
                                  {"id": "achilles_tendinopathy", "name": "Achilles tendinopathy"}]
    assert view["sources"][0]["id"] == "lasts"


def test_segment_view(catalog):
    view = json_views.segment_view(catalog, "c6")
    assert {"segment", "muscles", "paraspinal_level", "conditions"} <= set(view)
    assert view["segment"] == "C6" and view["paraspinal_level"] == "C5-C6"
    assert view["muscles"][0] == {"id": "extensor_carpi_radialis_brevis", "name": "Extensor carpi radialis brevis",
                                  "contribution": "major"}
    assert [c["id"] for c in view["conditions"]] == ["tennis_elbow", "golfers_elbow"]
    assert [m["contribution"] for m in json_views.segment_view(catalog, "C5")["muscles"]] == ["minor"]


def test_text_views_mention_what_matters(catalog, manifest, fake_spine):
    plan = json_views.plan_view(catalog, treatment_plan(catalog, manifest, "tennis_elbow", "right"))
    text = text_views.plan_text(plan)
    for words in ("Tennis elbow", "right side", "Extensor carpi radialis brevis", "C5-C6", "Multifidus",
                  "deep branch of the radial nerve passes", "\nSources:\n  1. Gunn CC"):
        assert words in text
    # positions are for scripts (--json), not for a reader
    assert "-0.2100" not in text and "not placed yet" not in text
    assert "C6, C7" in text_views.muscle_text(json_views.muscle_view(catalog, "extensor_carpi_radialis_brevis"))
    assert "Supinator (minor)" in text_views.segment_text(json_views.segment_view(catalog, "C5"))
    assert text_views.conditions_text(json_views.conditions_view(catalog)).endswith("6 conditions")
