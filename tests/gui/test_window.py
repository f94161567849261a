"""The real window under Xvfb on Qt's xcb platform, driven with pytest-qt."""

import os
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.gui3d

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PyQt6.QtCore import QPoint, Qt  # noqa: E402

from tests.conftest import colour_fractions  # noqa: E402


def _grab(window) -> np.ndarray:
    image = window.scene.plotter.screenshot(return_img=True)
    return np.asarray(image)


@pytest.fixture
def window(open_window):
    return open_window()


def test_window_opens_with_body_visible(window):
    assert os.environ.get("QT_QPA_PLATFORM") != "offscreen"
    frac = colour_fractions(_grab(window))
    assert frac["bone"] > 0.005 and frac["muscle"] > 0.01, frac


def test_view_buttons_and_keys_move_the_camera(window, qtbot):
    cam = window.scene.plotter.camera
    qtbot.mouseClick(window.view_buttons["posterior"], Qt.MouseButton.LeftButton)
    assert window.state.current.view == "posterior" and cam.position[1] > cam.focal_point[1]
    window.activateWindow()
    window.view_actions["left"].trigger()
    assert window.state.current.view == "left" and cam.position[0] > cam.focal_point[0]


def _click_checkbox(qtbot, box):
    # A QCheckBox only reacts to clicks on its indicator and text, not its whole width.
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_muscle_layer_toggles(window, qtbot):
    before = colour_fractions(_grab(window))["muscle"]
    _click_checkbox(qtbot, window.layer_boxes["muscles"])
    assert not window.layer_boxes["muscles"].isChecked()
    after = colour_fractions(_grab(window))["muscle"]
    assert after < before / 5
    _click_checkbox(qtbot, window.layer_boxes["muscles"])
    assert colour_fractions(_grab(window))["muscle"] > before / 2


def test_closing_the_window_closes_the_plotter(qtbot, manifest):
    from ims_atlas.qt.main_window import MainWindow

    w = MainWindow(manifest)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.first_frame, timeout=10000):
        w.show()
    w.close()
    assert w.interactor._closed


def test_screenshot_command_writes_a_png_of_the_window(tmp_path):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    proc = subprocess.run(
        [sys.executable, "-m", "ims_atlas", "--screenshot", str(out), "--size", "1000x700"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    from PIL import Image

    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape[:2] == (700, 1000)
    frac = colour_fractions(img)
    assert frac["bone"] > 0.003 and frac["muscle"] > 0.005, frac


def test_screenshot_to_unwritable_path_fails_cleanly(tmp_path):
    target = tmp_path / "ro"
    target.mkdir()
    target.chmod(0o500)
    if os.access(target, os.W_OK):  # root ignores permissions
        target = tmp_path / "file-not-dir"
        target.write_text("x")
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    proc = subprocess.run(
        [sys.executable, "-m", "ims_atlas", "--screenshot", str(target / "shot.png")],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert proc.returncode == 1
    assert "cannot save screenshot" in proc.stderr


def test_one_render_per_frame_while_rotating(window, qtbot):
    """pyvistaqt would render twice per frame; the window keeps it to one, and the screen follows."""
    widget = window.interactor.interactor
    renders = []
    window.scene.plotter.render_window.AddObserver("StartEvent", lambda *_: renders.append(1))
    before = widget.grabFramebuffer()
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=centre)
    moves = 10
    for i in range(1, moves + 1):
        qtbot.mouseMove(widget, QPoint(centre.x() + 8 * i, centre.y()))
        qtbot.wait(1)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(centre.x() + 8 * moves, centre.y()))
    qtbot.wait(50)
    assert moves <= len(renders) <= moves + 2, f"{len(renders)} renders for {moves} frames"
    after = widget.grabFramebuffer()
    assert after != before, "the picture on screen must follow the rotation"
