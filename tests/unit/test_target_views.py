"""Views chosen from the targets, bellies, levels and named nerves: pure geometry (issue 16)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from ims_atlas.anatomy.belly import belly_point, belly_stations, within_levels
from ims_atlas.anatomy.body_meshes import BodyMeshes, surface_of
from ims_atlas.anatomy.facing import (
    facing_costs,
    hidden_for,
    outward_view,
    view_directions,
    view_up,
)
from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.spine import paraspinal_point
from ims_atlas.core.state import ViewState
from ims_atlas.scene.picture import body_for, named_nerves, picture_for
from ims_atlas.scene.plan import MARKER_CUBE
from ims_atlas.scene.target_views import PictureTarget, choose_views
from tests.toy_meshes import box_mesh

FRAME = {"up": "+Z", "anterior": "-Y", "left": "+X", "midline_x": 0.0}




def _body(parts: dict[str, tuple[str, str, tuple, tuple]], landmarks=None) -> BodyMeshes:
    """A toy body: id -> (kind, side, lo, hi)."""
    structures = tuple(
        Structure(sid, sid, kind, "bones" if kind in ("bone", "vertebra") else "muscles", side, "toy", f"{sid}.npz", 12,
                  landmarks=(landmarks or {}).get(sid, {}))
        for sid, (kind, side, _, _) in parts.items())
    manifest = Manifest(Path("/nowhere/manifest.json"), FRAME, {}, structures)
    return BodyMeshes(manifest, {sid: surface_of(*box_mesh(lo, hi)) for sid, (_, _, lo, hi) in parts.items()})


def test_a_target_in_front_of_its_bone_is_seen_from_the_front():
    # A right "thigh": a bone, with a muscle in front of it and one behind it.
    body = _body({"femur": ("bone", "right", (-0.12, -0.02, 0.4), (-0.08, 0.02, 0.8)),
                  "front": ("muscle", "right", (-0.13, -0.06, 0.5), (-0.07, -0.03, 0.7)),
                  "back": ("muscle", "right", (-0.13, 0.03, 0.5), (-0.07, 0.06, 0.7))})
    front = facing_costs(body, (-0.1, -0.045, 0.6), "right", ("front",))
    back = facing_costs(body, (-0.1, 0.045, 0.6), "right", ("back",))
    assert min(front, key=front.get) == "anterior"
    assert min(back, key=back.get) == "posterior"
    views = choose_views([PictureTarget("local:front:right", "local", "right", (-0.1, -0.045, 0.6), ("front",))],
                         body, "right")
    assert [(v.name, v.targets, v.group) for v in views] == [("anterior", ("local:front:right",), "all")]
    assert views[0].direction == (0.0, -1.0, 0.0)


def test_local_and_spine_targets_facing_apart_get_two_views():
    lm = {"vertebra_l4": {"centroid": (0.0, 0.0, 1.0)}}
    body = _body({"vertebra_l4": ("vertebra", "midline", (-0.02, -0.02, 0.98), (0.02, 0.02, 1.02)),
                  "femur": ("bone", "right", (-0.12, -0.02, 0.4), (-0.08, 0.02, 0.8)),
                  "quad": ("muscle", "right", (-0.13, -0.06, 0.5), (-0.07, -0.03, 0.7))}, lm)
    targets = [PictureTarget("local:quad:right", "local", "right", (-0.1, -0.045, 0.6), ("quad",)),
               PictureTarget("paraspinal:L4:right", "paraspinal", "right", (-0.015, 0.03, 1.0))]
    assert outward_view(body.manifest, (-0.015, 0.03, 1.0), "right") == "posterior"
    views = choose_views(targets, body, "right")
    assert [(v.name, v.group, v.targets) for v in views] == [
        ("anterior", "local", ("local:quad:right",)), ("posterior", "spine", ("paraspinal:L4:right",))]


def test_views_from_below_keep_the_front_up_and_medial_views_hide_the_other_side():
    body = _body({"a": ("muscle", "left", (0.1, 0, 0), (0.2, 0.1, 0.1)), "b": ("muscle", "right", (-0.2, 0, 0), (-0.1, 0.1, 0.1))})
    assert view_up(body.manifest, (0.0, 0.0, -1.0)) == (0.0, -1.0, 0.0)
    assert view_up(body.manifest, (0.0, 1.0, 0.0)) == (0.0, 0.0, 1.0)
    assert hidden_for("medial-right", body.manifest) == {"a"}
    assert hidden_for("posterior", body.manifest) == set()
    assert set(view_directions(body.manifest, "right")) == {"anterior", "posterior", "inferior", "lateral-right",
                                                            "medial-right"}
    assert view_directions(body.manifest, "right")["lateral-right"] == (-1.0, 0.0, 0.0)  # +X is the left
    assert "lateral-right" not in view_directions(body.manifest, "both")


def test_the_belly_is_the_thick_part_not_the_tendon():
    rng = np.random.default_rng(1)
    # A long thin tendon (z 0-0.2) and a fat belly (z 0.2-0.3), sampled evenly along the length.
    tendon = np.column_stack([rng.normal(0, 0.002, 400), rng.normal(0, 0.002, 400), rng.uniform(0.0, 0.2, 400)])
    belly = np.column_stack([rng.normal(0, 0.02, 400), rng.normal(0, 0.02, 400), rng.uniform(0.2, 0.3, 400)])
    point = belly_point(np.vstack([tendon, belly]))
    assert 0.2 <= point[2] <= 0.3
    centre = np.vstack([tendon, belly]).mean(axis=0)
    assert centre[2] < 0.2  # the centre of the vertices would have been on the tendon


def test_a_label_may_end_anywhere_along_the_belly_never_on_the_tendon():
    """Belly stations: the centres of the slices at least BELLY_SHARE as wide as the widest,
    in order along the muscle; the widest (belly_point) among them; none on the tendon."""
    rng = np.random.default_rng(2)
    tendon = np.column_stack([rng.normal(0, 0.002, 600), rng.normal(0, 0.002, 600), rng.uniform(0.0, 0.2, 600)])
    belly = np.column_stack([rng.normal(0, 0.02, 600), rng.normal(0, 0.02, 600), rng.uniform(0.2, 0.4, 600)])
    points = np.vstack([tendon, belly])
    stations = belly_stations(points)
    assert len(stations) >= 3
    zs = [p[2] for p in stations]
    assert all(z > 0.19 for z in zs), zs  # none on the tendon
    assert zs == sorted(zs) or zs == sorted(zs, reverse=True)  # in order along the muscle
    assert min(np.linalg.norm(np.subtract(p, belly_point(points))) for p in stations) < 1e-9
    assert belly_stations(points[:10]) == []  # too few vertices to tell


def test_a_long_muscle_is_cut_down_to_the_levels():
    column = np.column_stack([np.zeros(100), np.zeros(100), np.linspace(0.9, 1.5, 100)])
    cut = within_levels(column, (1.0, 1.1), np.array([0.0, 0.0, 1.0]), margin=0.0)
    assert cut[:, 2].min() >= 1.0 and cut[:, 2].max() <= 1.1
    short = column[(column[:, 2] > 1.02) & (column[:, 2] < 1.08)]
    assert len(within_levels(short, (1.0, 1.1), np.array([0.0, 0.0, 1.0]))) == len(short)


def test_neighbouring_paraspinal_points_stay_apart(manifest):
    """The L5 point at the L5-S1 disc, clear of the S1 point (they sat 6-7 mm apart)."""
    l5 = np.array(paraspinal_point(manifest, "L5", "right"))
    s1 = np.array(paraspinal_point(manifest, "S1", "right"))
    assert np.linalg.norm(l5 - s1) >= 2 * MARKER_CUBE
    disc = 0.5 * (manifest.vertebra("L5").landmarks["inferior"][2] + manifest.vertebra("S").landmarks["superior"][2])
    assert abs(l5[2] - disc) < 0.005
    levels = ["L1", "L2", "L3", "L4", "L5", "S1", "S2"]
    points = [np.array(paraspinal_point(manifest, s, "right")) for s in levels]
    for a, b in itertools.pairwise(points):
        assert np.linalg.norm(a - b) >= 2 * MARKER_CUBE
        assert a[2] > b[2]  # in order down the spine


@pytest.fixture(scope="module")
def catalog(manifest):
    from ims_atlas.catalog.load import load_catalog

    return load_catalog(None, manifest)


@pytest.mark.parametrize(("condition", "nerve"), [("piriformis_syndrome", "nerve_sciatic_right"),
                                                  ("carpal_tunnel", "nerve_median_right")])
def test_the_nerves_a_plan_names_are_lit(manifest, catalog, condition, nerve):
    from ims_atlas.catalog.plan import treatment_plan

    assert nerve in named_nerves(treatment_plan(catalog, manifest, condition, "right"), manifest, ("right",))
    picture = picture_for(ViewState(condition_id=condition, side="right"), manifest, catalog)
    assert picture.roles[nerve] == "nerve" and picture.highlight.styles[nerve].visible


@pytest.mark.parametrize("condition", ["neck_pain_whiplash", "thoracic_pain", "low_back_pain"])
def test_multifidus_is_shown_at_the_plans_levels(manifest, catalog, condition):
    """Its lit structures (and so its label) are at the plan's levels, not mid-column."""
    picture = picture_for(ViewState(condition_id=condition, side="right"), manifest, catalog)
    target = picture.target("local:multifidus:right")
    assert target is not None and target.structures
    levels = {manifest[sid].level for sid in target.structures}
    assert levels <= set(picture.treatment.segments)
    heights = body_for(manifest).points(target.structures)[:, 2]
    zs = [manifest.vertebra(s).landmarks["centroid"][2] for s in picture.treatment.segments if manifest.vertebra(s)]
    assert min(zs) - 0.04 <= heights.mean() <= max(zs) + 0.04


