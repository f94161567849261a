"""An enlarged inset for a crowded region of a panel (issue 16).

Where many targets crowd a small part of a view (the hand in C8, the ankle and foot in S1,
the forearm's extensors in tennis elbow; :func:`ims_atlas.scene.crowds.find_crowd`), their
labels would send a fan of leader lines into a few pixels. The panel is then split in two:
one half shows the view as before, with a frame round the crowd and labels for the other
targets only; the other half, on the crowd's side, is the inset: the same direction seen
close up on the crowd's targets, with its own caption ("Hand and forearm, enlarged") and its
own labels; a thin line joins the frame to the inset. Nothing covers the anatomy: the inset
has its own half of the panel. Where several crowds remain (C6's shoulder and forearm, the
hamstrings and the ankle from behind in L5), the panel gets up to :data:`MAX_INSETS` insets,
stacked in that half, each with its own frame, link and labels.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw

from ims_atlas.anatomy.facing import frame_axes
from ims_atlas.export.annotations import Annotation, Target
from ims_atlas.export.compose import EDGE, HALO, INK_SOFT, Regions, Style, compose, fit_labels, plan_regions
from ims_atlas.export.knots import untie
from ims_atlas.export.label_layout import Box, LabelLayout, PlacedLabel
from ims_atlas.export.later import Later
from ims_atlas.export.projection import Projector
from ims_atlas.scene.crowds import crowd_box, find_tiered
from ims_atlas.scene.picture import Picture, picture_in_view, with_least_span
from ims_atlas.scene.plan import MARKER_RADIUS
from ims_atlas.scene.target_views import TargetView

if TYPE_CHECKING:  # VTK is imported only when something is rendered
    from ims_atlas.export.render import Draft, OffscreenScene

#: An inset must show its crowd at least this many times larger than the panel above it
#: does; a smaller gain is not worth the room.
MIN_ZOOM = 1.5
#: At most this many insets in one panel (stacked top to bottom beside the view).
MAX_INSETS = 3
#: The share of the panel's width the inset takes (the view it enlarges keeps the rest).
INSET_SHARE = 0.52
#: The least an inset seen from another side frames round its targets (metres, up and across).
TURNED_LEAST_M = (0.22, 0.16)
#: Framing of the inset's close-up: this much (metres) around each of the crowd's points, and
#: a margin around that.
INSET_CONTEXT_M = 0.015
INSET_MARGIN = 1.1


@dataclass(frozen=True)
class Inset:
    """Where an inset went, in the finished picture's pixels."""

    keys: tuple[str, ...]  # the annotation keys it labels
    box: Box  # its frame
    caption: Box | None
    region: Box  # the part the close-up was framed into
    anchors: dict[str, tuple[float, float]]  # its targets' points, as it shows them
    source: Box  # the frame drawn around the crowd in the panel above
    zoom: float  # how many times larger than in the view beside it
    title: str = ""
    origin: tuple[float, float] = (0.0, 0.0)  # where the inset's own pixels start
    frame: Draft | None = field(default=None, repr=False, compare=False)  # the close-up (rendered when needed)
    direction: tuple[float, float, float] | None = None  # seen from another side than its view: from here
    link: tuple[tuple[float, float], ...] | None = None  # the line from ``source`` to ``box``, its points

    @property
    def rendered(self) -> np.ndarray | None:
        """Its pixels as rendered, before any text (rendered on first use)."""
        return None if self.frame is None else self.frame.image

    def shifted(self, dx: float, dy: float) -> Inset:
        """The same inset moved by (dx, dy)."""
        def s(b: Box | None) -> Box | None:
            return None if b is None else Box(b.x + dx, b.y + dy, b.w, b.h)

        return replace(self, box=s(self.box), caption=s(self.caption), region=s(self.region), source=s(self.source),
                       anchors={k: (p[0] + dx, p[1] + dy) for k, p in self.anchors.items()},
                       origin=(self.origin[0] + dx, self.origin[1] + dy),
                       link=None if self.link is None else tuple((p[0] + dx, p[1] + dy) for p in self.link))


def region_words(manifest, targets: tuple[Target, ...], seen: str = "enlarged", any_second: bool = False) -> str:
    """What the crowd's structures are part of, from the manifest's regions ("Forearm and
    hand, enlarged"; ``seen``: the words after the comma, "from the front" for an inset seen
    from another side than its view). The second region is named where a third of the
    targets lie in it, or with ``any_second`` where any do.
    """
    # Each target votes once, for the region most of its structures are in (a muscle drawn
    # level by level, multifidus, must not outvote the rest).
    counts: Counter[str] = Counter()
    for t in targets:
        own = Counter(s.region for sid in t.structures if (s := manifest.get(sid)) is not None and s.region)
        if own:
            counts[own.most_common(1)[0][0]] += 1
    if not counts:
        return seen[0].upper() + seen[1:]
    (first, n), *rest = counts.most_common(2)
    second = rest[0][0] if rest and (any_second or rest[0][1] * 3 >= n) else ""
    # Two regions that already join words ("neck and upper back") or share one ("neck") read
    # badly together: the first then stands alone.
    words = first if not second or " and " in first + second or set(first.split()) & set(second.split()) \
        else f"{first} and {second}"
    return f"{words[0].upper()}{words[1:]}, {seen}"


