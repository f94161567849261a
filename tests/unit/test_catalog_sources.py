"""Sources: none from a denied web site; each names its authors (or institution), title and year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ims_atlas.catalog.rules import rule_problems
from ims_atlas.catalog.source_rules import (
    DENYLIST_PATH,
    denied,
    denied_domains,
    missing_fields,
)
from ims_atlas.catalog.validate import has_errors, validate_document

SMALL = Path(__file__).resolve().parents[1] / "data" / "catalogs" / "small_catalog.json"




def _doc():
    return json.loads(SMALL.read_text(encoding="utf-8"))


def test_the_deny_list_gives_a_reason_for_every_domain():
    doc = json.loads(DENYLIST_PATH.read_text(encoding="utf-8"))
    assert len(doc["domains"]) >= 20
    for entry in doc["domains"]:
        assert entry["domain"] == entry["domain"].lower() and "/" not in entry["domain"], entry
        assert len(entry["reason"]) > 10, entry
    assert len({e["domain"] for e in doc["domains"]}) == len(doc["domains"])


@pytest.mark.parametrize("url", ["https://www.brainscape.com/flashcards/x", "http://quizlet.com/123",
                                 "https://de.zxc.wiki/wiki/Musculus", "https://droracle.ai/articles/1",
                                 "HTTPS://WWW.Quora.com/What", "https://medicalsciences.stackexchange.com/q/1"])
def test_denied_sites_and_their_subdomains_are_found(url):
    assert denied(url) is not None


@pytest.mark.parametrize("url", ["https://pubmed.ncbi.nlm.nih.gov/24976757/", "https://doi.org/10.1179/2042618613Y.0000000044",
                                 "https://notquizlet.com/x", "https://example.org/brainscape.com", "not a url"])
def test_other_sites_are_not_denied(url):
    assert denied(url) is None


def test_a_denied_source_fails_validation():
    doc = _doc()
    domain = next(iter(denied_domains()))
    doc["sources"]["lasts"]["url"] = f"https://www.{domain}/some/page"
    errs = [p for p in validate_document(doc, "f") if p.severity == "error"]
    assert [p.path for p in errs] == ["$.sources.lasts.url"]
    assert f"{domain} is on the source deny list" in errs[0].message
    assert denied_domains()[domain] in errs[0].message


def test_the_small_catalogs_sources_are_complete():
    assert not has_errors(rule_problems(_doc(), "f"))


@pytest.mark.parametrize(("drop", "lacks"), [(("authors",), "authors (or institution)"), (("title",), "title"),
                                             (("year",), "year (or accessed, for an undated page)"),
                                             (("authors", "title", "year"), "authors (or institution), title, year (or accessed, for an undated page)")])
def test_a_source_without_authors_title_or_year_fails(drop, lacks):
    doc = _doc()
    for key in drop:
        doc["sources"]["gunn1976"].pop(key)
    errs = [p for p in rule_problems(doc, "f") if p.severity == "error"]
    assert [p.path for p in errs] == ["$.sources.gunn1976"]
    assert f"source lacks {lacks}:" in errs[0].message


@pytest.mark.parametrize("title", ["[Cadaver study of needling at C5]", "  [Distance to the femoral nerve] (exact title not recorded)"])
def test_a_title_in_square_brackets_fails(title):
    doc = _doc()
    doc["sources"]["gunn1976"]["title"] = title
    errs = [p for p in rule_problems(doc, "f") if p.severity == "error"]
    assert [p.path for p in errs] == ["$.sources.gunn1976.title"]
    assert "square brackets" in errs[0].message and "published title" in errs[0].message


def test_brackets_inside_a_published_title_pass():
    doc = _doc()
    doc["sources"]["gunn1976"]["title"] = "Tennis elbow and the cervical spine [abstract]"
    assert not has_errors(rule_problems(doc, "f"))


def test_an_institution_stands_for_authors():
    assert missing_fields({"institution": "American Physical Therapy Association", "title": "Dry needling", "year": 2013}) == []
    assert missing_fields({"authors": [" "], "title": "T", "year": 2013}) == ["authors (or institution)"]
    assert missing_fields({"authors": ["Brady S"], "title": "T", "year": "2014"}) == ["year (or accessed, for an undated page)"]
    assert missing_fields({"institution": "SUNY Downstate", "title": "Laboratory 23", "accessed": 2026}) == []


def test_the_schema_rejects_a_year_that_is_not_a_number():
    doc = _doc()
    doc["sources"]["gunn1976"]["year"] = "1976"
    errs = [p for p in validate_document(doc, "f") if p.severity == "error"]
    assert [(p.path, p.message) for p in errs] == [("$.sources.gunn1976.year", "must be a whole number, not a string")]


def test_a_user_catalog_may_cite_its_own_notes_but_never_a_denied_site():
    from ims_atlas.catalog.load import load_catalog

    base = load_catalog(SMALL)
    user = {"schema_version": 1, "sources": {"our_notes": {"citation": "Our clinic's protocol."}}}
    found = rule_problems(user, "user.json", user=True, base=base)
    assert [(p.path, p.severity) for p in found] == [("$.sources.our_notes", "warning")]
    user["sources"]["our_notes"]["url"] = "https://www.brainscape.com/flashcards/ours"
    errs = [p for p in rule_problems(user, "user.json", user=True, base=base) if p.severity == "error"]
    assert [p.path for p in errs] == ["$.sources.our_notes.url"]


def test_incomplete_sources_are_errors_as_shipped():
    """No switch left to flip: the bundled catalog's rule is an error by default."""
    doc = _doc()
    doc["sources"]["gunn1976"].pop("authors")
    found = [(p.path, p.severity) for p in rule_problems(doc, "f") if p.path.startswith("$.sources")]
    assert found == [("$.sources.gunn1976", "error")]
    assert has_errors(validate_document(doc, "f"))


