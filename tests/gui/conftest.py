"""Fixtures for the real window (Xvfb + xcb)."""

import pytest


@pytest.fixture
def open_window(qtbot, manifest):
    """Open a MainWindow (optionally with a catalog) at a size, wait for its first frame, close it after."""
    from ims_atlas.qt.main_window import MainWindow

    opened = []

    def _open(catalog=None, size=(1200, 800), **kwargs):
        kwargs.setdefault("animate", False)
        w = MainWindow(manifest, catalog, **kwargs)
        qtbot.addWidget(w)
        w.resize(*size)
        with qtbot.waitSignal(w.first_frame, timeout=10000):
            w.show()
        opened.append(w)
        return w

    yield _open
    for w in opened:
        w.close()
