"""The authored anatomy library: roots leave the right foramina, multifidus sits at its level,
authored muscles reach their bones, everything is closed and mirrored, the spine is in order."""

import numpy as np
import pytest

from ims_atlas.anatomy import geometry
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.anatomy.spine import paraspinal_point
from ims_atlas.core.ids import CATALOG_SEGMENTS, VERTEBRA_NAMES, foramen_between


def _edge_use(faces):
    e = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    _, counts = np.unique(e, axis=0, return_counts=True)
    return counts


def _authored(manifest):
    return [s for s in manifest if s.source.startswith("Authored")]


def test_roots_cover_c1_to_s2_on_both_sides(manifest):
    roots = {(s.level, s.side) for s in manifest.by_kind("root")}
    assert roots == {(seg, side) for seg in CATALOG_SEGMENTS for side in ("left", "right")}
    for s in manifest.by_kind("root"):
        assert s.id == f"root_{s.level.lower()}_{s.side}" and s.layer == "nerves"


def test_muscle_root_and_nerve_surfaces_are_closed(manifest):
    for s in manifest.by_kind("muscle", "root", "nerve"):
        mesh = read_mesh(manifest.file_path(s))
        assert (_edge_use(mesh.faces) == 2).all(), f"{s.id} has open or non-manifold edges"
        v0, v1, v2 = (mesh.points[mesh.faces[:, k]] for k in range(3))
        assert np.einsum("ij,ij->i", v0, np.cross(v1, v2)).sum() > 0, f"{s.id} is inside out"


@pytest.mark.parametrize("segment", CATALOG_SEGMENTS)
@pytest.mark.parametrize("side", ["left", "right"])
def test_each_root_leaves_between_the_right_vertebrae(manifest, segment, side):
    root = manifest[f"root_{segment.lower()}_{side}"]
    x, y, z = root.landmarks["foramen"]
    mid = manifest.midline_x
    assert (x > mid) if side == "left" else (x < mid), "foramen on the wrong side"
    assert 0.008 < abs(x - mid) < 0.04, "foramen too far from the spine"
    upper, lower = foramen_between(segment)
    low = manifest.vertebra(lower).landmarks
    if upper == "occiput":
        assert low["centroid"][2] < z <= low["superior"][2] + 0.002
    elif upper == "S":
        assert low["inferior"][2] < z < low["superior"][2]
        assert y < low["centroid"][1], "S1/S2 leave through the anterior (pelvic) sacral foramina"
    else:
        up = manifest.vertebra(upper).landmarks
        assert low["centroid"][2] < z < up["centroid"][2]
    # The tube starts at its foramen.
    mesh = read_mesh(manifest.file_path(root))
    assert np.linalg.norm(mesh.points - np.array([x, y, z]), axis=1).min() < 0.006


def test_roots_run_down_the_spine_in_order(manifest):
    zs = [manifest[f"root_{seg.lower()}_right"].landmarks["foramen"][2] for seg in CATALOG_SEGMENTS]
    assert all(a > b for a, b in zip(zs, zs[1:], strict=False))


def test_vertebrae_follow_each_other_without_gaps_or_overlaps(manifest):
    verts = [manifest.vertebra(level) for level in VERTEBRA_NAMES]
    assert all(v is not None for v in verts)
    for a, b in zip(verts[:-2], verts[1:-1], strict=False):  # C1 .. L5
        step = a.landmarks["centroid"][2] - b.landmarks["centroid"][2]
        assert 0.008 < step < 0.045, f"{a.level}->{b.level}: {step:.3f} m between centroids"
    l5, sacrum = verts[-2].landmarks, verts[-1].landmarks
    assert l5["inferior"][2] - 0.015 < sacrum["superior"][2] < l5["centroid"][2]


def test_multifidus_has_every_cervical_and_thoracic_level(manifest):
    levels = {(s.level, s.side) for s in manifest.muscle_structures("multifidus")}
    wanted = [f"C{i}" for i in range(2, 8)] + [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)]
    for level in wanted:
        for side in ("left", "right"):
            assert (level, side) in levels, f"multifidus {level} {side} missing"


@pytest.mark.parametrize("segment", [f"C{i}" for i in range(3, 8)] + [f"T{i}" for i in range(1, 13)])
def test_paraspinal_point_is_in_or_near_its_levels_multifidus(manifest, segment):
    """C2 is left out: its point lies 8 mm behind the atlas's arch, 12 mm behind the C2 bundle."""
    for side in ("left", "right"):
        point = paraspinal_point(manifest, segment, side)
        s = manifest[f"multifidus_{segment.lower()}_{side}"]
        mesh = read_mesh(manifest.file_path(s))
        assert geometry.distance_outside(mesh.points, mesh.faces, point) < 0.005, s.id


