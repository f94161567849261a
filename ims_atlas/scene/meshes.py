"""Load baked mesh files into PyVista, with smooth vertex normals. Missing files are reported."""

from __future__ import annotations

import numpy as np
import pyvista as pv

from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.core.errors import DataError, Problem


def vertex_normals(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals (fast, NumPy only)."""
    v0, v1, v2 = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    fn = np.cross(v1 - v0, v2 - v0)
    # Sum each face normal into its three corners: bincount is many times faster than np.add.at.
    corners = faces.ravel()
    n = len(points)
    normals = np.stack([np.bincount(corners, weights=np.repeat(fn[:, axis], 3), minlength=n) for axis in range(3)],
                       axis=1)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return normals / np.maximum(length, 1e-12)


def to_polydata(points: np.ndarray, faces: np.ndarray) -> pv.PolyData:
    """A PyVista surface with point normals for smooth shading."""
    cells = np.hstack([np.full((len(faces), 1), 3, dtype=np.int64), faces.astype(np.int64)]).ravel()
    mesh = pv.PolyData(points.astype(np.float32), cells)
    mesh.point_data["Normals"] = vertex_normals(points, faces).astype(np.float32)
    mesh.point_data.active_normals_name = "Normals"
    return mesh


def load_structures(manifest: Manifest, structures: list[Structure]) -> tuple[dict[str, pv.PolyData], list[Problem]]:
    """Load the given structures; return the meshes that loaded and a problem for each that did not."""
    meshes: dict[str, pv.PolyData] = {}
    problems: list[Problem] = []
    for s in structures:
        try:
            data = read_mesh(manifest.file_path(s))
        except DataError as exc:
            problems.extend(Problem(p.file, p.path, f"{s.id}: {p.message}", p.severity) for p in exc.problems)
            continue
        if len(data.faces) == 0:
            problems.append(Problem(str(manifest.file_path(s)), "", f"{s.id}: mesh has no triangles"))
            continue
        meshes[s.id] = to_polydata(data.points, data.faces)
    return meshes, problems
