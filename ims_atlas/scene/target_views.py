"""Views chosen from the targets: from where a plan's targets are least hidden. Pure (NumPy).

Each target of a picture (an epicentre, a paraspinal needle point, a muscle a segment
supplies) gets a cost per named direction (:func:`ims_atlas.anatomy.facing.facing_costs`:
how much of the body lies between it and the eye). The local targets are shown from the
direction where their summed cost is lowest, the paraspinal ones likewise; when both choose
the same direction (or the local targets are seen almost as well from the spine's side),
one view shows everything, else there are two: ``local`` and ``spine``. A target is never
named from the far side of the body (:func:`ims_atlas.anatomy.facing.far_sides`: the quadriceps
through the hamstrings) when the other view, or an inset, sees it from its near side. A target
whose epicentre says which side the needle goes in from (``approach``) is shown from that side
when the picture has a view of it (the medial pterygoid from the side, at the angle of the jaw).
A muscle whose group lies under one surface of the limb (the catalog muscle's ``surface``: the
anterior crural muscles and the dorsal muscle of the foot, Gray 1918; the thenar muscles) is
never named from the opposite surface nor along the limb from below: it gets an inset from a
view that sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ims_atlas.anatomy.body_meshes import BodyMeshes
from ims_atlas.anatomy.facing import (
    arm_in_front,
    facing_costs,
    far_sides,
    frame_axes,
    free_upper_limb,
    hidden_for,
    keeps_the_limb,
    outward_view,
    view_directions,
    view_up,
    without_the_arm,
)

Vec3 = tuple[float, float, float]

#: Words for each view in captions ("seen from the front").
VIEW_WORDS = {"anterior": "from the front", "posterior": "from behind", "inferior": "from below",
              "lateral-right": "from the right side", "lateral-left": "from the left side",
              "medial-right": "from the inner side", "medial-left": "from the inner side"}
#: The local targets share the spine's view when it hides them at most this much more (per
#: target) than their own best view: one picture is easier to read than two.
SHARE_MARGIN = 0.5
#: The view that looks along the limbs (from below, at the sole).
ALONG_LIMB = "inferior"
#: Ties between views are broken in this order.
PREFERENCE = ("posterior", "lateral-right", "lateral-left", "anterior", "inferior", "medial-right", "medial-left")
GROUP_WORDS = {"local": "Muscles to treat", "spine": "Beside the spine", "all": "Targets"}


@dataclass(frozen=True)
class PictureTarget:
    """A target of a picture with the point its marker and label sit at."""

    key: str  # "local:<muscle>:<side>", "minor:<muscle>:<side>", "paraspinal:<segment>:<side>"
    role: str  # "local" | "minor" | "paraspinal"
    side: str
    point: Vec3 | None
    structures: tuple[str, ...] = ()
    #: The side the needle goes in from (the catalog's epicentre ``approach``): "lateral",
    #: "medial" (the target's own side's), "anterior", "posterior", "inferior"; None: unknown.
    approach: str | None = None
    #: The surface of the limb its muscle's group lies under (the catalog muscle's
    #: ``surface``: "anterior" for the anterior crural muscles); it is never named from the
    #: view of the opposite surface. None: unknown.
    surface: str | None = None


@dataclass(frozen=True)
class TargetView:
    """One view of a picture: a named direction and the targets it shows."""

    name: str  # "anterior", "posterior", "lateral-right", "medial-right", "inferior", ...
    direction: Vec3  # unit vector, focus -> eye, in the model frame
    targets: tuple[str, ...]  # keys of the targets it shows
    group: str  # "local", "spine" or "all"
    up: Vec3 = (0.0, 0.0, 1.0)  # up on screen (the body's front for a view from below)

    @property
    def caption(self) -> str:
        """A panel's caption: "Muscles to treat, from the front"."""
        return self.caption_for(study=False)

    def caption_for(self, study: bool) -> str:
        """The caption; for a segment ``study``, its muscles are the ones the root supplies."""
        words = GROUP_WORDS.get(self.group, "Targets")
        if study and self.group == "local":
            words = "Muscles the root supplies"
        return f"{words}, {VIEW_WORDS.get(self.name, self.name)}"

    def as_json(self) -> dict:
        """The view as the command line's JSON prints it."""
        return {"name": self.name, "direction": [round(c, 6) + 0.0 for c in self.direction],
                "targets": list(self.targets), "group": self.group}


