"""A normal run prints what it made and nothing else: no warnings from VTK, Python or the app."""

import os
import subprocess
import sys

import pytest
from PIL import Image


def _run(args, cwd, home):
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}  # as on a server: no X at all
    env.update(IMS_ATLAS_HOME=str(home), PYTHONWARNINGS="default")
    return subprocess.run([sys.executable, "-m", "ims_atlas", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("args", [["validate"], ["plan", "tennis elbow", "--json"]])
def test_catalog_commands_print_no_warnings(tmp_path, args):
    proc = _run(args, tmp_path, tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_an_export_without_a_display_prints_no_warnings(tmp_path):
    """VTK would try X first and warn "bad X server connection"; it is sent to EGL instead."""
    out = tmp_path / "plan.png"
    proc = _run(["export", "tennis elbow", "--out", str(out), "--size", "640x480"], tmp_path, tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    # the side is stated, and that it is the default (plan and the window's --condition share it)
    assert proc.stdout.strip() == f"saved {out} (640x480, right side (the default; --side left, right or both))"
    assert Image.open(out).size == (640, 480)
