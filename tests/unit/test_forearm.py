"""The superficial muscles of the back and radial side of the forearm: brachioradialis, the two
radial wrist extensors, extensor digitorum, extensor digiti minimi, extensor carpi ulnaris and
anconeus are authored sheets (replacing myo-sim's round tubes) that lie side by side round the
forearm, each a flattened belly ending where the sourced table says, then a tendon to the bone
its sources name.

Sources: ``authored_anatomy.json`` (Gray's Anatomy 1918 pp. 452 and 454, and the others each
muscle cites) and ``muscle_bellies.json``. Directions in the baked frame: +Z superior, -Y
anterior, -X lateral on the right side; myo-sim's forearm is mid-prone, so the back of the
forearm faces laterally and its radial border forwards.
"""

import numpy as np
import pytest

from ims_atlas.anatomy import geometry
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.bake import bellies
from tests.unit.test_anatomy_library import _landmarks
from tests.unit.test_mesh_orientation import orientation_problems
from tests.unit.test_muscle_sheets import _components

FOREARM = ["brachioradialis", "extensor_carpi_radialis_longus", "extensor_carpi_radialis_brevis", "extensor_digitorum",
           "extensor_digiti_minimi", "extensor_carpi_ulnaris", "anconeus"]
#: The five long superficial muscles in their order round the forearm, from front to back.
ROUND = ["brachioradialis", "extensor_carpi_radialis_longus", "extensor_carpi_radialis_brevis", "extensor_digitorum",
         "extensor_carpi_ulnaris"]
#: Box fractions (u medial 0 -> lateral 1, v anterior 0 -> posterior 1, w bottom 0 -> top 1).
LATERAL_EPICONDYLE = [[0.6, 0, 0], [1, 1, 0.12]]
BASE = [[0, 0, 0.7], [1, 1, 1]]  # the upper end of a bone of the hand (it hangs fingers down)


@pytest.fixture(scope="module")
def lm(manifest):
    return _landmarks(manifest)


@pytest.fixture(scope="module")
def meshes(manifest):
    return {m: read_mesh(manifest.file_path(manifest[f"{m}_right"])) for m in FOREARM if f"{m}_right" in manifest}


@pytest.fixture(scope="module")
def axis(lm):
    """The forearm's axis (elbow centre, wrist centre) as the data file names them."""
    return lm.point("elbow_centre"), lm.point("wrist_centre")


def _part(lm, bone: str, within) -> np.ndarray:
    """Surface samples of a bone (``hand_bones:metacarpal_2`` for one bone of the hand) inside a
    sub-box of its own bounding box."""
    name, _, piece = bone.partition(":")
    target = lm.target({"bone": name, "piece": piece} if piece else {"bone": name})
    s = lm.samples(target)
    lo, hi = s.min(axis=0), s.max(axis=0)
    a, b = np.array([hi[0], lo[1], lo[2]]), np.array([lo[0], hi[1], hi[2]])  # right side: medial is +X
    rel = (s - a) / (b - a)
    (u0, v0, w0), (u1, v1, w1) = within
    keep = np.all((rel >= [u0, v0, w0]) & (rel <= [u1, v1, w1]), axis=1)
    return s[keep]


def _gap(point, samples) -> float:
    return float(np.linalg.norm(samples - point, axis=1).min())


def test_each_is_one_authored_closed_outward_structure_per_side(manifest):
    """One structure per side under the id the catalog uses, authored and cited, closed and wound
    outward; one connected piece, but for extensor digitorum: its belly (with the tendon to the
    middle finger) and the three other tendons that begin within it."""
    for m in FOREARM:
        for side in ("left", "right"):
            found = [s for s in manifest.muscle_structures(m) if s.side == side]
            assert [s.id for s in found] == [f"{m}_{side}"], found
            s = found[0]
            assert s.kind == "muscle" and s.source.startswith("Authored") and "<http" in s.source, s.id
            mesh = read_mesh(manifest.file_path(s))
            assert orientation_problems(mesh.points, mesh.faces) == [], s.id
            pieces = _components(mesh.points, mesh.faces)
            assert pieces == (4 if m == "extensor_digitorum" else 1), f"{s.id}: {pieces} pieces"


