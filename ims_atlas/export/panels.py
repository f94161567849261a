"""Pictures made of the picture's views: one panel per view, side by side, each labelled.

When a plan's local targets and its paraspinal targets face different ways
(:mod:`ims_atlas.scene.target_views`), one camera cannot show both truthfully: the picture
gets two panels under one title and one legend, each framed on its own targets, seen from
its own direction and captioned ("Muscles to treat, from the front").
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from ims_atlas.anatomy.belly import belly_stations
from ims_atlas.core.plain_text import MAX_CLINIC_NAME, cut, one_line
from ims_atlas.export.annotations import Annotation, Target, one_line_annotation
from ims_atlas.export.compose import (
    FIT_STEPS,
    Regions,
    Style,
    compose,
    fit_labels,
    measure_label,
    plan_regions,
    style_for,
)
from ims_atlas.export.insets import (
    INSET_SHARE,
    MARKER_MOST,
    MAX_INSETS,
    MIN_ZOOM,
    Inset,
    aim_into,
    both_sides,
    crowd_height,
    crowd_of,
    crowd_side,
    enlargement,
    inset_titles,
    join,
    lit_on_both_sides,
    mean_enlargement,
    one_column_regions,
    projected,
    render_inset,
    render_marked,
    two_column_regions,
)
from ims_atlas.export.label_layout import Box, LabelLayout, PlacedLabel
from ims_atlas.export.later import Later
from ims_atlas.export.pictures import AnnotatedPicture, extent_aspect
from ims_atlas.export.projection import Projector
from ims_atlas.scene.crowds import FURTHER_TIERS, KNOT_BOX, find_crowd, find_tiered, find_tiered_crowds
from ims_atlas.scene.picture import Picture, body_for, picture_in_view, view_frame_points
from ims_atlas.scene.target_views import VIEW_WORDS, TargetView, turned_away

if TYPE_CHECKING:  # VTK is imported only when something is rendered
    from ims_atlas.export.render import OffscreenScene

#: Beside a panel of both sides drawn whole that labels every target apart, insets are drawn
#: only where they draw its targets this many times larger on the whole (their geometric
#: mean, :func:`~ims_atlas.export.insets.mean_enlargement`): as much as one inset must
#: enlarge its crowd over the view beside it. (At 1.0, C8 on both sides from the front kept
#: a chest inset and a forearm inset at 1.03 beside a whole body at 405 pixels a metre, where
#: the panel drawn whole shows the arms and trunk at 764 with all twelve labels apart.)
WHOLE_GAIN = MIN_ZOOM

#: An inset's anatomy box is this many times the height its crowd needs enlarged MIN_ZOOM
#: times (the close-up frames a little round the crowd's points).
INSET_ROOM = 1.3


@dataclass(frozen=True)
class Panel:
    """Where one view went on the finished picture: its box, its caption's box, and the
    pixel position of each of its targets (by annotation key).
    """

    view: TargetView
    box: Box
    caption: Box | None
    anchors: dict[str, tuple[float, float]]
    region: Box  # the part of the panel the anatomy was framed into
    projector: Projector | None = None  # world -> the panel's own pixels (add ``box.x``, ``box.y``)
    eye: tuple[float, float, float] | None = None  # the camera's position
    shown: Picture | None = None  # what the panel drew (its markers; in a medial view, one side)
    rendered: np.ndarray | None = None  # the panel's pixels as rendered, before any text was drawn
    insets: tuple[Inset, ...] = ()  # the crowds enlarged beside the view, if its targets crowd
    offset: tuple[float, float] = (0.0, 0.0)  # where the rendered view sits in the panel (beside an inset)

    @property
    def inset(self) -> Inset | None:
        """The panel's first (topmost) inset, if it has any."""
        return self.insets[0] if self.insets else None


@dataclass(frozen=True)
class PanelPicture(AnnotatedPicture):
    """A finished picture of one or more panels."""

    panels: tuple[Panel, ...] = ()
    header: Box | None = None
    footer: Box | None = None


def in_view(key: str, view: TargetView) -> bool:
    """Whether an annotation target (possibly merged: ``"a+b"``) belongs to a view."""
    return any(k in view.targets for k in key.split("+"))


def view_points(scene: OffscreenScene, picture: Picture, view: TargetView) -> np.ndarray:
    """Points to frame for a view (:func:`~ims_atlas.scene.picture.view_frame_points`), with
    what the caller drew besides (``scene.frame_also``: a painted dermatome) in every view but
    the spine's (a dermatome of the leg would shrink the paraspinal level to a speck).
    """
    points = view_frame_points(picture, view, scene.controller.manifest)
    extra = getattr(scene, "frame_also", None)
    if extra is not None and len(extra) and view.group != "spine":
        points = np.vstack([points, np.asarray(extra, dtype=float).reshape(-1, 3)])
    return points


def _panel(scene: OffscreenScene, picture: Picture, annotation: Annotation, view: TargetView, size: tuple[int, int],
           style: Style, transparent: bool, caption: bool, clinic: str = "", footer_line: str = "",
           taken_titles: Sequence[tuple[str, float]] = ()) -> tuple[Image.Image, LabelLayout, Regions, dict, dict]:
    """Lay out and label one view at ``size``: with ``caption``, a panel of a larger picture
    (the view's caption as its title, no legend), with enlarged insets beside it where
    targets crowd (:mod:`ims_atlas.export.insets`; ``taken_titles``: the captions of the
    earlier panels' insets and their heights, which its insets' differ from); without, the
    whole picture. Its picture (a :class:`~ims_atlas.export.later.Later`) and its view's
    pixels (``extra["rendered"]``, a :class:`~ims_atlas.export.render.Draft`) are rendered
    when first asked for: the layouts tried and not kept are never drawn.
    """
    targets = tuple(t for t in annotation.targets if in_view(t.key, view))
    if caption:
        own = Annotation(view.caption_for(study=picture.treatment is None), "", targets, ())
        # Text sized for the panel (half the picture), as a picture of that size would have.
        small = style_for(size, details=style.details)
        panel_style = replace(small, footer=False, title_px=style.subtitle_px)
    else:
        own = replace(annotation, targets=targets)
        panel_style = style
    points = view_points(scene, picture, view)
    aspect = extent_aspect(points, view.direction, view.up)
    regions = _aim(scene, points, view, size, panel_style, own, clinic, footer_line, aspect)
    if caption:
        turned = turned_groups(picture, own, view, scene.controller.manifest)
        away = {k for keys in turned for k in keys}
        crowd_keys = crowd_of(scene, tuple(t for t in own.targets if t.key not in away), regions.view)
        if crowd_keys or turned:
            # (where the targets lie in the panel drawn whole, without insets)
            whole = projected(scene, own.targets, scene.projector())
            whole_legible = both_sides(own.targets) and legible(own, whole, regions, panel_style)

            def split(share: float):
                return _with_inset(scene, picture, own, view, size, style, panel_style, transparent, points,
                                   crowd_keys, turned, whole, taken_titles, share, whole_legible)

            done = split(INSET_SHARE)
            area = float(size[0] * size[1])

            def framed(done) -> float:
                return _framed(done[4]["projector"], points, area)

            def scale(done) -> tuple[int, float]:
                # Fewest insets that show their crowd smaller than the panel drawn whole, then
                # how many times larger the view beside them draws the panel's targets than
                # that panel (each inset enlarges its crowd over that view).
                shrunk = sum((enlargement(whole, i.anchors, i.keys) or 0.0) < 1.0 for i in done[4].get("insets", ()))
                return -shrunk, enlargement(whole, done[3], tuple(t.key for t in own.targets)) or 0.0

            for narrower in NARROWER_SHARES:
                # The view beside the insets frames its targets in a small share of the panel:
                # the insets' column narrows and the view widens, where that draws the view
                # larger, with fewer insets showing their crowd smaller than the panel drawn
                # whole, and no more knots or labels left out (_faults). (C8 and T1 on both
                # sides from behind: both arms in a view 157 and 209 pixels wide between two
                # label columns, beside the hands' insets, a whole body at 297 and 399 pixels
                # a metre.) With insets seen from another side, only where the view is left a
                # sliver (a pair of feet a seventh of the panel wide beside the dorsum of the
                # foot seen from the front, as S1 on both sides drew them), and then where it
                # frames more; or, to the first of them only, where it frames less than a
                # twelfth (S1 on both sides from behind, both legs beside the hips' inset and
                # the shin's front muscles seen from the front: 6.8 % of the panel).
                if done is None or framed(done) >= (VIEW_SHARE if turned and narrower != NARROWER_SHARES[0]
                                                    else FILL_SHARE):
                    break
                trial = split(narrower)
                if trial is not None and (framed(trial) > framed(done) if turned else scale(trial) > scale(done)) \
                        and _faults(trial) <= _faults(done) and (not turned or _worded(trial, done)):
                    done = trial
            if done is not None:
                return done
            regions = _aim(scene, points, view, size, panel_style, own, clinic, footer_line, aspect)
    image, layout, anchors, extra = _shot(scene, picture, own, view, regions, panel_style, transparent, clinic,
                                          footer_line)
    return image, layout, regions, anchors, extra


