"""The 3D view's widget: pyvistaqt's ``QtInteractor`` that renders once per frame.

pyvistaqt's OpenGL widget renders the scene again in every ``paintGL``, and every finished
VTK render schedules such a paint: each frame the user sees would cost two full renders
(measured: 2.0 renders per mouse move while rotating). Here a paint that follows a finished
render only copies that render's image to the screen; any other paint (expose, resize)
still renders.

Only public interfaces are used: ``paintGL`` is a virtual method of ``QOpenGLWidget`` that a
subclass may override, the render window's ``EndEvent`` and ``WindowResizeEvent`` are VTK
events, and ``vtkRenderWindowInteractor.EnableRender`` is VTK's own switch that makes the
interactor's ``Render`` do nothing while the widget copies the finished frame. A test counts
renders per frame, so an upgrade that brings the double render back fails it.

The one subclass of a GUI class in IMS Atlas, and deliberately nothing more than this
override: the window still composes the widget, and the scene controller works on any plotter.
"""

from __future__ import annotations

from typing import Any

from pyvistaqt import QtInteractor


class SceneWidget(QtInteractor):
    """A ``QtInteractor`` whose paint after a finished render shows that render, not a new one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._fresh_frame = False  # a render finished since the last paint and nothing moved since
        self._painting = False
        super().__init__(*args, **kwargs)
        window = self.render_window
        window.AddObserver("EndEvent", self._render_finished)
        window.AddObserver("WindowResizeEvent", self._resized)

    def _render_finished(self, *_args: object) -> None:
        if not self._painting:  # a render of our own paint is shown by that paint
            self._fresh_frame = True

    def _resized(self, *_args: object) -> None:
        self._fresh_frame = False

    def paintGL(self) -> None:  # noqa: N802 - Qt's name
        """Show the finished frame if there is one; otherwise render as pyvistaqt does."""
        window = self.render_window
        interactor = window.GetInteractor() if window is not None else None
        skip = self._fresh_frame and interactor is not None and bool(interactor.GetEnableRender())
        self._fresh_frame = False
        self._painting = True
        if skip:
            interactor.EnableRenderOff()
        try:
            super().paintGL()
        finally:
            if skip:
                interactor.EnableRenderOn()
            self._painting = False
