"""CatalogSearch: names, aliases, lay words, segments; accents, typos, prefixes; nonsense -> []."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ims_atlas.catalog.fuzzy import edit_distance, normalise
from ims_atlas.catalog.load import load_catalog
from ims_atlas.catalog.search import CatalogSearch, Hit

SMALL = Path(__file__).resolve().parents[1] / "data" / "catalogs" / "small_catalog.json"


@pytest.fixture(scope="module")
def search():
    return CatalogSearch(load_catalog(SMALL))


def top(search, query, **kw):
    hits = search.search(query, **kw)
    return (hits[0].kind, hits[0].id) if hits else None


@pytest.mark.parametrize(
    ("query", "kind", "ident"),
    [
        ("Tennis elbow", "condition", "tennis_elbow"),
        ("tennis_elbow", "condition", "tennis_elbow"),
        ("lateral epicondylitis", "condition", "tennis_elbow"),  # alias
        ("Lateral epicondylalgia", "condition", "tennis_elbow"),  # clinical name
        ("golfer's elbow", "condition", "golfers_elbow"),
        ("golfers elbow", "condition", "golfers_elbow"),
        ("plantar fasciitis", "condition", "plantar_heel_pain"),
        ("ECRB", "muscle", "extensor_carpi_radialis_brevis"),  # abbreviation
        ("ecrb", "muscle", "extensor_carpi_radialis_brevis"),
        ("peroneus longus", "muscle", "fibularis_longus"),  # older synonym
        ("Musculus extensor carpi radialis brevis", "muscle", "extensor_carpi_radialis_brevis"),  # Latin
        ("deep calf muscle", "muscle", "soleus"),  # lay name
    ],
)
def test_names_aliases_and_abbreviations(search, query, kind, ident):
    assert top(search, query) == (kind, ident)


@pytest.mark.parametrize(
    ("query", "ident"),
    [("sore heel", "plantar_heel_pain"), ("mouse arm", "tennis_elbow"), ("Mouse-arm!", "tennis_elbow"),
     ("heel hurts in the morning", "plantar_heel_pain"), ("trapped nerve in my back", "sciatica"),
     ("stiff neck", "neck_pain_whiplash")],
)
def test_lay_words(search, query, ident):
    assert top(search, query) == ("condition", ident)


@pytest.mark.parametrize(
    ("query", "kind", "ident"),
    [("tenis elbo", "condition", "tennis_elbow"), ("plantar fascitis", "condition", "plantar_heel_pain"),
     ("sciatca", "condition", "sciatica"), ("supinater", "muscle", "supinator"),
     ("gastrocnemus", "muscle", "gastrocnemius"), ("pirifromis", "muscle", "piriformis"),
     ("achilles tendonopathy", "condition", "achilles_tendinopathy")],
)
def test_typos(search, query, kind, ident):
    assert top(search, query) == (kind, ident)


@pytest.mark.parametrize(
    ("query", "ident"),
    [("sciática", "sciatica"), ("SCIATICA", "sciatica"), ("Achilles", "achilles_tendinopathy"),
     ("achilles", "achilles_tendinopathy"), ("ACHILLES TENDINOPATHY", "achilles_tendinopathy"),
     ("tennis \u00e9lbow", "tennis_elbow"), ("ｔｅｎｎｉｓ elbow", "tennis_elbow")],  # accents, case, full-width letters
)
def test_case_and_accents(search, query, ident):
    assert top(search, query) == ("condition", ident)


def test_accented_and_plain_queries_rank_the_same(search):
    assert search.search("Achilles") == search.search("achilles")
    assert search.search("sciática") == search.search("sciatica")


@pytest.mark.parametrize("query", ["C6", "c6", "c 6", "C-6", " c6 ", "C6 root", "L5 root", "root S1", "C5-C6"])
def test_segments(search, query):
    kind, ident = top(search, query)
    assert kind == "segment"
    assert ident == {"L5 root": "L5", "root S1": "S1"}.get(query, "C6")


def test_prefix_while_typing(search):
    assert top(search, "tenn") == ("condition", "tennis_elbow")
    assert top(search, "supin") == ("muscle", "supinator")
    assert top(search, "plantar") == ("condition", "plantar_heel_pain")
    hits = search.search("golf")
    assert hits[0].id == "golfers_elbow" and hits[0].matched == "Golfer's elbow"


def test_ranking_exact_before_prefix_before_words_before_fuzzy(search):
    exact = search.search("tennis elbow")[0].score
    prefix = search.search("tennis elb")[0].score
    words = search.search("elbow tennis")[0].score
    fuzzy = search.search("tenis elbo")[0].score
    assert exact > prefix > words > fuzzy > 0


def test_conditions_come_first_on_ties(tmp_path):
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    doc["conditions"][1]["aliases"].append("forearm ache")  # golfers_elbow
    doc["muscles"][2]["aliases"].append("forearm ache")  # pronator_teres
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    hits = CatalogSearch(load_catalog(tmp_path / "c.json")).search("forearm ache")
    assert [(h.kind, h.id) for h in hits[:2]] == [("condition", "golfers_elbow"), ("muscle", "pronator_teres")]
    assert hits[0].score == hits[1].score


def test_hit_fields(search):
    hit = search.search("mouse arm")[0]
    assert isinstance(hit, Hit)
    assert (hit.kind, hit.id, hit.label, hit.matched) == ("condition", "tennis_elbow", "Tennis elbow", "mouse arm")
    assert 0 < hit.score <= 1


def test_limit_and_kinds(search):
    assert len(search.search("s", limit=3)) == 3
    assert search.search("tennis", limit=0) == []
    assert {h.kind for h in search.search("s", limit=50, kinds=["muscle"])} == {"muscle"}
    assert top(search, "supinator", kinds=["condition"]) is None


@pytest.mark.parametrize(
    "query",
    ["xqzzv", "", "   ", "\x00\x01\x02", "\u200b\u200b", "!!!???", "a" * 10_000,
     "".join(chr(i) for i in range(0x20)) * 300, "qwpoeiruty zmxncbv", None, 42],
)
def test_nonsense_gives_nothing(search, query):
    assert search.search(query) == []  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_never_raises(query):
    hits = _SEARCH.search(query)
    assert all(0 < h.score <= 1 for h in hits) and len(hits) <= 10


_SEARCH = CatalogSearch(load_catalog(SMALL))


def test_closest_suggestions(search):
    assert search.closest("tenis", kinds=["condition"])[0].id == "tennis_elbow"
    assert search.closest("xq") == []


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [("tennis", "tenis", 1), ("sciatca", "sciatica", 1), ("fasciitis", "fascitis", 1), ("ab", "ba", 1),
     ("kitten", "sitting", 3), ("", "abc", 3), ("same", "same", 0)],
)
def test_edit_distance(a, b, d):
    assert edit_distance(a, b, 5) == d
    if d:
        assert edit_distance(a, b, d - 1) == d  # over the limit: limit + 1


def test_normalise():
    assert normalise("  Golfer’s  ELBOW! ") == "golfers elbow"
    assert normalise("Sciática\tL5/S1") == "sciatica l5 s1"
    assert normalise("tennis_elbow") == "tennis elbow"