def test_authored_left_structures_mirror_the_right_exactly(manifest):
    mid = manifest.midline_x
    for s in _authored(manifest):
        if s.side != "right":
            continue
        twin = manifest[s.id[: -len("_right")] + "_left"]
        a, b = read_mesh(manifest.file_path(s)).points, read_mesh(manifest.file_path(twin)).points
        mirrored = a.copy()
        mirrored[:, 0] = 2 * mid - a[:, 0]
        assert a.shape == b.shape and np.allclose(mirrored, b, atol=2e-5), s.id


def test_authored_structures_cite_sources(manifest):
    authored = _authored(manifest)
    assert len(authored) >= 54 + 36
    for s in authored:
        assert "<http" in s.source, f"{s.id} cites no source address"


def _landmarks(manifest):
    from ims_atlas.bake.authored import load_data
    from ims_atlas.bake.landmarks import Landmarks

    bones = {s.id: (read_mesh(manifest.file_path(s)).points, read_mesh(manifest.file_path(s)).faces)
             for s in manifest.by_kind("bone")}
    verts = {s.level: (read_mesh(manifest.file_path(s)).points, read_mesh(manifest.file_path(s)).faces)
             for s in manifest.by_kind("vertebra")}
    lms = {s.level: {k: list(v) for k, v in s.landmarks.items()} for s in manifest.by_kind("vertebra")}
    data = load_data()
    return Landmarks(bones, verts, lms, manifest.midline_x, data.get("pieces"), data.get("landmarks"))


def _to_polyline(point, line):
    best = np.inf
    for a, b in zip(line[:-1], line[1:], strict=False):
        t = np.clip(np.dot(point - a, b - a) / max(np.dot(b - a, b - a), 1e-12), 0.0, 1.0)
        best = min(best, float(np.linalg.norm(point - (a + t * (b - a)))))
    return best if len(line) > 1 else float(np.linalg.norm(point - line[0]))


def test_authored_muscle_ends_lie_on_their_bones(manifest):
    """Each authored muscle's centre fibre starts and ends on its attachment line, within a few
    mm of the bones the data names for that end. Ends spread over several vertebrae or on a
    ligament (an offset from a bone) are checked against their attachment line only: between
    two spinous processes the line runs along the supraspinous ligament."""
    from ims_atlas.bake.authored import load_data

    data = load_data()
    lm = _landmarks(manifest)
    for m in data["muscles"]:
        part = m["parts"][int(m.get("path_part", 0))]
        path = read_mesh(manifest.file_path(manifest[m["id"] + "_right"])).path
        for end, point, bones in (("origin", path[0], m["origin_bones"]), ("insertion", path[-1], m["insertion_bones"])):
            line = lm.line(part[end])
            assert _to_polyline(point, line) < 0.006, f"{m['id']} {end} leaves its attachment line"
            if all("bone" in p and "offset" not in p for p in part[end]):
                assert lm.distance_to_bones(point, bones) < 0.006, f"{m['id']} {end} is off its bones"


def test_every_authored_muscle_and_nerve_is_in_the_manifest(manifest):
    from ims_atlas.bake.authored import load_data

    data = load_data()
    for m in data["muscles"]:
        for side in ("left", "right"):
            s = manifest[f"{m['id']}_{side}"]
            assert s.kind == m.get("kind", "muscle") and s.muscle == m["id"] and s.parts
    for n in data["nerves"]:
        for side in ("left", "right"):
            assert manifest[f"nerve_{n['id']}_{side}"].kind == "nerve"


#: Structures added for issue 3 item 3 (muscle ids double as catalog muscle ids).
NEW_MUSCLES = ["splenius_cervicis", "abductor_pollicis_brevis", "flexor_pollicis_brevis", "flexor_hallucis_brevis",
               "adductor_hallucis"]
NEW_NERVES = ["spinal_accessory", "femoral"]


@pytest.mark.parametrize("sid", [f"{m}_{side}" for m in NEW_MUSCLES for side in ("left", "right")]
                         + [f"nerve_{n}_{side}" for n in NEW_NERVES for side in ("left", "right")])
def test_new_structures_load_closed_and_cited(manifest, sid):
    s = manifest[sid]
    mesh = read_mesh(manifest.file_path(s))
    assert len(mesh.faces) > 50 and np.isfinite(mesh.points).all()
    assert (_edge_use(mesh.faces) == 2).all(), f"{sid} has open or non-manifold edges"
    assert "<http" in s.source and s.source.startswith("Authored")
    side = -1 if s.side == "right" else 1
    assert (side * (mesh.points[:, 0] - manifest.midline_x) > 0).mean() > 0.9, f"{sid} lies on the wrong side"


def test_catalog_muscles_authored_here_resolve_to_meshes(manifest):
    """The authored muscles the bundled catalog names (APB, FPB, FHB and adductor hallucis had
    'no mesh') link to their meshes by id."""
    import json

    from ims_atlas.bake.authored import load_data
    from ims_atlas.core.paths import bundled_catalog_path

    catalog = {m["id"] for m in json.loads(bundled_catalog_path().read_text(encoding="utf-8"))["muscles"]}
    authored = {m["id"] for m in load_data()["muscles"]}
    assert {"abductor_pollicis_brevis", "flexor_pollicis_brevis", "flexor_hallucis_brevis",
            "adductor_hallucis"} <= catalog & authored
    with_mesh = manifest.muscle_ids()
    for mid in catalog & authored:
        assert mid in with_mesh
        assert {s.side for s in manifest.muscle_structures(mid)} == {"left", "right"}, mid