def inset_title(manifest, crowd: tuple[Target, ...], both_lit: bool, seen: str = "", any_second: bool = False) -> str:
    """An inset's caption: the crowd's regions (:func:`region_words`) and how it is seen
    (``seen``: "from the front" for an inset seen from another side than its view; else
    "enlarged"). In a picture lit on both sides (``both_lit``), an inset of one side's targets
    says whose ("Forearm (right), enlarged"): the left forearm and the right one can both be
    enlarged.
    """
    title = region_words(manifest, crowd, seen or "enlarged", any_second)
    own_sides = {k.rpartition(":")[2] for t in crowd for k in t.key.split("+") if not k.startswith("paraspinal:")}
    if both_lit and len(own_sides) == 1 and own_sides <= {"left", "right"} and "," in title:
        title = _qualified(title, own_sides.pop())
    return title


def _qualified(title: str, word: str) -> str:
    """``title`` with ``word`` in brackets after its regions: "Thigh (upper), enlarged";
    "Foot (right, upper), from the front" where it has some already.
    """
    words, comma, rest = title.partition(",")
    words = f"{words[:-1]}, {word})" if words.endswith(")") else f"{words} ({word})"
    return f"{words}{comma}{rest}"


#: Words telling apart insets of one region at different heights of the body, from the top.
HEIGHT_WORDS = {2: ("upper", "lower"), 3: ("upper", "middle", "lower")}


def inset_titles(manifest, crowds: Sequence[tuple[tuple[Target, ...], str]], heights: Sequence[float],
                 both_lit: bool, taken: Sequence[tuple[str, float]] = ()) -> list[str]:
    """Captions for a panel's insets, none the same as another's nor as one already in the
    picture (``taken``: the earlier panels' insets' captions, with their heights). ``crowds``:
    each inset's targets and the words for the side it is seen from ("" for the panel's own
    view); ``heights``: how high up the body each lies (its targets' middle, along the body's
    up). Where two would share a caption (L2 on both sides enlarged the groin's adductors and
    the thigh's quadriceps, both "Thigh, enlarged"), each says more: the second region its
    targets lie in ("Thigh and hip, enlarged"), and where that is not enough, how high up the
    body it lies among the others of that caption ("Thigh (upper)", "Thigh (lower)"). Pure.
    """
    titles = [inset_title(manifest, crowd, both_lit, seen) for crowd, seen in crowds]
    before = [t for t, _ in taken]

    def clashing() -> list[int]:
        return [i for i, t in enumerate(titles) if titles.count(t) > 1 or t in before]

    for i in clashing():
        titles[i] = inset_title(manifest, crowds[i][0], both_lit, crowds[i][1], any_second=True)
    for title in dict.fromkeys(titles[i] for i in clashing()):
        mine = [(heights[i], i) for i, t in enumerate(titles) if t == title]
        group = sorted(mine + [(z, -1) for t, z in taken if t == title], reverse=True)
        words = HEIGHT_WORDS.get(len(group), tuple(str(n + 1) for n in range(len(group))))
        for (_, i), word in zip(group, words, strict=True):
            if i >= 0:
                titles[i] = _qualified(title, word)
    return titles


def projected(scene: OffscreenScene, targets: tuple[Target, ...], projector: Projector) -> dict[str, tuple[float, float]]:
    """Pixel points of the targets that are in view, by key."""
    world = scene.anchors(targets)
    if not world:
        return {}
    keys = list(world)
    xy, visible = projector.project([world[k] for k in keys])
    return {k: (float(p[0]), float(p[1])) for k, p, v in zip(keys, xy, visible, strict=True) if v}


def crowd_height(scene: OffscreenScene, crowd: tuple[Target, ...]) -> float:
    """How high up the body a crowd's targets lie (their points' middle, along the body's up)."""
    world = np.array(list(scene.anchors(crowd).values()), dtype=float).reshape(-1, 3)
    _, _, up = frame_axes(scene.controller.manifest)
    return float((world @ up).mean()) if len(world) else 0.0


def crowd_of(scene: OffscreenScene, targets: tuple[Target, ...], view_box: Box) -> tuple[str, ...]:
    """The crowd among ``targets`` with the camera as aimed now (keys), or ``()``."""
    return find_tiered(projected(scene, targets, scene.projector()), view_box.h)


def _spread(points: dict[str, tuple[float, float]], keys) -> float:
    pts = np.array([points[k] for k in keys if k in points], dtype=float).reshape(-1, 2)
    return float(np.ptp(pts, axis=0).max()) if len(pts) > 1 else 0.0


def crowd_side(scene: OffscreenScene, targets: tuple[Target, ...], keys: tuple[str, ...], width: float) -> str:
    """Which half of a picture ``width`` wide the crowd lies in, with the camera as aimed now."""
    points = projected(scene, targets, scene.projector())
    xs = [points[k][0] for k in keys if k in points]
    return "left" if xs and sum(xs) / len(xs) < width / 2 else "right"


def aim_into(scene: OffscreenScene, points, view: TargetView, regions: Regions, margin: float = 1.12,
             least: float = 0.05) -> None:
    """Resize to the regions' picture and aim the camera so ``points`` fill its anatomy box."""
    scene.resize(regions.size)
    scene.aim(points if len(points) else None, view.direction, regions.view, margin=margin, up=view.up, least=least)


