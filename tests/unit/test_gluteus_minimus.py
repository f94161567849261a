"""Gluteus minimus where Gray puts it (issue 16): a fan on the outer (gluteal) surface of the
ilium between the anterior and inferior gluteal lines, immediately beneath gluteus medius, its
fibres converging on a tendon to the anterior border of the greater trochanter (Gray 1918,
pp. 234 and 475). myo-sim's three fascicles made a narrow sheet standing off the bone, in front
of and through gluteus medius, so nothing lay in front of it and the pictures of hip pain,
sciatica, L5 and S1 named it from the front.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy import geometry
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.anatomy.placement import point_along

#: Points of the ilium's outer surface above the hip joint, as fractions of the right hip bone's
#: box (v: front 0 to back 1, w: bottom 0 to top 1): the area between the anterior and inferior
#: gluteal lines, from near the anterior border back to under gluteus medius.
BETWEEN_THE_LINES = [(0.2, 0.6), (0.3, 0.6), (0.4, 0.58), (0.5, 0.55), (0.6, 0.55), (0.3, 0.52), (0.45, 0.5)]
#: A belly laid on the bone: its epicentre no further from the bone's surface than this (metres).
ON_THE_BONE = 0.008


def _mesh(manifest, sid):
    m = read_mesh(manifest.file_path(manifest[sid]))
    return np.asarray(m.points, dtype=np.float64), m.faces, m.path


def _hits(mesh, start, direction) -> np.ndarray:
    p, f = mesh[0], mesh[1]
    a = p[f[:, 0]]
    t = geometry.ray_hits(a, p[f[:, 1]] - a, p[f[:, 2]] - a, start, direction)
    return np.sort(t[np.isfinite(t)])


def _epicentres(manifest) -> list[np.ndarray]:
    """The catalog's gluteus minimus epicentres, placed on the baked centre path as
    ``scripts/place_targets.py`` places them (from their ``along``)."""
    import json

    from ims_atlas.core.paths import bundled_catalog_path

    doc = json.loads(bundled_catalog_path().read_text(encoding="utf-8"))
    alongs = {t["epicentre"]["along"] for c in doc["conditions"] for t in c.get("local_targets", [])
              if t["muscle"] == "gluteus_minimus" and t.get("epicentre", {}).get("along") is not None}
    assert alongs, "the catalog names no gluteus minimus epicentre"
    return [np.asarray(point_along(manifest, "gluteus_minimus", "right", a), dtype=np.float64) for a in sorted(alongs)]


def test_gluteus_minimus_is_one_authored_fan_per_side_citing_gray(manifest):
    for side in ("left", "right"):
        found = [s for s in manifest.muscle_structures("gluteus_minimus") if s.side == side]
        assert [s.id for s in found] == [f"gluteus_minimus_{side}"], found
        assert found[0].source.startswith("Authored") and "bartleby.com/107/pages/page475.html" in found[0].source


def test_gluteus_minimus_covers_the_ilium_between_its_gluteal_lines(manifest):
    """Rays travelling medially onto the outer surface of the ilium above the hip joint meet
    gluteus minimus before the bone: the fan covers its origin from near the anterior border back
    under gluteus medius (myo-sim's narrow strip left most of it bare)."""
    bone = _mesh(manifest, "hip_bone_right")
    fan = _mesh(manifest, "gluteus_minimus_right")
    lo, hi = bone[0].min(axis=0), bone[0].max(axis=0)
    medially = np.array([1.0, 0.0, 0.0])  # +X is the subject's left: medial on the right side
    covered = []
    for v, w in BETWEEN_THE_LINES:
        start = np.array([lo[0] - 0.1, lo[1] + v * (hi[1] - lo[1]), lo[2] + w * (hi[2] - lo[2])])
        on_bone, on_fan = _hits(bone, start, medially), _hits(fan, start, medially)
        assert len(on_bone), (v, w)
        covered.append(bool(len(on_fan)) and on_fan[0] < on_bone[0])
    assert all(covered), f"gluteus minimus covers {sum(covered)} of {len(covered)} points of its area on the ilium"


def test_gluteus_minimus_belly_lies_on_the_ilium_under_gluteus_medius(manifest):
    """Each catalog epicentre ('deep at the side of the hip, under gluteus medius') lies within
    ON_THE_BONE of the hip bone, outside it, and gluteus medius lies lateral of it: a ray from it
    straight out to the side passes through gluteus medius. The two muscles do not run through
    each other (myo-sim's sheet of the minimus stood 1.5 cm off the bone, 17% of it inside the medius)."""
    from ims_atlas.bake.foramina import surface_samples

    bone = _mesh(manifest, "hip_bone_right")
    medius = _mesh(manifest, "gluteus_medius_right")
    fan = _mesh(manifest, "gluteus_minimus_right")
    samples = surface_samples(bone[0], bone[1], 0.0015)
    laterally = np.array([-1.0, 0.0, 0.0])
    for point in _epicentres(manifest):
        gap = float(np.linalg.norm(samples - point, axis=1).min())
        assert gap <= ON_THE_BONE, f"the epicentre {point.round(4)} lies {gap * 1000:.0f} mm off the ilium"
        assert not geometry.contains_point(bone[0], bone[1], point), point
        assert geometry.contains_point(fan[0], fan[1], point), f"the epicentre {point.round(4)} is not in the muscle"
        assert len(_hits(medius, point, laterally)) >= 2, f"nothing of gluteus medius lies lateral of {point.round(4)}"
    inside = np.mean([geometry.contains_point(medius[0], medius[1], q) for q in fan[0]])
    assert inside < 0.02, f"{inside:.0%} of gluteus minimus lies inside gluteus medius"


def test_gluteus_minimus_inserts_on_the_front_of_the_greater_trochanter(manifest):
    """The centre path ends on the femur, on the greater trochanter (the top of its lateral
    part), in front of the trochanter's middle and of gluteus medius's insertion (which Gray puts
    on its lateral surface)."""
    from ims_atlas.bake.foramina import surface_samples

    femur = _mesh(manifest, "femur_right")
    end = _mesh(manifest, "gluteus_minimus_right")[2][-1]
    medius_end = _mesh(manifest, "gluteus_medius_right")[2][-1]
    assert float(np.linalg.norm(surface_samples(femur[0], femur[1], 0.0015) - end, axis=1).min()) < 0.006
    p = femur[0]
    lo, hi = p.min(axis=0), p.max(axis=0)
    trochanter = p[(p[:, 0] < lo[0] + 0.3 * (hi[0] - lo[0])) & (p[:, 2] > lo[2] + 0.85 * (hi[2] - lo[2]))]
    assert trochanter[:, 2].min() - 0.005 <= end[2] <= trochanter[:, 2].max(), end
    assert end[1] < trochanter[:, 1].mean(), f"the tendon ends at {end.round(4)}, behind the trochanter's middle"
    assert end[1] < medius_end[1], "the tendon ends behind gluteus medius's"  # -Y is anterior
