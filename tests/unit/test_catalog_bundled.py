"""The REAL bundled ``site_catalog.json`` (the other tests use small catalogs in tests/data).

Skipped while the file does not exist yet; once it does, it must validate and cover the
conditions the app promises.
"""

from __future__ import annotations

import pytest

from ims_atlas.catalog.validate import validate_file
from ims_atlas.core.paths import bundled_catalog_path, meshes_dir

BUNDLED = bundled_catalog_path()
CONDITION_IDS = [
    "tennis_elbow", "golfers_elbow", "rotator_cuff", "frozen_shoulder", "neck_pain_whiplash", "headache", "jaw_pain",
    "thoracic_pain", "low_back_pain", "sciatica", "piriformis_syndrome", "hip_pain", "knee_pain",
    "achilles_tendinopathy", "plantar_heel_pain", "carpal_tunnel", "de_quervain", "metatarsalgia",
]

pytestmark = pytest.mark.skipif(not BUNDLED.is_file(), reason=f"{BUNDLED} not written yet")


def _errors(problems):
    return [str(p) for p in problems if p.severity == "error"]


def test_bundled_catalog_validates():
    assert _errors(validate_file(BUNDLED)) == []


def test_bundled_catalog_validates_against_the_bundled_meshes():
    manifest = meshes_dir() / "manifest.json"
    if not manifest.is_file():
        pytest.skip("no baked meshes")
    assert _errors(validate_file(BUNDLED, manifest)) == []


def test_bundled_catalog_covers_the_18_conditions():
    from ims_atlas.catalog.load import load_catalog

    catalog = load_catalog(BUNDLED)
    missing = [c for c in CONDITION_IDS if not catalog.has_condition(c)]
    assert missing == []


def test_bundled_catalog_search_finds_conditions_by_name():
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.catalog.search import CatalogSearch

    catalog = load_catalog(BUNDLED)
    search = CatalogSearch(catalog)
    for c in catalog.conditions:
        assert search.search(c.name)[0].id == c.id, c.name
    for query, cid in [("tenis elbo", "tennis_elbow"), ("sciatca", "sciatica"), ("plantar fascitis", "plantar_heel_pain")]:
        assert search.search(query, kinds=["condition"])[0].id == cid, query
