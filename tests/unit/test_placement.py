"""Epicentre positions: on their muscle's path, and in step with the baked meshes."""

import subprocess
import sys

import pytest

from ims_atlas.anatomy.geometry import distance_outside
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.anatomy.placement import point_along


def test_positions_in_the_catalog_match_the_meshes(repo):
    proc = subprocess.run([sys.executable, str(repo / "scripts" / "place_targets.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.5, 1.0])
def test_point_along_lies_in_the_muscle(manifest, fraction):
    p = point_along(manifest, "supinator", "right", fraction)
    s = manifest.muscle_structures("supinator", sides=["right"])[0]
    mesh = read_mesh(manifest.file_path(s))
    assert distance_outside(mesh.points, mesh.faces, p) <= 0.003


def test_no_point_for_muscles_split_by_level_or_unmodelled(manifest):
    assert point_along(manifest, "multifidus", "right", 0.5) is None
    assert not manifest.muscle_structures("opponens_digiti_minimi", sides=["right"])
    assert point_along(manifest, "opponens_digiti_minimi", "right", 0.5) is None
