"""Crowds of targets on screen: many points in a small box (pure: no VTK, no Qt).

Where a hand, a foot or a forearm carries many targets, their labels cannot sit beside
their points: a fan of leader lines meets in a few pixels and no reader can tell which line
ends where. Such a crowd is shown again, enlarged, in an inset with its own labels
(:mod:`ims_atlas.export.insets`). Paraspinal needle points are never a crowd: they lie in one
column beside the spine, in the order of their levels, and their labels stack in that order.
"""

from __future__ import annotations

from collections.abc import Mapping

Point = tuple[float, float]

#: A crowd: at least this many labels (a fan is of leader lines: a label that names several
#: targets sharing one marker is one line) ...
CROWD_LEAST = 4
#: Beside a panel's first inset, a further crowd needs only this many labels: the panel is
#: already split, and three leaders meeting at a wrist are as hard to follow there.
FURTHER_LEAST = 3
#: ... inside a square whose side is this fraction of the anatomy box's height.
CROWD_BOX = 0.2
#: Targets within this fraction of the square's side of a crowd's points join it.
NEAR_CROWD = 0.25
#: Three leaders meeting in a square this fraction of the view's height wide are a knot (at
#: 1920x1080 a panel's view is about 700 pixels high: about 50 pixels, where no reader can
#: tell which line ends where: the hamstrings at mid-thigh, sciatica's buttock). Three
#: neighbouring back muscles a little further apart (multifidus, longissimus, iliocostalis in
#: low back pain, 55 pixels) read well in the view itself.
KNOT_BOX = 0.07
#: A strip of five: this wide and this high, in the view's height: a forearm and hand seen
#: from the front (T1: five points 0.07 wide, 0.38 high); the back's muscles beside the
#: lumbar spine, wider apart, read well in the view itself.
STRIP = (0.08, 0.4)
#: What makes a crowd, in the view's height: (how many labels, the box's width, its height).
#: Four labels in a fifth of the view; three in a knot; five along a
#: narrow strip (a forearm and hand seen from the front, its leaders fanning into the hand).
#: The strip is tried upright and lying.
TIERS = ((CROWD_LEAST, CROWD_BOX, CROWD_BOX), (3, KNOT_BOX, KNOT_BOX), (5, STRIP[0], STRIP[1]))
#: Beside a panel's first inset the further crowds: three labels in a fifth of the view, or
#: the strip's five.
FURTHER_TIERS = ((3, KNOT_BOX, KNOT_BOX), (FURTHER_LEAST, CROWD_BOX, CROWD_BOX), (5, STRIP[0], STRIP[1]))


def can_crowd(key: str) -> bool:
    """Whether a target may be part of a crowd: paraspinal points never are."""
    return not all(k.startswith("paraspinal:") for k in key.split("+"))


def find_crowd(points: Mapping[str, Point], side: float, least: int = CROWD_LEAST,
               height: float | None = None, near: float = NEAR_CROWD) -> tuple[str, ...]:
    """The keys of the largest crowd among ``points`` (pixels, by label key), or ``()``.

    A crowd is the set of points inside a ``side`` x ``side`` square that holds the most
    labels, if that is at least ``least``; of two such squares with as many, the one whose
    points lie closer together wins (it is the worse fan). Every square whose left edge is at
    a point's x and top edge at a point's y is tried: the best square can always be moved
    until its edges touch points without losing one. ``height``: a box ``side`` wide and
    this high instead of a square; ``near``: the share of the box's side within which targets
    just outside it join the crowd.
    """
    keys = [k for k in points if can_crowd(k)]
    tall = side if height is None else height
    if side <= 0 or tall <= 0 or len(keys) < least:
        return ()
    best: tuple[str, ...] = ()
    best_rank = (0, 0.0)
    xs = sorted({points[k][0] for k in keys})
    ys = sorted({points[k][1] for k in keys})
    for x0 in xs:
        column = [k for k in keys if x0 <= points[k][0] <= x0 + side]
        if len(column) < least:
            continue
        for y0 in ys:
            inside = tuple(k for k in column if y0 <= points[k][1] <= y0 + tall)
            count = len(inside)
            if count < least:
                continue
            px = [points[k][0] for k in inside]
            py = [points[k][1] for k in inside]
            area = (max(px) - min(px) + 1.0) * (max(py) - min(py) + 1.0)
            rank = (count, -area)
            if rank > best_rank:
                best, best_rank = inside, rank
    if best:
        # Targets just outside the square belong to the crowd too: their leaders would run
        # into the same few pixels.
        reach = min(side, tall) * near
        px = [points[k][0] for k in best]
        py = [points[k][1] for k in best]
        best = tuple(k for k in keys if min(px) - reach <= points[k][0] <= max(px) + reach
                     and min(py) - reach <= points[k][1] <= max(py) + reach)
    order = {k: i for i, k in enumerate(points)}
    return tuple(sorted(best, key=order.__getitem__))