def _inside_share(manifest, bone: str, structure: str) -> float:
    b = read_mesh(manifest.file_path(manifest[bone]))
    m = read_mesh(manifest.file_path(manifest[structure]))
    return float(np.mean([geometry.contains_point(b.points, b.faces, p) for p in m.points]))


@pytest.mark.parametrize("muscle, most", [("temporalis", 0.1), ("masseter", 0.15), ("lateral_pterygoid", 0.15)])
def test_jaw_muscles_lie_outside_the_skull(manifest, muscle, most):
    """Temporalis lies on the temporal fossa, masseter on the ramus and lateral pterygoid in the
    infratemporal fossa: (almost) none of their surface lies within the skull's closed surface."""
    for side in ("left", "right"):
        assert _inside_share(manifest, "skull", f"{muscle}_{side}") < most, f"{muscle} {side} is inside the skull"


def test_temporalis_covers_the_temporal_fossa_and_reaches_the_coronoid(manifest):
    lm = _landmarks(manifest)
    m = read_mesh(manifest.file_path(manifest["temporalis_right"]))
    skull = lm.samples("skull")
    # A broad fan on the side of the head: at least 5 cm from front to back and 4 cm high.
    assert np.ptp(m.points[:, 1]) > 0.05 and np.ptp(m.points[:, 2]) > 0.04
    # Its top lies against the skull (not floating off it); its lower end on the mandible.
    top = m.points[m.points[:, 2] > np.quantile(m.points[:, 2], 0.8)]
    gaps = np.array([np.linalg.norm(skull - p, axis=1).min() for p in top])
    assert np.median(gaps) < 0.012
    assert lm.distance_to_bones(m.path[-1], ["mandible"]) < 0.006


def _signed_to_bone(bone, pts):
    """Distance of each point to a closed bone's surface, negative inside it."""
    a, b, c = (bone.points[bone.faces[:, k]].astype(np.float64) for k in range(3))
    out = []
    for q in pts:
        d = float(geometry.triangle_distances(q, a, b, c).min())
        out.append(-d if geometry.contains_point(bone.points, bone.faces, q) else d)
    return np.array(out)


def test_temporalis_lies_on_the_temporal_fossa_and_thins_onto_the_bone(manifest):
    """Temporalis lies on the bone of the temporal fossa (it arises from the whole fossa, Gray
    1918): its surface (vertices and face centres) stays outside the skull, nowhere sunk into
    it, and its upper margin, on the temporal lines, lies thin on the bone rather than ending
    in a wall; it stands furthest off the bone low down, above the zygomatic arch."""
    skull = read_mesh(manifest.file_path(manifest["skull"]))
    m = read_mesh(manifest.file_path(manifest["temporalis_right"]))
    p = m.points.astype(np.float64)
    centres = p[m.faces].mean(axis=1)
    d = _signed_to_bone(skull, np.vstack([p, centres]))
    assert (d < 0).mean() < 0.02, f"{(d < 0).mean():.0%} of temporalis lies inside the skull"
    assert d.min() > -0.0015, f"temporalis sinks {-d.min() * 1000:.1f} mm into the skull"
    dv = d[: len(p)]
    z = p[:, 2]
    top = z > np.quantile(z, 0.95)
    assert np.abs(dv[top]).max() < 0.003, "the upper margin stands off the bone (a wall, not a thin edge)"
    low = (z < np.quantile(z, 0.5)) & (z > np.quantile(z, 0.15))
    assert dv[low].max() > 2.0 * np.abs(dv[top]).max(), "not thickest low down"


def test_masseter_has_its_two_parts_from_the_arch_to_the_ramus(manifest):
    """Gray 1918: a superficial part (from the zygomatic process of the maxilla and the anterior
    two-thirds of the lower border of the arch, fibres down and back to the angle and lower
    ramus) and a deep part (from the posterior third of the arch, to the upper ramus). Its
    centre fibre (the superficial part's) starts within 7 mm of the arch and ends within 7 mm
    of the mandible, running down and back. Over the lower ramus, where it lies on the bone,
    it is about a centimetre thick (ultrasound at rest: men 9.7 +/- 1.5 mm, women 8.7 +/- 1.6 mm,
    Kiliaridis and Kalebo 1991; 9-15 mm in a review): 7-15 mm across, side to side, three
    quarters of the way down its centre fibre."""
    lm = _landmarks(manifest)
    s = manifest["masseter_right"]
    assert set(s.parts) == {"superficial part", "deep part"}
    m = read_mesh(manifest.file_path(s))
    path = m.path.astype(np.float64)
    assert lm.distance_to_bones(path[0], ["skull"]) < 0.007
    assert lm.distance_to_bones(path[-1], ["mandible"]) < 0.007
    assert path[-1][2] < path[0][2] - 0.02 and path[-1][1] > path[0][1] + 0.005, "fibres run down and back"
    p = m.points.astype(np.float64)
    at = path[int(0.75 * (len(path) - 1))]
    near = p[np.linalg.norm(p[:, 1:] - at[1:], axis=1) < 0.005]
    assert len(near) >= 4
    thickness = float(np.ptp(near[:, 0]))
    assert 0.007 < thickness < 0.015, f"{thickness * 1000:.1f} mm thick over the lower ramus"


