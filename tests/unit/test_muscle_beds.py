"""Sourced bone beds: a tube muscle's belly lies on the surface of its bone the sources name."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ims_atlas.anatomy.belly import belly_point
from ims_atlas.anatomy.geometry import contains_point, ray_hits
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.bake import beds, names, tubes
from ims_atlas.bake.landmarks import DIRECTIONS

#: The muscles whose myo-sim fascicle missed its bed (issue 16) and that must stay in the table.
BEDDED = {"flexor_digitorum_longus": ("tibia", "posterior"), "vastus_lateralis": ("femur", "lateral"),
          "vastus_medialis": ("femur", "medial"), "vastus_intermedius": ("femur", "anterior"),
          "rectus_femoris": ("femur", "anterior")}
#: The bedded muscles whose myo-sim tube was a sleeve round the femur's shaft (issue 16).
SLEEVES = ("vastus_medialis", "vastus_intermedius", "rectus_femoris")


def _box(lo, hi):
    """A closed box (8 points, 12 triangles) from corner ``lo`` to corner ``hi``."""
    (x0, y0, z0), (x1, y1, z1) = lo, hi
    pts = np.array([[x, y, z] for z in (z0, z1) for y in (y0, y1) for x in (x0, x1)], dtype=float)
    faces = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                      [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
    return pts, faces


def test_every_entry_is_sourced_and_names_a_surface():
    table = beds.load_table()
    for mid, (bone, surface) in BEDDED.items():
        assert table["muscles"][mid]["bone"] == bone and table["muscles"][mid]["surface"] == surface, mid
    for mid, entry in table["muscles"].items():
        assert mid in names.MUSCLES, mid
        assert entry["surface"] in ("anterior", "posterior", "lateral", "medial"), mid
        assert 0.0 <= entry["across"] <= 1.0, mid
        assert entry["sources"] and entry["used"].strip(), mid
        for source in entry["sources"]:
            assert source["cite"].strip() and source["says"].strip() and source["url"].startswith("http"), mid
        assert 0.0 < entry.get("thickness", 1.0) <= 1.0, mid
        for under in entry.get("over", []):
            assert under in names.MUSCLES and under != mid, mid
    for mid, why in table.get("not_bedded", {}).items():
        assert mid in names.MUSCLES and why.strip() and mid not in table["muscles"], mid


def test_a_denied_source_is_named_with_its_place():
    table = copy.deepcopy(beds.load_table())
    table["muscles"]["vastus_lateralis"]["sources"][0]["url"] = "https://www.mananatomy.com/body-systems/muscular-system/x"
    problems = beds.denied_sources(table)
    assert len(problems) == 1 and "muscle_beds.json: muscles.vastus_lateralis.sources[0]" in problems[0]
    assert beds.denied_sources(beds.load_table()) == []


def test_a_path_beside_a_bone_is_laid_on_the_named_surface():
    # A 2 cm square "bone" from z 0 to 0.3; the path runs 1 cm medial of it (+X on the right).
    bone = _box((-0.01, -0.01, 0.0), (0.01, 0.01, 0.3))
    path = np.array([[0.02, 0.0, 0.3], [0.02, 0.0, 0.0]])
    entry = {"surface": "posterior", "across": 0.25, "fade": 0.2}
    laid = beds.bedded_path(path, lambda t: 0.005, bone, entry, "right")
    mid = laid[len(laid) // 2]
    # Behind the posterior surface (y = 0.01) by the radius, a quarter of the way from the
    # medial side (x = 0.01) towards the lateral (x = -0.01).
    assert mid[1] == pytest.approx(0.015, abs=1e-6) and mid[0] == pytest.approx(0.005, abs=1e-6)
    # The ends stay where they were.
    assert np.allclose(laid[0], path[0]) and np.allclose(laid[-1], path[-1])
    # On the left side, medial is -X: the same entry lays it at x = -0.005.
    left = beds.bedded_path(path * [-1, 1, 1], lambda t: 0.005, (bone[0] * [-1, 1, 1], bone[1]), entry, "left")
    assert left[len(left) // 2][0] == pytest.approx(-0.005, abs=1e-6)


def test_a_belly_over_another_muscle_rests_on_it():
    # The same bone; a 1 cm thick "muscle" lies on its front (y from -0.02 to -0.01).
    bone = _box((-0.01, -0.01, 0.0), (0.01, 0.01, 0.3))
    under = _box((-0.02, -0.02, 0.0), (0.02, -0.01, 0.3))
    path = np.array([[0.0, 0.0, 0.3], [0.0, 0.0, 0.0]])
    entry = {"surface": "anterior", "across": 0.5}
    mid = beds.STATIONS // 2
    alone = beds.bedded_path(path, lambda t: 0.005, bone, entry, "right")
    over = beds.bedded_path(path, lambda t: 0.005, bone, entry, "right", over=[under])
    # On the bone the tube's centre is its radius in front of y = -0.01; on the muscle, in front
    # of y = -0.02; across the bone (its middle), not across the wider muscle.
    assert alone[mid][1] == pytest.approx(-0.015, abs=1e-6)
    assert over[mid][1] == pytest.approx(-0.025, abs=1e-6) and over[mid][0] == pytest.approx(0.0, abs=1e-6)


def test_a_flattened_belly_is_thin_away_from_its_bed_and_keeps_its_area():
    path = np.array([[0.0, 0.0, 0.3], [0.0, 0.0, 0.0]])
    entry = {"surface": "medial", "across": 0.5, "thickness": 0.5}
    bone = _box((-0.03, -0.01, 0.0), (-0.01, 0.01, 0.3))
    laid = beds.bedded_path(path, lambda t: 0.01, bone, entry, "right")
    # Half the radius out from the medial surface (x = -0.01): centre at x = -0.005.
    assert laid[len(laid) // 2][0] == pytest.approx(-0.005, abs=1e-6)
    thin = beds.thin_axis(entry, "right")
    pts, _ = tubes.sweep(laid, 0.01, rings=9, sides=16, thin=thin, thickness=beds.thickness(entry))
    ring = pts[4 * 16:5 * 16]  # the middle ring, at the belly's peak
    centre = ring.mean(axis=0)
    x, y = ring[:, 0] - centre[0], ring[:, 1] - centre[1]
    assert np.abs(x).max() == pytest.approx(0.005, rel=1e-3) and np.abs(y).max() == pytest.approx(0.02, rel=1e-3)
    # A round entry stays round.
    assert beds.thin_axis({"surface": "medial", "across": 0.5}, "right") is None


def test_a_station_the_bone_does_not_reach_stays():
    bone = _box((-0.01, -0.01, 0.0), (0.01, 0.01, 0.1))
    path = np.array([[0.02, 0.0, 0.3], [0.02, 0.0, 0.2]])
    laid = beds.bedded_path(path, lambda t: 0.005, bone, {"surface": "lateral", "across": 0.5}, "right")
    assert np.allclose(laid[:, :2], [0.02, 0.0])


@pytest.mark.parametrize("muscle", sorted(BEDDED))
def test_the_belly_of_a_bedded_muscle_lies_on_its_bone_not_beside_or_behind_it(muscle, manifest):
    """The label anchor (belly_point of the muscle's vertices) lies outside its bone, and a ray
    from it straight towards the bone's named surface meets the bone: flexor digitorum longus
    behind the tibia (a ray forwards meets the tibia, where it used to pass medial of it), the
    vastus lateralis lateral of the femur (a ray medially meets the shaft, where it used to pass
    behind it).
    """
    bone_id, surface = BEDDED[muscle]
    for side in ("right", "left"):
        s = manifest[f"{muscle}_{side}"]
        point = np.array(belly_point(read_mesh(manifest.file_path(s), s.triangles).points))
        b = manifest[f"{bone_id}_{side}"]
        mesh = read_mesh(manifest.file_path(b), b.triangles)
        towards = -np.array(DIRECTIONS[surface])
        if side == "left":
            towards[0] = -towards[0]
        assert not contains_point(mesh.points, mesh.faces, point), (muscle, side, point)
        tri = mesh.points[mesh.faces]
        t = ray_hits(tri[:, 0], tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0], point, towards)
        assert np.isfinite(t).any(), f"{muscle} ({side}): the belly at {point.round(4)} is not {surface} of the {bone_id}"


def _solid(manifest, sid):
    s = manifest[sid]
    return read_mesh(manifest.file_path(s), s.triangles)


@pytest.mark.parametrize("muscle", SLEEVES)
def test_a_bedded_thigh_muscle_is_no_sleeve_round_the_femur(muscle, manifest):
    """At every 2 cm of height along the middle of the muscle (between a fifth and four fifths
    of its height), the centre of the femur's cross-section lies outside the muscle: myo-sim's
    round tubes of the vastus medialis, vastus intermedius and rectus femoris held the shaft
    inside them (a sleeve, named through the bone)."""
    for side in ("right", "left"):
        m, b = _solid(manifest, f"{muscle}_{side}"), _solid(manifest, f"femur_{side}")
        lo, hi = float(m.points[:, 2].min()), float(m.points[:, 2].max())
        sleeved = []
        for z in np.arange(lo + 0.2 * (hi - lo), lo + 0.8 * (hi - lo), 0.02):
            cut = beds.section(b.points, b.faces, float(z)).reshape(-1, 3)
            if len(cut) and contains_point(m.points, m.faces, cut.mean(axis=0)):
                sleeved.append(round(float(z), 3))
        assert not sleeved, f"{muscle} ({side}) holds the femur's axis at heights {sleeved}"


def test_the_rectus_femoris_lies_in_front_of_the_vastus_intermedius(manifest):
    """Gray (p. 471): the vasti medialis and intermedius are seen when the rectus femoris has been
    reflected. A ray straight back from the rectus femoris's belly meets the vastus intermedius
    before the femur, and the belly lies in neither (myo-sim's rectus femoris ran behind the front
    of the femur, inside the intermedius)."""
    for side in ("right", "left"):
        rf = _solid(manifest, f"rectus_femoris_{side}")
        vi, femur = _solid(manifest, f"vastus_intermedius_{side}"), _solid(manifest, f"femur_{side}")
        point = np.array(belly_point(rf.points))
        back = np.array(DIRECTIONS["posterior"], dtype=float)
        first = {}
        for name, mesh in (("vastus intermedius", vi), ("femur", femur)):
            assert not contains_point(mesh.points, mesh.faces, point), (side, name, point.round(4))
            tri = mesh.points[mesh.faces]
            t = ray_hits(tri[:, 0], tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0], point, back)
            first[name] = float(np.nanmin(t)) if np.isfinite(t).any() else np.inf
        assert first["vastus intermedius"] < first["femur"] < np.inf, (side, point.round(4), first)


def test_the_vastus_medialis_bulges_medially_above_the_knee(manifest):
    """Gray (p. 471): the vastus medialis arises from the medial lip of the linea aspera and the
    medial supracondylar line and ends on the medial border of the patella. In the lower half of
    the femur's shaft it is thickest (its widest slice, the label's anchor, is there) and that
    slice lies wholly medial of the femur's axis and reaches at least 1.5 cm medial of the bone."""
    for side in ("right", "left"):
        vm, femur = _solid(manifest, f"vastus_medialis_{side}"), _solid(manifest, f"femur_{side}")
        medial = np.array(DIRECTIONS["medial"], dtype=float)
        if side == "left":
            medial[0] = -medial[0]
        point = np.array(belly_point(vm.points))
        lo, hi = float(femur.points[:, 2].min()), float(femur.points[:, 2].max())
        assert lo < point[2] < (lo + hi) / 2, (side, point.round(3))
        cut = beds.section(femur.points, femur.faces, float(point[2])).reshape(-1, 3)
        ring = vm.points[np.abs(vm.points[:, 2] - point[2]) < 0.01]
        axis = float(cut.mean(axis=0) @ medial)
        assert float((ring @ medial).min()) > axis, (side, "part of the slice lies lateral of the femur's axis")
        assert float((ring @ medial).max()) > float((cut @ medial).max()) + 0.015, side


def test_the_two_thighs_muscles_stay_apart_above_the_knees(manifest):
    """The vasti medialis laid on the medial side of each femur stay at least 3 cm apart
    (mesh to mesh) across the midline: laid as myo-sim's round tube they came within 1 cm above
    the knees, and the skin envelope bridged the thighs."""
    right, left = _solid(manifest, "vastus_medialis_right"), _solid(manifest, "vastus_medialis_left")
    from scipy.spatial import cKDTree

    gap = float(cKDTree(left.points).query(right.points)[0].min())
    assert gap > 0.03, f"the vasti medialis are {gap * 100:.1f} cm apart"
