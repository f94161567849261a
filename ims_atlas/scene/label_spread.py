"""Stacking labels beside their points without overlaps (pure: no VTK, no Qt).

Used by the 3D view's target labels (``scene.target_labels``: :func:`place_beside`) and by
the exported pictures' label columns (``export.label_layout``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Pixels between a marker and the near edge of its label.
OFFSET_PX = 28
#: Pixels between stacked labels, and kept clear at the edges of the view.
GAP_PX = 3
MARGIN_PX = 4
#: A label keeps this many pixels clear of every marker (about a marker's radius on screen).
MARKER_CLEAR_PX = 7
#: A leader passing closer than this to another marker's centre seems to end at it (a
#: marker is drawn 16-20 px across in the window: its radius and a few pixels).
LEADER_CLEAR_PX = 12
#: A layout with a leader longer than this (pixels) is tried with the labels at the first
#: gap too (a label past every marker level with it can end far from its point).
LONG_LEADER_PX = 3 * OFFSET_PX


def spread(anchors: Sequence[float], heights: Sequence[float], top: float, bottom: float,
           gap: float) -> list[float]:
    """Tops of boxes stacked in the order of their anchors, none overlapping.

    ``anchors`` are the heights (y down) the boxes' middles would ideally be level with,
    sorted ascending; ``heights`` the boxes' heights. Each group of boxes that would touch is
    centred, on average, on its anchors, and kept between ``top`` and ``bottom`` when it fits.
    """
    n = len(anchors)
    # Clusters of consecutive boxes: [first index, last index, top of the cluster].
    clusters: list[list[float]] = []

    def height(i: int, j: int) -> float:
        return sum(heights[i : j + 1]) + gap * (j - i)

    def ideal_top(i: int, j: int) -> float:
        # The top that puts the cluster's boxes, on average, level with their anchors.
        offsets, acc = [], 0.0
        for k in range(i, j + 1):
            offsets.append(anchors[k] - heights[k] / 2 - acc)
            acc += heights[k] + gap
        t = sum(offsets) / len(offsets)
        return min(max(t, top), bottom - height(i, j))

    for k in range(n):
        clusters.append([k, k, ideal_top(k, k)])
        # Merge with the cluster above while they overlap.
        while len(clusters) > 1:
            a, b = clusters[-2], clusters[-1]
            if a[2] + height(int(a[0]), int(a[1])) + gap <= b[2] + 1e-9:
                break
            first, last = int(a[0]), int(b[1])
            clusters[-2:] = [[first, last, ideal_top(first, last)]]
    tops: list[float] = []
    for first, last, t in clusters:
        y = t
        for k in range(int(first), int(last) + 1):
            tops.append(y)
            y += heights[k] + gap
    return tops


def _clear_of(start: float, width: float, marks: Sequence[float], rightward: bool) -> float:
    """The x nearest ``start`` (going right, or left) where a label ``width`` wide keeps
    clear of every marker at ``marks`` (x of the markers level with it): past a marker it
    would cover, to the next gap that fits it.
    """
    x = start
    moved = True
    while moved:
        moved = False
        for m in marks:
            if x - MARKER_CLEAR_PX < m < x + width + MARKER_CLEAR_PX:
                x = m + OFFSET_PX if rightward else m - OFFSET_PX - width
                moved = True
    return x


def _boxes(xs, ys, sizes, right: list[bool], width: float, height: float,
           first_gap: bool = False) -> list[tuple[float, float]]:
    """(x, top) of each label on its side: stacked by :func:`spread`, then moved out past
    every marker level with it (its own and its neighbours': a forearm's four epicentres
    within a few pixels); with ``first_gap``, only past those it would cover, to the first
    gap that fits it.
    """
    n = len(xs)
    out: list[tuple[float, float]] = [(0.0, 0.0)] * n
    for side in (True, False):
        idx = sorted((i for i in range(n) if right[i] == side), key=lambda i: ys[i])
        if not idx:
            continue
        tops = spread([ys[i] for i in idx], [sizes[i][1] for i in idx], MARGIN_PX, height - MARGIN_PX, GAP_PX)
        for i, top in zip(idx, tops, strict=True):
            w, h = sizes[i]
            level = [j for j in range(n) if top - MARKER_CLEAR_PX <= ys[j] <= top + h + MARKER_CLEAR_PX] + [i]
            if first_gap:
                x = _clear_of(xs[i] + OFFSET_PX if side else xs[i] - OFFSET_PX - w, w, [xs[j] for j in level], side)
            elif side:
                x = max(xs[j] for j in level if xs[j] >= xs[i] - 0.5) + OFFSET_PX
            else:
                x = min(xs[j] for j in level if xs[j] <= xs[i] + 0.5) - OFFSET_PX - w
            out[i] = (min(max(x, MARGIN_PX), width - MARGIN_PX - w), top)
    return out


def _covers(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    bx, top, w, h = box
    return bx - MARKER_CLEAR_PX < x < bx + w + MARKER_CLEAR_PX and top - MARKER_CLEAR_PX < y < top + h + MARKER_CLEAR_PX


def place_beside(xs: Sequence[float], ys: Sequence[float], sizes: Sequence[tuple[float, float]],
                 right: Sequence[bool], width: float, height: float) -> list[tuple[float, float, bool]]:
    """Where each label goes beside its marker in a view ``width`` x ``height`` (pixels, y
    down): ``(x, top, on_the_right)``.

    Each label starts on its ``right`` side (away from the body's midline), stacked with the
    others of that side in the order of their markers and set clear of every marker at its
    height. A label that would still cover a marker (its side has no room: a narrow viewport,
    a marker near the edge) goes to the other side, and back if it covers one there too.
    A label whose leader would run over another marker goes to its other side where that
    leaves fewer faults. Set clear of the markers either past all of them level with it or at
    the first gap, as leaves the fewest faults (overlapping labels, covered markers, leaders
    over markers, then the longest leader).
    """
    n = len(xs)

    def covering(boxes) -> list[int]:
        return [i for i in range(n) if any(_covers((*boxes[i], *sizes[i]), xs[j], ys[j]) for j in range(n))]

    def placed(first_gap: bool) -> tuple[list[bool], list[tuple[float, float]]]:
        side = [bool(r) for r in right]
        boxes = _boxes(xs, ys, sizes, side, width, height, first_gap)
        moved = covering(boxes)
        if moved:
            for i in moved:
                side[i] = not side[i]
            boxes = _boxes(xs, ys, sizes, side, width, height, first_gap)
            back = [i for i in covering(boxes) if i in moved]
            if back:
                for i in back:
                    side[i] = not side[i]
                boxes = _boxes(xs, ys, sizes, side, width, height, first_gap)
        return side, _apart(xs, ys, sizes, side, width, height, boxes, covering)

    def untangled(side: list[bool], boxes, first_gap: bool):
        # A leader that runs over another target's marker reads as that target's name (the
        # shoulder's subscapularis leader through the deltoid's point): such a label goes to
        # its other side where that leaves fewer faults.
        now = score(boxes, side)
        for i in np.flatnonzero(_faults(xs, ys, sizes, boxes, side)[2]):
            turned = side.copy()
            turned[i] = not turned[i]
            trial = _boxes(xs, ys, sizes, turned, width, height, first_gap)
            if _overlapping_pairs(trial, sizes):
                trial = _apart(xs, ys, sizes, turned, width, height, trial, covering)
            then = score(trial, turned)
            if then < now:
                side, boxes, now = turned, trial, then
        return side, boxes

    def score(boxes, side) -> tuple[int, int, int]:
        overlaps, covers, over = _faults(xs, ys, sizes, boxes, side)
        return int(overlaps), int(covers.sum()), int(over.sum())

    def faults(option) -> tuple[int, int, int, float]:
        (side, boxes), _ = option
        longest = max((abs((x if side[i] else x + sizes[i][0]) - xs[i]) for i, (x, _) in enumerate(boxes)), default=0.0)
        return (*score(boxes, side), longest)

    # Each label past every marker level with it, or only to the first gap clear of them: a
    # label sent to the inner side then stops before the other arm's markers instead of
    # beyond them, its leader no longer running across the body. Each untangled, whichever
    # leaves fewer faults (overlapping labels, covered markers, leaders over markers, the
    # longest leader).
    past_all = placed(False)
    *found, longest = faults((past_all, False))
    if found == [0, 0, 0] and longest <= LONG_LEADER_PX:
        return [(x, top, past_all[0][i]) for i, (x, top) in enumerate(past_all[1])]  # nothing to mend
    (side, boxes), _ = min(((untangled(*past_all, False), False), (untangled(*placed(True), True), True)), key=faults)
    return [(x, top, side[i]) for i, (x, top) in enumerate(boxes)]


def _faults(xs, ys, sizes, boxes, side) -> tuple[int, np.ndarray, np.ndarray]:
    """A layout's faults: how many pairs of labels overlap, which labels cover a marker, and
    which leaders pass within :data:`LEADER_CLEAR_PX` of another marker's centre (one on
    top of its own aside).
    """
    mx, my = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    size = np.asarray(sizes, dtype=float).reshape(-1, 2)
    box = np.asarray(boxes, dtype=float).reshape(-1, 2)
    x, top, w, h = box[:, 0], box[:, 1], size[:, 0], size[:, 1]
    meet = ((x[:, None] < x[None, :] + w[None, :]) & (x[None, :] < x[:, None] + w[:, None])
            & (top[:, None] < top[None, :] + h[None, :]) & (top[None, :] < top[:, None] + h[:, None]))
    overlaps = int(np.triu(meet, 1).sum())
    c = MARKER_CLEAR_PX
    covers = ((x[:, None] - c < mx[None, :]) & (mx[None, :] < x[:, None] + w[:, None] + c)
              & (top[:, None] - c < my[None, :]) & (my[None, :] < top[:, None] + h[:, None] + c)).any(axis=1)
    end_x = np.where(np.asarray(side, dtype=bool), x, x + w)
    end_y = top + h / 2
    dx, dy = end_x - mx, end_y - my
    length2 = np.maximum(dx * dx + dy * dy, 1e-9)
    rel_x, rel_y = mx[None, :] - mx[:, None], my[None, :] - my[:, None]  # [label, marker]
    t = np.clip((rel_x * dx[:, None] + rel_y * dy[:, None]) / length2[:, None], 0.0, 1.0)
    near = (t * dx[:, None] - rel_x) ** 2 + (t * dy[:, None] - rel_y) ** 2 < LEADER_CLEAR_PX ** 2
    near &= rel_x ** 2 + rel_y ** 2 >= LEADER_CLEAR_PX ** 2  # its own marker, and one on top of it
    return overlaps, covers, near.any(axis=1)


def _overlap(a: tuple[float, float], sa: tuple[float, float], b: tuple[float, float], sb: tuple[float, float]) -> bool:
    return a[0] < b[0] + sb[0] and b[0] < a[0] + sa[0] and a[1] < b[1] + sb[1] and b[1] < a[1] + sa[1]


def _overlapping_pairs(boxes, sizes) -> list[tuple[int, int]]:
    n = len(boxes)
    return [(i, j) for i in range(n) for j in range(i + 1, n) if _overlap(boxes[i], sizes[i], boxes[j], sizes[j])]


def _apart(xs, ys, sizes, side: list[bool], width: float, height: float, boxes, covering):
    """Labels of the two sides that meet (a left column's label pushed past the markers level
    with it, or held in at the view's edge, runs into the right column's) are stacked as one
    column where they share the width: every label whose span crosses theirs is spread again,
    in the order of its marker, keeping its x. A new stacking is kept only where it leaves
    fewer overlaps and covers no more markers.
    """
    n = len(xs)
    boxes = list(boxes)
    for _ in range(n):
        pairs = [(i, j) for i, j in _overlapping_pairs(boxes, sizes) if side[i] != side[j]]
        if not pairs:
            break
        group = set(pairs[0])
        grown = True
        while grown:
            lo = min(boxes[k][0] for k in group)
            hi = max(boxes[k][0] + sizes[k][0] for k in group)
            more = {k for k in range(n) if k not in group and boxes[k][0] < hi and lo < boxes[k][0] + sizes[k][0]}
            grown = bool(more)
            group |= more
        idx = sorted(group, key=lambda k: ys[k])
        tops = spread([ys[k] for k in idx], [sizes[k][1] for k in idx], MARGIN_PX, height - MARGIN_PX, GAP_PX)
        trial = list(boxes)
        for k, top in zip(idx, tops, strict=True):
            trial[k] = (boxes[k][0], top)
        if len(_overlapping_pairs(trial, sizes)) < len(_overlapping_pairs(boxes, sizes)) and \
                len(covering(trial)) <= len(covering(boxes)):
            boxes = trial
        else:
            break
    return boxes


def overlapping_labels(sizes: Sequence[tuple[float, float]], placed: Sequence[tuple[float, float, bool]]) -> list[int]:
    """The labels (indices) of a :func:`place_beside` layout that overlap another label."""
    boxes = [(x, top) for x, top, _ in placed]
    return sorted({k for pair in _overlapping_pairs(boxes, sizes) for k in pair})


def covering_markers(xs: Sequence[float], ys: Sequence[float], sizes: Sequence[tuple[float, float]],
                     placed: Sequence[tuple[float, float, bool]]) -> list[int]:
    """The labels (indices) of a :func:`place_beside` layout that still cover a marker."""
    n = len(xs)
    return [i for i in range(n)
            if any(_covers((placed[i][0], placed[i][1], *sizes[i]), xs[j], ys[j]) for j in range(n))]


def two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle (a label too wide for a narrow view)."""
    words = text.split(" ")
    if len(words) < 2:
        return text
    best = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(" ".join(words[k:]))))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])
