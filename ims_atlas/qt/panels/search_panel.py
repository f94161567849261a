"""Search as you type over conditions, lay words, muscles, segments and the anatomy's other
structures (bones, nerves, vessels, organs, the cord); pick a side.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ims_atlas.catalog.search import CatalogSearch

_KIND_LABEL = {"condition": "condition", "muscle": "muscle", "segment": "segment"}
#: A structure result says what kind of structure it is.
_STRUCTURE_LABEL = {"bone": "bone", "vertebra": "vertebra", "fascia": "fascia", "nerve": "nerve",
                    "root": "nerve root", "organ": "organ", "vessel": "artery", "muscle": "muscle"}


class SearchPanel(QWidget):
    """A search box with ranked results; Enter or a click picks (kind, id)."""

    picked = pyqtSignal(str, str)
    side_changed = pyqtSignal(str)

    def __init__(self, search: CatalogSearch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QLineEdit(self)
        self.box.setObjectName("search-box")
        self.box.setPlaceholderText("Search: tennis elbow, sore heel, ECRB, C6, spinal cord …")
        self.box.setClearButtonEnabled(True)
        self.box.textChanged.connect(self._refresh)
        self.box.returnPressed.connect(self.pick_best)
        layout.addWidget(self.box)
        self.results = QListWidget(self)
        self.results.setObjectName("search-results")
        self.results.setMaximumHeight(170)
        self.results.itemActivated.connect(self._item_picked)
        self.results.itemClicked.connect(self._item_picked)
        layout.addWidget(self.results)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        sides = QHBoxLayout()
        sides.addWidget(QLabel("Side:", self))
        self.side_group = QButtonGroup(self)
        self.side_buttons: dict[str, QRadioButton] = {}
        for side, label in (("left", "&Left"), ("right", "R&ight"), ("both", "B&oth")):
            button = QRadioButton(label, self)
            button.setObjectName(f"side-{side}")
            self.side_group.addButton(button)
            button.toggled.connect(lambda on, s=side: on and self.side_changed.emit(s))
            sides.addWidget(button)
            self.side_buttons[side] = button
        self.side_buttons["right"].setChecked(True)
        layout.addLayout(sides)

    def set_side(self, side: str) -> None:
        """Reflect the state's side without emitting."""
        button = self.side_buttons.get(side)
        if button is not None and not button.isChecked():
            button.blockSignals(True)
            button.setChecked(True)
            button.blockSignals(False)

    def _refresh(self, text: str) -> None:
        self.results.clear()
        text = text or ""
        if not text.strip():
            self.message.setText("")
            return
        hits = self._search.search(text, limit=12)
        for hit in hits:
            item = QListWidgetItem(f"{hit.label}   · {self._kind_label(hit)}")
            item.setData(Qt.ItemDataRole.UserRole, (hit.kind, hit.id))
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
            self.message.setText("")
        else:
            near = self._search.closest(text, 3)
            hint = ", ".join(h.label for h in near)
            self.message.setText(f"Nothing matches “{text[:40]}”." + (f" Did you mean: {hint}?" if hint else ""))

    def _kind_label(self, hit) -> str:
        if hit.kind == "structure":
            named = self._search.structure(hit.id)
            if named is not None:
                return _STRUCTURE_LABEL.get(named.kind, named.kind)
        return _KIND_LABEL.get(hit.kind, hit.kind)

    def pick_best(self) -> None:
        """Pick the highlighted (by default the best) result."""
        item = self.results.currentItem() or (self.results.item(0) if self.results.count() else None)
        if item is not None:
            self._item_picked(item)

    def _item_picked(self, item: QListWidgetItem) -> None:
        kind, ident = item.data(Qt.ItemDataRole.UserRole)
        self.picked.emit(kind, ident)
