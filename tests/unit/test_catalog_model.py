"""Catalog entries and lookups; which muscles a segment supplies is derived from the roots."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ims_atlas.catalog.entries import Root
from ims_atlas.catalog.load import load_catalog

SMALL = Path(__file__).resolve().parents[1] / "data" / "catalogs" / "small_catalog.json"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(SMALL)


def test_lookups(catalog):
    assert catalog.condition("tennis_elbow").name == "Tennis elbow"
    assert catalog.muscle("supinator").roots == (Root("C5", "minor"), Root("C6", "major"))
    assert catalog.segment("C6").paraspinal_level == "C5-C6"
    assert catalog.segment("c 6") is catalog.segment("C6")
    assert catalog.source("gunn1976").citation.startswith("Gunn CC")
    assert catalog.source("nope") is None
    with pytest.raises(KeyError):
        catalog.condition("nope")
    with pytest.raises(KeyError):
        catalog.muscle("nope")


def test_catalog_and_entries_are_hashable(catalog):
    assert {catalog: 1}[catalog] == 1
    assert len({catalog.condition("tennis_elbow"), catalog.muscle("soleus"), catalog.segment("C6")}) == 3


def test_entries_are_immutable(catalog):
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.condition("tennis_elbow").name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        catalog.sources["x"] = None  # type: ignore[index]


def test_condition_fields(catalog):
    c = catalog.condition("tennis_elbow")
    assert c.segments == ("C5", "C6", "C7")
    assert c.root_segments.core == ("C6", "C7")
    assert c.root_segments.derivation == "derived"
    t = c.local_targets[0]
    assert t.muscle == "extensor_carpi_radialis_brevis"
    assert t.epicentre.along == 0.3 and t.epicentre.position == (-0.21, 0.0, 1.10)
    assert c.local_targets[1].epicentre.position is None
    assert c.references[0].source == "gunn1976"
    assert catalog.condition("golfers_elbow").root_segments.core == ()


def test_muscles_for_segment_is_derived_from_roots_major_first(catalog):
    c6 = [(m.id, contribution) for m, contribution in catalog.muscles_for_segment("C6")]
    assert c6 == [("extensor_carpi_radialis_brevis", "major"), ("supinator", "major"), ("pronator_teres", "major")]
    c5 = [(m.id, contribution) for m, contribution in catalog.muscles_for_segment("c5")]
    assert c5 == [("supinator", "minor")]
    assert [m.id for m, _ in catalog.muscles_for_segment("L5", "minor")] == ["piriformis"]
    assert [m.id for m, _ in catalog.muscles_for_segment("L5", "major")] == ["fibularis_longus"]
    assert catalog.muscles_for_segment("T6") == []


def test_conditions_for_muscle_and_segment(catalog):
    assert [c.id for c in catalog.conditions_for_muscle("soleus")] == ["plantar_heel_pain", "achilles_tendinopathy"]
    assert catalog.conditions_for_muscle("multifidus") == []  # paraspinal muscles do not count
    assert [c.id for c in catalog.conditions_for_segment("C6")] == ["tennis_elbow", "golfers_elbow"]
    assert [c.id for c in catalog.conditions_for_segment("S1")] == ["sciatica", "plantar_heel_pain", "achilles_tendinopathy"]
    assert catalog.conditions_for_segment("T7") == []


def test_segment_ids_in_order(catalog):
    ids = catalog.segment_ids()
    assert ids[0] == "C1" and ids[-1] == "S2" and ids.index("C8") < ids.index("T1")


def test_muscle_root_segments(catalog):
    m = catalog.muscle("piriformis")
    assert m.root_segments() == ("L5", "S1", "S2")
    assert m.root_segments("major") == ("S1", "S2")
    assert catalog.muscle("trapezius").cranial_nerve == "CN XI (accessory)"


def test_myotome_leaves_out_the_segments_own_paraspinal_muscles():
    from ims_atlas.core.paths import bundled_catalog_path

    full = load_catalog(bundled_catalog_path())
    for segment in ("C6", "L5", "S1"):
        beside_spine = set(full.paraspinal_muscles_at(segment))
        supplied = {m.id for m, _ in full.muscles_for_segment(segment)}
        assert beside_spine & supplied, segment  # multifidus has a root at every one of these levels
        myotome = [(m.id, c) for m, c in full.myotome(segment)]
        assert {m for m, _ in myotome} == supplied - beside_spine
        assert [c for _, c in myotome] == sorted((c for _, c in myotome), key=("major", "minor").index)
    assert full.paraspinal_muscles_at("nonsense") == ()
    assert full.myotome("nonsense") == []
