"""The issue-17 note's table of disputes is generated from the catalog and kept in step with it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def disputes():
    spec = importlib.util.spec_from_file_location("disputes_table", ROOT / "scripts" / "disputes_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_note_lists_every_dispute_in_the_catalog(disputes):
    assert disputes.main(["--check"]) == 0


def test_every_disagreement_has_its_row_and_a_new_one_would_put_the_note_out_of_step(disputes):
    catalog = json.loads(disputes.CATALOG.read_text(encoding="utf-8"))
    note = disputes.NOTE.read_text(encoding="utf-8")
    disputed = [m["id"] for m in catalog["muscles"] if m.get("disagreement")]
    assert len(disputed) >= 30
    assert all(f"| {mid} |" in note for mid in disputed)
    catalog["muscles"][0]["disagreement"] = "Source A: C5; source B: C6."
    assert disputes.with_table(note, catalog) != note


def test_a_note_without_its_markers_is_refused(disputes):
    with pytest.raises(ValueError, match="marker lines"):
        disputes.with_table("# no table here\n", {"muscles": []})
