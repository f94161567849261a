"""Load baked mesh files into PyVista, with smooth vertex normals. Missing files are reported."""

from __future__ import annotations

import numpy as np
import pyvista as pv

from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.core.errors import DataError, Problem
from ims_atlas.scene import mesh_cache
from ims_atlas.scene.mesh_cache import Surface


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


def to_polydata(points: np.ndarray, faces: np.ndarray, normals: np.ndarray | None = None) -> pv.PolyData:
    """A PyVista surface with point normals for smooth shading (computed unless given)."""
    # 32-bit points and cell indices: half the memory of VTK's 64-bit default, and what the
    # renderer uploads anyway.
    mesh = pv.PolyData.from_regular_faces(np.asarray(points, dtype=np.float32), np.asarray(faces, dtype=np.int32))
    if normals is None:
        normals = vertex_normals(np.asarray(points, dtype=np.float64), np.asarray(faces))
    mesh.point_data["Normals"] = np.asarray(normals, dtype=np.float32)
    mesh.point_data.active_normals_name = "Normals"
    return mesh


#: Layers whose structures also get a coarse surface, drawn when a structure is faint context.
COARSE_LAYERS = ("muscles",)
#: The coarse surface keeps this share of the triangles (of surfaces with at least COARSE_MIN).
COARSE_KEEP = 0.3
COARSE_MIN = 300
#: The largest distance (metres) between a coarse copy and its full surface (measured both
#: ways when the copy is made; tests/scene/test_mesh_loading.py measures it again): where that
#: is at most ``COARSE_PIXELS`` pixels on screen, as in a whole-body view, the copy looks the
#: same, and an unhighlighted muscle is drawn from it at rest too (scene.controller).
COARSE_ERROR = 0.0035
#: Shares of triangles tried in turn, where a copy keeping fewer strays further than
#: COARSE_ERROR (a muscle laid round a bend of its bone bed: the vastus lateralis).
COARSE_RETRIES = (0.5, 0.7)


def _decimated(mesh: pv.PolyData, keep: float) -> Surface:
    out = mesh.decimate(1.0 - keep, volume_preservation=True)
    points = np.asarray(out.points, dtype=np.float64)
    faces = out.regular_faces
    return Surface(points.astype(np.float32), faces.astype(np.int32), vertex_normals(points, faces).astype(np.float32))


def _farthest(points: np.ndarray, surface: Surface) -> float:
    """The largest unsigned distance (metres) from ``points`` to the triangles of ``surface``."""
    from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
    from vtkmodules.vtkCommonCore import vtkDoubleArray
    from vtkmodules.vtkFiltersCore import vtkImplicitPolyDataDistance

    distance = vtkImplicitPolyDataDistance()
    distance.SetInput(pv.PolyData.from_regular_faces(surface.points.astype(np.float64), surface.faces))
    out = vtkDoubleArray()
    distance.FunctionValue(numpy_to_vtk(np.ascontiguousarray(points, dtype=np.float64), deep=True), out)
    return float(np.abs(vtk_to_numpy(out)).max()) if len(points) else 0.0


def copy_error(copy: Surface, surface: Surface) -> float:
    """How far (metres) a copy of a surface strays from it, either way: the largest distance
    from a vertex of one to the triangles of the other.
    """
    return max(_farthest(copy.points, surface), _farthest(surface.points, copy))


def coarse_surface(surface: Surface) -> Surface:
    """A decimated copy (about ``COARSE_KEEP`` of the triangles; shape and volume kept) for
    structures drawn as faint context, where the detail cannot be seen: fewer triangles for
    the software rasteriser to bin, which is most of a frame's memory. A copy that strays
    further than ``COARSE_ERROR`` from the surface (either way) keeps more triangles
    (``COARSE_RETRIES``); failing those, the surface itself is the copy.
    """
    mesh = pv.PolyData.from_regular_faces(surface.points, surface.faces)
    for keep in (COARSE_KEEP, *COARSE_RETRIES):
        copy = _decimated(mesh, keep)
        if copy_error(copy, surface) <= COARSE_ERROR:
            return copy
    return surface


def read_surfaces(manifest: Manifest, structures: list[Structure], use_cache: bool = True
                  ) -> tuple[dict[str, Surface], dict[str, Surface], list[Problem]]:
    """Read the structures' mesh files (or the pack of them a clean earlier start left).

    Returns the surfaces that loaded, coarse versions of those in ``COARSE_LAYERS`` with at
    least ``COARSE_MIN`` triangles, and a problem for each structure that did not load.
    """
    files = [manifest.file_path(s) for s in structures]
    ids = [s.id for s in structures]
    salt = f"coarse {COARSE_LAYERS} {COARSE_KEEP} {COARSE_MIN} {COARSE_ERROR} {COARSE_RETRIES}"
    key = mesh_cache.pack_key(manifest.path, files, salt) if use_cache else ""
    packed = mesh_cache.read_pack(key, ids)
    if packed is not None:
        return packed[0], packed[1], []
    surfaces: dict[str, Surface] = {}
    coarse: dict[str, Surface] = {}
    problems: list[Problem] = []
    for s, path in zip(structures, files, strict=True):
        try:
            data = read_mesh(path, s.triangles)
        except DataError as exc:
            problems.extend(Problem(p.file, p.path, f"{s.id}: {p.message}", p.severity) for p in exc.problems)
            continue
        if len(data.faces) == 0:
            problems.append(Problem(str(path), "", f"{s.id}: mesh has no triangles"))
            continue
        surfaces[s.id] = Surface(data.points.astype(np.float32), data.faces.astype(np.int32),
                                 vertex_normals(data.points, data.faces).astype(np.float32))
        if s.layer in COARSE_LAYERS and len(data.faces) >= COARSE_MIN:
            coarse[s.id] = coarse_surface(surfaces[s.id])
    if not problems:
        mesh_cache.write_pack(key, surfaces, coarse)
    return surfaces, coarse, problems


def load_structures(manifest: Manifest, structures: list[Structure], use_cache: bool = True
                    ) -> tuple[dict[str, pv.PolyData], dict[str, pv.PolyData], list[Problem]]:
    """Load the given structures: the meshes that loaded, the coarse meshes drawn for faint
    context (see :func:`read_surfaces`), and a problem for each structure that did not load.
    """
    surfaces, coarse, problems = read_surfaces(manifest, structures, use_cache)

    def polydata(items):
        return {sid: to_polydata(s.points, s.faces, s.normals) for sid, s in items.items()}

    return polydata(surfaces), polydata(coarse), problems
