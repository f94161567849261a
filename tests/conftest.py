"""Shared fixtures. Tiers: unit (pure), scene (off-screen PyVista), gui (real window, Xvfb + xcb)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent

# The 3D window needs Qt's xcb platform on an X server (Xvfb in CI); "offscreen" does not
# work with pyvistaqt. pytest-xvfb starts the X server before the tests run.
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
os.environ.setdefault("IMS_ATLAS_HOME", str(REPO / ".pytest_cache" / "ims-atlas-home"))


# Property tests in CI draw the same examples on every run (derandomize), so a red CI always
# names a reproducible failure; outside CI (and with IMS_ATLAS_FUZZ_EXAMPLES for the larger
# adversarial run) they explore at random, and what they find becomes a named test.
try:
    from hypothesis import settings as _hypothesis_settings
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    _hypothesis_settings = None
if _hypothesis_settings is not None:
    _hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI") and not os.environ.get("IMS_ATLAS_FUZZ_EXAMPLES"):
        _hypothesis_settings.load_profile("ci")


#: What the bake tier (tests marked ``bake``) loads: the build extra.
BAKE_NEEDS = ("mujoco", "myo_sim")


def pytest_collection_finish(session):
    """A selected bake test without the build extra is an error, never a silent skip."""
    if not any(item.get_closest_marker("bake") for item in session.items):
        return
    missing = [name for name in BAKE_NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        raise pytest.UsageError(
            f"the bake tier needs the build extra ({', '.join(missing)} missing): "
            "bash scripts/setup.sh --bake, or leave the tier out with -m 'not bake'"
        )


def pytest_collection_modifyitems(session, config, items):
    """The long poles (tests marked ``slow``) first, in their own order: on parallel workers they
    start at once, on different workers, while the rest is shared out, instead of one of them
    starting last and keeping the whole run waiting on one worker."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def manifest():
    """The bundled anatomy manifest (or the one IMS_ATLAS_MESHES points at)."""
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.core.paths import meshes_dir

    return load_manifest(meshes_dir() / "manifest.json")


@pytest.fixture(scope="session")
def catalog(manifest):
    """The bundled catalog, checked against the bundled anatomy (loaded once per worker; a
    test module with a catalog of its own defines its own ``catalog``)."""
    from ims_atlas.catalog.load import load_catalog

    return load_catalog(None, manifest)


def colour_fractions(img: np.ndarray) -> dict[str, float]:
    """Share of pixels that look like bone (ivory), muscle (red-brown) or background (blue-grey)."""
    rgb = img[..., :3].astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    bone = (r > 120) & (g > 110) & (b > 90) & (r - b < 70) & (r >= b)
    muscle = (r > 90) & (r - g > 45) & (r - b > 45)
    background = (b >= r) & (r < 80)
    n = r.size
    return {"bone": bone.sum() / n, "muscle": muscle.sum() / n, "background": background.sum() / n}
