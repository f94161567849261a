"""Referred-pain zones: sourced, drawn on the skin on the target's side, in plan --json."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ims_atlas.catalog.load import load_catalog
from ims_atlas.core.errors import DataError
from ims_atlas.core.paths import bundled_catalog_path
from ims_atlas.study.body_landmarks import BodyFrame
from ims_atlas.study.dermatomes import SIDES, load_painted_skin
from ims_atlas.study.referred_pain import bundled_referred_pain, load_referred_pain, zone_area_cm2, zone_mask


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(bundled_catalog_path())


def test_every_zone_names_a_catalog_muscle_and_cites_catalog_sources(catalog):
    table = bundled_referred_pain()
    assert len(table.zones) >= 20
    for z in table.zones.values():
        assert catalog.has_muscle(z.muscle), z.muscle
        assert all(catalog.source(s) is not None for s in z.sources), z
    assert not set(table.zones) & set(table.not_included)


def test_every_zone_is_drawn_on_its_side(manifest):
    skin = load_painted_skin()
    body = BodyFrame(manifest)
    side = skin.side_of_vertices()
    for z in bundled_referred_pain().zones.values():
        for k, name in enumerate(SIDES):
            mask = zone_mask(skin, body, z, name)
            assert zone_area_cm2(skin, mask) > 5, (z.muscle, name)
            assert np.all(side[mask] == k)


def test_a_hand_zone_lies_on_the_hand_and_a_heel_zone_at_the_heel(manifest):
    skin = load_painted_skin()
    body = BodyFrame(manifest)
    table = bundled_referred_pain()
    hand = body.bone("hand_bones_right")
    pts = skin.points[zone_mask(skin, body, table.get("extensor_carpi_radialis_brevis"), "right")]
    assert np.linalg.norm(pts.mean(axis=0) - hand.mean(axis=0)) < 0.06
    foot = body.bone("foot_bones_left")
    heel = skin.points[zone_mask(skin, body, table.get("quadratus_plantae"), "left")]
    assert heel[:, 2].max() < foot[:, 2].max()  # below the top of the foot bones


def test_bad_zone_file_is_refused_with_its_place(tmp_path):
    bad = tmp_path / "z.json"
    bad.write_text(json.dumps({"zones": [{"muscle": "x", "description": "d", "sources": ["s"],
                                          "regions": [["back_of_hand", 99]]}]}))
    with pytest.raises(DataError, match=r"\$\.zones\[0\]\.regions"):
        load_referred_pain(bad)


def test_plan_json_local_targets_gain_referred_pain(capsys):
    from ims_atlas.cli import main

    assert main(["plan", "tennis elbow", "--side", "right", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    by = {t["muscle"]["id"]: t for t in doc["local_targets"]}
    ecrb = by["extensor_carpi_radialis_brevis"]["referred_pain"]
    assert ecrb["description"].startswith("A strong zone") and ecrb["area_cm2"] > 5
    assert ecrb["sources"][0]["id"] == "travell1983" and ecrb["sources"][0]["citation"]
    assert by["anconeus"]["referred_pain"]["description"] is None
    assert "no published referral map" in by["anconeus"]["referred_pain"]["left_out"]
    sup = by["supinator"]["referred_pain"]
    assert "lateral epicondyle" in sup["description"] and [s["id"] for s in sup["sources"]] == ["travell1983",
                                                                                              "nielasher2014"]
    assert "self-help" in by["brachioradialis"]["referred_pain"]["left_out"]
    assert {"condition", "local_targets", "paraspinal_targets", "views"} <= set(doc)
    assert not {k for k in doc if "referred" in k or "danger" in k}  # plan's own keys unchanged


def test_every_local_target_of_every_condition_has_a_zone_or_a_reason(catalog):
    table = bundled_referred_pain()
    missing = []
    for condition in catalog.conditions:
        for target in condition.local_targets:
            reason = table.not_included.get(target.muscle, "")
            if table.get(target.muscle) is None and not reason.strip():
                missing.append((condition.id, target.muscle))
    assert not missing


def test_the_saline_injection_studies_are_cited_for_the_thumb_and_wrist_muscles(catalog):
    table = bundled_referred_pain()
    assert table.get("pronator_quadratus").sources == ("hwang2005_pq",)
    assert table.get("abductor_pollicis_longus").sources == ("hwang2005_apl",)
    assert table.get("abductor_pollicis_brevis").sources == ("kim2009_apb",)
    for sid in ("hwang2005_pq", "hwang2005_apl", "kim2009_apb"):
        assert catalog.source(sid).year in (2005, 2009)


def _located(manifest):
    """The painted skin, the body's frame and the bundled zones, for the location tests."""
    return load_painted_skin(), BodyFrame(manifest), bundled_referred_pain()


