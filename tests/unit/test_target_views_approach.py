"""A target the catalog says is needled from one side is shown from that side (issue 16): the
medial pterygoid, on the inner face of the jaw's ramus, is reached at the angle of the jaw
(Mesa-Jimenez et al. 2020), not from behind through the neck."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest

from ims_atlas.scene.target_views import PictureTarget, choose_views, turned_away
from tests.unit.test_target_views import _body


def _plan_json(capsys, *argv) -> dict:
    from ims_atlas.cli import main

    assert main(["plan", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("side", ["right", "left"])
def test_jaw_pains_medial_pterygoid_is_shown_from_the_side_with_the_other_chewing_muscles(capsys, side):
    doc = _plan_json(capsys, "jaw_pain", "--side", side)
    views = {v["name"]: v for v in doc["views"]}
    assert set(views) == {f"lateral-{side}", "posterior"}, list(views)
    key = f"local:medial_pterygoid:{side}"
    assert key in views[f"lateral-{side}"]["targets"]
    assert key not in views["posterior"]["targets"]
    # The other chewing muscles stay in the side view, the needle points beside the spine behind.
    assert {f"local:{m}:{side}" for m in ("masseter", "temporalis", "lateral_pterygoid")} <= set(
        views[f"lateral-{side}"]["targets"])
    assert {k.split(":")[0] for k in views["posterior"]["targets"]} == {"paraspinal"}
    (target,) = [t for t in doc["local_targets"] if t["muscle"]["id"] == "medial_pterygoid"]
    assert target["epicentre"]["approach"] == "lateral"
    assert any(s["id"] == "mesa_jimenez2020" for s in target["sources"])


def _toy():
    """A right "jaw": a thin bone (the ramus) beside a deep muscle and a muscle outside it, three
    thin muscles (the neck's) behind them, bones in front, inside and below: the deep muscle is
    hidden less from behind (three muscles) than from the side (the bone).
    """
    lm = {"vertebra_c2": {"centroid": (0.0, 0.1, 1.0)}}
    return _body({"vertebra_c2": ("vertebra", "midline", (-0.01, 0.09, 0.99), (0.01, 0.11, 1.01)),
                  "ramus": ("bone", "right", (-0.08, -0.02, 0.95), (-0.075, 0.02, 1.05)),
                  "deep": ("muscle", "right", (-0.07, -0.01, 0.97), (-0.05, 0.01, 1.03)),
                  "chewer": ("muscle", "right", (-0.09, -0.02, 0.97), (-0.082, 0.02, 1.03)),
                  "n1": ("muscle", "right", (-0.095, 0.03, 0.9), (-0.04, 0.04, 1.1)),
                  "n2": ("muscle", "right", (-0.095, 0.05, 0.9), (-0.04, 0.06, 1.1)),
                  "n3": ("muscle", "right", (-0.095, 0.07, 0.9), (-0.04, 0.08, 1.1)),
                  "front": ("bone", "midline", (-0.1, -0.06, 0.9), (0.1, -0.05, 1.1)),
                  "inner": ("bone", "midline", (-0.03, -0.03, 0.9), (0.03, 0.03, 1.1)),
                  "below": ("bone", "midline", (-0.1, -0.06, 0.8), (0.1, 0.12, 0.85))}, lm)


def _targets(approach):
    return [PictureTarget("local:chewer:right", "local", "right", (-0.086, 0.0, 1.0), ("chewer",)),
            PictureTarget("local:deep:right", "local", "right", (-0.06, 0.0, 1.0), ("deep",), approach),
            PictureTarget("paraspinal:C2:right", "paraspinal", "right", (-0.015, 0.12, 1.0))]


def test_a_target_reached_from_the_side_is_shown_from_the_side_not_from_behind():
    body = _toy()
    # Without an approach the deep muscle goes where it is hidden least: behind, through the neck.
    plain = {v.name: v.targets for v in choose_views(_targets(None), body, "right")}
    assert "local:deep:right" in plain["posterior"], plain
    assert "local:chewer:right" in plain["lateral-right"], plain
    reached = {v.name: v.targets for v in choose_views(_targets("lateral"), body, "right")}
    assert "local:deep:right" in reached["lateral-right"] and "local:deep:right" not in reached["posterior"], reached


def test_a_target_in_a_view_not_facing_its_approach_gets_an_inset_from_that_side():
    body = _toy()
    targets = _targets("lateral")
    (behind,) = [v for v in choose_views(_targets(None), body, "right") if v.name == "posterior"]
    insets = turned_away(behind, targets, body)
    assert [(v.name, v.targets) for v in insets] == [("lateral-right", ("local:deep:right",))]
    # A picture of both sides has no view from the side: nothing is forced there.
    assert all(v.name != "lateral-right" for v in choose_views(targets, body, "both"))


def test_the_catalog_schema_takes_only_named_approaches():
    from ims_atlas.catalog.schema import schema_problems
    from ims_atlas.core.paths import bundled_catalog_path

    doc = json.loads(bundled_catalog_path().read_text(encoding="utf-8"))
    bad = copy.deepcopy(doc)
    target = next(t for c in bad["conditions"] for t in c["local_targets"] if "approach" in t["epicentre"])
    target["epicentre"]["approach"] = "sideways"
    problems = schema_problems(bad, "site_catalog.json")
    assert problems and any("approach" in str(p) for p in problems), problems


def _both_jaws():
    """The toy's right "jaw" and its mirror image on the left (+X), and their targets."""
    right = _toy()
    parts = {}
    for s in right.manifest:
        lo, hi = right.surface(s.id).lo, right.surface(s.id).hi
        parts[s.id] = (s.kind, s.side, tuple(lo), tuple(hi))
        if s.side == "right":
            parts[f"{s.id}_l"] = (s.kind, "left", (-hi[0], lo[1], lo[2]), (-lo[0], hi[1], hi[2]))
    body = _body(parts, {"vertebra_c2": {"centroid": (0.0, 0.1, 1.0)}})
    targets = _targets("lateral")
    mirrored = [PictureTarget(t.key.replace(":right", ":left"), t.role, "left",
                              (-t.point[0], t.point[1], t.point[2]), tuple(f"{s}_l" for s in t.structures), t.approach)
                for t in targets]
    return body, targets + mirrored


def test_a_picture_of_both_sides_shows_a_target_reached_from_the_side_in_an_inset_from_its_side():
    body, targets = _both_jaws()
    views = choose_views(targets, body, "both")
    assert not any(v.name.startswith("lateral") for v in views)
    seen = {}
    for view in views:
        seen.update({k: inset.name for inset in turned_away(view, targets, body) for k in inset.targets})
    assert seen.get("local:deep:right") == "lateral-right" and seen.get("local:deep:left") == "lateral-left", seen
    # Without an approach nothing asks for a side the picture has no view of.
    plain = [replace(t, approach=None) for t in targets]
    for view in choose_views(plain, body, "both"):
        assert not any(i.name.startswith("lateral") for i in turned_away(view, plain, body))


def test_jaw_pain_on_both_sides_shows_each_medial_pterygoid_from_its_own_side(manifest, catalog):
    """Jaw pain on both sides has no view from the side: both medial pterygoids were named from
    behind, through the neck; each gets an inset from its own side, as a picture of one side shows it."""
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import body_for, picture_for

    picture = picture_for(ViewState(condition_id="jaw_pain", side="both"), manifest, catalog)
    body = body_for(manifest)
    seen = {}
    for view in picture.views:
        for inset in turned_away(view, picture.targets, body):
            seen.update({k: inset.name for k in inset.targets})
    assert seen.get("local:medial_pterygoid:right") == "lateral-right", seen
    assert seen.get("local:medial_pterygoid:left") == "lateral-left", seen


def test_metatarsalgias_flexor_digitorum_longus_is_shown_from_the_inner_side_of_the_leg(capsys, manifest, catalog):
    """Flexor digitorum longus lies behind the tibia's medial border and is reached from the inner
    side of the leg (Kim et al. 2015 locate its injection site from that border); it was named in
    an inset "from the right side", the outer side. The shin's front muscles keep theirs."""
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import body_for, picture_for

    doc = _plan_json(capsys, "metatarsalgia", "--side", "right")
    (target,) = [t for t in doc["local_targets"] if t["muscle"]["id"] == "flexor_digitorum_longus"]
    assert target["epicentre"]["approach"] == "medial"
    assert any(s["id"] == "kim2015_fdl" for s in target["sources"])
    picture = picture_for(ViewState(condition_id="metatarsalgia", side="right"), manifest, catalog)
    body = body_for(manifest)
    insets = {k: inset.name for view in picture.views for inset in turned_away(view, picture.targets, body)
              for k in inset.targets}
    assert insets.get("local:flexor_digitorum_longus:right") == "medial-right", insets
    for front in ("extensor_hallucis_longus", "extensor_digitorum_longus", "extensor_digitorum_brevis"):
        assert insets.get(f"local:{front}:right") == "lateral-right", insets
