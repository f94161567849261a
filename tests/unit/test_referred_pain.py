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
    assert by["supinator"]["referred_pain"]["description"] is None
    assert "no published referral" in by["supinator"]["referred_pain"]["left_out"]
    assert "self-help" in by["brachioradialis"]["referred_pain"]["left_out"]
    assert {"condition", "local_targets", "paraspinal_targets", "views"} <= set(doc)
    assert not {k for k in doc if "referred" in k or "danger" in k}  # plan's own keys unchanged
