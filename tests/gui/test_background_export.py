"""Exports run in a worker process: progress, the window's event loop free meanwhile, Cancel."""

import os

import pytest

pytestmark = pytest.mark.gui

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PyQt6.QtCore import QTimer  # noqa: E402

from ims_atlas.core.state import ViewState  # noqa: E402
from ims_atlas.export.image_export import ImageOptions  # noqa: E402
from ims_atlas.export.job import Job  # noqa: E402
from ims_atlas.qt.background_export import ExportRunner  # noqa: E402


def _png_job(manifest, catalog, condition="tennis_elbow"):
    return Job("png", manifest, catalog, ViewState(condition_id=condition), ImageOptions(size=(480, 360)))


def test_a_background_export_reports_progress_while_the_event_loop_runs(qtbot, qapp, manifest, catalog):
    runner = ExportRunner(_png_job(manifest, catalog))
    steps, ticks, ended = [], [], []
    runner.progress.connect(lambda step, steps_, words: steps.append((step, steps_, words)))
    runner.finished.connect(ended.append)
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    folder = runner._folder
    runner.start()
    qtbot.waitUntil(lambda: bool(ended), timeout=120000)
    timer.stop()
    run = ended[0]
    assert run.ok, run.error
    assert run.data.startswith(b"\x89PNG")
    assert [s[0] for s in steps] == [1, 2, 3] and all(s[1] == 3 and s[2] for s in steps)
    assert len(ticks) > 10, "the window's event loop must keep running during the export"
    assert not folder.exists()  # the worker's folder is removed


def test_cancel_stops_the_worker_and_leaves_nothing(qtbot, manifest, catalog):
    runner = ExportRunner(_png_job(manifest, catalog))
    ended = []
    runner.finished.connect(ended.append)
    runner.progress.connect(lambda step, *_: runner.cancel() if step == 1 else None)
    folder = runner._folder
    runner.start()
    qtbot.waitUntil(lambda: bool(ended), timeout=60000)
    assert ended[0].cancelled and not ended[0].ok and ended[0].data is None
    assert not runner.running
    assert not folder.exists()


def test_a_failed_export_comes_back_in_words(qtbot, manifest, catalog):
    runner = ExportRunner(_png_job(manifest, catalog, condition="no_such_condition"))
    ended = []
    runner.finished.connect(ended.append)
    runner.start()
    qtbot.waitUntil(lambda: bool(ended), timeout=120000)
    assert not ended[0].ok and not ended[0].cancelled
    assert ended[0].error and "Traceback" not in ended[0].error


def test_the_patient_name_is_never_written_to_the_job(tmp_path, manifest, catalog):
    from ims_atlas.export.handout import HandoutOptions
    from ims_atlas.export.job import write_job

    job = Job("handout", manifest, catalog, ViewState(condition_id="tennis_elbow"),
              HandoutOptions(patient_name="Zebedee Quarrington"))
    path = write_job(tmp_path, job)
    assert b"Quarrington" not in path.read_bytes()


def test_a_handout_made_in_the_background_carries_the_patient_name(qtbot, tmp_path, manifest, catalog):
    """The name goes to the worker on its standard input and into the one PDF."""
    import shutil
    import subprocess

    from ims_atlas.export.handout import HandoutOptions

    assert shutil.which("pdftotext"), "poppler-utils is installed by scripts/setup.sh"
    job = Job("handout", manifest, catalog, ViewState(condition_id="tennis_elbow"),
              HandoutOptions(patient_name="Zebedee Quarrington"))
    runner = ExportRunner(job)
    ended = []
    runner.finished.connect(ended.append)
    runner.start()
    qtbot.waitUntil(lambda: bool(ended), timeout=180000)
    assert ended[0].ok, ended[0].error
    pdf = tmp_path / "h.pdf"
    pdf.write_bytes(ended[0].data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Zebedee Quarrington" in text
    assert ended[0].report["title"] == "Tennis elbow" and ended[0].preview_png.startswith(b"\x89PNG")


def test_the_progress_dialog_is_not_modal_and_its_cancel_stops_the_export(qtbot, manifest, catalog):
    from PyQt6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

    from ims_atlas.qt.background_export import run_with_progress

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    seen = {}

    def cancel_when_shown():
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(20, cancel_when_shown)
            return
        seen["modal"] = dialogs[0].isModal() or QApplication.activeModalWidget() is not None
        parent.setWindowTitle("still usable")  # the window takes changes meanwhile
        dialogs[0].findChild(QPushButton).click()  # the Cancel button

    QTimer.singleShot(20, cancel_when_shown)
    run = run_with_progress(parent, _png_job(manifest, catalog), "Exporting the picture")
    assert run.cancelled and run.data is None
    assert seen == {"modal": False} and parent.windowTitle() == "still usable"


def test_a_second_export_is_refused_while_one_runs(qtbot, monkeypatch, open_window, manifest, catalog):
    from PyQt6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton

    from ims_atlas.qt import export_hooks
    from ims_atlas.qt.background_export import ANOTHER_EXPORT, export_running, run_with_progress

    window = open_window(catalog)
    told, dialogs_opened = [], []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *args: told.append(args[1:3]) or 0))
    for name in ("image_dialog", "handout_dialog"):  # were the refusal to fail, no modal dialog may block the test
        monkeypatch.setattr(export_hooks, name, lambda *args, n=name, **kwargs: dialogs_opened.append(n))
    seen = {}

    def second_exports_while_the_first_runs():
        if not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]:
            QTimer.singleShot(20, second_exports_while_the_first_runs)
            return
        seen["running"] = export_running()
        seen["second"] = run_with_progress(window, _png_job(manifest, catalog), "Exporting the picture")
        window.export_image()  # Ctrl+E
        window.export_handout()  # Ctrl+Shift+E
        seen["status"] = window.statusBar().currentMessage()
        progress = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible())
        progress.findChild(QPushButton).click()  # cancel the first

    QTimer.singleShot(20, second_exports_while_the_first_runs)
    first = run_with_progress(window, _png_job(manifest, catalog), "Exporting the picture")
    assert first.cancelled and seen["running"]
    second = seen["second"]
    assert second.refused and not second.ok and second.data is None and second.error == ANOTHER_EXPORT
    assert told == [("Export image", ANOTHER_EXPORT), ("Export handout", ANOTHER_EXPORT)]
    assert dialogs_opened == [] and seen["status"] == ANOTHER_EXPORT
    assert not export_running()  # once the first has ended, the next export may start
