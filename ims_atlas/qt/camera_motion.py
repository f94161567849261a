"""Smooth camera moves: the body turns to a new view over a few frames instead of jumping.

On a software renderer a frame costs tens of milliseconds, so a move is a handful of
frames spread over :data:`DURATION_MS`; each step renders once.
"""

from __future__ import annotations

import time

from PyQt6.QtCore import QObject, QTimer

from ims_atlas.scene.controller import SceneController
from ims_atlas.scene.views import Pose, interpolate_pose

DURATION_MS = 350


class CameraMotion(QObject):
    """Moves a scene's camera to a pose, smoothly when ``enabled``."""

    def __init__(self, scene: SceneController, parent: QObject | None = None, enabled: bool = True) -> None:
        super().__init__(parent)
        self._scene = scene
        self.enabled = enabled
        self._start: Pose | None = None
        self._end: Pose | None = None
        self._t0 = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._step)

    @property
    def moving(self) -> bool:
        """Whether a move is under way."""
        return self._timer.isActive()

    def move_to(self, pose: Pose) -> None:
        """Go to ``pose``: at once when disabled, else over :data:`DURATION_MS`."""
        self._timer.stop()
        if not self.enabled:
            self._scene.set_camera_pose(pose)
            return
        self._start, self._end = self._scene.camera_pose(), pose
        self._t0 = time.monotonic()
        self._scene.set_moving(True)  # coarse copies while the camera travels
        self._timer.start()
        self._step()

    def finish(self) -> None:
        """Jump to the end of the current move, if any."""
        if self._timer.isActive() and self._end is not None:
            self._arrive(self._end)

    def stop(self) -> None:
        """Stop where the camera is."""
        if self._timer.isActive():
            self._arrive(self._scene.camera_pose())

    def _arrive(self, pose: Pose) -> None:
        self._timer.stop()
        self._scene.set_moving(False)  # full detail at rest
        self._scene.set_camera_pose(pose)

    def _step(self) -> None:
        if self._start is None or self._end is None:
            self._timer.stop()
            self._scene.set_moving(False)
            return
        t = (time.monotonic() - self._t0) * 1000.0 / DURATION_MS
        if t >= 1.0:
            self._arrive(self._end)
            return
        self._scene.set_camera_pose(interpolate_pose(self._start, self._end, t))
