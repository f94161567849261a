"""File > Export image... and Export handout...: dialogs over :mod:`ims_atlas.export`.

Both render off screen in a worker process (:mod:`ims_atlas.qt.background_export`), with
progress and Cancel, while the window stays usable; they write atomically and show any
problem in a message box: an export never crashes the app. The handout dialog saves the
clinic's details back to the settings; the patient's name is never saved anywhere but in the
one PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PyQt6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PyQt6.QtGui import QPixmap
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.plain_text import MAX_CLINIC_NAME, MAX_PATIENT_NAME
from ims_atlas.core.settings import Camera, Clinic, Settings, load_settings, save_settings
from ims_atlas.core.state import ViewState
from ims_atlas.export.formats import MAX_SIDE, MIN_SIDE, PRESETS, default_file_name

SIZE_CHOICES = (("Slides (1920 × 1080)", "slides"), ("A4 print, 300 dpi (2480 × 3508)", "a4"), ("Custom size", "custom"))


@dataclass(frozen=True)
class ExportOutcome:
    """What an export dialog did: the file written (None if cancelled or failed) and the
    settings as they are now (with any clinic details the user changed).
    """

    path: Path | None
    settings: Settings


def camera_of(plotter) -> Camera:
    """The current camera pose of a PyVista plotter (e.g. the window's 3D view)."""
    cam = plotter.camera
    return Camera(tuple(cam.position), tuple(cam.focal_point), tuple(cam.up))


def _title_of(state: ViewState, catalog: Catalog | None) -> str:
    if state.condition_id and catalog is not None and catalog.has_condition(state.condition_id):
        return catalog.condition(state.condition_id).name
    if state.segment:
        return f"segment {state.segment}"
    return "ims atlas"


def _ask_path(parent: QWidget | None, caption: str, suggested: str, filters: str, suffix: str) -> Path | None:
    """A save-file dialog; the suffix is added if the user left it out. None if cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, caption, str(Path.home() / suggested), filters)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def _save_clinic(parent: QWidget | None, settings: Settings, clinic: Clinic, settings_file: Path | None) -> Settings:
    """Remember changed clinic details (written to ``settings_file`` if there is one, like the
    window does); a failed save is reported, never fatal.
    """
    if clinic == settings.clinic:
        return settings
    updated = replace(settings, clinic=clinic)
    if settings_file is None:
        return updated
    try:
        save_settings(updated, settings_file)
    except (OSError, ValueError) as exc:  # unwritable folder; text that cannot be stored as UTF-8
        QMessageBox.warning(parent, "Settings not saved", f"The clinic's details could not be saved:\n{exc}")
    return updated


class ImageExportDialog(QDialog):
    """Choose size, background and clinic name for an exported picture."""

    def __init__(self, parent: QWidget | None, settings: Settings, camera_available: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export image")
        form = QFormLayout()
        self.size_box = QComboBox(self)
        for label, key in SIZE_CHOICES:
            self.size_box.addItem(label, key)
        form.addRow("&Size:", self.size_box)
        self.width_box, self.height_box = QSpinBox(self), QSpinBox(self)
        for box, value in ((self.width_box, 1600), (self.height_box, 1200)):
            box.setRange(MIN_SIDE, MAX_SIDE)
            box.setValue(value)
            box.setSuffix(" px")
        custom = QHBoxLayout()
        custom.addWidget(self.width_box)
        custom.addWidget(QLabel("×", self))
        custom.addWidget(self.height_box)
        custom_label = QLabel("C&ustom:", self)
        custom_label.setBuddy(self.width_box)
        form.addRow(custom_label, custom)
        self.current_view = QCheckBox("Use the current 3D view (otherwise framed on the targets)", self)
        self.current_view.setEnabled(camera_available)
        self.current_view.setChecked(False)
        form.addRow("", self.current_view)
        self.transparent = QCheckBox("Transparent background (for pasting onto slides)", self)
        form.addRow("", self.transparent)
        self.clinic_name = QLineEdit(settings.clinic.name, self)
        self.clinic_name.setMaxLength(MAX_CLINIC_NAME)
        self.clinic_name.setPlaceholderText("Shown at the bottom right of the picture")
        form.addRow("&Clinic name:", self.clinic_name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.size_box.currentIndexChanged.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        custom = self.size_box.currentData() == "custom"
        self.width_box.setEnabled(custom)
        self.height_box.setEnabled(custom)

    def picture_size(self) -> tuple[int, int]:
        """The chosen size in pixels."""
        key = self.size_box.currentData()
        return PRESETS[key] if key in PRESETS else (self.width_box.value(), self.height_box.value())


def export_image(parent: QWidget | None, manifest: Manifest, catalog: Catalog | None, state: ViewState,
                 camera: Camera | None = None, settings: Settings | None = None,
                 settings_file: Path | None = None) -> ExportOutcome:
    """File > Export image...: ask for options and a file, render off screen, write a PNG.

    Parameters
    ----------
    parent
        The main window.
    manifest, catalog
        The anatomy and catalog the window shows.
    state
        The window's current :class:`ViewState` (condition and side, segment, layers...).
    camera
        The window's current camera (see :func:`camera_of`), offered as "use the current
        3D view"; None frames the targets.
    settings
        The window's settings (loaded from disk if None); the clinic's name is taken from
        them and saved back if the user changes it.
    settings_file
        Where changed settings are saved (the window's settings file); None saves nothing,
        the caller keeps :attr:`ExportOutcome.settings`.
    """
    settings = settings if settings is not None else load_settings()[0]
    dialog = ImageExportDialog(parent, settings, camera is not None)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return ExportOutcome(None, settings)
    size = dialog.picture_size()
    clinic_name = dialog.clinic_name.text().strip()
    use_camera = camera if dialog.current_view.isChecked() else None
    transparent = dialog.transparent.isChecked()
    settings = _save_clinic(parent, settings, replace(settings.clinic, name=clinic_name), settings_file)
    path = _ask_path(parent, "Export image", default_file_name(_title_of(state, catalog), state.side, ".png"),
                     "PNG image (*.png)", ".png")
    if path is None:
        return ExportOutcome(None, settings)
    from ims_atlas.export.image_export import ImageOptions
    from ims_atlas.export.job import Job
    from ims_atlas.qt.background_export import run_with_progress

    job = Job("png", manifest, catalog, state, ImageOptions(size, transparent, clinic_name, use_camera))
    run = run_with_progress(parent, job, "Exporting the picture")
    if run.cancelled:
        return ExportOutcome(None, settings)
    if run.refused:
        QMessageBox.information(parent, "Export image", run.error)
        return ExportOutcome(None, settings)
    if not run.ok or not _write(parent, "Export image", path, run.data, "The picture could not be saved."):
        if not run.ok:
            QMessageBox.warning(parent, "Export image", f"The picture could not be exported.\n\n{run.error}")
        return ExportOutcome(None, settings)
    unlabelled = int(run.report.get("unlabelled", 0))
    if unlabelled:
        QMessageBox.information(parent, "Export image", f"Saved {path}.\n{unlabelled} target(s) did not fit "
                                "as labels at this size; a larger size shows them all.")
    return ExportOutcome(path, settings)


def _write(parent: QWidget | None, title: str, path: Path, data: bytes | None, failed: str) -> bool:
    """Write an export's bytes to the chosen file, atomically; a failure is reported."""
    from ims_atlas.core.atomic_file import WriteError, atomic_write_bytes
    from ims_atlas.export.formats import ExportError, check_output

    try:
        check_output(path, force=True)  # the file dialog has asked about replacing
        atomic_write_bytes(path, data or b"", force=True)
    except (ExportError, WriteError) as exc:
        QMessageBox.warning(parent, title, f"{failed}\n\n{exc}")
        return False
    return True


class HandoutDialog(QDialog):
    """Clinic details, the patient's name and a preview of the handout; Save writes the PDF."""

    def __init__(self, parent: QWidget | None, manifest: Manifest, catalog: Catalog, state: ViewState,
                 settings: Settings, assessment: dict | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export handout")
        #: The examination findings for the clinician sheet (never for the handout), or None.
        self.assessment = assessment
        self.resize(1000, 760)
        self._manifest, self._catalog, self._state = manifest, catalog, state
        self._pdf: bytes | None = None
        self._made_from: tuple | None = None
        self.saved_path: Path | None = None
        self.saved_sheet: Path | None = None
        self._clinician_pdf = b""
        self.warnings: tuple[str, ...] = ()
        clinic = settings.clinic
        form = QFormLayout()
        self.clinic_name = QLineEdit(clinic.name, self)
        self.clinic_name.setMaxLength(MAX_CLINIC_NAME)
        form.addRow("&Clinic name:", self.clinic_name)
        self.contact = QPlainTextEdit(clinic.contact, self)
        self.contact.setPlaceholderText("Address, phone, web: one per line")
        self.contact.setFixedHeight(72)
        form.addRow("C&ontact:", self.contact)
        logo_row = QHBoxLayout()
        self.logo = QLineEdit(clinic.logo, self)
        self.logo.setPlaceholderText("A PNG or JPEG file (optional)")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse_logo)
        logo_row.addWidget(self.logo)
        logo_row.addWidget(browse)
        logo_label = QLabel("&Logo:", self)
        logo_label.setBuddy(self.logo)
        form.addRow(logo_label, logo_row)
        self.note = QPlainTextEdit(clinic.handout_note, self)
        self.note.setPlaceholderText("A paragraph of your own for every handout (optional)")
        self.note.setFixedHeight(56)
        form.addRow("Clinic &note:", self.note)
        self.patient_name = QLineEdit(self)
        self.patient_name.setMaxLength(MAX_PATIENT_NAME)
        self.patient_name.setPlaceholderText("Optional: printed on this handout only, never saved")
        form.addRow("&Patient name:", self.patient_name)
        self.clinician_sheet = QCheckBox("Also save the clinician &sheet (references, contraindications and "
                                         "red flags) as a second PDF", self)
        form.addRow("", self.clinician_sheet)
        if assessment is not None:
            self.clinician_sheet.setChecked(True)
            self.clinician_sheet.setText("Also save the clinician &sheet, with the examination findings and the "
                                         "segments that explain them (not in the handout)")
        self.status = QLabel("Press Preview to see the handout.", self)
        self.status.setWordWrap(True)
        self.preview = self._make_preview()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.preview_button = buttons.addButton("Preview", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton("Save PDF…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.preview_button.clicked.connect(self.make_preview)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)

    # -- fields ------------------------------------------------------------------------
    def clinic(self) -> Clinic:
        """The clinic's details as typed."""
        return Clinic(self.clinic_name.text().strip(), self.contact.toPlainText().strip(), self.logo.text().strip(),
                      self.note.toPlainText().strip())

    def _browse_logo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Clinic logo", self.logo.text() or str(Path.home()),
                                              "Images (*.png *.jpg *.jpeg)")
        if name:
            self.logo.setText(name)

    # -- preview -----------------------------------------------------------------------
    def _make_preview(self) -> QWidget:
        try:
            from PyQt6.QtPdf import QPdfDocument
            from PyQt6.QtPdfWidgets import QPdfView
        except ImportError:
            self._doc = None
            self._fallback = QLabel("Preview", self)
            self._fallback.setAlignment(Qt.AlignmentFlag.AlignCenter)
            scroll = QScrollArea(self)
            scroll.setWidgetResizable(True)
            scroll.setWidget(self._fallback)
            return scroll
        self._doc = QPdfDocument(self)
        view = QPdfView(self)
        view.setDocument(self._doc)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._buffer = QBuffer(self)
        return view

    def _inputs(self) -> tuple:
        return (self.clinic(), self.patient_name.text().strip())

    def make_preview(self) -> bool:
        """Render the handout with the current fields and show it; False (reported) on failure."""
        from ims_atlas.export.handout import HandoutOptions
        from ims_atlas.export.job import Job
        from ims_atlas.qt.background_export import run_with_progress

        clinic, patient = self._inputs()
        self.status.setText("Rendering the handout…")
        self.preview_button.setEnabled(False)
        self.save_button.setEnabled(False)
        try:
            job = Job("handout", self._manifest, self._catalog, self._state,
                      HandoutOptions(clinic=clinic, patient_name=patient, assessment=self.assessment))
            run = run_with_progress(self, job, "Making the handout")
        finally:
            self.preview_button.setEnabled(True)
            self.save_button.setEnabled(True)
        if run.cancelled:
            self.status.setText("Cancelled. Press Preview to see the handout.")
            return False
        if run.refused:
            self.status.setText(run.error)
            return False
        if not run.ok:
            self.status.setText("The handout could not be made.")
            QMessageBox.warning(self, "Export handout", f"The handout could not be made.\n\n{run.error}")
            return False
        warnings = tuple(run.report.get("warnings", ()))
        self._pdf, self._made_from, self.warnings = run.data, (clinic, patient), warnings
        self._clinician_pdf = run.extra.get("clinician.pdf", b"")
        note = " ".join(warnings)
        self.status.setText(f"{run.report.get('title', '')}, {run.report.get('side_words', '')}. {note}".strip())
        if self._doc is not None:
            self._doc.close()
            self._buffer.close()
            self._buffer.setData(QByteArray(run.data))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self._doc.load(self._buffer)
        elif run.preview_png:
            pixmap = QPixmap()
            pixmap.loadFromData(run.preview_png, "PNG")
            self._fallback.setPixmap(pixmap.scaledToWidth(900, Qt.TransformationMode.SmoothTransformation))
        return True

    def save(self) -> None:
        """Ask for a file and write the handout (made again if a field changed since the preview)."""
        if self._pdf is None or self._made_from != self._inputs():
            if not self.make_preview():
                return
        title = self._catalog.condition(self._state.condition_id).name if self._state.condition_id else "handout"
        path = _ask_path(self, "Save handout", default_file_name(title, self._state.side, ".pdf"), "PDF (*.pdf)", ".pdf")
        if path is None:
            return
        from ims_atlas.export.handout import clinician_sheet_path

        sheet = clinician_sheet_path(path) if self.clinician_sheet.isChecked() else None
        if sheet is not None and sheet.exists():
            answer = QMessageBox.question(self, "Export handout", f"{sheet.name} exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        if not _write(self, "Export handout", path, self._pdf, "The handout could not be saved."):
            return
        if sheet is not None and not _write(self, "Export handout", sheet, self._clinician_pdf,
                                            "The clinician sheet could not be saved (the handout was)."):
            return
        self.saved_path = path
        self.saved_sheet = sheet
        self.accept()

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        """Forget the patient's name and the PDF when the dialog closes."""
        self.patient_name.clear()
        self.assessment = None
        self._pdf = None
        self._clinician_pdf = b""
        if self._doc is not None:
            self._doc.close()
        super().done(result)


def export_handout(parent: QWidget | None, manifest: Manifest, catalog: Catalog | None, state: ViewState,
                   settings: Settings | None = None, settings_file: Path | None = None,
                   assessment: dict | None = None) -> ExportOutcome:
    """File > Export handout...: clinic details, patient name, preview, then save a PDF.

    Parameters
    ----------
    parent
        The main window.
    manifest, catalog
        The anatomy and catalog the window shows.
    state
        The window's current :class:`ViewState`; it must show a condition.
    settings
        The window's settings (loaded from disk if None): the clinic's details are taken from
        them and saved back if changed, whether or not a handout is saved. The patient's name
        never is.
    settings_file
        Where changed settings are saved (the window's settings file); None saves nothing,
        the caller keeps :attr:`ExportOutcome.settings`.
    assessment
        The examination findings (``study.assessment_views.sheet_view`` data) to print in the
        clinician sheet, which the dialog then offers ticked; None for none.
    """
    settings = settings if settings is not None else load_settings()[0]
    if catalog is None or not state.condition_id or not catalog.has_condition(state.condition_id):
        QMessageBox.information(parent, "Export handout",
                                "Handouts are made for a condition. Find one first (for example “tennis elbow”).")
        return ExportOutcome(None, settings)
    dialog = HandoutDialog(parent, manifest, catalog, state, settings, assessment)
    dialog.exec()
    # The clinic's details are kept however the dialog closes (typed, previewed, then closed
    # without saving a handout, they are there next time); the patient's name never is.
    settings = _save_clinic(parent, settings, dialog.clinic(), settings_file)
    return ExportOutcome(dialog.saved_path, settings)
