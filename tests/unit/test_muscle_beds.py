"""Sourced bone beds: a tube muscle's belly lies on the surface of its bone the sources name."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from ims_atlas.anatomy.belly import belly_point
from ims_atlas.anatomy.geometry import contains_point, ray_hits
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.bake import beds, names
from ims_atlas.bake.landmarks import DIRECTIONS

#: The muscles whose myo-sim fascicle missed its bed (issue 16) and that must stay in the table.
BEDDED = {"flexor_digitorum_longus": ("tibia", "posterior"), "vastus_lateralis": ("femur", "lateral")}


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