def one_column_regions(size: tuple[int, int], style: Style, annotation: Annotation, column: str,
                       gutter: float) -> Regions:
    """Regions of a half panel: its caption on top, one label column ``gutter`` wide on the
    ``column`` side ("left" or "right"), the anatomy box beside it; no legend.
    """
    w, h = size
    m = style.margin
    base = plan_regions(size, replace(style, footer=False), annotation, labels=False)
    top = base.view.y
    height = base.view.h
    if column == "left":
        left = Box(m, top, gutter, height)
        view = Box(left.right + m, top, max(w - left.right - 2 * m, 1.0), height)
        right = Box(w - m, top, 0.0, height)
    else:
        right = Box(w - m - gutter, top, gutter, height)
        view = Box(m, top, max(right.x - 2 * m, 1.0), height)
        left = Box(m, top, 0.0, height)
    return Regions(size, base.header, None, view, left, right)


def two_column_regions(size: tuple[int, int], style: Style, annotation: Annotation, gutter: float) -> Regions:
    """Regions of a half panel with a label column on each side (each ``gutter`` wide): a view
    of both sides of the body keeps each label on its target's side.
    """
    w, _ = size
    m = style.margin
    base = plan_regions(size, replace(style, footer=False), annotation, labels=False)
    top, height = base.view.y, base.view.h
    left = Box(m, top, gutter, height)
    right = Box(w - m - gutter, top, gutter, height)
    view = Box(left.right + m, top, max(right.x - left.right - 2 * m, 1.0), height)
    return Regions(size, base.header, None, view, left, right)


def lit_on_both_sides(picture: Picture) -> bool:
    """Whether a picture's targets lie on both sides of the body."""
    return len({t.side for t in picture.targets} & {"left", "right"}) == 2


def both_sides(targets: tuple[Target, ...]) -> bool:
    """Whether ``targets`` lie on both sides of the body (keys ending ``:left`` and ``:right``)."""
    sides = {k.rsplit(":", 1)[-1] for t in targets for k in t.key.split("+") if k.startswith("local:")}
    return {"left", "right"} <= sides


@dataclass(frozen=True)
class InsetPart:
    """The inset as laid out, in its own pixels (its top-left at (0, 0)): its labels placed
    and its camera set, its pixels rendered only when first asked for (:attr:`image`): a
    panel tries several sets of insets and keeps one.
    """

    layout: LabelLayout
    regions: Regions
    anchors: dict[str, tuple[float, float]]
    title: str
    projector: Projector | None = None  # world -> the inset's own pixels
    depth_at: tuple[float, float, float] | None = None  # the crowd's middle (the plane its frame is drawn at)
    turned: tuple[float, float, float] | None = None  # seen from another side than its view: from here
    keys: tuple[str, ...] = ()  # what it labels (muscles named together merged: "a+b")
    frame: Draft | None = field(default=None, repr=False, compare=False)  # the close-up, drawn when needed
    annotation: Annotation | None = field(default=None, repr=False, compare=False)  # its caption and labels
    style: Style | None = field(default=None, repr=False, compare=False)
    texts: dict | None = field(default=None, repr=False, compare=False)  # its labels' text, as measured

    @property
    def size(self) -> tuple[int, int]:
        """Its size in pixels (width, height)."""
        return self.regions.size

    @property
    def rendered(self) -> np.ndarray | None:
        """Its pixels as rendered, before any text (rendered on first use)."""
        return None if self.frame is None else self.frame.image

    @cached_property
    def image(self) -> Image.Image:
        """The inset drawn: the close-up with its caption and labels."""
        image, _ = compose(self.frame.image, self.regions, self.annotation, self.anchors, self.style,
                           fitted=(self.layout, self.texts))
        return image


