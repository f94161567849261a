"""validate_file: every problem at once, each with its JSON path and a plain message."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ims_atlas.anatomy.manifest import load_manifest
from ims_atlas.catalog.rules import paraspinal_level_for
from ims_atlas.catalog.schema import catalog_schema, user_catalog_schema
from ims_atlas.catalog.validate import has_errors, validate_file
from ims_atlas.core.ids import CATALOG_SEGMENTS

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogs"
BROKEN = DATA / "broken"
SMALL = DATA / "small_catalog.json"
ANATOMY = DATA / "anatomy" / "manifest.json"


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def test_small_catalog_is_valid():
    assert validate_file(SMALL) == []


def test_small_catalog_against_the_tiny_anatomy_only_warns_about_muscles_without_meshes():
    problems = validate_file(SMALL, load_manifest(ANATOMY))
    assert not has_errors(problems)
    warned = {p.path for p in problems}
    assert "$.muscles[2].id" in warned  # pronator_teres: no mesh
    assert all("has no mesh" in p.message and p.severity == "warning" for p in problems)


# (file, JSON path, words the message must contain); each file has exactly one defect.
BROKEN_CASES = [
    ("wrong_type", "$.conditions[0].name", "must be a string, not a number"),
    ("missing_key", "$.muscles[1]", "missing required key 'nerve'"),
    ("unknown_muscle", "$.conditions[0].local_targets[0].muscle", "unknown muscle 'extensor_carpi_radialis_brevs'"),
    ("unknown_segment", "$.conditions[0].root_segments.segments[3]", "'C9' is not a spinal segment"),
    ("duplicate_condition", "$.conditions[6].id", "duplicate condition id 'tennis_elbow' (first at $.conditions[0])"),
    ("unknown_source", "$.conditions[0].references[0].source", "unknown source 'gunn1967' (did you mean 'gunn1976'?)"),
    ("paraspinal_level", "$.segments[5].paraspinal_level", "'C6-C7' is not where the C6 root leaves the spine; expected 'C5-C6'"),
    ("missing_segment", "$.segments", "missing segment entries: C7"),
    ("segment_out_of_range", "$.conditions[2].root_segments.segments[2]", "segment S3 is outside the catalog's range C1-S2"),
    ("bad_enum", "$.muscles[0].roots[0].contribution", "must be one of 'major', 'minor', not 'mayor'"),
    ("unknown_key", "$.conditions[0].certainty", "unknown key 'certainty'"),
    ("huge_string", "$.conditions[0].explanation", "is too long (300000 characters; at most 20000)"),
    ("invalid_utf8", "", "not UTF-8 text: invalid byte 0xff at line"),
    ("truncated", "", "the file ends too early (truncated?)"),
    ("empty", "", "file is empty"),
    ("not_an_object", "$", "must be an object, not a list"),
    ("deep_nesting", "", "JSON nested too deeply"),
    ("nan", "", "NaN is not allowed"),
]


@pytest.mark.parametrize(("name", "path", "words"), BROKEN_CASES, ids=[c[0] for c in BROKEN_CASES])
def test_broken_catalog_reports_its_one_error(name, path, words):
    file = BROKEN / f"{name}.json"
    problems = validate_file(file)
    errs = errors(problems)
    assert len(errs) == 1, "\n".join(map(str, problems))
    assert errs[0].path == path
    assert words in errs[0].message
    assert errs[0].file == str(file)
    assert str(errs[0]).startswith(f"{file}: {path + ': ' if path else ''}error: ")


def test_huge_string_message_does_not_echo_the_string():
    problems = validate_file(BROKEN / "huge_string.json")
    assert all(len(str(p)) < 500 for p in problems)


def test_duplicate_json_key_is_a_warning():
    problems = validate_file(BROKEN / "duplicate_key.json")
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "key 'name' appears twice in one object; only the last value is used")
    ]


def test_many_problems_are_all_reported_at_once():
    problems = validate_file(BROKEN / "many_problems.json")
    assert [(p.path, p.severity) for p in problems] == [  # all of them, in document order
        ("$.conditions[0].local_targets[0].muscle", "error"),
        ("$.conditions[1].root_segments.derivation", "error"),
        ("$.conditions[2].id", "error"),
        ("$.conditions[3]", "error"),
        ("$.muscles[2].sources[0]", "error"),
        ("$.segments[7].paraspinal_level", "error"),
    ]


def test_point_outside_its_muscle_is_an_error_on_both_sides():
    problems = errors(validate_file(BROKEN / "point_outside.json", load_manifest(ANATOMY)))
    assert [p.path for p in problems] == ["$.conditions[0].local_targets[0].epicentre.position"] * 2
    right, left = problems
    assert "the right epicentre [-0.3000, 0.0000, 1.1000] lies 70.0 mm outside muscle 'extensor_carpi_radialis_brevis'" in right.message
    assert "the left epicentre (mirrored) [0.2500, 0.0000, 1.1000]" in left.message  # x' = 2 * -0.025 - x


def test_point_that_fits_on_the_right_but_not_mirrored_on_the_left():
    problems = errors(validate_file(BROKEN / "mirror_outside.json", ANATOMY))
    assert len(problems) == 1
    assert problems[0].path == "$.conditions[0].local_targets[1].epicentre.position"
    assert "left epicentre (mirrored)" in problems[0].message and "'supinator'" in problems[0].message


def test_point_within_3_mm_of_the_surface_is_accepted(tmp_path):
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    epicentre = doc["conditions"][0]["local_targets"][0]["epicentre"]
    epicentre["position"] = [-0.21 - 0.022, 0.0, 1.10]  # cube half-size 0.02: 2 mm outside
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    assert not has_errors(validate_file(tmp_path / "c.json", ANATOMY))
    epicentre["position"] = [-0.21 - 0.024, 0.0, 1.10]  # 4 mm outside
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    assert has_errors(validate_file(tmp_path / "c.json", ANATOMY))


def test_missing_mesh_file_is_an_error_naming_it(tmp_path):
    manifest = json.loads(ANATOMY.read_text(encoding="utf-8"))
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")  # no mesh files beside it
    problems = errors(validate_file(SMALL, tmp_path / "manifest.json"))
    missing = [p for p in problems if "is missing" in p.message]
    assert any("extensor_carpi_radialis_brevis_right.npz" in p.message and p.path == "$.muscles[0].id" for p in missing)


def test_corrupt_mesh_file_is_an_error(tmp_path):
    import shutil

    shutil.copytree(ANATOMY.parent, tmp_path / "anatomy")
    (tmp_path / "anatomy" / "muscles" / "extensor_carpi_radialis_brevis_right.npz").write_bytes(b"not a zip")
    problems = errors(validate_file(SMALL, tmp_path / "anatomy" / "manifest.json"))
    assert len(problems) == 1
    assert problems[0].path == "$.conditions[0].local_targets[0].epicentre.position"
    assert "unreadable or corrupt" in problems[0].message


def test_broken_manifest_is_reported(tmp_path):
    (tmp_path / "manifest.json").write_text("{", encoding="utf-8")
    problems = validate_file(SMALL, tmp_path / "manifest.json")
    assert [p.file for p in problems] == [str(tmp_path / "manifest.json")]


def test_missing_file_and_folder(tmp_path):
    assert [p.message for p in validate_file(tmp_path / "nope.json")] == ["file not found"]
    assert [p.message for p in validate_file(tmp_path)] == ["is a folder, not a file"]


def test_wrong_types_everywhere_never_raise(tmp_path):
    """A catalog of the right keys but wrong types gives problems, never an exception."""
    doc = {"schema_version": "1", "catalog_version": 3, "sources": [], "muscles": {"a": 1},
           "segments": [1, None, {"id": 5}], "conditions": [{"id": ["x"], "local_targets": "t", "root_segments": []}]}
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    problems = validate_file(tmp_path / "c.json", ANATOMY)
    paths = {p.path for p in problems}
    assert {"$.schema_version", "$.sources", "$.muscles", "$.segments[0]", "$.conditions[0].id"} <= paths


def test_big_garbage_file_is_quick(tmp_path):
    doc = {"schema_version": 1, "conditions": [{"id": i} for i in range(20000)]}
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    start = time.perf_counter()
    problems = validate_file(tmp_path / "c.json")
    assert time.perf_counter() - start < 20  # generous: no hang
    assert problems[-1].message.startswith("more than 500 schema problems") or len(problems) <= 520


def test_paraspinal_level_rule():
    assert [paraspinal_level_for(s) for s in ("C1", "C2", "C6", "C8", "T1", "T12", "L4", "L5", "S1", "S2")] == [
        "occiput-C1", "C1-C2", "C5-C6", "C7-T1", "T1-T2", "T12-L1", "L4-L5", "L5-S1", "S1 foramen", "S2 foramen"]
    assert len(CATALOG_SEGMENTS) == 27


def test_schema_is_a_valid_draft_2020_12_schema_and_user_variant_is_derived():
    from jsonschema import Draft202012Validator

    schema = catalog_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False and "$schema" in schema["properties"]
    user = user_catalog_schema()
    Draft202012Validator.check_schema(user)
    assert user["required"] == ["schema_version"]
    assert user["properties"] == schema["properties"]


def test_user_catalog_needs_no_lists_and_no_segments(tmp_path):
    (tmp_path / "u.json").write_text('{"schema_version": 1}', encoding="utf-8")
    assert validate_file(tmp_path / "u.json", user=True) == []
    problems = validate_file(tmp_path / "u.json")
    assert {p.message for p in problems} >= {"missing required key 'conditions'", "missing required key 'segments'"}


def _mutated(tmp_path, change):
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    change(doc)
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    return validate_file(tmp_path / "c.json")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: [d["muscles"][0].pop(k) for k in ("nerve", "region")],
         [("$.muscles[0]", "missing required key 'region'"), ("$.muscles[0]", "missing required key 'nerve'")]),
        (lambda d: d.__setitem__("schema_version", 2), [("$.schema_version", "must be 1, not 2")]),
        (lambda d: d["segments"].append(dict(d["segments"][0])),
         [("$.segments[27].id", "duplicate segment id 'C1' (first at $.segments[0])")]),
        (lambda d: d["conditions"][0]["root_segments"].__setitem__("segments", ["C7", "C6", "C5"]),
         [("$.conditions[0].root_segments.segments", "segments must be in cranio-caudal order (C1 first)")]),
        (lambda d: d["conditions"][0]["root_segments"].__setitem__("core", ["C6", "C8"]),
         [("$.conditions[0].root_segments.core[1]", "core segment C8 is not one of the condition's segments")]),
        (lambda d: d["segments"][3]["paraspinal_muscles"].append("multifidis"),
         [("$.segments[3].paraspinal_muscles[1]",
           "unknown muscle 'multifidis' (did you mean 'multifidus'?); add it to $.muscles or fix the id")]),
        (lambda d: d["muscles"][0]["roots"].append({"segment": "C6", "contribution": "minor"}),
         [("$.muscles[0].roots[2].segment", "root C6 is listed twice")]),
        (lambda d: d["sources"].__setitem__("Bad Id", {"citation": "x", "authors": ["X"], "title": "x", "year": 2000}),
         [('$.sources["Bad Id"]', "key 'Bad Id' is not a valid id (snake_case: lower-case letters, digits and _, starting with a letter)"),
          ('$.sources["Bad Id"]', "source 'Bad Id' is never cited")]),
        (lambda d: d["conditions"][0]["local_targets"][0]["epicentre"].__setitem__("position", [1, 2]),
         [("$.conditions[0].local_targets[0].epicentre.position", "must have at least 3 item(s)")]),
        (lambda d: d["muscles"][0].__setitem__("sources", []), [("$.muscles[0].sources", "must have at least 1 item(s)")]),
    ],
    ids=["two_missing_keys", "schema_version", "duplicate_segment", "segment_order", "core_not_subset",
         "unknown_paraspinal_muscle", "duplicate_root", "bad_source_key", "short_position", "no_sources"],
)
def test_more_rules(tmp_path, change, expected):
    assert [(p.path, p.message) for p in _mutated(tmp_path, change)] == expected


def test_problems_are_in_document_order_with_numeric_indices(tmp_path):
    def change(d):
        for i in (2, 10, 1):
            d["segments"][i]["sources"] = ["nope"]
    paths = [p.path for p in _mutated(tmp_path, change)]
    assert paths == ["$.segments[1].sources[0]", "$.segments[2].sources[0]", "$.segments[10].sources[0]"]