def legible(own: Annotation, points: dict[str, tuple[float, float]], regions: Regions, style: Style) -> bool:
    """Whether a panel planned as ``regions``, its targets at ``points`` (pixels by key),
    labels every one of ``own``'s targets with its plain words (where the style has them),
    no word cut, with no three leaders meeting in a :data:`~ims_atlas.scene.crowds.KNOT_BOX`
    square.
    """
    if find_crowd(points, KNOT_BOX * regions.view.h, 3, near=0.0):
        return False
    layout, texts = fit_labels(own.targets, points, regions, style)
    worded = not style.details or all(texts[t.key].detail or not t.detail for t in own.targets if t.key in texts)
    return not layout.dropped and worded and not any(t.cut for t in texts.values())


def _aim(scene: OffscreenScene, points, view: TargetView, size: tuple[int, int], style: Style, own: Annotation,
         clinic: str, footer_line: str, aspect) -> Regions:
    """Plan a picture of ``size`` and aim the camera into its anatomy box."""
    regions = plan_regions(size, style, own, clinic, footer_line, content_aspect=aspect)
    aim_into(scene, points, view, regions)
    return regions


def _shot(scene: OffscreenScene, picture: Picture, own: Annotation, view: TargetView, regions: Regions, style: Style,
          transparent: bool, clinic: str = "", footer_line: str = "", labelled: Annotation | None = None):
    """The view as aimed, labelled (``labelled``: only these targets get labels): its labels
    placed now, its picture drawn when first asked for (a :class:`~ims_atlas.export.later.Later`).
    """
    shown = picture_in_view(picture, view, scene.controller.manifest, eye=scene.plotter.camera.position)
    world = np.array(list(scene.anchors(own.targets).values()), dtype=float).reshape(-1, 3)
    frame = render_marked(scene, shown, world, MARKER_MOST * regions.size[1], transparent, draft=True)
    anchors = projected(scene, own.targets, frame.projector)
    words = labelled if labelled is not None else own
    fitted = fit_labels(words.targets, anchors, regions, style) if words.targets else (LabelLayout(()), {})

    def draw() -> Image.Image:
        return compose(frame.image, regions, words, anchors, style, clinic, footer_line, fitted=fitted)[0]

    extra = {"projector": frame.projector, "eye": tuple(float(c) for c in scene.plotter.camera.position), "shown": shown,
             "rendered": frame}
    return Later(regions.size, draw), fitted[0], anchors, extra


def turned_groups(picture: Picture, own: Annotation, view: TargetView, manifest) -> dict[tuple[str, ...], TargetView]:
    """The panel's targets that face away from its view (by annotation key), grouped by the
    view each gets an inset from (:func:`~ims_atlas.scene.target_views.turned_away`).
    """
    out: dict[tuple[str, ...], TargetView] = {}
    for turned in turned_away(view, picture.targets, body_for(manifest)):
        keys = tuple(t.key for t in own.targets if any(k in turned.targets for k in t.key.split("+")))
        if keys:
            out[keys] = turned
    return out


