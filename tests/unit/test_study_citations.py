"""The study's data cite catalog sources: validate counts those citations and reports an id the
shipped catalog lacks, in the study file, at its JSON path."""

from __future__ import annotations

import json

from ims_atlas.cli import main
from ims_atlas.core.paths import shipped_catalog_path
from ims_atlas.study import citations
from ims_atlas.study.citations import catalog_citations


def test_citations_are_found_with_their_file_and_path(tmp_path):
    (tmp_path / "referred_pain.json").write_text(json.dumps(
        {"zones": [{"muscle": "m", "sources": ["a", "b"]}, {"muscle": "n", "sources": ["b"]}]}), encoding="utf-8")
    (tmp_path / "indicator_muscles.json").write_text(json.dumps(
        {"indicators": [{"segment": "C5", "source": "c", "muscles": []}]}), encoding="utf-8")
    found = catalog_citations(tmp_path)
    assert set(found) == {"a", "b", "c"}
    assert found["b"] == [(str(tmp_path / "referred_pain.json"), "$.zones[0].sources[1]"),
                          (str(tmp_path / "referred_pain.json"), "$.zones[1].sources[0]")]
    assert found["c"] == [(str(tmp_path / "indicator_muscles.json"), "$.indicators[0].source")]


def test_an_unreadable_study_file_adds_nothing(tmp_path):
    (tmp_path / "referred_pain.json").write_text("{not json", encoding="utf-8")
    assert catalog_citations(tmp_path) == {}


def test_the_bundled_study_data_cite_only_sources_the_catalog_holds():
    catalog = json.loads(shipped_catalog_path().read_text(encoding="utf-8"))
    held = set(catalog["sources"]) | set(catalog.get("safety_guidance", {}).get("sources", {}))
    cited = catalog_citations()
    assert cited, "the study data cite catalog sources"
    assert sorted(set(cited) - held) == []


def test_validate_counts_study_citations_and_reports_a_dangling_one(capsys, monkeypatch):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    for source in catalog_citations():
        assert f"source {source!r} is never cited" not in out
    real = citations.catalog_citations
    monkeypatch.setattr(citations, "catalog_citations",
                        lambda: {**real(), "no_such_source": [("/x/referred_pain.json", "$.zones[3].sources[0]")]})
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert ("/x/referred_pain.json: $.zones[3].sources[0]: error: cites source 'no_such_source', which "
            f"{shipped_catalog_path()} does not hold") in out