def test_semispinalis_capitis_lies_deep_to_trapezius(manifest):
    """Semispinalis capitis lies deep (under splenius and trapezius): seen from behind, none
    of it comes out through trapezius (its thoracic fibres drawn in straight lines from the
    transverse processes to the occiput did, as two spikes beside T1)."""
    from ims_atlas.bake.solids import merge

    for side in ("left", "right"):
        t = read_mesh(manifest.file_path(manifest[f"trapezius_{side}"]))
        pts, faces = merge([(t.points.astype(np.float64), t.faces)])
        a = pts[faces[:, 0]]
        e1, e2 = pts[faces[:, 1]] - a, pts[faces[:, 2]] - a
        semi = read_mesh(manifest.file_path(manifest[f"semispinalis_capitis_{side}"])).points.astype(np.float64)
        back, front = np.array([0.0, 1.0, 0.0]), np.array([0.0, -1.0, 0.0])
        out = [q for q in semi if np.all(np.isnan(geometry.ray_hits(a, e1, e2, q, back)))
               and not np.all(np.isnan(geometry.ray_hits(a, e1, e2, q, front)))]
        assert not out, f"{len(out)} points of semispinalis capitis ({side}) lie behind trapezius"


def test_upper_trapezius_lies_low_over_the_shoulder(manifest):
    """No tent: beyond the neck (more than 7 cm from the midline) the trapezius stays within
    3.5 cm above the acromion, and it reaches from the occiput to the shoulder."""
    lm = _landmarks(manifest)
    acromion = lm.point({"bone": "scapula", "extreme": "superior", "within": [[0.75, 0, 0.7], [1, 1, 1]]})
    for side in ("left", "right"):
        p = read_mesh(manifest.file_path(manifest[f"trapezius_{side}"])).points
        lateral = np.abs(p[:, 0] - manifest.midline_x)
        assert p[lateral > 0.07, 2].max() < acromion[2] + 0.035, side
        assert lateral.max() > abs(acromion[0] - manifest.midline_x) - 0.01, side
    skull = read_mesh(manifest.file_path(manifest["skull"])).points
    assert p[:, 2].max() > skull[:, 2].min() + 0.04, "the upper fibres start on the occiput"


def test_spinal_accessory_runs_from_the_skull_base_to_the_deep_surface_of_trapezius(manifest):
    lm = _landmarks(manifest)
    path = read_mesh(manifest.file_path(manifest["nerve_spinal_accessory_right"])).path
    assert lm.distance_to_bones(path[0], ["skull"]) < 0.006, "leaves the skull at the jugular foramen"
    assert path[0][2] > manifest.vertebra("C1").landmarks["centroid"][2]
    end = path[-1]
    trapezius = read_mesh(manifest.file_path(manifest["trapezius_right"])).points
    near = trapezius[np.linalg.norm(trapezius[:, [0, 2]] - end[[0, 2]], axis=1) < 0.01]
    assert len(near) and end[1] < near[:, 1].max(), "ends deep to (in front of) trapezius"


def test_femoral_nerve_runs_from_the_lumbar_spine_into_the_front_of_the_thigh(manifest):
    path = read_mesh(manifest.file_path(manifest["nerve_femoral_right"])).path
    l2, l4 = (manifest.vertebra(v).landmarks["centroid"][2] for v in ("L2", "L4"))
    assert l4 - 0.01 < path[0][2] < l2 + 0.01, "starts in psoas at the L2-L4 level"
    femur = read_mesh(manifest.file_path(manifest["femur_right"])).points
    assert path[-1][2] < femur[:, 2].max() - 0.02, "ends below the inguinal ligament"
    assert path[-1][1] < femur[:, 1].min() + 0.01, "ends in front of the femur (anterior thigh)"


# --- The shoulder: rotator cuff muscles filling their fossae -------------


def _first_hit(manifest, start, direction, structures):
    """Which of ``structures`` a ray from ``start`` travelling along ``direction`` meets first."""
    best, first = np.inf, None
    for sid in structures:
        m = read_mesh(manifest.file_path(manifest[sid]))
        p = np.asarray(m.points, dtype=np.float64)
        a = p[m.faces[:, 0]]
        t = geometry.ray_hits(a, p[m.faces[:, 1]] - a, p[m.faces[:, 2]] - a, start, direction)
        if not np.all(np.isnan(t)) and float(np.nanmin(t)) < best:
            best, first = float(np.nanmin(t)), sid
    return first


