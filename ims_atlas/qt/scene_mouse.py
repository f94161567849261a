"""Clicks and hovering in the 3D view, turned into structure ids.

A click (press and release without dragging) picks the structure under the mouse; resting
the mouse over a structure for a moment names it. Rotating the model is left to VTK.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from ims_atlas.scene.controller import SceneController

#: A press and release closer than this (pixels) is a click, not a drag.
CLICK_SLOP = 4
HOVER_DELAY_MS = 180


class SceneMouse(QObject):
    """Watches a pyvistaqt interactor's mouse events; emits what was clicked or hovered."""

    #: A structure id, or "" when the click landed on the background.
    clicked = pyqtSignal(str)
    #: A structure id under a resting mouse, or "" when it rests on the background.
    hovered = pyqtSignal(str)
    #: The hand started turning, panning or zooming the camera by dragging (the style has
    #: drawn the first moved frame).
    drag_started = pyqtSignal()
    #: The drag ended; the style renders the frame at rest right after this signal.
    drag_ended = pyqtSignal()

    def __init__(self, interactor, scene: SceneController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scene = scene
        self._iren = interactor.iren.interactor  # the vtkRenderWindowInteractor
        # The interactor swallows button releases under pyvista's interactor styles; the style
        # itself still hears them (pyvista issue #4976), so releases are observed there.
        self._style = interactor.iren.style
        self._press: tuple[int, int] | None = None
        self._buttons_down = 0
        self._last_move: tuple[int, int] | None = None
        self._last_hover = ""
        self._dragging = False
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(HOVER_DELAY_MS)
        self._hover_timer.timeout.connect(self._hover)
        self._observers = [
            (self._iren, self._iren.AddObserver("LeftButtonPressEvent", self._on_press, 100.0)),
            (self._style, self._style.AddObserver("LeftButtonReleaseEvent", self._on_release, 100.0)),
            (self._iren, self._iren.AddObserver("MouseMoveEvent", self._on_move, 100.0)),
            (self._iren, self._iren.AddObserver("RightButtonPressEvent", self._on_other_press, 100.0)),
            (self._style, self._style.AddObserver("RightButtonReleaseEvent", self._on_other_release, 100.0)),
            (self._iren, self._iren.AddObserver("MiddleButtonPressEvent", self._on_other_press, 100.0)),
            (self._style, self._style.AddObserver("MiddleButtonReleaseEvent", self._on_other_release, 100.0)),
            # The style's own interaction events: one per moved frame of a drag, and one when
            # the drag ends, just before the style renders the frame at rest. (A wheel step
            # zooms without them.)
            (self._style, self._style.AddObserver("InteractionEvent", self._on_interaction)),
            (self._style, self._style.AddObserver("EndInteractionEvent", self._on_end_interaction)),
        ]

    def detach(self) -> None:
        """Stop listening (before the interactor closes)."""
        self._hover_timer.stop()
        for target, tag in self._observers:
            target.RemoveObserver(tag)
        self._observers = []

    def pick_at(self, x: int, y: int) -> str:
        """The structure at VTK display position (x, y), or ""."""
        return self._scene.pick(x, y) or ""

    # -- VTK observers (never raise into VTK: an error here must not kill the event loop) --
    def _on_press(self, _obj, _event) -> None:
        self._press = tuple(self._iren.GetEventPosition())
        self._buttons_down += 1
        self._hover_timer.stop()

    def _on_release(self, _obj, _event) -> None:
        self._buttons_down = max(self._buttons_down - 1, 0)
        start, self._press = self._press, None
        if start is None:
            return
        x, y = self._iren.GetEventPosition()
        if abs(x - start[0]) <= CLICK_SLOP and abs(y - start[1]) <= CLICK_SLOP:
            self.clicked.emit(self.pick_at(x, y))

    def _on_interaction(self, _obj, _event) -> None:
        if not self._dragging:
            self._dragging = True
            self.drag_started.emit()

    def _on_end_interaction(self, _obj, _event) -> None:
        if self._dragging:
            self._dragging = False
            self.drag_ended.emit()

    def _on_other_press(self, _obj, _event) -> None:
        self._buttons_down += 1
        self._hover_timer.stop()

    def _on_other_release(self, _obj, _event) -> None:
        self._buttons_down = max(self._buttons_down - 1, 0)

    def _on_move(self, _obj, _event) -> None:
        if self._buttons_down:
            return
        self._last_move = tuple(self._iren.GetEventPosition())
        self._hover_timer.start()

    def _hover(self) -> None:
        if self._last_move is None or self._buttons_down:
            return
        sid = self.pick_at(*self._last_move)
        if sid != self._last_hover:
            self._last_hover = sid
            self.hovered.emit(sid)
