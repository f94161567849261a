"""Pure scene rules: plans and camera presets (no VTK)."""

import pytest

from ims_atlas.scene.palette import DEFAULT_PALETTE
from ims_atlas.scene.plan import plan_for
from ims_atlas.scene.views import VIEWS, camera_for


def test_default_plan_shows_everything_opaque(manifest):
    plan = plan_for(manifest)
    assert set(plan.styles) == {s.id for s in manifest}
    kind = {s.id: s.kind for s in manifest}
    # Everything opaque but fascia (part-transparent so the muscles under it show).
    assert all(st.visible and st.opacity == 1.0 and st.role == "base"
               for sid, st in plan.styles.items() if kind[sid] != "fascia")


def test_highlight_dims_the_rest_but_keeps_it(manifest):
    target = "extensor_carpi_radialis_brevis_right"
    plan = plan_for(manifest, highlights={target: "local", "multifidus_l5_right": "paraspinal"})
    assert plan.styles[target].color == DEFAULT_PALETTE.local and plan.styles[target].opacity == 1.0
    assert plan.styles["multifidus_l5_right"].color == DEFAULT_PALETTE.paraspinal
    other = plan.styles["femur_left"]
    assert other.role == "context" and other.visible and other.opacity < 1.0


def test_layers_switch_off(manifest):
    plan = plan_for(manifest, layers={"muscles": False})
    assert not any(plan.styles[s.id].visible for s in manifest.by_kind("muscle"))
    assert all(plan.styles[s.id].visible for s in manifest.by_kind("vertebra"))


@pytest.mark.parametrize("view", list(VIEWS))
def test_camera_looks_at_the_centre_from_the_preset_side(view):
    bounds = (-0.25, 0.2, -0.04, 0.31, 0.06, 1.75)
    pos, focal, up = camera_for(view, bounds)
    d = [p - f for p, f in zip(pos, focal, strict=True)]
    direction = VIEWS[view].direction
    norm = sum(x * x for x in d) ** 0.5
    assert all(abs(a / norm - b) < 1e-9 for a, b in zip(d, direction, strict=True))
    assert 1.0 < norm < 10.0


def test_neck_targets_never_light_lumbar_multifidus(manifest):
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.scene.highlight import plan_highlights

    catalog = load_catalog(None, manifest)
    roles, markers = plan_highlights(treatment_plan(catalog, manifest, "neck_pain_whiplash", "right"), manifest)
    assert not [sid for sid in roles if sid.startswith("multifidus_l")]
    assert any(m.role == "paraspinal" for m in markers)
    roles, _ = plan_highlights(treatment_plan(catalog, manifest, "low_back_pain", "right"), manifest)
    lit = {sid for sid, role in roles.items() if sid.startswith("multifidus_l")}
    assert lit and all(sid.endswith("_right") for sid in lit)


@pytest.mark.parametrize("segment", ["T1", "T6", "T12", "L1", "L4"])
def test_a_segment_lights_its_paraspinal_muscles_at_its_level_only(segment, manifest):
    """A segment's own paraspinal muscles are lit blue beside the spine at its level, never
    orange as muscles it supplies, and a column drawn as one mesh over many levels
    (longissimus thoracis, T1-L5) is not lit whole for one root (issue 16: T6 lit the whole
    longissimus thoracis, T1 to the sacrum, as "muscle the root supplies", unlabelled).
    """
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.scene.highlight import segment_highlights

    catalog = load_catalog(None, manifest)
    roles, _ = segment_highlights(catalog, manifest, segment, ("right",))
    beside = set(catalog.paraspinal_muscles_at(segment))
    assert "longissimus_thoracis" in beside
    for muscle_id in beside:
        for s in manifest.muscle_structures(muscle_id, sides=["right"]):
            want = "paraspinal" if s.level == segment else None
            assert roles.get(s.id) == want, f"{s.id} ({s.level or 'every level'}) is lit {roles.get(s.id)!r}"
    assert roles.get(f"multifidus_{segment.lower()}_right") == "paraspinal"


