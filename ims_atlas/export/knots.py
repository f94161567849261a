"""Knots left inside an inset: muscles that lie together and are named together share a label.

An inset enlarges a crowd so its leaders part; a few muscles lie so close that even enlarged
three leaders meet in one spot (the two gemelli beside gluteus maximus in L5's hip, the
thenar muscles in C8's hand). Muscles of one small group, named together in every atlas (the
gemelli; the thenar muscles, all "pollicis"; the hypothenar ones, all "digiti minimi") and
lying within :data:`LIE_TOGETHER_M` of each other, then get one label naming them all, its
leader to their middle: as :data:`~ims_atlas.scene.picture.CROWD_M` merges epicentres closer
than a marker. Nothing is dropped: every muscle is still named. Pure: no VTK, no Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ims_atlas.export.annotations import Target
from ims_atlas.scene.crowds import find_crowd
from ims_atlas.scene.plan import MARKER_RADIUS

#: Muscles whose points are closer than this (metres, in the model) lie together.
LIE_TOGETHER_M = 4 * MARKER_RADIUS
#: Words of a muscle's name that say what it does, how large it is or where it lies: two
#: muscles sharing only these ("flexor ... brevis") are not named together.
GENERIC_WORDS = frozenset("""
    abductor adductor flexor extensor opponens levator depressor tensor pronator supinator rotator rotatores
    brevis longus magnus major minor maximus medius minimus superior inferior superficialis profundus
    lateralis medialis anterior posterior internus externus obliquus transversus rectus
    long short head part of the and hand foot muscle muscles left right
""".split())


def name_words(muscle_ids) -> frozenset[str]:
    """The distinctive words of some muscles' ids ("gemellus_superior" -> {"gemellus"})."""
    return frozenset(w for m in muscle_ids for w in m.lower().split("_") if w and w not in GENERIC_WORDS)


def _group(knot: tuple[str, ...], targets: Mapping[str, Target], world: Mapping[str, np.ndarray],
           words: Callable[[Target], frozenset[str]]) -> list[list[str]]:
    """The knot's targets joined into groups: two join when they lie together and share a
    distinctive word of their names (and a group is joined through its members).
    """
    groups: list[list[str]] = []
    for key in knot:
        near = [g for g in groups if any(
            float(np.linalg.norm(world[key] - world[o])) < LIE_TOGETHER_M and words(targets[key]) & words(targets[o])
            for o in g)]
        groups = [g for g in groups if g not in near] + [[k for g in near for k in g] + [key]]
    return groups


def merged(group: list[Target], position) -> Target:
    """One target naming all of ``group``, at ``position`` (a side all their names end with,
    "Gemellus superior, left", said once, at the end).
    """
    first = group[0]
    ends = {t.title.rpartition(", ")[2] if ", " in t.title else "" for t in group}
    end = ends.pop() if len(ends) == 1 else ""
    names = [t.title[: -len(end) - 2] if end else t.title for t in group]
    title = " / ".join(names) + (f", {end}" if end else "")
    return Target("+".join(t.key for t in group), first.role, title,
                  "; ".join(t.detail for t in group if t.detail), tuple(float(c) for c in position),
                  tuple(s for t in group for s in t.structures), min(t.priority for t in group))


def untie(targets: tuple[Target, ...], world: Mapping[str, tuple[float, float, float]],
          project: Callable[[Mapping[str, tuple[float, float, float]]], dict[str, tuple[float, float]]],
          knot_px: float, muscles_of: Callable[[Target], tuple[str, ...]]) -> tuple[Target, ...]:
    """``targets`` with each knot of three leaders in a ``knot_px`` square (on screen, by
    ``project``: world points by key -> pixels by key) untied where its muscles lie together
    and are named together (``muscles_of``: a target's muscle ids); the rest as they were, in
    their order. ``world``: each target's point.
    """
    out = list(targets)
    points = {k: np.asarray(p, dtype=float) for k, p in world.items()}

    def words(t: Target) -> frozenset[str]:
        return name_words(muscles_of(t))

    while True:
        by_key = {t.key: t for t in out}
        screen = project({k: tuple(points[k]) for k in by_key if k in points})
        knot = find_crowd(screen, knot_px, 3, near=0.0)
        if not knot:
            return tuple(out)
        groups = [g for g in _group(tuple(k for k in knot if k in points), by_key, points, words) if len(g) > 1]
        if not groups:
            return tuple(out)  # nothing in the knot lies and is named together: left as it is
        for g in groups:
            members = [by_key[k] for k in sorted(g, key=[t.key for t in out].index)]
            middle = np.mean([points[t.key] for t in members], axis=0)
            one = merged(members, middle)
            points[one.key] = middle
            at = min(out.index(t) for t in members)
            out = [t for t in out if t not in members]
            out.insert(at, one)