#: Where each muscle's stored centre path starts and ends: a bone (or one bone of the hand) and
#: the part of its box the sources name.
ENDS = {
    # Upper two-thirds of the lateral supracondylar ridge -> lateral side of the radial styloid's base.
    "brachioradialis": (("humerus", [[0.6, 0, 0.14], [1, 1, 0.38]]), ("radius", [[0, 0, 0], [1, 1, 0.12]])),
    # Lower third of the ridge -> base of the second metacarpal.
    "extensor_carpi_radialis_longus": (("humerus", [[0.6, 0, 0.04], [1, 1, 0.2]]), ("hand_bones:metacarpal_2", BASE)),
    # Lateral epicondyle -> base of the third metacarpal.
    "extensor_carpi_radialis_brevis": (("humerus", LATERAL_EPICONDYLE), ("hand_bones:metacarpal_3", BASE)),
    # Lateral epicondyle -> base of the middle phalanx of the middle finger (the belly's own tendon).
    "extensor_digitorum": (("humerus", LATERAL_EPICONDYLE), ("hand_bones:middle_phalanx_3", [[0, 0, 0.6], [1, 1, 1]])),
    # Common extensor tendon -> dorsum of the first phalanx of the little finger.
    "extensor_digiti_minimi": (("humerus", LATERAL_EPICONDYLE), ("hand_bones:proximal_phalanx_5", [[0, 0, 0], [1, 1, 1]])),
    # Lateral epicondyle -> tubercle on the ulnar side of the base of the fifth metacarpal.
    "extensor_carpi_ulnaris": (("humerus", LATERAL_EPICONDYLE), ("hand_bones:metacarpal_5", BASE)),
    # Back of the lateral epicondyle -> side of the olecranon and upper fourth of the ulna.
    "anconeus": (("humerus", LATERAL_EPICONDYLE), ("ulna", [[0, 0, 0.7], [1, 1, 1]])),
}


def test_ends_lie_within_7_mm_of_the_bones_their_sources_name(lm, meshes):
    """Each centre path starts and ends within 7 mm of the bone its sources name; extensor
    digitorum's four tendons each end on the base of a middle phalanx (Gray), not beyond it."""
    assert set(ENDS) == set(FOREARM)
    wrong = []
    for m, places in ENDS.items():
        path = meshes[m].path
        for end, point, (bone, within) in (("origin", path[0], places[0]), ("insertion", path[-1], places[1])):
            if (gap := _gap(point, _part(lm, bone, within))) >= 0.007:
                wrong.append(f"{m} {end} is {gap * 1000:.1f} mm from {bone} {within}")
    edc = meshes["extensor_digitorum"]
    for finger in (2, 3, 4, 5):
        base = _part(lm, f"hand_bones:middle_phalanx_{finger}", [[0, 0, 0.6], [1, 1, 1]])
        near = np.linalg.norm(edc.points[:, None, :] - base[None, ::8, :], axis=2).min(axis=1)
        tip = _part(lm, f"hand_bones:middle_phalanx_{finger}", [[0, 0, 0], [1, 1, 0.3]])
        if near.min() >= 0.005:
            wrong.append(f"no extensor digitorum tendon within 5 mm of the base of middle phalanx {finger}")
        if np.linalg.norm(edc.points[:, None, :] - tip[None, ::8, :], axis=2).min() < 0.003:
            wrong.append(f"extensor digitorum runs on past the base of middle phalanx {finger}")
    assert not wrong, wrong




def _frame(axis):
    """Unit vectors along the forearm (proximal to distal), lateral and posterior square to it."""
    a, b = axis
    along = (b - a) / np.linalg.norm(b - a)
    lateral = np.array([-1.0, 0.0, 0.0]) - along * -along[0]
    lateral /= np.linalg.norm(lateral)
    posterior = np.cross(along, lateral)
    return along, lateral, posterior if posterior[1] > 0 else -posterior


