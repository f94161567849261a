"""A local target whose muscle has no 3D model is said to be missing from the pictures, in
``plan`` (text and ``--json``) and in the handout's words, never silently left out.

Since issue 17 the bundled anatomy draws every local target of the bundled catalog (the last
eight: medial pterygoid, iliocostalis thoracis, obturator internus, quadratus femoris,
plantaris, extensor digitorum brevis and the lumbricals and plantar interossei of the foot), so
the machinery is tested on the bundled manifest with some muscles taken out
(``tests/anatomy_gaps.py``): it must still work for a muscle a future catalog adds before the
anatomy has it.
"""

from __future__ import annotations

import json

import pytest

from ims_atlas.anatomy.manifest import load_manifest
from ims_atlas.catalog.json_views import plan_view
from ims_atlas.catalog.load import load_catalog
from ims_atlas.catalog.plan import NOT_DRAWN_REASON, treatment_plan, undrawn_muscles
from ims_atlas.catalog.text_views import plan_text
from ims_atlas.cli import main
from ims_atlas.core.paths import meshes_dir
from ims_atlas.export.handout_content import handout_content
from tests.anatomy_gaps import manifest_document, manifest_without

#: The muscles issue 17 added to the anatomy, and the plans that named them as not drawn.
ADDED = ("medial_pterygoid", "iliocostalis_thoracis", "obturator_internus", "quadratus_femoris", "plantaris",
         "extensor_digitorum_brevis", "lumbricals_foot", "plantar_interossei_foot")
PLANS = {"jaw_pain": {"medial_pterygoid"}, "thoracic_pain": {"iliocostalis_thoracis"},
         "piriformis_syndrome": {"obturator_internus", "quadratus_femoris"},
         "achilles_tendinopathy": {"plantaris"},
         "metatarsalgia": {"extensor_digitorum_brevis", "lumbricals_foot", "plantar_interossei_foot"}}
#: A gap: the small foot muscles of metatarsalgia and the jaw's medial pterygoid taken out.
GAP = frozenset({"medial_pterygoid", "extensor_digitorum_brevis", "lumbricals_foot", "plantar_interossei_foot"})


def _bundled():
    manifest = load_manifest(meshes_dir() / "manifest.json")
    return load_catalog(None, manifest), manifest


def _expected(plan, manifest) -> list[str]:
    drawn = manifest.muscle_ids()
    out: list[str] = []
    for t in plan.local_targets:
        if t.muscle.id not in drawn and t.muscle.id not in out:
            out.append(t.muscle.id)
    return out


def test_every_local_target_of_the_bundled_catalog_is_drawn():
    catalog, manifest = _bundled()
    for c in catalog.conditions:
        plan = treatment_plan(catalog, manifest, c.id, "both")
        assert undrawn_muscles(plan, manifest) == (), c.id
    for condition, muscles in PLANS.items():
        plan = treatment_plan(catalog, manifest, condition, "right")
        assert muscles <= {t.muscle.id for t in plan.local_targets}, condition


@pytest.mark.parametrize("gap", [GAP, frozenset(ADDED), frozenset({"plantaris", "gastrocnemius"})])
def test_the_undrawn_targets_are_exactly_those_without_a_mesh(gap):
    catalog, _ = _bundled()
    manifest = manifest_without(gap)
    assert not gap & manifest.muscle_ids()
    seen = set()
    for c in catalog.conditions:
        plan = treatment_plan(catalog, manifest, c.id, "both")
        undrawn = [m.id for m in undrawn_muscles(plan, manifest)]
        assert undrawn == _expected(plan, manifest), c.id
        seen |= set(undrawn)
    assert seen == {m for m in gap if any(t.muscle == m for c in catalog.conditions for t in c.local_targets)}


def test_a_muscle_drawn_on_one_side_only_is_undrawn_on_the_other():
    catalog, _ = _bundled()
    doc = manifest_document(frozenset())
    doc["structures"] = [s for s in doc["structures"] if s["id"] != "plantaris_left"]
    from ims_atlas.anatomy.manifest import manifest_from_dict

    manifest = manifest_from_dict(doc, meshes_dir() / "manifest.json")
    left = treatment_plan(catalog, manifest, "achilles_tendinopathy", "left")
    right = treatment_plan(catalog, manifest, "achilles_tendinopathy", "right")
    assert [m.id for m in undrawn_muscles(left, manifest)] == ["plantaris"]
    assert undrawn_muscles(right, manifest) == ()


def test_without_the_anatomy_nothing_is_claimed_undrawn():
    catalog, manifest = _bundled()
    assert undrawn_muscles(treatment_plan(catalog, manifest_without(GAP), "jaw_pain", "right"), None) == ()


def test_plan_text_names_what_the_pictures_cannot_show():
    catalog, _ = _bundled()
    manifest = manifest_without(GAP)
    plan = treatment_plan(catalog, manifest, "metatarsalgia", "right")
    view = plan_view(catalog, plan)
    view["not_drawn"] = [{"muscle": m.id, "name": m.name, "reason": NOT_DRAWN_REASON}
                         for m in undrawn_muscles(plan, manifest)]
    assert [m["muscle"] for m in view["not_drawn"]] == ["extensor_digitorum_brevis", "lumbricals_foot",
                                                         "plantar_interossei_foot"]
    text = " ".join(plan_text(view).split())
    assert "Not shown in the pictures: " + ", ".join(m["name"] for m in view["not_drawn"]) in text
    view["not_drawn"] = []
    assert "Not shown in the pictures" not in plan_text(view)


def _plan_json(capsys, condition: str) -> dict:
    code = main(["plan", condition, "--side", "right", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("condition", sorted(PLANS))
def test_plan_json_of_the_bundled_anatomy_leaves_nothing_out(capsys, monkeypatch, condition):
    """The plans that said "not shown ... no model yet" before issue 17 show every target now."""
    monkeypatch.delenv("IMS_ATLAS_MESHES", raising=False)
    view = _plan_json(capsys, condition.replace("_", " "))
    assert view["condition"]["id"] == condition
    assert view["not_drawn"] == []
    assert PLANS[condition] <= {t["muscle"]["id"] for t in view["local_targets"]}


def test_plan_json_names_the_muscles_an_anatomy_lacks(capsys, monkeypatch, tmp_path):
    """With an anatomy that lacks some muscles (the bundled one with four taken out, its mesh
    folders linked beside it), ``plan --json`` lists them in ``not_drawn`` with the reason."""
    for sub in ("bones", "spine", "muscles", "nerves"):
        (tmp_path / sub).symlink_to(meshes_dir() / sub, target_is_directory=True)
    (tmp_path / "manifest.json").write_text(json.dumps(manifest_document(GAP)), encoding="utf-8")
    monkeypatch.setenv("IMS_ATLAS_MESHES", str(tmp_path))
    view = _plan_json(capsys, "metatarsalgia")
    assert [m["muscle"] for m in view["not_drawn"]] == ["extensor_digitorum_brevis", "lumbricals_foot",
                                                         "plantar_interossei_foot"]
    assert all(m["reason"] == NOT_DRAWN_REASON for m in view["not_drawn"])
    assert _plan_json(capsys, "jaw pain")["not_drawn"] == [
        {"muscle": "medial_pterygoid", "name": "Medial pterygoid", "reason": NOT_DRAWN_REASON}]
    assert _plan_json(capsys, "tennis elbow")["not_drawn"] == []


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