def _with_inset(scene: OffscreenScene, picture: Picture, own: Annotation, view: TargetView, size: tuple[int, int],
                style: Style, panel_style: Style, transparent: bool, points, crowd_keys: tuple[str, ...],
                turned: dict[tuple[str, ...], TargetView] | None = None,
                whole: dict[str, tuple[float, float]] | None = None, taken_titles: Sequence[tuple[str, float]] = (),
                share: float = INSET_SHARE, whole_legible: bool = False):
    """The panel split in two halves: the view with labels for the targets outside the
    crowds, and the crowds enlarged on the first crowd's side, stacked one above the other
    (:mod:`ims_atlas.export.insets`); or None when no inset would enlarge enough.

    The first crowd is the one the whole panel shows; the view, narrowed to its half, is
    then looked at again: a crowd left there (C6's forearm beside the shoulder's inset; there
    :data:`~ims_atlas.scene.crowds.FURTHER_TIERS`) gets an inset of its own, up to
    :data:`MAX_INSETS`. Targets that face away from the view (``turned``: their keys, and the
    view each group is seen from) get an inset seen from there, not an x-ray.

    ``whole`` (pixels by key): the targets in the panel drawn whole, without insets. The
    insets are drawn only where one of them enlarges its crowd :data:`MIN_ZOOM` times over
    that panel too, not only over the view narrowed beside it: C5 and C6 on both sides from the front drew three
    insets beside a whole body 160 pixels wide, each hardly larger than the panel drawn whole
    (where the same targets filled a fifth of it, every label apart). ``taken_titles``: the
    captions (and heights) of the picture's insets so far, which the panel's differ from
    (:func:`~ims_atlas.export.insets.inset_titles`). ``share``: the part of the panel's width
    the insets take. With ``whole_legible`` (that panel, of both sides of the body, labels
    every target apart), they are drawn only where, on the whole, they draw the panel's
    targets :data:`WHOLE_GAIN` times larger than it does
    (:func:`~ims_atlas.export.insets.mean_enlargement`).
    """
    w, h = size
    turned = dict(turned or {})
    away = {k for keys in turned for k in keys}
    first = crowd_keys or next(iter(turned))
    before = crowd_side(scene, own.targets, first, w)
    half = (int(round(w * (1 - share))), h)
    gutter = min(panel_style.gutter * w, 0.47 * half[0])
    main_column = "left" if before == "right" else "right"

    def without(keys) -> Annotation:
        return replace(own, targets=tuple(t for t in own.targets if t.key not in keys))

    regions = one_column_regions(half, panel_style, without(set(crowd_keys) | away), main_column, gutter)
    aim_into(scene, points, view, regions)
    beside = projected(scene, own.targets, scene.projector())
    framed = _framed(scene.projector(), points, w * h)
    pose = scene.pose()  # each inset is this view enlarged (seen through a narrower lens)
    most = max(MAX_INSETS - len(turned), 1 if crowd_keys else 0)
    crowds_here = {k: p for k, p in beside.items() if k not in away}
    found = tuple(turned)[:MAX_INSETS]
    if most:
        taken = (crowd_keys,) if crowd_keys else ()
        found += (*taken, *find_tiered_crowds(crowds_here, regions.view.h, most, taken=taken))
    found = found[:MAX_INSETS]
    protected = set(turned) | ({crowd_keys} if crowd_keys else set())
    # Each inset needs the height that enlarges its crowd MIN_ZOOM times (a thigh's hamstrings
    # run far down the view, an ankle's tendons meet in a few pixels), and its caption above:
    # the loosest of the further crowds (fewest leaders for the room they need: their leaders
    # are furthest apart already) are left out until the insets fit one above another; the
    # first, the crowd of the whole panel, stays.
    caption = (regions.header.bottom if regions.header is not None else 0.0) + panel_style.margin
    # ... and the height its labels need at their smallest (titles only), stacked.
    def labels_need(keys) -> float:
        texts = [measure_label(t, panel_style, gutter, FIT_STEPS[-1][0], False) for t in own.targets if t.key in keys]
        return sum(t.size[1] + panel_style.gap for t in texts) + panel_style.margin

    def room_for(keys, beside=beside) -> float:
        return caption + max(0.25 * h if keys in turned else
                             INSET_ROOM * MIN_ZOOM * _extent(beside, keys, axis=1) + 0.06 * h, labels_need(keys))

    need = {keys: room_for(keys) for keys in found}
    while sum(need[k] for k in found) > h and any(k not in protected for k in found):
        loosest = min((k for k in found if k not in protected), key=lambda k: len(k) / need[k])
        found = tuple(k for k in found if k is not loosest)
    # Stacked in the order of their crowds' heights, so the links do not cross.
    crowds = tuple(sorted(found, key=lambda keys: float(np.mean([beside[k][1] for k in keys if k in beside] or [0]))))
    wi = w - half[0]

    def insets_for(chosen, pose=pose, beside=beside, keep_in=regions.view):
        room = stacked_heights([need[k] for k in chosen], [caption + labels_need(k) for k in chosen], h,
                               [k in turned for k in chosen])
        tops = (np.concatenate([[0.0], np.cumsum(room)]) * h / room.sum()).round().astype(int)
        crowds = [tuple(t for t in own.targets if t.key in keys) for keys in chosen]
        seen = [VIEW_WORDS.get(turned[keys].name, "") if keys in turned else "" for keys in chosen]
        titles = inset_titles(scene.controller.manifest, list(zip(crowds, seen, strict=True)),
                              [crowd_height(scene, crowd) for crowd in crowds], lit_on_both_sides(picture), taken_titles)
        parts = []
        for keys, crowd, words, title, y0, y1 in zip(chosen, crowds, seen, titles, tops[:-1], tops[1:], strict=True):
            seen_from = turned.get(keys)
            parts.append((render_inset(scene, picture, seen_from or view, crowd, (wi, int(y1 - y0)), panel_style,
                                       before, gutter, transparent, None if seen_from else beside, MARKER_MOST * h,
                                       seen=words, pose=pose, knot_px=KNOT_BOX * regions.view.h, keep_in=keep_in,
                                       title=title),
                          keys))
        return parts

    def zooms(parts) -> dict:
        # (An inset from another side is kept for its side, whatever it enlarges.)
        return {keys: (float("inf") if part.anchors else 0.0) if keys in turned else
                enlargement(beside, part.anchors, keys) or 0.0 for part, keys in parts}

    parts = insets_for(crowds)
    got = zooms(parts)
    short = {k: z for k, z in got.items() if 0 < z < MIN_ZOOM}
    if short and len(parts) > 1:
        # An inset that falls short of MIN_ZOOM takes room from those that enlarge more
        # than they need to (a tight knot of three is enlarged many times in any room).
        for keys, z in got.items():
            need[keys] *= (MIN_ZOOM * 1.08 / z) if keys in short else min(max(z / (MIN_ZOOM * 1.3), 0.6), 1.0)
        parts = insets_for(crowds)
        got = zooms(parts)
    def over_whole(part, keys) -> bool:
        return keys in turned or whole is None or (enlargement(whole, part.anchors, keys) or 0.0) >= MIN_ZOOM

    # An inset of a crowd is kept where it enlarges its crowd MIN_ZOOM times over the view
    # beside it, and never where it shows it smaller than the panel drawn whole: S1 on both
    # sides enlarged the sole's crowd, from below, to two thirds of its size in the panel drawn
    # whole (kept beside the inset of the dorsum seen from the front), leaving the view a pair
    # of feet no target was named on.
    kept = tuple(keys for part, keys in parts if got[keys] >= MIN_ZOOM and not _shrinks(part, keys, turned, whole))
    if not any(over_whole(part, keys) for part, keys in parts if keys in kept):
        return None  # (none enlarges more than the panel drawn whole would show it)
    if not turned and framed < VIEW_SHARE:
        # The view beside the insets frames its targets in a sliver of the panel (S2 on both
        # sides from below: a pair of feet a fifth of the panel wide, between two label
        # columns, under two insets): the panel is drawn whole, framed on its targets.
        return None
    if crowd_keys and crowd_keys not in kept and len(parts) > 1 and not turned:
        # The panel's own crowd comes first: alone, with all the room, if it must.
        alone = insets_for((crowd_keys,))
        if zooms(alone)[crowd_keys] >= MIN_ZOOM:
            parts, kept = alone, (crowd_keys,)
    if not kept:
        return None
    taken = {k for keys in kept for k in keys}
    rest = without(taken)
    first_view = regions.view

    def regions_for(rest: Annotation) -> Regions:
        if both_sides(rest.targets):
            # Both sides of the body in one view (widespread pain): each label on its target's
            # side, not a column of leaders crossing the body.
            return two_column_regions(half, panel_style, rest, min(gutter, 0.28 * half[0]))
        return one_column_regions(half, panel_style, rest, main_column, gutter)

    regions = regions_for(rest)
    aim_into(scene, points, view, regions)
    final = scene.pose()

    def untied(taken_then, regions_now) -> bool:
        # Whether the view, its targets ``taken_then`` in insets, has no knot left once its
        # leaders end along their bellies where they must (slid_apart).
        regions_then = regions_for(without(taken_then))
        aim_into(scene, points, view, regions_then)
        try:
            knot_px = KNOT_BOX * regions_then.view.h
            moved = slid_apart(scene, picture, own.targets, taken_then | away, regions_then.view, knot_px)
            if not moved:
                return False
            shown = tuple(replace(t, position=moved.get(t.key, t.position)) for t in own.targets
                          if t.key not in taken_then | away)
            return not find_crowd(projected(scene, shown, scene.projector()), knot_px, 3, near=0.0)
        finally:
            aim_into(scene, points, view, regions_now)

    stays: dict[tuple[str, ...], bool] = {}

    def parted(keys, knot, kept, regions_now) -> bool:
        # Whether the crowd ``keys``, back in the view in the place of its inset (the knot
        # taken there instead), has its leaders in no knot once they end along their bellies:
        # S2's leg from behind, whose inset the hip's knot needs. (Never where the knot
        # itself parts along its bellies in the view: S1's leg from behind.)
        taken_now = {k for c in kept for k in c}
        if knot not in stays:
            stays[knot] = untied(taken_now, regions_now)
        return not stays[knot] and untied(taken_now - set(keys) | set(knot), regions_now)

    joined = False
    back: set[str] = set()  # the keys of crowds put back in the view (parted())
    for _ in range(3):
        # Three leaders left meeting in the view as finally drawn (C7's right shoulder beside
        # the chest wall's inset, S1's left hip beside the right one's): the knot joins the
        # nearest inset that still enlarges enough with it. So does a looser crowd left there
        # (four in a fifth of the view: C8 on both sides from behind, the view narrowed
        # between two label columns beside two insets), or, where it spreads over both sides
        # of the body (no one region an inset could enlarge), its tightest part on each side,
        # joining an inset of that side only (or one of its own).
        now = projected(scene, own.targets, scene.projector())
        left = {k: p for k, p in now.items() if k not in taken and k not in away}
        knot = find_crowd(left, KNOT_BOX * regions.view.h, 3, near=0.0)
        crowd = knot or find_tiered(left, regions.view.h)
        if not crowd:
            break
        if knot and set(knot) & back and untied(taken, regions):
            break  # a crowd put back in the view for a knot's inset: its leaders part along their bellies
        more = None
        parts_of = () if knot else side_parts(crowd, left, regions.view.h)
        for trying in parts_of or (crowd,):
            more = _join_knot(trying, kept, turned, now,
                              lambda keys, final=final, now=now, view_box=regions.view: insets_for(keys, final, now,
                                                                                                   view_box),
                              need, lambda keys, now=now: room_for(keys, now), lambda keys: caption + labels_need(keys),
                              KNOT_BOX * regions.view.h, crowd_keys,
                              None if knot else lambda pts, h=regions.view.h: find_tiered(pts, h), bool(parts_of),
                              (lambda keys, knot=knot, kept=kept, regions=regions: parted(keys, knot, kept, regions))
                              if knot else None, whole)
            if more is not None:
                break
        if more is None:
            aim_into(scene, points, view, regions)  # (the trials moved the camera)
            break
        back = {k for c in kept if c not in more for k in c} - {k for c in more for k in c}
        kept, joined = more, True
        taken = {k for keys in kept for k in keys}
        rest = without(taken)
        regions = regions_for(rest)
        aim_into(scene, points, view, regions)
        final = scene.pose()
    def render_kept(chosen):
        return insets_for(chosen)

    seen_beside = beside
    if joined or len(kept) < len(parts) or not np.allclose(np.array(final), np.array(pose)) \
            or regions.view != first_view:
        # The insets enlarge the view as it is finally drawn (its label columns are planned
        # for the targets left to it), their frames between its label columns.
        seen_beside = projected(scene, own.targets, scene.projector())

        def render_kept(chosen, final=final, now=seen_beside, view_box=regions.view):
            return insets_for(chosen, final, now, view_box)

        parts = render_kept(kept)
        aim_into(scene, points, view, regions)
    # An inset whose enlargement leaves three leaders meeting at one spot (S1's leg from
    # behind: soleus, flexor digitorum longus and tibialis posterior; C7's forearm from the
    # front) takes room from the insets beside it that enlarge more than they need to.
    if _knot_in_any(parts, turned, KNOT_BOX * regions.view.h):
        parts = _part_knots_apart(parts, render_kept, need, seen_beside, turned, KNOT_BOX * regions.view.h,
                                  {keys: caption + labels_need(keys) for _, keys in parts})
        aim_into(scene, points, view, regions)  # (the trials moved the camera)
    if whole_legible and not turned and whole is not None and mean_enlargement(
            whole, projected(scene, own.targets, scene.projector()), [(part.anchors, keys) for part, keys in parts],
            [t.key for t in own.targets]) < WHOLE_GAIN:
        # The panel of both sides drawn whole labels every target apart, and the insets would
        # not draw its targets WHOLE_GAIN times larger on the whole: the view beside them,
        # narrowed to half the panel, its two limbs side by side, loses about what they gain
        # (C7 on both sides from the front: a whole body at 418 pixels a metre beside three
        # insets, where the panel drawn whole shows the arms and upper trunk at 850; C8, L2,
        # L4 from the front, knee pain from behind: 1.01-1.16).
        return None
    # Three leaders still meeting at one spot of the view once every inset is taken (S1's four
    # hamstrings at mid-thigh from behind, S2's piriformis, obturator internus and gemellus
    # superior at the hip): a muscle marked by a label only ends its leader at another part
    # of its own belly, away from the others'.
    moved = slid_apart(scene, picture, own.targets, {k for keys in kept for k in keys} | away, regions.view,
                       KNOT_BOX * regions.view.h)
    if moved:
        own = replace(own, targets=tuple(replace(t, position=moved.get(t.key, t.position)) for t in own.targets))
        rest = without(taken)
    image, layout, anchors, extra = _shot(scene, picture, own, view, regions, panel_style, transparent, labelled=rest)
    image, layout, where, main_dx = join(image, layout, anchors, regions.view, parts, panel_style, before,
                                         extra["projector"], (regions.header,))
    if main_dx:
        anchors = {k: (p[0] + main_dx, p[1]) for k, p in anchors.items()}
        regions = replace(regions, view=Box(regions.view.x + main_dx, regions.view.y, regions.view.w, regions.view.h),
                          header=None if regions.header is None else Box(regions.header.x + main_dx, regions.header.y,
                                                                           regions.header.w, regions.header.h))
        extra["offset"] = (main_dx, 0)
    extra["insets"] = where
    return image, layout, regions, anchors, extra


