"""The facing costs stored beside the meshes: fresh, complete for the bundled pictures, and
never used when they were made for other meshes or are damaged."""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from ims_atlas.anatomy import facing
from ims_atlas.anatomy.body_meshes import BodyMeshes
from ims_atlas.anatomy.facing import (
    ARM_LEFT_OUT,
    FAR_SIDE,
    costing_parameters,
    facing_costs,
    far_sides,
    without_the_arm,
)
from ims_atlas.anatomy.facing_store import FILE_NAME, fingerprint, read_store, store_path, store_text
from ims_atlas.anatomy.manifest import load_manifest
from ims_atlas.core.state import ViewState
from ims_atlas.scene.picture import picture_for


@pytest.fixture(scope="module")
def stored(manifest):
    costs = read_store(manifest, costing_parameters())
    assert costs, f"{store_path(manifest)} is missing or stale: run python scripts/bake_facing_costs.py"
    return costs


def test_the_bundled_store_matches_the_bundled_meshes(manifest):
    doc = json.loads(store_path(manifest).read_text(encoding="utf-8"))
    assert doc["fingerprint"] == fingerprint(manifest, costing_parameters()), (
        "meshes/facing_costs.json was made for other meshes: run python scripts/bake_facing_costs.py")


def test_stored_costs_equal_costs_computed_afresh(manifest, stored):
    body = BodyMeshes(manifest)
    body.facing_store_read = True  # compute, as without a store
    keys = sorted(stored, key=lambda k: (k[1], k[2], k[0]))
    sample = keys[:: max(1, len(keys) // 12)]
    assert any(side.startswith(FAR_SIDE) for _, side, _ in sample)  # far sides are stored too
    # ... and the views from the side without the arm (hip pain's).
    sample += [k for k in keys if k[1].startswith(ARM_LEFT_OUT)][:3]
    assert any(side.startswith(ARM_LEFT_OUT) for _, side, _ in sample)
    for point, side, own in sample:
        if side.startswith(ARM_LEFT_OUT):
            cost, far = without_the_arm(body, point, side.split()[-1], own)
            assert {f"lateral-{side.split()[-1]}": cost, FAR_SIDE: float(far)} == stored[(point, side, own)]
        elif side.startswith(FAR_SIDE):
            far = {name for name, v in stored[(point, side, own)].items() if v}
            assert far_sides(body, point, side.split()[-1], own) == far, (point, side, own)
        else:
            assert facing_costs(body, point, side, own) == stored[(point, side, own)], (point, side, own)


def test_every_bundled_picture_is_costed_ahead(manifest, catalog, stored, monkeypatch):
    """Every condition and segment, on every side, chooses its views without casting a ray."""
    def no_rays(*args, **kwargs):
        raise AssertionError(f"a target was costed at run time: {args[1:3]}")

    monkeypatch.setattr(facing, "occlusion", no_rays)
    monkeypatch.setattr(facing, "tissue_in_front", no_rays)
    body = BodyMeshes(manifest)
    for condition in catalog.conditions:
        for side in ("right", "left", "both"):
            assert picture_for(ViewState(condition_id=condition.id, side=side), manifest, catalog, body=body).views
    for segment in catalog.segment_ids():
        for side in ("right", "left", "both"):
            picture_for(ViewState(segment=segment, side=side), manifest, catalog, body=body)


def _copy_manifest(manifest, tmp_path):
    shutil.copy(manifest.path, tmp_path / "manifest.json")
    return load_manifest(tmp_path / "manifest.json")


def test_a_store_round_trips(manifest, tmp_path):
    copy = _copy_manifest(manifest, tmp_path)
    costs = {((0.1, 0.2, 1.0), "right", ("deltoid_right",)): {"anterior": 1.5, "posterior": -0.25},
             ((0.0, 0.3, 1.2), "both", ()): {"posterior": 0.0}}
    store_path(copy).write_text(store_text(copy, costing_parameters(), costs), encoding="utf-8")
    assert read_store(copy, costing_parameters()) == costs


def test_a_store_made_for_other_meshes_or_settings_is_not_used(manifest, tmp_path, caplog):
    copy = _copy_manifest(manifest, tmp_path)
    costs = {((0.1, 0.2, 1.0), "right", ()): {"anterior": 1.5}}
    store_path(copy).write_text(store_text(copy, costing_parameters(), costs), encoding="utf-8")
    other = dict(costing_parameters(), spread_m=0.02)
    with caplog.at_level(logging.INFO, logger="ims_atlas"):
        assert read_store(copy, other) == {}
    assert FILE_NAME in caplog.text and "other meshes" in caplog.text
    # A changed manifest (a re-bake) makes the store stale too.
    (tmp_path / "manifest.json").write_text((tmp_path / "manifest.json").read_text() + " ", encoding="utf-8")
    assert read_store(load_manifest(tmp_path / "manifest.json"), costing_parameters()) == {}


@pytest.mark.parametrize("text", ["{not json", '{"format": 1, "fingerprint": "x"}', "[]", '{"format": 99}'])
def test_a_damaged_store_is_not_used_and_says_which_file(manifest, tmp_path, caplog, text):
    copy = _copy_manifest(manifest, tmp_path)
    if text.startswith('{"format": 1'):  # the right fingerprint, the entries missing
        text = json.dumps({"format": 1, "fingerprint": fingerprint(copy, costing_parameters())})
    store_path(copy).write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="ims_atlas"):
        assert read_store(copy, costing_parameters()) == {}
    assert str(store_path(copy)) in caplog.text and "not used" in caplog.text


def test_a_damaged_store_only_slows_the_view_choice(manifest, tmp_path):
    """With the store unusable the costs are computed: the same answer, never a wrong one."""
    body = BodyMeshes(manifest)
    body.facing_store_read = True
    point = (0.0, 0.25, 1.2)
    fresh = facing_costs(body, point, "both", ())
    copy = _copy_manifest(manifest, tmp_path)
    store_path(copy).write_text("{broken", encoding="utf-8")
    assert read_store(copy, costing_parameters()) == {}
    assert facing_costs(BodyMeshes(manifest), point, "both", ()) == fresh
