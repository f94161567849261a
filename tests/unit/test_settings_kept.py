"""The user's settings file is never lost: kept aside when unreadable, unknown keys carried over."""

import json
import os

import pytest

from ims_atlas.core.atomic_file import WriteError
from ims_atlas.core.settings import Clinic, Settings, keep_if_damaged, load_settings, save_settings

CLINIC = {"name": "Harbour Physio", "contact": "1 Quay Road\n555-0100", "logo": "", "handout_note": "Call us."}
PRESETS = [{"name": f"View {i}", "side": "left", "view": "posterior"} for i in range(5)]
GOOD = {"version": 1, "clinic": CLINIC, "presets": PRESETS, "labels": False}


def _document_bytes(**changes) -> bytes:
    return json.dumps({**GOOD, **changes}, indent=2, ensure_ascii=False).encode("utf-8")


def _damaged() -> dict[str, bytes]:
    good = _document_bytes()
    return {
        "non-utf8 byte": good.replace(b"Quay", b"Qu\xe9y"),
        "trailing comma": good.replace(b'"labels": false', b'"labels": false,'),
        "over 2 MB": _document_bytes(padding="x" * 2_100_000),
        "a bad value": _document_bytes(window={"width": "wide"}),
        "newer version": _document_bytes(version=2),
    }


@pytest.mark.parametrize("case", list(_damaged()))
def test_a_file_not_read_in_full_is_kept_byte_for_byte_before_it_is_replaced(tmp_path, case):
    raw = _damaged()[case]
    path = tmp_path / "settings.json"
    path.write_bytes(raw)
    settings, problems = load_settings(path)
    assert problems
    save_settings(Settings(clinic=Clinic(name="New")), path)
    kept = list(tmp_path.glob("settings.kept-*.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == raw, case
    assert b"Harbour Physio" in kept[0].read_bytes()
    assert load_settings(path)[0].clinic.name == "New"
    save_settings(Settings(clinic=Clinic(name="Newer")), path)  # the new file is sound: no second copy
    assert len(list(tmp_path.glob("settings.kept-*.json"))) == 1


def test_the_window_start_keeps_the_copy_at_once_and_says_where(tmp_path):
    path = tmp_path / "settings.json"
    raw = _damaged()["non-utf8 byte"]
    path.write_bytes(raw)
    told = keep_if_damaged(path)
    kept = list(tmp_path.glob("settings.kept-*.json"))
    assert told is not None and kept and kept[0].name in told.message and kept[0].read_bytes() == raw
    save_settings(Settings(), path)  # the same bytes are not copied twice
    assert list(tmp_path.glob("settings.kept-*.json")) == kept
    assert keep_if_damaged(path) is None  # the new file is fine


def test_a_sound_file_is_not_copied(tmp_path):
    path = tmp_path / "settings.json"
    path.write_bytes(_document_bytes())
    assert keep_if_damaged(path) is None
    save_settings(load_settings(path)[0], path)
    assert not list(tmp_path.glob("settings.kept-*"))


def test_unknown_keys_from_a_newer_version_are_carried_over(tmp_path):
    path = tmp_path / "settings.json"
    path.write_bytes(_document_bytes(theme="dark", clinic={**CLINIC, "fax": "555-0101"},
                                     presets=[{**PRESETS[0], "colour": "teal"}, *PRESETS[1:]]))
    settings, problems = load_settings(path)
    # every key this version does not know is named, at any depth, and none makes the file a damaged one
    assert sorted(p.path for p in problems) == ["$.clinic.fax", "$.presets[0].colour", "$.theme"]
    assert all("kept in the file, not used" in p.message for p in problems)
    assert keep_if_damaged(path) is None
    save_settings(settings.without_preset("View 1"), path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["theme"] == "dark" and saved["clinic"]["fax"] == "555-0101"
    assert saved["presets"][0]["colour"] == "teal"
    assert [p["name"] for p in saved["presets"]] == ["View 0", "View 2", "View 3", "View 4"]  # removal kept


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xef\xbb\xbf" + _document_bytes())
    settings, problems = load_settings(path)
    assert problems == [] and settings.clinic.name == "Harbour Physio" and len(settings.presets) == 5


def test_a_file_that_cannot_be_read_is_never_replaced(tmp_path):
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    settings, problems = load_settings(path)  # returns at once: a pipe is never opened for reading
    assert settings == Settings() and "pipe" in problems[0].message
    assert keep_if_damaged(path) is not None
    with pytest.raises(WriteError, match="not replaced"):
        save_settings(Settings(), path)
    assert path.is_fifo()


def test_no_copy_possible_means_no_overwrite(tmp_path, monkeypatch):
    path = tmp_path / "settings.json"
    raw = _damaged()["trailing comma"]
    path.write_bytes(raw)
    import ims_atlas.core.settings_keep as keep

    def refuse(target, data, force=True):
        raise WriteError(f"{target}: disk full")

    monkeypatch.setattr(keep, "atomic_write_bytes", refuse)
    with pytest.raises(WriteError):
        save_settings(Settings(), path)
    assert path.read_bytes() == raw