def find_crowds(points: Mapping[str, Point], side: float, most: int, least: int = CROWD_LEAST,
                taken: tuple[tuple[str, ...], ...] = ()) -> tuple[tuple[str, ...], ...]:
    """Up to ``most`` crowds among ``points``, largest first, none sharing a key.

    ``taken``: crowds already found (counted in ``most``; their keys are not looked at
    again). Each next crowd is the largest among the points left once the crowds before it
    are taken out: where a shoulder crowd is enlarged, the forearm's fan is the next.
    """
    return _one_after_another(lambda left: find_crowd(left, side, least), points, most, taken)


def find_tiered(points: Mapping[str, Point], view_h: float, tiers=TIERS) -> tuple[str, ...]:
    """The crowd among ``points`` by the first of ``tiers`` (:data:`TIERS`) that finds one,
    boxes scaled by the view's height ``view_h`` (pixels); ``()`` if none.

    Tiers are tried in order of how badly their leaders meet: a tight knot of three (an
    inset enlarges it most, and a larger, looser crowd round it would not enlarge it enough
    to part its leaders) before the fifth of the view's four, before the strip's five.
    """
    for least, w, h in sorted(tiers, key=lambda t: t[1] * t[2]):
        # A tight knot is only the knot: its neighbours would widen its inset and keep its
        # leaders together.
        near = 0.0 if w * h < CROWD_BOX * CROWD_BOX else NEAR_CROWD
        found = [c for bw, bh in {(w, h), (h, w)} if (c := find_crowd(points, bw * view_h, least, bh * view_h, near))]
        if found:
            return max(found, key=len)
    return ()


def find_tiered_crowds(points: Mapping[str, Point], view_h: float, most: int, tiers=FURTHER_TIERS,
                       taken: tuple[tuple[str, ...], ...] = ()) -> tuple[tuple[str, ...], ...]:
    """Up to ``most`` crowds by :func:`find_tiered`, largest first, none sharing a key
    (``taken``: as :func:`find_crowds`).
    """
    return _one_after_another(lambda left: find_tiered(left, view_h, tiers), points, most, taken)


def _one_after_another(find, points: Mapping[str, Point], most: int,
                       taken: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Crowds found by ``find`` one after another among the points no crowd holds yet, until
    ``most`` (``taken`` included) or none is left; the new ones only.
    """
    crowds = list(taken)
    used = {k for c in crowds for k in c}
    while len(crowds) < most:
        crowd = find({k: p for k, p in points.items() if k not in used})
        if not crowd:
            break
        crowds.append(crowd)
        used.update(crowd)
    return tuple(crowds[len(taken):])


def crowd_box(points: Mapping[str, Point], keys, pad: float) -> tuple[float, float, float, float] | None:
    """The box (x, y, w, h) around some of ``points``, ``pad`` pixels wider on every side."""
    pts = [points[k] for k in keys if k in points]
    if not pts:
        return None
    x0, x1 = min(p[0] for p in pts) - pad, max(p[0] for p in pts) + pad
    y0, y1 = min(p[1] for p in pts) - pad, max(p[1] for p in pts) + pad
    return (x0, y0, x1 - x0, y1 - y0)
