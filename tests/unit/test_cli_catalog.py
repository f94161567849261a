"""The catalog sub-commands: JSON shapes, plain text, exit codes 0/1/2, --catalog merging."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ims_atlas.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "catalogs"
SMALL = DATA / "small_catalog.json"
ANATOMY = DATA / "anatomy"


@pytest.fixture(autouse=True)
def small_data(monkeypatch, tmp_path):
    """The small catalog as the bundled one, the tiny anatomy as the bundled meshes."""
    (tmp_path / "site_catalog.json").write_bytes(SMALL.read_bytes())
    monkeypatch.setenv("IMS_ATLAS_DATA", str(tmp_path))
    monkeypatch.setenv("IMS_ATLAS_MESHES", str(ANATOMY))
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


# -- conditions -------------------------------------------------------------------------------


def test_conditions_json(capsys):
    view = run_json(capsys, "conditions")
    assert isinstance(view, list) and len(view) == 6
    assert view[0]["id"] == "tennis_elbow" and view[0]["name"] == "Tennis elbow"
    assert all({"id", "name", "aliases"} <= set(c) for c in view)


def test_conditions_text(capsys):
    code, out, _ = run(capsys, "conditions")
    assert code == 0 and "tennis_elbow" in out and "Golfer's elbow" in out


# -- plan -------------------------------------------------------------------------------------


def test_plan_json_shape(capsys):
    view = run_json(capsys, "plan", "tennis", "elbow", "--side", "right")
    assert view["condition"]["id"] == "tennis_elbow" and {"id", "name", "aliases"} <= set(view["condition"])
    assert view["side"] == "right" and view["segments"] == ["C5", "C6", "C7"]
    t = view["local_targets"][0]
    assert set(t) >= {"muscle", "nerve", "roots", "epicentre", "sources", "side"}
    assert t["muscle"]["id"] == "extensor_carpi_radialis_brevis" and t["epicentre"]["position"] == [-0.21, 0.0, 1.1]
    p = view["paraspinal_targets"][1]
    assert set(p) >= {"level", "side", "muscles", "position"}
    assert p["level"] == "C6" and p["side"] == "right" and p["muscles"] == [{"id": "multifidus", "name": "Multifidus"}]
    assert p["position"] is None or (len(p["position"]) == 3 and p["position"][0] < -0.025)
    assert view["safety"] and set(view["safety"][0]) >= {"text", "sources"}
    assert view["references"][0]["source"]["id"] == "gunn1976"


def test_plan_defaults_to_the_right_side_as_export_and_the_window_do(capsys):
    """One default for a condition's side everywhere (plan, export, --condition), and the text says so."""
    view = run_json(capsys, "plan", "mouse arm")
    assert view["side"] == "right"
    assert [t["side"] for t in view["local_targets"]] == ["right", "right"]
    code, out, _ = run(capsys, "plan", "mouse arm")
    assert code == 0 and out.splitlines()[0].endswith(": right side (the default; --side left, right or both)")
    code, out, _ = run(capsys, "plan", "mouse arm", "--side", "both")
    assert out.splitlines()[0].endswith(": both sides")


@pytest.mark.parametrize("query", ["tenis elbo", "lateral epicondylitis", "Mouse arm", "tennis_elbow", "TENNIS ELBOW"])
def test_plan_accepts_any_name(capsys, query):
    assert run_json(capsys, "plan", query)["condition"]["id"] == "tennis_elbow"


def test_plan_text(capsys):
    code, out, err = run(capsys, "plan", "sore heel", "--side", "left")
    assert code == 0, err
    assert out.startswith("Plantar heel pain") and "Quadratus plantae" in out and "S1 foramen" in out


def test_plan_no_match_exits_2_with_suggestions(capsys):
    code, out, err = run(capsys, "plan", "xyz")
    assert code == 2 and out == ""
    assert err.startswith("no condition matches 'xyz'")
    code, out, err = run(capsys, "plan", "plantar fasc stuff thing")
    assert code == 2 and "did you mean: " in err and "plantar_heel_pain" in err


def test_plan_ambiguous_exits_2(capsys):
    code, _, err = run(capsys, "plan", "elbow")
    assert code == 2 and "matches several conditions equally" in err and "tennis_elbow" in err and "golfers_elbow" in err


def test_plan_bad_side_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["plan", "tennis elbow", "--side", "middle"])
    assert info.value.code == 2