def test_an_institution_instead_of_authors_passes_validation():
    doc = _doc()
    source = doc["sources"]["gunn1976"]
    source.pop("authors")
    source["institution"] = "University of British Columbia, Department of Anesthesia"
    assert not has_errors(validate_document(doc, "f"))
    assert not [p for p in rule_problems(doc, "f") if p.path == "$.sources.gunn1976"]


def _twin(doc, **changes):
    """A second entry for the small catalog's ``gunn1976`` under another id."""
    twin = {**doc["sources"]["gunn1976"], **changes}
    doc["sources"]["gunn1976_again"] = twin
    return doc


def _duplicate_errors(doc):
    return [(p.path, p.message) for p in rule_problems(doc, "f") if p.severity == "error" and "same publication" in p.message]


def test_two_sources_with_the_same_doi_fail():
    doc = _doc()
    doc["sources"]["gunn1976"]["url"] = "https://doi.org/10.1097/00007632-198006000-00004"
    _twin(doc, url="https://pubmed.ncbi.nlm.nih.gov/6446159/", title="Another title entirely",
          citation="Gunn CC et al. Spine 1980;5(3):279-91. DOI:10.1097/00007632-198006000-00004.")
    assert _duplicate_errors(doc) == [("$.sources.gunn1976_again", "source 'gunn1976_again' is the same publication as "
                                       "'gunn1976' (same DOI 10.1097/00007632-198006000-00004): keep one id and cite it everywhere")]


def test_two_sources_with_the_same_title_and_year_fail_whatever_the_case_and_punctuation():
    doc = _doc()
    title = doc["sources"]["gunn1976"]["title"]
    _twin(doc, title=f"  {title.upper().replace(' ', '  ')}. ", citation="Written differently.")
    found = _duplicate_errors(doc)
    assert [p for p, _ in found] == ["$.sources.gunn1976_again"]
    assert "same title and year" in found[0][1]


def test_the_same_title_in_another_year_is_another_source():
    doc = _doc()
    year = doc["sources"]["gunn1976"]["year"]
    _twin(doc, year=year + 1)
    assert _duplicate_errors(doc) == []


def test_a_duplicate_across_the_two_source_tables_fails():
    doc = _doc()
    guidance = doc.setdefault("safety_guidance", {})
    guidance.setdefault("sources", {})["gunn_safety"] = dict(doc["sources"]["gunn1976"])
    found = _duplicate_errors(doc)
    assert [p for p, _ in found] == ["$.safety_guidance.sources.gunn_safety"]


def test_dois_are_read_from_the_address_and_the_citation_without_trailing_punctuation():
    from ims_atlas.catalog.source_rules import dois_of, title_key

    source = {"url": "https://doi.org/10.1179/2042618613Y.0000000044",
              "citation": "Brady S. J Man Manip Ther 2014;22(3):134-40. doi:10.1179/2042618613y.0000000044."}
    assert dois_of(source) == {"10.1179/2042618613y.0000000044"}
    assert dois_of({"citation": "(doi:10.1016/S0140-6736(20)30183-5)"}) == {"10.1016/s0140-6736(20)30183-5"}
    assert title_key({"title": "Dry needling: part two!", "year": 2016}) == ("dryneedlingparttwo", 2016)
    assert title_key({"title": "No year"}) is None


def test_the_bundled_catalog_enters_each_publication_once_and_completely():
    from ims_atlas.core.paths import bundled_catalog_path

    doc = json.loads(bundled_catalog_path().read_text(encoding="utf-8"))
    found = [str(p) for p in rule_problems(doc, "site_catalog.json")
             if "same publication" in p.message or "source lacks" in p.message or "square brackets" in p.message]
    assert found == []