def _first_hits(manifest, axis, level: float, angles) -> list[str | None]:
    """The structure each ray meets first, coming from outside straight towards the forearm's
    axis at ``level`` (a share of the elbow-to-wrist distance), at each angle round it (0
    lateral, 90 posterior, -90 anterior). Candidates: every right-side muscle and bone with a
    point within 2 cm of that level."""
    a, b = axis
    along, lateral, posterior = _frame(axis)
    centre = a + level * (b - a)
    tris = {}
    for s in manifest:
        if s.side != "right" or s.kind not in ("muscle", "bone"):
            continue
        m = read_mesh(manifest.file_path(s))
        p = np.asarray(m.points, dtype=np.float64)
        if np.abs((p - centre) @ along).min() > 0.02 or np.linalg.norm(p - centre, axis=1).min() > 0.08:
            continue
        f = m.faces
        tris[s.muscle or s.id] = (p[f[:, 0]], p[f[:, 1]] - p[f[:, 0]], p[f[:, 2]] - p[f[:, 0]])
    hits = []
    for angle in angles:
        t = np.radians(angle)
        d = np.cos(t) * lateral + np.sin(t) * posterior
        start = centre + 0.1 * d + 0.00037 * along  # off any vertex the rings put at this level
        best, first = np.inf, None
        for name, (v0, e1, e2) in tris.items():
            hit = geometry.ray_hits(v0, e1, e2, start, -d)
            if not np.all(np.isnan(hit)) and np.nanmin(hit) < best:
                best, first = float(np.nanmin(hit)), name
        hits.append(first)
    return hits


@pytest.mark.parametrize("level", [0.2, 0.3])
def test_the_five_bellies_lie_side_by_side_round_the_forearm(manifest, axis, level):
    """In the upper forearm, rays from outside straight towards the forearm's axis, swept from
    the front (radial border) round the outside to the back (ulnar border), meet brachioradialis,
    extensor carpi radialis longus, extensor carpi radialis brevis, extensor digitorum and extensor
    carpi ulnaris first, in that order, each over a strip of its own at least 8 degrees wide (the
    myo-sim tubes ran so close together that brachioradialis hid under extensor carpi radialis
    longus)."""
    angles = np.arange(-130.0, 111.0, 2.0)
    hits = _first_hits(manifest, axis, level, angles)
    runs = []
    for h in hits:
        if h in ROUND:
            if runs and runs[-1][0] == h:
                runs[-1][1] += 1
            else:
                runs.append([h, 1])
    order = [r[0] for r in runs if r[1] >= 2]  # a lone ray on a neighbour's edge is no strip
    assert order == ROUND, f"front to back at {level}: {runs}"
    width = {m: 2.0 * sum(n for r, n in runs if r == m) for m in ROUND}
    assert min(width.values()) >= 8.0, width


