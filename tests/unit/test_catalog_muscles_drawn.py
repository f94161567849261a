"""The catalog muscles issue 17 left undrawn, now authored from their sourced attachments:
trunk and neck (subclavius, the serratus posteriores, the cervical erector spinae, spinalis and
semispinalis, the thoracic rotatores, longus capitis, the anterior and lateral recti capitis, platysma,
transversus thoracis, pyramidalis) and
limbs (pectineus, the gemelli, obturator externus, adductor minimus, fibularis tertius, extensor
hallucis brevis, the hypothenar muscles of the hand, flexor and opponens digiti minimi of the foot).

Each is drawn on both sides without crossing the midline, is a closed surface, cites the source
its attachments come from (the manifest entry names the page or the institutional page), passes
through bone no more than its attachments make it touch, and lies where its sources put it
relative to its neighbours.
"""

from __future__ import annotations

import numpy as np
import pytest

from ims_atlas.anatomy import geometry
from tests.unit.test_anatomy_library import _first_hit, _landmarks
from tests.unit.test_condition_muscles import _mesh, assert_drawn_both_sides

#: muscle id -> (a string its manifest source must contain, {bone: most share of its surface inside}).
MUSCLES = {
    "subclavius": ("page438", {"clavicle_right": 0.03, "ribcage": 0.03}),
    "serratus_posterior_superior": ("page404", {"ribcage": 0.04}),
    "serratus_posterior_inferior": ("page404", {"ribcage": 0.04}),
    "longissimus_cervicis": ("page400", {"vertebra_t1": 0.02}),
    "longissimus_capitis": ("page400", {"skull": 0.08, "vertebra_t1": 0.03}),
    "iliocostalis_cervicis": ("page400", {"ribcage": 0.02}),
    "spinalis_thoracis": ("page400", {"vertebra_t11": 0.03}),
    "semispinalis_thoracis": ("page400", {"vertebra_t8": 0.03}),
    "semispinalis_cervicis": ("page400", {"vertebra_c5": 0.02}),
    "thoracic_rotator": ("Miesnie-skrecajace-piersiowe", {"vertebra_t10": 0.03, "vertebra_t11": 0.03}),
    "longus_capitis": ("page395", {"skull": 0.02, "cervical_discs": 0.03}),
    "rectus_capitis_anterior": ("page395", {"vertebra_c1": 0.04, "skull": 0.03}),
    "rectus_capitis_lateralis": ("kenhub", {"skull": 0.07}),
    "platysma": ("pages-388", {"clavicle_right": 0.01, "mandible": 0.02}),
    "transversus_thoracis": ("TransversusThoracistr", {"ribcage": 0.06}),
    "pyramidalis": ("page416", {"hip_bone_right": 0.02}),
    "pectineus": ("pectineus", {"hip_bone_right": 0.10, "femur_right": 0.06}),
    "gemellus_superior": ("Gemellus-superior", {"hip_bone_right": 0.02, "femur_right": 0.04}),
    "gemellus_inferior": ("gemellus-inferior", {"hip_bone_right": 0.05, "femur_right": 0.05}),
    "obturator_externus": ("obturator-externus", {"hip_bone_right": 0.06, "femur_right": 0.07}),
    "adductor_minimus": ("page474", {"hip_bone_right": 0.03, "femur_right": 0.02}),
    "fibularis_tertius": ("pages-482", {"fibula_right": 0.02, "foot_bones_right": 0.04}),
    "extensor_hallucis_brevis": ("page490", {"foot_bones_right": 0.11}),
    "abductor_digiti_minimi_of_hand": ("Abductor-digiti-minimi", {"hand_bones_right": 0.03}),
    "flexor_digiti_minimi_brevis_of_hand": ("page464", {"hand_bones_right": 0.02}),
    "opponens_digiti_minimi_of_hand": ("page464", {"hand_bones_right": 0.03}),
    "flexor_digiti_minimi_brevis_of_foot": ("flexor-curto-do-dedo-minimo", {"foot_bones_right": 0.07}),
    "opponens_digiti_minimi_of_foot": ("flexor-curto-do-dedo-minimo", {"foot_bones_right": 0.07}),
}


def _surface(mesh) -> np.ndarray:
    p = np.asarray(mesh.points, dtype=np.float64)
    return np.vstack([p, p[mesh.faces].mean(axis=1)])


