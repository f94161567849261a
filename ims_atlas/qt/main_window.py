"""The main window: owns the Qt 3D view and hands it to a scene controller."""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pyvistaqt import QtInteractor

from ims_atlas import __version__
from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.core.errors import Problem
from ims_atlas.scene.controller import SceneController, scene_theme
from ims_atlas.scene.plan import plan_for
from ims_atlas.scene.views import VIEWS

_LAYER_LABELS = {"bones": "Bones", "spine": "Spine", "muscles": "Muscles", "nerves": "Nerves"}


class MainWindow(QMainWindow):
    """IMS Atlas's window: the 3D anatomy with views and layers."""

    #: Emitted once the 3D view has painted its first frame.
    first_frame = pyqtSignal()

    def __init__(self, manifest: Manifest, problems: list[Problem] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("IMS Atlas")
        self._manifest = manifest
        self._layers = {layer: True for layer in _LAYER_LABELS}
        self._closed = False

        # The window owns the interactor (composition, never inheritance).
        self.interactor = QtInteractor(self, auto_update=False, multi_samples=0, theme=scene_theme())
        self.setCentralWidget(self.interactor.interactor)
        self.scene = SceneController(self.interactor, manifest)
        self.problems = list(problems or []) + list(self.scene.problems)

        self._build_side_panel()
        self._build_menus()
        self._build_status_bar()
        QTimer.singleShot(0, self._announce_first_frame)

    # -- UI construction ----------------------------------------------------------------
    def _build_side_panel(self) -> None:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        views = QGroupBox("View", panel)
        vlayout = QVBoxLayout(views)
        self.view_buttons: dict[str, QPushButton] = {}
        for name, preset in VIEWS.items():
            button = QPushButton(f"{preset.label}  ({preset.shortcut})", views)
            button.setObjectName(f"view-{name}")
            button.clicked.connect(lambda _=False, n=name: self.set_view(n))
            vlayout.addWidget(button)
            self.view_buttons[name] = button
        layout.addWidget(views)
        layers = QGroupBox("Layers", panel)
        llayout = QVBoxLayout(layers)
        self.layer_boxes: dict[str, QCheckBox] = {}
        present = {s.layer for s in self._manifest}
        for layer, label in _LAYER_LABELS.items():
            box = QCheckBox(label, layers)
            box.setChecked(True)
            box.setEnabled(layer in present)
            if layer not in present:
                box.setToolTip("Not in the bundled anatomy yet")
            box.toggled.connect(lambda on, name=layer: self.set_layer(name, on))
            llayout.addWidget(box)
            self.layer_boxes[layer] = box
        layout.addWidget(layers)
        hint = QLabel("Drag to rotate · right-drag or wheel to zoom · shift-drag to pan", panel)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(hint)
        layout.addStretch(1)
        dock = QDockWidget("Controls", self)
        dock.setObjectName("controls-dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        dock.setWidget(panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self._side_dock = dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = bar.addMenu("&View")
        self.view_actions: dict[str, QAction] = {}
        for name, preset in VIEWS.items():
            action = QAction(preset.label, self)
            action.setShortcut(QKeySequence(preset.shortcut))
            action.triggered.connect(lambda _=False, n=name: self.set_view(n))
            view_menu.addAction(action)
            self.view_actions[name] = action
        view_menu.addSeparator()
        reset = QAction("&Reset view", self)
        reset.setShortcut(QKeySequence("R"))
        reset.triggered.connect(lambda: self.set_view("anterior"))
        view_menu.addAction(reset)
        help_menu = bar.addMenu("&Help")
        about = QAction("&About IMS Atlas", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        src = self._manifest.source
        text = f"{len(self.scene.structure_ids)} structures · anatomy from {src.get('package', '?')} {src.get('version', '')} ({src.get('licence', '?')})"
        if self.problems:
            text += f" · {len(self.problems)} problem(s) with the data: see Help"
        self.statusBar().showMessage(text)

    # -- actions --------------------------------------------------------------------------
    def set_view(self, name: str) -> None:
        """Move the camera to a named view."""
        self.scene.set_view(name)

    def set_layer(self, layer: str, on: bool) -> None:
        """Show or hide a layer."""
        self._layers[layer] = on
        self.scene.apply(plan_for(self._manifest, layers=self._layers))

    def show_about(self) -> None:
        """The About box: version, data sources and licences."""
        src = self._manifest.source
        problems = "".join(f"<li>{p}</li>" for p in self.problems[:20])
        QMessageBox.about(
            self,
            "About IMS Atlas",
            f"<h3>IMS Atlas {__version__}</h3>"
            "<p>A 3D atlas linking needling sites to their nerve-root segments and paraspinal targets.</p>"
            f"<p>Anatomy: {src.get('package', '?')} {src.get('version', '')}, model {src.get('model', '?')}, "
            f"{src.get('licence', '?')} (MyoSuite / myo-sim authors). See NOTICE.</p>"
            "<p>IMS Atlas is open source under the Apache-2.0 licence.</p>"
            + (f"<p>Problems found in the data:</p><ul>{problems}</ul>" if problems else ""),
        )

    def _announce_first_frame(self) -> None:
        # Frame the body again now that the view has its real size.
        self.scene.set_view(self.scene.view)
        self.first_frame.emit()

    # -- lifetime -------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """Close the scene and the plotter with the window (a live interactor can crash at exit)."""
        if not self._closed:
            self._closed = True
            self.scene.close()
            self.interactor.close()
        super().closeEvent(event)
