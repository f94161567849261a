"""Find the segment: mark tender or banded muscles and Gunn's signs; see the ranked segments.

The findings live only in this panel until the user saves them to a file of their choosing
(:meth:`AssessmentPanel.save_to`, or the clinician sheet); nothing about the patient is
written anywhere else.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.ids import CATALOG_SEGMENTS
from ims_atlas.study.assessment import Assessment, Findings, MuscleFinding, SignFinding, assess
from ims_atlas.study.assessment_views import CAVEAT, METHOD, assessment_text, assessment_view
from ims_atlas.study.signs import bundled_signs

_SIDES = (("right", "Right"), ("left", "Left"), (None, "Side not given"))


class AssessmentPanel(QWidget):
    """Findings in, ranked segments out. Emits :attr:`show_requested` to light them in 3D."""

    show_requested = pyqtSignal(object)  # an Assessment
    sheet_requested = pyqtSignal(object)  # an Assessment: put it into the clinician sheet
    changed = pyqtSignal(object)  # an Assessment, after every edit

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessment-panel")
        self._catalog = catalog
        self._signs = bundled_signs()
        self._muscles: list[MuscleFinding] = []
        self._sign_findings: list[SignFinding] = []
        self.assessment: Assessment = assess(catalog, Findings())
        layout = QVBoxLayout(self)

        box = QGroupBox("Muscles found tender or banded", self)
        grid = QGridLayout(box)
        self.muscle_filter = QLineEdit(box)
        self.muscle_filter.setObjectName("assessment-muscle-filter")
        self.muscle_filter.setPlaceholderText("Filter muscles: supraspinatus, ECRB …")
        self.muscle_filter.textChanged.connect(self._filter_muscles)
        grid.addWidget(self.muscle_filter, 0, 0, 1, 3)
        self.muscle_list = QListWidget(box)
        self.muscle_list.setObjectName("assessment-muscles")
        self.muscle_list.setMaximumHeight(140)
        for m in sorted(catalog.muscles, key=lambda m: m.name.lower()):
            item = QListWidgetItem(m.name)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setToolTip(" ".join(m.aliases[:6]))
            self.muscle_list.addItem(item)
        self.muscle_list.itemActivated.connect(lambda _item: self.add_selected_muscle())
        grid.addWidget(self.muscle_list, 1, 0, 1, 3)
        self.muscle_side = QComboBox(box)
        self.muscle_side.setObjectName("assessment-muscle-side")
        for value, label in _SIDES:
            self.muscle_side.addItem(label, value)
        grid.addWidget(self.muscle_side, 2, 0)
        self.tender = QCheckBox("&Tender", box)
        self.tender.setChecked(True)
        self.banded = QCheckBox("Taut &band", box)
        flags = QHBoxLayout()
        flags.addWidget(self.tender)
        flags.addWidget(self.banded)
        grid.addLayout(flags, 2, 1)
        add = QPushButton("&Add muscle", box)
        add.setObjectName("assessment-add-muscle")
        add.clicked.connect(self.add_selected_muscle)
        grid.addWidget(add, 2, 2)
        self.pick_in_3d = QCheckBox("Add muscles by clicking them in 3D", box)
        self.pick_in_3d.setObjectName("assessment-pick-3d")
        grid.addWidget(self.pick_in_3d, 3, 0, 1, 3)
        layout.addWidget(box)

        box = QGroupBox("Gunn's signs of neuropathy, with the segment they were found at", self)
        grid = QGridLayout(box)
        self.sign_box = QComboBox(box)
        self.sign_box.setObjectName("assessment-sign")
        for s in self._signs.signs:
            self.sign_box.addItem(s.name, s.id)
            self.sign_box.setItemData(self.sign_box.count() - 1, s.description, Qt.ItemDataRole.ToolTipRole)
        grid.addWidget(self.sign_box, 0, 0, 1, 3)
        self.sign_segment = QComboBox(box)
        self.sign_segment.setObjectName("assessment-sign-segment")
        for seg in CATALOG_SEGMENTS:
            self.sign_segment.addItem(seg, seg)
        grid.addWidget(QLabel("at", box), 1, 0)
        grid.addWidget(self.sign_segment, 1, 1)
        self.sign_side = QComboBox(box)
        for value, label in _SIDES:
            self.sign_side.addItem(label, value)
        grid.addWidget(self.sign_side, 1, 2)
        add = QPushButton("Add &sign", box)
        add.setObjectName("assessment-add-sign")
        add.clicked.connect(self.add_current_sign)
        grid.addWidget(add, 2, 2)
        layout.addWidget(box)

        layout.addWidget(QLabel("Findings (select and press Delete to remove):", self))
        self.findings_list = QListWidget(self)
        self.findings_list.setObjectName("assessment-findings")
        self.findings_list.setMaximumHeight(110)
        layout.addWidget(self.findings_list)
        buttons = QHBoxLayout()
        remove = QPushButton("&Remove", self)
        remove.clicked.connect(self.remove_selected)
        clear = QPushButton("C&lear all", self)
        clear.clicked.connect(self.clear)
        show = QPushButton("Sho&w in 3D", self)
        show.setObjectName("assessment-show")
        show.clicked.connect(lambda: self.show_requested.emit(self.assessment))
        save = QPushButton("Sa&ve…", self)
        save.setObjectName("assessment-save")
        save.clicked.connect(self._save_dialog)
        for b in (remove, clear, show, save):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.sheet_button = QPushButton("Into the clinician s&heet…", self)
        self.sheet_button.setObjectName("assessment-clinician-sheet")
        self.sheet_button.setToolTip("Export the clinician sheet with these findings and the ranked segments "
                                     "(with the plan on screen, if one is shown); saved only to the file you choose")
        self.sheet_button.clicked.connect(lambda: self.sheet_requested.emit(self.assessment))
        layout.addWidget(self.sheet_button)
        self.result = QTextBrowser(self)
        self.result.setObjectName("assessment-result")
        layout.addWidget(self.result, 1)
        self._refresh()

    # -- editing ------------------------------------------------------------------------------
    def _filter_muscles(self, text: str) -> None:
        words = text.lower().split()
        first = None
        for i in range(self.muscle_list.count()):
            item = self.muscle_list.item(i)
            m = self._catalog.muscle(item.data(Qt.ItemDataRole.UserRole))
            hay = " ".join((m.name, m.id, *m.aliases)).lower()
            hidden = not all(w in hay for w in words)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        if first is not None:
            self.muscle_list.setCurrentItem(first)

    def add_muscle(self, muscle_id: str, side: str | None = None, tender: bool = True, banded: bool = False) -> bool:
        """Mark a muscle (the same muscle and side again replaces the earlier mark)."""
        if not self._catalog.has_muscle(muscle_id):
            return False
        self._muscles = [m for m in self._muscles if (m.muscle, m.side) != (muscle_id, side)]
        self._muscles.append(MuscleFinding(muscle_id, side, tender, banded))
        self._refresh()
        return True

    def add_selected_muscle(self) -> None:
        """Add the muscle chosen in the list with the side and flags chosen."""
        item = self.muscle_list.currentItem()
        if item is None or item.isHidden():
            return
        self.add_muscle(item.data(Qt.ItemDataRole.UserRole), self.muscle_side.currentData(),
                        self.tender.isChecked(), self.banded.isChecked())

    def add_from_structure(self, muscle_id: str | None, side: str | None) -> bool:
        """A click in 3D: mark the clicked structure's muscle (if picking is on and it is a muscle)."""
        if not self.pick_in_3d.isChecked() or not muscle_id:
            return False
        return self.add_muscle(muscle_id, side if side in ("left", "right") else None,
                               self.tender.isChecked(), self.banded.isChecked())

    def add_sign(self, sign_id: str, segment: str, side: str | None = None) -> None:
        """Record one of Gunn's signs at a segment."""
        finding = SignFinding(sign_id, segment, side)
        if finding not in self._sign_findings:
            self._sign_findings.append(finding)
        self._refresh()

    def add_current_sign(self) -> None:
        """Add the sign chosen in the combo boxes."""
        self.add_sign(self.sign_box.currentData(), self.sign_segment.currentData(), self.sign_side.currentData())

    def remove_selected(self) -> None:
        """Remove the finding selected in the list."""
        row = self.findings_list.currentRow()
        if row < 0:
            return
        if row < len(self._muscles):
            del self._muscles[row]
        else:
            del self._sign_findings[row - len(self._muscles)]
        self._refresh()

    def clear(self) -> None:
        """Forget every finding."""
        self._muscles, self._sign_findings = [], []
        self._refresh()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """Delete removes the selected finding."""
        if event.key() == Qt.Key.Key_Delete and self.findings_list.hasFocus():
            self.remove_selected()
            return
        super().keyPressEvent(event)

    # -- results ------------------------------------------------------------------------------
    def _refresh(self) -> None:
        self.assessment = assess(self._catalog, Findings(tuple(self._muscles), tuple(self._sign_findings)))
        self.findings_list.clear()
        for m in self._muscles:
            flags = ", ".join(f for f, on in (("tender", m.tender), ("taut band", m.banded)) if on)
            self.findings_list.addItem(f"{self._catalog.muscle(m.muscle).name} ({m.side or 'side not given'})"
                                       + (f": {flags}" if flags else ""))
        for s in self._sign_findings:
            sign = self._signs.find(s.sign)
            self.findings_list.addItem(f"{sign.name if sign else s.sign} at {s.segment}"
                                       + (f" ({s.side})" if s.side else ""))
        self.result.setHtml(result_html(self.assessment))
        self.changed.emit(self.assessment)

    def save_to(self, path: Path) -> Path:
        """Write the findings and the reasoning as plain text (atomically); returns the path."""
        from ims_atlas.core.atomic_file import atomic_write_text

        text = assessment_text(assessment_view(self.assessment))
        return atomic_write_text(path, text + "\n")

    def _save_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the assessment", "assessment.txt", "Text (*.txt)")
        if not name:
            return
        try:
            self.save_to(Path(name))
        except OSError as exc:
            QMessageBox.warning(self, "Not saved", f"The assessment was not saved to {name}: {exc}")