def test_tennis_elbow_plan_lights_forearm_and_neck_levels(manifest):
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.scene.highlight import plan_highlights

    catalog = load_catalog(None, manifest)
    roles, markers = plan_highlights(treatment_plan(catalog, manifest, "tennis_elbow", "right"), manifest)
    assert roles["extensor_carpi_radialis_brevis_right"] == "local"
    assert "extensor_carpi_radialis_brevis_left" not in roles
    # The roots of the plan's segments light on the treated side only; the paraspinal muscles
    # at those levels too.
    assert roles["root_c6_right"] == "root" and "root_c6_left" not in roles
    assert roles["multifidus_c6_right"] == "paraspinal" and "multifidus_c6_left" not in roles
    assert {m.role for m in markers} == {"local", "paraspinal"}


def test_roots_stand_in_vertebrae_when_the_anatomy_has_no_root(manifest):
    from dataclasses import replace

    from ims_atlas.scene.highlight import _root_structures

    assert _root_structures(manifest, "C6", ("right",)) == ["root_c6_right"]
    without_roots = replace(manifest, structures=tuple(s for s in manifest if s.kind != "root"))
    assert set(_root_structures(without_roots, "C6", ("right",))) == {"vertebra_c5", "vertebra_c6"}


def test_hidden_structures_are_not_drawn_and_isolate_keeps_only_those(manifest):
    plan = plan_for(manifest, hidden=["femur_left"])
    assert not plan.styles["femur_left"].visible and plan.styles["femur_right"].visible
    target = "gluteus_maximus_right"
    plan = plan_for(manifest, highlights={target: "local"}, isolate=[target])
    assert [sid for sid, st in plan.styles.items() if st.visible] == [target]


def test_layer_opacity_scales_only_that_layer(manifest):
    plan = plan_for(manifest, opacity={"muscles": 0.25})
    assert plan.styles["gluteus_maximus_right"].opacity == pytest.approx(0.25)
    assert plan.styles["femur_left"].opacity == 1.0
    plan = plan_for(manifest, opacity={"muscles": 0.0})
    assert not plan.styles["gluteus_maximus_right"].visible  # fully transparent is not drawn at all


def test_picture_for_condition_segment_and_selection(manifest):
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    catalog = load_catalog(None, manifest)
    pic = picture_for(ViewState(condition_id="tennis_elbow", side="right"), manifest, catalog)
    assert {"local", "root"} <= set(pic.roles.values()) and pic.direction is not None
    assert {m.role for m in pic.markers} == {"local", "paraspinal"}
    assert pic.highlight.labels  # labels on by default
    pic = picture_for(ViewState(segment="C6", side="both"), manifest, catalog)
    assert pic.treatment is None and "local" in pic.roles.values()
    # The needle points at the level, both drawn, named on one label; the muscles supplied are
    # labelled at their bellies, unmarked, each once (its twin on the other side unlabelled).
    assert sorted(m.label for m in pic.markers if m.role != "anchor") == ["", "C6 both sides"]
    assert sorted(m.key for m in pic.markers if m.role == "paraspinal") == ["paraspinal:C6:left", "paraspinal:C6:right"]
    assert {m.role for m in pic.markers} == {"paraspinal", "anchor"}
    anchors = [m for m in pic.markers if m.role == "anchor"]
    named = [m.label for m in anchors if m.label]
    assert named and all(label.endswith(" (both sides)") for label in named)
    assert len(named) == len(anchors) // 2 == len(set(named))
    assert {"root_c6_left", "root_c6_right"} <= set(pic.roles)
    pic = picture_for(ViewState(selection="femur_left"), manifest, catalog)
    assert pic.roles == {"femur_left": "local"} and pic.frame_ids == ()
    pic = picture_for(ViewState(condition_id="no_such_condition"), manifest, catalog)
    assert pic.roles == {} and pic.treatment is None