def _join_knot(knot: tuple[str, ...], kept: tuple[tuple[str, ...], ...], turned, now: dict[str, tuple[float, float]],
               render, need: dict, room_for, labels_room, knot_px: float, first: tuple[str, ...] = (), crowded=None,
               own_side: bool = False, parted=None, whole: dict[str, tuple[float, float]] | None = None
               ) -> tuple[tuple[str, ...], ...] | None:
    """``kept`` with the ``knot`` (keys) joined to the nearest of its crowds (on screen,
    ``now``: pixels by key) whose inset, rendered by ``render`` (crowds -> parts), still
    enlarges every crowd :data:`MIN_ZOOM` times, labels all its targets and has no three
    leaders meeting in a ``knot_px`` square, or in the place of a crowd (not the panel's ``first``) that is no knot
    in the view, or as an inset of its own; None when none does. An inset seen from
    another side (``turned``) takes nothing in. ``need``: each crowd's room, a new one's by
    ``room_for``, a joined one's that of the crowd it joins or what its labels need
    (``labels_room``), whichever is more. ``crowded`` (pixels by key -> a crowd's keys or
    ``()``): what a crowd put back in the view must not be, when the ``knot`` is a looser
    crowd (:func:`~ims_atlas.scene.crowds.find_tiered`); by default a knot. ``own_side``: the
    knot joins only a crowd on its own side of the body (the right forearm's extensors the
    right hand's inset, never the left forearm's, whose leaders they would cross).
    ``parted`` (a crowd's keys -> bool): whether that crowd, back in the view, has its
    leaders parted along their bellies; then, last, the knot takes its place even where its
    leaders would meet in the view as they are (S2's hip from behind takes the leg's inset:
    soleus, flexor hallucis longus and fibularis brevis end their leaders apart along their
    long bellies). ``whole``: the targets in the panel drawn whole, without insets, which no
    inset may show smaller (:func:`_shrinks`).
    """
    if crowded is None:
        def crowded(points):
            return find_crowd(points, knot_px, 3, near=0.0)

    def centre(keys) -> np.ndarray:
        pts = [now[k] for k in keys if k in now]
        return np.mean(pts, axis=0) if pts else np.array([np.inf, np.inf])

    at = centre(knot)
    near = sorted((keys for keys in kept if keys not in turned), key=lambda keys: float(np.linalg.norm(centre(keys) - at)))
    joinable = [keys for keys in near if not own_side or _sides(keys) == _sides(knot)]
    trials = []
    for keys in joinable[:2]:
        bigger = tuple(k for k in now if k in set(keys) | set(knot))
        # (in the room of the inset it joins, or what its labels need: the others keep theirs)
        need.setdefault(bigger, max(need.get(keys, 0.0), labels_room(bigger)))
        trials.append(tuple(bigger if c == keys else c for c in kept))
    # ... or takes the place of a crowd whose leaders, back in the view, meet in no knot (a
    # looser crowd of three in a fifth of the view reads better there than the knot).
    others = {k: p for k, p in now.items() if k not in {k for c in kept for k in c} | set(knot)}
    for keys in near:
        if keys != first and not crowded(others | {k: now[k] for k in keys if k in now}):
            trials.append(tuple(knot if c == keys else c for c in kept))
    # ... or, last, gets an inset of its own beside them.
    trials.append(tuple(sorted((*kept, knot), key=lambda c: float(centre(c)[1]))))
    if parted is not None:
        # (stacked in the order of their crowds' heights, so the links do not cross)
        trials += [tuple(sorted((knot if c == keys else c for c in kept), key=lambda c: float(centre(c)[1])))
                   for keys in near
                   if keys != first and crowded(others | {k: now[k] for k in keys if k in now}) and parted(keys)]
    for trial in trials:
        for c in trial:
            need.setdefault(c, room_for(c))
        parts = render(trial)
        if all(c in turned or (enlargement(now, part.anchors, c) or 0.0) >= MIN_ZOOM for part, c in parts) \
                and not any(_shrinks(part, c, turned, whole) for part, c in parts) and not any(
                part.layout.dropped or find_crowd({str(p.key): p.anchor for p in part.layout.placed}, knot_px, 3, near=0.0)
                for part, _ in parts):
            return trial
    return None


