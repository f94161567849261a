"""Knots left in a picture of both sides, untied by naming a muscle on its other side.

A segment on both sides names each muscle once, on one of its two sides
(:func:`~ims_atlas.scene.picture.named_once`), choosing before anything is laid out. Once the
panels have their insets, three leaders can still meet at one spot of a view: C7 from the
front named pectoralis major, coracobrachialis and biceps brachii all at the right shoulder
(the left shoulder's crowd already had the chest wall's inset); S1 from behind named gluteus
medius, gluteus minimus and gemellus inferior at the left hip. Both sides are drawn and lit,
so either twin can carry the name: one of the knot's muscles is named on its other side
instead (biceps brachii in the left chest wall's inset; gemellus inferior in the right hip's,
beside gemellus superior), the picture is laid out again, and the new one is kept where it
leaves fewer knots (then fewer labels left out, then fewer crowds of leaders) than before.
Before that, a muscle named apart from one lying together and named together with it that an
inset labels is named beside it (:func:`join_namesakes`: S1's gemellus inferior, named at the
left hip, joins gemellus superior in the right hip's inset), where that leaves no more faults.

The measures here are pure (no VTK, no Qt): they read a finished picture's panels and labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ims_atlas.export.knots import LIE_TOGETHER_M, name_words
from ims_atlas.export.label_layout import LabelLayout
from ims_atlas.scene.crowds import KNOT_BOX, TIERS, find_crowd, find_tiered
from ims_atlas.scene.picture import NAMED_APART_M

#: At most this many pictures are laid out again to untie a picture's knots (a knot of four
#: may take a round of four and one of three; each is a whole layout, planned and not drawn:
#: only the one kept is rendered, :func:`ims_atlas.export.panels.plan_views`).
MOST_TRIES = 8


def _inside(point, box, tol: float = 0.5) -> bool:
    return box.x - tol <= point[0] <= box.right + tol and box.y - tol <= point[1] <= box.bottom + tol


def view_leaders(panel, layout: LabelLayout) -> dict[str, tuple[float, float]]:
    """The leaders drawn into a panel's own view (not an inset's): their points, by label key."""
    in_insets = {k for i in panel.insets for k in i.keys}
    return {str(p.key): p.anchor for p in layout.placed if _inside(p.anchor, panel.region) and p.key not in in_insets}


def knots(panels: Sequence, layout: LabelLayout) -> tuple[tuple[str, ...], ...]:
    """The knots of three leaders (:data:`~ims_atlas.scene.crowds.KNOT_BOX` of a view's
    height) left in each panel's view and in each of its insets, by label keys.
    """
    out = []
    for panel in panels:
        side = KNOT_BOX * panel.region.h
        if knot := find_crowd(view_leaders(panel, layout), side, 3, near=0.0):
            out.append(knot)
        for inset in panel.insets:
            inner = {str(p.key): p.anchor for p in layout.placed if p.key in inset.keys}
            if knot := find_crowd(inner, side, 3, near=0.0):
                out.append(knot)
    return tuple(out)


#: The crowd tiers other than the knot's (a knot is counted on its own).
LOOSE_TIERS = tuple(t for t in TIERS if (t[1], t[2]) != (KNOT_BOX, KNOT_BOX))
#: A twin this near (metres) a muscle named with it is named beside it (the gemelli, their
#: points 2-3 cm apart, are tried first).
BESIDE_M = 0.06


def faults(panels: Sequence, layout: LabelLayout) -> tuple[int, int, int]:
    """How badly a picture's leaders read, worst first: the leaders caught in its knots (a
    knot of four is worse than one of three: S1's left ankle from behind, one of its four
    muscles named on the right, is a step towards none), its labels left out, and the looser
    crowds of leaders left in its views (:data:`LOOSE_TIERS`).
    """
    crowds = sum(1 for p in panels if find_tiered(view_leaders(p, layout), p.region.h, LOOSE_TIERS))
    return sum(len(k) for k in knots(panels, layout)), len(layout.dropped), crowds


def renamed(named_by: Mapping[str, str], key: str) -> dict[str, str]:
    """``named_by`` (unlabelled key -> the key naming it) with ``key``'s twin named instead
    of ``key``; unchanged when ``key`` names no twin.
    """
    twin = next((k for k, v in named_by.items() if v == key), None)
    out = dict(named_by)
    if twin is not None:
        del out[twin]
        out[key] = twin
    return out


def _muscle(key: str) -> str:
    return key.split(":")[1] if key.count(":") == 2 else ""


def beside_namesake(key: str, named_by: Mapping[str, str], points: Mapping[str, Sequence[float]]) -> bool:
    """Whether ``key``'s twin lies within :data:`BESIDE_M` of a muscle named with it (a word
    of their names in common, :func:`~ims_atlas.export.knots.name_words`) that is labelled:
    gemellus inferior's twin beside gemellus superior.
    """
    twin = next((k for k, v in named_by.items() if v == key), None)
    if twin is None or points.get(twin) is None:
        return False
    words = name_words([_muscle(key)])
    at = np.asarray(points[twin], dtype=float)
    labelled = set(named_by.values()) | {k for k in points if k not in named_by}
    return any(words & name_words([_muscle(o)]) and points.get(o) is not None
               and float(np.linalg.norm(np.asarray(points[o], dtype=float) - at)) < BESIDE_M
               for o in labelled if o != key and _muscle(o) != _muscle(key))


def twin_crowding(key: str, named_by: Mapping[str, str], points: Mapping[str, Sequence[float]]) -> float:
    """How crowded ``key``'s twin would be among the labelled points (each weighted by how
    near, as :func:`~ims_atlas.scene.picture.named_once` weighs them); inf without a twin.
    """
    twin = next((k for k, v in named_by.items() if v == key), None)
    if twin is None or points.get(twin) is None:
        return float("inf")
    at = np.asarray(points[twin], dtype=float)
    labelled = (set(named_by.values()) | {k for k in points if k not in named_by}) - {key}
    return sum(float(np.exp(-(np.linalg.norm(np.asarray(points[o], dtype=float) - at) / NAMED_APART_M) ** 2))
               for o in labelled if points.get(o) is not None)


def _side(key: str) -> str:
    return key.rpartition(":")[2]


def apart_from_namesakes(named_by: Mapping[str, str], panels: Sequence,
                         points: Mapping[str, Sequence[float]]) -> tuple[str, ...]:
    """The keys naming a muscle on its other side (``named_by``'s values) whose unlabelled
    twin lies together (:data:`~ims_atlas.export.knots.LIE_TOGETHER_M`) with a muscle named
    with it (a word of their names in common) that an inset labels, while the key naming it
    is in no inset: S1 on both sides named gemellus superior in the right hip's inset and
    gemellus inferior at the left hip, the pair across obturator internus told apart.
    """
    in_insets = {k for p in panels for i in p.insets for key in i.keys for k in key.split("+")}
    out = []
    for unnamed, naming in named_by.items():
        if naming in in_insets or unnamed.startswith("paraspinal:") or points.get(unnamed) is None:
            continue
        words = name_words([_muscle(unnamed)])
        at = np.asarray(points[unnamed], dtype=float)
        if any(o != unnamed and _side(o) == _side(unnamed) and _muscle(o) != _muscle(unnamed)
               and words & name_words([_muscle(o)]) and points.get(o) is not None
               and float(np.linalg.norm(np.asarray(points[o], dtype=float) - at)) < LIE_TOGETHER_M
               for o in in_insets):
            out.append(naming)
    return tuple(out)


def join_namesakes(named_by: Mapping[str, str], result, lay_out: Callable[[dict[str, str]], object],
                   points: Mapping[str, Sequence[float]]):
    """``result`` (laid out with ``named_by``), or, where a muscle is named apart from one
    named with it that an inset labels (:func:`apart_from_namesakes`), the picture laid out
    again with it named on that side, beside it, if that leaves no more faults
    (:func:`faults`). Returns ``(named_by, result)`` of the one kept.
    """
    moved = apart_from_namesakes(named_by, result.panels, points)
    if not moved:
        return dict(named_by), result
    names = dict(named_by)
    for key in moved:
        names = renamed(names, key)
    trial = lay_out(names)
    if faults(trial.panels, trial.layout) <= faults(result.panels, result.layout):
        return names, trial
    return dict(named_by), result


def untie_by_sides(named_by: Mapping[str, str], result, lay_out: Callable[[dict[str, str]], object],
                   points: Mapping[str, Sequence[float]] | None = None, tries: int = MOST_TRIES):
    """``result`` (a finished picture: ``panels`` and ``layout``, laid out with ``named_by``),
    or a better one laid out by ``lay_out`` (named_by -> result) with a muscle of a knot
    named on its other side: each knot's named muscles are tried in turn (with ``points``,
    the targets' points by key: first those whose twin lies beside a muscle named with it,
    then the twin least crowded by labelled points; a twin without a point never), at most
    ``tries`` layouts in all. The first without any fault (:func:`faults`) is taken, else the
    one with the fewest (the first of equals), if fewer than before. (Taken as soon as it had
    no knot, C7's pectoralis major named in the left chest wall's inset shrank the view from
    the front to a small figure with a crowd of five leaders along the right arm.)
    Returns ``(named_by, result)`` of the one kept.
    """
    best = (dict(named_by), result)
    best_faults = faults(result.panels, result.layout)
    tried: set[str] = set()
    while tries > 0 and best_faults[0]:
        base, start = best[0], best_faults
        naming = set(base.values())
        keys = list(dict.fromkeys(k for knot in knots(best[1].panels, best[1].layout) for part in knot
                                  for k in part.split("+")
                                  if k in naming and not k.startswith("paraspinal:") and k not in tried))
        if points:
            # (a twin without a point is never named: named_once's rule)
            keys = sorted((k for k in keys if np.isfinite(twin_crowding(k, base, points))),
                          key=lambda k: (not beside_namesake(k, base, points), twin_crowding(k, base, points)))
        for key in keys:  # each tried on the round's names, not on another's trial
            if tries <= 0:
                break
            tries -= 1
            names = renamed(base, key)
            trial = lay_out(names)
            found = faults(trial.panels, trial.layout)
            if found < best_faults:
                best, best_faults = (names, trial), found
                if not any(found):
                    return best
        if best_faults == start:
            break
        # The muscles renamed in the one kept are not renamed back; the others may be tried
        # again on it (a knot of four parts with two of its muscles named on their other side).
        tried.update(k for pair in best[0].items() if base.get(pair[0]) != pair[1] for k in pair)
    return best