def test_every_picture_has_views_with_unit_directions(manifest, catalog):
    for c in catalog.conditions:
        picture = picture_for(ViewState(condition_id=c.id, side="right"), manifest, catalog)
        assert 1 <= len(picture.views) <= 2, c.id
        keys = {t.key for t in picture.targets}
        shown = [k for v in picture.views for k in v.targets]
        assert sorted(shown) == sorted(keys), c.id  # every target in exactly one view
        for v in picture.views:
            assert np.linalg.norm(v.direction) == pytest.approx(1.0)


def test_framing_straight_along_the_up_vector_gives_a_finite_camera():
    """A view from below framed with the default up (+Z) used to divide by zero (NaN camera)."""
    import math

    from ims_atlas.scene.views import frame_points

    pos, focal, up = frame_points([(0, 0, 0), (0.1, 0.1, 0.1)], (0.0, 0.0, -1.0))
    assert all(math.isfinite(c) for c in (*pos, *focal, *up))
    assert abs(sum(a * b for a, b in zip(up, (0.0, 0.0, -1.0), strict=True))) < 1e-9


def test_the_ray_test_by_runs_gives_the_same_crossings_as_each_structure_tested_whole(manifest):
    from ims_atlas.anatomy.body_meshes import crossings

    body = BodyMeshes(manifest)
    ids, lo, hi = body.boxes()
    centre, span = (lo.min(axis=0) + hi.max(axis=0)) / 2, hi.max(axis=0) - lo.min(axis=0)
    rng = np.random.default_rng(7)
    crossed = 0
    axes = [np.array(v, dtype=float) for v in ((0, -1, 0), (0, 1, 0), (1, 0, 0), (0, 0, -1))]
    for k in range(120):
        origin = centre + (rng.random(3) - 0.5) * span * 0.8
        # Rays along the axes too: a zero direction component is where a slab test can go wrong.
        direction = axes[k % 4] if k % 3 == 0 else rng.normal(size=3)
        direction = direction / np.linalg.norm(direction)
        ignore = set(rng.choice(ids, size=5, replace=False))
        whole = {sid: n for sid in body.along_ray(origin, direction) if sid not in ignore
                 and (n := crossings(body.surface(sid), origin, direction))}
        assert body.crossings_along(origin, direction, ignore) == whole
        crossed += bool(whole)
    assert crossed > 40  # many rays cross something: the comparison is not between empty answers