def _view(body: BodyMeshes, name: str, direction: Vec3, targets, group: str) -> TargetView:
    return TargetView(name, direction, tuple(targets), group, view_up(body.manifest, direction))


def _side_direction(name: str | None, t: PictureTarget, body: BodyMeshes) -> Vec3 | None:
    if name is None:
        return None
    anterior, left, up = frame_axes(body.manifest)
    outward = left if t.side == "left" else -left
    d = {"anterior": anterior, "posterior": -anterior, "inferior": -up, "lateral": outward, "medial": -outward}.get(name)
    return None if d is None else (float(d[0]), float(d[1]), float(d[2]))


def approach_direction(t: PictureTarget, body: BodyMeshes) -> Vec3 | None:
    """The unit vector (target -> eye) of the side a target's needle goes in from, or None."""
    return _side_direction(t.approach, t, body)


def surface_direction(t: PictureTarget, body: BodyMeshes) -> Vec3 | None:
    """The unit vector (target -> eye) of the surface its muscle's group lies under, or None."""
    return _side_direction(t.surface, t, body)


def opposite_surface(t: PictureTarget, body: BodyMeshes, direction: Vec3) -> bool:
    """Whether a view along ``direction`` looks at the surface opposite the one a target's
    muscle group lies under (the anterior crural muscles from behind, through the calf):
    the cosine between them below -:data:`FACES_APPROACH`.
    """
    s = surface_direction(t, body)
    return s is not None and sum(x * y for x, y in zip(s, direction, strict=True)) < -FACES_APPROACH


def _towards(t: PictureTarget, body: BodyMeshes, direction: Vec3) -> float:
    """How squarely a view along ``direction`` looks at the side a target is reached from."""
    a = approach_direction(t, body)
    return 0.0 if a is None else sum(x * y for x, y in zip(a, direction, strict=True))


#: A view looks at the side a target is reached from when the cosine between them is above this.
FACES_APPROACH = 0.5


def _reached_elsewhere(t: PictureTarget, body: BodyMeshes, directions: dict[str, Vec3], name: str) -> bool:
    """Whether a target is reached from a side the view ``name`` does not look at and another
    of ``directions`` does (from the side, in a picture of one side; a picture of both sides
    has no view from the side, and the view from behind may then show the medial pterygoid).
    """
    if t.approach is None or _towards(t, body, directions[name]) > FACES_APPROACH:
        return False
    return any(_towards(t, body, d) > FACES_APPROACH for d in directions.values())


def _unfit(t: PictureTarget, body: BodyMeshes, name: str, direction: Vec3) -> int:
    """How badly a view shows a target whose muscle group lies under a surface (the catalog
    muscle's ``surface``): 2 looking along the limb (from below), 1 at the opposite surface,
    else 0 (and 0 for a target without a surface).
    """
    if t.surface is None:
        return 0
    if name == ALONG_LIMB:
        return 2
    return 1 if opposite_surface(t, body, direction) else 0


def _best(costs: dict[str, float]) -> str:
    order = {name: i for i, name in enumerate(PREFERENCE)}
    return min(costs, key=lambda n: (round(costs[n], 6), order.get(n, len(order))))


def arm_left_out(targets: Sequence[PictureTarget], body: BodyMeshes, side: str) -> bool:
    """Whether a picture's views from the side leave out that side's free upper limb where it
    hangs in front of their targets: a picture of one side none of whose targets lies in
    that limb or its shoulder (hip pain's gluteus minimus and quadratus lumborum are seen
    from the side without the forearm and hand beside the hip; frozen shoulder keeps its arm).
    """
    return side in ("left", "right") and not any(keeps_the_limb(body.manifest, t.structures, side) for t in targets)


