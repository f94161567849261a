"""From the application state to what the scene should show: pure, shared by the window and export.

:func:`picture_for` answers "for this condition/segment/selection, side and layers: which
structures get which role, which markers, which structures must be in view, and from which
direction". The window applies it on screen; export applies the same picture off screen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from ims_atlas.anatomy.belly import belly_point, within_levels
from ims_atlas.anatomy.body_meshes import BodyMeshes
from ims_atlas.anatomy.facing import frame_axes
from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.anatomy.spine import paraspinal_point
from ims_atlas.catalog.plan import TreatmentPlan, treatment_plan
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.state import ViewState
from ims_atlas.scene.highlight import plan_highlights, segment_highlights
from ims_atlas.scene.palette import DEFAULT_PALETTE, Palette
from ims_atlas.scene.plan import MARKER_RADIUS, HighlightPlan, Marker, plan_for
from ims_atlas.scene.target_views import (
    PictureTarget,
    TargetView,
    choose_views,
    view_hidden,
    whole_body_views,
)

Vec3 = tuple[float, float, float]

#: Epicentres closer than this across their view (metres: a little over a marker's width)
#: share one marker and one label that names them all; apart, three markers would sit on one
#: dot with three leaders meeting there.
CROWD_M = 2.4 * MARKER_RADIUS


@dataclass(frozen=True)
class Picture:
    """Everything the scene needs to show one state."""

    highlight: HighlightPlan
    roles: dict[str, str] = field(default_factory=dict)
    frame_ids: tuple[str, ...] = ()
    direction: Vec3 | None = None
    treatment: TreatmentPlan | None = None
    targets: tuple[PictureTarget, ...] = ()
    views: tuple[TargetView, ...] = ()
    #: A segment on both sides names each muscle (and its paraspinal level) once per view:
    #: the key of each target drawn and lit but not labelled -> the key of its twin on the
    #: other side, whose label names both (:func:`named_once`).
    named_by: dict[str, str] = field(default_factory=dict)

    @property
    def markers(self) -> tuple[Marker, ...]:
        """The epicentre and needle-point markers."""
        return self.highlight.markers

    def target(self, key: str) -> PictureTarget | None:
        """The picture's target with this key."""
        return next((t for t in self.targets if t.key == key), None)

    def view(self, group: str) -> TargetView | None:
        """The view of a group (``"local"``, ``"spine"``), or the one view showing everything."""
        for v in self.views:
            if v.group == group:
                return v
        return self.views[0] if self.views and self.views[0].group == "all" else None


#: A structure drawn at least this opaque hides a needle point behind it (:func:`covering`).
OPAQUE = 0.9


def opaque_ids(styles) -> frozenset[str]:
    """The structures of ``styles`` drawn so opaque that they hide what lies behind them."""
    return frozenset(sid for sid, style in styles.items() if style.visible and style.opacity >= OPAQUE)


def covering(picture: Picture, view: TargetView, body: BodyMeshes, markers=None, eye=None) -> set[str]:
    """Opaque structures that lie in front of one of ``markers`` (the picture's, by default)
    as seen along the view's direction (or from the camera at ``eye``): a treated muscle over
    another's needle point.
    """
    opaque = opaque_ids(picture.highlight.styles)
    targets = {t.key: t for t in picture.targets}
    d = np.asarray(view.direction, dtype=float)
    out: set[str] = set()
    for m in markers if markers is not None else picture.highlight.markers:
        own = {sid for k in m.key.split("+") if k in targets for sid in targets[k].structures}
        p = np.asarray(m.position, dtype=float)
        if eye is not None:
            d = np.asarray(eye, dtype=float) - p
        for sid, n in body.crossings_along(p, d, ignore=own, among=opaque).items():
            if n % 2 == 0:  # entered and left again: it lies in front, not around
                out.add(sid)
    return out


def view_markers(picture: Picture, view: TargetView) -> tuple[Marker, ...]:
    """The markers of ``picture`` drawn in one of its views (those of the view's targets): the
    markers of :func:`picture_in_view`, without its ray tests.
    """
    return tuple(m for m in picture.highlight.markers if any(k in view.targets for k in m.key.split("+")))


