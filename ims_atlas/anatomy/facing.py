"""Which way a target faces: the direction from which the least of the body lies in front of it.

For a point in the body and each named direction (front, back, side, medial side, from
below), a ray is cast from the point out of the body and the structures it passes through
are counted, bones weighing more than soft tissue (in a plan's picture bones stay half
solid, soft tissue fades to a whisper). The quadriceps are least hidden from the front, the
thenar muscles from the palm side, the sole's muscles from below, a paraspinal point from
behind. Everything comes from the meshes and the manifest's frame, nothing from a table.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ims_atlas.anatomy.body_meshes import BodyMeshes
from ims_atlas.anatomy.facing_store import read_store
from ims_atlas.anatomy.manifest import Manifest

Vec3 = tuple[float, float, float]

#: How much one structure in front of a target counts, by kind: in a plan's picture bones stay
#: half solid while soft tissue fades to a whisper, so a bone in front hides far more.
WEIGHTS = {"bone": 3.0, "vertebra": 3.0, "muscle": 0.5, "fascia": 0.5, "nerve": 0.25, "root": 0.25}
_AXES = {"+X": (1.0, 0.0, 0.0), "-X": (-1.0, 0.0, 0.0), "+Y": (0.0, 1.0, 0.0), "-Y": (0.0, -1.0, 0.0),
         "+Z": (0.0, 0.0, 1.0), "-Z": (0.0, 0.0, -1.0)}


def frame_axes(manifest: Manifest) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors (anterior, left, up) of the manifest's frame (its ``frame`` entry)."""
    frame = manifest.frame or {}
    anterior = np.array(_AXES.get(str(frame.get("anterior", "-Y")), _AXES["-Y"]))
    left = np.array(_AXES.get(str(frame.get("left", "+X")), _AXES["+X"]))
    up = np.array(_AXES.get(str(frame.get("up", "+Z")), _AXES["+Z"]))
    return anterior, left, up


def view_directions(manifest: Manifest, side: str) -> dict[str, Vec3]:
    """Named viewing directions (focus -> eye, unit vectors) for targets on ``side``.

    ``"left"``/``"right"`` add the lateral and medial views of that side; ``"both"`` (or
    the midline) has only the views that show both sides alike.
    """
    anterior, left, up = frame_axes(manifest)
    out: dict[str, Vec3] = {
        "posterior": tuple(-anterior),
        "anterior": tuple(anterior),
        "inferior": tuple(-up),
    }
    if side in ("left", "right"):
        outward = left if side == "left" else -left
        out[f"lateral-{side}"] = tuple(outward)
        out[f"medial-{side}"] = tuple(-outward)
    return {k: tuple(float(c) for c in v) for k, v in out.items()}  # type: ignore[misc]


def view_up(manifest: Manifest, direction) -> Vec3:
    """Which way is up on screen for a view along ``direction``: the body's up, or for a view
    from below or above (the sole) the body's front, so the toes point up the picture.
    """
    anterior, _, up = frame_axes(manifest)
    d = np.asarray(direction, dtype=np.float64)
    chosen = anterior if abs(float(np.dot(d, up))) > 0.9 * float(np.linalg.norm(d)) else up
    return (float(chosen[0]), float(chosen[1]), float(chosen[2]))


def hidden_for(view: str, manifest: Manifest) -> set[str]:
    """Structures not drawn in a view: a medial view of one side hides the other side's
    structures (the other limb stands between the camera and the target).
    """
    if not view.startswith("medial-"):
        return set()
    side = view.split("-", 1)[1]
    other = "left" if side == "right" else "right"
    return {s.id for s in manifest if s.side == other}


#: The manifest's regions of the free upper limb (arm, elbow, forearm, hand and the nerves
#: running down them; the shoulder girdle stays with the trunk). In myo-sim's standing pose the
#: arm hangs at the side, the forearm and hand beside the hip: from the side they stand between
#: the camera and the flank, the side of the buttock and the top of the thigh.
FREE_UPPER_LIMB = frozenset({"arm", "elbow", "forearm", "hand", "arm and forearm"})
#: A target in these regions keeps its side's free upper limb in every view: the limb itself,
#: or the shoulder, whose muscles wrap the head of the humerus and move it.
KEEPS_THE_LIMB = FREE_UPPER_LIMB | {"shoulder"}