def _shrinks(part, keys, turned, whole: dict[str, tuple[float, float]] | None) -> bool:
    """Whether an inset of a crowd on both sides of the body (not one seen from another side,
    ``turned``) shows it smaller than the panel drawn whole does (``whole``: its targets'
    pixels there): such an inset is the view itself drawn again, smaller (S1's soles from
    below, both feet at two thirds of their size in the panel drawn whole). (An inset of one
    side's crowd beside a view of both, C8's left forearm from behind, may show it smaller than
    the whole panel, where the view beside it shows it smaller still.)
    """
    return keys not in turned and whole is not None and len(_sides(keys)) == 2 \
        and (enlargement(whole, part.anchors, keys) or 0.0) < 1.0


#: An inset parting a knot grows its anatomy box this much more than the knot's spread says
#: (the enlargement is measured on the crowd's points, the knot is of three of them).
KNOT_PART = 1.15
#: ... and tries at most this many times.
KNOT_ROUNDS = 2
#: An inset seen from another side (a sole, for one muscle) keeps at least this share of its
#: anatomy box for a knot beside it.
TURNED_KEEP = 0.75


def stacked_heights(need, least, total: float, turned) -> np.ndarray:
    """The heights of insets stacked in ``total`` pixels, from the room each ``need`` s (the
    caller scales them to ``total``, in proportion). Where an inset seen from another side
    (``turned``, by inset) would be left less than its ``least`` (its caption and its labels
    at their smallest, stacked), the others seen from another side give it what they have
    above theirs, in proportion to it, as far as they can: such an inset asks a quarter of the
    panel whatever it labels. (Metatarsalgia on both sides from behind: the shin's front
    muscles from the front, six labels, and each leg's flexor digitorum longus from the inner
    side, one label each in a quarter of the panel, shrunk alike, left extensor digitorum
    brevis out.) The insets of a crowd keep their share: their room is what enlarges them.
    Pure.
    """
    room = np.asarray(need, dtype=float)
    floor = np.asarray(least, dtype=float)
    seen = np.asarray(turned, dtype=bool)
    share = room * total / max(room.sum(), 1e-9)
    short = seen & (share < floor - 0.5)
    spare = np.where(seen & ~short, np.maximum(share - floor, 0.0), 0.0)
    if not short.any() or spare.sum() <= 0:
        return room
    want = float(np.where(short, floor - share, 0.0).sum())
    given = min(want, float(spare.sum()))
    return share + np.where(short, (floor - share) * given / want, 0.0) - spare * given / spare.sum()


def _knot_in(part, knot_px: float) -> tuple[str, ...]:
    """Three leaders of an inset (as rendered) meeting in a ``knot_px`` square, or ``()``."""
    return find_crowd({str(p.key): p.anchor for p in part.layout.placed}, knot_px, 3, near=0.0)


def _knot_in_any(parts, turned, knot_px: float) -> bool:
    """Whether any inset (not one seen from another side) holds a knot."""
    return any(keys not in turned and _knot_in(part, knot_px) for part, keys in parts)


