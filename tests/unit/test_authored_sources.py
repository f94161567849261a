"""The authored anatomy data (authored_anatomy.json) obeys the catalog's source deny list (issue 17).

Its sources are shown to users in the mesh manifest's ``source`` strings, so a source on
``ims_atlas/catalog/source_denylist.json`` is refused by the bake's ``cite()`` and before the
bake writes anything.
"""

from __future__ import annotations

import copy
from urllib.parse import urlsplit

import pytest

from ims_atlas.bake.authored import build_authored, cite, denied_sources, load_data
from ims_atlas.catalog.source_rules import denied_domains

#: Sites found in the authored data's sources (issue 17) and judged unacceptable there: they
#: must stay on the deny list so that they cannot come back.
FOUND_UNACCEPTABLE = [
    "freezingblue.com", "wikisum.wiki", "enow.com", "medicaldictionary.top", "afripics.com", "bookdome.com",
    "citedrive.com", "medmule.science.blog", "deeptissue.com", "lexic.us", "reference.com", "theinfolist.com",
    "mananatomy.com", "gpnotebook.co.uk", "gpnotebook.com", "chandlerphysicaltherapy.net", "dentisty.org",
    "clinicalgate.com", "valmonty.uk", "doctorsacademy.org.uk", "eptumed.com", "lrdown.com", "primidi.com",
]


def _data_with(url: str, key: str = "flash_cards") -> dict:
    data = {"sources": {"gray1918_p452": {"title": "Gray H. Anatomy of the Human Body (1918), p. 452",
                                           "url": "http://www.bartleby.com/107/pages/page452.html"},
                        key: {"title": "Lateral pterygoid", "url": url}}}
    return data


def test_the_bundled_authored_data_cites_no_denied_site():
    assert denied_sources(load_data()) == []


def test_every_authored_source_has_a_title_and_a_web_address():
    for key, source in load_data()["sources"].items():
        assert isinstance(source.get("title"), str) and source["title"].strip(), key
        assert urlsplit(source.get("url", "")).scheme in ("http", "https"), key


def test_the_sites_found_unacceptable_are_on_the_deny_list():
    assert [d for d in FOUND_UNACCEPTABLE if d not in denied_domains()] == []


def test_a_denied_url_is_reported_with_the_file_and_the_source_key():
    problems = denied_sources(_data_with("https://www.freezingblue.com/flashcards/print_preview.cgi?cardsetID=1"))
    assert len(problems) == 1
    message = problems[0]
    assert message.startswith("authored_anatomy.json: source 'flash_cards'")
    assert "freezingblue.com is on the source deny list" in message
    assert "source_denylist.json" in message


def test_a_sub_domain_of_a_denied_site_is_denied_and_a_good_site_is_not():
    assert denied_sources(_data_with("https://de.wikisum.wiki/wiki/Trapez")) != []
    assert denied_sources(_data_with("https://www.imaios.com/en/e-Anatomy/Anatomical-Parts/Trapezius")) == []
    # a name that only ends like a denied domain is not that domain
    assert denied_sources(_data_with("https://notenow.com/page")) == []


def test_cite_refuses_a_denied_source_naming_it():
    data = _data_with("http://www.lrdown.com/down/15613", key="lrdown_scalenes")
    assert cite(data, ["gray1918_p452"]).startswith("Authored for IMS Atlas from: Gray H.")
    with pytest.raises(ValueError, match=r"authored_anatomy\.json: source 'lrdown_scalenes' .*lrdown\.com"):
        cite(data, ["gray1918_p452", "lrdown_scalenes"])


def test_the_bake_refuses_authored_data_citing_a_denied_site_before_writing(tmp_path):
    data = copy.deepcopy(load_data())
    key = data["multifidus"]["sources"][0]
    data["sources"][key]["url"] = "https://wikisum.wiki/wiki/Multifidus_muscle"
    with pytest.raises(ValueError, match=rf"source '{key}' .*wikisum\.wiki"):
        build_authored(tmp_path, [], 0.0, data)
    assert list(tmp_path.iterdir()) == []