def result_html(assessment: Assessment, top: int = 5) -> str:
    """The ranked segments with the reasoning, for the panel."""
    if assessment.findings.is_empty():
        return ("<p>Mark the muscles found tender or banded and the signs found at a segment; "
                "the segments that explain them are ranked here.</p>")
    if not assessment.segments:
        return "<p>No segment explains these findings.</p>"
    parts = []
    for i, s in enumerate(assessment.segments[:top], 1):
        level = f", paraspinal level {escape(s.paraspinal_level)}" if s.paraspinal_level else ""
        items = "".join(
            f"<li style='color:{'#1b5e20' if r.weight else '#8d1c1c'}'>{'+' if r.weight else '−'} "
            f"{escape(r.why)}{f' (+{r.weight:g})' if r.weight else ''}</li>" for r in s.reasons)
        parts.append(f"<h3>{i}. {escape(s.segment)} &nbsp; score {s.score:g}{level}</h3><ul>{items}</ul>")
    more = len(assessment.segments) - top
    if more > 0:
        parts.append(f"<p>… and {more} more segment(s) with lower scores.</p>")
    for n in assessment.notes:
        parts.append(f"<p><i>{escape(n)}</i></p>")
    parts.append(f"<p><small>{escape(METHOD)} {escape(CAVEAT)}</small></p>")
    return "".join(parts)