@pytest.mark.parametrize("muscle", ["infraspinatus", "supraspinatus"])
def test_rotator_cuff_muscle_is_one_authored_structure_per_side(manifest, muscle):
    """The authored muscle replaces myo-sim's single line of the same id: exactly one structure
    per side, under the id the catalog uses, with the authored source."""
    for side in ("left", "right"):
        found = [s for s in manifest.muscle_structures(muscle) if s.side == side]
        assert [s.id for s in found] == [f"{muscle}_{side}"], found
        assert found[0].source.startswith("Authored") and "<http" in found[0].source


def test_infraspinatus_fills_the_infraspinous_fossa_seen_from_behind(manifest):
    """From behind, rays into the infraspinous fossa (below the spine, medial to the lateral
    border) meet infraspinatus before the scapula: the fossa no longer shows as bare bone."""
    lm = _landmarks(manifest)
    hits = []
    for u in (0.1, 0.2, 0.3, 0.4):
        for w in (0.35, 0.45, 0.55, 0.65):
            target = lm.point({"bone": "scapula", "box": [u, 1, w], "hit": "anterior"})
            start = target + np.array([0.0, 0.15, 0.0])
            hits.append(_first_hit(manifest, start, np.array([0.0, -1.0, 0.0]),
                                   ["infraspinatus_right", "scapula_right"]) == "infraspinatus_right")
    assert np.mean(hits) >= 0.9, f"infraspinatus covers {np.mean(hits):.0%} of its fossa"


def test_supraspinatus_runs_from_its_fossa_over_the_top_of_the_humeral_head(manifest):
    """Above the spine of the scapula, then over the top of the shoulder joint to the greater
    tubercle: a ray straight down onto the humeral head meets supraspinatus first."""
    hum = read_mesh(manifest.file_path(manifest["humerus_right"])).points
    top = hum[np.argmax(hum[:, 2])]
    first = _first_hit(manifest, top + np.array([0.0, 0.0, 0.05]), np.array([0.0, 0.0, -1.0]),
                       ["supraspinatus_right", "humerus_right"])
    assert first == "supraspinatus_right"
    path = read_mesh(manifest.file_path(manifest["supraspinatus_right"])).path
    assert abs(path[0][0] - manifest.midline_x) < abs(path[-1][0] - manifest.midline_x), "origin (medial) first"


# --- The shoulder: the deltoid as one cap over the humeral head ----------


def _shoulder_muscles(manifest, side="right"):
    """Every muscle of one side with a vertex within 8 cm of the top of the humerus."""
    top = read_mesh(manifest.file_path(manifest[f"humerus_{side}"])).points
    top = top[np.argmax(top[:, 2])]
    out = []
    for s in manifest.by_kind("muscle"):
        if s.side == side and np.linalg.norm(read_mesh(manifest.file_path(s)).points - top, axis=1).min() < 0.08:
            out.append(s.id)
    return out


def test_deltoid_is_one_authored_cap_with_three_parts(manifest):
    """One structure per side, made of the clavicular, acromial and spinal parts as one connected
    closed piece (myo-sim's three separate spindles were three pieces), folded nowhere."""
    from tests.unit.test_muscle_sheets import _components, _turn

    for side in ("left", "right"):
        found = [s for s in manifest.muscle_structures("deltoid") if s.side == side]
        assert [s.id for s in found] == [f"deltoid_{side}"], found
        s = found[0]
        assert s.source.startswith("Authored") and "<http" in s.source
        assert [p.split()[0] for p in s.parts] == ["clavicular", "acromial", "spinal"], s.parts
        m = read_mesh(manifest.file_path(s))
        assert _components(m.points, m.faces) == 1, f"{s.id} is not one connected piece"
        cos = _turn(m.points, m.faces)
        assert cos > -0.85, f"{s.id}: neighbouring triangles turn by {np.degrees(np.arccos(cos)):.0f} deg"


def test_deltoid_caps_the_humeral_head_from_the_front_side_and_back(manifest):
    """Rays onto the humeral head from in front, from the side and from behind (and the two
    obliques between) meet the deltoid before any other muscle or the bone: the cap covers the
    head and the rotator cuff tendons on it. On myo-sim's three spindles the rays passed between
    them onto the cuff or the bone."""
    hum = read_mesh(manifest.file_path(manifest["humerus_right"])).points
    top = hum[np.argmax(hum[:, 2])]
    head = hum[hum[:, 2] > top[2] - 0.045]
    centre = (head.min(axis=0) + head.max(axis=0)) / 2
    candidates = _shoulder_muscles(manifest) + ["humerus_right"]
    assert "deltoid_right" in candidates and "supraspinatus_right" in candidates
    # Body directions on the right side: lateral -X, anterior -Y, posterior +Y.
    for name, towards in (("anterior", (0, -1, 0)), ("anterolateral", (-1, -1, 0)), ("lateral", (-1, 0, 0)),
                          ("posterolateral", (-1, 1, 0)), ("posterior", (0, 1, 0))):
        d = np.asarray(towards, dtype=np.float64)
        d /= np.linalg.norm(d)
        for dz in (-0.01, 0.0, 0.01):
            target = centre + np.array([0.0, 0.0, dz])
            first = _first_hit(manifest, target + 0.2 * d, -d, candidates)
            assert first == "deltoid_right", f"from {name} ({dz * 1000:+.0f} mm) the ray meets {first} first"


