"""Each muscle is named in a view that sees it from its near side (issue 16).

The segment pictures of L2 and L3 named the rectus femoris and the vasti in the view from
behind, seen through the hamstrings: the belly of the vasti is drawn round the femur, its
centre behind the shaft, so every ray from it to the front crossed the bone. Here, for every
segment C1-S2 on both sides and every condition on its default side, no local target is
labelled in a view from which it lies on the far side of the body, unless an inset shows it
from a direction that sees it from its near side.

"Far side" is measured here on its own, independently of the view choice: along the ray from
the target's point to the eye, from where the ray leaves the target's own muscle, the metres
that run inside any other structure drawn in that view (overlapping ones counted once),
averaged over a small bundle of rays, against the same along the opposite direction. A target lies on the far side when it lies
nearer the other side by more than a superficial layer of muscle (:data:`LAYER_M`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ims_atlas.anatomy.body_meshes import BodyMeshes, surface_of
from ims_atlas.anatomy.facing import hidden_for
from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.core.state import ViewState
from ims_atlas.scene.picture import body_for, picture_for
from ims_atlas.scene.target_views import PictureTarget, turned_away
from tests.toy_meshes import box_mesh

#: A superficial layer of muscle (metres): the trapezius over the levator scapulae is about
#: 1 cm, the latissimus and deltoid over teres major 2 cm; seen through such a layer a muscle
#: is still seen from its own side. The hamstrings over the rectus femoris are 4 cm.
LAYER_M = 0.02
SEGMENTS = [f"C{i}" for i in range(1, 9)] + [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)] + ["S1", "S2"]
FRAME = {"up": "+Z", "anterior": "-Y", "left": "+X", "midline_x": 0.0}


def _hits(surface, origin: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Distances along the ray at which it crosses ``surface``, nearest first (Moller-Trumbore)."""
    a, e1, e2 = surface.a, surface.e1, surface.e2
    p = np.cross(d, e2)
    det = np.einsum("ij,ij->i", e1, p)
    ok = np.abs(det) > 1e-15
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    s = origin - a
    u = np.einsum("ij,ij->i", s, p) * inv
    q = np.cross(s, e1)
    v = (q @ d) * inv
    t = np.einsum("ij,ij->i", e2, q) * inv
    return np.sort(t[ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 1e-9)])


#: The oracle averages over five parallel rays: the point and four points this far (metres)
#: around it across the ray, so one ray slipping past the edge of a bone does not decide.
SPREAD_M = 0.012