def free_upper_limb(manifest: Manifest, side: str) -> set[str]:
    """The drawn structures of one side's free upper limb (:data:`FREE_UPPER_LIMB`)."""
    return {s.id for s in manifest if s.side == side and s.region in FREE_UPPER_LIMB}


def keeps_the_limb(manifest: Manifest, own: Iterable[str], side: str) -> bool:
    """Whether a target with these structures lies in ``side``'s upper limb or shoulder."""
    return any((s := manifest.get(sid)) is not None and s.side == side and s.region in KEEPS_THE_LIMB
               for sid in own)


def arm_in_front(body: BodyMeshes, side: str, points: Iterable[Vec3]) -> bool:
    """Whether ``side``'s free upper limb lies between one of ``points`` and an eye far out
    on that side (a ray of :func:`occlusion`'s bundle meets it).
    """
    limb = free_upper_limb(body.manifest, side)
    d = np.asarray(view_directions(body.manifest, side)[f"lateral-{side}"], dtype=np.float64)
    return bool(limb) and any(body.crossings_along(o, d, among=limb)
                              for p in points if p is not None for o in bundle(p, d))


#: Rays per target: from the point and from four points this far (metres) around it across
#: the ray, so one ray slipping between two bones does not decide the view.
SPREAD_M = 0.012


def leaving_own(body: BodyMeshes, origin, direction, own: Iterable[str]) -> np.ndarray:
    """Where a ray from a point inside the target's own structures (``own``) leaves them: what
    hides a muscle lies between its surface and the eye, not inside it. A muscle drawn round a
    bone (a myo-sim tube swept round the shaft, as the vasti were before bake/muscle_beds.json
    laid them on the femur) is not hidden by that bone. A point outside its own structures is
    its own start.
    """
    o = np.asarray(origin, dtype=np.float64)
    own = set(own)
    start = 0.0
    if own:
        for t in body.crossing_distances(o, direction, among=own).values():
            if len(t) % 2:  # inside it: the ray leaves it at its first crossing
                start = max(start, float(t[0]))
    return o + start * np.asarray(direction, dtype=np.float64)


def tissue_in_front(body: BodyMeshes, point, direction, own: Iterable[str] = (), skip: Iterable[str] = ()) -> float:
    """Metres of the body between a target and an eye far along ``direction``: the length of
    the ray, from where it leaves the target's own structures (:func:`leaving_own`), that runs
    inside any other structure (overlapping ones counted once), ``skip`` left out; averaged
    over a bundle of rays (:func:`bundle`), so a ray slipping past a bone's edge does not decide.
    """
    own = tuple(own)
    d = np.asarray(direction, dtype=np.float64)
    d = d / np.linalg.norm(d)
    ignore = set(own) | set(skip)
    total = 0.0
    for o in bundle(point, d):
        spans = []
        for t in body.crossing_distances(leaving_own(body, o, d, own), d, ignore=ignore).values():
            if len(t) % 2:  # it starts inside this one
                t = np.concatenate([[0.0], t])
            spans += [(float(t[i]), float(t[i + 1])) for i in range(0, len(t) - 1, 2)]
        end = 0.0
        for a, b in sorted(spans):
            a = max(a, end)
            if b > a:
                total, end = total + b - a, b
    return total / len(bundle(point, d))


#: A target lies on the far side of the body from a view when it lies nearer the opposite
#: side: more of the body lies between it and the eye than between it and the other side, by
#: more than this (metres): a superficial layer of muscle (the trapezius over the levator
#: scapulae, about 1 cm; the latissimus and deltoid over teres major, 2 cm) does not put a
#: muscle on the far side, the hamstrings over the rectus femoris (4 cm, against 6 mm from
#: the front) do.
FAR_SLACK_M = 0.02


def on_far_side(body: BodyMeshes, point, name: str, direction, own: Iterable[str] = (),
                left_out: Iterable[str] = ()) -> bool:
    """Whether a target lies on the far side of the body from the view ``name`` along
    ``direction`` (:data:`FAR_SLACK_M`): seen from there through the body (the structures the
    view does not draw, and ``left_out``, not counted in front).
    """
    d = np.asarray(direction, dtype=np.float64)
    here = tissue_in_front(body, point, d, own, hidden_for(name, body.manifest) | set(left_out))
    there = tissue_in_front(body, point, -d, own)
    return here > there + FAR_SLACK_M


