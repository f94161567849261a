"""The bundled skin envelope (meshes/skin/skin.npz, built by scripts/build_skin.py): one closed
outer surface with nothing inside the body, and the arms apart from the flank below the axilla."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from ims_atlas.anatomy.geometry import contains_point
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.study.body_landmarks import BodyFrame, find_landmark
from ims_atlas.study.dermatomes import SIDES, load_painted_skin

#: Trunk structures of the lateral chest and abdominal wall the hanging arm lies beside (not the
#: latissimus dorsi: it inserts on the humerus, the posterior axillary fold).
FLANK = ("ribcage", "serratus_anterior", "external_oblique")
#: Arm structures facing the flank.
ARM = ("humerus", "biceps_brachii", "triceps_brachii", "brachialis", "coracobrachialis")


@pytest.fixture(scope="module")
def skin():
    return load_painted_skin()


def _edges(faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    e = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    return np.unique(e, axis=0, return_counts=True)


def test_the_skin_is_one_closed_surface_of_sphere_topology(skin):
    """Every edge joins exactly two triangles (closed, manifold), the surface is one piece, and
    its Euler characteristic V - E + F is 2: a sphere, no handle. A sheet running into a body
    cavity that opens to the outside, or an arm bridged to the flank below the axilla, adds a
    handle (the old envelope had V - E + F = -34)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    faces = np.asarray(skin.faces)
    edges, counts = _edges(faces)
    assert np.all(counts == 2), f"{int(np.sum(counts != 2))} edges not shared by exactly two triangles"
    n = len(skin.points)
    assert np.array_equal(np.unique(faces), np.arange(n)), "vertices outside every triangle"
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    pieces, _ = connected_components(graph, directed=False)
    assert pieces == 1
    assert n - len(edges) + len(faces) == 2


def test_no_skin_lies_inside_an_organ(skin, manifest):
    """The thoracic and abdominal cavities are filled: no skin vertex lies inside the pleura,
    a lung or a kidney (the old envelope had about 1150 inside each pleural sac)."""
    points = np.asarray(skin.points, dtype=float)
    organs = [s for s in manifest.every() if s.kind == "organ"]
    assert {s.id.rsplit("_", 1)[0] for s in organs} >= {"pleura", "lung", "kidney"}
    for s in organs:
        mesh = read_mesh(manifest.file_path(s))
        lo, hi = mesh.points.min(axis=0), mesh.points.max(axis=0)
        near = np.flatnonzero(np.all((points >= lo) & (points <= hi), axis=1))
        inside = [int(i) for i in near if contains_point(mesh.points, mesh.faces, points[i])]
        assert not inside, f"{len(inside)} skin vertices inside {s.id}, e.g. {points[inside[0]].round(3)}"


def _cloud(manifest, names, side):
    pts = [read_mesh(manifest.file_path(s)).points for s in manifest
           if s.side == side and (s.muscle or s.id.rsplit("_", 1)[0]) in names]
    pts += [read_mesh(manifest.file_path(s)).points for s in manifest if s.id in names]
    return np.concatenate(pts)


@pytest.mark.parametrize("side", SIDES)
def test_the_arm_is_apart_from_the_flank_below_the_axilla(skin, manifest, side):
    """From the elbow up to 2 cm below the anterior axillary fold (pectoralis major's lowest
    point; the arm hangs within a centimetre of the serratus above it), the straight line between the arm
    and the chest or abdominal wall (the closest pair of their mesh points in each 2 cm band of
    height) leaves the body on its way: the arm has its own skin there, not a bridge to the
    flank (on the old envelope the whole line was inside the body at most heights)."""
    bf = BodyFrame(manifest)
    points, faces = np.asarray(skin.points, dtype=float), np.asarray(skin.faces)
    arm, flank = _cloud(manifest, ARM, side), _cloud(manifest, FLANK, side)
    flank = flank[(flank - bf.midline) @ bf.lateral(side) > 0]  # the ribcage is one mesh: this side's half
    fold = _cloud(manifest, ("pectoralis_major",), side)
    top = float(fold[:, 2].min()) - 0.02
    assert top < float(np.asarray(find_landmark(bf, "axilla_apex", side).point) @ bf.U)
    elbow = float(arm[:, 2].min()) + 0.03
    heights = np.arange(elbow, top, 0.02)
    assert len(heights) >= 5
    inside = []
    for h in heights:
        a, f = arm[np.abs(arm[:, 2] - h) < 0.01], flank[np.abs(flank[:, 2] - h) < 0.01]
        if not len(a) or not len(f):
            continue
        d, j = cKDTree(f).query(a)
        k = int(np.argmin(d))
        line = a[k] + np.linspace(0.0, 1.0, 41)[:, None] * (f[j[k]] - a[k])
        if all(contains_point(points, faces, q) for q in line):
            inside.append((round(float(h), 3), round(float(d[k]) * 100, 1)))
    assert not inside, f"{side}: between arm and flank inside the skin at (height m, gap cm) {inside}"


