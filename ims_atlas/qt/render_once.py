"""One VTK render per frame inside Qt.

pyvistaqt's OpenGL widget renders the scene again in every ``paintGL``, and every finished
VTK render schedules such a paint: each frame the user sees costs two full renders (measured:
2.0 renders per mouse move while rotating). Here a paint that follows a finished render only
copies that render's image to the screen; any other paint (expose, resize) still renders.

This leans on two details of pyvistaqt's widget (its ``paintGL`` and its ``_in_paint`` flag,
pinned by the dependency range in pyproject.toml). If they are missing the widget is left as
it is: correct, only slower. A test counts renders per frame so an upgrade cannot silently
bring the double render back.
"""

from __future__ import annotations


def render_once_per_frame(widget) -> bool:
    """Make ``widget`` (a pyvistaqt ``QtInteractor``) paint without re-rendering a fresh frame.

    Returns whether the change could be made.
    """
    render_window = getattr(widget, "_RenderWindow", None)
    original = getattr(widget, "paintGL", None)
    if render_window is None or original is None or not hasattr(widget, "_in_paint"):
        return False
    fresh = {"frame": False}

    def finished_render(*_args) -> None:
        if not widget._in_paint:
            fresh["frame"] = True

    def resized(*_args) -> None:
        fresh["frame"] = False

    render_window.AddObserver("EndEvent", finished_render)
    render_window.AddObserver("WindowResizeEvent", resized)

    def paint_gl() -> None:
        if fresh["frame"]:
            fresh["frame"] = False
            widget._in_paint = True  # pyvistaqt skips its own render while this is set, and only blits
            try:
                original()
            finally:
                widget._in_paint = False
        else:
            original()

    widget.paintGL = paint_gl
    return True
