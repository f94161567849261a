"""Layers (bones, spine, muscles, nerves) on and off with an opacity each; names and labels;
isolate, hide and show the selection.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QHBoxLayout, QPushButton, QSlider, QWidget

from ims_atlas.core.state import LAYER_NAMES, ViewState

LAYER_LABELS = {"bones": "Bones", "spine": "Spine", "muscles": "Muscles", "nerves": "Nerves"}


class LayersPanel(QGroupBox):
    """Edits the layer part of the state. Signals carry what the user asked for."""

    layer_toggled = pyqtSignal(str, bool)
    opacity_changed = pyqtSignal(str, float)
    lay_names_toggled = pyqtSignal(bool)
    labels_toggled = pyqtSignal(bool)
    isolate_requested = pyqtSignal()
    hide_requested = pyqtSignal()
    show_all_requested = pyqtSignal()

    def __init__(self, present_layers: set[str], parent: QWidget | None = None) -> None:
        super().__init__("Layers", parent)
        grid = QGridLayout(self)
        self.boxes: dict[str, QCheckBox] = {}
        self.sliders: dict[str, QSlider] = {}
        for row, layer in enumerate(LAYER_NAMES):
            box = QCheckBox(LAYER_LABELS[layer], self)
            box.setObjectName(f"layer-{layer}")
            box.setChecked(True)
            slider = QSlider(Qt.Orientation.Horizontal, self)
            slider.setObjectName(f"opacity-{layer}")
            slider.setRange(0, 100)
            slider.setValue(100)
            slider.setAccessibleName(f"{LAYER_LABELS[layer]} opacity")
            slider.setToolTip(f"{LAYER_LABELS[layer]}: opacity")
            if layer not in present_layers:
                box.setEnabled(False)
                slider.setEnabled(False)
                box.setToolTip("Not in the bundled anatomy yet")
            box.toggled.connect(lambda on, name=layer: self.layer_toggled.emit(name, on))
            slider.valueChanged.connect(lambda v, name=layer: self.opacity_changed.emit(name, v / 100.0))
            grid.addWidget(box, row, 0)
            grid.addWidget(slider, row, 1)
            self.boxes[layer] = box
            self.sliders[layer] = slider
        row = len(LAYER_NAMES)
        self.lay_box = QCheckBox("Plain names first", self)
        self.lay_box.setObjectName("lay-names")
        self.lay_box.toggled.connect(self.lay_names_toggled)
        grid.addWidget(self.lay_box, row, 0, 1, 2)
        self.labels_box = QCheckBox("Labels on the targets (L)", self)
        self.labels_box.setObjectName("labels")
        self.labels_box.setChecked(True)
        self.labels_box.toggled.connect(self.labels_toggled)
        grid.addWidget(self.labels_box, row + 1, 0, 1, 2)
        buttons = QHBoxLayout()
        for text, signal, tip, name in (
            ("Isolate", self.isolate_requested, "Show only the selected structure (I)", "isolate"),
            ("Hide", self.hide_requested, "Hide the selected structure (H)", "hide"),
            ("Show all", self.show_all_requested, "Show every hidden structure again (A)", "show-all"),
        ):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.clicked.connect(signal)
            buttons.addWidget(button)
        grid.addLayout(buttons, row + 2, 0, 1, 2)

    def sync(self, state: ViewState) -> None:
        """Show the state without echoing it back as user requests."""
        for layer in LAYER_NAMES:
            box, slider = self.boxes[layer], self.sliders[layer]
            for widget, setter, value in (
                (box, box.setChecked, state.layer_on(layer)),
                (slider, slider.setValue, round(state.layer_opacity(layer) * 100)),
                (self.lay_box, self.lay_box.setChecked, state.lay_names),
                (self.labels_box, self.labels_box.setChecked, state.labels),
            ):
                widget.blockSignals(True)
                setter(value)
                widget.blockSignals(False)
