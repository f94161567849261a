"""Structure search in the real window: type "spinal cord", choose it, see the cord lit and framed."""

import os

import numpy as np
import pytest

pytestmark = pytest.mark.gui3d

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PyQt6.QtCore import Qt  # noqa: E402

from ims_atlas.scene.palette import DEFAULT_PALETTE  # noqa: E402
from tests.gui.test_chairside import _mask  # noqa: E402


@pytest.fixture
def window(open_window, catalog):
    return open_window(catalog, (1400, 900))


def _grab(window) -> np.ndarray:
    return np.asarray(window.scene.plotter.screenshot(return_img=True))


def _type(qtbot, window, text):
    window.search_panel.box.clear()
    qtbot.keyClicks(window.search_panel.box, text)


def test_typing_spinal_cord_and_choosing_it_lights_the_cord(window, qtbot):
    before = _mask(_grab(window), DEFAULT_PALETTE.local).sum()
    _type(qtbot, window, "spinal cord")
    first = window.search_panel.results.item(0)
    assert first is not None and first.text().startswith("Spinal cord") and "organ" in first.text()
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    window.camera.finish()
    assert window.state.current.selection == "spinal_cord"
    # Drawn lit, in the local targets' colour, over a faded body, and framed from behind.
    assert window._found_organ is not None and window._found_organ.structure_id == "spinal_cord"
    assert window.scene.block_style("vertebra_c6")[1] < 1.0  # the rest fades round it
    cam = window.scene.plotter.camera
    assert cam.position[1] > cam.focal_point[1]  # from behind (+Y is posterior)
    img = _grab(window)
    lit = _mask(img, DEFAULT_PALETTE.local)
    assert lit.sum() > max(10 * before, 800), (before, lit.sum())
    rows = np.nonzero(lit.any(axis=1))[0]
    assert rows.max() - rows.min() > img.shape[0] * 0.4  # a long column: the cord, framed top to bottom
    text = window.plan_view.toPlainText()
    assert "Spinal cord" in text and "spine" in text
    assert "Danger zone: spinal cord" in text and "neck" in text  # the plans whose notes warn of it
    assert "Quain" in text  # where the anatomy comes from
    # Escape (the Clear action) takes it away again, as it does a plan.
    window.clear()
    assert window.state.current.selection is None and window._found_organ.structure_id is None
    assert _mask(_grab(window), DEFAULT_PALETTE.local).sum() < lit.sum() / 4
    assert window.scene.block_style("vertebra_c6")[1] == 1.0


def test_choosing_a_nerve_lights_it_on_the_side_shown(window, qtbot):
    qtbot.mouseClick(window.search_panel.side_buttons["left"], Qt.MouseButton.LeftButton)
    _type(qtbot, window, "sciatic nerve")
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    window.camera.finish()
    assert window.state.current.selection == "nerve_sciatic_left"
    assert np.allclose(window.scene.block_style("nerve_sciatic_left")[0], DEFAULT_PALETTE.local, atol=1e-3)
    assert not np.allclose(window.scene.block_style("nerve_sciatic_right")[0], DEFAULT_PALETTE.local, atol=1e-3)
    text = window.plan_view.toPlainText()
    assert "Sciatic nerve (left)" in text and "Muscles the catalog says it supplies" in text
    assert "Danger zone: sciatic nerve" in text


def test_a_catalog_muscle_is_still_a_muscle_and_nonsense_still_says_so(window, qtbot):
    _type(qtbot, window, "trapezius")
    assert window.search_panel.results.item(0).text().endswith("muscle")
    _type(qtbot, window, "xqzzv###")
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    assert window.state.current.selection is None
    assert "Nothing matches" in window.search_panel.message.text()


def test_an_organ_found_with_the_organs_shown_is_drawn_once(window, qtbot):
    from ims_atlas.qt.study_hooks import set_organs

    set_organs(window, True)
    kidney = window.scene.plotter.actors["organ:kidney_right"]
    assert kidney.GetVisibility()
    _type(qtbot, window, "kidney")
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    window.camera.finish()
    assert window.state.current.selection == "kidney_right"
    assert not kidney.GetVisibility()  # the lit copy stands in for it
    assert "Kidney (right)" in window.plan_view.toPlainText()
    window.clear()
    assert kidney.GetVisibility()


def _export(window, path, monkeypatch, current_view=False):
    """File > Export image... of the window, the dialog answered: 1200 x 800, framed (or the
    current 3D view), saved as ``path``; the picture's pixels and text.
    """
    from PIL import Image
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication, QFileDialog, QMessageBox

    from ims_atlas.qt.export_dialogs import ImageExportDialog
    from ims_atlas.qt.export_hooks import export_image

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    said = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(lambda *args: said.append(args[2]) or 0))

    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ImageExportDialog):
            QTimer.singleShot(20, answer)
            return
        dialog.size_box.setCurrentIndex(dialog.size_box.findData("custom"))
        dialog.width_box.setValue(1200)
        dialog.height_box.setValue(800)
        dialog.current_view.setChecked(current_view)
        dialog.accept()

    QTimer.singleShot(0, answer)
    export_image(window)
    assert path.is_file(), said
    img = Image.open(path)
    return np.asarray(img.convert("RGB")), dict(img.text)


def test_a_found_vessel_is_in_the_exported_picture_as_in_the_window(window, qtbot, tmp_path, monkeypatch):
    _type(qtbot, window, "vertebral artery")
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    window.camera.finish()
    assert window.state.current.selection == "vertebral_artery_right"
    shown = _mask(_grab(window), DEFAULT_PALETTE.local)
    assert shown.sum() > 800  # the window shows it lit
    for current_view in (False, True):  # framed on it, or the window's own view of it
        pixels, text = _export(window, tmp_path / f"artery-{current_view}.png", monkeypatch, current_view)
        lit = _mask(pixels, DEFAULT_PALETTE.local)
        rows = np.nonzero(lit.any(axis=1))[0]
        # Drawn lit (not left out), and large: the artery from C6 to the skull, not a speck on a
        # whole body (the label's stripe and leader alone are a few rows).
        assert lit.sum() > 800, (current_view, lit.sum())
        assert rows.max() - rows.min() > 0.18 * pixels.shape[0], (current_view, rows.min(), rows.max())
        assert text["Title"] == "Vertebral artery (right)" and text["Structure-Id"] == "vertebral_artery_right"
        assert text["Structure-Source"].startswith("Authored for IMS Atlas")  # the credit for its anatomy
    assert "Anatomy: Authored for IMS Atlas" in window.plan_view.toPlainText()  # as the panel says
