"""Unexpected errors: written to a log file in the user's folder and shown in a dialog; the app goes on.

PyQt6 aborts the process on an exception raised in a slot unless ``sys.excepthook`` is
replaced, so installing this hook is also what keeps the app alive.
"""

from __future__ import annotations

import datetime
import logging
import sys
import traceback
from pathlib import Path

from ims_atlas import __version__

MAX_LOG_BYTES = 1_000_000

log = logging.getLogger(__name__)


def log_path() -> Path:
    """The error log (resolved when called)."""
    from ims_atlas.core.paths import log_dir

    return log_dir() / "ims-atlas.log"


def write_log(text: str, path: Path | None = None) -> Path | None:
    """Append ``text`` to the log (rotating it past :data:`MAX_LOG_BYTES`); None if it can't be written."""
    path = path or log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_suffix(".log.1"))
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
        return path
    except OSError:
        return None


class CrashHandler:
    """``sys.excepthook`` replacement: log, tell the user, carry on."""

    def __init__(self, parent_getter=lambda: None, show_dialog: bool = True) -> None:
        self._parent_getter = parent_getter
        self.show_dialog = show_dialog
        self.count = 0
        self._previous = None
        self._showing = False

    def install(self) -> CrashHandler:
        """Become ``sys.excepthook``."""
        self._previous = sys.excepthook
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        """Put the previous hook back."""
        if sys.excepthook is self and self._previous is not None:
            sys.excepthook = self._previous

    def __call__(self, exc_type, exc, tb) -> None:
        """Log an uncaught exception and tell the user, as ``sys.excepthook`` does."""
        if issubclass(exc_type, KeyboardInterrupt):
            if self._previous is not None:
                self._previous(exc_type, exc, tb)
            return
        self.count += 1
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        stamp = datetime.datetime.now().isoformat(timespec="seconds")
        where = write_log(f"--- {stamp} IMS Atlas {__version__}\n{details}\n")
        log.error("unexpected error: %s: %s", exc_type.__name__, exc)
        if self.show_dialog and not self._showing:
            self._show(exc_type, exc, details, where)

    def _show(self, exc_type, exc, details: str, where: Path | None) -> None:
        from PyQt6.QtWidgets import QMessageBox

        self._showing = True
        try:
            box = QMessageBox(self._parent_getter())
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("IMS Atlas: something went wrong")
            box.setText(f"An unexpected error happened: {exc_type.__name__}: {exc}\n\n"
                        "IMS Atlas carries on; what you were doing may need repeating.")
            box.setInformativeText(f"The details were written to {where}." if where else
                                   "The details could not be written to the log file.")
            box.setDetailedText(details)
            box.exec()
        finally:
            self._showing = False
