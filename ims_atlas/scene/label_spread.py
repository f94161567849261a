"""Stacking labels beside their points without overlaps (pure: no VTK, no Qt).

Used by the 3D view's target labels (``scene.target_labels``) and by the exported pictures'
label columns (``export.label_layout``).
"""

from __future__ import annotations

from collections.abc import Sequence


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