def seen_costs(t: PictureTarget, body: BodyMeshes, side: str, arm_out: bool) -> tuple[dict[str, float], set[str]]:
    """A target's facing costs and the views it lies on the far side from
    (:func:`~ims_atlas.anatomy.facing.facing_costs`, :func:`~ims_atlas.anatomy.facing.far_sides`),
    from the side as it is drawn: with ``arm_out`` (:func:`arm_left_out`), without the arm
    (:func:`~ims_atlas.anatomy.facing.without_the_arm`).
    """
    costs = facing_costs(body, t.point, side, t.structures)
    far = far_sides(body, t.point, side, t.structures)
    name = f"lateral-{side}"
    if arm_out and name in costs:
        cost, beyond = without_the_arm(body, t.point, side, t.structures)
        costs = {**costs, name: cost}
        far = (far - {name}) | ({name} if beyond else set())
    return costs, far


def choose_views(targets: Sequence[PictureTarget], body: BodyMeshes, side: str) -> tuple[TargetView, ...]:
    """The views of a picture's targets (at most two; none without targets).

    The paraspinal targets are seen from the side they face relative to the spine's axis
    (:func:`~ims_atlas.anatomy.facing.outward_view`: from behind). Each local target stays in
    that view when it is seen there about as well as from its own best direction
    (:data:`SHARE_MARGIN`); the others get one view of their own, from where they are least
    hidden together (or, when most of them lie in one region seen clearly best from below,
    the sole, from below: :func:`_main_region`), and each local target then goes to whichever of the two views hides it
    less. ``side`` is the picture's side: lateral and medial views exist only for one side.
    """
    placed = [t for t in targets if t.point is not None]
    # A target with no point of its own (multifidus lit at the plan's levels, where the needle
    # points beside the spine are) is shown with the spine's targets.
    unplaced = [t for t in targets if t.point is None]
    views = _choose(placed, body, side)
    if not unplaced or not views:
        return views
    last = views[-1]
    return views[:-1] + (replace(last, targets=last.targets + tuple(t.key for t in unplaced)),)


def whole_body_views(targets: Sequence[PictureTarget], body: BodyMeshes) -> tuple[TargetView, ...]:
    """One view from behind of all the targets (none without targets): widespread pain
    (fibromyalgia) is treated at paired sites on both sides, above and below the waist,
    beside the spine from the neck to the sacrum; one picture of the whole back shows where
    they lie relative to each other, as one region's view cannot.
    """
    if not targets:
        return ()
    name = "posterior"
    return (_view(body, name, view_directions(body.manifest, "both")[name], (t.key for t in targets), "all"),)


