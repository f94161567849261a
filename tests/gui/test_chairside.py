"""Chair-side flow in the real window: type a condition, pick a side, see both target colours."""

import os

import numpy as np
import pytest

pytestmark = pytest.mark.gui3d

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PyQt6.QtCore import Qt  # noqa: E402

from ims_atlas.scene.palette import DEFAULT_PALETTE  # noqa: E402


@pytest.fixture
def window(open_window, catalog):
    return open_window(catalog, (1400, 900))


def _mask(img, rgb, tol=0.22):
    """Pixels whose chromaticity matches a palette colour (shading scales brightness only)."""
    img = img[..., :3].astype(float)
    s = img.sum(axis=2, keepdims=True) + 1e-6
    chroma = img / s
    want = np.array(rgb, float)
    want = want / want.sum()
    close = np.abs(chroma - want).sum(axis=2) < tol
    return close & (img.max(axis=2) > 60)


def test_type_tennis_elbow_pick_right_shows_local_and_paraspinal(window, qtbot):
    qtbot.mouseClick(window.search_panel.side_buttons["right"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.search_panel.box, "tennis elbow")
    assert window.search_panel.results.count() > 0
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    assert window.state.current.condition_id == "tennis_elbow"
    assert window.state.current.side == "right"
    img = np.asarray(window.scene.plotter.screenshot(return_img=True))
    h, w = img.shape[:2]
    local = _mask(img, DEFAULT_PALETTE.local)
    # The paraspinal targets: the blue muscles at the levels and their sky-blue needle points.
    para = _mask(img, DEFAULT_PALETTE.paraspinal) | _mask(img, DEFAULT_PALETTE.paraspinal_marker)
    assert local.sum() > 200, "the local (orange) targets must show"
    assert para.sum() > 50, "the paraspinal (blue) targets must show"
    # The forearm targets face one way, the spine's another: two views side by side, the
    # muscles to treat on the left, the needle points beside the spine on the right.
    assert window.scene.split and [v.group for v in window.picture.views] == ["local", "spine"]
    # (the sky-blue needle points beside the spine are drawn only in the spine's view)
    # (a cube face turned to the light saturates the blue channel at 255, which shifts the
    # chromaticity by up to 0.09 from the palette's: 112, 234, 255 for 86, 180, 233)
    _, px = np.nonzero(_mask(img, DEFAULT_PALETTE.paraspinal_marker, 0.1) & (img.max(axis=2) > 180))
    _, lx = np.nonzero(local)
    assert len(px) and lx.mean() < w / 2 < np.median(px)
    # One click shows the spine's view alone, another the local one, a third both again.
    qtbot.mouseClick(window.panel_buttons["spine"], Qt.MouseButton.LeftButton)
    window.camera.finish()
    assert window.state.current.panels == "spine" and not window.scene.split
    img = np.asarray(window.scene.plotter.screenshot(return_img=True))
    assert (_mask(img, DEFAULT_PALETTE.paraspinal) | _mask(img, DEFAULT_PALETTE.paraspinal_marker)).sum() > 50
    qtbot.mouseClick(window.panel_buttons["local"], Qt.MouseButton.LeftButton)
    window.camera.finish()
    img = np.asarray(window.scene.plotter.screenshot(return_img=True))
    assert window.state.current.panels == "local" and _mask(img, DEFAULT_PALETTE.local).sum() > 200
    qtbot.mouseClick(window.panel_buttons["both"], Qt.MouseButton.LeftButton)
    assert window.scene.split and window.panel_buttons["both"].isChecked()
    html = window.plan_view.toPlainText()
    assert "Extensor carpi radialis brevis" in html and "C6" in html


def test_left_side_moves_the_targets(window, qtbot):
    window.show_condition("tennis_elbow", "right")
    right = np.nonzero(_mask(np.asarray(window.scene.plotter.screenshot(return_img=True)), DEFAULT_PALETTE.local))[1].mean()
    qtbot.mouseClick(window.search_panel.side_buttons["left"], Qt.MouseButton.LeftButton)
    assert window.state.current.side == "left"
    style = window.scene.block_style("extensor_carpi_radialis_brevis_left")
    assert np.allclose(style[0], DEFAULT_PALETTE.local, atol=1e-3)
    other = window.scene.block_style("extensor_carpi_radialis_brevis_right")
    assert not np.allclose(other[0], DEFAULT_PALETTE.local, atol=1e-3)
    left = np.nonzero(_mask(np.asarray(window.scene.plotter.screenshot(return_img=True)), DEFAULT_PALETTE.local))[1].mean()
    assert left < right


def test_segment_c6_lights_the_muscles_it_supplies(window, qtbot, catalog):
    window.segment_box.setFocus()
    window.segment_box.setCurrentIndex(window.segment_box.findData("C6"))
    assert window.state.current.segment == "C6"
    supplied = {m.id for m, c in catalog.muscles_for_segment("C6") if c == "major"}
    lit = [sid for sid in window.scene.structure_ids
           if np.allclose(window.scene.block_style(sid)[0], DEFAULT_PALETTE.local, atol=1e-3)]
    lit_muscles = {window._manifest[sid].muscle for sid in lit}
    assert "extensor_carpi_radialis_brevis" in lit_muscles or "biceps_brachii" in lit_muscles
    assert lit_muscles <= supplied
    assert "Segment C6" in window.plan_view.toPlainText()


def test_nonsense_search_says_so_and_changes_nothing(window, qtbot):
    qtbot.keyClicks(window.search_panel.box, "xqzzv###")
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    assert window.state.current.condition_id is None
    assert "Nothing matches" in window.search_panel.message.text()


def test_escape_clears(window, qtbot):
    window.show_condition("sciatica", "both")
    assert window.state.current.condition_id == "sciatica"
    window.clear()
    assert window.state.current.condition_id is None
    assert window.scene.block_style("femur_left")[1] == 1.0