# -- muscle and segment -----------------------------------------------------------------------


def test_muscle_json(capsys):
    view = run_json(capsys, "muscle", "peroneus", "longus")
    assert view["id"] == "fibularis_longus"
    assert {"id", "name", "aliases", "nerve", "roots", "sources", "conditions"} <= set(view)
    assert view["conditions"] == [{"id": "sciatica", "name": "Sciatica"}]
    assert run_json(capsys, "muscle", "ECRB")["roots"] == [
        {"segment": "C6", "contribution": "major"}, {"segment": "C7", "contribution": "major"}]


def test_muscle_text_and_no_match(capsys):
    code, out, _ = run(capsys, "muscle", "supinater")
    assert code == 0 and out.startswith("Supinator (supinator)")
    code, _, err = run(capsys, "muscle", "qqqqzzz")
    assert code == 2 and err.startswith("no muscle matches 'qqqqzzz'")


@pytest.mark.parametrize("query", [["C6"], ["c", "6"], ["C6", "root"]])
def test_segment_json(capsys, query):
    view = run_json(capsys, "segment", *query)
    assert {"segment", "muscles", "paraspinal_level", "conditions"} <= set(view)
    assert view["segment"] == "C6" and view["paraspinal_level"] == "C5-C6"
    assert {"id", "name", "contribution"} == set(view["muscles"][0])
    assert [c["id"] for c in view["conditions"]] == ["tennis_elbow", "golfers_elbow"]


def test_segment_text_and_errors(capsys):
    code, out, _ = run(capsys, "segment", "L5")
    assert code == 0 and "L5-S1" in out and "Piriformis (minor)" in out
    code, _, err = run(capsys, "segment", "C9")
    assert code == 2 and "no segment matches 'C9'" in err
    code, _, err = run(capsys, "segment", "S4")
    assert code == 2 and "not covered" in err


# -- validate ---------------------------------------------------------------------------------


def test_validate_bundled_ok_with_warnings_exits_0(capsys):
    code, out, _ = run(capsys, "validate")
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[-1].startswith("OK: ") and lines[-1].endswith("0 error(s), 7 warning(s)")
    assert ": $.muscles[2].id: warning: muscle 'pronator_teres' has no mesh" in lines[0]


def test_validate_broken_file_exits_1_and_prints_every_problem(capsys):
    file = DATA / "broken" / "many_problems.json"
    code, out, _ = run(capsys, "validate", str(file))
    assert code == 1
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert len(errors) == 6
    assert f"{file}: $.conditions[0].local_targets[0].muscle: error: unknown muscle 'no_such_muscle'" in errors[0]
    assert out.splitlines()[-1].startswith("FAILED: ")


def test_validate_point_outside_uses_the_default_manifest(capsys):
    code, out, _ = run(capsys, "validate", str(DATA / "broken" / "point_outside.json"))
    assert code == 1 and "lies 70.0 mm outside muscle 'extensor_carpi_radialis_brevis'" in out


def test_validate_json(capsys):
    code, out, _ = run(capsys, "validate", str(DATA / "broken" / "unknown_source.json"), "--json")
    problems = json.loads(out)
    assert code == 1
    err = [p for p in problems if p["severity"] == "error"]
    assert err == [{"file": str(DATA / "broken" / "unknown_source.json"), "path": "$.conditions[0].references[0].source",
                    "severity": "error",
                    "message": "unknown source 'gunn1967' (did you mean 'gunn1976'?); add it to $.sources or fix the id"}]


def test_validate_user_catalog_with_catalog_option(capsys):
    code, out, _ = run(capsys, "validate", "--catalog", str(DATA / "user" / "broken_reference.json"))
    assert code == 1 and "unknown muscle 'not_a_muscle'" in out
    code, out, _ = run(capsys, "validate", "--catalog", str(DATA / "user" / "adds_condition.json"))
    assert code == 0