def test_deltoid_spinal_part_reaches_medially_along_the_spine_of_the_scapula(manifest):
    """The spinal part arises from the spine of the scapula well medial to the acromion (the
    sources: the lower lip of the spine), not from the acromion's corner alone: deltoid lies
    within 5 mm of the crest of the spine of the scapula halfway along it."""
    lm = _landmarks(manifest)
    delt = read_mesh(manifest.file_path(manifest["deltoid_right"]))
    for u in (0.4, 0.55, 0.7):
        crest = lm.point({"bone": "scapula", "extreme": "posterior+superior",
                          "within": [[u - 0.05, 0, 0.5], [u + 0.05, 1, 0.95]]})
        gap = geometry.distance_to_mesh(delt.points, delt.faces, crest)
        assert gap < 0.005, f"no deltoid within {gap * 1000:.0f} mm of the spine of the scapula at u={u}"


def test_deltoid_centre_path_runs_from_the_acromion_to_the_deltoid_tuberosity(manifest):
    """Origin first: the stored centre path starts on the acromion (above the humeral head) and
    ends on the lateral humeral shaft a little above its middle, where the catalog's epicentre
    'in the muscle belly over the shoulder cap' at along=0.4 lands over the head."""
    path = read_mesh(manifest.file_path(manifest["deltoid_right"])).path
    hum = read_mesh(manifest.file_path(manifest["humerus_right"])).points
    lo, hi = hum[:, 2].min(), hum[:, 2].max()
    assert path[0][2] > hi, "starts above the humeral head (acromion)"
    assert lo + 0.5 * (hi - lo) < path[-1][2] < lo + 0.65 * (hi - lo), "ends a little above mid-shaft"
    assert path[-1][0] < hum[:, 0].min() + 0.025, "ends on the lateral side of the shaft"


# --- The abdominal wall: rectus abdominis as a strap ---------------------


#: The xiphoid process's tip and the top of the pubic symphysis, as the data file names them.
XIPHOID_TIP = {"bone": "ribcage", "extreme": "inferior", "within": [[0, 0, 0.25], [0.06, 0.3, 0.4]]}
PUBIC_SYMPHYSIS = {"bone": "hip_bone", "extreme": "anterior+superior", "within": [[0, 0, 0.2], [0.05, 1, 0.35]]}


def _umbilicus_z(manifest) -> float:
    """The umbilical plane: the disc between L3 and L4 (Rawling; the data file's level)."""
    return 0.5 * (manifest.vertebra("L3").landmarks["inferior"][2] + manifest.vertebra("L4").landmarks["superior"][2])


def _band(points, z, half=0.006):
    """Points of a mesh within ``half`` of the height ``z``."""
    return points[np.abs(points[:, 2] - z) < half]


def test_rectus_abdominis_is_one_authored_strap_per_side(manifest):
    """The authored strap replaces myo-sim's single thin line (rect_abd): one structure per side
    under the id the catalog would use, one closed piece that folds nowhere."""
    from tests.unit.test_muscle_sheets import _components, _turn

    for side in ("left", "right"):
        found = [s for s in manifest.muscle_structures("rectus_abdominis") if s.side == side]
        assert [s.id for s in found] == [f"rectus_abdominis_{side}"], found
        s = found[0]
        assert s.source.startswith("Authored") and "<http" in s.source
        m = read_mesh(manifest.file_path(s))
        assert (_edge_use(m.faces) == 2).all() and _components(m.points, m.faces) == 1, s.id
        cos = _turn(m.points, m.faces)
        assert cos > -0.85, f"{s.id}: neighbouring triangles turn by {np.degrees(np.arccos(cos)):.0f} deg"


