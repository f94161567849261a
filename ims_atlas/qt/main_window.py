"""The main window: owns the Qt 3D view and hands it to a scene controller; panels edit the state."""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from pyvistaqt import QtInteractor

from ims_atlas import __version__
from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.search import CatalogSearch
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.errors import Problem
from ims_atlas.core.ids import CATALOG_SEGMENTS
from ims_atlas.core.state import AppState, ViewState
from ims_atlas.qt.panels.plan_text import plan_html, segment_html, structure_html
from ims_atlas.qt.panels.search_panel import SearchPanel
from ims_atlas.scene.controller import SceneController, scene_theme
from ims_atlas.scene.picture import picture_for
from ims_atlas.scene.views import VIEWS

_LAYER_LABELS = {"bones": "Bones", "spine": "Spine", "muscles": "Muscles", "nerves": "Nerves"}


class MainWindow(QMainWindow):
    """IMS Atlas's window: search, the 3D anatomy, and the plan in plain words."""

    #: Emitted once the 3D view has painted its first frame.
    first_frame = pyqtSignal()

    def __init__(self, manifest: Manifest, catalog: Catalog | None = None, problems: list[Problem] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("IMS Atlas")
        self._manifest = manifest
        self._catalog = catalog
        self._closed = False
        self.state = AppState()

        # The window owns the interactor (composition, never inheritance).
        self.interactor = QtInteractor(self, auto_update=False, multi_samples=0, theme=scene_theme())
        self.setCentralWidget(self.interactor.interactor)
        self.scene = SceneController(self.interactor, manifest)
        self.problems = list(problems or []) + list(self.scene.problems)

        self._build_left_panel()
        self._build_right_panel()
        self._build_menus()
        self._build_status_bar()
        self._unsubscribe = self.state.subscribe(self._on_state_changed)
        QTimer.singleShot(0, self._announce_first_frame)

    # -- UI construction ----------------------------------------------------------------
    def _build_left_panel(self) -> None:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        if self._catalog is not None:
            find = QGroupBox("Find", panel)
            flayout = QVBoxLayout(find)
            self.search_panel = SearchPanel(CatalogSearch(self._catalog), find)
            self.search_panel.picked.connect(self.pick)
            self.search_panel.side_changed.connect(lambda side: self.state.update(side=side))
            flayout.addWidget(self.search_panel)
            flayout.addWidget(QLabel("Segment (study):", find))
            self.segment_box = QComboBox(find)
            self.segment_box.setObjectName("segment-box")
            self.segment_box.addItem("—", None)
            for seg in CATALOG_SEGMENTS:
                self.segment_box.addItem(seg, seg)
            self.segment_box.currentIndexChanged.connect(
                lambda i: self.show_segment(self.segment_box.itemData(i)) if self.segment_box.itemData(i) else None
            )
            flayout.addWidget(self.segment_box)
            clear = QPushButton("Clear highlight (Esc)", find)
            clear.clicked.connect(self.clear)
            flayout.addWidget(clear)
            layout.addWidget(find)
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
            box.toggled.connect(lambda on, name=layer: self.state.set_layer(name, on))
            llayout.addWidget(box)
            self.layer_boxes[layer] = box
        self.lay_box = QCheckBox("Plain names first", layers)
        self.lay_box.toggled.connect(lambda on: self.state.update(lay_names=on))
        llayout.addWidget(self.lay_box)
        layout.addWidget(layers)
        hint = QLabel("Drag to rotate · wheel or right-drag to zoom · shift-drag to pan", panel)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)
        # Scrolls on small screens instead of forcing the window taller than asked.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(panel)
        scroll.setMinimumWidth(panel.sizeHint().width() + 16)
        dock = QDockWidget("Controls", self)
        dock.setObjectName("controls-dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        dock.setWidget(scroll)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)

    def _build_right_panel(self) -> None:
        self.plan_view = QTextBrowser(self)
        self.plan_view.setObjectName("plan-panel")
        self.plan_view.setOpenExternalLinks(False)
        self.plan_view.setMinimumWidth(340)
        self.plan_view.setHtml(self._welcome_html())
        dock = QDockWidget("Plan", self)
        dock.setObjectName("plan-dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        dock.setWidget(self.plan_view)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)

    def _welcome_html(self) -> str:
        if self._catalog is None:
            return "<h2>IMS Atlas</h2><p>The clinical catalog could not be loaded; the anatomy is shown alone.</p>"
        return ("<h2>IMS Atlas</h2><p>Type a condition or a word a patient uses (<i>tennis elbow</i>, <i>sore heel</i>), "
                "a muscle (<i>ECRB</i>) or a segment (<i>C6</i>) in the search box, and press Enter.</p>"
                "<p><span style='color:#E69F00'>●</span> local targets in the muscle &nbsp; "
                "<span style='color:#0072B2'>■</span> targets beside the spine &nbsp; "
                "<span style='color:#C8B400'>▮</span> spinal level of the root</p>")

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
        clear = QAction("&Clear highlight", self)
        clear.setShortcut(QKeySequence("Esc"))
        clear.triggered.connect(self.clear)
        view_menu.addAction(clear)
        find = QAction("&Find…", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        view_menu.addAction(find)
        help_menu = bar.addMenu("&Help")
        about = QAction("&About IMS Atlas", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        src = self._manifest.source
        text = (f"{len(self.scene.structure_ids)} structures · anatomy from {src.get('package', '?')} "
                f"{src.get('version', '')} ({src.get('licence', '?')})")
        if self.problems:
            text += f" · {len(self.problems)} problem(s) with the data: see Help › About"
        self.statusBar().showMessage(text)

    # -- actions (they change the state; the state changes the picture) -------------------
    def pick(self, kind: str, ident: str) -> None:
        """Show a search result: a condition's plan, a segment, or a muscle."""
        if kind == "condition":
            self.state.update(condition_id=ident, segment=None, selection=None)
        elif kind == "segment":
            self.show_segment(ident)
        elif kind == "muscle":
            structures = self._manifest.muscle_structures(ident, sides=[self.state.current.side] if self.state.current.side != "both" else None)
            sid = structures[0].id if structures else None
            self.state.update(condition_id=None, segment=None, selection=sid)
            if sid is None and self._catalog is not None:
                self.plan_view.setHtml(f"<h2>{self._catalog.muscle(ident).name}</h2><p>No 3D model of this muscle yet.</p>")

    def show_condition(self, condition_id: str, side: str | None = None) -> None:
        """Highlight a condition's plan on a side."""
        changes = {"condition_id": condition_id, "segment": None, "selection": None}
        if side:
            changes["side"] = side
        self.state.update(**changes)

    def show_segment(self, segment: str) -> None:
        """Light every muscle a segment supplies."""
        self.state.update(segment=segment, condition_id=None, selection=None)

    def clear(self) -> None:
        """Back to the whole body."""
        self.state.update(condition_id=None, segment=None, selection=None)

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        if hasattr(self, "search_panel"):
            self.search_panel.box.setFocus()
            self.search_panel.box.selectAll()

    def set_view(self, name: str) -> None:
        """Move the camera to a named view."""
        self.scene.set_view(name)

    def set_layer(self, layer: str, on: bool) -> None:
        """Show or hide a layer."""
        self.layer_boxes[layer].setChecked(on)

    # -- state -> picture and panels -------------------------------------------------------
    def _on_state_changed(self, old: ViewState, new: ViewState) -> None:
        if hasattr(self, "search_panel"):
            self.search_panel.set_side(new.side)
        if hasattr(self, "segment_box"):
            idx = self.segment_box.findData(new.segment) if new.segment else 0
            if idx != self.segment_box.currentIndex():
                self.segment_box.blockSignals(True)
                self.segment_box.setCurrentIndex(max(idx, 0))
                self.segment_box.blockSignals(False)
        picture = picture_for(new, self._manifest, self._catalog)
        html = self._welcome_html()
        if picture.treatment is not None:
            plan = picture.treatment
            html = plan_html(plan, self._catalog, new.lay_names)
            self.statusBar().showMessage(f"{plan.condition.name}, {new.side}: roots {', '.join(plan.segments) or '—'}")
        elif new.segment and self._catalog is not None:
            html = segment_html(new.segment, self._catalog, new.lay_names)
        if new.selection and self._catalog is not None:
            html = structure_html(new.selection, self._manifest, self._catalog, new.lay_names)
        self.plan_view.setHtml(html)
        plan_changed = (old.condition_id, old.segment, old.side) != (new.condition_id, new.segment, new.side)
        self.scene.show(picture, frame=plan_changed, render=False)
        self.scene.plotter.render()

    # -- misc -----------------------------------------------------------------------------
    def show_about(self) -> None:
        """The About box: version, data sources and licences."""
        src = self._manifest.source
        problems = "".join(f"<li>{p}</li>" for p in self.problems[:20])
        catalog = ""
        if self._catalog is not None:
            catalog = f"<p>Clinical catalog {self._catalog.catalog_version}: sources cited entry by entry.</p>"
        QMessageBox.about(
            self,
            "About IMS Atlas",
            f"<h3>IMS Atlas {__version__}</h3>"
            "<p>A 3D atlas linking needling sites to their nerve-root segments and paraspinal targets.</p>"
            f"<p>Anatomy: {src.get('package', '?')} {src.get('version', '')}, model {src.get('model', '?')}, "
            f"{src.get('licence', '?')} (MyoSuite / myo-sim authors). See NOTICE.</p>{catalog}"
            "<p>IMS Atlas is open source under the Apache-2.0 licence. It sends nothing over the network.</p>"
            + (f"<p>Problems found in the data:</p><ul>{problems}</ul>" if problems else ""),
        )

    def _announce_first_frame(self) -> None:
        # Frame the body again now that the view has its real size.
        self.scene.set_view(self.scene.view if self.scene.view in VIEWS else "anterior")
        self.first_frame.emit()

    # -- lifetime -------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """Close the scene and the plotter with the window (a live interactor can crash at exit)."""
        if not self._closed:
            self._closed = True
            self._unsubscribe()
            self.scene.close()
            self.interactor.close()
        super().closeEvent(event)
