"""File > Export image… and Export handout… for the main window: hand the window's state,
camera and settings to the export dialogs and keep what they changed (the clinic's details).
"""

from __future__ import annotations

from PyQt6.QtWidgets import QMessageBox

from ims_atlas.qt.background_export import ANOTHER_EXPORT, export_running
from ims_atlas.qt.export_dialogs import camera_of
from ims_atlas.qt.export_dialogs import export_handout as handout_dialog
from ims_atlas.qt.export_dialogs import export_image as image_dialog


def export_image(window) -> None:
    """Export the current view as an annotated PNG."""
    if _refused(window, "Export image"):
        return
    outcome = image_dialog(window, window._manifest, window._catalog, window.state.current,
                           camera=camera_of(window.scene.plotter), settings=window.settings,
                           settings_file=window._settings_file)
    _keep(window, outcome, "Picture")


def export_handout(window) -> None:
    """Export a patient handout (PDF) for the condition on screen."""
    if _refused(window, "Export handout"):
        return
    outcome = handout_dialog(window, window._manifest, window._catalog, window.state.current,
                             settings=window.settings, settings_file=window._settings_file)
    _keep(window, outcome, "Handout")


def _refused(window, title: str) -> bool:
    """True (and the user told why) if an export is already at work: one export at a time."""
    if not export_running():
        return False
    window.statusBar().showMessage(ANOTHER_EXPORT, 8000)
    QMessageBox.information(window, title, ANOTHER_EXPORT)
    return True


def _keep(window, outcome, what: str) -> None:
    window.settings = outcome.settings
    if outcome.path is not None:
        window.statusBar().showMessage(f"{what} saved to {outcome.path}", 8000)