def render_inset(scene: OffscreenScene, picture: Picture, view: TargetView, crowd: tuple[Target, ...],
                 size: tuple[int, int], style: Style, side: str, gutter: float, transparent: bool,
                 beside: dict[str, tuple[float, float]] | None = None, marker_px: float | None = None,
                 seen: str = "", pose=None, knot_px: float | None = None, keep_in: Box | None = None,
                 title: str | None = None) -> InsetPart:
    """The close-up of the crowd's targets along the view's direction, captioned and labelled
    (one label column on the ``side`` away from the view it enlarges), at ``size``.

    ``beside``: the crowd's points in the view the inset enlarges; the markers are then drawn
    smaller by the zoom, so they keep their size on screen (at 4-5 times a marker drawn at
    its model size is a large disc hiding the muscle it marks); ``marker_px``: their largest
    radius in pixels (by default :data:`MARKER_MOST` of ``size``'s height); ``seen``: the
    words for a ``view`` from another side than the panel's ("from the front"), whose targets
    face away from the panel (:func:`~ims_atlas.scene.target_views.turned_away`); ``pose``:
    the camera (position, focal point, up) of the view it enlarges, looked through with a
    narrower lens (:meth:`~ims_atlas.export.render.OffscreenScene.zoom`), so the inset is that
    view enlarged. (Aimed afresh, from 22 cm straight behind a hand, its thenar points, 5 cm
    further than its hypothenar ones, came out a quarter smaller, where the panel, from 2 m
    and off to one side, had them shifted sideways: no frame on the view enclosed what the
    inset showed.) ``knot_px``: three leaders ending in a square this wide are a knot; one
    left in the inset is untied where its muscles lie and are named together
    (:func:`~ims_atlas.export.knots.untie`: the gemelli share one label). ``keep_in``: the
    anatomy box of the view it enlarges (between that view's label columns), which the frame
    drawn there round what the inset shows must stay inside, so it crosses none of the view's
    labels (:func:`clear_of_labels`: the inset enlarged more, or its window moved). ``title``:
    its caption (by default :func:`inset_title`'s; :func:`inset_titles` keeps a picture's apart).
    """
    keys = tuple(k for t in crowd for k in t.key.split("+"))
    sub = replace(view, targets=keys)
    if title is None:
        title = inset_title(scene.controller.manifest, crowd, lit_on_both_sides(picture), seen)
    own = Annotation(title, "", crowd, ())
    regions = one_column_regions(size, style, own, side, gutter)
    world = np.array(list(scene.anchors(crowd).values()), dtype=float).reshape(-1, 3)
    # The crowd's points and a little around them (their muscles run on out of the inset).
    corners = np.array([[dx, dy, dz] for dx in (-1, 1) for dy in (-1, 1) for dz in (-1, 1)]) * INSET_CONTEXT_M
    points = (world[:, None, :] + corners[None, :, :]).reshape(-1, 3) if len(world) else world
    if seen and len(points):
        # Seen from another side, the inset is where its targets are shown at all: with enough
        # round them to tell where on the body they are (a shin and an ankle, not a patch of
        # one muscle).
        points = with_least_span(points, view, TURNED_LEAST_M)
    if pose is not None and not seen and len(points):
        scene.resize(regions.size)
        scene.zoom(pose, points, regions.view, margin=INSET_MARGIN, least=INSET_CONTEXT_M)
    else:
        aim_into(scene, points, view, regions, margin=INSET_MARGIN, least=INSET_CONTEXT_M)
    if keep_in is not None and beside and pose is not None and not seen and len(points):
        projector = scene.projector()
        now = projected(scene, crowd, projector)
        common = [k for k in now if k in beside]
        context, _ = projector.project(points)
        change = clear_of_labels(np.array([beside[k] for k in common]), np.array([now[k] for k in common]), context,
                                 regions.view, keep_in)
        if change is not None:
            scene.remap(*change)
    zoom = enlargement(beside, projected(scene, crowd, scene.projector()), tuple(t.key for t in crowd)) if beside else None
    labelled = crowd
    if knot_px:
        manifest = scene.controller.manifest

        def on_screen(points: dict) -> dict:
            return projected(scene, tuple(Target(k, "", "", "", p) for k, p in points.items()), scene.projector())

        def muscles_of(t: Target) -> tuple[str, ...]:
            return tuple(s.muscle for sid in t.structures if (s := manifest.get(sid)) is not None and s.muscle)

        labelled = untie(crowd, scene.anchors(crowd), on_screen, knot_px, muscles_of)
        own = Annotation(title, "", labelled, ())
    if zoom is not None and not np.isfinite(zoom):
        zoom = None
    shown = picture_in_view(picture, sub, scene.controller.manifest, eye=scene.plotter.camera.position)
    most = marker_px if marker_px is not None else MARKER_MOST * size[1]
    frame = render_marked(scene, shown, world, most, transparent, zoom, draft=True)
    # (The merged labels' points beside their muscles' own: how much the inset enlarges is
    # measured on these.)
    anchors = projected(scene, crowd, frame.projector) | projected(scene, labelled, frame.projector)
    layout, texts = fit_labels(own.targets, anchors, regions, style) if own.targets else (LabelLayout(()), {})
    middle = tuple(float(c) for c in world.mean(axis=0)) if len(world) else None
    return InsetPart(layout, regions, anchors, title, frame.projector, middle,
                     tuple(float(c) for c in view.direction) if seen else None, tuple(t.key for t in labelled),
                     frame, own, style, texts)


