"""The rule: a condition's segments cover the major roots of its own local targets, or
``root_segments.left_out`` says why a root is not treated (with a source)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ims_atlas.catalog import rules
from ims_atlas.catalog.rules import rule_problems
from ims_atlas.catalog.validate import has_errors, validate_file

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogs"
SMALL = DATA / "small_catalog.json"
BROKEN = DATA / "broken"
COVERAGE = "the segments leave out major roots of the local targets"


@pytest.fixture
def strict(monkeypatch):
    """The rule as it is meant to be: an error (it may be a warning while data is re-audited)."""
    monkeypatch.setattr(rules, "ROOT_COVERAGE_SEVERITY", "error")


def _doc():
    return json.loads(SMALL.read_text(encoding="utf-8"))


def _sciatica(doc):
    i = next(i for i, c in enumerate(doc["conditions"]) if c["id"] == "sciatica")
    return i, doc["conditions"][i]


def test_the_small_catalog_gives_its_reason_and_passes(strict):
    assert validate_file(SMALL) == []


def test_a_missing_root_without_a_reason_fails(strict):
    file = BROKEN / "root_not_covered.json"
    problems = validate_file(file)
    assert has_errors(problems)
    (p,) = [p for p in problems if COVERAGE in p.message]
    i, _ = _sciatica(json.loads(file.read_text(encoding="utf-8")))
    assert p.path == f"$.conditions[{i}].root_segments.segments"
    assert "S2 (piriformis)" in p.message
    assert p.severity == "error"


def test_the_rule_reports_at_the_configured_severity():
    problems = validate_file(BROKEN / "root_not_covered.json")
    assert [p.severity for p in problems if COVERAGE in p.message] == [rules.ROOT_COVERAGE_SEVERITY]


def test_a_reason_for_other_muscles_does_not_excuse_this_one(strict):
    doc = _doc()
    _, c = _sciatica(doc)
    c["root_segments"]["left_out"][0]["muscles"] = ["fibularis_longus"]
    found = [p for p in rule_problems(doc, "f") if p.severity == "error"]
    assert any(COVERAGE in p.message and "S2 (piriformis)" in p.message for p in found)
    # fibularis longus has no major S2 root: the reason excuses nothing there
    assert any("nothing to leave out" in p.message and p.severity == "warning" for p in rule_problems(doc, "f"))


def test_a_reason_without_muscles_covers_every_target(strict):
    doc = _doc()
    _, c = _sciatica(doc)
    del c["root_segments"]["left_out"][0]["muscles"]
    assert not has_errors(rule_problems(doc, "f"))


def test_a_root_both_listed_and_left_out_is_an_error():
    problems = validate_file(BROKEN / "left_out_listed.json")
    (p,) = [p for p in problems if p.severity == "error"]
    assert p.path.endswith("root_segments.left_out[0].segments[0]")
    assert "S1 is left out here but listed in the segments" in p.message


def test_a_reason_needs_a_source():
    problems = [p for p in validate_file(BROKEN / "left_out_unsourced.json") if p.severity == "error"]
    assert [p.path.rsplit(".", 1)[-1] for p in problems] == ["sources"]
    assert "at least 1 item" in problems[0].message


def test_a_reason_naming_a_muscle_that_is_not_a_target_is_an_error():
    doc = _doc()
    _, c = _sciatica(doc)
    c["root_segments"]["left_out"][0]["muscles"] = ["piriformis", "soleus"]
    errs = [p for p in rule_problems(doc, "f") if p.severity == "error"]
    assert [p.message for p in errs] == ["'soleus' is not one of this condition's local targets"]


def test_roots_below_s2_need_no_reason(strict):
    doc = _doc()
    piriformis = next(m for m in doc["muscles"] if m["id"] == "piriformis")
    piriformis["roots"].append({"segment": "S3", "contribution": "major"})
    assert not has_errors(rule_problems(doc, "f"))


def test_a_user_condition_is_checked_against_the_bundled_muscles(strict):
    from ims_atlas.catalog.load import load_catalog

    base = load_catalog(SMALL)
    c = copy.deepcopy(_sciatica(_doc())[1])
    c["id"] = "my_sciatica"
    del c["root_segments"]["left_out"]
    found = rule_problems({"schema_version": 1, "conditions": [c]}, "user.json", user=True, base=base)
    assert any(COVERAGE in p.message and "S2 (piriformis)" in p.message for p in found)


def test_the_rule_is_an_error_and_the_bundled_catalog_meets_it():
    from ims_atlas.core.paths import bundled_catalog_path

    assert rules.ROOT_COVERAGE_SEVERITY == "error"
    assert [str(p) for p in validate_file(bundled_catalog_path()) if COVERAGE in p.message] == []


def test_a_left_out_name_that_is_no_segment_is_not_quoted_whole():
    """Found by the fuzzed loaders: a 2,000-character 'segment' in ``left_out`` came back whole
    in a warning; the schema reports it (cut), the rule says nothing more of it."""
    doc = _doc()
    _, c = _sciatica(doc)
    c["root_segments"]["left_out"][0]["segments"] = ["x" * 2000]
    problems = rule_problems(doc, "f")
    assert all(len(p.message) < 300 for p in problems), [p.message[:80] for p in problems]
    assert not [p for p in problems if "left_out" in p.path]
