"""Search answers the question asked: a person's words find what they name, an exact name beats a
near-spelled one, and a query that matches nothing gets only suggestions that share a word."""

from __future__ import annotations

import dataclasses

import pytest

from ims_atlas.catalog.load import load_catalog
from ims_atlas.catalog.search import CatalogSearch
from ims_atlas.core.paths import bundled_catalog_path


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(bundled_catalog_path())


@pytest.fixture(scope="module")
def search(catalog):
    return CatalogSearch(catalog)


def _ids(hits):
    return [h.id for h in hits]


@pytest.mark.parametrize(("query", "kind", "ident", "never"), [
    ("which root for tibialis anterior", "muscle", "tibialis_anterior", "tibialis_posterior"),
    ("Which nerve root supplies tibialis posterior?", "muscle", "tibialis_posterior", "tibialis_anterior"),
    ("what does C6 supply", "segment", "C6", "C7"),
    ("which muscles does L5 supply?", "segment", "L5", "L4"),
    ("what does c 7 supply", "segment", "C7", "C6"),
    ("nerve of the supinator", "muscle", "supinator", None),
    ("what supplies the masseter", "muscle", "masseter", None),
    ("how do you treat tennis elbow", "condition", "tennis_elbow", "golfers_elbow"),
    ("where do you needle for sciatica", "condition", "sciatica", None),
])
def test_a_question_finds_what_it_names(search, query, kind, ident, never):
    hits = search.search(query, limit=10)
    assert hits and (hits[0].kind, hits[0].id) == (kind, ident), hits[:3]
    assert hits[0].score >= 0.75  # as good as typing the name
    if never is not None and kind != "segment":
        assert never not in _ids(hits)


def test_a_segment_question_ranks_the_segment_first_at_full_score(search):
    hit = search.search("what does C6 supply")[0]
    assert (hit.kind, hit.id, hit.score) == ("segment", "C6", 1.0)


def test_muscles_of_a_region_are_muscles_of_that_region(search, catalog):
    hits = search.search("muscles of the sole", limit=20)
    assert hits and all(h.kind == "muscle" for h in hits)
    assert "soleus" not in _ids(hits)  # the sole of the foot, not the calf muscle named like it
    for h in hits:
        # In the foot: fibularis brevis (a leg muscle) "turns the sole outwards" but is not in it.
        assert catalog.muscle(h.id).region == "foot", (h.id, catalog.muscle(h.id).lay_name)
    assert {"abductor_hallucis", "flexor_digitorum_brevis", "quadratus_plantae"} <= set(_ids(hits))
    assert set(_ids(search.search("muscles of the calf", limit=20))) >= {"gastrocnemius", "soleus"}
    assert all(catalog.muscle(h.id).region == "leg" for h in search.search("muscles of the calf", limit=20))
    forearm = search.search("muscles of the forearm", limit=50)
    expected = {m.id for m in catalog.muscles if m.region == "forearm"}
    assert expected <= set(_ids(forearm))


def test_calf_muscles_are_muscles(search):
    hits = search.search("calf muscles")
    assert hits and all(h.kind == "muscle" for h in hits)
    assert {"gastrocnemius", "soleus"} <= set(_ids(hits[:3]))


def test_every_exact_name_wins_and_hides_look_alikes(search, catalog):
    for m in catalog.muscles:
        hits = search.search(m.name, kinds=["muscle"])
        assert hits[0].id == m.id, m.name
        assert all(h.score >= 0.25 for h in hits), (m.name, hits)  # no fuzzy look-alike listed
    for c in catalog.conditions:
        assert search.search(c.name)[0].id == c.id, c.name


def test_a_correctly_spelled_word_is_not_read_as_another(search):
    assert "tibialis_posterior" not in _ids(search.search("tibialis anterior"))
    assert "tibialis_anterior" not in _ids(search.search("tibialis posterior"))


def test_typos_and_typing_still_work(search):
    assert search.search("tibialis anteror")[0].id == "tibialis_anterior"
    assert search.search("which root for tibialis ant")[0].id == "tibialis_anterior"
    assert search.search("tenis elbo", kinds=["condition"])[0].id == "tennis_elbow"
    assert search.search("sole")[0].id == "soleus"  # typing a name: prefixes count


def _without(catalog, word):
    """The catalog without any condition or muscle whose words contain ``word``."""
    def has(entry):
        texts = [entry.name, entry.id, *entry.aliases, entry.lay_name, *getattr(entry, "lay_terms", ())]
        return any(word in t.lower() for t in texts if t)
    return dataclasses.replace(catalog, conditions=tuple(c for c in catalog.conditions if not has(c)),
                               muscles=tuple(m for m in catalog.muscles if not has(m)))


@pytest.mark.parametrize("query", ["fibromyalgia", "scoliosis", "xyzzy plugh"])
def test_nothing_matching_says_so_and_suggests_nothing_unrelated(catalog, query):
    search = CatalogSearch(_without(catalog, query.split()[0]))
    assert search.search(query) == []
    assert search.closest(query, 3) == []
    assert search.closest(query, 3, kinds=["condition"]) == []


def test_suggestions_share_a_word_with_the_query(catalog):
    search = CatalogSearch(_without(catalog, "osteoarthritis"))
    assert search.search("knee osteoarthritis", kinds=["condition"]) == []
    near = search.closest("knee osteoarthritis", 3, kinds=["condition"])
    assert near and near[0].id == "knee_pain"
    assert all("knee" in h.matched.lower() for h in near)


def test_the_command_line_says_no_match_without_unrelated_suggestions(catalog, capsys):
    from ims_atlas.cli.catalog_commands import _resolve

    assert _resolve(_without(catalog, "fibromyalgia"), ["fibromyalgia"], "condition") is None
    err = capsys.readouterr().err
    assert "no condition matches 'fibromyalgia'" in err
    assert "did you mean" not in err