def test_the_thighs_are_apart_above_the_knees(skin, manifest):
    """Along the vasti medialis (laid on the medial side of each femur, their bellies bulging
    medially above the knees), the straight line between the two thighs' vasti medialis (the
    closest pair of their mesh points in each 2 cm band of height) leaves the body on its way:
    each thigh has its own skin there. Laid as myo-sim's round tubes the two bellies came within
    1 cm of each other and the envelope bridged the thighs (a handle in the skin)."""
    points, faces = np.asarray(skin.points, dtype=float), np.asarray(skin.faces)
    right, left = _cloud(manifest, ("vastus_medialis",), "right"), _cloud(manifest, ("vastus_medialis",), "left")
    lo = max(float(right[:, 2].min()), float(left[:, 2].min())) + 0.01
    hi = min(float(right[:, 2].max()), float(left[:, 2].max())) - 0.01
    heights = np.arange(lo, hi, 0.02)
    assert len(heights) >= 5
    bridged = []
    for h in heights:
        r, f = right[np.abs(right[:, 2] - h) < 0.01], left[np.abs(left[:, 2] - h) < 0.01]
        d, j = cKDTree(f).query(r)
        k = int(np.argmin(d))
        line = r[k] + np.linspace(0.0, 1.0, 41)[:, None] * (f[j[k]] - r[k])
        if all(contains_point(points, faces, q) for q in line):
            bridged.append((round(float(h), 3), round(float(d[k]) * 100, 1)))
    assert not bridged, f"between the thighs inside the skin at (height m, gap cm) {bridged}"


@pytest.mark.parametrize("side", SIDES)
def test_every_bone_and_arm_muscle_is_under_the_skin(skin, manifest, side):
    """The envelope covers the bones and the arm's muscles (the arm kept apart must not lose
    its own cover): at most a few vertices of a hand's or foot's bones poke through."""
    import pyvista as pv

    points, faces = np.asarray(skin.points, dtype=float), np.asarray(skin.faces)
    surface = pv.PolyData(points, np.hstack([np.full((len(faces), 1), 3), faces]).ravel())
    checked = [s for s in manifest if s.side in (side, None) and
               (s.kind in ("bone", "vertebra") or (s.kind == "muscle" and s.region in ("arm", "forearm", "elbow")))]
    cloud = np.concatenate([read_mesh(manifest.file_path(s)).points for s in checked])
    inside = np.asarray(pv.PolyData(cloud).select_interior_points(surface, check_surface=False)
                        .point_data["selected_points"]).astype(bool)
    assert inside.mean() > 0.999, f"{int((~inside).sum())} of {len(cloud)} vertices outside the skin"


#: How far a muscle vertex may lie outside the skin (metres): the envelope is smoothed and
#: decimated, so a vertex may stand a fraction of a millimetre proud where the skin is tight.
MUSCLE_TOLERANCE = 0.0005


def test_every_muscle_is_under_the_skin(skin, manifest):
    """Every muscle vertex lies inside the skin (or within half a millimetre of it): the humeral
    ends of the axillary folds (pectoralis major, latissimus dorsi, teres major) and the
    serratus anterior facing the hanging arm lay 2-5 mm outside the old envelope (110 vertices);
    a muscle through the skin looks wrong and makes a depth from the skin negative."""

    out = _outside_skin(skin, manifest, [s for s in manifest if s.kind == "muscle"])
    assert not out, f"muscle vertices outside the skin (count, farthest mm): {out}"