def _zone_points(skin, body, table, muscle, side):
    return skin.points[zone_mask(skin, body, table.get(muscle), side)]


def test_new_zones_lie_where_the_sources_put_them(manifest):
    skin, body, table = _located(manifest)
    ant, up = body.A, body.U
    # Piriformis: the buttock and back of the hip, behind the hip bone and above the knee.
    hip = body.bone("hip_bone_right")
    piri = _zone_points(skin, body, table, "piriformis", "right")
    assert (piri @ ant).mean() < (hip @ ant).mean()
    assert (piri @ up).min() > (body.bone("femur_right") @ up).min()
    # Tibialis anterior: in front of the tibia, below the knee, down to the great toe.
    tibia = body.bone("tibia_left")
    ta = _zone_points(skin, body, table, "tibialis_anterior", "left")
    assert (ta @ ant).mean() > (tibia @ ant).mean()
    assert (ta @ up).max() < (tibia @ up).max()
    # Subscapularis: the back of the shoulder down to a band at the wrist.
    sub = _zone_points(skin, body, table, "subscapularis", "right")
    radius = body.bone("radius_right")
    wrist = radius[(radius @ up) < (radius @ up).min() + 0.03].mean(axis=0)
    assert np.linalg.norm(sub - wrist, axis=1).min() < 0.045  # the skin over the distal radius
    assert (sub @ up).max() > (body.bone("humerus_right") @ up).max() - 0.05
    # Pronator quadratus: the inner forearm and the hand, not above the elbow's epicondyles.
    pq = _zone_points(skin, body, table, "pronator_quadratus", "left")
    assert (pq @ up).max() < body.humerus_ends("left")[1] @ up + 0.04
    assert (pq @ up).min() < (radius @ up).min()
    # Iliopsoas: a band beside the lumbar spine behind, and the front of the thigh.
    ps = _zone_points(skin, body, table, "psoas_major", "left")
    spine = body.vertebra("L3", "spinous_tip")
    assert ((ps @ ant) < spine @ ant).any() and ((ps @ ant) > (body.bone("femur_left") @ ant).max()).any()
    # Flexor carpi radialis: the palm side of the wrist (the palm faces the thigh), not its back.
    fcr = _zone_points(skin, body, table, "flexor_carpi_radialis", "right")
    lat = body.lateral("right")
    assert (fcr @ lat).mean() < (radius[(radius @ up) < (radius @ up).min() + 0.03] @ lat).mean()