def test_paraspinal_labels_grouped_per_side_local_labels_kept():
    from ims_atlas.scene.plan import Marker, label_groups

    markers = (
        Marker("local", (0.1, 0.0, 1.0), "Supinator (right)"),
        Marker("paraspinal", (-0.04, 0.2, 1.50), "C6 right"),
        Marker("paraspinal", (-0.04, 0.2, 1.52), "C5 right"),
        Marker("paraspinal", (-0.04, 0.2, 1.48), "C7 right"),
        Marker("paraspinal", (0.0, 0.2, 1.50), "C6 left"),
    )
    labels = [m.label for m in label_groups(markers)]
    assert labels == ["Supinator (right)", "C5-C7 right", "C6 left"]
    middle = next(m for m in label_groups(markers) if m.label == "C5-C7 right")
    assert middle.position[2] == 1.50  # on the middle level


def test_a_marker_without_a_label_is_drawn_but_not_named():
    """A segment on both sides: the twin whose other side carries the name has no label."""
    from ims_atlas.scene.plan import Marker, label_groups

    markers = (
        Marker("paraspinal", (-0.04, 0.2, 1.50), "C6 both sides", "paraspinal:C6:right"),
        Marker("paraspinal", (0.04, 0.2, 1.50), "", "paraspinal:C6:left"),
        Marker("anchor", (0.2, 0.0, 1.2), "Biceps brachii (both sides)", "local:biceps_brachii:right"),
        Marker("anchor", (-0.2, 0.0, 1.2), "", "local:biceps_brachii:left"),
    )
    assert sorted(m.label for m in label_groups(markers)) == ["Biceps brachii (both sides)", "C6 both sides"]


def test_paraspinal_labels_name_only_the_levels_needled():
    """Fibromyalgia needles C1, C3-C7 and L4-S1: one label "C1-S1" would name T1-L3 too."""
    from ims_atlas.scene.plan import Marker, label_groups

    levels = ["C1", "C3", "C4", "C5", "L4", "L5", "S1"]
    markers = tuple(Marker("paraspinal", (-0.04, 0.2, 1.6 - 0.05 * i), f"{lv} left") for i, lv in enumerate(levels))
    assert [m.label for m in label_groups(markers)] == ["C1 left", "C3-C5 left", "L4-S1 left"]


def test_fascia_rests_pearly_and_part_transparent_over_the_muscles(manifest):
    fasciae = manifest.by_kind("fascia")
    assert sorted(s.id for s in fasciae) == ["plantar_fascia_left", "plantar_fascia_right"]
    plan = plan_for(manifest)
    for s in fasciae:
        style = plan.styles[s.id]
        assert style.color == DEFAULT_PALETTE.fascia != DEFAULT_PALETTE.muscle
        assert 0.3 <= style.opacity < 1.0 and style.visible and style.role == "base"
    # Context like the other soft tissue once something is highlighted; the muscles layer's
    # switch hides it with them.
    lit = plan_for(manifest, highlights={"flexor_digitorum_brevis_right": "local"})
    assert lit.styles["plantar_fascia_right"].opacity == DEFAULT_PALETTE.context_opacity
    assert not plan_for(manifest, layers={"muscles": False}).styles["plantar_fascia_right"].visible


def test_a_needle_point_shared_with_an_epicentre_keeps_a_label_naming_both():
    from ims_atlas.scene.plan import Marker, label_groups

    markers = (
        Marker("paraspinal", (-0.04, 0.2, 1.60), "C3 left / Suboccipital muscles (left)",
               "paraspinal:C3:left+local:suboccipitals:left"),
        Marker("paraspinal", (-0.04, 0.2, 1.57), "C4 left", "paraspinal:C4:left"),
        Marker("paraspinal", (-0.04, 0.2, 1.54), "C5 left", "paraspinal:C5:left"),
    )
    assert sorted(m.label for m in label_groups(markers)) == ["C3 left / Suboccipital muscles (left)", "C4-C5 left"]