def _piece_on_path(mesh):
    """The connected piece of a mesh its centre path runs through (extensor digitorum's belly,
    without the three tendons that begin within it)."""
    from types import SimpleNamespace

    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    p, f = np.asarray(mesh.points, dtype=np.float64), mesh.faces
    edges = np.concatenate([f[:, [0, 1]], f[:, [1, 2]]])
    _, labels = connected_components(coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])),
                                                shape=(len(p), len(p))), directed=False)
    mid = mesh.path[len(mesh.path) // 2]
    keep = labels[f[:, 0]] == labels[np.argmin(np.linalg.norm(p - mid, axis=1))]
    return SimpleNamespace(points=p, faces=f[keep], path=mesh.path)


def _section(mesh, point, normal) -> np.ndarray:
    """Points where the mesh's edges cross the plane through ``point`` square to ``normal``."""
    p = np.asarray(mesh.points, dtype=np.float64)
    e = np.unique(np.sort(np.concatenate([mesh.faces[:, [0, 1]], mesh.faces[:, [1, 2]], mesh.faces[:, [2, 0]]]), axis=1),
                  axis=0)
    s = (p - point) @ normal
    cross = (s[e[:, 0]] > 0) != (s[e[:, 1]] > 0)
    a, b = e[cross, 0], e[cross, 1]
    w = (s[a] / (s[a] - s[b]))[:, None]
    return p[a] + w * (p[b] - p[a])


@pytest.fixture(scope="module")
def segments():
    from ims_atlas.bake.myosim import load_default_pose

    model, data = load_default_pose()
    return bellies.segments(model, data)


@pytest.mark.bake
@pytest.mark.parametrize("muscle", ROUND)
def test_each_belly_is_flat_and_widest_where_the_sources_put_its_belly(meshes, axis, segments, muscle):
    """Across the forearm's surface the belly is wider than it is thick (a flattened belly lying
    on the forearm, not a round tube), it is widest within the fleshy range the sourced table
    gives on its own centre path (``muscle_bellies.json``), and a tendon, much narrower, runs on
    below that range."""
    mesh = _piece_on_path(meshes[muscle])
    path = mesh.path
    belly = bellies.belly_range(muscle, "right", path, segments)
    assert belly is not None
    along, _, _ = _frame(axis)
    a, _ = axis
    s = bellies.arc_fractions(path)
    fractions = np.linspace(0.03, 0.97, 48)
    width, thick = [], []
    for f in fractions:
        centre = np.array([np.interp(f, s, path[:, k]) for k in range(3)])
        tangent = np.array([np.interp(min(f + 0.01, 1.0), s, path[:, k]) - np.interp(max(f - 0.01, 0.0), s, path[:, k])
                            for k in range(3)])
        pts = _section(mesh, centre, tangent / np.linalg.norm(tangent))
        pts = pts[np.linalg.norm(pts - centre, axis=1) < 0.03]  # this crossing, not another part of the sheet
        if len(pts) < 3:
            width.append(0.0), thick.append(0.0)
            continue
        radial = centre - a - ((centre - a) @ along) * along
        radial /= np.linalg.norm(radial)
        across = np.cross(tangent, radial)
        across /= np.linalg.norm(across)
        u, r = pts @ across, pts @ radial
        width.append(float(np.ptp(u)))
        # Thickness across the layer where it is thickest (not the radial spread of the whole
        # section, which also counts the curve of a strip laid round the forearm).
        bins = np.minimum(((u - u.min()) / max(np.ptp(u), 1e-9) * 6).astype(int), 5)
        thick.append(max(float(np.ptp(r[bins == k])) for k in np.unique(bins)))
    width, thick = np.array(width), np.array(thick)
    i = int(np.argmax(width * thick))
    assert belly[0] - 0.02 <= fractions[i] <= belly[1] + 0.02, f"{muscle}: widest at {fractions[i]:.2f}, belly {belly}"
    assert width[i] >= 1.3 * thick[i], f"{muscle}: {width[i] * 1000:.0f} mm wide, {thick[i] * 1000:.0f} mm thick"
    tendon = fractions > belly[1] + 0.1
    assert width[tendon].max() < 0.6 * width[i], f"{muscle}: no narrow tendon below its belly"


def test_neighbouring_bellies_touch_but_hardly_overlap(meshes):
    """Each muscle touches the next one round the forearm, front to back (within 2 mm), and no
    more than 6% of one's surface lies inside another of the group: side by side, not stacked
    (myo-sim's tubes ran through each other near the elbow)."""
    from scipy.spatial import cKDTree

    wrong = []
    order = ROUND[:4] + ["extensor_digiti_minimi", "extensor_carpi_ulnaris", "anconeus"]
    for a, b in zip(order, order[1:], strict=False):
        gap = float(cKDTree(meshes[b].points).query(meshes[a].points)[0].min())
        if gap > 0.002:
            wrong.append(f"{a} and {b} are {gap * 1000:.1f} mm apart")
    for a in FOREARM:
        pts = meshes[a].points[::2]
        for b in FOREARM:
            if a == b:
                continue
            mb = meshes[b]
            lo, hi = mb.points.min(axis=0), mb.points.max(axis=0)
            near = pts[np.all((pts >= lo) & (pts <= hi), axis=1)]
            inside = sum(geometry.contains_point(mb.points, mb.faces, p) for p in near)
            if inside > 0.06 * len(pts):
                wrong.append(f"{inside / len(pts):.0%} of {a} lies inside {b}")
    assert not wrong, wrong
