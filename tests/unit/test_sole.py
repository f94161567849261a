"""The sole of the foot: the plantar aponeurosis lies on the first layer of muscles and divides
into five processes; abductor hallucis, flexor digitorum brevis and abductor digiti minimi are
muscles with bellies on the sole, plantar to the bones and to the deeper layers; every short
muscle of the sole reaches the bones its sources name.

Sources: ``authored_anatomy.json`` (Gray's Anatomy 1918 pp. 266, 491-492 and the others each
muscle cites). Directions in the baked frame: +Z superior, so "plantar" is -Z.
"""

import numpy as np
import pytest

from ims_atlas.anatomy import geometry
from ims_atlas.anatomy.mesh_file import read_mesh
from tests.unit.test_anatomy_library import _landmarks
from tests.unit.test_mesh_orientation import orientation_problems

SOLE = ["abductor_hallucis", "flexor_digitorum_brevis", "abductor_digiti_minimi", "quadratus_plantae",
        "flexor_hallucis_brevis", "adductor_hallucis", "plantar_fascia"]
FIRST_LAYER = ["abductor_hallucis", "flexor_digitorum_brevis", "abductor_digiti_minimi"]
DEEPER = ["quadratus_plantae", "flexor_hallucis_brevis", "adductor_hallucis"]
UP = np.array([0.0, 0.0, 1.0])
#: The base (posterior end) and the middle of a phalanx, as fractions of its own box (v from
#: anterior 0 to posterior 1).
BASE = [[0, 0.75, 0], [1, 1, 1]]
MIDDLE = [[0, 0.3, 0], [1, 0.7, 1]]


@pytest.fixture(scope="module")
def lm(manifest):
    return _landmarks(manifest)


@pytest.fixture(scope="module")
def meshes(manifest):
    out = {}
    for sid in [f"{m}_right" for m in SOLE if f"{m}_right" in manifest] + ["foot_bones_right"]:
        m = read_mesh(manifest.file_path(manifest[sid]))
        out[sid.removesuffix("_right")] = m
    return out


def _piece(lm, piece: str, within=None) -> np.ndarray:
    """Surface samples of one bone of the foot, or of the part of it inside ``within``."""
    s = lm.samples(lm.target({"bone": "foot_bones", "piece": piece}))
    if within is None:
        return s
    lo, hi = s.min(axis=0), s.max(axis=0)
    # Box fractions as the data file uses them: u from medial (+X on the right) to lateral.
    a, b = np.array([hi[0], lo[1], lo[2]]), np.array([lo[0], hi[1], hi[2]])
    rel = (s - a) / (b - a)
    (u0, v0, w0), (u1, v1, w1) = within
    keep = (rel[:, 0] >= u0) & (rel[:, 0] <= u1) & (rel[:, 1] >= v0) & (rel[:, 1] <= v1) & (rel[:, 2] >= w0) \
        & (rel[:, 2] <= w1)
    return s[keep]


def _gap(points: np.ndarray, samples: np.ndarray) -> float:
    """Distance from the nearest of ``points`` to the nearest of ``samples``."""
    points = np.atleast_2d(points)
    return float(min(np.linalg.norm(samples - p, axis=1).min() for p in points))


def _hits_up(mesh, x: float, y: float) -> np.ndarray:
    """Heights at which a vertical line through (x, y) crosses a mesh, lowest first. The line is
    moved a fraction of a millimetre off (x, y): a centre path runs through mesh vertices, where
    a line would count every triangle that meets there."""
    p = np.asarray(mesh.points, dtype=np.float64)
    a = p[mesh.faces[:, 0]]
    start = np.array([x + 0.00031, y + 0.00017, -1.0])
    t = geometry.ray_hits(a, p[mesh.faces[:, 1]] - a, p[mesh.faces[:, 2]] - a, start, UP)
    return np.sort(t[~np.isnan(t)]) - 1.0


def test_every_short_muscle_of_the_sole_is_closed_outward_cited_and_on_both_sides(manifest):
    for m in SOLE:
        for side in ("left", "right"):
            s = manifest[f"{m}_{side}"]
            # The plantar aponeurosis is fascia, drawn pearly and part-transparent over the muscles.
            assert s.kind == ("fascia" if m == "plantar_fascia" else "muscle"), s.id
            assert s.region == "foot" and s.muscle == m, s.id
            assert s.source.startswith("Authored") and "<http" in s.source, s.id
            mesh = read_mesh(manifest.file_path(s))
            assert orientation_problems(mesh.points, mesh.faces) == [], s.id


