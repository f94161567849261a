"""Rough edges a new user met in the window, each pinned by a test."""

import os

import numpy as np
import pytest

pytestmark = pytest.mark.gui3d

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PyQt6.QtCore import Qt  # noqa: E402


def _direction(pose):
    position, focal, _ = pose
    d = np.subtract(position, focal)
    return d / np.linalg.norm(d)


def _points_on(scene, structure_id):
    """Display points (origin bottom-left) where the picker sees the structure, clear of its edges."""
    w, h = scene.plotter.window_size
    pts = scene.structure_points([structure_id])
    corners = np.array([scene.project(p) for p in pts])
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    found = []
    for fy in np.linspace(0.2, 0.8, 7):
        for fx in np.linspace(0.2, 0.8, 7):
            x, y = round(x0 + (x1 - x0) * fx), round(y0 + (y1 - y0) * fy)
            if 3 < x < w - 3 and 3 < y < h - 3 and all(
                    scene.pick(x + dx, y + dy) == structure_id for dx, dy in ((0, 0), (-3, -3), (3, 3))):
                found.append((x, y))
    return found


def test_after_a_selection_the_next_click_lands_on_the_faded_muscle_not_the_rib_behind(open_window, catalog, qtbot):
    """A selection fades every other structure (muscles more than bones); a click on a faded
    muscle must pick that muscle, as the user sees it in front, not the rib behind it."""
    from PyQt6.QtCore import QPoint

    window = open_window(catalog, (1200, 800))
    window.set_view("anterior")
    target = "pectoralis_major_right"
    on_muscle = _points_on(window.scene, target)
    window.state.update(hidden=frozenset({target}))  # what lies behind the muscle there
    over_ribs = [(x, y) for x, y in on_muscle if window.scene.pick(x, y) == "ribcage"]
    window.state.update(hidden=frozenset())
    assert over_ribs, "the muscle must lie over the ribs somewhere in the front view"
    x, y = over_ribs[len(over_ribs) // 2]
    window.select("biceps_brachii_left")
    assert window.state.current.selection == "biceps_brachii_left"
    assert window.scene.block_style(target)[1] < window.scene.block_style("ribcage")[1]  # faded more than the ribs
    assert window.scene.pick(x, y) == target
    point = QPoint(x, window.scene.plotter.window_size[1] - 1 - y)
    qtbot.mouseClick(window.interactor.interactor, Qt.MouseButton.LeftButton, pos=point)
    assert window.state.current.selection == target


def test_the_status_bar_forgets_the_plan_after_a_segment_and_after_esc(open_window, catalog, qtbot):
    window = open_window(catalog, (1200, 800))
    window.show_condition("tennis_elbow", "right")
    assert window.statusBar().currentMessage().startswith("Tennis elbow")
    window.show_segment("C6")
    assert "Tennis elbow" not in window.statusBar().currentMessage()
    assert window.statusBar().currentMessage().startswith("Segment C6")
    window.show_condition("tennis_elbow", "right")
    window.clear()  # Esc
    assert window.statusBar().currentMessage() == ""


def test_a_view_given_with_a_condition_is_the_view_shown(open_window, catalog, qtbot):
    """``--condition ... --view posterior`` used to end on the plan's own oblique view."""
    from ims_atlas.qt.app import open_on

    window = open_window(catalog, (1200, 800))
    posterior = _direction(window.scene.view_pose("posterior"))
    # The cause: a plan turns the camera to its own view, so the view must be set after it.
    window.set_view("posterior")
    window.show_condition("tennis_elbow", "right")
    qtbot.wait(50)
    assert float(np.dot(_direction(window.scene.camera_pose()), posterior)) < 0.999
    window.clear()
    open_on(window, "tennis_elbow", None, None, "posterior")
    qtbot.wait(50)
    assert window.state.current.condition_id == "tennis_elbow" and window.state.current.side == "right"
    assert float(np.dot(_direction(window.scene.camera_pose()), posterior)) > 0.999
