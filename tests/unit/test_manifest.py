"""The bundled anatomy: every structure loads, the spine is ordered, sides mirror, bad manifests are clear errors."""

import json

import numpy as np
import pytest

from ims_atlas.anatomy.manifest import load_manifest
from ims_atlas.anatomy.mesh_file import read_mesh, write_mesh
from ims_atlas.core.errors import DataError
from ims_atlas.core.ids import MIDLINE_X, VERTEBRA_NAMES


def test_manifest_states_frame_and_source(manifest):
    assert manifest.frame["units"] == "metres"
    assert (manifest.frame["up"], manifest.frame["anterior"], manifest.frame["left"]) == ("+Z", "-Y", "+X")
    assert manifest.source["package"] == "myo-sim" and manifest.source["licence"] == "Apache-2.0"
    kinds = {s.kind for s in manifest}
    assert {"bone", "vertebra", "muscle"} <= kinds


def test_every_structure_loads_and_matches_its_triangle_count(manifest):
    for s in manifest:
        mesh = read_mesh(manifest.file_path(s))
        assert len(mesh.faces) == s.triangles, s.id
        assert len(mesh.points) > 3, s.id


def test_budget_fits_400k_triangles(manifest):
    assert sum(s.triangles for s in manifest) <= 400_000


def _edge_use(faces):
    e = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    _, counts = np.unique(e, axis=0, return_counts=True)
    return counts


def test_muscle_surfaces_are_closed(manifest):
    for s in manifest.by_kind("muscle", "fascia"):
        mesh = read_mesh(manifest.file_path(s))
        assert (_edge_use(mesh.faces) == 2).all(), f"{s.id} has open or non-manifold edges"


def test_vertebrae_run_c1_to_sacrum_top_to_bottom(manifest):
    levels = [s.level for s in manifest.by_kind("vertebra")]
    assert levels == list(VERTEBRA_NAMES)
    centroids = [s.landmarks["centroid"][2] for s in manifest.by_kind("vertebra")]
    assert all(a > b for a, b in zip(centroids, centroids[1:], strict=False)), "vertebrae must descend in height"


def test_atlas_is_the_widest_cervical_vertebra(manifest):
    """The split of myo-sim's single cervical mesh put the atlas (C1) on top."""
    widths = {}
    for s in manifest.by_kind("vertebra"):
        if s.level.startswith("C"):
            p = read_mesh(manifest.file_path(s)).points
            widths[s.level] = np.ptp(p[:, 0])
    assert max(widths, key=widths.get) == "C1"


def test_left_and_right_mirror_each_other(manifest):
    for s in manifest:
        if s.side != "right":
            continue
        twin = manifest.get(s.id.replace("_right", "_left"))
        assert twin is not None, f"{s.id} has no left twin"
        a = read_mesh(manifest.file_path(s)).points.mean(axis=0)
        b = read_mesh(manifest.file_path(twin)).points.mean(axis=0)
        assert a[0] < MIDLINE_X < b[0], s.id  # right is -X
        assert abs((2 * MIDLINE_X - a[0]) - b[0]) < 0.02, s.id
        assert np.allclose(a[1:], b[1:], atol=0.02), s.id


def test_logo_disc_dropped_from_ribcage(manifest):
    rib = read_mesh(manifest.file_path(manifest["ribcage"]))
    assert len(rib.faces) < 8000  # 21k with the MyoSuite logo disc


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[]", "$: error: must be an object, not a list"),
        (b'{"structures": 3}', "$.structures"),
        (b'{"structures": [{"id": "a", "name": "A", "kind": "planet", "layer": "bones", "side": "left", "file": "a.npz"}]}',
         "$.structures[0].kind: error: must be one of 'bone', 'vertebra', 'muscle', 'fascia', 'nerve', 'root', 'organ', 'vessel', not 'planet'"),
        (b'{"structures": [{"id": "a"}]}', "$.structures[0]: error: missing required key 'name'"),
        (b'{"format_version": 2, "structures": []}', "$.format_version: error: must be 1, not 2; run scripts/build_meshes.py"),
    ],
)
def test_broken_manifests_are_clear_errors(tmp_path, content, expected):
    path = tmp_path / "manifest.json"
    path.write_bytes(content)
    with pytest.raises(DataError) as err:
        load_manifest(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_missing_manifest_says_how_to_fix(tmp_path):
    with pytest.raises(DataError, match="build_meshes"):
        load_manifest(tmp_path / "nope.json")


def test_mesh_file_round_trip_and_corruption(tmp_path):
    pts = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]], float)
    write_mesh(tmp_path / "m.npz", pts, np.array([[0, 1, 2]]))
    assert read_mesh(tmp_path / "m.npz").faces.tolist() == [[0, 1, 2]]
    (tmp_path / "bad.npz").write_bytes(b"garbage")
    with pytest.raises(DataError, match="corrupt"):
        read_mesh(tmp_path / "bad.npz")
    write_mesh(tmp_path / "oob.npz", pts, np.array([[0, 1, 7]]))
    with pytest.raises(DataError, match="past its vertices"):
        read_mesh(tmp_path / "oob.npz")


def test_manifest_json_is_stable_text(repo):
    doc = json.loads((repo / "meshes" / "manifest.json").read_text())
    ids = [s["id"] for s in doc["structures"]]
    assert len(ids) == len(set(ids))