def test_rectus_abdominis_is_broad_beside_the_linea_alba_and_wider_above(manifest):
    """At the umbilicus the lateral border (linea semilunaris) lies about 7 cm from the midline
    (Gray 1918) and the medial border within 1 cm of it (the linea alba; inter-recti distance
    about 10 mm there), never across it; the muscle is broader above than below (its pubic
    end under half its width at the umbilicus). myo-sim's line was 1.5-3 cm across."""
    mid = manifest.midline_x
    z_u = _umbilicus_z(manifest)
    for side in ("left", "right"):
        p = read_mesh(manifest.file_path(manifest[f"rectus_abdominis_{side}"])).points
        off = np.abs(p[:, 0] - mid)
        sign = 1.0 if side == "left" else -1.0
        assert (sign * (p[:, 0] - mid) > 0).all(), f"{side} crosses the midline"
        at_u = off[np.abs(p[:, 2] - z_u) < 0.006]
        assert at_u.max() - at_u.min() >= 0.055, f"{side}: {(at_u.max() - at_u.min()) * 1000:.0f} mm wide at the umbilicus"
        assert 0.06 <= at_u.max() <= 0.08 and at_u.min() <= 0.01, side
        low = off[p[:, 2] < p[:, 2].min() + 0.03]
        assert low.max() - low.min() < 0.5 * (at_u.max() - at_u.min()), f"{side}: not narrower at the pubis"


def test_rectus_abdominis_runs_from_the_pubis_to_the_xiphoid_and_costal_cartilages(manifest):
    """Origin first: the centre path starts on the pubis (crest and symphysis) and ends on the
    costal cartilages, each within 7 mm of its bone; the insertion reaches from beside the
    xiphoid process up and out onto the cartilages (its highest point above the xiphoid's tip,
    on the ribcage)."""
    lm = _landmarks(manifest)
    xiphoid = lm.point(XIPHOID_TIP)
    pubis = lm.point(PUBIC_SYMPHYSIS)
    for side in ("left", "right"):
        m = read_mesh(manifest.file_path(manifest[f"rectus_abdominis_{side}"]))
        hip = read_mesh(manifest.file_path(manifest[f"hip_bone_{side}"]))
        rib = read_mesh(manifest.file_path(manifest["ribcage"]))
        assert geometry.distance_to_mesh(hip.points, hip.faces, m.path[0]) < 0.007, f"{side}: origin off the pubis"
        assert geometry.distance_to_mesh(rib.points, rib.faces, m.path[-1]) < 0.007, f"{side}: insertion off the ribs"
        assert abs(m.path[0][2] - pubis[2]) < 0.015 and m.path[-1][2] > xiphoid[2] - 0.01
        top = m.points[np.argmax(m.points[:, 2])]
        assert top[2] > xiphoid[2] + 0.03, f"{side}: the lateral insertion does not rise onto the cartilages"
        assert geometry.distance_to_mesh(rib.points, rib.faces, top) < 0.01, f"{side}: its top is off the ribcage"
        medial_top = m.points[np.abs(m.points[:, 0] - manifest.midline_x) < 0.015]
        assert abs(medial_top[:, 2].max() - xiphoid[2]) < 0.02, f"{side}: the medial fibres do not reach the xiphoid"


def test_rectus_abdominis_lies_in_front_of_the_obliques_and_the_ribcage(manifest):
    """Rays from in front onto the abdominal wall between the pubis and the xiphoid, from beside
    the linea alba to 6 cm out: every ray that passes through the rectus meets it before the
    obliques, the ribcage or the pelvis, and most of them do pass through it (it covers the
    front of the abdomen); none of its surface lies inside the obliques. myo-sim's thin line lay
    behind the obliques' sheets."""
    lm = _landmarks(manifest)
    mid = manifest.midline_x
    z0, z1 = lm.point(PUBIC_SYMPHYSIS)[2] + 0.03, lm.point(XIPHOID_TIP)[2] - 0.005
    down = np.array([0.0, 1.0, 0.0])
    for side in ("left", "right"):
        sign = 1.0 if side == "left" else -1.0
        sid = f"rectus_abdominis_{side}"
        others = [f"external_oblique_{side}", f"internal_oblique_{side}", "ribcage", f"hip_bone_{side}"]
        behind, through, total = [], 0, 0
        for z in np.linspace(z0, z1, 9):
            for dx in (0.012, 0.025, 0.04, 0.055):
                start = np.array([mid + sign * dx, -0.5, z])
                total += 1
                if _first_hit(manifest, start, down, [sid]) is None:
                    continue
                through += 1
                first = _first_hit(manifest, start, down, [sid] + others)
                if first != sid:
                    behind.append((round(dx * 1000), round(float(z), 3), first))
        assert not behind, f"{side}: the rectus lies behind another structure at (mm out, z): {behind}"
        assert through >= 0.75 * total, f"{side}: only {through} of {total} rays pass through the rectus"
        ra = read_mesh(manifest.file_path(manifest[f"rectus_abdominis_{side}"])).points
        for other in others[:2]:
            o = read_mesh(manifest.file_path(manifest[other]))
            inside = np.mean([geometry.contains_point(o.points, o.faces, q) for q in ra])
            assert inside < 0.01, f"{side}: {inside:.1%} of the rectus lies inside {other}"


