"""load_catalog raises with every problem; a user catalog merges over it and never raises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ims_atlas.anatomy.manifest import load_manifest
from ims_atlas.catalog.load import load_catalog, load_catalog_with_user
from ims_atlas.core.errors import DataError

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogs"
SMALL = DATA / "small_catalog.json"
USER = DATA / "user"
ANATOMY = DATA / "anatomy" / "manifest.json"


def test_load_small_catalog():
    catalog = load_catalog(SMALL)
    assert len(catalog.conditions) == 6 and len(catalog.segments) == 27
    assert catalog.catalog_version == "test.1"
    assert catalog.warnings == ()


def test_load_keeps_warnings_with_a_manifest():
    catalog = load_catalog(SMALL, load_manifest(ANATOMY))
    assert catalog.warnings and all(w.severity == "warning" for w in catalog.warnings)


def test_load_broken_raises_with_every_problem():
    with pytest.raises(DataError) as info:
        load_catalog(DATA / "broken" / "many_problems.json")
    assert len([p for p in info.value.problems if p.severity == "error"]) == 6
    assert "$.segments[7].paraspinal_level" in str(info.value)


@pytest.mark.parametrize("name", ["truncated", "invalid_utf8", "deep_nesting", "empty"])
def test_load_unreadable_raises_data_error(name):
    with pytest.raises(DataError) as info:
        load_catalog(DATA / "broken" / f"{name}.json")
    assert len(info.value.problems) == 1


def test_load_default_path_uses_the_data_root(monkeypatch, tmp_path):
    (tmp_path / "site_catalog.json").write_bytes(SMALL.read_bytes())
    monkeypatch.setenv("IMS_ATLAS_DATA", str(tmp_path))
    assert load_catalog().catalog_version == "test.1"


def test_user_catalog_adds_conditions_muscles_and_sources():
    catalog, problems = load_catalog_with_user(SMALL, USER / "adds_condition.json")
    assert problems == []
    assert catalog.condition("wrist_pain").local_targets[1].muscle == "pronator_teres"  # a bundled muscle
    assert catalog.muscle("flexor_carpi_radialis").aliases == ("FCR",)
    assert catalog.source("clinic_notes") is not None and catalog.source("gunn1976") is not None
    assert [c.id for c in catalog.conditions][-1] == "wrist_pain"
    assert [m.id for m, _ in catalog.muscles_for_segment("C6")][-1] == "flexor_carpi_radialis"
    assert len(catalog.segments) == 27


def test_user_catalog_overrides_by_id_in_place():
    bundled = load_catalog(SMALL)
    catalog, problems = load_catalog_with_user(SMALL, USER / "overrides_condition.json")
    assert problems == []
    assert catalog.condition("tennis_elbow").name == "Tennis elbow (clinic protocol)"
    assert catalog.condition("tennis_elbow").segments == ("C6", "C7", "C8")
    assert [c.id for c in catalog.conditions] == [c.id for c in bundled.conditions]
    assert bundled.condition("tennis_elbow").name == "Tennis elbow"  # the bundled catalog is untouched


@pytest.mark.parametrize(
    ("name", "path", "words"),
    [
        ("broken_reference.json", "$.conditions[0].local_targets[0].muscle", "unknown muscle 'not_a_muscle'"),
        ("truncated.json", "", "the file ends too early"),
        ("missing.json", "", "file not found"),
    ],
)
def test_broken_user_catalog_gives_the_bundled_one_and_its_problems(name, path, words):
    catalog, problems = load_catalog_with_user(SMALL, USER / name)
    assert [c.id for c in catalog.conditions] == [c.id for c in load_catalog(SMALL).conditions]
    assert problems[0].path == path and words in problems[0].message
    assert problems[-1].message == "the user catalog was not applied; fix the errors above"


def test_missing_user_catalog_is_fine_when_allowed(tmp_path):
    catalog, problems = load_catalog_with_user(SMALL, tmp_path / "user_catalog.json", missing_ok=True)
    assert problems == [] and catalog.has_condition("tennis_elbow")


def test_user_catalog_of_the_wrong_shape_never_raises(tmp_path):
    for text in ["[]", '{"schema_version": 1, "conditions": {"a": 1}}', '"x"', "null", "\xff", '{"schema_version": 2}']:
        (tmp_path / "u.json").write_text(text, encoding="utf-8")
        catalog, problems = load_catalog_with_user(SMALL, tmp_path / "u.json")
        assert catalog.has_condition("tennis_elbow")
        assert problems and all(p.file == str(tmp_path / "u.json") for p in problems)


def test_user_segments_are_ignored_with_a_warning(tmp_path):
    doc = {"schema_version": 1, "segments": [{"id": "C6", "paraspinal_level": "C5-C6", "paraspinal_muscles": [], "sources": []}]}
    (tmp_path / "u.json").write_text(json.dumps(doc), encoding="utf-8")
    catalog, problems = load_catalog_with_user(SMALL, tmp_path / "u.json")
    assert [(p.path, p.severity) for p in problems] == [("$.segments", "warning")]
    assert catalog.segment("C6").paraspinal_muscles == ("multifidus",)


def test_broken_bundled_catalog_raises_even_with_a_user_catalog():
    with pytest.raises(DataError):
        load_catalog_with_user(DATA / "broken" / "wrong_type.json", USER / "adds_condition.json")