def picture_in_view(picture: Picture, view: TargetView, manifest: Manifest, body: BodyMeshes | None = None,
                    eye=None) -> Picture:
    """``picture`` as drawn in one of its views: only the view's markers; a treated muscle
    that lies over one of them made see-through (the point is in the muscle behind, and
    must look so); in a medial view, without the other side (the other limb stands between
    the camera and the targets); in a lateral view, without the arm hanging in front of the
    targets when no target of the picture is in it or its shoulder
    (:func:`~ims_atlas.scene.target_views.view_hidden`). ``eye``: the camera's position, when known.
    """
    body = body if body is not None else body_for(manifest)
    hidden = view_hidden(view, picture.targets, body)
    return in_view(picture, view, hidden, see_through(picture, view, body, hidden, eye))


def see_through(picture: Picture, view: TargetView, body: BodyMeshes, left_out=frozenset(), eye=None) -> set[str]:
    """The structures :func:`picture_in_view` makes see-through in a view: those drawn opaque
    (but for ``left_out``, not drawn there) that lie in front of one of the view's markers,
    seen from the camera at ``eye`` (or along the view's direction). Ray tests.
    """
    styles = {sid: replace(style, visible=False) if sid in left_out else style
              for sid, style in picture.highlight.styles.items()}
    shown = replace(picture, highlight=replace(picture.highlight, styles=styles, markers=view_markers(picture, view)))
    return covering(shown, view, body, eye=eye)


def in_view(picture: Picture, view: TargetView, left_out, clear) -> Picture:
    """``picture`` drawn in a view that leaves out ``left_out`` and draws ``clear`` see-through
    (:func:`see_through`), with the view's markers only. No ray tests.
    """
    styles = dict(picture.highlight.styles)
    for sid in left_out:
        if sid in styles:
            styles[sid] = replace(styles[sid], visible=False)
    for sid in clear:
        if sid in styles and styles[sid].visible:
            styles[sid] = replace(styles[sid], opacity=DEFAULT_PALETTE.covering_opacity)
    return replace(picture, highlight=replace(picture.highlight, styles=styles, markers=view_markers(picture, view)))


#: Around a view's targets, how much of their muscles (metres beyond the targets' own box) is
#: framed too: a long muscle (the erector spinae) must not pull the camera back to show all of it.
CONTEXT_M = 0.06


#: The least a view frames (metres, up the screen and across it), however close its targets:
#: enough of the body round them to tell where on it they are (psoas and iliacus with the
#: lumbar spine and the pelvis, a hand with its wrist and forearm). Insets, not the views,
#: show the targets close up.
LEAST_VIEW_M = (0.34, 0.24)
#: ... but the sole seen from below is recognised by itself (heel, arch and toes), and its
#: muscles' boxes already frame it from the heel to the toes: a view of more shrinks its six
#: muscles to a speck.
LEAST_SOLE_M = (0.0, 0.0)


