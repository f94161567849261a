"""Study and session features in the real window: click and hover to name, isolate/hide,
opacity, labels, presets that survive a restart, remembered window and view, crash dialog."""

import os

import numpy as np
import pytest

pytestmark = pytest.mark.gui3d

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PyQt6.QtCore import QPoint, Qt  # noqa: E402

from ims_atlas.core.settings import load_settings  # noqa: E402


def _focus_scene(window, qtbot):
    """Make the window active with the 3D view focused, so single-letter shortcuts reach it
    (in the search box the same keys type text)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.interactor.interactor.setFocus()
    qtbot.waitUntil(window.interactor.interactor.hasFocus, timeout=3000)


def _widget_point(window, structure_id):
    """A point (Qt widget pixels) where the structure is what the picker sees, a few pixels
    clear of its edges (a click lands on a whole pixel; neighbouring muscles touch), or None."""
    scene = window.scene
    w, h = scene.plotter.window_size
    pts = scene.structure_points([structure_id])
    corners = np.array([scene.project(p) for p in
                        [(x, y, z) for x in pts[:, 0] for y in pts[:, 1] for z in pts[:, 2]]])
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    for fy in np.linspace(0.1, 0.9, 17):
        for fx in np.linspace(0.1, 0.9, 9):
            x, y = round(x0 + (x1 - x0) * fx), round(y0 + (y1 - y0) * fy)
            if not (3 < x < w - 3 and 3 < y < h - 3) or scene.pick(x, y) != structure_id:
                continue
            if all(scene.pick(x + dx, y + dy) == structure_id for dx in (-3, 3) for dy in (-3, 3)):
                return QPoint(x, h - 1 - y)
    return None


def test_click_a_muscle_names_it_with_nerve_and_roots(open_window, catalog, qtbot):
    window = open_window(catalog, (1400, 900))
    window.set_view("posterior")
    qtbot.wait(50)
    target = "extensor_carpi_radialis_brevis_right"
    window.state.update(view="right")
    window.set_view("right")
    point = _widget_point(window, target)
    if point is None:  # the muscle may sit behind another one from this side: pick one that shows
        target = "brachioradialis_right"
        point = _widget_point(window, target)
    assert point is not None, "the muscle must be visible somewhere in the view"
    widget = window.interactor.interactor
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=point)
    assert window.state.current.selection == target
    text = window.plan_view.toPlainText()
    muscle = catalog.muscle(target.rsplit("_", 1)[0])
    assert muscle.name in text
    assert "nerve" in text.lower() and any(r.segment in text for r in muscle.roots)
    # A click on the background clears the selection.
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert window.state.current.selection is None


def test_drag_rotates_instead_of_selecting(open_window, catalog, qtbot):
    window = open_window(catalog, (1200, 800))
    widget = window.interactor.interactor
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    muscle = next(sid for sid in window.scene.structure_ids if window.scene.blocks.coarse_blocks.get(sid))
    # Close up on it (in a whole-body view it is drawn from its coarse copy even at rest).
    window.scene.frame(window.scene.structure_points([muscle]), (0.0, -1.0, 0.0), margin=1.5)
    before = window.scene.camera_pose()
    assert not window.scene.moving and not window.scene.uses_coarse(muscle)
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=centre)
    assert not window.scene.moving  # a press alone is not a drag
    during = []
    for dx in range(20, 120, 20):
        qtbot.mouseMove(widget, QPoint(centre.x() + dx, centre.y()))
        during.append(window.scene.uses_coarse(muscle))
    assert window.scene.moving and all(during[1:])  # coarse copies while the hand turns the model
    renders = []
    tag = window.interactor.render_window.AddObserver("EndEvent", lambda *_: renders.append(1))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(centre.x() + 120, centre.y()))
    qtbot.waitUntil(lambda: bool(renders), timeout=3000)
    window.interactor.render_window.RemoveObserver(tag)
    assert not window.scene.moving and not window.scene.uses_coarse(muscle)  # full detail at rest, redrawn
    assert window.state.current.selection is None
    assert window.scene.camera_pose() != before


def test_hover_shows_the_name(open_window, catalog, qtbot):
    window = open_window(catalog, (1200, 800))
    point = _widget_point(window, "vertebra_l1") or _widget_point(window, "ribcage")
    assert point is not None
    names = []
    window.mouse.hovered.connect(names.append)
    qtbot.mouseMove(window.interactor.interactor, point)
    qtbot.waitUntil(lambda: bool(names), timeout=3000)
    assert names[-1] in {"vertebra_l1", "ribcage"}
    assert window.statusBar().currentMessage() in {"L1 vertebra", "Ribcage"} or window.statusBar().currentMessage()


def test_isolate_hide_and_show_all(open_window, catalog, qtbot):
    window = open_window(catalog, (1200, 800))
    sid = "gluteus_maximus_right"
    window.select(sid)
    _focus_scene(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_I)
    visible = [s for s in window.scene.structure_ids if window.scene.block_style(s)[2]]
    assert visible == [sid]
    qtbot.keyClick(window, Qt.Key.Key_A)
    assert all(window.scene.block_style(s)[2] for s in window.scene.structure_ids)
    window.select(sid)
    qtbot.keyClick(window, Qt.Key.Key_H)
    assert not window.scene.block_style(sid)[2]
    assert window.scene.block_style("gluteus_maximus_left")[2]
    window.show_all()
    assert window.scene.block_style(sid)[2]


def test_layer_opacity_slider_changes_the_drawn_opacity(open_window, catalog, qtbot):
    window = open_window(catalog, (1200, 800))
    slider = window.layers_panel.sliders["muscles"]
    slider.setValue(30)
    assert window.scene.block_style("gluteus_maximus_right")[1] == pytest.approx(0.30, abs=0.01)
    assert window.scene.block_style("femur_right")[1] == pytest.approx(1.0) if "femur_right" in window.scene.structure_ids else True


def test_labels_toggle_with_l(open_window, catalog, qtbot):
    window = open_window(catalog, (1200, 800))
    window.show_condition("tennis_elbow", "right")
    _focus_scene(window, qtbot)

    def labelled():
        return any(prop.IsA("vtkActor2D") for prop in window.scene.marker_props)

    assert labelled()
    qtbot.keyClick(window, Qt.Key.Key_L)
    assert not window.state.current.labels and not labelled()
    qtbot.keyClick(window, Qt.Key.Key_L)
    assert labelled()


def test_preset_saved_and_restored_across_a_restart(open_window, catalog, qtbot, tmp_path):
    settings_file = tmp_path / "settings.json"
    first = open_window(catalog, (1200, 800), settings_file=settings_file)
    first.show_condition("sciatica", "left")
    first.state.set_layer("bones", False)
    first.layers_panel.sliders["muscles"].setValue(60)
    first.set_view("posterior")
    pose = first.scene.camera_pose()
    first.presets_menu.save("Sciatica left, back")
    first.close()
    saved, problems = load_settings(settings_file)
    assert not problems and saved.preset("sciatica left, back") is not None

    second = open_window(catalog, (1000, 700), settings=saved, settings_file=settings_file)
    assert second.state.current.condition_id is None
    action = next(a for a in second.findChildren(type(second.export_image_action)) if a.objectName() == "preset-0")
    assert action.shortcut().toString() == "Ctrl+1"
    action.trigger()
    current = second.state.current
    assert (current.condition_id, current.side) == ("sciatica", "left")
    assert not current.layer_on("bones") and current.layer_opacity("muscles") == pytest.approx(0.6)
    assert np.allclose(second.scene.camera_pose()[0], pose[0], atol=1e-6)


def test_window_size_and_last_view_are_remembered(open_window, catalog, qtbot, tmp_path):
    settings_file = tmp_path / "settings.json"
    first = open_window(catalog, (1100, 760), settings_file=settings_file)
    first.set_view("left")
    pose = first.scene.camera_pose()
    first.close()
    saved, _ = load_settings(settings_file)
    assert (saved.window.width, saved.window.height) == (1100, 760)
    assert saved.last_view == "left"
    from ims_atlas.qt.main_window import MainWindow

    second = MainWindow(first._manifest, catalog, settings=saved, settings_file=settings_file, animate=False)
    qtbot.addWidget(second)
    with qtbot.waitSignal(second.first_frame, timeout=10000):
        second.show()
    assert (second.width(), second.height()) == (1100, 760)
    assert np.allclose(second.scene.camera_pose()[0], pose[0], atol=1e-4)
    second.close()


def test_smooth_camera_reaches_the_view(open_window, catalog, qtbot):
    window = open_window(catalog, (1000, 700), animate=True)
    window.set_view("posterior")
    assert window.camera.moving
    qtbot.waitUntil(lambda: not window.camera.moving, timeout=3000)
    cam = window.scene.plotter.camera
    assert cam.position[1] > cam.focal_point[1]


@pytest.mark.qt_no_exception_capture
def test_unexpected_error_is_logged_and_the_app_goes_on(open_window, catalog, qtbot, tmp_path, monkeypatch):
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QMessageBox

    from ims_atlas.qt import crash_handler

    window = open_window(catalog, (1000, 700))
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.detailedText()) or 0)
    monkeypatch.setattr(crash_handler, "log_path", lambda: tmp_path / "logs" / "ims-atlas.log")
    handler = crash_handler.CrashHandler(lambda: window).install()
    try:
        def broken():
            raise RuntimeError("boom in a slot")

        QTimer.singleShot(0, broken)  # raised inside the Qt event loop, as a bug in a slot would be
        qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    finally:
        handler.uninstall()
    assert "boom in a slot" in shown[0]
    assert "boom in a slot" in (tmp_path / "logs" / "ims-atlas.log").read_text()
    window.show_condition("tennis_elbow", "right")  # still usable
    assert window.state.current.condition_id == "tennis_elbow"


def test_file_menu_exports_hand_the_window_state_and_keep_the_clinic(open_window, catalog, qtbot, monkeypatch, tmp_path):
    from dataclasses import replace

    from ims_atlas.core.settings import Clinic
    from ims_atlas.qt import export_hooks
    from ims_atlas.qt.export_dialogs import ExportOutcome

    window = open_window(catalog, (1000, 700))
    window.show_condition("sciatica", "left")
    calls = []

    def fake_dialog(parent, manifest, catalog_, state, camera=None, settings=None, settings_file=None):
        calls.append((parent, state, camera, settings))
        return ExportOutcome(tmp_path / "x.png", replace(settings, clinic=Clinic(name="Harbour Physio")))

    monkeypatch.setattr(export_hooks, "image_dialog", fake_dialog)
    window.export_image_action.trigger()
    parent, state, camera, _ = calls[0]
    assert parent is window and (state.condition_id, state.side) == ("sciatica", "left")
    assert camera is not None and camera.position == window.scene.camera_pose()[0]
    assert window.settings.clinic.name == "Harbour Physio"  # kept for the next export
    assert "x.png" in window.statusBar().currentMessage()
