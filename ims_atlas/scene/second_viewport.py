"""A second viewport beside the first, drawing the same anatomy from another camera.

A plan whose local targets and paraspinal targets face different ways is shown in the
window as two views side by side ("both"): the scene's actors are added to a second
renderer in the right half of the window (the same actors, so a highlight changes both),
with its own camera, its own markers and labels (:class:`MarkerOverlay`) and its own
outline of the treated muscles. What the two views draw differently (the arm a view from the
side leaves out, a treated muscle see-through over another's needle point in one view only)
the shared actors leave out and each viewport draws in its own view's style with actors of
its own (:mod:`ims_atlas.scene.viewport_only`).

The left viewport's drawing is finished before the right one starts (``WaitForCompletion``,
a ``glFinish``): a software rasteriser (Mesa llvmpipe) keeps every triangle of a frame binned
until the frame is rasterised, about 200 bytes each, so a split frame held the whole body's
triangles twice at once. Finishing the first half frees its bins before the second half is
binned: the same picture, and the window's peak memory over the bench's switches
between split and single views fell by 15 MB (491 -> 476 MB, two app processes each). A
split frame is not slower for it (the same frame with and without, interleaved).
"""

from __future__ import annotations

from collections.abc import Iterable

from ims_atlas.scene.marker_overlay import MarkerOverlay
from ims_atlas.scene.outline import Outline
from ims_atlas.scene.palette import Palette
from ims_atlas.scene.view_caption import ViewCaption

#: Where the two viewports sit: (xmin, ymin, xmax, ymax) as fractions of the window.
LEFT_HALF = (0.0, 0.0, 0.5, 1.0)
RIGHT_HALF = (0.5, 0.0, 1.0, 1.0)
WHOLE = (0.0, 0.0, 1.0, 1.0)


class SecondViewport:
    """The right half of a split window: ``props`` drawn again with a camera of its own."""

    def __init__(self, render_window, props: Iterable, palette: Palette, midline_x: float, outlined=()) -> None:
        from vtkmodules.vtkRenderingCore import vtkRenderer

        renderer = vtkRenderer()
        renderer.SetLayer(0)
        renderer.SetViewport(*RIGHT_HALF)
        renderer.SetBackground(*palette.background_bottom)
        renderer.SetBackground2(*palette.background_top)
        renderer.GradientBackgroundOn()
        renderer.SetUseOIT(False)  # the drawing order does the blending, as in the first (scene.controller)
        self._shared: list = []  # the first viewport's props, drawn here too
        render_window.AddRenderer(renderer)
        self._finish_first = renderer.AddObserver("StartEvent", lambda *_: render_window.WaitForCompletion())
        self._window = render_window
        self.renderer = renderer
        self.markers = MarkerOverlay(render_window, renderer, palette, midline_x)
        self.outline = Outline(renderer, palette.outline)
        self.outline.set_surfaces(list(outlined))
        self.caption = ViewCaption(renderer)
        self.parked = False
        self._observers: list[int] = []
        self._share(props)

    def before_frame(self, callback) -> None:
        """Call ``callback()`` as each frame of this viewport starts (until :meth:`close`)."""
        self._observers.append(self.renderer.AddObserver("StartEvent", lambda *_: callback()))

    def _share(self, props: Iterable) -> None:
        """Draw exactly ``props`` of the first viewport here (added or unhooked as needed)."""
        props = list(props)
        wanted = set(map(id, props))
        for prop in self._shared:
            if id(prop) not in wanted:
                detach(self.renderer, prop)
        have = set(map(id, self._shared))
        for prop in props:
            if id(prop) not in have:
                self.renderer.AddActor(prop)
        self._shared = props

    def park(self) -> None:
        """Stop drawing (the window shows one view): the renderers stay in the window, the
        shared props are unhooked with their buffers untouched (a layer's actors removed
        while parked are not kept alive here), and the markers, labels, outline and caption go.
        """
        self._share(())
        self.markers.set(())
        self.outline.set_surfaces([])
        self.caption.set("")
        self._set_drawn(False)
        self.parked = True

    def resume(self, props: Iterable) -> None:
        """Draw again (the window splits), ``props`` being the first viewport's now."""
        self._share(props)
        self._set_drawn(True)
        self.parked = False

    def _set_drawn(self, on: bool) -> None:
        for renderer in (self.renderer, self.markers.renderer):
            if renderer is not None:
                renderer.SetDraw(on)
        # A parked viewport takes no clicks or drags (VTK finds the renderer under the mouse).
        self.renderer.SetInteractive(on)

    @property
    def camera(self):
        """The second viewport's camera."""
        return self.renderer.GetActiveCamera()

    def contains(self, x: float, y: float) -> bool:
        """Whether display point ``(x, y)`` (pixels, origin bottom-left) falls in this viewport."""
        width, height = self._window.GetSize()
        x0, y0, x1, y1 = self.renderer.GetViewport()
        return x0 * width <= x <= x1 * width and y0 * height <= y <= y1 * height

    def close(self) -> None:
        """Take the viewport out of the window."""
        self.markers.close()
        self.outline.close()
        self.caption.close()
        self.renderer.RemoveObserver(self._finish_first)
        for tag in self._observers:
            self.renderer.RemoveObserver(tag)
        self._observers = []
        self._share(())  # the first viewport keeps drawing them: nothing is released
        self.renderer.RemoveAllViewProps()
        self._window.RemoveRenderer(self.renderer)


def detach(renderer, prop) -> None:
    """Take ``prop`` out of ``renderer`` without releasing its GPU buffers (VTK's
    ``RemoveViewProp`` releases them: right for a prop that goes, wasted for one another
    renderer of the window still draws).
    """
    renderer.GetViewProps().RemoveItem(prop)
    prop.RemoveConsumer(renderer)