def _choose(placed: list[PictureTarget], body: BodyMeshes, side: str) -> tuple[TargetView, ...]:
    local = [t for t in placed if t.role != "paraspinal"]
    spine = [t for t in placed if t.role == "paraspinal"]
    one_side = side if side in ("left", "right") else "both"
    directions = view_directions(body.manifest, one_side)
    spine_name = None
    if spine:
        votes: dict[str, int] = {}
        for t in spine:
            name = outward_view(body.manifest, t.point, one_side)
            votes[name] = votes.get(name, 0) + 1
        spine_name = min(votes, key=lambda n: (-votes[n], PREFERENCE.index(n) if n in PREFERENCE else len(PREFERENCE)))
    costs = {t.key: facing_costs(body, t.point, one_side, t.structures) for t in local}
    far_from = {t.key: far_sides(body, t.point, one_side, t.structures) for t in local}

    def far(t: PictureTarget, name: str) -> bool:
        return name in far_from[t.key]

    # A local target leaves the spine's view when it is hidden there clearly more than from
    # its own best direction, or when that view sees it through the body, from its far side
    # (these choose the other view only when no target is hidden in the spine's view).
    # A target the catalog says is reached from another side than the spine's view looks at
    # (the medial pterygoid, needled at the angle of the jaw) is not shown there either.
    apart = [t for t in local if spine_name is None
             or costs[t.key][spine_name] > min(costs[t.key].values()) + SHARE_MARGIN
             or _reached_elsewhere(t, body, directions, spine_name)
             or opposite_surface(t, body, directions[spine_name])]
    if not apart and spine_name is not None:
        apart = [t for t in local if far(t, spine_name)]
    if not apart:
        return (_view(body, spine_name, directions[spine_name], (t.key for t in placed), "all"),) if placed else ()
    def choosing(t: PictureTarget, name: str) -> float:
        # A target reached from a side only some views look at counts as hidden more than
        # anywhere in the others: it asks for a view of the side its needle goes in from.
        # So does a muscle seen from the surface opposite its group's (the shin's front muscles
        # from behind).
        c = costs[t.key]
        if (t.approach is not None and _reached_elsewhere(t, body, directions, name)) \
                or opposite_surface(t, body, directions[name]):
            return max(c.values()) + TURNED_MARGIN
        return c[name]

    summed = {name: sum(choosing(t, name) for t in apart) for name in directions}
    local_name = _best(summed)
    core = _main_region(apart, body)
    if len(core) < len(apart):
        # Most of the targets lie in one region (the sole) and are seen best from below:
        # a view from below looks along the limb, so a target above that region (a long toe
        # muscle in the leg) has the whole foot in front of it and a cost no other view
        # comes near; summed in, it turns the sole's view to the side. When most of the
        # region's targets are each seen better from below than in the view of all of them,
        # the view from below is chosen (the others then go to whichever view hides them less).
        mine = {name: sum(costs[t.key][name] for t in core) for name in directions}
        own = _best(mine)
        better = sum(costs[t.key][own] < costs[t.key][local_name] for t in core)
        if own == ALONG_LIMB and own != local_name and better * 2 > len(core):
            local_name = own
    if local_name == spine_name:
        return (_view(body, spine_name, directions[spine_name], (t.key for t in placed), "all"),)
    if spine_name is None:
        return (_view(body, local_name, directions[local_name], (t.key for t in local), "all"),)
    if local_name.startswith("lateral-") and arm_left_out(placed, body, one_side):
        # The view from the side is chosen with the body as it stands; drawn, it leaves out the
        # arm that hangs in front of its targets (:func:`view_hidden`), and each target goes to
        # whichever view hides it less as drawn: hip pain's gluteus minimus from the side
        # (0.51 without the forearm, 4.91 with it; 1.02 from behind).
        for t in local:
            costs[t.key], far_from[t.key] = seen_costs(t, body, one_side, True)
    # A muscle drawn on both sides goes to one view with its twin (the view the two together
    # are hidden less in): a body's sides differ by a few millimetres, and longus capitis was
    # named on its right in the view from the front and on its left from behind.
    both = {}
    for t in local:
        both.setdefault(t.key.rpartition(":")[0], []).append(t.key)

    by_key = {t.key: t for t in local}

    def pair_cost(t: PictureTarget, name: str) -> float:
        return sum(costs[k][name] for k in both[t.key.rpartition(":")[0]])

    def pair_far(t: PictureTarget, name: str) -> bool:
        return any(far(by_key[k], name) for k in both[t.key.rpartition(":")[0]])

    across = ALONG_LIMB not in (local_name, spine_name)

    def in_local_view(t: PictureTarget) -> bool:
        # Shown from the side its needle goes in from (the catalog's approach) when one view
        # looks at that side and the other does not.
        towards_here, towards_there = (_towards(t, body, directions[n]) > FACES_APPROACH for n in (local_name, spine_name))
        if towards_here != towards_there:
            return towards_here
        # Never named from the surface opposite its muscle group's (extensor hallucis longus,
        # of the shin's front, not from behind) when the other view does not look at it so,
        # and never along the limb (from below the foot lies in front of the leg's muscles
        # and the dorsum's) when the other view looks across it: seen from behind, it gets
        # an inset from its own surface (:func:`turned_away`), and the sole's view keeps
        # the sole.
        unfit_here, unfit_there = (_unfit(t, body, n, directions[n]) for n in (local_name, spine_name))
        if unfit_here != unfit_there:
            return unfit_here < unfit_there
        # Never named from its far side when the other view sees it from its near side (the
        # quadriceps from the front, not through the hamstrings); else where it is less hidden.
        # (Near and far are across the body: the view from below looks along the limbs.)
        far_here, far_there = pair_far(t, local_name), pair_far(t, spine_name)
        if across and far_here != far_there:
            return far_there
        return pair_cost(t, local_name) < pair_cost(t, spine_name)

    mine = [t for t in local if in_local_view(t)]
    shared = [t for t in local if t not in mine]
    return (_view(body, local_name, directions[local_name], (t.key for t in mine), "local"),
            _view(body, spine_name, directions[spine_name], (t.key for t in shared + spine), "spine"))


