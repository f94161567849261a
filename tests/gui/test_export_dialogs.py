"""File > Export image... and Export handout...: the dialogs, driven with a stand-in file dialog."""

import os

import pytest

pytestmark = pytest.mark.gui

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PIL import Image  # noqa: E402
from PyQt6.QtCore import QTimer  # noqa: E402
from PyQt6.QtWidgets import QApplication, QFileDialog, QMessageBox  # noqa: E402

from ims_atlas.core.settings import Clinic, Settings, load_settings  # noqa: E402
from ims_atlas.core.state import ViewState  # noqa: E402
from ims_atlas.qt.export_dialogs import (  # noqa: E402
    HandoutDialog,
    ImageExportDialog,
    camera_of,
    export_handout,
    export_image,
)

PATIENT = "Zebedee Quarrington"



@pytest.fixture
def messages(qapp, monkeypatch):
    """Message boxes recorded instead of shown (and a QApplication for the dialogs)."""
    seen = []
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(lambda *args, k=kind: seen.append((k, args[2])) or 0))
    return seen


@pytest.fixture
def save_as(monkeypatch):
    """The save-file dialog answers with ``chosen[0]``."""
    chosen = [None]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(chosen[0] or ""), "")))
    return chosen


def drive(kind, steps, errors):
    """When the modal dialog of ``kind`` is up, run ``steps(dialog)``; close it whatever happens."""

    def run():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, run)
            return
        try:
            steps(dialog)
        except BaseException as exc:  # noqa: BLE001 - reported after the dialog closes
            errors.append(exc)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, run)


def test_export_image_writes_the_chosen_size(manifest, catalog, tmp_path, save_as, messages):
    save_as[0] = tmp_path / "tennis"  # no suffix: .png is added
    settings_file = tmp_path / "settings.json"
    errors = []

    def steps(d):
        assert not d.current_view.isEnabled()  # no camera given
        d.size_box.setCurrentIndex(d.size_box.findData("custom"))
        d.width_box.setValue(800)
        d.height_box.setValue(600)
        d.transparent.setChecked(True)
        d.clinic_name.setText("Harbour Physio")
        d.accept()

    drive(ImageExportDialog, steps, errors)
    outcome = export_image(None, manifest, catalog, ViewState(condition_id="tennis_elbow", side="right"),
                           None, Settings(), settings_file)
    assert not errors, errors
    assert outcome.path == tmp_path / "tennis.png", messages
    img = Image.open(outcome.path)
    assert img.size == (800, 600) and img.mode == "RGBA"
    assert img.text["Author"] == "Harbour Physio"
    assert outcome.settings.clinic.name == "Harbour Physio"
    assert load_settings(settings_file)[0].clinic.name == "Harbour Physio"


def test_export_image_with_the_current_camera_and_a_bad_folder(manifest, catalog, tmp_path, save_as, messages):
    from ims_atlas.scene.controller import offscreen_plotter

    plotter = offscreen_plotter((320, 240))
    plotter.camera.position, plotter.camera.focal_point, plotter.camera.up = (0, -3, 1), (0, 0, 1), (0, 0, 1)
    camera = camera_of(plotter)
    plotter.close()
    save_as[0] = tmp_path / "missing" / "x.png"
    errors = []

    def steps(d):
        assert d.current_view.isEnabled()
        d.current_view.setChecked(True)
        d.accept()

    drive(ImageExportDialog, steps, errors)
    outcome = export_image(None, manifest, catalog, ViewState(condition_id="sciatica"), camera,
                           Settings(clinic=Clinic("Same")), tmp_path / "settings.json")
    assert not errors, errors
    assert outcome.path is None
    assert messages and messages[-1][0] == "warning" and "does not exist" in messages[-1][1]
    assert not (tmp_path / "missing").exists()
    assert not (tmp_path / "settings.json").exists()  # nothing changed, nothing saved


def test_cancelled_image_export_writes_nothing(manifest, catalog, tmp_path, save_as, messages):
    errors = []
    drive(ImageExportDialog, lambda d: d.reject(), errors)
    outcome = export_image(None, manifest, catalog, ViewState(), None, Settings(), tmp_path / "settings.json")
    assert outcome.path is None and not errors and list(tmp_path.iterdir()) == []


def test_export_handout_previews_saves_and_remembers_the_clinic_only(qtbot, manifest, catalog, tmp_path, save_as,
                                                                    messages):
    save_as[0] = tmp_path / "handout.pdf"
    settings_file = tmp_path / "settings.json"
    errors = []
    pages = []

    def steps(d):
        d.clinic_name.setText("Harbour Physio")
        d.contact.setPlainText("12 Quay Street\n023 9200 0000")
        d.patient_name.setText(PATIENT)
        d.clinician_sheet.setChecked(True)
        assert d.make_preview()
        if d._doc is not None:  # QtPdf: the preview shows the real pages
            qtbot.waitUntil(lambda: d._doc.pageCount() >= 1, timeout=10000)
            pages.append(d._doc.pageCount())
        d.save_button.click()

    drive(HandoutDialog, steps, errors)
    outcome = export_handout(None, manifest, catalog, ViewState(condition_id="tennis_elbow", side="left"),
                             Settings(), settings_file)
    assert not errors, errors
    assert outcome.path == tmp_path / "handout.pdf", messages
    assert outcome.path.read_bytes().startswith(b"%PDF")
    assert all(n <= 2 for n in pages), pages  # the patient's handout: two pages at most
    sheet = tmp_path / "handout-clinician.pdf"
    assert sheet.read_bytes().startswith(b"%PDF")  # the clinician sheet beside it
    assert b"Quarrington" not in sheet.read_bytes()
    assert outcome.settings.clinic.name == "Harbour Physio"
    saved = settings_file.read_text()
    assert "Harbour Physio" in saved and "12 Quay Street" in saved
    assert "Quarrington" not in saved  # the patient's name is never stored


def test_handout_needs_a_condition(manifest, catalog, tmp_path, messages):
    outcome = export_handout(None, manifest, catalog, ViewState(segment="C6"), Settings(), tmp_path / "s.json")
    assert outcome.path is None
    assert messages and messages[0][0] == "information" and "condition" in messages[0][1]


def test_clinic_details_typed_then_previewed_and_closed_are_kept(qtbot, manifest, catalog, tmp_path, messages):
    """Type the clinic's details, preview, close without saving: they are there next time
    (and in the settings file); the patient's name is not."""
    settings_file = tmp_path / "settings.json"
    errors = []

    def steps(d):
        d.clinic_name.setText("Harbour Physio")
        d.contact.setPlainText("12 Quay Street")
        d.patient_name.setText(PATIENT)
        assert d.make_preview()
        d.reject()  # Close

    drive(HandoutDialog, steps, errors)
    state = ViewState(condition_id="tennis_elbow", side="right")
    outcome = export_handout(None, manifest, catalog, state, Settings(), settings_file)
    assert not errors, errors
    assert outcome.path is None
    assert outcome.settings.clinic.name == "Harbour Physio" and outcome.settings.clinic.contact == "12 Quay Street"
    saved = settings_file.read_text()
    assert "Harbour Physio" in saved and "Quarrington" not in saved
    seen = []
    drive(HandoutDialog, lambda d: (seen.append(d.clinic_name.text()), d.reject()), errors)
    export_handout(None, manifest, catalog, state, outcome.settings, settings_file)
    assert seen == ["Harbour Physio"]
