"""The validation cache: a clean result is reused, anything else is validated again."""

import json

import pytest

from ims_atlas.catalog import validation_cache
from ims_atlas.catalog.load import load_catalog
from ims_atlas.core.errors import DataError


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_clean_result_is_cached_and_reused(home, manifest, repo, monkeypatch):
    first = load_catalog(None, manifest, use_cache=True)
    assert validation_cache.cache_path().exists()
    calls = []
    monkeypatch.setattr("ims_atlas.catalog.load.validate_document", lambda *a, **k: calls.append(1) or [])
    second = load_catalog(None, manifest, use_cache=True)
    assert calls == [] and len(second.warnings) == len(first.warnings)
    assert [c.id for c in second.conditions] == [c.id for c in first.conditions]
    load_catalog(None, manifest)  # without the cache the checks run
    assert calls == [1]


def test_changed_bytes_are_validated_again_and_errors_never_cached(home, manifest, repo, tmp_path):
    doc = json.loads((repo / "site_catalog.json").read_text(encoding="utf-8"))
    good = tmp_path / "c.json"
    good.write_text(json.dumps(doc), encoding="utf-8")
    load_catalog(good, manifest, use_cache=True)
    doc["conditions"][0]["local_targets"][0]["muscle"] = "no_such_muscle"
    good.write_text(json.dumps(doc), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError, match="no_such_muscle"):
            load_catalog(good, manifest, use_cache=True)


def test_corrupt_cache_is_ignored(home, manifest):
    path = validation_cache.cache_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    assert load_catalog(None, manifest, use_cache=True).conditions