def _path(manifest, muscle) -> np.ndarray:
    return np.asarray(_mesh(manifest, f"{muscle}_right").path, dtype=np.float64)


def test_every_one_is_a_catalog_muscle_with_its_nerve(catalog, manifest):
    """Clicking any of them answers from the catalog (nerve; roots where the sources tabulate
    them: the segmentally supplied deep back muscles say why they have none)."""
    for muscle in MUSCLES:
        entry = catalog.muscle(muscle)
        assert entry is not None and entry.nerve, muscle
        assert entry.roots or entry.notes, muscle
        assert muscle in manifest.muscle_ids()


@pytest.mark.parametrize("muscle", sorted(MUSCLES))
def test_drawn_on_both_sides_closed_and_cited(manifest, muscle):
    assert_drawn_both_sides(manifest, muscle, MUSCLES[muscle][0], least_faces=96)
    assert all(s.layer == "muscles" for s in manifest.muscle_structures(muscle))
    right, left = (_mesh(manifest, f"{muscle}_{side}") for side in ("right", "left"))
    mirrored = np.asarray(left.points, dtype=np.float64).copy()
    mirrored[:, 0] = 2.0 * manifest.midline_x - mirrored[:, 0]
    assert np.allclose(np.sort(mirrored, axis=0), np.sort(np.asarray(right.points), axis=0), atol=1e-5)


@pytest.mark.parametrize("muscle", sorted(MUSCLES))
def test_no_muscle_passes_through_bone(manifest, muscle):
    pts = _surface(_mesh(manifest, f"{muscle}_right"))
    for bone, most in MUSCLES[muscle][1].items():
        b = _mesh(manifest, bone)
        share = float(np.mean([geometry.contains_point(b.points, b.faces, q) for q in pts]))
        assert share < most, f"{share:.1%} of {muscle} lies inside {bone}"
    # And through no vertebra beyond a sliver where a tendon meets its process.
    for s in manifest.by_kind("vertebra"):
        v = _mesh(manifest, s.id)
        lo, hi = np.asarray(v.points).min(axis=0), np.asarray(v.points).max(axis=0)
        near = pts[np.all((pts > lo) & (pts < hi), axis=1)]
        if len(near):
            share = float(np.mean([geometry.contains_point(v.points, v.faces, q) for q in near])) * len(near) / len(pts)
            assert share < 0.03, f"{share:.1%} of {muscle} lies inside {s.id}"