def _enlarging(before: np.ndarray, after: np.ndarray) -> tuple[float, np.ndarray] | None:
    """``(s, t)`` with ``after ~ s * before + t`` (least squares), or None for fewer than two
    distinct points.
    """
    b, a = np.asarray(before, dtype=float).reshape(-1, 2), np.asarray(after, dtype=float).reshape(-1, 2)
    if len(b) < 2:
        return None
    bc, ac = b - b.mean(axis=0), a - a.mean(axis=0)
    spread = float((bc ** 2).sum())
    if spread < 1e-9:
        return None
    scale = float((bc * ac).sum()) / spread
    if scale <= 0:
        return None
    return scale, a.mean(axis=0) - scale * b.mean(axis=0)


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def clear_of_labels(before, after, context, region: Box, keep_in: Box) -> tuple[float, tuple[float, float]] | None:
    """How to change an inset so the frame drawn on the view it enlarges round what its
    anatomy box shows stays between that view's label columns: ``(k, offset)`` for
    :meth:`~ims_atlas.export.render.OffscreenScene.remap` (what is at pixel ``p`` of the inset
    goes to ``k * p + offset``), or None when it already does. Pure.

    ``before``, ``after``: the crowd's points in the view and in the inset as aimed now (the
    inset is the view enlarged: ``after = s * before + t``); ``context``: the points the inset
    must show, in its pixels; ``size``: the inset's; ``region``: its anatomy box, which must
    keep them; ``keep_in``: the view's anatomy box, in the view's pixels. The inset is enlarged
    (``k > 1``) as far as its frame must narrow to fit ``keep_in`` and its points allow, and
    moved across as little as puts its frame inside ``keep_in`` (as near as its points allow).
    """
    fit = _enlarging(before, after)
    pts = np.asarray(context, dtype=float).reshape(-1, 2)
    if fit is None or not len(pts):
        return None
    s, t = fit
    # keep_in, in the inset's pixels as aimed now
    k0, k1 = s * keep_in.x + t[0], s * keep_in.right + t[0]
    if k0 <= region.x + 0.5 and k1 >= region.right - 0.5:
        return None
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    extent = np.maximum(hi - lo, 1e-6)
    most = min(region.w / extent[0], region.h / extent[1])
    k = min(max(1.0, region.w / max(k1 - k0, 1e-6)), max(most, 1.0))
    middle = (lo + hi) / 2
    natural = (1.0 - k) * middle  # enlarged about the points' middle, which stays where it is
    shown = (region.x - k * lo[0], region.right - k * hi[0])  # the points stay in the region
    inside = (region.right - k * k1, region.x - k * k0)  # the frame stays inside keep_in
    if inside[0] <= inside[1]:
        a, b = max(shown[0], inside[0]), min(shown[1], inside[1])
        cx = _clamp(natural[0], a, b) if a <= b else _clamp(natural[0], *inside)
    else:  # too wide even so: its middle over keep_in's
        cx = region.centre[0] - k * (k0 + k1) / 2
    if shown[0] <= shown[1]:
        cx = _clamp(cx, *shown)
    cy = _clamp(natural[1], region.y - k * lo[1], region.bottom - k * hi[1])
    if abs(k - 1.0) < 1e-6 and abs(cx) < 0.5 and abs(cy) < 0.5:
        return None
    return k, (float(cx), float(cy))


#: A marker is drawn at most this fraction of its panel's height in radius: an epicentre's
#: sphere has a fixed size in the model, and a view close on a foot would draw it as a disc
#: hiding the muscle it marks.
MARKER_MOST = 0.011


#: ... and at least this fraction: a needle point beside the spine in a view of the whole back
#: and legs (a segment's muscles seen from behind with its level) came out a pixel wide.
MARKER_LEAST = 0.005


