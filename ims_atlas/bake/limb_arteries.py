"""The subclavian, brachial and popliteal arteries (``organs.json``: ``subclavian``,
``brachial_artery``, ``popliteal_artery``), authored from sourced landmarks on the baked model.

Each is a round tube of its sourced diameter along a course laid on the model's own bones,
muscles and nerves: the subclavian from behind the sternoclavicular joint over the pleura's
dome and across the first rib between the scalenus anterior and medius insertions; the brachial
beside the median nerve from the lower margin of teres major to below the elbow; the popliteal
from the adductor hiatus behind the femur and the knee joint to the lower border of popliteus.
NumPy only; the meshes are read by the caller.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.geometry import contains_point, distance_to_mesh
from ims_atlas.bake.solids import cable


def section(points: np.ndarray, faces: np.ndarray, z: float) -> np.ndarray:
    """Where a mesh's edges cross the horizontal plane at height ``z`` (an outline's points)."""
    tri = points[faces]
    out = []
    for i, j in ((0, 1), (1, 2), (2, 0)):
        za, zb = tri[:, i, 2], tri[:, j, 2]
        cross = (za - z) * (zb - z) < 0
        t = (z - za[cross]) / (zb[cross] - za[cross])
        out.append(tri[cross, i] + (tri[cross, j] - tri[cross, i]) * t[:, None])
    return np.vstack(out)


def _outline(points: np.ndarray, faces: np.ndarray, z: float, what: str) -> np.ndarray:
    s = section(points, faces, z)
    if len(s) < 3:
        raise ValueError(f"organs: the {what} has no cross-section at height {z:.3f} m")
    return s


def _clear_of(centre: np.ndarray, meshes: list[tuple[np.ndarray, np.ndarray]], room: float,
              step: np.ndarray, limit: int = 200) -> np.ndarray:
    """``centre`` moved by ``step`` until it lies outside every mesh and ``room`` from each."""
    c = centre.copy()
    for _ in range(limit):
        if all(not contains_point(p, f, c) and distance_to_mesh(p, f, c) >= room for p, f in meshes):
            return c
        c = c + step
    raise ValueError("organs: an artery could not be laid clear of the structures beside it")


def laid_clear(controls: np.ndarray, meshes: list[tuple[np.ndarray, np.ndarray]], room: float, step: np.ndarray,
               spacing: float = 0.004) -> np.ndarray:
    """The control polygon resampled every ``spacing`` and each station moved by ``step`` until
    ``room`` clear of ``meshes`` (the ends too), so that the smoothed tube does not cut into them.
    """
    from ims_atlas.bake.tubes import resample

    length = float(np.linalg.norm(np.diff(controls, axis=0), axis=1).sum())
    stations = resample(controls, max(int(round(length / spacing)), 2) + 1)
    return np.vstack([_clear_of(c, meshes, room, step) for c in stations])


def inside_count(points: np.ndarray, mesh: tuple[np.ndarray, np.ndarray]) -> int:
    """How many of ``points`` lie inside the closed ``mesh``."""
    mp, mf = mesh
    lo, hi = mp.min(axis=0), mp.max(axis=0)
    near = points[np.all((points >= lo) & (points <= hi), axis=1)]
    return sum(contains_point(mp, mf, q) for q in near)


# -- the subclavian artery ------------------------------------------------------------------------

def scalene_gap(rib1: np.ndarray, scalenes: np.ndarray, near: float) -> tuple[float, float]:
    """The widest front-to-back gap (its front and back, in y) between the scalene points lying
    within ``near`` of the first rib: the room between the scalenus anterior's and the scalenus
    medius's insertions, where the artery crosses the rib.
    """
    from scipy.spatial import cKDTree

    d, _ = cKDTree(rib1).query(scalenes)
    ys = np.sort(scalenes[d < near][:, 1])
    if len(ys) < 2:
        raise ValueError("organs: the scalenes do not reach the first rib; the subclavian cannot be laid")
    k = int(np.argmax(np.diff(ys)))
    return float(ys[k]), float(ys[k + 1])


def arch_above_clavicle(apex: np.ndarray, clavicle: np.ndarray, midline_x: float) -> float:
    """How far ``apex`` lies above the top of the clavicle at the same distance from the midline."""
    lat = np.abs(clavicle[:, 0] - midline_x)
    near = clavicle[np.abs(lat - abs(apex[0] - midline_x)) < 0.005]
    return float(apex[2] - (near[:, 2].max() if len(near) else clavicle[:, 2].max()))


def subclavian(side: str, data: dict, rib1: np.ndarray, scalenes: np.ndarray, sc_joint: np.ndarray,
               clavicle: np.ndarray, pleura: tuple[np.ndarray, np.ndarray], midline_x: float) -> tuple[np.ndarray, np.ndarray, dict, str]:
    """The artery from behind the sternoclavicular joint, arching over the pleura's dome, across
    the first rib in the gap between the scalene insertions, to just past the rib's outer border.
    The last item says where the model's pleura kept it off the rib ("" if nowhere).
    """
    sa = data["subclavian"]
    sign = -1.0 if side == "right" else 1.0
    r = sa["diameter"] / 2
    origin = sc_joint + np.array([0.0, r + sa["behind_joint"], 0.0])
    front, back = scalene_gap(rib1, scalenes, sa["near_rib"])
    if back - front < 2 * r:
        raise ValueError(f"organs: the gap between the {side} scalene insertions ({1000 * (back - front):.1f} mm) "
                         f"is narrower than the subclavian ({1000 * 2 * r:.1f} mm)")
    y = 0.5 * (front + back)
    # The rib's upper surface in that gap: its highest points within 5 mm front to back.
    band = rib1[np.abs(rib1[:, 1] - y) < 0.005]
    if not len(band):
        raise ValueError("organs: the first rib has no points in the gap between the scalene insertions")
    lat = sign * (band[:, 0] - midline_x)
    top = band[np.argmax(band[:, 2])]
    groove = np.array([top[0], y, float(top[2]) + r + sa["clearance"]])
    outer = band[np.argmax(lat)]
    end = np.array([float(outer[0]) + sign * (r + sa["past_rib"]), y, float(outer[2])])
    # Over the front of the pleura's dome: stations on the chord from the origin to the groove,
    # each moved up and forward (2:1) until clear of it; the groove itself straight up.
    lift = np.array([0.0, -0.5, 1.0]) * (0.001 / np.sqrt(1.25))
    room = r + sa["clearance"]
    # Beyond the groove the artery runs out over the rib's outer border: moved outward, not up,
    # where the model's dome reaches that far.
    outward = np.array([sign * 0.001, 0.0, 0.0])
    for _ in range(10):  # the smoothed tube can still dip into the dome: widen the room until not
        top = _clear_of(groove, [pleura], room, np.array([0.0, 0.0, 0.001]))  # straight up, in the gap
        arch = laid_clear(np.vstack([origin, top]), [pleura], room, lift)
        controls = np.vstack([arch, laid_clear(np.vstack([arch[-1], end]), [pleura], room, outward)[1:]])
        p, f = cable(controls, r, sides=12, spacing=0.005, taper=0.04)
        if not inside_count(p, pleura):
            break
        room += 0.001
    else:
        raise ValueError(f"organs: the {side} subclavian could not be laid clear of the pleura")
    apex = p[np.argmax(p[:, 2])]
    laid_end = controls[-1]
    farther = float(sign * (laid_end[0] - end[0]))
    groove, end = arch[-1], laid_end  # as laid (moved if the dome came that far)
    rib_top = float(band[:, 2].max())
    remark = ""
    if groove[2] - r - rib_top > 0.002:
        remark = (f"On this model the pleura's dome rises above the first rib in the gap between the scalenes: the artery "
                  f"is drawn over the dome, {100 * (groove[2] - r - rib_top):.1f} cm above the rib, not on it.")
    if farther > 0.0005:
        remark += (f"{' ' if remark else ''}The dome reaches past the rib's outer border too: the artery's end is drawn "
                   f"{1000 * farther:.0f} mm farther out, clear of it.")
    above = arch_above_clavicle(apex, clavicle, midline_x)
    remark += (f"{' ' if remark else ''}Its highest point lies {100 * above:.1f} cm above the clavicle "
               "(Gray's surface marking: 1 to 3 cm).")
    return p, f, {"origin": origin, "over_first_rib": groove, "outer_border_of_first_rib": end, "arch_top": apex}, remark


# -- the brachial artery ----------------------------------------------------------------------------

def _centre_and_radius(outline: np.ndarray) -> tuple[np.ndarray, float]:
    c = outline.mean(axis=0)
    return c, float(np.median(np.linalg.norm(outline[:, :2] - c[:2], axis=1)))


def brachial(side: str, data: dict, humerus: tuple[np.ndarray, np.ndarray], nerve: tuple[np.ndarray, np.ndarray],
             teres_major: np.ndarray, brachialis: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, dict]:
    """The artery beside the median nerve: medial to it at teres major's lower margin, behind it
    at mid-arm, lateral to it at the elbow, to the sourced distance below the epicondyles; kept
    medial of the humerus and in front of brachialis (which lies behind it, Gray).
    """
    ba = data["brachial_artery"]
    sign = -1.0 if side == "right" else 1.0  # -sign points medially
    r = ba["diameter"] / 2
    hp, hf = humerus
    top_z = float(teres_major[:, 2].min())
    # The epicondyles: the humerus's widest section near its lower end.
    zs = np.linspace(float(hp[:, 2].min()) + 0.005, float(hp[:, 2].min()) + 0.05, 19)
    widths = [np.ptp(section(hp, hf, z)[:, 0]) if len(section(hp, hf, z)) else 0.0 for z in zs]
    epi_z = float(zs[int(np.argmax(widths))])
    epi = _outline(hp, hf, epi_z, "humerus")
    mid_epicondyles = 0.5 * (epi[:, 0].min() + epi[:, 0].max())
    end_z = epi_z - ba["below_epicondyles"]
    np_, nf = nerve
    if not (float(np_[:, 2].min()) < end_z and top_z < float(np_[:, 2].max())):
        raise ValueError(f"organs: the {side} median nerve does not span the arm from teres major to below the elbow")
    top = np.radians(ba["top_bearing"])
    if not np.pi / 2 < top <= np.pi:
        raise ValueError(f"organs: the brachial artery's top_bearing ({ba['top_bearing']}) must put it medial of the "
                         "median nerve (more than 90 degrees, at most 180)")
    controls = []
    heights = np.linspace(top_z, end_z, 9)
    for z in heights:
        c, rn = _centre_and_radius(_outline(np_, nf, z, "median nerve"))
        off = rn + r + ba["gap"]
        # From lateral of the nerve at the elbow through behind it at mid-arm to its medial side
        # and behind at the top: 0 at the elbow, pi / 2 at mid-arm, top_bearing at the top.
        u = float(np.clip((z - epi_z) / (top_z - epi_z), 0.0, 1.0))
        a = np.pi * u if u <= 0.5 else np.pi / 2 + (top - np.pi / 2) * (2 * u - 1)
        direction = np.array([sign * np.cos(a), np.sin(a), 0.0])
        controls.append(_clear_of(c + off * direction, [humerus], r + ba["gap"],
                                  np.array([-sign * 0.0005, 0.0, 0.0])))
    # Between the stations too (the median nerve lies on the muscles beside the humerus, so a
    # chord between two stations can cut the bone's corner): clear of the humerus, then of
    # brachialis.
    controls = laid_clear(np.vstack(controls), [humerus], r + ba["gap"], np.array([-sign * 0.0005, 0.0, 0.0]))
    controls = laid_clear(controls, [brachialis], r + ba["gap"], np.array([0.0, -0.0005, 0.0]))
    p, f = cable(controls, r, sides=10, spacing=0.006, taper=0.04)
    at_elbow = controls[int(np.argmin(np.abs(controls[:, 2] - epi_z)))]
    return p, f, {"at_teres_major": controls[0], "at_elbow": at_elbow, "division": controls[-1],
                  "midway_between_epicondyles": np.array([mid_epicondyles, float(epi[:, 1].mean()), epi_z])}


# -- the popliteal artery ------------------------------------------------------------------------------

def popliteal(side: str, data: dict, femur: tuple[np.ndarray, np.ndarray], tibia: tuple[np.ndarray, np.ndarray],
              popliteus: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, dict]:
    """The artery from the adductor hiatus, behind and medial to the femur, to behind the
    intercondylar fossa, down the back of the knee joint and the popliteus to its lower border.
    """
    pa = data["popliteal_artery"]
    sign = -1.0 if side == "right" else 1.0  # -sign points medially
    r = pa["diameter"] / 2
    fp, ff = femur
    tp, tf = tibia
    pp, pf = popliteus
    f_lo, f_hi = float(fp[:, 2].min()), float(fp[:, 2].max())
    # The adductor hiatus: a third of the femur's length above its lower end, behind and medial.
    hz = f_lo + pa["hiatus_fraction"] * (f_hi - f_lo)
    c, rad = _centre_and_radius(_outline(fp, ff, hz, "femur"))
    hiatus = c + (rad + r + pa["behind_bone"]) * np.array([-sign, 1.0, 0.0]) / np.sqrt(2.0)
    # Behind the intercondylar fossa: the condyles' widest section, midway between them.
    zs = np.linspace(f_lo + 0.005, f_lo + 0.06, 23)
    widths = [np.ptp(section(fp, ff, z)[:, 0]) if len(section(fp, ff, z)) else 0.0 for z in zs]
    cz = float(zs[int(np.argmax(widths))])
    cond = _outline(fp, ff, cz, "femur")
    mid_x = 0.5 * (cond[:, 0].min() + cond[:, 0].max())
    fossa = np.array([mid_x, float(cond[np.abs(cond[:, 0] - mid_x) < 0.01, 1].max()) + r + pa["behind_bone"], cz])
    # Behind the knee joint: halfway between the femur's lowest point and the tibia's highest.
    jz = 0.5 * (f_lo + float(tp[:, 2].max()))
    joint = np.array([mid_x, fossa[1], jz])
    # The lower border of popliteus, on its back, below the joint.
    low_z = float(pp[:, 2].min())
    t_out = _outline(tp, tf, low_z + 0.004, "tibia")
    tx = float(t_out[:, 0].mean())
    band = pp[(pp[:, 2] < low_z + 0.015)]
    back = float(band[:, 1].max()) if len(band) else float(t_out[:, 1].max())
    division = np.array([tx, back + r + pa["behind_bone"], low_z])
    blockers = [femur, tibia, popliteus]
    step = np.array([0.0, 0.0005, 0.0])  # backward, out of the bone
    room = r + 0.5 * pa["behind_bone"]
    marks = [_clear_of(q, blockers, room, step) for q in (hiatus, fossa, joint, division)]
    controls = laid_clear(np.vstack(marks), blockers, room, step)
    p, f = cable(controls, r, sides=12, spacing=0.006, taper=0.04)
    return p, f, {"adductor_hiatus": marks[0], "intercondylar_fossa": marks[1], "knee_joint": marks[2],
                  "division": marks[3]}
