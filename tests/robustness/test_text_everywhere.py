"""Text valid everywhere: what the validator rejects, what every output escapes or cuts.

A generator puts each class of bad text (an unpaired surrogate, NUL, a control character, an
escape sequence, a line break in a name, whitespace only, a zero-width space, a direction
override, a name another entry has) into each text field of the small test catalog: every
one must be rejected with its JSON path. Outputs are then fed what gets past (emoji, very long
names, line breaks in the clinic's details, a terminal that takes ASCII only).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ims_atlas.catalog.validate import has_errors, validate_document
from ims_atlas.cli import main
from tests.robustness.documents import TRIED, all_paths, get_at, watchdog

DATA = Path(__file__).resolve().parents[1] / "data" / "catalogs"
SMALL = json.loads((DATA / "small_catalog.json").read_text(encoding="utf-8"))
REPO = Path(__file__).resolve().parents[2]

#: Bad text for any field, and bad text for names only (running text may break lines).
ANYWHERE = {"surrogate": "Elbow \ud800", "nul": "Elbow\x00", "escape sequence": "\x1b[31mElbow",
            "bell": "Elbow\x07", "direction override": "Elbow \u202e", "c1 control": "Elbow\x85"}
NAMES_ONLY = {"line break": "Tennis\nelbow", "tab": "Tennis\telbow", "spaces only": "   ",
              "zero-width space": "\u200b", "no-break spaces": "\u00a0\u3000", "combining only": "\u0301",
              "zero-width inside": "Ten\u200bnis"}
NAME_KEYS = {"name", "lay_name", "aliases", "lay_terms"}


def _text_fields(doc) -> list[tuple]:
    """Paths of every string value in the catalog, except ids, sources and segment names
    (those have their own patterns in the schema)."""
    out = []
    for path in all_paths(doc):
        value = get_at(doc, path)
        keys = [p for p in path if isinstance(p, str)]
        if not isinstance(value, str) or not keys or keys[-1] in ("id", "segment", "muscle", "url") or \
                "sources" in keys or keys[0] == "segments" or keys[-1].endswith("_id") or keys[-1] == "level":
            continue
        out.append(path)
    return out


def _set(doc, path, value):
    doc = json.loads(json.dumps(doc))
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return doc


def _is_name(path) -> bool:
    keys = [p for p in path if isinstance(p, str)]
    return keys[-1] in NAME_KEYS


def _scenarios():
    fields = _text_fields(SMALL)
    for path in fields:
        for kind, text in ANYWHERE.items():
            yield path, kind, text
        if _is_name(path):
            for kind, text in NAMES_ONLY.items():
                yield path, kind, text


SCENARIOS = list(_scenarios())


def test_the_generator_covers_every_text_field_and_every_attack():
    names = {tuple(p) for p, _, _ in SCENARIOS if _is_name(p)}
    assert len(names) >= 10 and len(SCENARIOS) >= 200, (len(names), len(SCENARIOS))


@pytest.mark.parametrize("chunk", range(4))
def test_every_bad_text_in_every_field_is_rejected_with_its_path(chunk):
    from ims_atlas.core.json_schema import format_path

    missed = []
    mine = SCENARIOS[chunk::4]
    for path, kind, text in mine:
        problems = validate_document(_set(SMALL, path, text), "c.json")
        where = format_path(list(path))
        if not any(p.path == where and p.severity == "error" for p in problems):
            missed.append((where, kind, [str(p) for p in problems][:3]))
        for p in problems:
            str(p).encode("utf-8")  # every message can be printed
    TRIED["bad text in a catalog"] += len(mine)
    assert not missed, f"{len(missed)} of {len(mine)} not rejected, e.g. {missed[:5]}"


def test_two_conditions_with_the_same_name_are_rejected_and_plan_can_choose_again():
    doc = json.loads(json.dumps(SMALL))
    first, second = doc["conditions"][0], doc["conditions"][1]
    second["name"] = " " + first["name"].upper() + " "
    problems = validate_document(doc, "c.json")
    assert has_errors(problems)
    assert any(p.path == "$.conditions[1].name" and "also the name" in p.message for p in problems)
    doc["conditions"][1]["name"] = first["name"] + " (chronic)"
    doc["conditions"][1]["aliases"] = [first["name"]]
    assert any(p.path == "$.conditions[1].aliases[0]" for p in validate_document(doc, "c.json"))


def test_the_bundled_catalog_passes_the_text_rules():
    from ims_atlas.catalog.text_rules import text_problems
    from ims_atlas.core.paths import bundled_catalog_path

    assert text_problems(json.loads(bundled_catalog_path().read_text(encoding="utf-8")), "c") == []


# -- outputs -----------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("IMS_ATLAS_HOME", str(tmp_path / "home"))


def _user_catalog(tmp_path, name: str) -> Path:
    text = (DATA / "user" / "adds_condition.json").read_text(encoding="utf-8").replace('"lasts"', '"clinic_notes"')
    doc = json.loads(text)
    doc["conditions"][0]["name"] = name
    path = tmp_path / "user.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["Wrist \ud800", "Wrist\x1b[2J", "Wrist\x00"])
@pytest.mark.parametrize("command", [["plan", "typing wrist", "--json"], ["conditions", "--json"],
                                     ["muscle", "FCR", "--json"], ["plan", "typing wrist"]])
def test_a_user_catalog_with_bad_text_is_refused_and_no_command_ends_in_a_traceback(tmp_path, name, command):
    env = {**os.environ, "IMS_ATLAS_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "ims_atlas", *command, "--catalog", str(_user_catalog(tmp_path, name))],
                          env=env, capture_output=True, timeout=120, cwd=REPO)
    err = done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr and done.returncode in (0, 2), err[-1500:]
    assert "the user catalog was not applied" in err
    assert b"\x1b" not in done.stdout + done.stderr and b"\x00" not in done.stdout + done.stderr
    TRIED["bad text in a catalog"] += 1


def test_an_ascii_terminal_gets_escapes_not_a_traceback(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "IMS_ATLAS_HOME": str(tmp_path / "home"),
           "PYTHONPATH": str(REPO)}
    for command in (["plan", "tennis elbow"], ["plan", "tennis elbow", "--json"], ["segment", "C6"],
                    ["plan", "épicondylite \u00e9\u0301 \U0001fa7a"]):
        done = subprocess.run([sys.executable, "-m", "ims_atlas", *command], env=env, capture_output=True,
                              timeout=120, cwd=REPO)
        assert b"Traceback" not in done.stderr, done.stderr[-1500:]
        assert done.returncode in (0, 2)


def test_a_huge_query_is_not_echoed_whole(capsys):
    with watchdog(60):
        code = main(["plan", "x" * 100_000])
    err = capsys.readouterr().err
    assert code == 2 and len(err) < 2000


def test_terminal_safe_escapes_every_control_and_keeps_line_breaks():
    from ims_atlas.core.plain_text import terminal_safe

    shown = terminal_safe("a\x1b[31mb\x00c\u202ed\ud800e\nf\tg")
    assert shown == "a\\x1b[31mb\\x00c\\u202ed\\ud800e\nf\tg"
    shown.encode("ascii")


def test_names_are_limited_alike_in_the_settings_and_on_the_command_line(tmp_path, capsys):
    from ims_atlas.core.plain_text import MAX_CLINIC_NAME
    from ims_atlas.core.settings import parse_settings

    settings, problems = parse_settings(json.dumps({"clinic": {"name": "x" * 2000}}).encode())
    assert len(settings.clinic.name) == MAX_CLINIC_NAME and "cut to" in problems[0].message
    with pytest.raises(SystemExit) as stopped:
        main(["export", "tennis elbow", "--out", str(tmp_path / "o.pdf"), "--clinic-name", "x" * 2000])
    assert stopped.value.code == 2 and f"at most {MAX_CLINIC_NAME} characters" in capsys.readouterr().err


# -- the exports themselves (one off-screen scene for all) ---------------------------------------

@pytest.fixture(scope="module")
def scene():
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.core.paths import meshes_dir
    from ims_atlas.export.render import OffscreenScene

    with OffscreenScene(load_manifest(meshes_dir() / "manifest.json"), (800, 600)) as s:
        yield s


@pytest.fixture(scope="module")
def data():
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.paths import meshes_dir

    return load_manifest(meshes_dir() / "manifest.json"), load_catalog()


@pytest.mark.parametrize("clinic,patient", [
    (("x" * 2000, "", ""), ""),                              # the settings allowed 2,000 characters
    (("Clinic", "\n".join(f"line {i}" for i in range(999)), ""), ""),
    (("Clinic", "", ""), "y" * 10_000),
    (("Clinic", "", "word" * 5000), "Jane"),
    (("Clinic\nsecond line", "a\x00b\x1bc", "note\ud800"), "Jane\udcff Example"),  # non-UTF-8 argv bytes
])
def test_the_handout_never_fails_on_long_or_strange_clinic_details(data, scene, clinic, patient):
    from ims_atlas.core.settings import Clinic
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.handout import HandoutOptions, build_handout

    manifest, catalog = data
    options = HandoutOptions(clinic=Clinic(clinic[0], clinic[1], "", clinic[2]), patient_name=patient, overview=False)
    with watchdog(120):
        handout = build_handout(manifest, catalog, ViewState(condition_id="tennis_elbow", side="right"), options, scene)
    assert handout.pdf.startswith(b"%PDF")
    TRIED["long or strange clinic details"] += 1


def test_emoji_do_not_vanish_from_the_handout(data, scene, tmp_path):
    from ims_atlas.core.settings import Clinic
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.handout import HandoutOptions, build_handout
    from ims_atlas.export.pdf_text import SUBSTITUTE

    manifest, catalog = data
    options = HandoutOptions(clinic=Clinic("Harbour \U0001fa7a Physio"), patient_name="Jane", overview=False)
    handout = build_handout(manifest, catalog, ViewState(condition_id="tennis_elbow", side="right"), options, scene)
    assert any("U+1FA7A" in w and SUBSTITUTE in w for w in handout.warnings), handout.warnings
    pdf = tmp_path / "h.pdf"
    pdf.write_bytes(handout.pdf)
    try:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
    except FileNotFoundError:
        pytest.fail("pdftotext (poppler-utils) is needed to read the handout back")
    assert f"Harbour {SUBSTITUTE} Physio" in text


@pytest.mark.parametrize("clinic", ["Harbour\nPhysio", "Harbour\r\nPhysio\x1b[31m", "H\ud800", "x" * 5000])
def test_a_line_break_or_control_in_a_name_does_not_stop_the_picture(data, scene, clinic):
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.image_export import ImageOptions, render_image

    manifest, catalog = data
    with watchdog(120):
        result = render_image(manifest, catalog, ViewState(condition_id="tennis_elbow", side="right"),
                              ImageOptions(size=(800, 600), clinic_name=clinic), scene)
    assert result.png.startswith(b"\x89PNG")
    io.BytesIO(result.png)
    TRIED["long or strange clinic details"] += 1