def _region(t: PictureTarget, body: BodyMeshes) -> str:
    """The body region (the manifest's) most of a target's structures lie in, or ""."""
    regions = [s.region for sid in t.structures if (s := body.manifest.get(sid)) is not None and s.region]
    return max(sorted(set(regions)), key=regions.count) if regions else ""


def _main_region(targets: list[PictureTarget], body: BodyMeshes) -> list[PictureTarget]:
    """The targets of the region that holds more than half of ``targets`` (the sole's
    muscles of a plan that also treats the long toe muscles in the leg), or all of them.
    """
    regions = [_region(t, body) for t in targets]
    for region in set(regions):
        if region and regions.count(region) * 2 > len(regions):
            return [t for t, r in zip(targets, regions, strict=True) if r == region]
    return targets


def view_hidden(view: TargetView, targets: Sequence[PictureTarget], body: BodyMeshes) -> set[str]:
    """Structures a view of a picture with ``targets`` does not draw: in a medial view the
    other side; in a view from the side, the free upper limb hanging in front of its targets
    (:func:`arm_hidden`).
    """
    return hidden_for(view.name, body.manifest) | arm_hidden(view, targets, body)


def arm_hidden(view: TargetView, targets: Sequence[PictureTarget], body: BodyMeshes) -> set[str]:
    """The free upper limb a view from the side leaves out: when :func:`arm_left_out` and it
    hangs in front of one of the view's targets (an arm that hides nothing stays: the neck
    seen from the side keeps its shoulder and arm); in any other view nothing.
    """
    name, _, side = view.name.partition("-")
    if name == "lateral" and arm_left_out(targets, body, side) \
            and arm_in_front(body, side, [t.point for t in targets if t.key in view.targets]):
        return free_upper_limb(body.manifest, side)
    return set()


#: A target of a view faces away from it when the view hides it at least this much more than
#: its own best view does, and at least :data:`TURNED_HIDDEN` in all: the dorsal foot and shin
#: muscles of metatarsalgia seen from behind through the calf and heel, the fibularis longus
#: from behind, the hallux's adductor through the foot. Such targets get an inset of their own
#: seen from where they face (:mod:`ims_atlas.export.insets`), not an x-ray.
TURNED_MARGIN = 1.8
TURNED_HIDDEN = 2.0