def knot_heights(heights: dict, boxes: dict, spreads: dict, zooms: dict, least: dict, knot_px: float,
                 total: float) -> dict | None:
    """New heights (pixels, by crowd) for insets stacked in ``total`` pixels, so each inset
    holding a knot (``spreads``: the knot's larger side in it, pixels) grows its anatomy box
    (``boxes``: its height now) until the knot is :data:`KNOT_PART` times ``knot_px`` wide;
    the room comes from the other insets (``zooms``: how many times each enlarges; inf for
    one seen from another side, which keeps :data:`TURNED_KEEP` of its box), each shrunk no
    further than keeps :data:`MIN_ZOOM` (with a tenth to spare) and its ``least`` height
    (caption and labels).
    Where they cannot give it all, the knotted insets grow as far as they can. None when
    nothing can grow. Pure.
    """
    want = {k: max(0.0, boxes[k] * (KNOT_PART * knot_px / max(s, 1.0) - 1.0)) for k, s in spreads.items()}
    slack = {}
    for k, h in heights.items():
        if k in spreads:
            continue
        z = zooms.get(k, np.inf)
        keep = boxes[k] * (TURNED_KEEP if not np.isfinite(z) else min(1.0, 1.1 * MIN_ZOOM / max(z, 1e-6)))
        slack[k] = max(0.0, min(h - least.get(k, 0.0), boxes[k] - keep))
    give, asked = sum(slack.values()), sum(want.values())
    if give <= 1.0 or asked <= 1.0:
        return None
    share = min(1.0, give / asked)
    taken = min(give, asked) / give
    out = {k: h + want[k] * share if k in want else h - slack.get(k, 0.0) * taken for k, h in heights.items()}
    scale = total / sum(out.values())
    return {k: v * scale for k, v in out.items()}


def _part_knots_apart(parts, render, need: dict, beside: dict, turned, knot_px: float, least: dict):
    """``parts`` (inset parts and their crowds, rendered by ``render``: crowds -> parts), or
    the insets rendered again with the room of those holding a knot grown
    (:func:`knot_heights`), where that leaves fewer knots in them and every inset still
    enlarges :data:`MIN_ZOOM` times and labels all its targets. ``need``: each crowd's room
    (set to the heights kept). ``beside``: the crowds' points in the view they enlarge.
    """
    def zoom(part, keys) -> float:
        return float("inf") if keys in turned else (enlargement(beside, part.anchors, keys) or 0.0)

    def spread(part, knot) -> float:
        pts = np.array([p.anchor for p in part.layout.placed if p.key in knot], dtype=float).reshape(-1, 2)
        return float(np.ptp(pts, axis=0).max()) if len(pts) > 1 else 0.0

    def knots_of(chosen) -> dict:
        return {keys: knot for part, keys in chosen if keys not in turned and (knot := _knot_in(part, knot_px))}

    best, found = parts, knots_of(parts)
    for _ in range(KNOT_ROUNDS):
        if not found:
            break
        by = {keys: part for part, keys in best}
        heights = {keys: float(part.size[1]) for part, keys in best}
        grown = knot_heights(heights, {keys: float(part.regions.view.h) for part, keys in best},
                             {keys: spread(by[keys], knot) for keys, knot in found.items()},
                             {keys: zoom(part, keys) for part, keys in best}, least, knot_px, sum(heights.values()))
        if grown is None:
            break
        before = {k: need.get(k) for k in grown}
        need.update(grown)
        trial = render(tuple(keys for _, keys in best))
        now = knots_of(trial)
        if len(now) < len(found) and not any(part.layout.dropped for part, _ in trial) \
                and all(zoom(part, keys) >= MIN_ZOOM for part, keys in trial):
            best, found = trial, now
        else:
            need.update(before)
            break
    return best


#: At most this many muscles of a knot are tried at other stations of their bellies.
KNOT_MOVABLE = 4

#: At most this many knots of a view are parted one after another.
KNOT_MOVE_ROUNDS = 3


def slid_apart(scene: OffscreenScene, picture: Picture, targets: tuple[Target, ...], taken: set[str], view_box: Box,
               knot_px: float) -> dict[str, tuple[float, float, float]]:
    """New points for some of ``targets`` (not in ``taken``: the insets' and those seen from
    another side) so no three of the view's leaders (the camera as aimed now) meet in a
    ``knot_px`` square: the knot's muscles and those beside it (at most
    :data:`KNOT_MOVABLE`) each end their leader at their own point or at a station of their
    belly (:func:`~ims_atlas.anatomy.belly.belly_stations`) on screen inside ``view_box``;
    of the ways that leave no knot, the one moving fewest, then keeping the leaders furthest
    apart. Only a muscle marked by a label alone (a segment's: no epicentre,
    no needle point) drawn as one structure (not a column drawn level by level) moves; ``{}``
    where that parts no knot, and in a picture of both sides (whose knots
    :mod:`~ims_atlas.export.twins` unties).
    """
    if {"left", "right"} <= {t.side for t in picture.targets}:
        # A picture of both sides unties its knots by naming a muscle on its other side
        # (export.twins); a leader moved along its belly there left C7's right arm a strip
        # of five leaders from the front, where naming biceps brachii on the left leaves none.
        return {}
    movable = {m.key for m in picture.markers if m.role == "anchor"}
    by_key = {t.key: t for t in targets}
    projector = scene.projector()
    now = {k: p for k, p in projected(scene, targets, projector).items() if k not in taken}
    knot = find_crowd(now, knot_px, 3, near=0.0)
    if not knot:
        return {}
    body = body_for(scene.controller.manifest)
    stations: dict[str, tuple[np.ndarray, list]] = {}
    for key in now:
        t = by_key.get(key)
        if key not in movable or t is None or len(t.structures) != 1:
            continue
        points = belly_stations(body.points(t.structures))
        if not points:
            continue
        xy, visible = projector.project(points)
        keep = [i for i, v in enumerate(visible) if v and _inside(xy[i], view_box)]
        if keep:
            stations[key] = (np.asarray(xy, dtype=float)[keep], [points[i] for i in keep])
    # The view's knots one after another, the largest first (S1's four hamstrings at mid-thigh,
    # then plantaris, gastrocnemius and popliteus behind the knee): every way of ending the
    # leaders of the knot's muscles and of those beside it (gluteus maximus above S2's hip) at
    # their own points or at stations of their bellies, judged among the leaders near the
    # knot: none of them left in a knot (a knot of the others only is the next round's), then
    # the fewest moved, then the furthest apart.
    moved: dict[str, tuple[float, float, float]] = {}
    for _ in range(KNOT_MOVE_ROUNDS):
        centre = np.mean([now[k] for k in knot], axis=0)
        around = [k for k, p in now.items() if np.max(np.abs(np.array(p) - centre)) < 3 * knot_px]
        members = [k for k in (*knot, *(k for k in around if k not in knot)) if k in stations][:KNOT_MOVABLE]
        if not members:
            return {}
        near = {k: now[k] for k in around if k not in members}
        choices = [[(tuple(now[k]), None)] + [(tuple(xy), pt) for xy, pt in zip(*stations[k], strict=True)]
                   for k in members]
        best = None
        for combo in itertools.product(*choices):
            points = near | {k: c[0] for k, c in zip(members, combo, strict=True)}
            if _knot_holding(points, members, knot_px):
                continue
            xy = np.array(list(points.values()), dtype=float)
            gaps = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=-1)
            rank = (sum(c[1] is not None for c in combo), -float(gaps[np.triu_indices(len(xy), 1)].min()))
            if best is None or rank < best[0]:
                best = (rank, combo)
        if best is None:
            return {}
        moved |= {k: c[1] for k, c in zip(members, best[1], strict=True) if c[1] is not None}
        now |= {k: c[0] for k, c in zip(members, best[1], strict=True)}
        knot = find_crowd(now, knot_px, 3, near=0.0)
        if not knot:
            return moved
    return {}


