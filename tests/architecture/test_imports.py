"""The architecture is a test: import contracts and import budgets."""

import shutil
import subprocess
import sys

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


def test_import_contracts(repo):
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed")
    proc = subprocess.run([exe], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_work_at_import(tmp_path):
    """Importing the package and the CLI creates no files and changes no directories."""
    code = "import ims_atlas, ims_atlas.cli, ims_atlas.core.paths, ims_atlas.scene.plan"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, env={"HOME": str(tmp_path), "PATH": ""})
    assert list(tmp_path.iterdir()) == []
