"""What a viewport of the window shows, in words, at its top-left corner (issue 16).

The export captions each panel ("Muscles to treat, from the front"); the window's viewports
say the same: in "local", "spine" or "both", each viewport names its targets and the side it
is seen from, on a light card the anatomy's labels keep clear of.
"""

from __future__ import annotations

#: The caption's text size (points, as the labels').
FONT_SIZE = 16
#: Its distance from the viewport's top-left corner (pixels).
INSET_PX = 8


class ViewCaption:
    """One viewport's caption: a 2D text on a light card, drawn in ``renderer``."""

    def __init__(self, renderer) -> None:
        from vtkmodules.vtkRenderingCore import vtkTextActor

        self._renderer = renderer
        actor = vtkTextActor()
        prop = actor.GetTextProperty()
        prop.SetFontSize(FONT_SIZE)
        prop.BoldOn()
        prop.SetColor(0.11, 0.13, 0.16)
        prop.SetBackgroundColor(0.95, 0.95, 0.96)
        prop.SetBackgroundOpacity(0.92)
        prop.FrameOn()
        prop.SetFrameColor(0.59, 0.62, 0.67)
        prop.SetJustificationToLeft()
        prop.SetVerticalJustificationToTop()
        actor.PickableOff()
        actor.SetVisibility(False)
        renderer.AddViewProp(actor)
        self.actor = actor

    @property
    def text(self) -> str:
        """The caption shown now ("" when hidden)."""
        return self.actor.GetInput().strip() if self.actor.GetVisibility() else ""

    def set(self, text: str) -> None:
        """Show ``text`` (or hide the caption for "")."""
        self.actor.SetInput(f" {text} " if text else "")
        self.actor.SetVisibility(bool(text))
        self.place()

    def place(self) -> None:
        """Keep the caption at the viewport's top-left corner (after a resize)."""
        width, height = self._renderer.GetSize()
        ox, oy = self._renderer.GetOrigin()
        self.actor.SetDisplayPosition(int(ox + INSET_PX), int(oy + max(height - INSET_PX, 0)))

    def box(self) -> tuple[float, float, float, float] | None:
        """The caption's screen box (x, y, w, h; y up, as VTK), None when hidden."""
        if not self.actor.GetVisibility():
            return None
        b = [0.0] * 4
        self.actor.GetBoundingBox(self._renderer, b)  # its size (VTK gives it about its own corner)
        w, h = b[1] - b[0], b[3] - b[2]
        x, top = self.actor.GetPositionCoordinate().GetValue()[:2]  # the window's pixels
        return (float(x), float(top - h), float(w), float(h))

    def height(self) -> float:
        """How far down from the viewport's top the caption reaches (0 when hidden)."""
        b = self.box()
        return 0.0 if b is None else b[3] + INSET_PX

    def close(self) -> None:
        """Take the caption out of its renderer."""
        self._renderer.RemoveViewProp(self.actor)