def marker_scale(scene: OffscreenScene, points, most_px: float, zoom: float | None = None,
                 least_px: float = 0.0) -> float:
    """The scale to draw the markers at ``points`` with (the camera as aimed now): at most
    ``most_px`` and at least ``least_px`` pixels in radius, and with a ``zoom`` (an inset's),
    the scale of the view the inset enlarges over ``zoom``, so they keep the size they have
    there.
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 3)

    def bounded(radius_px: float) -> float:
        if radius_px > most_px > 0:
            return most_px / radius_px
        if 0 < radius_px < least_px:
            return least_px / radius_px
        return 1.0

    scale = 1.0
    radius_px = MARKER_RADIUS / float(np.median(scene.controller.pixel_size(pts))) if len(pts) else 0.0
    if len(pts):
        scale = bounded(radius_px)
    if zoom is not None and zoom > 1.0:
        scale = min(scale, bounded(radius_px / zoom) / zoom if len(pts) else 1.0 / zoom)
    return scale


def render_marked(scene: OffscreenScene, shown: Picture, points, most_px: float, transparent: bool,
                  zoom: float | None = None, draft: bool = False):
    """Render ``shown`` with its markers scaled by :func:`marker_scale` (then back to 1), at
    least :data:`MARKER_LEAST` for :data:`MARKER_MOST` of ``most_px``; with ``draft``, only
    plan it (:meth:`~ims_atlas.export.render.OffscreenScene.draft`: rendered when its pixels
    are first asked for).
    """
    least = most_px * MARKER_LEAST / MARKER_MOST
    scene.controller.set_marker_scale(marker_scale(scene, points, most_px, zoom, least))
    try:
        return scene.draft(shown, transparent=transparent) if draft else scene.render(shown, transparent=transparent)
    finally:
        scene.controller.set_marker_scale(1.0)


def enlargement(before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]],
                keys: tuple[str, ...]) -> float | None:
    """How many times larger the crowd ``keys`` is spread in ``after`` than in ``before``
    (pixels by key): inf when it is a point in ``before``, None when ``after`` shows none.
    """
    if not any(k in after for k in keys):
        return None
    b, a = _spread(before, keys), _spread(after, keys)
    return a / b if b > 0 else float("inf")


def mean_enlargement(whole: dict[str, tuple[float, float]], view: dict[str, tuple[float, float]],
                     insets: Sequence[tuple[dict[str, tuple[float, float]], tuple[str, ...]]],
                     keys: Sequence[str]) -> float:
    """How many times larger a panel with insets draws its targets ``keys`` than the panel
    drawn whole (``whole``: pixels by key), on average (the geometric mean, so a target drawn
    half as large outweighs one drawn a third larger): a target in an inset (``insets``: each
    inset's points by key and its crowd's keys) at that inset's :func:`enlargement`, any
    other at the view's beside the insets (``view``: every target's point there, the inset's
    too). inf where the panel drawn whole shows a crowd as a point; 1.0 with nothing to
    compare. Pure.
    """
    keys = [k for k in keys if k in whole]
    in_inset = {k: z for points, crowd in insets if (z := enlargement(whole, points, crowd)) for k in crowd}
    beside = enlargement(whole, view, tuple(keys)) or 0.0
    logs = []
    for k in keys:
        z = in_inset.get(k, beside)
        if not np.isfinite(z):
            return float("inf")
        if z > 0:
            logs.append(np.log(z))
    return float(np.exp(np.mean(logs))) if logs else 1.0


def _shift_label(p: PlacedLabel, dx: float, dy: float) -> PlacedLabel:
    return replace(p, box=Box(p.box.x + dx, p.box.y + dy, p.box.w, p.box.h), anchor=(p.anchor[0] + dx, p.anchor[1] + dy),
                   leader_start=(p.leader_start[0] + dx, p.leader_start[1] + dy))


def _shift_box(b: Box | None, dx: float, dy: float = 0.0) -> Box | None:
    return None if b is None else Box(b.x + dx, b.y + dy, b.w, b.h)


def shown_region(part: InsetPart, frame: Box, main_projector: Projector | None) -> Box | None:
    """What the inset's ``frame`` (in the inset's own pixels) shows, as a box of the view it
    enlarges (``main_projector``: world -> that view's pixels): the frame's corners carried
    back to the model at the crowd's depth and forward into the view. None without cameras.
    """
    if main_projector is None or part.projector is None or part.depth_at is None:
        return None
    corners = [(frame.x, frame.y), (frame.right, frame.y), (frame.x, frame.bottom), (frame.right, frame.bottom)]
    world = part.projector.unproject(corners, part.depth_at)
    xy, _ = main_projector.project(world)
    if not np.all(np.isfinite(xy)):
        return None
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    return Box(float(x0), float(y0), float(x1 - x0), float(y1 - y0))


Link = tuple[tuple[float, float], ...]


def hits_box(p: tuple[float, float], q: tuple[float, float], box: Box) -> bool:
    """Whether the segment ``p``-``q`` passes through the inside of ``box`` (touching an edge
    does not count). Pure (Liang-Barsky clipping).
    """
    lo, hi = 0.0, 1.0
    d = (q[0] - p[0], q[1] - p[1])
    for start, delta, a, b in ((p[0], d[0], box.x, box.right), (p[1], d[1], box.y, box.bottom)):
        if abs(delta) < 1e-12:
            if not a < start < b:
                return False
            continue
        t0, t1 = (a - start) / delta, (b - start) / delta
        lo, hi = max(lo, min(t0, t1)), min(hi, max(t0, t1))
        if lo >= hi:
            return False
    return True


def _cross(a, b, c, d) -> bool:
    """Whether segments a-b and c-d cross (proper crossings only)."""
    def turn(p, q, r) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return turn(a, b, c) * turn(a, b, d) < 0 and turn(c, d, a) * turn(c, d, b) < 0


#: Link lines keep this many pixels from a label's box.
LINK_CLEAR = 3.0


def _hits(p: np.ndarray, q: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Which of the segments ``p[i]``-``q[i]`` pass through the inside of which of ``boxes``
    (rows x0, y0, x1, y1): a bool array (segments, boxes); :func:`hits_box` for many.
    """
    p, q = p[:, None, :], q[:, None, :]
    d = q - p
    shape = (len(p), len(boxes))
    lo, hi = np.zeros(shape), np.ones(shape)
    inside = np.ones(shape, dtype=bool)
    for axis in (0, 1):
        a, b = boxes[None, :, axis], boxes[None, :, axis + 2]
        start, delta = p[..., axis], d[..., axis]
        flat = np.abs(delta) < 1e-12
        inside &= ~flat | ((a < start) & (start < b))
        with np.errstate(divide="ignore", invalid="ignore"):
            t0, t1 = (a - start) / delta, (b - start) / delta
        lo = np.where(flat, lo, np.maximum(lo, np.minimum(t0, t1)))
        hi = np.where(flat, hi, np.minimum(hi, np.maximum(t0, t1)))
    return inside & (lo < hi)


def _crossings(p: np.ndarray, q: np.ndarray, lines: Sequence[Link]) -> np.ndarray:
    """How many legs of ``lines`` each segment ``p[i]``-``q[i]`` crosses."""
    legs = [(a, b) for line in lines for a, b in zip(line[:-1], line[1:], strict=False)]
    if not legs or not len(p):
        return np.zeros(len(p))
    c, e = np.array([a for a, _ in legs], dtype=float)[None], np.array([b for _, b in legs], dtype=float)[None]
    p, q = p[:, None, :], q[:, None, :]

    def turn(o, u, v):
        return (u[..., 0] - o[..., 0]) * (v[..., 1] - o[..., 1]) - (u[..., 1] - o[..., 1]) * (v[..., 0] - o[..., 0])

    cross = (turn(p, q, c) * turn(p, q, e) < 0) & (turn(c, e, p) * turn(c, e, q) < 0)
    return cross.sum(axis=1).astype(float)


#: What a link's bend, a leader it crosses and another link it crosses cost (pixels of length).
LINK_BEND = 40.0
LINK_OVER_LEADER = 60.0
LINK_OVER_LINK = 400.0


def route_link(source: Box, frame: Box, side: str, labels: Sequence[Box], inner: float,
               lines: Sequence[Link] = (), others: Sequence[Box] = (), leaders: Sequence[Link] = ()) -> Link:
    """The line joining the frame round a crowd (``source``) to its inset's ``frame`` on
    ``side`` of it, as its points: from a point of the source's edge facing the inset (or of
    its top or bottom edge) to a point of the frame's near edge (at least ``inner`` from its
    corners), past none of the ``labels`` nor the other crowds' frames in ``others`` (kept
    :data:`LINK_CLEAR` away): the shortest such line, straight where it can be, bending round
    the corners of what is in its way where it must (C8's hand inset lies beyond a column of
    labels with slots between them), crossing as few of the labels' ``leaders`` and the other
    links in ``lines`` as it can. Without any clear line, the straight one past the fewest
    labels. Pure.

    (Drawn level from the source's middle, the link from C8's back view to its hand inset ran
    through "Triceps brachii", L5's through "Semimembranosus".)
    """
    near_x = source.x if side == "left" else source.right
    far_x = frame.right if side == "left" else frame.x
    inward = 1.0 if side == "left" else -1.0
    steps = np.linspace(0.0, 1.0, 9)
    starts = [(near_x, float(source.y + f * source.h)) for f in steps]
    # the top and bottom edges, towards the inset's side: a crowd framed below or above a label
    starts += [(float(near_x + inward * f * source.w), y) for f in steps[1:5] for y in (source.y, source.bottom)]
    lo, hi = frame.y + inner, frame.bottom - inner
    ends = [(far_x, float(y)) for y in np.linspace(lo, hi, 33)] if hi > lo else [(far_x, frame.centre[1])]
    # (and level with each start: a line a pixel off level is drawn as a staircase)
    ends += [(far_x, y) for _, y in starts if lo < y < hi]
    cy = source.centre[1]
    blocks = [Box(b.x - LINK_CLEAR, b.y - LINK_CLEAR, b.w + 2 * LINK_CLEAR, b.h + 2 * LINK_CLEAR)
              for b in (*labels, *others)]
    solid = np.array([[b.x, b.y, b.right, b.bottom] for b in (*blocks, source, frame)], dtype=float).reshape(-1, 4)
    out = 0.5
    corners = [(x, y) for b in blocks for x in (b.x - out, b.right + out) for y in (b.y - out, b.bottom + out)]
    corners = [c for c in corners if not any(b.x < c[0] < b.right and b.y < c[1] < b.bottom for b in blocks)]
    nodes = np.array([*starts, *corners, *ends], dtype=float)
    n_start, n_end = len(starts), len(ends)
    n = len(nodes)
    i, j = np.triu_indices(n, 1)
    clear = ~_hits(nodes[i], nodes[j], solid).any(axis=1)
    i, j = i[clear], j[clear]
    weight = np.hypot(*(nodes[j] - nodes[i]).T) + LINK_OVER_LEADER * _crossings(nodes[i], nodes[j], leaders) \
        + LINK_OVER_LINK * _crossings(nodes[i], nodes[j], lines)
    # A straight link rises as little as it can; a bent one pays for each bend.
    bend = np.where((i < n_start) & (j >= n - n_end), 0.25 * np.abs(nodes[j, 1] - nodes[i, 1]), LINK_BEND)
    graph: dict[int, list[tuple[int, float]]] = {k: [] for k in range(n)}
    for u, v, w, extra in zip(i.tolist(), j.tolist(), weight.tolist(), bend.tolist(), strict=True):
        graph[u].append((v, w + extra))
        graph[v].append((u, w + extra))
    best = {k: 0.5 * abs(starts[k][1] - cy) for k in range(n_start)}
    back: dict[int, int] = {}
    heap = [(c, k) for k, c in best.items()]
    heapq.heapify(heap)
    while heap:
        c, u = heapq.heappop(heap)
        if c > best.get(u, np.inf):
            continue
        if u >= n - n_end:
            route = [u]
            while route[-1] in back:
                route.append(back[route[-1]])
            return tuple((float(nodes[k][0]), float(nodes[k][1])) for k in reversed(route))
        for v, w in graph[u]:
            if v < n_start:  # a line leaves the source once
                continue
            if c + w < best.get(v, np.inf):
                best[v], back[v] = c + w, u
                heapq.heappush(heap, (c + w, v))
    # Nothing clear: the straight line past the fewest labels.
    p = np.array([a for a in starts for _ in ends], dtype=float)
    q = np.array([e for _ in starts for e in ends], dtype=float)
    past = _hits(p, q, solid).sum(axis=1) + 0.001 * np.hypot(*(q - p).T)
    k = int(np.argmin(past))
    return (tuple(map(float, p[k])), tuple(map(float, q[k])))


def join(main: Later, main_layout: LabelLayout, main_anchors: dict[str, tuple[float, float]], main_view: Box,
         insets: Sequence[tuple[InsetPart, tuple[str, ...]]], style: Style, side: str,
         main_projector: Projector | None = None,
         avoid: Sequence[Box | None] = ()) -> tuple[Later, LabelLayout, tuple[Inset, ...], float]:
    """The panel: ``main`` and its insets side by side (the insets stacked top to bottom in
    one column on ``side``), each crowd framed in ``main`` and linked to its inset's frame;
    with how far ``main`` moved right. Laid out now, drawn when first asked for (the
    :class:`~ims_atlas.export.later.Later` returned; ``main``: the view, drawn the same way).

    The frame in ``main`` encloses exactly what its inset shows (``main_projector``: the
    camera of ``main``; without it, a box round the crowd's points). The links cross none of
    ``main``'s labels nor the boxes in ``avoid`` (its caption; in ``main``'s pixels) where a
    line can (:func:`route_link`).
    """
    wm, h = main.size
    wi = max(part.size[0] for part, _ in insets)
    main_dx, inset_dx = (wi, 0) if side == "left" else (0, wm)
    m = style.margin / 2
    pad = max(style.gap * 1.5, 6)
    lw = max(style.line - 1, 1)
    view = _shift_box(main_view, main_dx)
    placed = [_shift_label(p, main_dx, 0) for p in main_layout.placed]
    dropped = list(main_layout.dropped)
    done: list[Inset] = []
    sources: list[Box] = []
    frames: list[Box] = []
    pasted: list[tuple[InsetPart, int]] = []  # each inset and where its top goes
    main_count = len(placed)
    top = 0
    for part, keys in insets:
        hi = part.size[1]
        pasted.append((part, top))
        own_frame = Box(m / 2, m / 2, part.size[0] - m, hi - m)
        frame = _shift_box(own_frame, inset_dx, top)
        # The frame on the view encloses what the inset's anatomy box shows (its label column
        # and caption cover the rest). (An inset seen from another side shows no box of the
        # view: its targets are framed.)
        region = shown_region(part, part.regions.view, main_projector) if part.turned is None else None
        if region is None:
            x, y, bw, bh = crowd_box(main_anchors, keys, pad)  # type: ignore[misc]
            region = Box(x, y, bw, bh)
            lo_x, hi_x, lo_y, hi_y = view.x, view.right, view.y, view.bottom
        else:  # the anatomy is drawn across the whole of ``main``, label column included
            lo_x, hi_x, lo_y, hi_y = main_dx, main_dx + wm, 0.0, float(h)
        x0, y0 = max(region.x + main_dx, lo_x), max(region.y, lo_y)
        x1, y1 = min(region.right + main_dx, hi_x), min(region.bottom, hi_y)
        source = Box(x0, y0, max(x1 - x0, 1.0), max(y1 - y0, 1.0))
        sources.append(source)
        frames.append(frame)
        placed += [_shift_label(p, inset_dx, top) for p in part.layout.placed]
        dropped += list(part.layout.dropped)
        zoom = enlargement(main_anchors, part.anchors, keys) or 0.0
        done.append(Inset(part.keys or keys, frame, _shift_box(part.regions.header, inset_dx, top),
                          _shift_box(part.regions.view, inset_dx, top),
                          {k: (p[0] + inset_dx, p[1] + top) for k, p in part.anchors.items()}, source, zoom, part.title,
                          (float(inset_dx), float(top)), part.frame, part.turned))
        top += hi
    # The links: from each crowd's frame to its inset's, clear of the view's labels, its
    # caption and the other links and frames (insets stacked in one column are not all level
    # with their crowds).
    labels = [p.box for p in placed[:main_count]] + [_shift_box(b, main_dx) for b in avoid if b is not None]
    leaders = [(p.leader_start, p.anchor) for p in placed[:main_count]]
    lines: list[Link] = []
    for i, (source, frame) in enumerate(zip(sources, frames, strict=True)):
        link = route_link(source, frame, side, labels, style.radius, lines,
                          [b for j, b in enumerate(sources) if j != i], leaders)
        lines.append(link)
        done[i] = replace(done[i], link=link)

    def draw_panel() -> Image.Image:
        canvas = Image.new("RGBA", (wm + wi, h), (0, 0, 0, 0))
        canvas.paste(main.get(), (main_dx, 0))
        draw = ImageDraw.Draw(canvas)
        for (part, at), source, frame in zip(pasted, sources, frames, strict=True):
            canvas.paste(part.image, (inset_dx, at))
            for box in (source, frame):
                draw.rounded_rectangle([box.x, box.y, box.right, box.bottom], radius=style.radius / 2, outline=HALO,
                                       width=lw + 2)
                draw.rounded_rectangle([box.x, box.y, box.right, box.bottom], radius=style.radius / 2,
                                       outline=INK_SOFT if box is source else EDGE, width=lw)
        for link in lines:
            draw.line(list(link), fill=HALO, width=lw + 2, joint="curve")
            draw.line(list(link), fill=INK_SOFT, width=lw, joint="curve")
        return canvas

    return Later((wm + wi, h), draw_panel), LabelLayout(tuple(placed), tuple(dropped)), tuple(done), float(main_dx)