def _knot_holding(points: dict[str, tuple[float, float]], keys, knot_px: float) -> bool:
    """Whether three of ``points`` meet in a ``knot_px`` square that holds one of ``keys``
    (knots of the other points alone are looked at one after another).
    """
    left = dict(points)
    while knot := find_crowd(left, knot_px, 3, near=0.0):
        if set(knot) & set(keys):
            return True
        left = {k: p for k, p in left.items() if k not in knot}
    return False


def _inside(point, box: Box) -> bool:
    return box.x <= point[0] <= box.right and box.y <= point[1] <= box.bottom


def _sides(keys) -> set[str]:
    """The sides of the body (``left``, ``right``) some annotation keys name."""
    return {part.rsplit(":", 1)[-1] for k in keys for part in k.split("+")} & {"left", "right"}


def side_parts(crowd: tuple[str, ...], points: dict[str, tuple[float, float]], view_h: float) -> tuple[tuple[str, ...], ...]:
    """The tightest crowd (by :data:`~ims_atlas.scene.crowds.FURTHER_TIERS`) among the keys of
    ``crowd`` on each side of the body, where it has keys on both (``:left``, ``:right``); else
    ``()``. Pure. (C8 on both sides from behind: a fifth of the small view held both arms; the
    right forearm's three extensors are the part an inset can enlarge.)
    """
    sides: dict[str, list[str]] = {}
    for k in crowd:
        ends = _sides((k,))
        if len(ends) == 1:
            sides.setdefault(ends.pop(), []).append(k)
    if len(sides) < 2:
        return ()
    parts = (find_tiered({k: points[k] for k in keys if k in points}, view_h, FURTHER_TIERS) for keys in sides.values())
    return tuple(sorted((p for p in parts if p), key=len, reverse=True))


#: The view beside a panel's insets shows its targets over at least this share of the panel
#: (the box round them on screen), or the panel is drawn whole; where insets seen from another
#: side must stay, their column narrows to NARROWER_SHARES of the panel's width, one after
#: another. Where the view frames its targets in less than FILL_SHARE beside insets of its own
#: direction, their column narrows too.
VIEW_SHARE = 0.05
FILL_SHARE = 1 / 12
NARROWER_SHARES = (0.42, 0.34)


def _faults(done) -> tuple[int, int]:
    """How badly a panel as laid out (``_panel``'s image, layout, regions, anchors, extra)
    reads: the knots of three leaders (:data:`~ims_atlas.scene.crowds.KNOT_BOX` of its view's
    height) left in its view and in its insets, and its labels left out.
    """
    _, layout, regions, _, extra = done
    insets = extra.get("insets", ())
    in_insets = {k for i in insets for k in i.keys}
    side = KNOT_BOX * regions.view.h
    groups = [{str(p.key): p.anchor for p in layout.placed if p.key not in in_insets
               and regions.view.x - 0.5 <= p.anchor[0] <= regions.view.right + 0.5
               and regions.view.y - 0.5 <= p.anchor[1] <= regions.view.bottom + 0.5}]
    groups += [{str(p.key): p.anchor for p in layout.placed if p.key in i.keys} for i in insets]
    return sum(bool(find_crowd(g, side, 3, near=0.0)) for g in groups), len(layout.dropped)


def _worded(trial, done) -> bool:
    """Whether a panel laid out as ``trial`` keeps about the room for its labels' words that
    ``done`` gives them (their boxes' summed area at least :data:`WORDED_ROOM` of it): with an
    inset seen from another side, a narrower inset column cut thoracic pain's labels on both
    sides to their names alone.
    """
    def room(d) -> float:
        return sum(p.box.w * p.box.h for p in d[1].placed)

    return room(trial) >= WORDED_ROOM * room(done)


#: See :func:`_worded`.
WORDED_ROOM = 0.9


