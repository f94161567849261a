"""Run an export in a worker process (:mod:`ims_atlas.export.job`) while the window stays usable.

:class:`ExportRunner` starts the worker with :class:`QProcess`, turns its ``progress`` lines
into a signal, and on the end reads what it made. :func:`run_with_progress` shows a
non-modal progress dialog with Cancel and waits in a local event loop: the window goes on
repainting, rotating and searching meanwhile, and the caller gets the result as if it had
rendered in place. Cancel kills the worker; its private folder is removed either way, so a
cancelled or failed export leaves no file behind.

One export runs at a time: while one is at work (:func:`export_running`), another is refused
with :data:`ANOTHER_EXPORT` rather than started beside it (two workers would halve the speed
of both, and a second progress dialog over the first would say nothing clear).
"""

from __future__ import annotations

import logging
import shutil
import sys
from dataclasses import dataclass, field
from typing import Any

from PyQt6.QtCore import QEventLoop, QObject, QProcess, Qt, pyqtSignal
from PyQt6.QtWidgets import QProgressDialog, QWidget

from ims_atlas.export.job import EXTRA_FILES, Job, job_folder, read_result, stdin_lines, write_job

log = logging.getLogger(__name__)

#: What a second export is told while one is at work.
ANOTHER_EXPORT = ("Another export is still running. Wait for it to finish, or cancel it, "
                  "before starting a new one.")
#: The runners at work (at most one through :func:`run_with_progress`).
_RUNNING: set[ExportRunner] = set()


def export_running() -> bool:
    """Whether an export is at work in the background."""
    return bool(_RUNNING)


@dataclass
class ExportRun:
    """How a background export ended: ``data`` the file's bytes when it worked."""

    ok: bool
    cancelled: bool = False
    #: Not started, because another export was at work (``error`` says so).
    refused: bool = False
    data: bytes | None = None
    preview_png: bytes | None = None
    report: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    #: Further files the worker made, by name (a handout's ``clinician.pdf``).
    extra: dict[str, bytes] = field(default_factory=dict)


class ExportRunner(QObject):
    """One export in a worker process: :meth:`start`, then ``progress`` and ``finished``."""

    progress = pyqtSignal(int, int, str)  # step, steps, words
    finished = pyqtSignal(object)  # ExportRun

    def __init__(self, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = job
        self._folder = job_folder()
        self._process = QProcess(self)
        self._process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        self._process.readyReadStandardOutput.connect(self._read_progress)
        self._process.finished.connect(self._on_finished)
        self._process.errorOccurred.connect(self._on_error)
        self._cancelled = False
        self._done = False
        self._pending = ""

    @property
    def running(self) -> bool:
        """Whether the worker is still at work."""
        return self._process.state() != QProcess.ProcessState.NotRunning

    def start(self) -> None:
        """Write the job and start the worker with this interpreter."""
        write_job(self._folder, self._job)
        _RUNNING.add(self)
        self._process.start(sys.executable, ["-m", "ims_atlas.export.job", str(self._folder)])
        self._process.write(stdin_lines(self._job))  # the patient's name and findings: never in a file
        self._process.closeWriteChannel()

    def cancel(self) -> None:
        """Stop the worker now; ``finished`` reports a cancelled run."""
        self._cancelled = True
        if self.running:
            self._process.kill()
        else:
            self._finish(ExportRun(False, cancelled=True))

    def _read_progress(self) -> None:
        self._pending += bytes(self._process.readAllStandardOutput()).decode("utf-8", "replace")
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            parts = line.strip().split(" ", 3)
            if len(parts) == 4 and parts[0] == "progress" and parts[1].isdigit() and parts[2].isdigit():
                self.progress.emit(int(parts[1]), int(parts[2]), parts[3])

    def _on_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._finish(ExportRun(False, error=f"the export could not start: {self._process.errorString()}"))

    def _on_finished(self, code: int, _status) -> None:
        if self._cancelled:
            self._finish(ExportRun(False, cancelled=True))
            return
        result = read_result(self._folder)
        out = self._folder / self._job.out_name
        if code != 0 or not result.get("ok") or not out.is_file():
            stderr = bytes(self._process.readAllStandardError()).decode("utf-8", "replace").strip()
            if stderr:
                log.warning("export worker: %s", stderr.splitlines()[-1])
            self._finish(ExportRun(False, error=result.get("error") or "the export stopped before it finished"))
            return
        preview = self._folder / "preview.png"
        extra = {name: (self._folder / name).read_bytes() for name in EXTRA_FILES if (self._folder / name).is_file()}
        self._finish(ExportRun(True, data=out.read_bytes(),
                               preview_png=preview.read_bytes() if preview.is_file() else None,
                               report={k: v for k, v in result.items() if k != "ok"}, extra=extra))

    def _finish(self, run: ExportRun) -> None:
        if self._done:
            return
        self._done = True
        _RUNNING.discard(self)
        shutil.rmtree(self._folder, ignore_errors=True)
        self.finished.emit(run)


def run_with_progress(parent: QWidget | None, job: Job, title: str) -> ExportRun:
    """Run ``job`` in the background with a progress dialog (Cancel stops it); wait for the end.

    The dialog is not modal and the wait is a local event loop, so the window stays usable.
    While another export is at work nothing starts: the run comes back ``refused``.
    """
    if export_running():
        return ExportRun(False, refused=True, error=ANOTHER_EXPORT)
    runner = ExportRunner(job)
    dialog = QProgressDialog(f"{title}…", "Cancel", 0, 3, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    loop = QEventLoop()
    outcome: list[ExportRun] = []

    def on_progress(step: int, steps: int, words: str) -> None:
        dialog.setMaximum(steps)
        dialog.setValue(step - 1)
        dialog.setLabelText(f"{words}…")

    def on_finished(run: ExportRun) -> None:
        outcome.append(run)
        loop.quit()

    runner.progress.connect(on_progress)
    runner.finished.connect(on_finished)
    dialog.canceled.connect(runner.cancel)
    runner.start()
    dialog.show()
    if not outcome:
        loop.exec()
    try:
        dialog.close()
        dialog.deleteLater()
    except RuntimeError:  # the window (and with it the dialog) was closed meanwhile
        pass
    runner.deleteLater()
    return outcome[0]