def test_plan_json_gives_every_local_target_a_zone_or_a_reason(capsys):
    from ims_atlas.cli import main

    assert main(["plan", "sciatica", "--side", "left", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    seen = set()
    for target in doc["local_targets"]:
        rp = target["referred_pain"]
        seen.add(target["muscle"]["id"])
        if rp["description"] is None:
            assert rp["left_out"] and rp["sources"] == [] and rp["area_cm2"] is None
        else:
            assert rp["sources"] and all(s["citation"] for s in rp["sources"]) and rp["area_cm2"] > 5
    assert {"piriformis", "gluteus_medius", "gastrocnemius", "semitendinosus"} <= seen
    by = {t["muscle"]["id"]: t["referred_pain"] for t in doc["local_targets"]}
    assert by["piriformis"]["sources"][0]["id"] == "travell1992"
    assert "entrapment" in by["piriformis"]["description"]


def test_second_pass_zones_lie_where_the_sources_put_them(manifest):
    skin, body, table = _located(manifest)
    ant, up = body.A, body.U
    # Supinator: the lateral epicondyle and the back of the thumb, nothing above the elbow's
    # epicondyles by more than the disc.
    sup = _zone_points(skin, body, table, "supinator", "right")
    lat_epi = body.humerus_ends("right")[0]
    assert np.linalg.norm(sup - lat_epi, axis=1).min() < 0.03
    thumb = body.hand_points("right")["thumb_pp"]
    assert np.linalg.norm(sup - thumb, axis=1).min() < 0.03
    assert (sup @ up).max() < lat_epi @ up + 0.05
    # Serratus anterior: on the front-outer chest wall at nipple level, and at the lower angle
    # of the shoulder blade behind.
    ser = _zone_points(skin, body, table, "serratus_anterior", "left")
    ribs = body.bone("ribcage")
    ics4 = body.sternal_heights()["ics4"]
    chest = ser[np.abs(ser @ up - ics4) < 0.03]
    assert len(chest) and (chest @ ant).max() > (ribs @ ant).mean()
    angle = body.extreme(body.bone("scapula_left"), -up)
    assert np.linalg.norm(ser - angle, axis=1).min() < 0.04
    # Fibularis longus: around the lateral malleolus, on the outer side of the ankle and foot,
    # all of it below the knee.
    fib = _zone_points(skin, body, table, "fibularis_longus", "right")
    fibula = body.bone("fibula_right")
    low = fibula[(fibula @ up) < (fibula @ up).min() + 0.02]
    lat = body.lateral("right")
    assert np.linalg.norm(fib - low.mean(axis=0), axis=1).min() < 0.03
    assert ((fib - body.midline) @ lat).mean() > ((low - body.midline) @ lat).mean() - 0.02
    assert (fib @ up).max() < (fibula @ up).max()
    # Rhomboids: behind, between the shoulder blade and the spine, above its lower angle.
    rh = _zone_points(skin, body, table, "rhomboid_major", "left")
    spine = body.vertebra("T4", "spinous_tip")
    assert (rh @ ant).mean() < spine @ ant + 0.03
    assert (rh @ up).min() > body.extreme(body.bone("scapula_left"), -up) @ up - 0.02


def test_knee_thigh_and_jaw_zones_of_the_second_pass(manifest):
    skin, body, table = _located(manifest)
    ant, up = body.A, body.U
    # Popliteus: centred behind the knee joint, behind the femur.
    pop = _zone_points(skin, body, table, "popliteus", "left")
    joint = body.knee("left")[1]
    assert abs((pop @ up).mean() - joint @ up) < 0.05
    assert (pop @ ant).mean() < (body.bone("femur_left") @ ant).mean()
    # Sartorius: the inner thigh down to the inner knee, nearer the midline than the femur.
    sar = _zone_points(skin, body, table, "sartorius", "right")
    lat = body.lateral("right")
    femur = body.bone("femur_right")
    assert ((sar - body.midline) @ lat).mean() < ((femur - body.midline) @ lat).mean()
    assert np.linalg.norm(sar - body.knee("right")[0], axis=1).min() < 0.04
    # Medial pterygoid: the skin over the back of the jaw, below the top of the skull.
    mp = _zone_points(skin, body, table, "medial_pterygoid", "left")
    mandible = body.bone("mandible")
    assert np.linalg.norm(mp.mean(axis=0) - mandible.mean(axis=0)) < 0.08
    assert (mp @ up).max() < (body.bone("skull") @ up).max() - 0.05
    # Opponens pollicis: the thumb side of the wrist and the thenar eminence, below the forearm.
    op = _zone_points(skin, body, table, "opponens_pollicis", "right")
    radius = body.bone("radius_right")
    assert (op @ up).max() < (radius @ up).min() + 0.06
    assert np.linalg.norm(op - body.hand_points("right")["thumb_pp"], axis=1).min() < 0.04


def test_suboccipital_zone_covers_the_back_and_side_of_the_head(manifest):
    # Fernandez-de-las-Penas et al. 2006: to the side of the head over the occipital and
    # temporal bones. On the skin over the skull, behind its front, reaching both the back of
    # the head and the side at the temple; on the target's side only.
    skin, body, table = _located(manifest)
    ant, up = body.A, body.U
    skull = body.bone("skull")
    for side in ("left", "right"):
        so = _zone_points(skin, body, table, "suboccipitals", side)
        lat = body.lateral(side)
        assert (so @ up).min() > (body.bone("mandible") @ up).min()  # nothing down on the neck
        assert (so @ ant).max() < (skull @ ant).max() - 0.05  # not on the face
        assert (so @ ant).min() < (skull @ ant).min() + 0.02  # the back of the head
        at_side = (so - body.midline) @ lat > ((skull - body.midline) @ lat).max() - 0.02
        assert (at_side & (so @ ant > (skull @ ant).mean() - 0.02)).any()  # the side, at the temple
        assert ((so - body.midline) @ lat).min() > -0.01  # its own side of the midline