#: Kinds of structure built inside the body but not part of the skin's envelope: the skin is closed
#: round the bones and muscles only, so nothing keeps these under it but where they are laid.
INNER_KINDS = ("nerve", "root", "vessel", "organ")
#: Structures still known to come out through the skin, with why (count and farthest distance
#: as measured when listed). Each must still be outside (remove it when fixed): a list, not a
#: tolerance, so that nothing new can join it unnoticed. None now: the subclavian and brachial
#: arteries and the C5 roots came through until the skin was closed round them (LEAST_DEPTH).
KNOWN_OUTSIDE: dict[str, str] = {}


def test_every_nerve_vessel_and_organ_is_under_the_skin(skin, manifest):
    """Every vertex of every nerve and nerve root, and of every artery and organ drawn on request
    (subclavian, brachial, popliteal, carotid and vertebral arteries, the spinal cord, pleurae,
    lungs, kidneys), lies inside the skin or within the muscles' half-millimetre
    (``MUSCLE_TOLERANCE``, the smoothing of the envelope), except those ``KNOWN_OUTSIDE`` lists,
    which must still be outside. The median and ulnar nerves in the arm, the sciatic at the back
    of the thigh and the accessory in the neck lay up to 1.2 cm outside it, and a danger-zone
    depth from the skin of 0.1 cm for the sciatic at biceps femoris followed."""

    checked = [s for s in manifest.every() if s.kind in INNER_KINDS]
    assert {"nerve", "root", "vessel", "organ"} <= {s.kind for s in checked}
    assert {"brachial_artery_right", "popliteal_artery_left", "spinal_cord"} <= {s.id for s in checked}
    assert set(KNOWN_OUTSIDE) <= {s.id for s in checked}
    out = _outside_skin(skin, manifest, checked)
    unknown = {k: v for k, v in out.items() if k not in KNOWN_OUTSIDE}
    assert not unknown, f"vertices outside the skin (count, farthest mm): {unknown}"
    fixed = sorted(set(KNOWN_OUTSIDE) - set(out))
    assert not fixed, f"now under the skin, take them off KNOWN_OUTSIDE: {fixed}"


#: Least depth (metres) under the skin of the structures that came out through it before the skin
#: was closed round the arteries and nerve roots (atlas_bake/skin.py): the subclavian artery over
#: the pleura's dome 4.4 mm out, the brachial artery below teres major 3.7 mm, the C5 root in the
#: posterior triangle 1.3 mm. Closed round them, the skin lies about DILATE - ERODE (5 mm) outside
#: them, except where the arm hangs beside the flank: there the brachial artery and serratus
#: anterior have one voxel each and the empty one between.
LEAST_DEPTH = {"subclavian_artery": 0.004, "root_c5": 0.004, "brachial_artery": 0.001}


def _depths(skin, manifest, sid) -> tuple[np.ndarray, np.ndarray]:
    """A structure's vertices and their depth under the skin (metres; negative outside)."""
    import pyvista as pv

    points, faces = np.asarray(skin.points, dtype=float), np.asarray(skin.faces)
    surface = pv.PolyData(points, np.hstack([np.full((len(faces), 1), 3), faces]).ravel())
    cloud = read_mesh(manifest.file_path(manifest.requested(sid))).points.astype(float)
    probe = pv.PolyData(cloud)
    inside = np.asarray(probe.select_interior_points(surface, check_surface=False)
                        .point_data["selected_points"]).astype(bool)
    gap = np.abs(np.asarray(probe.compute_implicit_distance(surface).point_data["implicit_distance"]))
    return cloud, np.where(inside, gap, -gap)


@pytest.mark.parametrize("side", SIDES)
def test_the_subclavian_and_brachial_arteries_and_c5_lie_under_the_skin_by_a_margin(skin, manifest, side):
    """The subclavian artery (Gray: its second part covered by the skin, superficial fascia,
    Platysma and deep cervical fascia), the brachial artery (Todd: superficial in the whole line of
    its course, under the brachial aponeurosis) and the C5 root lie under the skin by at least
    ``LEAST_DEPTH``, not through it; and the brachial artery's first 5 cm below teres major lie
    within a centimetre of the skin (Hadzic: the axillary artery within a centimetre of the skin on
    the medial side of the proximal arm)."""
    least = {}
    for base, depth in LEAST_DEPTH.items():
        _, d = _depths(skin, manifest, f"{base}_{side}")
        least[base] = round(float(d.min()) * 1000, 2)
        assert d.min() >= depth, f"{side} {base}: {least[base]} mm under the skin at least (wanted {depth * 1000} mm)"
    cloud, d = _depths(skin, manifest, f"brachial_artery_{side}")
    top = manifest.requested(f"brachial_artery_{side}").landmarks["at_teres_major"][2]
    upper = cloud[:, 2] > top - 0.05
    assert upper.sum() > 10 and d[upper].min() < 0.01, (side, round(float(d[upper].min()) * 1000, 1))


