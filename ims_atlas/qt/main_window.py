"""The main window: owns the Qt 3D view and hands it to a scene controller; panels edit the state."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.anatomy.structure_names import NamedStructure, named_structures
from ims_atlas.catalog.plan import undrawn_muscles
from ims_atlas.catalog.search import CatalogSearch
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.errors import Problem
from ims_atlas.core.ids import CATALOG_SEGMENTS
from ims_atlas.core.settings import Camera, Settings, WindowGeometry, save_settings
from ims_atlas.core.state import AppState, ViewState
from ims_atlas.export.annotations import condition_legend, segment_legend
from ims_atlas.qt.about import about_html
from ims_atlas.qt.camera_motion import CameraMotion
from ims_atlas.qt.panels.layers_panel import LayersPanel
from ims_atlas.qt.panels.plan_text import legend_html, plan_html, segment_html, structure_html
from ims_atlas.qt.panels.search_panel import SearchPanel
from ims_atlas.qt.presets import PresetsMenu
from ims_atlas.qt.scene_mouse import SceneMouse
from ims_atlas.qt.scene_widget import SceneWidget
from ims_atlas.qt.study_hooks import install_study_menu
from ims_atlas.scene.controller import SceneController, scene_theme
from ims_atlas.scene.picture import picture_for
from ims_atlas.scene.views import VIEWS

#: The most a marker is drawn across on screen (pixels): about its size when a limb or the
#: back fills a viewport; framed closer (a sole, a close-up, the wheel), it no longer grows.
MARKER_MOST_PX = 20.0


class MainWindow(QMainWindow):
    """IMS Atlas's window: search, the 3D anatomy, and the plan in plain words.

    ``settings`` are the user's remembered settings; with ``settings_file`` they are saved
    there when something worth remembering changes and when the window closes (without it,
    nothing is written: tests and screenshots leave no trace). ``animate`` turns smooth
    camera moves on.
    """

    #: Emitted once the 3D view has painted its first frame.
    first_frame = pyqtSignal()

    def __init__(self, manifest: Manifest, catalog: Catalog | None = None, problems: list[Problem] | None = None,
                 parent: QWidget | None = None, settings: Settings | None = None,
                 settings_file: Path | None = None, animate: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("IMS Atlas")
        self._manifest = manifest
        self._catalog = catalog
        self._closed = False
        #: ``(side, condition id)``: the side shown before a widespread condition turned the
        #: picture to both sides, given back when the next condition is picked while that one
        #: is still shown on both sides (None: the side shown is the user's own).
        self._side_before_both: tuple[str, str] | None = None
        self.settings = settings or Settings()
        self._settings_file = settings_file
        self.state = AppState(ViewState(lay_names=self.settings.lay_names, labels=self.settings.labels,
                                        opacity=self._opacity_from(self.settings.opacity),
                                        view=self.settings.last_view if self.settings.last_view in VIEWS else "anterior"))

        # The window owns the interactor (composition, never inheritance).
        self.interactor = SceneWidget(self, auto_update=False, multi_samples=0, theme=scene_theme())
        self.setCentralWidget(self.interactor.interactor)
        self.scene = SceneController(self.interactor, manifest)
        self.scene.set_marker_cap(MARKER_MOST_PX)
        self.camera = CameraMotion(self.scene, self, enabled=animate)
        self.mouse = SceneMouse(self.interactor, self.scene, self)
        self.mouse.clicked.connect(self.select)
        self.mouse.hovered.connect(self._show_hover)
        # While the hand turns the model, draw the coarse copies; full detail again at rest.
        self.mouse.drag_started.connect(lambda: self.scene.set_moving(True))
        self.mouse.drag_ended.connect(lambda: self.scene.set_moving(False))  # the style renders next
        self.problems = list(problems or []) + list(self.scene.problems)
        # The anatomy's structures as the search finds them (the catalog's muscles stay muscles).
        self._named: dict[str, NamedStructure] = {
            n.id: n for n in named_structures(manifest, {m.id for m in catalog.muscles} if catalog else ())}
        self._found_organ = None  # the scene's FoundOrgan, made when an organ is first found

        self._build_left_panel()
        self._build_right_panel()
        self._build_menus()
        self._build_status_bar()
        self._unsubscribe = self.state.subscribe(self._on_state_changed)
        self.layers_panel.sync(self.state.current)
        geometry = self.settings.window
        self.resize(geometry.width, geometry.height)
        if geometry.x is not None and geometry.y is not None:
            self.move(geometry.x, geometry.y)
        self.picture = picture_for(self.state.current, manifest, catalog, draws_on_request=True)
        self.scene.apply(self.picture.highlight, render=False)
        QTimer.singleShot(0, self._announce_first_frame)

    @staticmethod
    def _opacity_from(saved) -> tuple[tuple[str, float], ...]:
        values = dict(saved)
        return tuple((name, values.get(name, 1.0)) for name, _ in ViewState().opacity)

    # -- UI construction ----------------------------------------------------------------
    def _build_left_panel(self) -> None:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        if self._catalog is not None:
            find = QGroupBox("Find", panel)
            flayout = QVBoxLayout(find)
            self.search_panel = SearchPanel(CatalogSearch(self._catalog, self._named.values()), find)
            self.search_panel.picked.connect(self.pick)
            self.search_panel.side_changed.connect(self.choose_side)
            flayout.addWidget(self.search_panel)
            label = QLabel("&Segment (study):", find)
            flayout.addWidget(label)
            self.segment_box = QComboBox(find)
            self.segment_box.setObjectName("segment-box")
            label.setBuddy(self.segment_box)
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
        self.panel_buttons: dict[str, QPushButton] = {}
        panels = QWidget(views)
        playout = QHBoxLayout(panels)
        playout.setContentsMargins(0, 0, 0, 0)
        for name, text, tip in (("local", "Local", "The muscles to treat, from where they face"),
                                ("spine", "Spine", "The needle points beside the spine, from behind"),
                                ("both", "Both", "Both views side by side")):
            button = QPushButton(text, panels)
            button.setObjectName(f"panels-{name}")
            button.setCheckable(True)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, n=name: self.show_panels(n))
            playout.addWidget(button)
            self.panel_buttons[name] = button
        vlayout.addWidget(panels)
        self.close_up_button = QPushButton("Close-up of crowded targets  (Z)", views)
        self.close_up_button.setObjectName("view-close-up")
        self.close_up_button.setToolTip("Move in on a hand, a foot or a forearm whose labels crowd into a few pixels")
        self.close_up_button.clicked.connect(self.close_up)
        self._closed_up = False
        vlayout.addWidget(self.close_up_button)
        layout.addWidget(views)
        self.layers_panel = LayersPanel({s.layer for s in self._manifest}, panel)
        self.layers_panel.layer_toggled.connect(self.state.set_layer)
        self.layers_panel.opacity_changed.connect(self.state.set_opacity)
        self.layers_panel.lay_names_toggled.connect(lambda on: self.state.update(lay_names=on))
        self.layers_panel.labels_toggled.connect(lambda on: self.state.update(labels=on))
        self.layers_panel.isolate_requested.connect(self.isolate_selection)
        self.layers_panel.hide_requested.connect(self.hide_selection)
        self.layers_panel.show_all_requested.connect(self.show_all)
        self.layer_boxes = self.layers_panel.boxes
        layout.addWidget(self.layers_panel)
        hint = QLabel("Click a structure to name it · drag to rotate · wheel or right-drag to zoom · "
                      "shift-drag to pan", panel)
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
        self._plan_html = self._welcome_html()
        self.plan_view.setHtml(self._plan_html)
        dock = QDockWidget("Plan", self)
        dock.setObjectName("plan-dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        dock.setWidget(self.plan_view)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)

    def _welcome_html(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        notice = self._settings_notice()
        if errors:
            from html import escape

            items = "".join(f"<li>{escape(str(p))}</li>" for p in errors[:6])
            more = f"<li>… and {len(errors) - 6} more (Help › About)</li>" if len(errors) > 6 else ""
            notice = (f"<h3 style='color:#B00020'>Some data could not be loaded</h3><ul>{items}{more}</ul>"
                      "<p>IMS Atlas shows what it could read. Reinstalling restores the bundled files.</p>")
        if self._catalog is None:
            return ("<h2>IMS Atlas</h2><p>The clinical catalog could not be loaded; the anatomy is shown alone.</p>"
                    + notice)
        return notice + ("<h2>IMS Atlas</h2><p>Type a condition or a word a patient uses (<i>tennis elbow</i>, <i>sore heel</i>), "
                "a muscle (<i>ECRB</i>), a segment (<i>C6</i>) or any structure (<i>spinal cord</i>, <i>sciatic nerve</i>, "
                "<i>C6 vertebra</i>) in the search box, and press Enter.</p>"
                "<p>Click any structure in the 3D view to see its name, nerve and roots.</p>"
                + legend_html(condition_legend()))

    def _settings_notice(self) -> str:
        """What went wrong with the user's settings file, told once (on the first welcome page)."""
        if self._settings_file is None or getattr(self, "_settings_told", False):
            return ""
        self._settings_told = True
        mine = [p for p in self.problems if p.file == str(self._settings_file)]
        if not mine:
            return ""
        from html import escape

        items = "".join(f"<li>{escape(p.path + ': ' if p.path else '')}{escape(p.message)}</li>" for p in mine[:6])
        more = f"<li>… and {len(mine) - 6} more (Help › About)</li>" if len(mine) > 6 else ""
        return (f"<h3 style='color:#B00020'>Your settings file</h3><p>{escape(str(self._settings_file))}</p>"
                f"<ul>{items}{more}</ul>")

    def _action(self, menu, text: str, slot, shortcut=None, name: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        if name:
            action.setObjectName(name)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.export_image_action = self._action(file_menu, "Export &image…", self.export_image,
                                                QKeySequence("Ctrl+E"), "export-image")
        self.export_handout_action = self._action(file_menu, "Export &handout (PDF)…", self.export_handout,
                                                  QKeySequence("Ctrl+Shift+E"), "export-handout")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        view_menu = bar.addMenu("&View")
        self.view_actions: dict[str, QAction] = {}
        for name, preset in VIEWS.items():
            self.view_actions[name] = self._action(view_menu, preset.label, lambda n=name: self.set_view(n),
                                                   preset.shortcut)
        view_menu.addSeparator()
        self._action(view_menu, "&Reset view", lambda: self.set_view("anterior"), "R")
        self._action(view_menu, "Close-&up of crowded targets", self.close_up, "Z")
        self._action(view_menu, "&Clear highlight", self.clear, "Esc")
        self._action(view_menu, "&Find…", self.focus_search, QKeySequence.StandardKey.Find)
        view_menu.addSeparator()
        self.labels_action = self._action(view_menu, "&Labels", lambda: self.state.update(labels=not self.state.current.labels), "L")
        self.labels_action.setCheckable(True)
        self.labels_action.setChecked(self.state.current.labels)
        self._action(view_menu, "&Isolate selection", self.isolate_selection, "I")
        self._action(view_menu, "&Hide selection", self.hide_selection, "H")
        self._action(view_menu, "Show &all", self.show_all, "A")
        self.presets_menu = PresetsMenu(self, bar.addMenu("&Presets"))
        install_study_menu(self, bar)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About IMS Atlas", self.show_about)

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
            self.show_condition(ident)
        elif kind == "segment":
            self.show_segment(ident)
        elif kind == "muscle":
            side = self.state.current.side
            structures = self._manifest.muscle_structures(ident, sides=[side] if side != "both" else None)
            sid = structures[0].id if structures else None
            self.state.update(condition_id=None, segment=None, selection=sid)
            if sid is None and self._catalog is not None:
                self._show_plan_html(f"<h2>{self._catalog.muscle(ident).name}</h2><p>No 3D model of this muscle yet.</p>")
        elif kind == "structure":
            self.show_structure(ident)

    def show_structure(self, ident: str) -> None:
        """Light a structure found by name (a bone, a nerve, an organ, the cord: its id without a
        side, ``nerve_sciatic``) on the side shown, say what it is, and frame it.
        """
        from ims_atlas.scene.found_structure import structure_frame
        from ims_atlas.scene.picture import body_for

        named = self._named.get(ident)
        if named is None:
            return
        side = self.state.current.side
        sid = named.on_side(side)[0]
        self.state.update(condition_id=None, segment=None, selection=sid)
        if self.state.current.selection != sid:
            return  # (an observer changed it)
        frame = structure_frame(self._manifest, body_for(self._manifest), [sid], side)
        if frame is None:
            self.statusBar().showMessage(f"{named.name}: its mesh could not be read", 8000)
            return
        if self._closed_up:
            self._set_closed_up(False)
        self.camera.move_to(self.scene.frame_pose(frame.points, frame.view.direction, up=frame.view.up))  # renders
        self.state.update(view="custom")
        from ims_atlas.scene.target_views import VIEW_WORDS

        side_shown = self._manifest.requested(sid).side
        self.statusBar().showMessage(f"{named.name}" + (f" ({side_shown})" if side_shown != "midline" else "")
                                     + f", {VIEW_WORDS.get(frame.view.name, frame.view.name)}", 8000)

    def show_condition(self, condition_id: str, side: str | None = None) -> None:
        """Highlight a condition's plan on a side; without one, on the side shown now, or for
        widespread pain (fibromyalgia) on both sides, and the plan picked right after that on
        the side shown before it (both sides were the widespread pain's, not the user's choice).
        """
        changes = {"condition_id": condition_id, "segment": None, "selection": None}
        now = self.state.current.side
        if side:
            self._side_before_both = None
        elif self._catalog is not None and self._catalog.has_condition(condition_id) \
                and self._catalog.condition(condition_id).widespread:
            side = "both"
            if now != "both":
                self._side_before_both = (now, condition_id)
        elif self._side_before_both is not None:
            # Both sides were for the widespread pain shown last, not chosen: the next plan is
            # on the side that was shown before it.
            before, widespread = self._side_before_both
            self._side_before_both = None
            if (self.state.current.condition_id, now) == (widespread, "both"):
                side = before
        if side:
            changes["side"] = side
        self.state.update(**changes)

    def choose_side(self, side: str) -> None:
        """The side the user picked (the Side buttons): kept from now on."""
        self._side_before_both = None
        self.state.update(side=side)

    def show_segment(self, segment: str) -> None:
        """Light every muscle a segment supplies."""
        self.state.update(segment=segment, condition_id=None, selection=None)

    def select(self, structure_id: str) -> None:
        """Select a structure (as a click in the 3D view does); "" clears the selection."""
        ids = {s.id for s in self._manifest}
        self.state.update(selection=structure_id if structure_id in ids else None)

    def clear(self) -> None:
        """Back to the whole body."""
        self.state.update(condition_id=None, segment=None, selection=None)

    def isolate_selection(self) -> None:
        """Show only the selected structure (and the targets' markers)."""
        sel = self.state.current.selection
        if sel:
            self.state.update(isolated=frozenset({sel}), hidden=self.state.current.hidden - {sel})
        else:
            self.statusBar().showMessage("Click a structure first, then isolate it.", 4000)

    def hide_selection(self) -> None:
        """Hide the selected structure."""
        sel = self.state.current.selection
        if sel:
            self.state.update(hidden=self.state.current.hidden | {sel}, selection=None,
                              isolated=self.state.current.isolated - {sel})
        else:
            self.statusBar().showMessage("Click a structure first, then hide it.", 4000)

    def show_all(self) -> None:
        """Show every structure again."""
        self.state.update(hidden=frozenset(), isolated=frozenset())

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        if hasattr(self, "search_panel"):
            self.search_panel.box.setFocus()
            self.search_panel.box.selectAll()

    def set_view(self, name: str) -> None:
        """Turn the camera to a named view (one viewport again)."""
        self.scene.unsplit(render=False)
        if self._closed_up:
            self._set_closed_up(False)
        self.camera.move_to(self.scene.view_pose(name))
        self.state.update(view=name)

    def show_panels(self, name: str) -> None:
        """The Local / Spine / Both buttons: the plan's local view, spine view or both side by
        side, framed again, also after a named view (1-5) turned the camera away from them.
        """
        now = self.state.current
        if now.panels != name:
            self.state.update(panels=name)
        elif self.picture.views and now.view in VIEWS:
            self._show_picture(now, now, reframe=True)

    def close_up(self) -> None:
        """View > Close-up: move each viewport in on the targets that crowd it (a hand's
        labels fanning into a few pixels), so each label sits beside its own point.
        """
        if self._closed_up:
            self._set_closed_up(False)
            views = self._views_shown(self.picture, self.state.current)
            if views:
                self.scene.show_views(self.picture, views)  # frames each viewport again, renders
            self.statusBar().showMessage("The whole view again", 3000)
            return
        crowded = []
        for second in ((False, True) if self.scene.split else (False,)):
            crowd, pose, words = self.scene.close_up_pose(second)
            if pose is None:
                continue
            what = " and ".join(self._regions(crowd))
            if second:
                self.scene.close_up(second=True, what=what)
            else:
                self.scene.caption_close_up(False, words, what)
                self.camera.move_to(pose)  # renders
            crowded.extend(crowd)
        if crowded:
            self._set_closed_up(True)
            regions = self._regions(crowded)
            self.statusBar().showMessage(f"Close-up of {len(crowded)} crowded targets"
                                         + (f" ({', '.join(regions)})" if regions else "")
                                         + " · Z again for the whole view", 8000)
        else:
            self.statusBar().showMessage("No targets crowd the view: each label is beside its own point", 5000)

    def _set_closed_up(self, on: bool) -> None:
        self._closed_up = on
        self.close_up_button.setText("Back to the whole view  (Z)" if on else "Close-up of crowded targets  (Z)")

    def _regions(self, markers) -> list[str]:
        """The (at most two) body regions a close-up's targets are in, most first: ["hand", "forearm"]."""
        from collections import Counter

        counts: Counter[str] = Counter()
        for m in markers:
            for key in m.key.split("+"):
                target = self.picture.target(key)
                if target is not None and target.role != "paraspinal":
                    counts.update({s.region for sid in target.structures
                                   if (s := self._manifest.get(sid)) is not None and s.region})
        return [r for r, _ in counts.most_common(2)]

    def set_layer(self, layer: str, on: bool) -> None:
        """Show or hide a layer."""
        self.state.set_layer(layer, on)

    def export_image(self) -> None:
        """File > Export image…"""
        from ims_atlas.qt.export_hooks import export_image

        export_image(self)

    def export_handout(self) -> None:
        """File > Export handout…"""
        from ims_atlas.qt.export_hooks import export_handout

        export_handout(self)

    # -- state -> picture and panels -------------------------------------------------------
    def _on_state_changed(self, old: ViewState, new: ViewState) -> None:
        # The new 3D frame first (only the camera's name changed: the camera motion draws
        # it), then the controls and the text catch up.
        if replace(old, view=new.view) != new:
            self._show_picture(old, new)
        self._sync_controls(self.state.current)  # (the picture may have changed it: view="custom")
        self._remember(old, new)

    def _sync_controls(self, new: ViewState) -> None:
        if hasattr(self, "search_panel"):
            self.search_panel.set_side(new.side)
        if hasattr(self, "segment_box"):
            idx = self.segment_box.findData(new.segment) if new.segment else 0
            if idx != self.segment_box.currentIndex():
                self.segment_box.blockSignals(True)
                self.segment_box.setCurrentIndex(max(idx, 0))
                self.segment_box.blockSignals(False)
        self.layers_panel.sync(new)
        self.labels_action.setChecked(new.labels)
        two = len(self.picture.views) == 2
        framed = new.view not in VIEWS  # a named view (1-5) shows the whole body, not the plan's views
        for name, button in self.panel_buttons.items():
            button.setEnabled(two)
            button.setChecked(two and framed and name == new.panels)

    def _show_picture(self, old: ViewState, new: ViewState, reframe: bool = False) -> None:
        picture = picture_for(new, self._manifest, self._catalog, draws_on_request=True)
        self.picture = picture
        plan_changed = (old.condition_id, old.segment, old.side) != (new.condition_id, new.segment, new.side)
        reframe = reframe or plan_changed or old.panels != new.panels
        if reframe and self._closed_up:
            self._set_closed_up(False)  # a new picture is framed whole
        views = self._views_shown(picture, new)
        self._show_found_organ(new)
        if views and not reframe and new.view in VIEWS:
            # A named view (1-5) turned the camera to the whole body in one viewport: a layer
            # or the labels switched now keep it so (they split the window again, the second
            # viewport's camera wherever it was left).
            views = ()
        if not views:
            self.scene.unsplit(render=False)
            self.scene.show(picture, frame=False, render=False)
            self.scene.plotter.render()
        elif len(views) == 2:
            self.scene.show_views(picture, views, frame=reframe)  # renders
        else:
            self.scene.show_views(picture, views, frame=False, render=False)
            if reframe:
                self.camera.move_to(self.scene.view_frame_pose(picture, views[0]))  # renders
            else:
                self.scene.plotter.render()
        if reframe and views and new.view != "custom":
            self.state.update(view="custom")  # the camera now frames the plan, not a named view
        # The text after the picture: the new 3D frame goes on screen first (a synchronous
        # paint of the 3D view), then the panel's text is written and laid out.
        html, status = self._welcome_html(), ""
        if picture.treatment is not None:
            plan = picture.treatment
            undrawn = frozenset(m.id for m in undrawn_muscles(plan, self._manifest))
            nerves = "nerve" in picture.roles.values()
            html = plan_html(plan, self._catalog, new.lay_names, undrawn, legend_html(condition_legend(nerves=nerves)))
            status = f"{plan.condition.name}, {new.side}: roots {', '.join(plan.segments) or '—'}"
        elif new.segment and self._catalog is not None:
            html = segment_html(new.segment, self._catalog, new.lay_names, legend_html(segment_legend()))
            status = f"Segment {new.segment}, {new.side}"
        if new.selection and self._catalog is not None:
            html = structure_html(new.selection, self._manifest, self._catalog, new.lay_names)
        wrong = self.wrong_in(picture)
        if wrong:
            from html import escape

            html = ("<h3 style='color:#B00020'>This picture is incomplete</h3><ul>"
                    + "".join(f"<li>{escape(w)}</li>" for w in wrong) + "</ul>" + html)
            status = f"Warning: {wrong[0]}"
        if html != self._plan_html:
            self.interactor.repaint()
        if status:
            self.statusBar().showMessage(status)
        elif plan_changed:
            self.statusBar().clearMessage()  # the last plan's words must not outlive it
        self._show_plan_html(html)

    def _show_found_organ(self, state: ViewState) -> None:
        """Draw the selection lit when it is an organ or a vessel (drawn only on request), and
        take it away when the selection goes.
        """
        sid = state.selection
        wanted = sid if sid and sid in {s.id for s in self._manifest.on_request} and sid not in state.hidden \
            and (not state.isolated or sid in state.isolated) else None
        shown = self._found_organ.structure_id if self._found_organ is not None else None
        if wanted == shown:
            return
        if wanted is None:
            self._found_organ.hide(render=False)
            return
        if self._found_organ is None:
            from ims_atlas.scene.organ_layer import FoundOrgan

            self._found_organ = FoundOrgan(self.scene.plotter)
        from ims_atlas.scene.palette import DEFAULT_PALETTE

        if not self._found_organ.show(self._manifest, wanted, DEFAULT_PALETTE.local, render=False):
            self.statusBar().showMessage(f"{self._manifest.requested(wanted).name}: its mesh could not be read", 8000)

    def wrong_in(self, picture) -> list[str]:
        """What makes ``picture`` incomplete or misplaced here (the sentences every export prints)."""
        from ims_atlas.scene.picture_checks import picture_problems

        ids = self.scene.structure_ids
        return picture_problems(picture, self._manifest, ids, self.scene.bounds() if ids else None,
                                self.scene.problems)

    @staticmethod
    def _views_shown(picture, state: ViewState):
        """The picture's views the state's ``panels`` asks for: both, or the local or spine one."""
        views = picture.views
        if len(views) < 2 or state.panels == "both":
            return views
        chosen = picture.view(state.panels)
        return (chosen,) if chosen is not None else views[:1]

    def _show_plan_html(self, html: str) -> None:
        if html != self._plan_html:  # (comparing with toHtml() would serialise the whole document)
            self._plan_html = html
            self.plan_view.setHtml(html)

    def _show_hover(self, structure_id: str) -> None:
        name = ""
        if structure_id:
            structure = next((s for s in self._manifest if s.id == structure_id), None)
            name = structure.name if structure is not None else structure_id
        self.statusBar().showMessage(name, 3000) if name else self.statusBar().clearMessage()
        self.interactor.interactor.setToolTip(name)
        if not name:
            QToolTip.hideText()

    # -- settings ---------------------------------------------------------------------------
    def _remember(self, old: ViewState, new: ViewState) -> None:
        if (old.lay_names, old.labels, old.opacity) != (new.lay_names, new.labels, new.opacity):
            self.settings = replace(self.settings, lay_names=new.lay_names, labels=new.labels,
                                    opacity=tuple(new.opacity))

    def save_settings(self) -> bool:
        """Write the settings (if this window has a settings file); report a failure in the status bar."""
        if self._settings_file is None:
            return False
        try:
            save_settings(self.settings, self._settings_file)
        except OSError as exc:
            self.statusBar().showMessage(f"Settings not saved: {exc}", 8000)
            return False
        return True

    def current_camera(self) -> Camera:
        """The 3D view's camera as a settings value."""
        return Camera(*self.scene.camera_pose())

    # -- misc -----------------------------------------------------------------------------
    def show_about(self) -> None:
        """The About box: version, data sources and licences."""
        QMessageBox.about(self, "About IMS Atlas", about_html(self._manifest, self._catalog, self.problems))

    def _announce_first_frame(self) -> None:
        # Frame the body again now that the view has its real size; restore the last camera.
        last = self.settings.last_camera
        if last is not None and self.state.current.condition_id is None:
            self.scene.set_camera_pose((last.position, last.focal_point, last.up), render=False)
            self.state.update(view="custom")
        elif self.picture.views:  # a plan shown before the window had its size: frame it again
            self.scene.show_views(self.picture, self._views_shown(self.picture, self.state.current), render=False)
        else:
            view = self.state.current.view if self.state.current.view in VIEWS else "anterior"
            self.scene.set_view(view, render=False)
            self.state.update(view=view)
        self.scene.plotter.render()
        self.first_frame.emit()

    # -- lifetime -------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """Remember the window and the view; close the scene and the plotter with the window."""
        if not self._closed:
            self._closed = True
            geo = self.normalGeometry() if self.isMaximized() else self.geometry()
            self.settings = replace(
                self.settings,
                window=WindowGeometry(max(geo.width(), 320), max(geo.height(), 240), geo.x(), geo.y(), self.isMaximized()),
                last_view=self.state.current.view if self.state.current.view in VIEWS else self.settings.last_view,
                last_camera=self.current_camera(),
            )
            self.save_settings()
            self.camera.stop()
            self.mouse.detach()
            self._unsubscribe()
            self.scene.close()
            self.interactor.close()
        super().closeEvent(event)