def test_rectus_abdominis_shows_its_tendinous_intersections_as_grooves(manifest):
    """Gray 1918: three tendinous intersections, at the umbilicus, at the tip of the xiphoid and
    midway between. Down the middle of the strap, the front surface dips back (+Y) at the
    umbilicus and midway up, by at least 1.5 mm against 2.5 cm above and below: grooves, the
    surface still one closed piece (checked above)."""
    lm = _landmarks(manifest)
    mid = manifest.midline_x
    z_u = _umbilicus_z(manifest)
    z_x = lm.point(XIPHOID_TIP)[2]
    for side in ("left", "right"):
        sign = 1.0 if side == "left" else -1.0
        sid = f"rectus_abdominis_{side}"

        def front(z, sign=sign, sid=sid):
            start = np.array([mid + sign * 0.035, -0.5, z])
            m = read_mesh(manifest.file_path(manifest[sid]))
            a = m.points[m.faces[:, 0]].astype(np.float64)
            t = geometry.ray_hits(a, m.points[m.faces[:, 1]] - a, m.points[m.faces[:, 2]] - a, start,
                                  np.array([0.0, 1.0, 0.0]))
            assert not np.all(np.isnan(t)), f"{sid}: no surface at z={z:.3f}"
            return -0.5 + float(np.nanmin(t))

        for z in (z_u, 0.5 * (z_u + z_x)):
            groove = front(z)
            assert groove - max(front(z - 0.025), front(z + 0.025)) >= 0.0015, f"{sid}: no groove at z={z:.3f}"


# --- The back of the neck: the two trapezius meet on the midline ---------


def _neck_candidates(manifest):
    out = ["trapezius_left", "trapezius_right", "skull"] + [f"vertebra_c{i}" for i in range(1, 8)]
    for s in manifest.by_kind("muscle"):
        if s.muscle in ("semispinalis_capitis", "splenius_capitis", "splenius_cervicis", "suboccipitals",
                        "levator_scapulae", "multifidus") and s.level in (None,) + tuple(f"C{i}" for i in range(1, 8)):
            out.append(s.id)
    return out


def test_trapezius_halves_meet_along_the_ligamentum_nuchae_up_to_the_occiput(manifest):
    """From C7 up to the external occipital protuberance, a ray from behind along the midline
    (and 1.5 mm either side) meets a trapezius first: no V-shaped gap between the two sides at
    the occiput and no gap down the neck. The surface there is not a crease: on the midline it
    lies within 3 mm (front to back) of where it lies 8 mm to either side."""
    lm = _landmarks(manifest)
    mid = manifest.midline_x
    eop = lm.point({"bone": "skull", "extreme": "posterior", "within": [[0, 0, 0.1], [0.08, 1, 0.6]]})
    c7 = manifest.vertebra("C7").landmarks["spinous_tip"][2]
    candidates = _neck_candidates(manifest)
    problems = []
    for z in np.arange(c7 + 0.005, eop[2] - 0.004, 0.008):
        depth = {}
        for dx in (-0.008, -0.0015, 0.0, 0.0015, 0.008):
            start = np.array([mid + dx, 0.6, z])
            first = _first_hit(manifest, start, np.array([0.0, -1.0, 0.0]), candidates)
            if first not in ("trapezius_left", "trapezius_right"):
                problems.append((round(z, 3), dx, first))
                continue
            m = read_mesh(manifest.file_path(manifest[first]))
            a = m.points[m.faces[:, 0]].astype(np.float64)
            t = geometry.ray_hits(a, m.points[m.faces[:, 1]] - a, m.points[m.faces[:, 2]] - a, start,
                                  np.array([0.0, -1.0, 0.0]))
            depth[dx] = 0.6 - float(np.nanmin(t))
        if 0.0 in depth and -0.008 in depth and 0.008 in depth:
            crease = max(depth[-0.008], depth[0.008]) - depth[0.0]
            if crease > 0.003:
                problems.append((round(z, 3), "crease", round(crease * 1000, 1)))
    assert not problems, f"the back of the neck is not continuous: {problems}"


def test_trapezius_halves_do_not_overlap_across_the_midline(manifest):
    """Each side crosses the midline by at most 3 mm (its origin is carried 2 mm across so the
    two meet without a seam), and the upper fibres' origin follows the occiput to the midline:
    near the occiput no neighbouring triangles face opposite ways (the old fan cap folded
    into a dark wedge there)."""
    mid = manifest.midline_x
    c2 = manifest.vertebra("C2").landmarks["spinous_tip"][2]
    for side in ("left", "right"):
        m = read_mesh(manifest.file_path(manifest[f"trapezius_{side}"]))
        sign = 1.0 if side == "left" else -1.0
        across = -sign * (m.points[:, 0] - mid)
        assert across.max() <= 0.003, f"{side} reaches {across.max() * 1000:.1f} mm across the midline"
        cos = _turn_above(m.points, m.faces, c2)
        assert cos > -0.85, f"{side}: above C2 neighbouring triangles turn by {np.degrees(np.arccos(cos)):.0f} deg"


def _turn_above(points, faces, z):
    """Smallest cosine between the normals of two edge-sharing triangles lying wholly above ``z``."""
    from tests.unit.test_muscle_sheets import _turn

    return _turn(points, faces, above=z)