@pytest.mark.parametrize("side", SIDES)
def test_the_sciatic_nerve_lies_deep_to_the_long_head_of_biceps_femoris_at_mid_thigh(manifest, side):
    """At mid-thigh (halfway down the femur's shaft between the lesser trochanter's level and the
    condyles, taken as the middle 40 % of the femur's height) the sciatic nerve runs deep to the
    long head of biceps femoris and on adductor magnus (Bassett 183-3; Gray): straight behind the
    nerve's centre lies the long head, straight in front of it adductor magnus (where that muscle
    reaches), and the centre is in neither. It lay lateral to the long head, under the skin alone."""
    from ims_atlas.anatomy.geometry import ray_hits
    from ims_atlas.bake.limb_arteries import section

    def mesh(sid):
        m = read_mesh(manifest.file_path(manifest.get(sid)))
        p = np.asarray(m.points, dtype=float)
        a = p[m.faces[:, 0]]
        return (p, m.faces), (a, p[m.faces[:, 1]] - a, p[m.faces[:, 2]] - a)

    (nerve_p, nerve_f), _ = mesh(f"nerve_sciatic_{side}")
    (femur_p, _), _ = mesh(f"femur_{side}")
    _, long_head = mesh(f"biceps_femoris_long_head_{side}")
    (am_p, am_f), adductor = mesh(f"adductor_magnus_{side}")
    lo, hi = float(femur_p[:, 2].min()), float(femur_p[:, 2].max())
    heights = np.linspace(lo + 0.3 * (hi - lo), lo + 0.7 * (hi - lo), 9)
    back, front = np.array([0.0, 1.0, 0.0]), np.array([0.0, -1.0, 0.0])  # +y is posterior
    wrong, on_adductor = [], 0
    for z in heights:
        ring = section(nerve_p, nerve_f, float(z))
        assert len(ring), f"{side}: the sciatic nerve does not reach {z:.3f} m"
        c = ring.mean(axis=0)
        behind = ray_hits(*long_head, c, back)
        ahead = ray_hits(*long_head, c, front)
        n_behind, n_ahead = int(np.sum(~np.isnan(behind))), int(np.sum(~np.isnan(ahead)))
        if n_behind == 0 or n_ahead % 2:
            wrong.append((round(float(z), 3), "not under the long head" if n_behind == 0 else "inside the long head"))
        if len(section(am_p, am_f, float(z))):
            am_ahead = ray_hits(*adductor, c, front)
            am_behind = ray_hits(*adductor, c, back)
            if np.sum(~np.isnan(am_behind)) % 2:
                wrong.append((round(float(z), 3), "inside adductor magnus"))
            elif np.sum(~np.isnan(am_ahead)):
                on_adductor += 1
    assert not wrong, f"{side}: the sciatic nerve at mid-thigh (height m, what): {wrong}"
    assert on_adductor >= 3, f"{side}: adductor magnus lies in front of the sciatic at only {on_adductor} heights"


def _outside_skin(skin, manifest, structures) -> dict[str, tuple[int, float]]:
    """``{id: (vertices outside, farthest mm)}`` of ``structures`` with vertices more than
    ``MUSCLE_TOLERANCE`` outside the skin."""
    import pyvista as pv

    points, faces = np.asarray(skin.points, dtype=float), np.asarray(skin.faces)
    surface = pv.PolyData(points, np.hstack([np.full((len(faces), 1), 3), faces]).ravel())
    out = {}
    for s in structures:
        cloud = read_mesh(manifest.file_path(s)).points
        inside = np.asarray(pv.PolyData(cloud).select_interior_points(surface, check_surface=False)
                            .point_data["selected_points"]).astype(bool)
        if inside.all():
            continue
        gap = np.abs(np.asarray(pv.PolyData(cloud[~inside]).compute_implicit_distance(surface)
                                .point_data["implicit_distance"]))
        if gap.max() > MUSCLE_TOLERANCE:
            out[s.id] = (int((gap > MUSCLE_TOLERANCE).sum()), round(float(gap.max()) * 1000, 1))
    return out
