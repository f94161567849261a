"""User settings: round trip, atomic save, and every bad value reported with its JSON path."""

import json

import pytest

from ims_atlas.core.settings import (
    Camera,
    Clinic,
    Preset,
    Settings,
    load_settings,
    parse_settings,
    save_settings,
    settings_to_json,
)


def _full() -> Settings:
    s = Settings(clinic=Clinic("Clinic Ō", "1 Road\n555-0100", "/tmp/logo.png", "Call us."), labels=False,
                 opacity=(("muscles", 0.4),))
    s = s.with_preset(Preset("Tennis R", condition_id="tennis_elbow", side="right",
                             layers=(("bones", False), ("spine", True), ("muscles", True), ("nerves", True)),
                             camera=Camera((0.0, -3.0, 1.0), (0.0, 0.0, 1.0), (0.0, 0.0, 1.0))))
    return s.with_preset(Preset("C6", segment="C6", side="both"))


def test_round_trip_through_a_file(tmp_path):
    path = tmp_path / "deep" / "settings.json"
    save_settings(_full(), path)
    loaded, problems = load_settings(path)
    assert problems == [] and loaded == _full()
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temporary file left


def test_missing_file_is_defaults_without_problems(tmp_path):
    assert load_settings(tmp_path / "none.json") == (Settings(), [])


def test_preset_replace_and_delete_by_name():
    s = _full().with_preset(Preset("tennis r", segment="C7"))
    assert [p.name for p in s.presets] == ["tennis r", "C6"]
    assert s.without_preset("TENNIS R").preset("tennis r") is None


@pytest.mark.parametrize(
    "document,path",
    [
        ({"clinic": {"name": 5}}, "$.clinic.name"),
        ({"window": {"width": -3}}, "$.window.width"),
        ({"last_view": "sideways"}, "$.last_view"),
        ({"opacity": {"muscles": 2}}, "$.opacity.muscles"),
        ({"opacity": {"skin": 0.5}}, "$.opacity.skin"),
        ({"presets": [{"name": "x", "side": "up"}]}, "$.presets[0].side"),
        ({"presets": [{"name": "x", "camera": {"position": [0, 0], "focal_point": [0, 0, 0], "up": [0, 0, 1]}}]},
         "$.presets[0].camera.position"),
        ({"presets": [{"name": ""}]}, "$.presets[0].name"),
        ({"presets": "all"}, "$.presets"),
        ({"surprise": 1}, "$.surprise"),
    ],
)
def test_bad_values_are_reported_with_their_path_and_the_rest_kept(document, path):
    document = {"labels": False, **document}
    settings, problems = parse_settings(json.dumps(document).encode(), "s.json")
    assert path in [p.path for p in problems]
    assert all(p.file == "s.json" for p in problems)
    assert settings.labels is False  # the good value survives


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b"[1, 2]", b"null", b"[" * 200_000, b"1e999"])
def test_unreadable_documents_give_defaults(raw):
    settings, problems = parse_settings(raw, "s.json")
    assert settings == Settings() and problems and problems[0].path == "$"


def test_no_patient_field_exists():
    assert "patient" not in json.dumps(settings_to_json(_full())).lower()
