"""Where labels go on a picture: pure geometry, no drawing.

Labels sit in two columns beside the anatomy (left and right of the picture), each joined to
its point by a leader line. Within a column, labels keep the vertical order of their points
and are pushed apart only as far as needed (overlapping groups are centred on their points'
mean height), so leader lines stay short and do not cross. A label never overlaps another
and never leaves its column; when a column is full, labels move to the other column, and
only when both are full are the least important labels left out (and reported).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace

from ims_atlas.scene.label_spread import spread

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in image pixels (x right, y down)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """X of the right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """Y of the bottom edge."""
        return self.y + self.h

    @property
    def centre(self) -> Point:
        """The middle of the box."""
        return (self.x + self.w / 2, self.y + self.h / 2)

    def overlaps(self, other: Box) -> bool:
        """True if the interiors intersect (touching edges do not count)."""
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def contains(self, other: Box, tol: float = 1e-6) -> bool:
        """True if ``other`` lies inside this box."""
        return (other.x >= self.x - tol and other.y >= self.y - tol
                and other.right <= self.right + tol and other.bottom <= self.bottom + tol)


@dataclass(frozen=True)
class LabelRequest:
    """A label to place: its key, the point it names, its size, and its importance.

    ``priority``: lower is more important (kept first when space runs out).
    """

    key: Hashable
    anchor: Point
    size: tuple[float, float]
    priority: int = 0


@dataclass(frozen=True)
class PlacedLabel:
    """A placed label: its box, its point, and where its leader line leaves the box."""

    key: Hashable
    box: Box
    anchor: Point
    leader_start: Point
    column: str  # "left" | "right"
    moved: bool = False  # placed in the column away from its point (the near one was full)


@dataclass(frozen=True)
class LabelLayout:
    """The result: placed labels, and the keys of labels that did not fit."""

    placed: tuple[PlacedLabel, ...]
    dropped: tuple[Hashable, ...] = ()
    #: The size (pixels) of each placed label's smallest text, where the labels were drawn.
    text_px: tuple[int, ...] = ()

    @property
    def moved(self) -> int:
        """How many labels sit in the far column (their leader lines cross the picture)."""
        return sum(p.moved for p in self.placed)


def _stack_height(items: Sequence[LabelRequest], gap: float) -> float:
    return sum(r.size[1] for r in items) + gap * max(len(items) - 1, 0)


def _spread(items: list[LabelRequest], top: float, bottom: float, gap: float) -> list[float]:
    """Tops of boxes stacked in anchor order, each group of touching boxes centred on its anchors.

    ``items`` must be sorted by anchor y and fit between ``top`` and ``bottom``.
    """
    return spread([r.anchor[1] for r in items], [r.size[1] for r in items], top, bottom, gap)


def _stack(items: list[LabelRequest], name: str, col: Box, gap: float) -> list[PlacedLabel]:
    """Labels stacked in the given order in one column."""
    out = []
    for r, y in zip(items, _spread(items, col.y, col.bottom, gap), strict=True):
        w, h = r.size
        x = col.right - w if name == "left" else col.x
        box = Box(x, y, w, h)
        start = (box.right, y + h / 2) if name == "left" else (box.x, y + h / 2)
        out.append(PlacedLabel(r.key, box, r.anchor, start, name))
    return out


def _crosses(a: PlacedLabel, b: PlacedLabel) -> bool:
    """True if two leader lines cross."""
    def side(p, q, r) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    p1, p2, q1, q2 = a.leader_start, a.anchor, b.leader_start, b.anchor
    d1, d2 = side(q1, q2, p1), side(q1, q2, p2)
    d3, d4 = side(p1, p2, q1), side(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _uncross(items: list[LabelRequest], name: str, col: Box, gap: float) -> list[PlacedLabel]:
    """Stack a column, swapping neighbours whose leader lines cross (a few passes at most)."""
    order = list(items)
    placed = _stack(order, name, col, gap)
    for _ in range(2 * len(order)):
        swapped = False
        for i in range(len(order) - 1):
            if _crosses(placed[i], placed[i + 1]):
                trial = order[:i] + [order[i + 1], order[i]] + order[i + 2:]
                again = _stack(trial, name, col, gap)
                if not _crosses(again[i], again[i + 1]):
                    order, placed, swapped = trial, again, True
        if not swapped:
            break
    return placed


def place_labels(requests: Sequence[LabelRequest], left: Box, right: Box, gap: float = 8.0) -> LabelLayout:
    """Place labels in a left and a right column.

    Parameters
    ----------
    requests
        The labels, each with the point it names (image pixels) and its size.
    left, right
        The two columns labels may occupy (they must not overlap). Labels in the left column
        are aligned to its right edge (next to the anatomy), in the right column to its left edge.
    gap
        Vertical space between two labels.

    Returns
    -------
    LabelLayout
        Every request is either placed or listed in ``dropped`` (too wide or tall for both
        columns, or no room left).

    Raises
    ------
    ValueError
        If the columns overlap.
    """
    if left.overlaps(right):
        raise ValueError(f"label columns overlap: {left} and {right}")
    split = (left.right + right.x) / 2
    rank = {id(r): i for i, r in enumerate(requests)}  # input order breaks ties
    columns: dict[str, list[LabelRequest]] = {"left": [], "right": []}
    bounds = {"left": left, "right": right}
    dropped: list[LabelRequest] = []
    for r in requests:
        w, h = r.size
        fits = {name: w <= col.w + 1e-9 and h <= col.h + 1e-9 for name, col in bounds.items()}
        preferred = "left" if r.anchor[0] < split else "right"
        other = "right" if preferred == "left" else "left"
        if fits[preferred]:
            columns[preferred].append(r)
        elif fits[other]:
            columns[other].append(r)
        else:
            dropped.append(r)

    def overfull(name: str) -> bool:
        return _stack_height(columns[name], gap) > bounds[name].h + 1e-9

    # Move labels from an overfull column to the other while there is room, those whose
    # points are nearest the middle first; then drop the least important.
    for name, other in (("left", "right"), ("right", "left")):
        while overfull(name):
            movable = sorted(columns[name], key=lambda r: abs(r.anchor[0] - split))
            moved = False
            for r in movable:
                if r.size[0] <= bounds[other].w + 1e-9 and (
                    _stack_height([*columns[other], r], gap) <= bounds[other].h + 1e-9
                ):
                    columns[name].remove(r)
                    columns[other].append(r)
                    moved = True
                    break
            if not moved:
                worst = max(columns[name], key=lambda r: (r.priority, rank[id(r)]))
                columns[name].remove(worst)
                dropped.append(worst)
    placed: list[PlacedLabel] = []
    for name, col in bounds.items():
        items = sorted(columns[name], key=lambda r: (r.anchor[1], r.anchor[0]))
        for label in _uncross(items, name, col, gap):
            far = (label.anchor[0] < split) != (name == "left")
            placed.append(replace(label, moved=far))
    index = {r.key: rank[id(r)] for r in requests}
    placed.sort(key=lambda p: index[p.key])
    return LabelLayout(tuple(placed), tuple(r.key for r in sorted(dropped, key=lambda r: rank[id(r)])))


def columns_for(size: tuple[int, int], view: Box, margin: float) -> tuple[Box, Box]:
    """The two label columns beside a view rectangle inside an image of ``size``."""
    width, _ = size
    left = Box(margin, view.y, max(view.x - 2 * margin, 0.0), view.h)
    right_x = view.right + margin
    right = Box(right_x, view.y, max(width - margin - right_x, 0.0), view.h)
    return left, right