def with_least_span(points: np.ndarray, view: TargetView, least: tuple[float, float] | None = None) -> np.ndarray:
    """``points`` and, where they span less than ``least`` (up the screen, across it) seen
    along ``view``, two more points each way round their middle, so the view frames at least
    that much.
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 3)
    if not len(pts):
        return pts
    if least is None:
        least = LEAST_SOLE_M if view.name == "inferior" else LEAST_VIEW_M
    d = np.asarray(view.direction, dtype=float)
    d = d / np.linalg.norm(d)
    up = np.asarray(view.up, dtype=float)
    up = up - d * float(np.dot(up, d))
    if np.linalg.norm(up) < 1e-9:
        return pts
    up /= np.linalg.norm(up)
    across = np.cross(up, d)
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    extra = []
    for axis, span in ((up, least[0]), (across, least[1])):
        along = pts @ axis
        if float(np.ptp(along)) < span:
            mid = centre + axis * (float((along.min() + along.max()) / 2) - float(centre @ axis))
            extra += [mid + axis * span / 2, mid - axis * span / 2]
    return np.vstack([pts, np.array(extra)]) if extra else pts


#: A target's point further than this (metres) from the boxes of its own structures is a wrong
#: position (a user catalog's typo): it is left out of the framing, which it would shrink to a
#: dot, and reported by :mod:`ims_atlas.scene.picture_checks`.
STRAY_M = 0.25


def _near_own(target, body: BodyMeshes) -> bool:
    boxes = [s for sid in target.structures if (s := body.surface(sid)) is not None]
    if not boxes:
        return True
    lo = np.min([b.lo for b in boxes], axis=0) - STRAY_M
    hi = np.max([b.hi for b in boxes], axis=0) + STRAY_M
    point = np.asarray(target.point, dtype=float)
    return bool(np.all(np.isfinite(point)) and np.all(point >= lo) and np.all(point <= hi))


def view_frame_points(picture: Picture, view: TargetView, manifest: Manifest, body: BodyMeshes | None = None
                      ) -> np.ndarray:
    """Points to frame for a view: its targets' points and the boxes of their muscles (and
    of the roots, for the spine's view), cut to :data:`CONTEXT_M` around the targets; at
    least :data:`LEAST_VIEW_M` of the body round them (:func:`with_least_span`).
    """
    body = body if body is not None else body_for(manifest)
    targets = [t for t in picture.targets if t.key in view.targets]
    points = np.array([t.point for t in targets if t.point is not None and _near_own(t, body)],
                      dtype=float).reshape(-1, 3)
    ids = [sid for t in targets for sid in t.structures]
    if view.group in ("spine", "all"):
        ids += [sid for sid, role in picture.roles.items() if role == "root"]
    boxes = [c for sid in ids if (s := body.surface(sid)) is not None for c in (s.lo, s.hi)]
    boxes = np.array(boxes, dtype=float).reshape(-1, 3)
    if len(points) and len(boxes):
        boxes = np.clip(boxes, points.min(axis=0) - CONTEXT_M, points.max(axis=0) + CONTEXT_M)
    return with_least_span(np.vstack([points, boxes]), view)


def sides_of(side: str) -> tuple[str, ...]:
    """``"both"`` -> ``("left", "right")``; otherwise the side itself."""
    return ("left", "right") if side == "both" else (side,)


_BODIES: dict[tuple, BodyMeshes] = {}


def body_for(manifest: Manifest) -> BodyMeshes:
    """The (cached) surfaces of a manifest, for the geometry behind views and anchors."""
    key = (str(manifest.path), len(manifest))
    body = _BODIES.get(key)
    if body is None or body.manifest is not manifest:
        _BODIES.clear()
        body = _BODIES[key] = BodyMeshes(manifest)
    return body


def _levels_range(manifest: Manifest, segments) -> tuple[float, float] | None:
    """Heights (along the frame's up) of the vertebrae of some segments."""
    _, _, up = frame_axes(manifest)
    zs = []
    for seg in segments:
        v = manifest.vertebra(seg) or (manifest.vertebra("S") if str(seg).startswith("S") else None)
        if v is not None and "centroid" in v.landmarks:
            zs.append(float(np.dot(v.landmarks["centroid"], up)))
    return (min(zs), max(zs)) if zs else None


def anchor_of(body: BodyMeshes, structures, segments=()) -> Vec3 | None:
    """Where a muscle target without an epicentre is marked: the belly of its drawn structures,
    cut down to the plan's spinal levels when the muscle runs far beyond them.
    """
    points = body.points(structures)
    levels = _levels_range(body.manifest, segments) if segments else None
    if levels is not None:
        points = within_levels(points, levels, frame_axes(body.manifest)[2])
    return belly_point(points)


def named_nerves(plan: TreatmentPlan, manifest: Manifest, sides: tuple[str, ...]) -> list[str]:
    """Ids of the nerves a plan names (in its explanation, its targets' notes and
    descriptions and its safety notes), on the plan's sides.
    """
    # The plan's own words (not each muscle's motor nerve: every plan would light half the
    # nerves of the limb): the sciatic nerve beside piriformis, the median nerve at the wrist.
    texts = [plan.condition.explanation or ""]
    texts += [note.text for note in plan.safety]
    for t in plan.local_targets:
        texts += [t.target.note or "", t.description or ""]
    words = " ".join(texts).lower()
    out = []
    for s in manifest.by_kind("nerve"):
        if s.side not in sides and s.side != "midline":
            continue
        name = re.sub(r"\s*\((left|right)\)\s*$", "", s.name, flags=re.IGNORECASE).strip().lower()
        if name and re.search(rf"\b{re.escape(name)}\b", words):
            out.append(s.id)
    return out


def _across(a, b, direction) -> float:
    """Distance between two points seen along ``direction`` (none: in space)."""
    gap = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if direction is not None:
        d = np.asarray(direction, dtype=float)
        gap = gap - d * float(np.dot(gap, d) / np.dot(d, d))
    return float(np.linalg.norm(gap))


def _grouped(markers: list[Marker], views: tuple[TargetView, ...] = ()) -> list[Marker]:
    """Local markers closer than :data:`CROWD_M` as seen in their view merged into one that
    names them all.
    """
    local = [m for m in markers if m.role == "local"]
    rest = [m for m in markers if m.role != "local"]
    view_of = {k: v for v in views for k in v.targets}
    groups: list[list[Marker]] = []
    for m in local:
        view = view_of.get(m.key)
        direction = view.direction if view is not None else None
        near = [g for g in groups
                if any(view_of.get(o.key) is view and _across(m.position, o.position, direction) < CROWD_M for o in g)]
        merged = [o for g in near for o in g] + [m]
        groups = [g for g in groups if g not in near] + [merged]
    out = []
    for g in groups:
        if len(g) == 1:
            out.append(g[0])
            continue
        g = sorted(g, key=local.index)
        centre = tuple(float(c) for c in np.mean([m.position for m in g], axis=0))
        out.append(Marker("local", centre, " / ".join(m.label for m in g), "+".join(m.key for m in g)))
    first = {m.key: i for i, m in enumerate(local)}
    out = sorted(out, key=lambda m: first[m.key.split("+")[0]])
    # A local marker on top of a paraspinal needle point (the semispinalis epicentre beside
    # C5) joins it: the cube stays, and its label names both.
    spine = list(rest)
    kept = []
    for m in out:
        view = view_of.get(m.key.split("+")[0])
        direction = view.direction if view is not None else None
        i = next((i for i, o in enumerate(spine) if o.role == "paraspinal" and view_of.get(o.key.split("+")[0]) is view
                  and _across(m.position, o.position, direction) < CROWD_M), None)
        if i is None:
            kept.append(m)
        else:
            o = spine[i]
            spine[i] = Marker("paraspinal", o.position, f"{o.label} / {m.label}", f"{o.key}+{m.key}")
    return kept + spine


def _condition_targets(plan: TreatmentPlan, manifest: Manifest, body: BodyMeshes, roles: dict[str, str]
                       ) -> tuple[list[PictureTarget], list[Marker]]:
    targets: list[PictureTarget] = []
    markers: list[Marker] = []
    seen: set[str] = set()
    beside_spine = {s.id for p in plan.paraspinal_targets for m in p.muscles
                    for s in manifest.muscle_structures(m.id, sides=[p.side]) if s.level == p.segment}
    for t in plan.local_targets:
        key = f"local:{t.muscle.id}:{t.side}"
        if key in seen:
            continue
        seen.add(key)
        ids = tuple(s.id for s in manifest.muscle_structures(t.muscle.id, sides=[t.side]) if roles.get(s.id) == "local")
        if t.position is not None:
            point = t.position
        elif set(ids) & beside_spine:
            # Lit at the plan's levels, where the paraspinal needle points already are: its
            # label names the lit levels; a marker of its own would sit on theirs.
            point = None
        else:
            point = anchor_of(body, ids, plan.segments)
        targets.append(PictureTarget(key, "local", t.side, point, ids, t.target.epicentre.approach, t.muscle.surface))
        if point is not None:
            markers.append(Marker("local", tuple(point), f"{t.muscle.name} ({t.side})", key))
    for p in plan.paraspinal_targets:
        key = f"paraspinal:{p.segment}:{p.side}"
        ids = tuple(s.id for m in p.muscles for s in manifest.muscle_structures(m.id, sides=[p.side])
                    if s.level == p.segment)
        targets.append(PictureTarget(key, "paraspinal", p.side, p.position, ids))
        if p.position is not None:
            markers.append(Marker("paraspinal", p.position, f"{p.segment} {p.side}", key))
    return targets, markers


def _segment_targets(catalog: Catalog, manifest: Manifest, body: BodyMeshes, segment: str, sides: tuple[str, ...],
                     roles: dict[str, str]) -> tuple[list[PictureTarget], list[Marker]]:
    targets: list[PictureTarget] = []
    markers: list[Marker] = []
    beside_spine = catalog.paraspinal_muscles_at(segment)
    for muscle, contribution in catalog.myotome(segment):
        role = "local" if contribution == "major" else "minor"
        for side in sides:
            ids = tuple(s.id for s in manifest.muscle_structures(muscle.id, sides=[side]) if s.id in roles)
            if not ids:
                continue
            point = anchor_of(body, ids, (segment,))
            key = f"{role}:{muscle.id}:{side}"
            targets.append(PictureTarget(key, role, side, point, ids, surface=muscle.surface))
            if point is not None:
                markers.append(Marker("anchor", point, f"{muscle.name} ({side})", key))
    for side in sides:
        point = paraspinal_point(manifest, segment, side)
        ids = tuple(s.id for m in beside_spine for s in manifest.muscle_structures(m, sides=[side]) if s.level == segment)
        if point is None and not ids:
            continue
        key = f"paraspinal:{segment}:{side}"
        point = None if point is None else tuple(float(c) for c in point)
        targets.append(PictureTarget(key, "paraspinal", side, point, ids))
        if point is not None:
            markers.append(Marker("paraspinal", point, f"{segment} {side}", key))
    return targets, markers


#: Two labels whose points lie this far apart across their view (metres) weigh on each other
#: :data:`~math.e` times less than two at one spot: the scale of a crowd of leaders (a
#: forearm's muscles, a hip's rotators) in a view of a limb and the trunk.
NAMED_APART_M = 0.12


def named_once(targets: list[PictureTarget], views: tuple[TargetView, ...]) -> dict[str, str]:
    """For a picture of both sides: which of each muscle's two sides (and of the paraspinal
    level's two needle points) carries the label, where both are in one view.

    Both sides stay lit and marked; one label names the pair, so a segment's plate is not
    every name twice with twice the leaders. As an atlas labels a symmetric figure, the names
    are shared out between the sides so that neighbours are named on different sides: the
    most crowded first (the one with the most others near it), each on the side where the
    labels already placed crowd it less (their points weighted by how near they are across the
    view, :data:`NAMED_APART_M`), then where fewer are named, then the right. Ten forearm
    muscles are then named five on each forearm, not ten leaders fanning into one. A target
    without a point is never the named one when its twin has a point. Returns
    ``{unlabelled key: key of the label naming it}``.
    """
    by_key = {t.key: t for t in targets}
    out: dict[str, str] = {}
    for view in views:
        pairs: dict[str, dict[str, PictureTarget]] = {}
        for key in view.targets:
            t = by_key.get(key)
            if t is not None and t.side in ("left", "right"):
                pairs.setdefault(key.rpartition(":")[0], {})[t.side] = t
        out.update(_named_in_view({base: twins for base, twins in pairs.items() if len(twins) == 2}, view.direction))
    return out


def _named_in_view(pairs: dict[str, dict[str, PictureTarget]], direction: Vec3) -> dict[str, str]:
    """:func:`named_once` in one view: ``pairs`` of twins by their key without the side."""
    d = np.asarray(direction, dtype=float)

    def weight(a, b) -> float:
        gap = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
        gap = gap - d * float(np.dot(gap, d))
        return float(np.exp(-(np.linalg.norm(gap) / NAMED_APART_M) ** 2))

    bases = list(pairs)
    right = {b: pairs[b]["right"].point for b in bases}

    def crowded(base: str) -> float:
        p = right[base]
        return 0.0 if p is None else sum(weight(p, q) for o, q in right.items() if o != base and q is not None)

    out: dict[str, str] = {}
    placed: list = []
    count = {"right": 0, "left": 0}
    for base in sorted(bases, key=lambda b: (-round(crowded(b), 6), bases.index(b))):
        twins = pairs[base]
        cost = {side: float("inf") if twins[side].point is None else sum(weight(twins[side].point, q) for q in placed)
                for side in ("right", "left")}
        side = min(("right", "left"), key=lambda s: (round(cost[s], 6), count[s], s != "right"))
        count[side] += 1
        if twins[side].point is not None:
            placed.append(twins[side].point)
        out[twins[_other(side)].key] = twins[side].key
    return out


def _other(side: str) -> str:
    return "left" if side == "right" else "right"


def _named_once_labels(markers: list[Marker], named_by: dict[str, str], segment: str) -> list[Marker]:
    """The markers of a segment on both sides as :func:`named_once` names them: the twin
    drawn without a label, the named one saying both sides ("Biceps brachii (both sides)",
    "C6 both sides").
    """
    naming = set(named_by.values())
    out = []
    for m in markers:
        if m.key in named_by:
            m = replace(m, label="")
        elif m.key in naming:
            if m.role == "paraspinal":
                m = replace(m, label=f"{segment} both sides")
            else:
                m = replace(m, label=re.sub(r"\s*\((left|right)\)$", "", m.label) + " (both sides)")
        out.append(m)
    return out


def picture_for(state: ViewState, manifest: Manifest, catalog: Catalog | None,
                palette: Palette = DEFAULT_PALETTE, body: BodyMeshes | None = None,
                draws_on_request: bool = False, named_by: Mapping[str, str] | None = None) -> Picture:
    """What to show for ``state``.

    A condition lights its local and paraspinal targets and roots with markers, and the
    nerves its plan names; a segment lights the muscles it supplies (major and minor told
    apart), its roots and its paraspinal level. Each target gets its point (the epicentre, the
    needle point, or a muscle's belly at the plan's levels) and the picture its views
    (:func:`~ims_atlas.scene.target_views.choose_views`). A selection is lit on top of
    either; with ``draws_on_request`` (the window, which draws it), a selection among the
    structures drawn only on request (an organ, a vessel, the cord, found by name) fades the
    rest the same way; without (an export), such a selection is left out. The state's
    ``hidden`` structures are not drawn; ``isolated``, when not empty, draws only those;
    ``opacity`` scales each layer. ``named_by``: for a segment on both sides, which twin's
    label names which (as :func:`named_once` returns it) instead of :func:`named_once`'s
    choice (:mod:`ims_atlas.export.twins` names a muscle on its other side where its leader
    met two others at one spot).
    """
    roles: dict[str, str] = {}
    markers: list[Marker] = []
    targets: list[PictureTarget] = []
    treatment = None
    body = body if body is not None else body_for(manifest)
    if state.condition_id and catalog is not None and catalog.has_condition(state.condition_id):
        treatment = treatment_plan(catalog, manifest, state.condition_id, state.side)
        roles, _ = plan_highlights(treatment, manifest)
        for sid in named_nerves(treatment, manifest, sides_of(state.side)):
            roles.setdefault(sid, "nerve")
        targets, markers = _condition_targets(treatment, manifest, body, roles)
    elif state.segment and catalog is not None:
        roles, _ = segment_highlights(catalog, manifest, state.segment, sides_of(state.side))
        targets, markers = _segment_targets(catalog, manifest, body, state.segment, sides_of(state.side), roles)
    if treatment is not None and treatment.condition.widespread:
        views = whole_body_views(targets, body)
    else:
        views = choose_views(targets, body, state.side) if targets else ()
    if not state.segment or treatment is not None:
        named_by = {}
    elif named_by is None:
        named_by = named_once(targets, views)
    else:
        named_by = dict(named_by)
    if named_by:
        markers = _named_once_labels(markers, named_by, state.segment)
    markers = _grouped(markers, views)
    frame_ids = tuple(sid for sid, role in roles.items() if role != "nerve")
    direction = views[0].direction if views else None
    lit = roles
    if state.selection and state.selection in {s.id for s in manifest}:
        roles = dict(roles)
        roles[state.selection] = "local" if not roles.get(state.selection) else roles[state.selection]
        lit = roles
    elif draws_on_request and state.selection and state.selection in {s.id for s in manifest.on_request}:
        # An organ or a vessel found by name: the rest fades round it as round a drawn one; the
        # scene draws it (it is not among the drawn structures, so it has no role here).
        lit = {**roles, state.selection: "local"}
    highlight = plan_for(manifest, layers=dict(state.layers), highlights=lit, markers=markers, palette=palette,
                         hidden=state.hidden, isolate=state.isolated, opacity=dict(state.opacity),
                         labels=state.labels)
    return Picture(highlight, roles, frame_ids, direction, treatment, tuple(targets), views, named_by)