def test_validate_missing_file(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", str(tmp_path / "none.json"))
    assert code == 1 and "file not found" in out


# -- --catalog on every command ---------------------------------------------------------------


def test_user_catalog_merges_into_every_command(capsys):
    user = str(DATA / "user" / "adds_condition.json")
    assert run_json(capsys, "conditions", "--catalog", user)[-1]["id"] == "wrist_pain"
    assert run_json(capsys, "plan", "typing wrist", "--catalog", user)["condition"]["id"] == "wrist_pain"
    assert run_json(capsys, "muscle", "FCR", "--catalog", user)["conditions"] == [{"id": "wrist_pain", "name": "Wrist pain"}]
    assert "flexor_carpi_radialis" in [m["id"] for m in run_json(capsys, "segment", "C6", "--catalog", user)["muscles"]]


def test_broken_user_catalog_is_reported_never_fatal(capsys):
    code, out, err = run(capsys, "plan", "tennis elbow", "--json", "--catalog", str(DATA / "user" / "truncated.json"))
    assert code == 0 and json.loads(out)["condition"]["id"] == "tennis_elbow"
    assert "truncated.json: error: not valid JSON" in err and "was not applied" in err


def test_broken_bundled_catalog_exits_1(capsys, small_data):
    (small_data / "site_catalog.json").write_bytes((DATA / "broken" / "wrong_type.json").read_bytes())
    code, out, err = run(capsys, "conditions")
    assert code == 1 and out == "" and "$.conditions[0].name: error: must be a string" in err


# -- as a process -----------------------------------------------------------------------------


def _env(small_data):
    env = dict(os.environ, IMS_ATLAS_DATA=str(small_data), IMS_ATLAS_MESHES=str(ANATOMY), PYTHONIOENCODING="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_python_m_plan_subprocess(small_data):
    proc = subprocess.run([sys.executable, "-m", "ims_atlas", "plan", "sciática", "--side", "left", "--json"],
                          capture_output=True, text=True, env=_env(small_data), cwd=ROOT, timeout=60, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    view = json.loads(proc.stdout)
    assert view["condition"]["id"] == "sciatica" and view["side"] == "left"
    assert [p["level"] for p in view["paraspinal_targets"]] == ["L4", "L5", "S1"]
    proc = subprocess.run([sys.executable, "-m", "ims_atlas", "plan", "xyz"], capture_output=True, text=True,
                          env=_env(small_data), cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "no condition matches 'xyz'" in proc.stderr and "Traceback" not in proc.stderr


def test_catalog_commands_import_no_gui_or_vtk(small_data):
    code = ("import sys; from ims_atlas.cli import main; import ims_atlas.cli;"
            "rc = main(['plan', 'tennis elbow', '--json']);"
            "bad = [m for m in ('PyQt6', 'pyvista', 'vtk', 'vtkmodules', 'pyvistaqt') if m in sys.modules];"
            "print(bad, file=sys.stderr); sys.exit(rc or (3 if bad else 0))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(small_data), cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_options_before_the_sub_command_are_kept(capsys):
    """``ims-atlas --catalog F plan ...``: the sub-command must not reset the window's options."""
    user = str(DATA / "user" / "adds_condition.json")
    code, out, err = run(capsys, "--catalog", user, "plan", "typing wrist", "--json")
    assert code == 0, err
    assert json.loads(out)["condition"]["id"] == "wrist_pain"
    code, out, _ = run(capsys, "--side", "left", "plan", "tennis elbow", "--json")
    assert {t["side"] for t in json.loads(out)["local_targets"]} == {"left"}


def test_plan_json_gains_views(capsys):
    """Issue 16: ``views`` (name, unit camera direction in the model frame, target ids); issue 17:
    ``contraindications`` and ``red_flags``; the other keys as before."""
    view = run_json(capsys, "plan", "tennis", "elbow", "--side", "right")
    before = {"condition", "side", "segments", "core_segments", "rationale", "derivation", "segment_sources",
              "local_targets", "paraspinal_targets", "safety", "references"}
    assert before | {"views", "contraindications", "red_flags", "not_drawn"} <= set(view)
    assert view["not_drawn"] == [], "every target of the small catalog has a mesh in the tiny anatomy"
    assert view["views"], "the tiny anatomy has the meshes to choose a view"
    keys = {f"local:{t['muscle']['id']}:{t['side']}" for t in view["local_targets"]}
    keys |= {f"paraspinal:{p['level']}:{p['side']}" for p in view["paraspinal_targets"]}
    for v in view["views"]:
        assert set(v) == {"name", "direction", "targets", "group"}
        assert v["name"] in ("anterior", "posterior", "inferior", "lateral-right", "medial-right")
        assert abs(sum(c * c for c in v["direction"]) - 1.0) < 1e-6
        assert v["targets"] and set(v["targets"]) <= keys
