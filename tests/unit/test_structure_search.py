"""Structure search: the anatomy's bones, vertebrae, nerves, vessels, organs and cord found by name
beside the catalog's conditions, muscles and segments, the catalog's own ranking unchanged.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.structure_names import base_name, named_structures, other_names
from ims_atlas.catalog.search import CatalogSearch


@pytest.fixture(scope="module")
def structures(manifest, catalog):
    return named_structures(manifest, {m.id for m in catalog.muscles})


@pytest.fixture(scope="module")
def plain(catalog):
    return CatalogSearch(catalog)


@pytest.fixture(scope="module")
def search(catalog, structures):
    return CatalogSearch(catalog, structures)


def top(search, query, **kw):
    hits = search.search(query, **kw)
    return (hits[0].kind, hits[0].id) if hits else None


# -- the adapter -----------------------------------------------------------------------------


def test_sides_are_one_structure_named_without_its_side(structures):
    by_id = {s.id: s for s in structures}
    sciatic = by_id["nerve_sciatic"]
    assert sciatic.name == "Sciatic nerve" and sciatic.kind == "nerve"
    assert dict(sciatic.members) == {"left": "nerve_sciatic_left", "right": "nerve_sciatic_right"}
    assert sciatic.on_side("left") == ["nerve_sciatic_left"]
    assert sorted(sciatic.on_side("both")) == ["nerve_sciatic_left", "nerve_sciatic_right"]
    cord = by_id["spinal_cord"]
    assert cord.on_request and cord.on_side("left") == ["spinal_cord"]  # the midline whatever the side
    assert by_id["vertebra_c6"].level == "C6" and not by_id["vertebra_c6"].on_request


def test_catalog_muscles_are_left_to_the_catalog(structures, catalog, manifest):
    ids = {s.id for s in structures}
    members = {sid for s in structures for _, sid in s.members}
    for m in manifest.by_kind("muscle"):
        assert m.id not in members, m.id
    assert "trapezius" not in ids
    # A sheet the catalog does not know (the plantar fascia) is a structure of its own.
    assert not catalog.has_muscle("plantar_fascia")
    assert "plantar_fascia" in ids


def test_every_kind_of_structure_is_there(structures):
    assert {s.kind for s in structures} >= {"bone", "vertebra", "nerve", "root", "organ", "vessel"}
    every = {sid for s in structures for _, sid in s.members}
    assert len(every) == sum(len(s.members) for s in structures)  # no structure in two entries


@pytest.mark.parametrize(
    ("name", "others"),
    [("Common fibular (peroneal) nerve", ["Common fibular nerve", "Common peroneal nerve"]),
     ("Spinal accessory nerve (CN XI)", ["Spinal accessory nerve", "CN XI"]),
     ("Plantar fascia (aponeurosis)", ["Plantar fascia", "Plantar aponeurosis"]),
     ("Sciatic nerve", [])],
)
def test_other_names_come_from_the_name_itself(name, others):
    assert other_names(name) == others


def test_base_name():
    assert base_name("Kidney (left)") == "Kidney"
    assert base_name("Spinal accessory nerve (CN XI) (right)") == "Spinal accessory nerve (CN XI)"
    assert base_name("Spinal cord") == "Spinal cord"


def test_nerve_parts_are_other_names_without_their_parentheses(structures):
    radial = next(s for s in structures if s.id == "nerve_radial")
    assert "posterior interosseous branch" in radial.names
    assert not any("(" in n for n in radial.names)


def test_a_tiny_manifest(tmp_path):
    def s(sid, name, kind, side, muscle=None):
        return Structure(sid, name, kind, "spine" if kind == "vertebra" else "nerves", side, "leg", f"{sid}.npz", 1,
                         muscle=muscle)

    manifest = Manifest(tmp_path / "manifest.json", {}, {}, (
        s("tibia_left", "Tibia (left)", "bone", "left"), s("tibia_right", "Tibia (right)", "bone", "right"),
        s("soleus_left", "Soleus (left)", "muscle", "left", "soleus"),
        s("odd_left", "Odd (left)", "muscle", "left", "not_in_catalog")))
    found = named_structures(manifest, {"soleus"})
    assert [(n.id, n.name, len(n.members)) for n in found] == [("tibia", "Tibia", 2), ("odd", "Odd", 1)]


# -- searching ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "ident"),
    [("spinal cord", "spinal_cord"), ("Spinal Cord", "spinal_cord"), ("vertebral artery", "vertebral_artery"),
     ("sciatic nerve", "nerve_sciatic"), ("lung", "lung"), ("kidney", "kidney"), ("clavicle", "clavicle"),
     ("C6 vertebra", "vertebra_c6"), ("pleura", "pleura"), ("CN XI", "nerve_spinal_accessory"),
     ("common peroneal nerve", "nerve_common_fibular"), ("peroneal nerve", "nerve_common_fibular"),
     ("plantar aponeurosis", "plantar_fascia"), ("femur", "femur"), ("sacrum", "sacrum"),
     ("posterior interosseous branch", "nerve_radial"), ("spinal chord", "spinal_cord"),  # a typo
     ("vertebral art", "vertebral_artery"), ("kidn", "kidney")],  # while typing
)
def test_structures_are_found_by_name(search, query, ident):
    assert top(search, query) == ("structure", ident)


def test_the_catalog_alone_finds_none_of_them(plain):
    for query in ("spinal cord", "vertebral artery", "lung", "kidney", "clavicle", "pleura"):
        assert all(h.kind != "structure" for h in plain.search(query))


def test_a_structure_hit_names_the_structure(search):
    hit = search.search("sciatic nerve")[0]
    assert (hit.kind, hit.id, hit.label, hit.matched) == ("structure", "nerve_sciatic", "Sciatic nerve", "Sciatic nerve")
    assert search.structure("nerve_sciatic").kind == "nerve"
    assert search.structure("no_such") is None


def test_a_segment_still_comes_before_its_vertebra_and_root(search):
    hits = search.search("C6")
    assert (hits[0].kind, hits[0].id) == ("segment", "C6")
    ids = [h.id for h in hits]
    assert "vertebra_c6" in ids and "root_c6" in ids  # found after it
    assert top(search, "L5 root") == ("segment", "L5")


@pytest.mark.parametrize(
    "query", ["tennis elbow", "sciatica", "trapezius", "ECRB", "plantar fasciitis", "sore heel", "neck",
              "which root for tibialis anterior", "muscles of the sole", "what does C6 supply"])
def test_catalog_hits_rank_as_before(plain, search, query):
    """The catalog's own hits come in the same order with the structures as without them."""
    before = plain.search(query, limit=30)
    after = [h for h in search.search(query, limit=60) if h.kind != "structure"]
    assert after[:len(before)] == before