def body_in_front(body: BodyMeshes, point, direction, own, skip=()) -> float:
    """Metres of other structures between a target and an eye far along ``direction``."""
    d = np.asarray(direction, dtype=float)
    d = d / np.linalg.norm(d)
    u = np.cross(d, [0.0, 0.0, 1.0] if abs(d[2]) < 0.9 else [1.0, 0.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(d, u)
    p = np.asarray(point, dtype=float)
    origins = [p, p + SPREAD_M * u, p - SPREAD_M * u, p + SPREAD_M * v, p - SPREAD_M * v]
    return sum(_along_one(body, o, d, own, skip) for o in origins) / len(origins)


def _along_one(body: BodyMeshes, o: np.ndarray, d: np.ndarray, own, skip) -> float:
    start = 0.0
    for sid in own:  # from where the ray leaves the target's own muscle
        surface = body.surface(sid)
        t = _hits(surface, o, d) if surface is not None else np.zeros(0)
        if len(t) % 2:
            start = max(start, float(t[0]))
    o = o + start * d
    spans = []
    for sid in body.along_ray(o, d):
        if sid in own or sid in skip:
            continue
        t = _hits(body.surface(sid), o, d)
        if len(t) % 2:
            t = np.concatenate([[0.0], t])
        spans += [(float(t[i]), float(t[i + 1])) for i in range(0, len(t) - 1, 2)]
    total, end = 0.0, 0.0
    for lo, hi in sorted(spans):
        lo = max(lo, end)
        if hi > lo:
            total, end = total + hi - lo, hi
    return total


def far_side(body: BodyMeshes, target: PictureTarget, name: str, direction) -> tuple[float, float]:
    """(metres in front from the view, metres in front from the opposite side)."""
    d = np.asarray(direction, dtype=float)
    here = body_in_front(body, target.point, d, set(target.structures), hidden_for(name, body.manifest))
    return here, body_in_front(body, target.point, -d, set(target.structures))


def _pictures():
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.core.paths import meshes_dir

    catalog = load_catalog(None, load_manifest(meshes_dir() / "manifest.json"))
    return ([pytest.param(ViewState(segment=s, side="both"), id=f"{s}-both") for s in SEGMENTS]
            + [pytest.param(ViewState(condition_id=c.id, side="both" if c.widespread else "right"), id=c.id)
               for c in catalog.conditions])


@pytest.fixture(scope="module")
def catalog(manifest):
    from ims_atlas.catalog.load import load_catalog

    return load_catalog(None, manifest)


def named_from_far_side(state: ViewState, manifest, catalog) -> list[str]:
    """Each labelled local target of the picture that a view sees from its far side, without
    an inset that sees it from its near side."""
    body = body_for(manifest)
    picture = picture_for(state, manifest, catalog, body=body)
    problems = []
    for view in picture.views:
        insets = turned_away(view, picture.targets, body)
        for t in picture.targets:
            if (t.key not in view.targets or t.role == "paraspinal" or t.point is None
                    or t.key in picture.named_by):  # a twin named on the other side's label
                continue
            here, there = far_side(body, t, view.name, view.direction)
            if here <= there + LAYER_M:
                continue
            shown = [i.name for i in insets if t.key in i.targets
                     and (lambda h, o: h <= o + LAYER_M)(*far_side(body, t, i.name, i.direction))]
            if not shown:
                problems.append(f"{t.key} in the view {view.name}: {here * 100:.1f} cm of the body in front, "
                                f"{there * 100:.1f} cm from the other side")
    return problems


@pytest.mark.parametrize("state", _pictures())
def test_no_target_is_named_from_the_far_side_of_the_body(state, manifest, catalog):
    assert named_from_far_side(state, manifest, catalog) == []


def test_the_quadriceps_of_l2_and_l3_are_not_named_through_the_hamstrings(manifest, catalog):
    """The case the rule was found on, by name: none of the four is labelled in the view from
    behind unless an inset shows it from another side (on both sides all four are in the view
    from the front; on the right, L3's view of the thigh is from the inner side and the vastus
    lateralis gets an inset from the right side)."""
    body = body_for(manifest)
    for segment in ("L2", "L3"):
        for side in ("both", "right"):
            picture = picture_for(ViewState(segment=segment, side=side), manifest, catalog, body=body)
            quadriceps = [t for t in picture.targets if t.key.split(":")[1] in
                          ("rectus_femoris", "vastus_lateralis", "vastus_intermedius", "vastus_medialis")]
            assert len(quadriceps) == (8 if side == "both" else 4)
            for view in picture.views:
                insets = [i.name for i in turned_away(view, picture.targets, body)
                          for t in quadriceps if t.key in i.targets]
                for t in quadriceps:
                    if t.key in view.targets and view.name == "posterior":
                        assert any(t.key in i.targets and i.name != "posterior"
                                   for i in turned_away(view, picture.targets, body)), (segment, side, t.key, insets)
            if side == "both":
                where = {k: v.name for v in picture.views for k in v.targets}
                assert {where[t.key] for t in quadriceps} == {"anterior"}, (segment, where)


def _body(parts) -> BodyMeshes:
    structures = tuple(Structure(sid, sid, kind, "muscles", side, "toy", f"{sid}.npz", 12)
                       for sid, (kind, side, _, _) in parts.items())
    manifest = Manifest(Path("/nowhere/manifest.json"), FRAME, {}, structures)
    return BodyMeshes(manifest, {sid: surface_of(*box_mesh(lo, hi)) for sid, (_, _, lo, hi) in parts.items()})


def test_a_muscle_nearer_the_front_of_the_thigh_is_on_the_far_side_from_behind():
    from ims_atlas.anatomy.facing import far_sides, tissue_in_front

    # A right thigh: the femur inside a thick vastus whose centre lies behind the bone, and a
    # hamstring behind both: from behind the ray runs through 4 cm of hamstring, from the
    # front through nothing but the vastus's own front (the femur inside it does not count).
    body = _body({"femur": ("bone", "right", (-0.12, -0.01, 0.4), (-0.08, 0.02, 0.8)),
                  "vastus": ("muscle", "right", (-0.14, -0.03, 0.45), (-0.06, 0.05, 0.75)),
                  "hamstring": ("muscle", "right", (-0.14, 0.06, 0.45), (-0.06, 0.10, 0.75))})
    point = (-0.10, 0.035, 0.6)  # behind the femur, inside the vastus
    assert far_sides(body, point, "right", ("vastus",)) >= {"posterior"}
    assert "anterior" not in far_sides(body, point, "right", ("vastus",))
    here = tissue_in_front(body, point, (0.0, 1.0, 0.0), ("vastus",))
    assert here == pytest.approx(0.04)  # the hamstring only, from where the ray leaves the vastus
