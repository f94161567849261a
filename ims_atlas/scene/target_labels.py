"""Names beside the target markers in the 3D view, laid out on screen before every frame.

VTK's label placer hides a label that would overlap another, so a crowded picture (sciatica:
buttock, hamstring and calf targets close together) lost names without saying so. Here every
label is kept: before each frame the markers are projected to the screen, each label goes on
the side of its marker away from the body's midline, and the labels on one side are stacked
in the order of their markers and pushed apart only as far as needed; a label is set clear of
every marker at its height (ECRL's label must not sit on ECRB's point), and goes to the other
side where it would cover one or leave a narrow viewport
(:func:`ims_atlas.scene.label_spread.place_beside`). A thin leader joins each label to its marker.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor2D, vtkPolyDataMapper2D, vtkTextActor

from ims_atlas.scene.label_spread import covering_markers, overlapping_labels, place_beside, two_lines

FONT_SIZE = 14


class TargetLabels:
    """The labels and their leader lines, drawn in ``renderer`` (the overlay)."""

    def __init__(self, renderer, text_rgb: tuple[float, float, float], box_rgb: tuple[float, float, float],
                 box_opacity: float = 0.65) -> None:
        self._renderer = renderer
        self._text_rgb = text_rgb
        self._box_rgb = box_rgb
        self._box_opacity = box_opacity
        self._texts: list[vtkTextActor] = []
        self._positions = np.zeros((0, 3))
        self._mirrors = np.zeros((0, 3))
        self._sizes: dict[str, tuple[float, float]] = {}
        self._leader_points = vtkPoints()
        self._leader_data = vtkPolyData()
        self._leader_data.SetPoints(self._leader_points)
        self._leader_data.SetLines(vtkCellArray())
        mapper = vtkPolyDataMapper2D()
        mapper.SetInputData(self._leader_data)
        self._leaders = vtkActor2D()
        self._leaders.SetMapper(mapper)
        self._leaders.GetProperty().SetColor(1.0, 1.0, 1.0)
        self._leaders.GetProperty().SetLineWidth(1.5)
        self._leaders.PickableOff()
        self._leaders.SetVisibility(False)
        renderer.AddViewProp(self._leaders)
        #: The screen boxes of the labels after the last layout: (x, y, w, h), y up, as VTK.
        self.boxes: list[tuple[float, float, float, float]] = []
        #: Pixels at the viewport's top the labels keep clear of (its caption: scene.view_caption).
        self.reserved_top = 0.0

    @property
    def texts(self) -> list[str]:
        """The labels' words now shown, in order (as :attr:`boxes`: a label whose marker is out
        of view is hidden).
        """
        return [actor.GetInput().strip() for actor in self._texts if actor.GetVisibility()]

    @property
    def props(self) -> list[object]:
        """The VTK props now shown (labels and leaders)."""
        return ([self._leaders] if self._texts else []) + list(self._texts)

    def set(self, texts: Sequence[str], positions: np.ndarray, midline_x: float) -> None:
        """Label ``positions`` (world, n x 3) with ``texts``; an empty list removes them."""
        for actor in self._texts[len(texts):]:
            self._renderer.RemoveViewProp(actor)
        del self._texts[len(texts):]
        while len(self._texts) < len(texts):
            self._texts.append(self._new_text())
        for actor, text in zip(self._texts, texts, strict=True):
            # A label broken on two lines for a narrow view stays so until the labels change.
            if actor.GetInput() not in (f" {text} ", f" {two_lines(text)} "):
                actor.SetInput(f" {text} ")
        self._positions = np.asarray(positions, dtype=float).reshape(-1, 3)
        # Each marker's mirror image across the midline: a label goes on the side of its marker
        # away from its mirror image on screen, that is away from the body's midline.
        self._mirrors = self._positions.copy()
        self._mirrors[:, 0] = 2.0 * midline_x - self._mirrors[:, 0]
        self._leaders.SetVisibility(bool(self._texts))
        self.boxes = []

    def _new_text(self) -> vtkTextActor:
        actor = vtkTextActor()
        prop = actor.GetTextProperty()
        prop.SetFontSize(FONT_SIZE)
        prop.BoldOn()
        prop.SetColor(*self._text_rgb)
        prop.SetBackgroundColor(*self._box_rgb)
        prop.SetBackgroundOpacity(self._box_opacity)
        prop.SetVerticalJustificationToBottom()
        prop.SetJustificationToLeft()
        actor.PickableOff()
        self._renderer.AddViewProp(actor)
        return actor

    def _size(self, actor: vtkTextActor) -> tuple[float, float]:
        text = actor.GetInput()
        size = self._sizes.get(text)
        if size is None:
            box = [0.0] * 4
            actor.GetBoundingBox(self._renderer, box)
            size = (box[1] - box[0], box[3] - box[2])
            if size[0] > 0 and size[1] > 0:
                self._sizes[text] = size
        return size

    def _project(self, points: np.ndarray) -> np.ndarray:
        out = np.empty((len(points), 2))
        renderer = self._renderer
        for i, p in enumerate(points):
            renderer.SetWorldPoint(p[0], p[1], p[2], 1.0)
            renderer.WorldToDisplay()
            out[i] = renderer.GetDisplayPoint()[:2]
        return out

    def layout(self) -> None:
        """Place the labels of the markers in view for the current camera (call before each
        frame); the others are hidden.
        """
        if not self._texts:
            return
        width, height = self._renderer.GetSize()
        if width <= 1 or height <= 1:
            return
        # The overlay shares the scene's camera, so its projection is the scene's.
        ox, oy = self._renderer.GetOrigin()
        marks = self._project(self._positions)
        mirrors = self._project(self._mirrors)
        # Only the labels of markers in view: moved in close (a close-up of the hand, the
        # wheel), the rest would pile up along the edges with leaders running out of sight.
        keep = [i for i, (x, y) in enumerate(marks) if ox <= x <= ox + width and oy <= y <= oy + height]
        shown = set(keep)
        for i, actor in enumerate(self._texts):
            actor.SetVisibility(i in shown)
        texts = [self._texts[i] for i in keep]
        marks, mirrors = marks[keep], mirrors[keep]
        sizes = [self._size(a) for a in texts]
        # Image coordinates in the viewport (y down) for the layout, back to VTK's for drawing.
        xs = marks[:, 0] - ox
        ys = height - (marks[:, 1] - oy)
        right = [bool(r) for r in marks[:, 0] >= mirrors[:, 0] - 0.5]
        # Laid out below the caption's band: the labels' view starts under it.
        band = min(max(self.reserved_top, 0.0), 0.3 * height)
        ys = ys - band
        height_below = height - band
        placed = [(x, top + band, r) for x, top, r in place_beside(xs, ys, sizes, right, width, height_below)]
        # A label too wide for either side of its marker (a narrow viewport) goes on two lines.
        # So does one that still runs into another label (a left column's meeting a right one's).
        below = [(x, t - band, r) for x, t, r in placed]
        wrap = [i for i in sorted(set(covering_markers(xs, ys, sizes, below)) | set(overlapping_labels(sizes, below)))
                if "\n" not in texts[i].GetInput()]
        if wrap:
            for i in wrap:
                texts[i].SetInput(f" {two_lines(texts[i].GetInput().strip())} ")
                sizes[i] = self._size(texts[i])
            placed = [(x, top + band, r) for x, top, r in place_beside(xs, ys, sizes, right, width, height_below)]
        points = self._leader_points
        points.SetNumberOfPoints(2 * len(texts))
        lines = vtkCellArray()
        boxes = []
        for i, (actor, (x, top, on_right)) in enumerate(zip(texts, placed, strict=True)):
            w, h = sizes[i]
            box = (ox + x, oy + height - top - h, w, h)
            boxes.append(box)
            actor.SetDisplayPosition(int(round(box[0])), int(round(box[1])))
            near_x = box[0] if on_right else box[0] + w
            # A 2D actor's points are in its viewport's pixels (origin at the viewport's
            # corner), the text's display position in the window's: the right half of a split
            # window drew its leaders off to the right, out of sight.
            points.SetPoint(2 * i, marks[i, 0] - ox, marks[i, 1] - oy, 0.0)
            points.SetPoint(2 * i + 1, near_x - ox, box[1] + h / 2 - oy, 0.0)
            lines.InsertNextCell(2)
            lines.InsertCellPoint(2 * i)
            lines.InsertCellPoint(2 * i + 1)
        self._leader_data.SetLines(lines)
        points.Modified()
        self._leader_data.Modified()
        self.boxes = boxes

    def clear(self) -> None:
        """Remove every prop from the renderer."""
        for actor in self._texts:
            self._renderer.RemoveViewProp(actor)
        self._texts.clear()
        self._renderer.RemoveViewProp(self._leaders)
