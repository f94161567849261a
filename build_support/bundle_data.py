"""Copy the bundled data into the wheel.

The catalog and the meshes stay at the top of the repository (the layout the README shows);
the built package carries a copy of them as ``ims_atlas/data/``, where
:func:`ims_atlas.core.paths.data_root` finds them through :mod:`importlib.resources`. An
editable install copies nothing: the package then reads the repository's own files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent.parent

#: What goes into ``ims_atlas/data``: the catalog and every mesh file beside its manifest.
DATA_FILES = ("site_catalog.json",)
DATA_DIRS = ("meshes",)


class BuildPy(build_py):
    """``build_py`` that also copies the catalog and ``meshes/`` into the built package."""

    def run(self) -> None:
        """Build the package as usual, then copy the data in (not for an editable install)."""
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "ims_atlas" / "data"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in DATA_FILES:
            shutil.copy2(ROOT / name, target / name)
        for name in DATA_DIRS:
            shutil.copytree(ROOT / name, target / name)
