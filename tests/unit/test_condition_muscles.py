"""The eight local targets issue 17 added to the anatomy: medial pterygoid (jaw pain),
iliocostalis thoracis (thoracic pain), obturator internus and quadratus femoris (piriformis
syndrome), plantaris (Achilles tendinopathy), extensor digitorum brevis and the lumbricals and
plantar interossei of the foot (metatarsalgia).

Each is drawn on both sides, reaches the bones its textbook attachments name (Gray's Anatomy
1918 and the others its manifest entry cites), lies at its depth (deep to gluteus maximus,
between gastrocnemius and soleus, medial to the mandibular ramus) without passing through bone,
and holds its catalog epicentre inside its belly.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from ims_atlas.anatomy import geometry
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.anatomy.placement import point_along
from ims_atlas.core.paths import bundled_catalog_path
from tests.unit.test_anatomy_library import _edge_use, _first_hit, _landmarks

#: muscle id -> (origin bones, insertion bones, a Gray's 1918 page its source must name,
#: the bones it must not pass through and the share of its surface allowed inside them).
MUSCLES = {
    "medial_pterygoid": (["skull"], ["mandible"], "page387", {"skull": 0.15, "mandible": 0.06}),
    "iliocostalis_thoracis": (["ribcage"], ["ribcage", "C7"], "page399", {"ribcage": 0.08}),
    "obturator_internus": (["hip_bone"], ["femur"], "page477", {"hip_bone_right": 0.04, "femur_right": 0.02}),
    "quadratus_femoris": (["hip_bone"], ["femur"], "quadratus-femoris", {"hip_bone_right": 0.04, "femur_right": 0.03}),
    "plantaris": (["femur"], ["foot_bones"], "page483", {"femur_right": 0.08, "tibia_right": 0.01,
                                                          "fibula_right": 0.01, "foot_bones_right": 0.03}),
    "extensor_digitorum_brevis": (["foot_bones"], ["foot_bones"], "page490", {"foot_bones_right": 0.06}),
    "lumbricals_foot": (["foot_bones"], ["foot_bones"], "page493", {"foot_bones_right": 0.06}),
    "plantar_interossei_foot": (["foot_bones"], ["foot_bones"], "page495", {"foot_bones_right": 0.11}),
}


def _mesh(manifest, sid):
    return read_mesh(manifest.file_path(manifest[sid]))


def _epicentres() -> dict[str, list[float]]:
    doc = json.loads(bundled_catalog_path().read_text(encoding="utf-8"))
    return {t["muscle"]: t["epicentre"]["position"] for c in doc["conditions"] for t in c["local_targets"]
            if t["muscle"] in MUSCLES}


def _surface(mesh) -> np.ndarray:
    """Vertices and face centres of a mesh."""
    p = np.asarray(mesh.points, dtype=np.float64)
    return np.vstack([p, p[mesh.faces].mean(axis=1)])


def _inside_share(bone, pts) -> float:
    return float(np.mean([geometry.contains_point(bone.points, bone.faces, q) for q in pts]))


@pytest.mark.parametrize("muscle", sorted(MUSCLES))
def test_drawn_on_both_sides_closed_and_cited(manifest, muscle):
    assert_drawn_both_sides(manifest, muscle, MUSCLES[muscle][2], least_faces=101)


def assert_drawn_both_sides(manifest, muscle: str, cited: str, least_faces: int) -> None:
    """An authored muscle is drawn once a side, each a closed muscle mesh of at least
    ``least_faces`` triangles on its own side of the midline, its source naming ``cited``."""
    structures = manifest.muscle_structures(muscle)
    assert sorted(s.side for s in structures) == ["left", "right"]
    for s in structures:
        assert s.kind == "muscle" and s.id == f"{muscle}_{s.side}"
        mesh = _mesh(manifest, s.id)
        assert len(mesh.faces) >= least_faces and (_edge_use(mesh.faces) == 2).all(), f"{s.id} is not closed"
        assert s.source.startswith("Authored for IMS Atlas from: ") and cited in s.source, s.source
        side = -1 if s.side == "right" else 1
        assert (side * (mesh.points[:, 0] - manifest.midline_x) > 0).all(), f"{s.id} crosses the midline"


@pytest.mark.parametrize("muscle", sorted(MUSCLES))
def test_its_ends_lie_at_its_named_bones(manifest, muscle):
    """The centre path starts within 6 mm of an origin bone and ends within 6 mm of an
    insertion bone (11 mm for iliocostalis thoracis, whose insertion line runs from the first
    rib's angle to the seventh cervical transverse process across the gap between them)."""
    origin, insertion, _, _ = MUSCLES[muscle]
    lm = _landmarks(manifest)
    path = _mesh(manifest, f"{muscle}_right").path
    assert lm.distance_to_bones(path[0], origin) < 0.006, f"{muscle}: origin off {origin}"
    reach = 0.011 if muscle == "iliocostalis_thoracis" else 0.006
    assert lm.distance_to_bones(path[-1], insertion) < reach, f"{muscle}: insertion off {insertion}"


def _near_piece(manifest, muscle, piece, within=0.004) -> bool:
    lm = _landmarks(manifest)
    samples = lm.samples(lm.target({"bone": "foot_bones", "piece": piece}))
    pts = _surface(_mesh(manifest, f"{muscle}_right"))
    return any(float(np.linalg.norm(samples - q, axis=1).min()) < within for q in pts)


@pytest.mark.parametrize("muscle, pieces", [
    # Gray 1918 p. 490: from the calcaneus, tendons to the 2nd-4th toes.
    ("extensor_digitorum_brevis", ["calcaneus", "proximal_phalanx_2", "proximal_phalanx_3", "proximal_phalanx_4"]),
    # p. 493: each passes forward to the medial side of one of the four lesser toes.
    ("lumbricals_foot", ["proximal_phalanx_2", "proximal_phalanx_3", "proximal_phalanx_4", "proximal_phalanx_5"]),
    # p. 495: from the 3rd-5th metatarsals to the first phalanges of the same toes.
    ("plantar_interossei_foot", ["metatarsal_3", "metatarsal_4", "metatarsal_5", "proximal_phalanx_3",
                                 "proximal_phalanx_4", "proximal_phalanx_5"]),
    ("plantaris", ["calcaneus"]),
])
def test_foot_attachments_reach_each_named_bone(manifest, muscle, pieces):
    for piece in pieces:
        assert _near_piece(manifest, muscle, piece), f"{muscle} does not reach the {piece}"


def test_foot_groups_have_one_part_per_muscle(manifest):
    assert len(manifest["lumbricals_foot_right"].parts) == 4
    assert len(manifest["plantar_interossei_foot_right"].parts) == 3
    assert len(manifest["extensor_digitorum_brevis_right"].parts) == 4  # belly and three tendons


@pytest.mark.parametrize("muscle", sorted(MUSCLES))
def test_no_muscle_passes_through_bone(manifest, muscle):
    m = _mesh(manifest, f"{muscle}_right")
    pts = _surface(m)
    for bone, most in MUSCLES[muscle][3].items():
        share = _inside_share(_mesh(manifest, bone), pts)
        assert share < most, f"{share:.1%} of {muscle} lies inside {bone}"


@pytest.mark.parametrize("muscle", sorted(MUSCLES))
def test_its_epicentre_is_inside_its_mesh_on_both_sides(manifest, muscle):
    q = np.array(_epicentres()[muscle], dtype=np.float64)
    along = json.loads(bundled_catalog_path().read_text(encoding="utf-8"))
    fraction = next(t["epicentre"]["along"] for c in along["conditions"] for t in c["local_targets"]
                    if t["muscle"] == muscle)
    assert np.allclose(point_along(manifest, muscle, "right", fraction), q, atol=1e-4)
    right = _mesh(manifest, f"{muscle}_right")
    assert geometry.contains_point(right.points, right.faces, q), f"{muscle}: epicentre outside its mesh"
    left = _mesh(manifest, f"{muscle}_left")
    mirrored = q.copy()
    mirrored[0] = 2.0 * manifest.midline_x - q[0]
    assert geometry.contains_point(left.points, left.faces, mirrored), f"{muscle}: mirrored epicentre outside"


def test_plantaris_epicentre_is_in_its_short_belly_behind_the_knee(manifest):
    """Gray 1918: a fusiform belly 7-10 cm long, then a long slender tendon. The epicentre is
    in the belly, where the muscle is thick, within 10 cm of the origin."""
    q = np.array(_epicentres()["plantaris"])
    m = _mesh(manifest, "plantaris_right")
    path = m.path
    assert np.linalg.norm(q - path[0]) < 0.10
    lm = _landmarks(manifest)
    knee = lm.point({"bone": "tibia", "extreme": "superior"})
    assert abs(q[2] - knee[2]) < 0.04, "not behind the knee"
    # The tendon (below mid-calf) is a few mm across; the belly is over a centimetre.
    def width(z):
        band = m.points[np.abs(m.points[:, 2] - z) < 0.004]
        return float(np.ptp(band[:, 0]) + np.ptp(band[:, 1]))
    assert width(q[2]) > 2.5 * width(0.3)


@pytest.mark.parametrize("muscle", ["obturator_internus", "quadratus_femoris"])
def test_hip_rotators_lie_deep_to_gluteus_maximus(manifest, muscle):
    q = np.array(_epicentres()[muscle])
    first = _first_hit(manifest, q + np.array([0.0, 0.3, 0.0]), np.array([0.0, -1.0, 0.0]),
                       [f"{muscle}_right", "gluteus_maximus_right"])
    assert first == "gluteus_maximus_right", f"{muscle} is not covered by gluteus maximus from behind"


def test_hip_rotators_in_order_below_piriformis(manifest):
    """Piriformis above, the obturator internus tendon below it, quadratus femoris lowest; the
    obturator internus also lies within the pelvis (its origin round the obturator foramen)."""
    z = {m: float(_mesh(manifest, f"{m}_right").path[:, 2].mean())
         for m in ("piriformis", "obturator_internus", "quadratus_femoris")}
    assert z["piriformis"] > z["obturator_internus"] > z["quadratus_femoris"], z
    oi = _mesh(manifest, "obturator_internus_right")
    hip = _mesh(manifest, "hip_bone_right")
    p = np.asarray(hip.points, dtype=np.float64)
    a = p[hip.faces[:, 0]]
    e1, e2 = p[hip.faces[:, 1]] - a, p[hip.faces[:, 2]] - a

    def meets(q, x):
        return not np.all(np.isnan(geometry.ray_hits(a, e1, e2, q, np.array([x, 0.0, 0.0]))))

    # On the pelvic side of the hip bone: the bone lies lateral to the point and not medial to it.
    pelvic = [q for q in np.asarray(oi.points, dtype=np.float64) if meets(q, -1.0) and not meets(q, 1.0)]
    assert len(pelvic) > 0.3 * len(oi.points), "no pelvic part"


def test_plantaris_runs_between_gastrocnemius_and_soleus(manifest):
    path = _mesh(manifest, "plantaris_right").path
    behind = front = 0
    for q in path:
        if 0.34 < q[2] < 0.45:
            behind += _first_hit(manifest, q + np.array([0.0, 0.3, 0.0]), np.array([0.0, -1.0, 0.0]),
                                 ["plantaris_right", "gastrocnemius_right"]) == "gastrocnemius_right"
        if 0.18 < q[2] < 0.33:
            front += _first_hit(manifest, q - np.array([0.0, 0.3, 0.0]), np.array([0.0, 1.0, 0.0]),
                                ["plantaris_right", "soleus_right"]) == "soleus_right"
    assert behind >= 6 and front >= 6, (behind, front)
    m = _mesh(manifest, "plantaris_right")
    for other, most in (("gastrocnemius_right", 0.06), ("soleus_right", 0.02)):
        assert _inside_share(_mesh(manifest, other), _surface(m)) < most, f"plantaris runs inside {other}"


def test_medial_pterygoid_lies_medial_to_the_ramus_and_masseter(manifest):
    mid = manifest.midline_x
    mp = _mesh(manifest, "medial_pterygoid_right").points
    masseter = _mesh(manifest, "masseter_right").points
    assert abs(mp[:, 0].mean() - mid) < abs(masseter[:, 0].mean() - mid) - 0.015
    q = np.array(_epicentres()["medial_pterygoid"])
    first = _first_hit(manifest, q + np.array([-0.3, 0.0, 0.0]), np.array([1.0, 0.0, 0.0]),
                       ["medial_pterygoid_right", "mandible", "masseter_right"])
    assert first != "medial_pterygoid_right", "nothing covers the medial pterygoid from the side"


def test_iliocostalis_thoracis_spans_the_lower_to_the_upper_ribs_deep_to_latissimus(manifest):
    lm = _landmarks(manifest)
    path = _mesh(manifest, "iliocostalis_thoracis_right").path
    assert path[0][2] < lm.point({"vertebra": "T9", "at": "centroid"})[2], "origin not on the lower ribs"
    assert path[-1][2] > lm.point({"vertebra": "T3", "at": "centroid"})[2], "insertion not on the upper ribs"
    m = _mesh(manifest, "iliocostalis_thoracis_right")
    c7 = lm.point({"vertebra": "C7", "at": "transverse_tip"})
    assert float(np.linalg.norm(m.points - c7, axis=1).min()) < 0.005, "does not reach the C7 transverse process"
    q = np.array(_epicentres()["iliocostalis_thoracis"])
    first = _first_hit(manifest, q + np.array([0.0, 0.3, 0.0]), np.array([0.0, -1.0, 0.0]),
                       ["iliocostalis_thoracis_right", "latissimus_dorsi_right", "trapezius_right"])
    assert first != "iliocostalis_thoracis_right"


@pytest.mark.parametrize("muscle, side", [("extensor_digitorum_brevis", "dorsum"), ("lumbricals_foot", "sole"),
                                          ("plantar_interossei_foot", "sole")])
def test_foot_muscles_on_their_side_of_the_metatarsals(manifest, muscle, side):
    lm = _landmarks(manifest)
    tops = [lm.point({"bone": "foot_bones", "piece": f"metatarsal_{k}", "extreme": "superior"})[2] for k in (2, 3, 4)]
    bottoms = [lm.point({"bone": "foot_bones", "piece": f"metatarsal_{k}", "extreme": "inferior"})[2] for k in (3, 4, 5)]
    z = float(np.median(_mesh(manifest, f"{muscle}_right").points[:, 2]))
    if side == "dorsum":
        assert z > min(tops) - 0.005
    else:
        assert z < max(bottoms) + 0.006