#: :func:`far_sides` are kept with the facing costs (:attr:`BodyMeshes.facing_cache` and the
#: store beside the meshes), under this word before the side: 1.0 for a view on the far side.
FAR_SIDE = "far-side"


def far_sides(body: BodyMeshes, point, side: str, own: Iterable[str] = ()) -> set[str]:
    """The views of :func:`view_directions` from which a target lies on the far side of the
    body (:func:`on_far_side`), worked out once per target like :func:`facing_costs`.
    """
    own = tuple(own)
    _read_store(body)
    key = (tuple(float(c) for c in point), f"{FAR_SIDE} {side}", own)
    if key not in body.facing_cache:
        body.facing_cache[key] = {name: float(on_far_side(body, point, name, d, own))
                                  for name, d in view_directions(body.manifest, side).items()}
    return {name for name, far in body.facing_cache[key].items() if far}


def _read_store(body: BodyMeshes) -> None:
    """Fill the body's cache from the store beside the meshes, once."""
    if not body.facing_store_read:
        body.facing_store_read = True
        for stored_key, costs in read_store(body.manifest, costing_parameters()).items():
            body.facing_cache.setdefault(stored_key, costs)


def bundle(point, direction) -> list[np.ndarray]:
    """The origins of a bundle of parallel rays along unit ``direction``: ``point`` and four
    points :data:`SPREAD_M` around it across the ray.
    """
    origin = np.asarray(point, dtype=np.float64)
    d = np.asarray(direction, dtype=np.float64)
    helper = np.array([0.0, 0.0, 1.0]) if abs(d[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    u = np.cross(d, helper)
    u /= np.linalg.norm(u)
    v = np.cross(d, u)
    return [origin] + [origin + SPREAD_M * w for w in (u, -u, v, -v)]


def occlusion(body: BodyMeshes, point, direction, own: Iterable[str] = (), skip: Iterable[str] = ()) -> float:
    """Weighted count of the structures between ``point`` and an eye far along ``direction``,
    averaged over a small bundle of parallel rays (:data:`SPREAD_M`).

    ``own`` (the target's own muscle) and ``skip`` (structures not drawn in that view) do not
    count. A structure a ray enters and leaves counts once; one the point is inside, once.
    """
    d = np.asarray(direction, dtype=np.float64)
    d = d / np.linalg.norm(d)
    origins = bundle(point, d)
    own = tuple(own)
    ignore = set(own) | set(skip)
    total = 0.0
    for o in origins:
        for sid, n in body.crossings_along(o, d, ignore).items():
            total += WEIGHTS.get(body.manifest[sid].kind, 0.5) * ((n + 1) // 2)
    return total / len(origins)


#: How much it lowers a view's cost that the target lies on that side of its nearest bone (a
#: limb's axis): it breaks ties between views that hide a target about as much, in favour of
#: the side the target faces (the flexors in front of the forearm bones, the sole below the foot's).
FACING_BONUS = 0.75
#: The part of the nearest bone whose centre is the local axis (metres around the nearest vertex).
AXIS_RADIUS_M = 0.04


def bone_outward(body: BodyMeshes, point) -> np.ndarray | None:
    """Unit vector from the centre of the nearest piece of bone to ``point``, or None."""
    p = np.asarray(point, dtype=np.float64)
    best = None
    for s in body.manifest.by_kind("bone", "vertebra"):
        surface = body.surface(s.id)
        if surface is None or not len(surface.points):
            continue
        d = np.linalg.norm(surface.points - p, axis=1)
        i = int(np.argmin(d))
        if best is None or d[i] < best[0]:
            best = (float(d[i]), surface.points, surface.points[i])
    if best is None:
        return None
    _, pts, nearest = best
    local = pts[np.linalg.norm(pts - nearest, axis=1) <= AXIS_RADIUS_M]
    out = p - local.mean(axis=0)
    n = float(np.linalg.norm(out))
    return out / n if n > 1e-9 else None


def costing_parameters() -> dict:
    """Every setting a facing cost depends on besides the meshes (the store's fingerprint)."""
    return {"weights": WEIGHTS, "spread_m": SPREAD_M, "facing_bonus": FACING_BONUS,
            "axis_radius_m": AXIS_RADIUS_M, "far_slack_m": FAR_SLACK_M,
            "free_upper_limb": sorted(FREE_UPPER_LIMB)}


def facing_costs(body: BodyMeshes, point, side: str, own: Iterable[str] = ()) -> dict[str, float]:
    """:func:`occlusion` of a target for each view of :func:`view_directions`, less
    :data:`FACING_BONUS` times how squarely the target faces the view from its nearest bone.
    """
    own = tuple(own)
    # The same target is costed again on every switch back to its plan: the answer depends
    # only on the body, the point, the side and the target's own structures. The bundled
    # catalog's targets were costed ahead of time (:mod:`~ims_atlas.anatomy.facing_store`).
    key = (tuple(float(c) for c in point), side, own)
    cache = body.facing_cache
    _read_store(body)
    if key in cache:
        return dict(cache[key])
    outward = bone_outward(body, point)
    costs = {name: _cost(body, point, name, d, own, outward) for name, d in view_directions(body.manifest, side).items()}
    cache[key] = dict(costs)
    return costs


def _cost(body: BodyMeshes, point, name: str, direction, own: tuple[str, ...], outward,
          left_out: Iterable[str] = ()) -> float:
    """One view's facing cost (:func:`facing_costs`): the target's :func:`occlusion` from
    there, the view's undrawn structures and ``left_out`` not counted, less the bonus for
    facing it squarely (``outward``: :func:`bone_outward` at the target, or None).
    """
    d = np.asarray(direction, dtype=np.float64)
    cost = occlusion(body, point, d, own, hidden_for(name, body.manifest) | set(left_out))
    if outward is not None:
        cost -= FACING_BONUS * max(float(np.dot(outward, d)), 0.0)
    return cost


#: The costs of :func:`without_the_arm` are kept with the facing costs under this word before
#: the side, as the view from the side's cost and :data:`FAR_SIDE` (1.0: on the far side).
ARM_LEFT_OUT = "without the arm"


def without_the_arm(body: BodyMeshes, point, side: str, own: Iterable[str] = ()) -> tuple[float, bool]:
    """A target's facing cost from ``side`` (:func:`facing_costs`' ``lateral-<side>``) and whether
    it lies on the far side of the body from there (:func:`on_far_side`), with that side's
    free upper limb (:func:`free_upper_limb`) left out, as a view from the side draws it for
    a plan with no target in that limb or shoulder: the forearm and hand hanging beside the
    hip stand in front of gluteus minimus (the radius alone counts 2.4 there, more than the
    whole body from behind) and quadratus lumborum.
    """
    own = tuple(own)
    _read_store(body)
    key = (tuple(float(c) for c in point), f"{ARM_LEFT_OUT} {side}", own)
    name = f"lateral-{side}"
    if key not in body.facing_cache:
        d = view_directions(body.manifest, side)[name]
        limb = free_upper_limb(body.manifest, side)
        cost = _cost(body, point, name, d, own, bone_outward(body, point), limb)
        far = on_far_side(body, point, name, d, own, limb)
        body.facing_cache[key] = {name: cost, FAR_SIDE: float(far)}
    costs = body.facing_cache[key]
    return costs[name], bool(costs[FAR_SIDE])


def outward_view(manifest: Manifest, point, side: str) -> str:
    """The named view a point beside the spine faces: the direction from the body's axis
    (the centre of the nearest vertebra) to the point. A needle point beside the spine lies
    in the gutter between spinous process and transverse process, where a ray out of the
    body finds a gap between the bones whichever way it goes; its position relative to the
    spine's axis says which way it faces.
    """
    p = np.asarray(point, dtype=np.float64)
    centres = [np.asarray(v.landmarks["centroid"], dtype=np.float64)
               for v in manifest.by_kind("vertebra") if "centroid" in v.landmarks]
    directions = view_directions(manifest, side)
    if not centres:
        return "posterior" if "posterior" in directions else next(iter(directions))
    _, _, up = frame_axes(manifest)
    nearest = min(centres, key=lambda c: abs(float(np.dot(c - p, up))))
    out = p - nearest
    out = out - up * float(np.dot(out, up))
    return max(directions, key=lambda name: float(np.dot(out, directions[name])))