def _framed(projector: Projector, points, area: float) -> float:
    """The share of ``area`` (pixels) the box round the view's framed ``points`` takes on
    screen (``projector``: the view's camera).
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 3)
    if len(pts) < 2 or area <= 0:
        return 1.0
    xy, _ = projector.project(pts)
    w, h = np.ptp(np.asarray(xy, dtype=float).reshape(-1, 2), axis=0)
    return float(w * h) / area


def _extent(points: dict[str, tuple[float, float]], keys, axis: int | None = None) -> float:
    """The larger side (or the side along ``axis``: 0 x, 1 y) of the box round some of
    ``points`` (pixels).
    """
    pts = np.array([points[k] for k in keys if k in points], dtype=float).reshape(-1, 2)
    if len(pts) < 2:
        return 0.0
    sides = np.ptp(pts, axis=0)
    return float(sides.max() if axis is None else sides[axis])


def _crowded(scene: OffscreenScene, picture: Picture, annotation: Annotation, view: TargetView,
             size: tuple[int, int], style: Style, clinic: str, footer_line: str) -> bool:
    """Whether the one view of a picture, framed as the whole picture, has a crowd of targets
    (it is then drawn as a captioned panel with an inset).
    """
    own = replace(annotation, targets=tuple(t for t in annotation.targets if in_view(t.key, view)))
    points = view_points(scene, picture, view)
    regions = _aim(scene, points, view, size, style, own, clinic, footer_line,
                   extent_aspect(points, view.direction, view.up))
    return bool(crowd_of(scene, own.targets, regions.view)) or bool(turned_groups(picture, own, view,
                                                                                   scene.controller.manifest))


def _shift(box: Box, dx: float, dy: float) -> Box:
    return Box(box.x + dx, box.y + dy, box.w, box.h)


#: The share of a two-view picture's width a view of one muscle takes (on one side or both)
#: beside a view with insets of its own: sciatica's tibialis anterior from the front took half
#: the picture for a leg and one label, the view from behind its hamstrings, calf and buttock
#: (14 targets, three insets) the other half.
LONE_SHARE = 1 / 3


def panel_widths(picture: Picture, width: int) -> tuple[int, ...]:
    """The widths of the panels of ``picture``'s views, side by side in ``width`` pixels: equal,
    but a view of one muscle beside a view of many (at least :data:`LONE_BESIDE` muscles, with
    the spine's targets) takes :data:`LONE_SHARE`.
    """
    views = picture.views
    if len(views) != 2:
        return tuple(width // len(views) for _ in views) if views else ()
    counts = [len({k.rpartition(":")[0] for k in v.targets}) for v in views]  # twins once
    for i in (0, 1):
        if counts[i] == 1 and not any(k.startswith("paraspinal:") for k in views[i].targets) \
                and counts[1 - i] >= LONE_BESIDE:
            lone = int(round(width * LONE_SHARE))
            return (lone, width - lone) if i == 0 else (width - lone, lone)
    return (width // 2, width // 2)


#: How many muscles and levels the other view holds for a view of one muscle to be narrowed.
LONE_BESIDE = 8


def take_views(scene: OffscreenScene, picture: Picture, annotation: Annotation, size: tuple[int, int], style: Style,
               transparent: bool = False, clinic: str = "", footer_line: str = "") -> PanelPicture:
    """The picture of ``picture``'s views: one view fills the picture, two share it side by
    side under one title and legend (:func:`plan_views`, drawn).

    Raises
    ------
    ~ims_atlas.export.render.RenderError
        If rendering fails.
    """
    return plan_views(scene, picture, annotation, size, style, transparent, clinic, footer_line).draw()


@dataclass(frozen=True)
class PlannedViews:
    """A picture of views laid out and not yet drawn (:func:`plan_views`): its labels and
    panels as they will be (each panel's ``rendered`` not yet rendered), and :meth:`draw`.
    A picture of both sides is laid out several ways (:mod:`ims_atlas.export.twins`) and
    only the one kept is drawn.
    """

    layout: LabelLayout
    panels: tuple[Panel, ...]
    header: Box | None
    footer: Box | None
    paint: Callable[[], Image.Image] = field(repr=False, compare=False)

    def draw(self) -> PanelPicture:
        """The finished picture: every view and inset rendered, the text drawn."""
        image = self.paint()
        panels = tuple(replace(p, **_drawn({"rendered": p.rendered})) for p in self.panels)
        return PanelPicture(image, self.layout, panels, self.header, self.footer)


def plan_views(scene: OffscreenScene, picture: Picture, annotation: Annotation, size: tuple[int, int], style: Style,
               transparent: bool = False, clinic: str = "", footer_line: str = "") -> PlannedViews:
    """The picture of ``picture``'s views laid out, drawn by :meth:`PlannedViews.draw`: one
    view fills the picture, two share it side by side under one title and legend. Nothing
    may change what the scene draws between the two (its frames are rendered at the draw,
    :meth:`~ims_atlas.export.render.OffscreenScene.draft`).

    Raises
    ------
    ~ims_atlas.export.render.RenderError
        If rendering fails.
    """
    annotation = one_line_annotation(annotation)  # a line break in a name stops Pillow's layout
    clinic = cut(one_line(clinic), MAX_CLINIC_NAME)
    views = picture.views
    if len(views) == 1 and not _crowded(scene, picture, annotation, views[0], size, style, clinic, footer_line):
        image, layout, regions, anchors, extra = _panel(scene, picture, annotation, views[0], size, style, transparent,
                                                        False, clinic, footer_line)
        panel = Panel(views[0], Box(0, 0, size[0], size[1]), None, anchors, regions.view, **extra)
        return PlannedViews(layout, (panel,), regions.header, regions.footer, image.get)
    full = plan_regions(size, style, Annotation(annotation.title, annotation.subtitle, (), annotation.legend),
                        clinic, footer_line, labels=False)
    m = style.margin
    top = full.header.bottom + m if full.header is not None else m
    bottom = full.footer.y - m if full.footer is not None else size[1] - m
    widths = panel_widths(picture, size[0] - m)
    height = int(bottom - top)
    placed: list[PlacedLabel] = []
    dropped: list = []
    panels: list[Panel] = []
    images: list[tuple[Later, int]] = []  # each panel's picture and where it goes across
    titled: list[tuple[str, float]] = []  # the insets' captions so far, and their heights
    for i, view in enumerate(views):
        x0 = int(sum(widths[:i]) + (m if i else 0) // 1)
        w = int(widths[i] if i < len(views) - 1 else size[0] - x0)
        image, layout, regions, anchors, extra = _panel(scene, picture, annotation, view, (w, height), style,
                                                        transparent, True, taken_titles=tuple(titled))
        for inset in extra.get("insets", ()):
            parts = {k for key in inset.keys for k in key.split("+")}
            titled.append((inset.title, crowd_height(scene, tuple(t for t in annotation.targets
                                                                   if parts & set(t.key.split("+"))))))
        if extra.get("insets"):
            extra["insets"] = tuple(i.shifted(x0, top) for i in extra["insets"])
        images.append((image, x0))
        placed += [replace(p, box=_shift(p.box, x0, top), anchor=(p.anchor[0] + x0, p.anchor[1] + top),
                           leader_start=(p.leader_start[0] + x0, p.leader_start[1] + top)) for p in layout.placed]
        dropped += list(layout.dropped)
        panels.append(Panel(view, Box(x0, top, w, height),
                            _shift(regions.header, x0, top) if regions.header is not None else None,
                            {k: (p[0] + x0, p[1] + top) for k, p in anchors.items()}, _shift(regions.view, x0, top),
                            **extra))

    def paint() -> Image.Image:
        canvas = Image.new("RGBA", size, (0, 0, 0, 0))
        for image, x0 in images:
            canvas.paste(image.get(), (x0, int(top)))
        background = _background(size, scene, transparent)
        picture_image = Image.alpha_composite(background, canvas)
        framed = Annotation(annotation.title, annotation.subtitle, (), annotation.legend)
        picture_image, _ = compose(np.asarray(picture_image), full, framed, {}, style, clinic, footer_line,
                                   dropped=len(dropped))
        return picture_image

    return PlannedViews(LabelLayout(tuple(placed), tuple(dropped)), tuple(panels), full.header, full.footer, paint)


def _drawn(extra: dict) -> dict:
    """A panel's ``extra`` (from :func:`_panel`) with its view's pixels rendered (the view was
    planned first, :meth:`~ims_atlas.export.render.OffscreenScene.draft`).
    """
    frame = extra.get("rendered")
    return extra if frame is None or isinstance(frame, np.ndarray) else {**extra, "rendered": frame.image}


def _background(size: tuple[int, int], scene: OffscreenScene, transparent: bool) -> Image.Image:
    """The picture's background behind and between the panels: the scene's gradient."""
    w, h = size
    if transparent:
        return Image.new("RGBA", size, (0, 0, 0, 0))
    top = np.array(scene.palette.background_top) * 255
    bottom = np.array(scene.palette.background_bottom) * 255
    t = np.linspace(0.0, 1.0, h)[:, None]
    rows = (top[None, :] * (1 - t) + bottom[None, :] * t).round().astype(np.uint8)
    rgb = np.repeat(rows[:, None, :], w, axis=1)
    alpha = np.full((h, w, 1), 255, np.uint8)
    return Image.fromarray(np.concatenate([rgb, alpha], axis=-1), "RGBA")