@pytest.mark.parametrize("condition", ["metatarsalgia", "plantar heel pain"])
def test_the_soles_muscles_are_seen_from_below(capsys, catalog, condition):
    """Sole targets are shown from below even when the plan also treats long toe muscles in
    the leg (which, seen from below, look through the whole foot): checked on the command
    line's ``plan --json`` ``views``.
    """
    import json

    from ims_atlas.cli import main

    assert main(["plan", *condition.split(), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    views = {v["name"]: v for v in doc["views"]}
    assert "inferior" in views, f"{condition}: views {list(views)}"
    below = views["inferior"]
    assert below["direction"] == [0.0, 0.0, -1.0]
    sole = {"flexor_digitorum_brevis", "abductor_hallucis", "flexor_hallucis_brevis", "quadratus_plantae"}
    shown = {k.split(":")[1] for k in below["targets"]}
    assert sole <= shown, f"{condition}: from below {sorted(shown)}"
    # Muscles of the leg are not put in the view from below.
    assert not shown & {"extensor_hallucis_longus", "extensor_digitorum_longus", "soleus"}


def _plan_json(capsys, *argv) -> dict:
    import json

    from ims_atlas.cli import main

    assert main(["plan", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_widespread_pain_is_planned_on_both_sides_and_seen_whole_from_behind(capsys, catalog):
    assert catalog.condition("fibromyalgia").widespread
    doc = _plan_json(capsys, "fibromyalgia")
    assert doc["side"] == "both" and doc["condition"]["widespread"] is True
    (view,) = doc["views"]
    assert view["name"] == "posterior" and view["group"] == "all"
    sides = {k.rsplit(":", 1)[1] for k in view["targets"]}
    assert sides == {"left", "right"}
    targets = {k for t in doc["local_targets"] for k in [f"local:{t['muscle']}:{t['side']}"]}
    # Every target of the plan is in the one view, the forearm's with the neck's and the hip's.
    assert {k for k in targets if k.split(":")[1] in {"extensor_carpi_radialis_longus", "gluteus_medius"}} <= set(
        view["targets"])
    # A side asked for is kept; the view stays the whole back.
    one = _plan_json(capsys, "fibromyalgia", "--side", "right")
    assert one["side"] == "right" and [v["name"] for v in one["views"]] == ["posterior"]
    # Other plans keep the right side by default and their own views.
    other = _plan_json(capsys, "tennis", "elbow")
    assert other["side"] == "right" and other["condition"]["widespread"] is False and len(other["views"]) == 2


def test_the_catalog_schema_takes_widespread_as_a_flag_only():
    import copy
    import json

    from ims_atlas.catalog.schema import schema_problems
    from ims_atlas.core.paths import bundled_catalog_path

    doc = json.loads(bundled_catalog_path().read_text(encoding="utf-8"))
    assert not schema_problems(doc, "site_catalog.json")
    bad = copy.deepcopy(doc)
    condition = next(c for c in bad["conditions"] if c["id"] == "fibromyalgia")
    condition["widespread"] = "yes"
    problems = schema_problems(bad, "site_catalog.json")
    assert problems and any("widespread" in str(p) for p in problems), problems


@pytest.mark.parametrize(("argv", "side"), [(["C6"], "both"), (["S1", "--side", "right"], "right"),
                                            (["L5", "root", "--side", "left"], "left")])
def test_segment_json_gains_views_like_plan_json(capsys, manifest, catalog, argv, side):
    """``segment --json`` gives the views its picture is drawn from, as ``plan --json`` does a
    plan's (name, unit camera direction, target ids), for ``--side`` (default both, as export
    pictures a segment); the keys it had are kept.
    """
    import json

    from ims_atlas.cli import main
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    assert main(["segment", *argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"segment", "muscles", "paraspinal_level", "conditions", "dermatome", "side", "views"} <= set(doc)
    assert doc["side"] == side
    picture = picture_for(ViewState(segment=doc["segment"], side=side), manifest, catalog)
    assert doc["views"] and len(doc["views"]) == len(picture.views)
    keys = {t.key for t in picture.targets}
    for v, want in zip(doc["views"], picture.views, strict=True):
        assert set(v) == {"name", "direction", "targets", "group"}
        assert v["name"] == want.name and abs(sum(c * c for c in v["direction"]) - 1.0) < 1e-6
        assert v["targets"] and set(v["targets"]) <= keys
    paraspinal = {f"paraspinal:{doc['segment']}:{s}" for s in (("left", "right") if side == "both" else (side,))}
    assert paraspinal <= {k for v in doc["views"] for k in v["targets"]}
