"""``ims-atlas structure NAME``: one of the anatomy's structures found by name, its facts as text
or JSON; exit 2 for nothing (or several equally) matched, a catalog muscle pointed to ``muscle``.
"""

from __future__ import annotations

import json

import pytest

from ims_atlas.cli import main
from ims_atlas.cli.catalog_commands import EXIT_NO_MATCH, EXIT_OK


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_spinal_cord_as_json(capsys):
    code, out, err = run(capsys, "structure", "spinal", "cord", "--json")
    assert code == EXIT_OK, err
    view = json.loads(out)
    assert (view["found_as"], view["name"], view["matched"]) == ("spinal_cord", "Spinal cord", "Spinal cord")
    (cord,) = view["structures"]
    assert cord["id"] == "spinal_cord" and cord["kind"] == "organ" and cord["on_request"] is True
    assert cord["side"] == "midline" and cord["region"] == "spine"
    zone = next(z for z in cord["danger_zones"] if z["hazard"] == "spinal cord")
    assert any(c["id"] == "neck_pain_whiplash" for c in zone["conditions"]) and "MRI" in zone["in_people"]
    assert "Quain" in cord["source"]


def test_a_nerve_on_both_sides_with_the_muscles_the_catalog_gives_it(capsys):
    code, out, err = run(capsys, "structure", "sciatic nerve", "--side", "both", "--json")
    assert code == EXIT_OK, err
    view = json.loads(out)
    assert [s["id"] for s in view["structures"]] == ["nerve_sciatic_right", "nerve_sciatic_left"]
    supplies = {m["muscle"] for m in view["structures"][0]["supplies"]}
    assert {"semitendinosus", "semimembranosus", "biceps_femoris_long_head"} <= supplies
    assert view["structures"][0]["nerve_roots_in_data"] is False


def test_a_root_names_its_segment_and_a_synonym_finds_its_nerve(capsys):
    code, out, _ = run(capsys, "structure", "C6", "root", "--side", "left")
    assert code == EXIT_OK and out.startswith("C6 spinal nerve root (left)") and "root of segment C6" in out
    code, out, _ = run(capsys, "structure", "common peroneal nerve", "--json")
    assert code == EXIT_OK and json.loads(out)["found_as"] == "nerve_common_fibular"


@pytest.mark.parametrize(("query", "says"), [("xqzzyv", "no structure matches 'xqzzyv'"),
                                              ("trapezius", "is a muscle: ims-atlas muscle trapezius"),
                                              ("vertebra", "matches several structures equally")])
def test_no_match_says_why_and_exits_2(capsys, query, says):
    code, out, err = run(capsys, "structure", query)
    assert code == EXIT_NO_MATCH and out == "" and says in err


def test_a_vertebra_names_the_segments_needled_beside_it(capsys, catalog):
    code, out, _ = run(capsys, "structure", "C6 vertebra", "--json")
    (c6,) = json.loads(out)["structures"]
    assert code == EXIT_OK and c6["level"] == "C6"
    beside = {p["segment"]: p["paraspinal_level"] for p in c6["paraspinal_segments"]}
    assert beside == {s.id: s.paraspinal_level for s in catalog.segments if s.id in beside}
    assert set(beside) == {"C6", "C7"}  # at C5-C6 and C6-C7 in the bundled catalog
