"""Catalogs, settings, manifests and meshes are data only: nothing in them is ever executed.

Two kinds of test. A scan of the source (``ims_atlas/``) for the ways Python runs code from
data: ``eval``/``exec``/``compile``/``__import__``, unpickling (``pickle``, ``marshal``,
``shelve``, ``np.load(allow_pickle=True)``), ``yaml.load``, shell commands. And live payloads
put everywhere a clinic's file can hold text, run through every loader and command: each would
create a marker file if it were executed; the marker must never appear. Control tests show the
payloads are live (executed the unsafe way, they do create their marker).
"""

from __future__ import annotations

import ast
import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ims_atlas.anatomy.manifest import open_manifest
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.catalog.load import load_catalog, load_catalog_with_user
from ims_atlas.catalog.plan import treatment_plan
from ims_atlas.catalog.search import CatalogSearch
from ims_atlas.cli import main
from ims_atlas.core.errors import DataError
from ims_atlas.core.settings import load_settings, parse_settings, save_settings

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "ims_atlas"
DATA = REPO / "tests" / "data" / "catalogs"

# -- the source scan ------------------------------------------------------------------------------

_RUNS_CODE = {"eval", "exec", "compile", "__import__", "execfile", "breakpoint"}
_UNPICKLERS = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "jsonpickle", "joblib"}
_SHELL = {("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "execve"), ("os", "execl"), ("os", "execvp"),
          ("os", "spawnv"), ("os", "spawnl"), ("os", "startfile"), ("runpy", "run_path"), ("runpy", "run_module"),
          ("pty", "spawn")}
_YAML_LOADERS = {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def unsafe_uses(source: str, filename: str = "<source>") -> list[str]:
    """Every place in ``source`` that can run code taken from data, as ``file:line: what``."""
    found: list[str] = []

    def flag(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{node.lineno}: {what}")

    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in _UNPICKLERS:
                    flag(node, f"imports {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in _UNPICKLERS:
                flag(node, f"imports from {node.module}")
            if (node.module or "").split(".")[0] == "yaml" and any(a.name in _YAML_LOADERS for a in node.names):
                flag(node, "imports an unsafe YAML loader")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            parts = name.split(".")
            keywords = {k.arg: k.value for k in node.keywords}
            if isinstance(node.func, ast.Name) and node.func.id in _RUNS_CODE:
                flag(node, f"calls {node.func.id}()")
            elif parts[0] in _UNPICKLERS:
                flag(node, f"calls {name}()")
            elif len(parts) >= 2 and parts[-2] == "yaml" and parts[-1] in _YAML_LOADERS:
                flag(node, f"calls {name}() (use yaml.safe_load)")
            elif tuple(parts[-2:]) in _SHELL:
                flag(node, f"calls {name}()")
            elif parts[0] == "subprocess" and not (isinstance(keywords.get("shell"), ast.Constant)
                                                   and keywords["shell"].value is False) and "shell" in keywords:
                flag(node, f"calls {name}(shell=...)")
            elif parts[-1] == "load" and parts[0] in ("np", "numpy"):
                allow = keywords.get("allow_pickle")
                if not (isinstance(allow, ast.Constant) and allow.value is False):
                    flag(node, f"calls {name}() without allow_pickle=False")
            elif name.endswith("import_module") and node.args and not isinstance(node.args[0], ast.Constant):
                flag(node, f"calls {name}() with a module name computed at run time")
    return found


def test_the_source_never_runs_code_from_data():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += unsafe_uses(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("snippet", [
    "eval(text)", "exec(code)", "compile(src, 'f', 'exec')", "__import__(name)", "import pickle",
    "from pickle import loads", "import marshal", "import shelve", "yaml.load(f)", "from yaml import unsafe_load",
    "yaml.full_load(f)", "os.system(cmd)", "os.popen(cmd)", "subprocess.run(cmd, shell=True)",
    "np.load(path)", "np.load(path, allow_pickle=True)", "numpy.load(path, allow_pickle=flag)",
    "importlib.import_module(name)", "runpy.run_path(p)",
])
def test_the_scan_finds_each_way_of_running_code(snippet):
    assert unsafe_uses(snippet), snippet


@pytest.mark.parametrize("snippet", [
    "np.load(path, allow_pickle=False)", "yaml.safe_load(f)", "json.loads(text)", "app.exec()", "box.exec()",
    "re.compile(p)", "importlib.import_module('ims_atlas.qt')", "subprocess.run(['ls'])", "ast.literal_eval(t)",
])
def test_the_scan_allows_safe_look_alikes(snippet):
    assert unsafe_uses(snippet) == []


# -- live payloads ------------------------------------------------------------------------------------


def payloads(marker: Path) -> list[str]:
    """Texts that create ``marker`` if anything evaluates, formats, templates or shells them."""
    m = str(marker)
    return [
        f"__import__('os').system('touch {m}')",
        f"exec(\"open('{m}', 'w').close()\")",
        f"$(touch {m})",
        f"`touch {m}`",
        f"'; touch {m}; echo '",
        f"!!python/object/apply:os.system ['touch {m}']",
        f"{{{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch {m}') }}}}",
        f"{{0.__class__.__mro__[1].__subclasses__}} touch {m}",
        f"%(x)s touch {m} %n",
        f"<img src=x onerror=\"fetch('file://{m}')\">",
        f"c__builtin__\neval\n(V__import__('os').system('touch {m}')\ntR.",
    ]


class _Payload:
    """Unpickling this runs ``touch marker`` (what a malicious .npz could carry)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _pickle_npz(marker: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in ("points", "faces"):
            member = io.BytesIO()
            array = np.empty(1, dtype=object)
            array[0] = _Payload(marker)
            np.lib.format.write_array(member, array, allow_pickle=True)
            zf.writestr(f"{name}.npy", member.getvalue())
    return buf.getvalue()


def test_control_the_payloads_are_live(tmp_path):
    """Evaluated or unpickled the unsafe way, the payloads do create their marker file."""
    marker = tmp_path / "control-eval"
    eval(payloads(marker)[0])  # noqa: S307 - the control: this is what the app must never do
    assert marker.exists()
    marker = tmp_path / "control-pickle"
    (tmp_path / "mesh.npz").write_bytes(_pickle_npz(marker))
    with np.load(tmp_path / "mesh.npz", allow_pickle=True) as z:
        z["points"]
    assert marker.exists()
    marker = tmp_path / "control-pickle-bytes"
    pickle.loads(pickle.dumps(_Payload(marker)))  # noqa: S301
    assert marker.exists()


@pytest.fixture
def marker(tmp_path) -> Path:
    """The file a payload would create; it must not exist after the test."""
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), f"a payload was executed: {path} exists"


def _one_line(texts: list[str]) -> list[str]:
    return [t.replace("\n", " ") for t in texts]


def _payload_user_catalog(marker: Path) -> dict:
    """A user catalog with a payload in every text field (and as ids where ids are free text)."""
    texts = payloads(marker)
    text = (DATA / "user" / "adds_condition.json").read_text(encoding="utf-8")
    seed = json.loads(text.replace('"lasts"', '"clinic_notes"'))  # a source of the small catalog only
    seed["sources"]["clinic_notes"] = {"citation": texts[0], "notes": texts[1], "url": f"http://x/{texts[2]}"}
    names = _one_line(texts)  # a name is one line (the text rules refuse a line break in one)
    muscle = seed["muscles"][0]
    muscle.update(name=names[3], lay_name=names[4], aliases=names[:8], region=texts[5], nerve=texts[6],
                  notes=texts[7])
    condition = seed["conditions"][0]
    condition.update(name=names[8], lay_name=names[9], aliases=names[:10], lay_terms=names, region=texts[10],
                     explanation=" ".join(texts))
    condition["local_targets"][0]["epicentre"]["description"] = texts[0]
    condition["root_segments"]["rationale"] = texts[1]
    condition["safety"] = [{"text": t, "sources": ["clinic_notes"]} for t in texts]
    return seed


def test_catalog_payloads_are_never_executed(tmp_path, marker, capsys):
    user = tmp_path / "user.json"
    user.write_text(json.dumps(_payload_user_catalog(marker)), encoding="utf-8")
    catalog, problems = load_catalog_with_user(None, user)
    assert not [p for p in problems if p.severity == "error"], problems
    assert catalog.has_condition("wrist_pain")
    search = CatalogSearch(catalog)
    for text in payloads(marker):
        search.search(text)
        search.closest(text, 3)
    for condition in catalog.conditions:
        treatment_plan(catalog, None, condition.id, "both")
    for argv in (["conditions"], ["conditions", "--json"], ["plan", "wrist pain"], ["plan", "wrist_pain", "--json"],
                 ["muscle", "flexor carpi radialis"], ["muscle", "flexor_carpi_radialis", "--json"],
                 ["segment", "C6"], ["validate"], ["plan", payloads(marker)[0]], ["muscle", payloads(marker)[2]]):
        main([*argv, "--catalog", str(user)])
    out, _ = capsys.readouterr()
    assert _one_line(payloads(marker))[8] in out  # the payload is shown as the condition's name: plain text


def test_bundled_catalog_payloads_are_never_executed(tmp_path, marker, monkeypatch, capsys):
    doc = json.loads((REPO / "site_catalog.json").read_text(encoding="utf-8"))
    texts = payloads(marker)
    for i, condition in enumerate(doc["conditions"]):
        condition["explanation"] = texts[i % len(texts)]
        condition["lay_terms"] = _one_line(texts)  # a name is one line; the multi-line payload is in the explanation
    for i, muscle in enumerate(doc["muscles"]):
        muscle["notes"] = texts[i % len(texts)]
    (tmp_path / "site_catalog.json").write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setenv("IMS_ATLAS_DATA", str(tmp_path))
    monkeypatch.setenv("IMS_ATLAS_MESHES", str(REPO / "meshes"))
    catalog = load_catalog()
    CatalogSearch(catalog).search(texts[0])
    for argv in (["validate"], ["conditions", "--json"], ["plan", "tennis elbow"]):
        main(argv)
    capsys.readouterr()


def test_settings_payloads_are_never_executed(tmp_path, marker):
    texts = payloads(marker)
    doc = {"version": 1, "clinic": {"name": texts[0], "contact": texts[2], "logo": texts[3], "handout_note": texts[1]},
           "presets": [{"name": t[:80], "condition_id": t, "segment": t} for t in texts], "last_view": texts[4],
           texts[5]: texts[6]}
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    settings, _ = load_settings(path)
    assert settings.clinic.name == texts[0]  # kept as text
    save_settings(settings, tmp_path / "again.json")
    load_settings(tmp_path / "again.json")
    # A settings file that is a pickle (or YAML) is rejected as not JSON, never unpickled.
    settings, problems = parse_settings(pickle.dumps(_Payload(marker)))
    assert problems and "defaults used" in problems[0].message
    parse_settings(texts[5].encode())


def test_manifest_and_mesh_payloads_are_never_executed(tmp_path, marker):
    texts = payloads(marker)
    structures = [{"id": f"s{i}", "name": t, "kind": "bone", "layer": "bones", "side": "left", "region": t,
                   "file": f"{i}.npz", "source": t, "licence": t} for i, t in enumerate(texts)]
    structures.append({"id": "shell", "name": "x", "kind": "bone", "layer": "bones", "side": "left",
                       "file": f"$(touch {marker}).npz"})
    (tmp_path / "manifest.json").write_text(json.dumps({"format_version": 1, "structures": structures}),
                                            encoding="utf-8")
    manifest, _ = open_manifest(tmp_path / "manifest.json")
    (tmp_path / "0.npz").write_bytes(_pickle_npz(marker))
    with pytest.raises(DataError, match="corrupt"):
        read_mesh(tmp_path / "0.npz")
    from ims_atlas.anatomy.mesh_file import mesh_file_problems

    assert len(mesh_file_problems(manifest)) == len(manifest)  # all missing or refused, none run
