"""The architecture is a test: import contracts and import budgets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = {"pyvista", "vtkmodules", "vtk", "PyQt6", "qtpy", "pyvistaqt", "mujoco", "myo_sim"}

BUDGET = {
    "ims_atlas": set(),
    "ims_atlas.cli": set(),
    "ims_atlas.core.ids": set(),
    "ims_atlas.anatomy.manifest": set(),
    "ims_atlas.anatomy.spine": set(),
    "ims_atlas.scene.plan": set(),
    "ims_atlas.study.assessment": set(),
    "ims_atlas.study.quiz": set(),
    "ims_atlas.study.dermatomes": set(),
    "ims_atlas.study.body_landmarks": set(),
    "ims_atlas.scene.study_pictures": set(),
    "ims_atlas.cli.study_commands": set(),
    "ims_atlas.scene.views": set(),
    "ims_atlas.scene.mesh_cache": set(),
    "ims_atlas.scene.controller": {"pyvista", "vtkmodules"},
}


@pytest.mark.parametrize(("module", "allowed"), BUDGET.items())
def test_import_budget(module, allowed):
    code = f"import sys, {module}; print(*sorted({{m.split('.')[0] for m in sys.modules}}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split()) & HEAVY
    assert loaded <= allowed, f"{module} pulls in {sorted(loaded - allowed)}"


def test_catalog_layer_is_light_if_present():
    code = (
        "import sys, pkgutil, importlib, ims_atlas.catalog as c\n"
        "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('ims_atlas.catalog.' + m.name)\n"
        "print(*sorted({m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert not (set(out.stdout.split()) & HEAVY)


def _lint_imports() -> Path:
    """``lint-imports`` as installed beside the running interpreter (a venv's ``bin/``)."""
    name = "lint-imports.exe" if os.name == "nt" else "lint-imports"
    return Path(sys.executable).parent / name


def test_import_contracts(repo):
    """The contracts in pyproject.toml hold. Missing import-linter is a failure, not a skip."""
    exe = _lint_imports()
    assert exe.is_file(), f"{exe} not found: install the test extra (pip install -e '.[test]')"
    proc = subprocess.run([str(exe), "--no-cache"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    kept = [line for line in proc.stdout.splitlines() if line.rstrip().endswith("KEPT")]
    assert "0 broken" in proc.stdout and len(kept) >= 4, proc.stdout


def test_a_broken_contract_fails(repo, tmp_path):
    """The contract check can fail: a pure module that imports pyvista breaks the VTK contract."""
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(repo / "ims_atlas", copy / "ims_atlas", ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copytree(repo / "tests" / "architecture", copy / "tests" / "architecture",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "tests" / "__init__.py").write_text("")
    shutil.copy(repo / "pyproject.toml", copy / "pyproject.toml")
    # A module that did not exist when the contract was written: the wildcards catch it.
    (copy / "ims_atlas" / "scene" / "new_helper.py").write_text('"""New."""\nimport pyvista\n')
    proc = subprocess.run([str(_lint_imports()), "--no-cache"], cwd=copy, capture_output=True, text=True)
    assert proc.returncode != 0, proc.stdout
    assert "ims_atlas.scene.new_helper is not allowed to import pyvista" in proc.stdout, proc.stdout


def test_no_work_at_import(tmp_path):
    """Importing the package and the CLI creates no files and changes no directories."""
    code = "import ims_atlas, ims_atlas.cli, ims_atlas.core.paths, ims_atlas.scene.plan"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, env={"HOME": str(tmp_path), "PATH": ""})
    assert list(tmp_path.iterdir()) == []
