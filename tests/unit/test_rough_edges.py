"""Rough edges a new user met (command line, pictures, the window's texts), each pinned by a test."""

from __future__ import annotations

import re

import pytest

from ims_atlas.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_of_a_segment_shows_the_segment_as_export_does(capsys):
    """``export C6`` pictures the segment; ``plan C6`` used to say no condition matches."""
    code, out, err = run(capsys, "plan", "C6")
    assert code == 0, err
    assert "no condition matches" not in err
    assert "C6 is a spinal segment" in err
    assert out.startswith("Segment C6: the root leaves at C5-C6")
    code, out, _ = run(capsys, "plan", "c", "6", "root")
    assert code == 0 and out.startswith("Segment C6")


@pytest.mark.parametrize("query", ["X9", "S4"])
def test_an_unknown_segment_names_the_range_the_readme_names(capsys, query):
    code, out, err = run(capsys, "segment", query)
    assert code == 2 and out == ""
    assert "C1-S2" in err and "S1-S5" not in err


def test_the_text_plan_prints_no_coordinates_or_source_ids(capsys):
    code, out, err = run(capsys, "plan", "tennis elbow", "--side", "right")
    assert code == 0, err
    body, sources = out.split("\nSources:\n  1. ")  # numbered citations close the text
    body = body.split("\nReferences:\n")[0]  # citations (with their DOIs) are words for a reader
    assert not re.search(r"-?\d\.\d{4}", body), "a coordinate in the text"
    assert "position [" not in body
    # source ids (snake_case or author+year) never appear; numbers pointing at the citations do
    assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+\d{4}\b", body)
    assert "[1, 2, 3]" in body and "\n  2. " in sources


def test_a_picture_names_no_plan_it_does_not_carry():
    """A PNG stands alone: its footer says targets are unlabelled at this size, not "see the plan"."""
    from ims_atlas.export.compose import unlabelled_note

    assert unlabelled_note(0) == ""
    assert unlabelled_note(1) == "1 more target not labelled at this size"
    assert "plan" not in unlabelled_note(3) and unlabelled_note(3).startswith("3 more targets")


def test_the_segment_text_names_its_paraspinal_muscles_in_words():
    """The L5 text in the window showed the raw id ``longissimus_thoracis``."""
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.qt.panels.plan_text import segment_html

    catalog = load_catalog()
    html = segment_html("L5", catalog)
    assert "longissimus_thoracis" not in html and "_" not in html.split("needled beside it:")[1].split("</p>")[0]
    assert "Longissimus thoracis" in html