def test_serratus_posteriores_run_from_the_spines_to_the_ribs(manifest):
    """Gray p. 404: the superior passes downward and lateralward from C7-T3 to ribs 2-5; the
    inferior upward and lateralward from T11-L2 to ribs 9-12. The superior lies deep to
    trapezius and the rhomboids; the inferior on the erector spinae (the model's latissimus
    dorsi does not reach over it: its aponeurosis, the thoracolumbar fascia, is not drawn)."""
    lm = _landmarks(manifest)
    sup, inf = _path(manifest, "serratus_posterior_superior"), _path(manifest, "serratus_posterior_inferior")
    mid = manifest.midline_x
    assert sup[-1][2] < sup[0][2] and abs(sup[-1][0] - mid) > abs(sup[0][0] - mid) + 0.03
    assert inf[-1][2] > inf[0][2] and abs(inf[-1][0] - mid) > abs(inf[0][0] - mid) + 0.03
    assert lm.point({"vertebra": "T4", "at": "centroid"})[2] < sup[0][2] < lm.point({"vertebra": "C6", "at": "centroid"})[2]
    assert lm.point({"vertebra": "L2", "at": "centroid"})[2] < inf[0][2] < lm.point({"vertebra": "T10", "at": "centroid"})[2]
    q = sup[len(sup) // 2]
    first = _first_hit(manifest, q + np.array([0.0, 0.3, 0.0]), np.array([0.0, -1.0, 0.0]),
                       ["serratus_posterior_superior_right", "trapezius_right", "rhomboid_minor_right", "rhomboid_major_right"])
    assert first != "serratus_posterior_superior_right", "serratus posterior superior is not covered from behind"
    on_erector = 0
    for q in inf[1:-1]:
        on_erector += _first_hit(manifest, q + np.array([0.0, 0.3, 0.0]), np.array([0.0, -1.0, 0.0]),
                                 ["serratus_posterior_inferior_right", "longissimus_thoracis_right",
                                  "iliocostalis_lumborum_right"]) == "serratus_posterior_inferior_right"
    assert on_erector >= len(inf) - 4, "serratus posterior inferior sinks into the erector spinae"


def test_cervical_erector_and_transversospinal_muscles_reach_their_levels(manifest):
    """Gray pp. 399-400: longissimus capitis to the mastoid, longissimus cervicis to C2-C6,
    iliocostalis cervicis from ribs 3-6 to C4-C6, semispinalis cervicis to the C2-C5 spines,
    semispinalis thoracis from T6-T10 to C6-T4, spinalis thoracis along the thoracic spines."""
    lm = _landmarks(manifest)
    z = {level: lm.point({"vertebra": level, "at": "centroid"})[2] for level in ("C2", "C4", "C6", "T1", "T4", "T6", "T10", "T12")}
    assert lm.distance_to_bones(_path(manifest, "longissimus_capitis")[-1], ["skull"]) < 0.006
    assert z["C6"] - 0.01 < _path(manifest, "longissimus_cervicis")[-1][2] < z["C2"] + 0.01
    ic = _path(manifest, "iliocostalis_cervicis")
    assert ic[0][2] < z["T1"] and z["C6"] - 0.01 < ic[-1][2] < z["C4"] + 0.01
    ssc = _path(manifest, "semispinalis_cervicis")
    assert ssc[0][2] < z["T1"] and ssc[-1][2] > z["C6"]
    sst = _path(manifest, "semispinalis_thoracis")
    assert z["T10"] - 0.01 < sst[0][2] < z["T6"] + 0.01 and sst[-1][2] > z["T4"]
    sp = _path(manifest, "spinalis_thoracis")
    assert sp[0][2] < z["T12"] and sp[-1][2] > z["T6"]
    assert np.all(np.abs(sp[:, 0] - manifest.midline_x) < 0.02), "spinalis leaves the spinous processes"
    # Semispinalis cervicis lies deep to semispinalis capitis.
    q = ssc[len(ssc) // 2]
    first = _first_hit(manifest, q + np.array([0.0, 0.3, 0.0]), np.array([0.0, -1.0, 0.0]),
                       ["semispinalis_cervicis_right", "semispinalis_capitis_right", "splenius_capitis_right",
                        "splenius_cervicis_right", "trapezius_right"])
    assert first != "semispinalis_cervicis_right"


def test_thoracic_rotatores_one_slip_per_level_under_multifidus(manifest):
    """Gray 1918 p. 400: eleven on either side, T1-T2 to T11-T12, each from a transverse process
    to the lamina above, beneath the multifidus."""
    s = manifest["thoracic_rotator_right"]
    assert len(s.parts) == 11 and s.parts[0] == "rotator T1-T2" and s.parts[-1] == "rotator T11-T12"
    m = _mesh(manifest, "thoracic_rotator_right")
    lm = _landmarks(manifest)
    for level in ("T3", "T6", "T9"):
        lamina = lm.point({"vertebra": level, "at": "lamina"})
        near = np.asarray(m.points)[np.linalg.norm(np.asarray(m.points) - lamina, axis=1) < 0.015]
        assert len(near), f"no rotator slip at the {level} lamina"
        q = near.mean(axis=0)
        first = _first_hit(manifest, q + np.array([0.0, 0.3, 0.0]), np.array([0.0, -1.0, 0.0]),
                           ["thoracic_rotator_right", f"multifidus_{level.lower()}_right", f"multifidus_{level.lower()}_left",
                            "longissimus_thoracis_right", "spinalis_thoracis_right", "semispinalis_thoracis_right"])
        assert first != "thoracic_rotator_right", f"the rotator at {level} is not under the multifidus"


def test_prevertebral_muscles_lie_in_front_of_the_spine_under_the_skull(manifest):
    lm = _landmarks(manifest)
    lc = _path(manifest, "longus_capitis")
    assert lc[0][1] < lm.point({"vertebra": "C5", "at": "centroid"})[1], "longus capitis behind the bodies"
    for muscle in ("longus_capitis", "rectus_capitis_anterior", "rectus_capitis_lateralis"):
        assert lm.distance_to_bones(_path(manifest, muscle)[-1], ["skull"]) < 0.006, muscle
    mid = manifest.midline_x
    ra, rl = _path(manifest, "rectus_capitis_anterior"), _path(manifest, "rectus_capitis_lateralis")
    assert abs(rl.mean(axis=0)[0] - mid) > abs(ra.mean(axis=0)[0] - mid), "rectus capitis lateralis not lateral"


def test_pyramidalis_on_the_front_of_rectus_from_the_pubis_to_the_linea_alba(manifest):
    """Gray p. 416: in front of the rectus, from the front of the pubis, narrowing upward to the
    linea alba midway between the pubis and the umbilicus (the L3-L4 disc)."""
    lm = _landmarks(manifest)
    path = _path(manifest, "pyramidalis")
    assert lm.distance_to_bones(path[0], ["hip_bone"]) < 0.008
    pubis = path[0][2]
    umbilicus = 0.5 * (lm.point({"vertebra": "L3", "at": "inferior"})[2] + lm.point({"vertebra": "L4", "at": "superior"})[2])
    assert abs(path[-1][2] - 0.5 * (pubis + umbilicus)) < 0.02
    assert abs(path[-1][0] - manifest.midline_x) < 0.008, "its apex is not at the linea alba"
    q = path[len(path) // 2]
    first = _first_hit(manifest, q - np.array([0.0, 0.3, 0.0]), np.array([0.0, 1.0, 0.0]),
                       ["pyramidalis_right", "rectus_abdominis_right"])
    assert first == "pyramidalis_right", "pyramidalis is not in front of rectus abdominis"


def test_transversus_thoracis_lines_the_front_of_the_chest_from_inside(manifest):
    """OSU-CHS: slips on the posterior surface of the sternum, xiphoid and costal cartilages, from
    the lower sternum up and lateral to costal cartilages 2-6."""
    path = _path(manifest, "transversus_thoracis")
    mid = manifest.midline_x
    assert path[-1][2] > path[0][2] and abs(path[-1][0] - mid) > abs(path[0][0] - mid) + 0.015
    q = path[len(path) // 2]
    seen_from_front = _first_hit(manifest, q - np.array([0.0, 0.3, 0.0]), np.array([0.0, 1.0, 0.0]),
                                 ["transversus_thoracis_right", "ribcage"])
    seen_from_inside = _first_hit(manifest, q + np.array([0.0, 0.05, 0.0]), np.array([0.0, -1.0, 0.0]),
                                  ["transversus_thoracis_right", "ribcage"])
    assert seen_from_inside == "transversus_thoracis_right", "not on the inner surface of the chest wall"
    assert seen_from_front in ("ribcage", "transversus_thoracis_right")


def test_subclavius_lies_under_the_clavicle(manifest):
    sub = _mesh(manifest, "subclavius_right")
    clav = _mesh(manifest, "clavicle_right")
    assert np.median(sub.points[:, 2]) < np.median(clav.points[:, 2])
    lm = _landmarks(manifest)
    assert lm.distance_to_bones(sub.path[-1], ["clavicle"]) < 0.006
    assert lm.distance_to_bones(sub.path[0], ["ribcage"]) < 0.006


def test_platysma_is_superficial_over_sternocleidomastoid(manifest):
    """Gray p. 388: from the fascia over pectoralis major and deltoid across the clavicle, up
    and medially along the side of the neck to the mandible; the sternocleidomastoid beneath."""
    path = _path(manifest, "platysma")
    mid = manifest.midline_x
    assert path[-1][2] > path[0][2] + 0.06 and abs(path[-1][0] - mid) < abs(path[0][0] - mid)
    lm = _landmarks(manifest)
    assert lm.distance_to_bones(path[-1], ["mandible"]) < 0.006
    scm = _mesh(manifest, "sternocleidomastoid_right")
    covered = 0
    for q in np.asarray(scm.path, dtype=np.float64)[3:-3]:
        covered += _first_hit(manifest, q + np.array([-0.1, -0.25, 0.0]), np.array([0.1, 0.25, 0.0]) / np.hypot(0.1, 0.25),
                              ["platysma_right", "sternocleidomastoid_right"]) == "platysma_right"
    assert covered >= 2, "platysma does not cover sternocleidomastoid anywhere"


def test_small_hip_rotators_in_order_with_the_obturator_internus_tendon(manifest):
    """The gemelli either side of the obturator internus tendon, quadratus femoris below; all to
    the greater trochanter. Obturator externus from the front of the obturator foramen, behind
    the femoral neck to the trochanteric fossa; pectineus in front; adductor minimus below
    quadratus femoris."""
    z = {m: float(_path(manifest, m)[:, 2].mean())
         for m in ("gemellus_superior", "obturator_internus", "gemellus_inferior", "quadratus_femoris", "adductor_minimus")}
    assert z["gemellus_superior"] > z["gemellus_inferior"] > z["quadratus_femoris"] > z["adductor_minimus"], z
    lm = _landmarks(manifest)
    for m in ("gemellus_superior", "gemellus_inferior", "obturator_externus", "pectineus", "adductor_minimus"):
        path = _path(manifest, m)
        assert lm.distance_to_bones(path[0], ["hip_bone"]) < 0.008, m
        assert lm.distance_to_bones(path[-1], ["femur"]) < 0.008, m
    oe = _path(manifest, "obturator_externus")
    assert oe[0][1] < oe[-1][1] - 0.04, "obturator externus does not pass from the front to the back"
    assert _path(manifest, "pectineus")[0][1] < _path(manifest, "gemellus_superior")[0][1] - 0.05


def test_hypothenar_muscles_in_their_layers(manifest):
    """Gray p. 464: abductor on the ulnar border, the short flexor on its radial side, the
    opponens beneath both on the fifth metacarpal; from the pisiform and the hook of the hamate."""
    lm = _landmarks(manifest)
    pisiform = lm.samples(lm.target({"bone": "hand_bones", "piece": "pisiform"}))
    hamate = lm.samples(lm.target({"bone": "hand_bones", "piece": "hamate"}))
    mc5 = lm.samples(lm.target({"bone": "hand_bones", "piece": "metacarpal_5"}))
    pp5 = lm.samples(lm.target({"bone": "hand_bones", "piece": "proximal_phalanx_5"}))

    def gap(q, samples):
        return float(np.linalg.norm(samples - q, axis=1).min())

    adm, fdm, odm = (_path(manifest, f"{m}_digiti_minimi{'_brevis' if m == 'flexor' else ''}_of_hand")
                     for m in ("abductor", "flexor", "opponens"))
    assert gap(adm[0], pisiform) < 0.006 and gap(fdm[0], hamate) < 0.006 and gap(odm[0], hamate) < 0.006
    assert gap(adm[-1], pp5) < 0.006 and gap(fdm[-1], pp5) < 0.006 and gap(odm[-1], mc5) < 0.006
    # The ulnar border faces back in the model's mid-prone hand: the abductor is the most posterior.
    assert adm[:, 1].mean() > fdm[:, 1].mean()
    # The opponens lies nearest the fifth metacarpal.
    depth = {name: np.mean([gap(q, mc5) for q in path[2:-2]]) for name, path in (("adm", adm), ("fdm", fdm), ("odm", odm))}
    assert depth["odm"] < min(depth["adm"], depth["fdm"]), depth


def test_foot_muscles_reach_their_toes(manifest):
    lm = _landmarks(manifest)

    def gap(q, piece):
        return float(np.linalg.norm(lm.samples(lm.target({"bone": "foot_bones", "piece": piece})) - q, axis=1).min())

    ehb = _path(manifest, "extensor_hallucis_brevis")
    assert gap(ehb[0], "calcaneus") < 0.006 and gap(ehb[-1], "proximal_phalanx_1") < 0.006
    ft = _path(manifest, "fibularis_tertius")
    assert lm.distance_to_bones(ft[0], ["fibula"]) < 0.008 and gap(ft[-1], "metatarsal_5") < 0.006
    fdm = _path(manifest, "flexor_digiti_minimi_brevis_of_foot")
    assert gap(fdm[0], "metatarsal_5") < 0.006 and gap(fdm[-1], "proximal_phalanx_5") < 0.006
    odm = _path(manifest, "opponens_digiti_minimi_of_foot")
    assert gap(odm[0], "metatarsal_5") < 0.006 and gap(odm[-1], "metatarsal_5") < 0.006
    # Flexor digiti minimi brevis lies under (plantar to) the fifth metatarsal.
    bottom = lm.point({"bone": "foot_bones", "piece": "metatarsal_5", "extreme": "inferior"})[2]
    assert float(np.median(_mesh(manifest, "flexor_digiti_minimi_brevis_of_foot_right").points[:, 2])) < bottom + 0.006
