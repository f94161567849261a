"""The JSON Schemas of the manifest and the settings: valid Draft 2020-12, in step with the code,
and their messages name the file and the JSON path in plain words."""

import json

import pytest

from ims_atlas.anatomy import manifest as manifest_module
from ims_atlas.anatomy.manifest import (
    KINDS,
    LAYERS,
    ON_REQUEST_LAYERS,
    SIDES,
    load_manifest,
    manifest_schema,
    open_manifest,
)
from ims_atlas.catalog.schema import catalog_schema
from ims_atlas.core import plain_text
from ims_atlas.core.errors import DataError
from ims_atlas.core.json_schema import DRAFT, JsonSchema
from ims_atlas.core.settings import MAX_PRESETS, keep_if_damaged, parse_settings, settings_schema
from ims_atlas.core.state import LAYER_NAMES


@pytest.mark.parametrize("schema", [manifest_schema().schema, settings_schema().schema, catalog_schema()],
                         ids=["manifest", "settings", "catalog"])
def test_every_schema_is_valid_draft_2020_12(schema):
    assert schema["$schema"] == DRAFT
    JsonSchema(schema).check_schema()  # raises jsonschema.SchemaError if not


def test_a_broken_schema_is_caught():
    from jsonschema import SchemaError

    with pytest.raises(SchemaError):
        JsonSchema({"$schema": DRAFT, "type": "planet"}).check_schema()


def test_the_manifest_schema_and_the_code_name_the_same_kinds_layers_and_sides():
    structure = manifest_schema().schema["$defs"]["structure"]["properties"]
    assert tuple(structure["kind"]["enum"]) == KINDS
    assert tuple(structure["layer"]["enum"]) == LAYERS + ON_REQUEST_LAYERS
    assert tuple(structure["side"]["enum"]) == SIDES
    assert structure["file"]["pattern"] in manifest_module._PATTERN_MESSAGES


def test_the_settings_schema_and_the_code_agree_on_limits_and_layers():
    schema = settings_schema().schema
    clinic = schema["properties"]["clinic"]["properties"]
    assert clinic["name"]["maxLength"] == plain_text.MAX_CLINIC_NAME
    assert clinic["contact"]["maxLength"] == plain_text.MAX_CONTACT_LINES * (plain_text.MAX_CONTACT_LINE + 1)
    assert clinic["handout_note"]["maxLength"] == plain_text.MAX_HANDOUT_NOTE
    assert schema["properties"]["presets"]["maxItems"] == MAX_PRESETS
    assert tuple(schema["$defs"]["layers"]["properties"]) == LAYER_NAMES
    assert tuple(schema["$defs"]["opacity"]["properties"]) == LAYER_NAMES


def _structure(i: int) -> dict:
    return {"id": f"s{i}", "name": f"S {i}", "kind": "bone", "layer": "bones", "side": "left",
            "file": f"bones/s{i}.npz", "triangles": 1}


@pytest.mark.parametrize(("change", "path", "words"), [
    ({"file": "../../etc/passwd.npz"}, "$.structures[3].file",
     "'../../etc/passwd.npz' must be a .npz file inside the mesh folder (a relative path, without '..')"),
    ({"file": "/abs/s.npz"}, "$.structures[3].file", "must be a .npz file inside the mesh folder"),
    ({"triangles": -1}, "$.structures[3].triangles", "must be at least 0, not -1"),
    ({"triangles": True}, "$.structures[3].triangles", "must be a whole number, not true or false"),
    ({"level": "C9"}, "$.structures[3].level", "'C9' is not a level"),
    ({"name": "\ud800"}, "$.structures[3].name", "unpaired surrogate"),
    ({"landmarks": {"centroid": [0, 0, 11]}}, "$.structures[3].landmarks.centroid[2]", "must be at most 10, not 11"),
])
def test_a_bad_manifest_names_the_file_and_the_json_path(tmp_path, change, path, words):
    doc = {"format_version": 1, "frame": {"midline_x": 0.0}, "source": {},
           "structures": [_structure(i) for i in range(5)]}
    doc["structures"][3].update(change)
    file = tmp_path / "meshes" / "manifest.json"
    file.parent.mkdir()
    file.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_manifest(file)
    assert f"{file}: {path}: error: " in str(err.value) and words in str(err.value)
    manifest, problems = open_manifest(file)  # the app's reader leaves out that structure only
    assert [s.id for s in manifest] == ["s0", "s1", "s2", "s4"] and problems == err.value.problems


def test_a_manifest_with_a_duplicate_id_or_a_bad_midline(tmp_path):
    doc = {"frame": {"midline_x": "middle"}, "structures": [_structure(1), _structure(1)]}
    file = tmp_path / "manifest.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    manifest, problems = open_manifest(file)
    assert [str(p) for p in problems] == [
        f"{file}: $.frame.midline_x: error: must be a number, not a string; the default midline is used",
        f"{file}: $.structures[1].id: error: duplicate structure id 's1'; the structure is left out",
    ]
    assert len(manifest) == 1 and manifest.midline_x == -0.025


@pytest.mark.parametrize(("document", "message"), [
    ({"window": {"width": 5}}, "s.json: $.window.width: warning: must be at least 320, not 5; ignored"),
    ({"presets": [{"name": "A"}, {"name": "B", "side": "up"}]},
     "s.json: $.presets[1].side: warning: must be one of 'left', 'right', 'both', not 'up'; ignored"),
    ({"presets": [{"name": "   "}]}, "s.json: $.presets[0].name: warning: '   ' must not be blank; preset ignored"),
    ({"last_camera": {"position": [0, 0, 1], "focal_point": [0, 0, 0], "up": [0, 0, 0]}},
     "s.json: $.last_camera.up: warning: must not be [0, 0, 0]; camera ignored"),
    ({"opacity": {"skin": 0.5}}, "s.json: $.opacity.skin: warning: unknown key 'skin' (allowed: bones, muscles, "
                                 "nerves, spine); ignored"),
    ({"clinic": {"logo": "\ud800"}}, "s.json: $.clinic.logo: warning: holds an invalid character (an unpaired "
                                     "surrogate), which cannot be saved; ignored"),
])
def test_bad_settings_name_the_json_path_and_what_is_done(document, message):
    settings, problems = parse_settings(json.dumps({"labels": False, **document}).encode(), "s.json")
    assert [str(p) for p in problems] == [message]
    assert settings.labels is False  # the rest is read


def test_settings_a_newer_version_wrote_are_valid_to_keep_not_to_use(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "dark", "window": {"snap": True, "width": 1000}}), encoding="utf-8")
    from ims_atlas.core.settings import load_settings

    settings, problems = load_settings(path)
    assert settings.window.width == 1000
    assert sorted(p.path for p in problems) == ["$.theme", "$.window.snap"]
    assert all(p.message.endswith("kept in the file, not used") for p in problems)
    assert keep_if_damaged(path) is None  # nothing lost, so no kept copy is needed


def test_whole_numbers_written_as_decimals_are_read_as_whole_numbers():
    settings, problems = parse_settings(b'{"window": {"width": 1400.0, "x": 10.0}}')
    assert problems == [] and settings.window.width == 1400 and isinstance(settings.window.x, int)
