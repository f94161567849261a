"""Named presets: save the condition, side, segment, layers, opacities and camera under a name;
restore one with a click or Ctrl+1…9. Presets live in the user's settings and survive restarts.
"""

from __future__ import annotations

from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QInputDialog, QMenu, QMessageBox

from ims_atlas.core.settings import MAX_PRESETS, Preset
from ims_atlas.scene.views import VIEWS

SHORTCUT_COUNT = 9


class PresetsMenu:
    """Builds and keeps up to date the Presets menu of a main window."""

    def __init__(self, window, menu: QMenu) -> None:
        self._window = window
        self._menu = menu
        self._menu.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        """Recreate the menu from the window's settings."""
        menu = self._menu
        for action in menu.actions():
            menu.removeAction(action)
            action.deleteLater()
        save = QAction("&Save current view as preset…", menu)
        save.setObjectName("save-preset")
        save.setShortcut(QKeySequence("Ctrl+Shift+S"))
        save.triggered.connect(lambda _=False: self.ask_and_save())
        menu.addAction(save)
        menu.addSeparator()
        presets = self._window.settings.presets
        if not presets:
            empty = QAction("(no presets yet)", menu)
            empty.setEnabled(False)
            menu.addAction(empty)
        for i, preset in enumerate(presets):
            action = QAction(preset.name, menu)
            action.setObjectName(f"preset-{i}")
            if i < SHORTCUT_COUNT:
                action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _=False, name=preset.name: self.restore(name))
            menu.addAction(action)
        if presets:
            menu.addSeparator()
            delete = menu.addMenu("&Delete preset")
            for preset in presets:
                action = QAction(preset.name, delete)
                action.triggered.connect(lambda _=False, name=preset.name: self.delete(name))
                delete.addAction(action)

    def capture(self, name: str) -> Preset:
        """The window's current view as a preset called ``name``."""
        state = self._window.state.current
        return Preset(
            name=name.strip()[:80],
            condition_id=state.condition_id,
            side=state.side,
            segment=state.segment,
            layers=tuple(state.layers),
            opacity=tuple(state.opacity),
            view=state.view if state.view in VIEWS else "anterior",
            camera=self._window.current_camera(),
        )

    def save(self, name: str) -> Preset:
        """Save the current view under ``name`` (replacing a preset of that name) and write the settings."""
        preset = self.capture(name)
        self._window.settings = self._window.settings.with_preset(preset)
        self._window.save_settings()
        self.rebuild()
        self._window.statusBar().showMessage(f"Preset “{preset.name}” saved.", 4000)
        return preset

    def ask_and_save(self) -> None:
        """Ask for a name, then save."""
        state = self._window.state.current
        suggestion = ""
        catalog = self._window._catalog
        if state.condition_id and catalog is not None and catalog.has_condition(state.condition_id):
            suggestion = f"{catalog.condition(state.condition_id).name} ({state.side})"
        elif state.segment:
            suggestion = f"Segment {state.segment}"
        name, ok = QInputDialog.getText(self._window, "Save preset", "Name of the preset:", text=suggestion)
        if not ok or not name.strip():
            return
        if len(self._window.settings.presets) >= MAX_PRESETS and self._window.settings.preset(name) is None:
            QMessageBox.warning(self._window, "Save preset", f"There are already {MAX_PRESETS} presets; delete one first.")
            return
        self.save(name)

    def restore(self, name: str) -> bool:
        """Show a saved preset: state first, then its camera."""
        preset = self._window.settings.preset(name)
        if preset is None:
            return False
        window = self._window
        catalog = window._catalog
        condition = preset.condition_id
        if condition and (catalog is None or not catalog.has_condition(condition)):
            window.statusBar().showMessage(f"Preset “{preset.name}”: its condition {condition!r} is no longer in the catalog.", 8000)
            condition = None
        window.state.update(condition_id=condition, segment=preset.segment if not condition else None,
                            side=preset.side, selection=None, layers=tuple(preset.layers),
                            opacity=window._opacity_from(preset.opacity), view=preset.view,
                            hidden=frozenset(), isolated=frozenset())
        if preset.camera is not None:
            c = preset.camera
            window.camera.move_to((c.position, c.focal_point, c.up))
            window.state.update(view="custom")
        else:
            window.set_view(preset.view)
        window.statusBar().showMessage(f"Preset “{preset.name}”.", 4000)
        return True

    def delete(self, name: str) -> None:
        """Forget a preset."""
        self._window.settings = self._window.settings.without_preset(name)
        self._window.save_settings()
        self.rebuild()