#: Where each short muscle's stored centre path starts and ends: a bone of the foot, or the part
#: of it within a sub-box (None: the end is not on bone).
ENDS = {
    # Gray: from the medial process of the calcaneal tuberosity to the tibial side of the base of
    # the first phalanx of the great toe.
    "abductor_hallucis": (("calcaneus", None), ("proximal_phalanx_1", BASE)),
    # Gray: from the medial process to the sides of the second (middle) phalanx of the lesser
    # toes; the stored centre path is the tendon to the third toe.
    "flexor_digitorum_brevis": (("calcaneus", None), ("middle_phalanx_3", MIDDLE)),
    # Gray: from the processes of the tuberosity to the fibular side of the base of the first
    # phalanx of the fifth toe.
    "abductor_digiti_minimi": (("calcaneus", None), ("proximal_phalanx_5", BASE)),
    # Both heads from the calcaneus; the insertion is on the long flexor's tendon, not on bone.
    "quadratus_plantae": (("calcaneus", None), None),
    # From the cuboid and lateral cuneiform to the base of the first phalanx of the great toe.
    "flexor_hallucis_brevis": (("cuboid", None), ("proximal_phalanx_1", BASE)),
    # Oblique head from the bases of the second to fourth metatarsals to the same phalanx.
    "adductor_hallucis": (("metatarsal_3", None), ("proximal_phalanx_1", BASE)),
    # The central portion from the medial process; it ends in the processes (checked below).
    "plantar_fascia": (("calcaneus", None), None),
}


def test_sole_muscle_ends_lie_within_7_mm_of_the_bones_their_sources_name(manifest, lm):
    assert set(ENDS) == set(SOLE)
    wrong = []
    for muscle, places in ENDS.items():
        path = read_mesh(manifest.file_path(manifest[f"{muscle}_right"])).path
        for end, point, where in (("origin", path[0], places[0]), ("insertion", path[-1], places[1])):
            if where is not None and (gap := _gap(point, _piece(lm, *where))) >= 0.007:
                wrong.append(f"{muscle} {end} is {gap * 1000:.1f} mm from the {where[0]}")
    assert not wrong, wrong


def test_flexor_digitorum_brevis_sends_a_tendon_to_the_middle_phalanx_of_each_lesser_toe(lm, meshes):
    fdb = meshes["flexor_digitorum_brevis"].points
    for toe in (2, 3, 4, 5):
        gap = _gap(fdb, _piece(lm, f"middle_phalanx_{toe}", MIDDLE))
        assert gap < 0.004, f"no tendon within 4 mm of the middle phalanx of toe {toe} ({gap * 1000:.1f} mm)"


def test_first_layer_muscles_have_bellies(meshes):
    """A belly at least 12 mm across and 7 mm thick somewhere along each first-layer muscle (the
    sheets they replace were a few millimetres thick at their edges and lay flat)."""
    for m in FIRST_LAYER:
        p = meshes[m].points
        y0, y1 = np.quantile(p[:, 1], [0.2, 0.8])
        best = (0.0, 0.0)
        for y in np.linspace(y0, y1, 12):
            s = p[np.abs(p[:, 1] - y) < 0.004]
            if len(s):
                across, thick = float(np.ptp(s[:, 0])), float(np.ptp(s[:, 2]))
                best = max(best, (min(across, 0.03), thick), key=lambda b: min(b[0] / 0.012, b[1] / 0.007))
        assert best[0] >= 0.012 and best[1] >= 0.007, f"{m}: belly {best[0] * 1000:.0f} x {best[1] * 1000:.0f} mm"


