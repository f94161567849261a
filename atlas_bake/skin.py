"""A body skin surface built from the anatomy when no skin mesh exists.

Every bone and muscle of ``meshes/manifest.json`` is sampled onto a voxel grid, the grid is
closed (dilated, holes filled, eroded) into one solid body, smoothed and contoured (marching
cubes, VTK's flying edges), then smoothed and decimated. The result is an envelope a few
millimetres outside the muscles: a stand-in for the skin, not a segmented skin. Re-run it
after the meshes change (``python scripts/build_skin.py``); the output is deterministic.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.anatomy.mesh_file import read_mesh

#: Voxel edge (metres).
VOXEL = 0.005
#: Closing: gaps narrower than about twice this are bridged (metres).
DILATE = 0.010
#: Shrink back after filling; the envelope ends DILATE - ERODE outside the muscles (metres).
ERODE = 0.005
#: Triangles kept after decimation (about).
TARGET_TRIANGLES = 90_000
KINDS = ("bone", "vertebra", "muscle")


def _samples(points: np.ndarray, faces: np.ndarray, spacing: float) -> np.ndarray:
    """Points on every triangle no farther apart than ``spacing`` (vertices, edges and inside)."""
    a, b, c = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    longest = np.max(np.stack([np.linalg.norm(b - a, axis=1), np.linalg.norm(c - b, axis=1),
                               np.linalg.norm(a - c, axis=1)]), axis=0)
    out = [points]
    steps = np.ceil(longest / spacing).astype(int)
    for n in np.unique(steps[steps > 1]):
        sel = steps == n
        i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        keep = (i + j) <= n
        u, v = (i[keep] / n)[None, :, None], (j[keep] / n)[None, :, None]
        pa, pb, pc = a[sel][:, None], b[sel][:, None], c[sel][:, None]
        out.append((pa + u * (pb - pa) + v * (pc - pa)).reshape(-1, 3))
    return np.concatenate(out)


def body_volume(manifest: Manifest) -> tuple[np.ndarray, np.ndarray]:
    """The closed body as a boolean voxel grid, and the grid's origin (metres)."""
    from scipy import ndimage

    clouds = []
    for s in manifest:
        if s.kind in KINDS:
            mesh = read_mesh(manifest.file_path(s))
            clouds.append(_samples(mesh.points, mesh.faces, VOXEL * 0.7))
    pts = np.concatenate(clouds)
    pad = DILATE + 4 * VOXEL
    origin = pts.min(axis=0) - pad
    shape = np.ceil((pts.max(axis=0) + pad - origin) / VOXEL).astype(int) + 1
    grid = np.zeros(shape, dtype=bool)
    idx = np.floor((pts - origin) / VOXEL).astype(int)
    grid[idx[:, 0], idx[:, 1], idx[:, 2]] = True
    ball = _ball(round(DILATE / VOXEL))
    grid = ndimage.binary_dilation(grid, structure=ball)
    grid = ndimage.binary_fill_holes(grid)
    grid = ndimage.binary_erosion(grid, structure=_ball(round(ERODE / VOXEL)))
    labels, n = ndimage.label(grid)
    if n > 1:  # keep the body, drop specks
        sizes = ndimage.sum(grid, labels, range(1, n + 1))
        grid = labels == (1 + int(np.argmax(sizes)))
    return grid, origin


def _ball(r: int) -> np.ndarray:
    z, y, x = np.mgrid[-r:r + 1, -r:r + 1, -r:r + 1]
    return (x * x + y * y + z * z) <= r * r


def skin_surface(manifest: Manifest) -> tuple[np.ndarray, np.ndarray]:
    """``(points, faces)`` of the skin envelope, wound outward, in the manifest's frame."""
    import pyvista as pv
    from scipy import ndimage

    grid, origin = body_volume(manifest)
    field = ndimage.gaussian_filter(grid.astype(np.float32), sigma=1.2)
    image = pv.ImageData(dimensions=grid.shape, spacing=(VOXEL,) * 3, origin=tuple(origin))
    image.point_data["body"] = field.ravel(order="F")
    surface = image.contour([0.5], scalars="body", method="flying_edges").triangulate().clean()
    surface = _plain(surface.connectivity("largest"))
    surface = _plain(surface.smooth_taubin(n_iter=30, pass_band=0.05))
    if surface.n_cells > TARGET_TRIANGLES:
        surface = _plain(surface.decimate_pro(1.0 - TARGET_TRIANGLES / surface.n_cells, preserve_topology=True))
    surface = surface.clean()
    points = np.asarray(surface.points, dtype=np.float64)
    faces = np.asarray(surface.faces).reshape(-1, 4)[:, 1:].astype(np.int64)
    return points, _outward(points, faces)


def _outward(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Faces wound so the enclosed volume is positive (normals point out of the body)."""
    a, b, c = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    volume = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0
    return faces if volume > 0 else faces[:, ::-1].copy()


def _plain(mesh):
    """A fresh triangle PolyData with only points and faces (no left-over cell arrays)."""
    import pyvista as pv

    mesh = mesh.extract_surface(algorithm="dataset_surface") if not isinstance(mesh, pv.PolyData) else mesh
    mesh = mesh.triangulate()
    faces = np.asarray(mesh.faces).reshape(-1, 4)
    return pv.PolyData(np.asarray(mesh.points), np.hstack([np.full((len(faces), 1), 3), faces[:, 1:]]).ravel())