def test_every_catalog_name_still_finds_its_entry_first(plain, search, catalog):
    names = set()
    for c in catalog.conditions:
        names |= {c.name, c.clinical_name, c.lay_name, *c.aliases, *c.lay_terms}
    for m in catalog.muscles:
        names |= {m.name, m.latin, m.lay_name, *m.aliases}
    names |= {s.id for s in catalog.segments}
    names -= {None, ""}
    changed = []
    for name in sorted(names):
        before, after = plain.search(name, limit=1), search.search(name, limit=1)
        if before and (after[0].kind, after[0].id) != (before[0].kind, before[0].id):
            changed.append((name, before[0].id, after[0].id))
    assert len(names) > 500 and not changed


def test_a_question_about_muscles_lists_no_structures(search):
    hits = search.search("muscles of the sole")
    assert hits and all(h.kind == "muscle" for h in hits)


def test_kinds_filter(search):
    assert all(h.kind == "structure" for h in search.search("neck", kinds=["structure"]))
    assert all(h.kind != "structure" for h in search.search("spinal cord", kinds=["condition", "muscle"]))
    assert search.search("kidney", kinds=["condition"]) == []


@pytest.mark.parametrize("query", ["xqzzyv", "asdfgh jkl", "", "   ", "!!!", "x" * 500])
def test_nonsense_still_matches_nothing(search, query):
    assert search.search(query) == []
    assert search.closest(query) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_sound_hits(search, text):
    hits = search.search(text, limit=12)
    assert len(hits) <= 12 and all(0.0 <= h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.kind != "structure" or search.structure(h.id) is not None for h in hits)
    search.closest(text)


def test_suggestions_include_structures_that_share_a_word(search):
    near = search.closest("vertebral arteyr")
    assert near and (near[0].kind, near[0].id) == ("structure", "vertebral_artery")
    assert search.closest("fibromyalgiaxx") == []


# -- the picture ------------------------------------------------------------------------------


def test_an_organ_found_by_name_fades_the_rest_only_where_it_is_drawn(manifest, catalog):
    """The window draws a found organ itself: its picture fades the rest round it; an export,
    which does not draw it, leaves the selection out rather than fade a body with nothing lit.
    """
    from ims_atlas.core.state import ViewState
    from ims_atlas.scene.picture import picture_for

    state = ViewState(selection="spinal_cord")
    window = picture_for(state, manifest, catalog, draws_on_request=True)
    assert window.highlight.styles["vertebra_c6"].role == "context"
    assert "spinal_cord" not in window.roles  # not a drawn structure: no role to check or frame
    export = picture_for(state, manifest, catalog)
    assert export.highlight == picture_for(ViewState(), manifest, catalog).highlight
    drawn = picture_for(ViewState(selection="nerve_sciatic_left"), manifest, catalog)
    assert drawn.roles == {"nerve_sciatic_left": "local"}


def test_a_found_structure_is_framed_from_where_it_shows(manifest):
    from ims_atlas.scene.found_structure import structure_frame
    from ims_atlas.scene.picture import LEAST_VIEW_M, body_for

    body = body_for(manifest)
    cord = structure_frame(manifest, body, ["spinal_cord"], "right")
    assert cord.view.name == "posterior"  # the spine from behind
    spread = cord.points.max(axis=0) - cord.points.min(axis=0)
    assert spread[2] > 0.4  # the whole cord, foramen magnum to L1
    root = structure_frame(manifest, body, ["root_c6_right"], "right")
    spread = root.points.max(axis=0) - root.points.min(axis=0)
    assert spread[2] >= LEAST_VIEW_M[0] - 1e-9  # a small structure with the body round it
    fascia = structure_frame(manifest, body, ["plantar_fascia_left"], "left")
    assert fascia.view.name == "inferior" and fascia.view.up != (0.0, 0.0, 1.0)  # the sole from below