def test_first_layer_lies_plantar_to_the_bones_and_the_deeper_layers(manifest, meshes):
    """Seen from below, along the middle of each first-layer muscle, a vertical line meets that
    muscle before the metatarsals and tarsal bones and before quadratus plantae, flexor hallucis
    brevis and adductor hallucis."""
    bones = meshes["foot_bones"]
    for m in FIRST_LAYER:
        path = read_mesh(manifest.file_path(manifest[f"{m}_right"])).path
        stations = path[np.linspace(0.25 * (len(path) - 1), 0.6 * (len(path) - 1), 8).round().astype(int)]
        below = 0
        for x, y, _ in stations:
            own = _hits_up(meshes[m], x, y)
            others = np.concatenate([_hits_up(bones, x, y)] + [_hits_up(meshes[d], x, y) for d in DEEPER])
            if len(own) and (len(others) == 0 or own[0] < others.min()):
                below += 1
        assert below >= 7, f"{m}: plantar to the bones and deeper muscles at {below} of 8 stations"


def test_plantar_aponeurosis_lies_on_flexor_digitorum_brevis_and_is_thin(manifest, meshes):
    """Along its central portion, from just in front of the heel to the metatarsals, the
    aponeurosis is the most plantar structure, lies on flexor digitorum brevis (its deep surface
    within 2 mm of the muscle: it follows the muscle, not a flat plate beneath it) and is no
    more than 4 mm thick, thinner in front than behind (Gray; 2-4 mm near the heel, Aggarwal 2020)."""
    fascia, fdb = meshes["plantar_fascia"], meshes["flexor_digitorum_brevis"]
    path = read_mesh(manifest.file_path(manifest["plantar_fascia_right"])).path
    on, thickness = 0, []
    fractions = np.linspace(0.15, 0.85, 12)
    for f in fractions:
        x, y, _ = path[round(f * (len(path) - 1))]
        sheet, muscle = _hits_up(fascia, x, y), _hits_up(fdb, x, y)
        assert len(sheet) >= 2, f"no aponeurosis under the middle of the sole at {f:.2f}"
        thickness.append(sheet[1] - sheet[0])
        if len(muscle) and sheet[0] < muscle[0] and muscle[0] - sheet[1] < 0.002:
            on += 1
    thickness = np.array(thickness)
    assert on >= 10, f"the aponeurosis lies on flexor digitorum brevis at {on} of 12 stations"
    assert thickness.max() <= 0.004, f"{thickness.max() * 1000:.1f} mm thick"
    assert thickness[-3:].mean() < thickness[:3].mean(), "not thinner in front than behind"


def _width(mesh, point) -> float:
    """Width across the sole (along x) of the run of a mesh seen from below around a point."""
    width = 0.0
    for step in (-0.001, 0.001):
        x = point[0]
        while len(_hits_up(mesh, x + step, point[1])) and abs(x - point[0]) < 0.1:
            x += step
        width += abs(x - point[0])
    return width


def test_plantar_aponeurosis_is_narrow_behind_and_divides_into_five_processes(manifest, lm, meshes):
    """Narrow behind and broader in front (Gray); at the metatarsophalangeal joints one process
    under each toe with a gap between neighbours (Gray: 'divides near the heads of the metatarsal
    bones into five processes, one for each of the toes'), each reaching the base of its toe."""
    fascia = meshes["plantar_fascia"]
    p = fascia.points
    path = read_mesh(manifest.file_path(manifest["plantar_fascia_right"])).path
    behind, front = (_width(fascia, path[round(f * (len(path) - 1))]) for f in (0.1, 0.85))
    assert behind < 0.025 and front > 0.045, f"{behind * 1000:.0f} mm wide behind, {front * 1000:.0f} mm in front"
    joints = []
    for toe in range(1, 6):
        head = _piece(lm, f"metatarsal_{toe}", [[0, 0, 0], [1, 0.2, 1]])
        base = _piece(lm, f"proximal_phalanx_{toe}", BASE)
        joints.append((head[np.argmin(head[:, 2])] + base[np.argmin(base[:, 2])]) / 2)
        gap = _gap(p, _piece(lm, f"proximal_phalanx_{toe}", BASE))
        assert gap < 0.007, f"the process to toe {toe} ends {gap * 1000:.1f} mm from the base of its phalanx"
    for toe, joint in enumerate(joints, start=1):
        assert len(_hits_up(fascia, joint[0], joint[1])), f"no process under the joint of toe {toe}"
    for a, b in zip(joints, joints[1:], strict=False):
        mid = (a + b) / 2
        assert not len(_hits_up(fascia, mid[0], mid[1])), "no gap between two processes"
