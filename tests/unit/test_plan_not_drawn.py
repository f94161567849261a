"""A local target whose muscle has no 3D model yet is said to be missing from the pictures, in
``plan`` (text and ``--json``) and in the handout's words, never silently left out."""

from __future__ import annotations

from ims_atlas.anatomy.manifest import load_manifest
from ims_atlas.catalog.load import load_catalog
from ims_atlas.catalog.plan import NOT_DRAWN_REASON, treatment_plan, undrawn_muscles
from ims_atlas.catalog.text_views import plan_text
from ims_atlas.core.paths import meshes_dir
from ims_atlas.export.handout_content import handout_content


def _bundled():
    manifest = load_manifest(meshes_dir() / "manifest.json")
    return load_catalog(None, manifest), manifest


def test_the_undrawn_targets_are_exactly_those_without_a_mesh():
    catalog, manifest = _bundled()
    drawn = manifest.muscle_ids()
    for c in catalog.conditions:
        plan = treatment_plan(catalog, manifest, c.id, "both")
        expected = []
        for t in plan.local_targets:
            if t.muscle.id not in drawn and t.muscle.id not in expected:
                expected.append(t.muscle.id)
        assert [m.id for m in undrawn_muscles(plan, manifest)] == expected, c.id


def test_without_the_anatomy_nothing_is_claimed_undrawn():
    catalog, manifest = _bundled()
    assert undrawn_muscles(treatment_plan(catalog, manifest, "jaw_pain", "right"), None) == ()


def test_plan_text_names_what_the_pictures_cannot_show():
    catalog, manifest = _bundled()
    from ims_atlas.catalog.json_views import plan_view

    plan = treatment_plan(catalog, manifest, "metatarsalgia", "right")
    view = plan_view(catalog, plan)
    view["not_drawn"] = [{"muscle": m.id, "name": m.name, "reason": NOT_DRAWN_REASON}
                         for m in undrawn_muscles(plan, manifest)]
    assert view["not_drawn"], "the bundled anatomy has no model of the small foot muscles yet"
    text = " ".join(plan_text(view).split())
    assert "Not shown in the pictures: " + ", ".join(m["name"] for m in view["not_drawn"]) in text
    view["not_drawn"] = []
    assert "Not shown in the pictures" not in plan_text(view)


def test_the_handout_says_which_muscles_are_not_in_its_pictures():
    catalog, manifest = _bundled()
    plan = treatment_plan(catalog, manifest, "jaw_pain", "right")
    content = handout_content(plan, catalog, frozenset({"medial_pterygoid"}))
    lines = {t.name: t.nerve for t in content.local}
    assert "not shown in the pictures" in lines["Medial pterygoid"]
    assert not any("not shown" in nerve for name, nerve in lines.items() if name != "Medial pterygoid")
    assert not any("not shown" in t.nerve for t in handout_content(plan, catalog).local)
    assert [t.name for t in content.local if not t.drawn] == ["Medial pterygoid"]


def test_the_patient_page_marks_a_muscle_the_pictures_cannot_show():
    from ims_atlas.export.handout_content import TargetLine
    from ims_atlas.export.handout_pdf import _plain

    assert "not in the pictures" in _plain(TargetLine("Deep jaw muscle", "Medial pterygoid", "", "n", drawn=False))
    assert "not in the pictures" not in _plain(TargetLine("Jaw muscle", "Masseter", "", "n"))