def turned_away(view: TargetView, targets: Sequence[PictureTarget], body: BodyMeshes) -> tuple[TargetView, ...]:
    """Groups of ``view``'s local targets that face away from it, each as a view from the
    direction its targets are least hidden from (one per direction and side of the body).
    """
    mine = [t for t in targets if t.key in view.targets and t.role != "paraspinal" and t.point is not None]
    sides = {t.side for t in mine}
    one_side = next(iter(sides)) if len(sides) == 1 and sides <= {"left", "right"} else "both"
    directions = view_directions(body.manifest, one_side)
    if view.name not in directions:
        return ()
    away: dict[str, list[tuple[str, dict[str, float]]]] = {}
    beside: dict[tuple[str, str], list[str]] = {}  # (side, view): the targets reached from there
    arm_out = arm_left_out(targets, body, one_side)
    for t in mine:
        # An inset is seen from where the target is not on the far side of the body (and from
        # the side as drawn: without the arm hanging in front, when the picture leaves it out).
        costs, far = seen_costs(t, body, one_side, arm_out)
        worst = max(costs.values()) + TURNED_MARGIN
        if t.approach is not None and _towards(t, body, view.direction) <= FACES_APPROACH:
            # Reached from a side this view does not look at: an inset from that side, of the
            # targets reached from there (flexor digitorum longus from the inner side of the
            # leg, not with it extensor hallucis longus of the shin's front, however little
            # hides it there). A picture of both sides has no view from the side: a target
            # reached from the side (the medial pterygoid, at the angle of the jaw) gets an
            # inset from its own side, as a picture of that side shows it, not a label from
            # behind through the neck.
            own = view_directions(body.manifest, t.side) if one_side == "both" and t.side in ("left", "right") \
                else directions
            reached = max(own, key=lambda n: _towards(t, body, own[n]))
            if _towards(t, body, own[reached]) > FACES_APPROACH:
                beside.setdefault((t.side, reached), []).append(t.key)
                continue
        if t.surface is not None and (view.name == ALONG_LIMB or opposite_surface(t, body, view.direction)):
            # Its muscle group lies under the opposite surface (the anterior crural muscles
            # seen from behind), or the view looks along the limb, where the foot lies in
            # front of the leg's muscles and the dorsum's (fibularis tertius from below): an
            # inset from the least hidden of the views across the limb that do not look at
            # the opposite surface (from the side in a picture of one side, from the front in
            # a picture of both), not an x-ray through the calf or the foot.
            away.setdefault(t.side if one_side != "both" else "both", []).append(
                (t.key, {n: worst if n == ALONG_LIMB or n in far or opposite_surface(t, body, directions[n]) else c
                         for n, c in costs.items()}))
            continue
        if view.name in far and len(far) < len(costs):
            # Seen through the body from its far side: an inset from the best of the
            # directions that see it from its near side.
            away.setdefault(t.side if one_side != "both" else "both", []).append(
                (t.key, {n: worst if n in far else c for n, c in costs.items()}))
            continue
        near = {n: c for n, c in costs.items() if n not in far or n == view.name}
        best = _best(near)
        here = costs.get(view.name, 0.0)
        if best != view.name and here >= TURNED_HIDDEN and here - costs[best] >= TURNED_MARGIN:
            away.setdefault(t.side if one_side != "both" else "both", []).append(
                (t.key, {n: worst if n in far and n != view.name else c for n, c in costs.items()}))
    # One inset where one direction serves them all (EHL, EDL and EDB of the foot's dorsum,
    # from the side; both forearms' ECRL in widespread pain, from the front): each target
    # seen there at least half the margin better than here; the others by their own best.
    out: list[TargetView] = []
    for turned in away.values():
        while turned:
            name = _best({n: sum(c[n] for _, c in turned) for n in directions})
            members = [(k, c) for k, c in turned if c[name] <= c[view.name] - TURNED_MARGIN / 2]
            if not members:
                members = [turned[0]]
                name = _best(turned[0][1])
            out.append(_view(body, name, directions[name], [k for k, _ in members], "local"))
            turned = [(k, c) for k, c in turned if all(k != m for m, _ in members)]
    for (side, name), keys in beside.items():
        out.append(_view(body, name, view_directions(body.manifest, side)[name], keys, "local"))
    return tuple(out)
