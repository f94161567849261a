"""The adversarial run, kept: generated attacks for each class the issue names, as properties.

Each test draws its attacks from a generator (hypothesis), so a run tries new documents and
scenarios rather than only the ones once found. The CI run is bounded by the defaults below;
``IMS_ATLAS_FUZZ_EXAMPLES=N`` runs N of each instead (the larger run on demand). The counts
are added to the session's tally, printed at the end ("documents tried per loader").
"""

from __future__ import annotations

import json
import os
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ims_atlas.catalog.validate import validate_document
from ims_atlas.core.settings import Settings, keep_if_damaged, load_settings, save_settings
from tests.robustness.documents import TRIED, all_paths, damaged_bytes, fuzz_settings, get_at, watchdog

CLINIC = {"name": "Harbour Physio", "contact": "1 Quay Road\n555-0100", "logo": "", "handout_note": "Call us."}
GOOD_SETTINGS = json.dumps({"version": 1, "clinic": CLINIC, "labels": False, "window": {"width": 900},
                            "presets": [{"name": f"View {i}", "side": "left"} for i in range(5)]},
                           indent=2).encode()


def _fresh(tmp_path, name):
    folder = tmp_path / name
    if folder.exists():
        for p in folder.iterdir():
            p.unlink()
    else:
        folder.mkdir()
    return folder


# -- 1. the user's settings: whatever the bytes, they survive a load and a save ----------------

@fuzz_settings(150)
@given(data=st.data())
def test_settings_bytes_survive_loading_and_saving_whatever_they_are(tmp_path, data):
    how = data.draw(st.sampled_from(["damaged", "truncated", "bom", "newer", "unknown keys", "huge value"]))
    raw = GOOD_SETTINGS
    if how == "damaged":
        raw = data.draw(damaged_bytes(raw), label="raw")
    elif how == "truncated":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1), label="cut")]
    elif how == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif how == "newer":
        raw = raw.replace(b'"version": 1', b'"version": ' + str(data.draw(st.integers(2, 99))).encode())
    elif how == "unknown keys":
        key = data.draw(st.text(min_size=1, max_size=20), label="key")
        doc = json.loads(raw)
        doc[key if key not in doc else key + "_new"] = data.draw(st.integers() | st.text(max_size=30))
        raw = json.dumps(doc).encode()
    else:
        raw = raw.replace(b"Harbour Physio", b"x" * data.draw(st.integers(2_000_000, 2_100_000)))
    folder = _fresh(tmp_path, "home")
    path = folder / "settings.json"
    path.write_bytes(raw)
    with watchdog(30):
        settings, problems = load_settings(path)
        keep_if_damaged(path)
        save_settings(settings, path)
        save_settings(Settings(), path)  # and again, after the user changed everything
    on_disk = [path.read_bytes()] + [p.read_bytes() for p in folder.glob("settings.kept-*.json")]
    intact = raw in on_disk
    if not intact:  # rewritten without a copy: only allowed when nothing was lost
        assert not problems or all("kept in the file" in p.message for p in problems), (how, problems[:3])
        saved = json.loads(path.read_text(encoding="utf-8"))
        original = json.loads(raw.decode("utf-8-sig"))
        missing = [k for k in original if k not in saved]
        assert not missing, f"keys lost without a copy: {missing}"
    if how == "bom":
        assert settings.clinic.name == "Harbour Physio"
    TRIED["adversarial: settings"] += 1


# -- 3. text: any string with a character no output can carry is refused, with its path -----------

SMALL = json.loads((__import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "catalogs"
                    / "small_catalog.json").read_text(encoding="utf-8"))
_FIELDS = [p for p in all_paths(SMALL) if isinstance(get_at(SMALL, p), str)
           and [k for k in p if isinstance(k, str)][-1] in ("name", "lay_name", "explanation", "description")]
_BAD = st.one_of(st.characters(categories=["Cc"]).filter(lambda c: c not in "\n\t"),
                 st.characters(categories=["Cf"]).filter(lambda c: c not in "\u200c\u200d"),
                 st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), st.just("\x00"))


def _set(doc, path, value):
    doc = json.loads(json.dumps(doc))
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return doc


@fuzz_settings(200)
@given(path=st.sampled_from(_FIELDS), before=st.text(max_size=20), bad=_BAD, after=st.text(max_size=20))
def test_any_bad_character_anywhere_in_a_text_is_refused_with_its_path(path, before, bad, after):
    from ims_atlas.core.json_schema import format_path

    text = before + bad + after
    with watchdog(30):
        problems = validate_document(_set(SMALL, path, text), "c.json")
    assert any(p.path == format_path(list(path)) and p.severity == "error" for p in problems), \
        (format_path(list(path)), repr(text), unicodedata.category(bad))
    for p in problems:
        str(p).encode("utf-8")
    TRIED["adversarial: text"] += 1


# -- 2. strange files in place of the settings, at random --------------------------------------

@fuzz_settings(40)
@given(kind=st.sampled_from(["fifo", "dev-zero", "folder", "link-loop", "socket", "sparse-5GB", "nested",
                             "random"]), reader=st.sampled_from(["settings", "catalog", "manifest", "mesh file",
                                                                  "clinic logo", "validation cache"]))
def test_strange_files_at_random(tmp_path, monkeypatch, kind, reader):
    from tests.robustness.test_strange_files import READERS

    folder = tmp_path / f"{reader}-{kind}-{os.getpid()}".replace(" ", "_")
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    folder.mkdir()
    call = READERS[reader]
    with watchdog(15):
        if "monkeypatch" in call.__code__.co_varnames[: call.__code__.co_argcount]:
            call(folder, kind, monkeypatch)
        else:
            call(folder, kind)
    TRIED["adversarial: strange files"] += 1
