"""Fixtures of the export tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def scene(manifest, request):
    """One off-screen scene per test module, at the module's ``SIZE``."""
    pytest.importorskip("pyvista")
    from ims_atlas.export.render import OffscreenScene

    with OffscreenScene(manifest, request.module.SIZE) as s:
        yield s
