"""Read and write the baked mesh files (``.npz``: points, triangles, optional centre path).

Plain NumPy, so the catalog validator can test points against muscles without VTK.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ims_atlas.core.errors import DataError, Problem

if TYPE_CHECKING:
    from ims_atlas.anatomy.manifest import Manifest


@dataclass(frozen=True)
class MeshData:
    """A triangle mesh: ``points`` (n, 3) float, ``faces`` (m, 3) int, and for muscles the
    centre ``path`` (k, 3) from origin to insertion of its main fascicle (empty if none).
    """

    points: np.ndarray
    faces: np.ndarray
    path: np.ndarray


def read_mesh(path: str | Path) -> MeshData:
    """Load a mesh file.

    Parameters
    ----------
    path
        The ``.npz`` file.

    Returns
    -------
    MeshData
        Finite float64 points, int64 faces that index them, and the centre path.

    Raises
    ------
    DataError
        With one problem naming the file if it is missing, damaged or not a mesh.
    """
    path = Path(path)

    def broken(message: str) -> DataError:
        return DataError(Problem(str(path), "", message))

    if not path.exists():
        raise broken("mesh file is missing")
    if not path.is_file():
        raise broken("is not a mesh file (a folder, a device or a pipe?)")
    try:
        loaded = np.load(path, allow_pickle=False)  # never unpickle: a mesh file is data only
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("a single .npy array, not an .npz archive")
        with loaded as z:
            missing = [name for name in ("points", "faces") if name not in z.files]
            if missing:
                raise KeyError(f"no {' or '.join(missing)} array")
            points, faces = z["points"], z["faces"]
            centre = z["path"] if "path" in z.files else np.zeros((0, 3))
    except Exception as exc:  # noqa: BLE001 - a damaged archive fails in zipfile, zlib or NumPy in many ways
        # (BadZipFile, zlib.error, EOFError, a header claiming terabytes -> MemoryError, ...):
        # all mean the same to the user.
        raise broken(f"mesh file is unreadable or corrupt ({type(exc).__name__}: {str(exc)[:160]})") from None
    for name, array, kinds in (("points", points, "fiu"), ("faces", faces, "iu"), ("path", centre, "fiu")):
        if array.dtype.kind not in kinds:
            raise broken(f"mesh file has {name} of the wrong type ({array.dtype})")
        if array.ndim != 2 or array.shape[1] != 3:
            if not (name == "path" and array.size == 0):
                raise broken(f"mesh file has {name} of the wrong shape {array.shape}; expected (n, 3)")
    points = points.astype(np.float64)
    centre = centre.astype(np.float64).reshape(-1, 3)
    if len(faces) and (faces.min() < 0 or faces.max() >= len(points)):
        raise broken("mesh file has triangles that point past its vertices")
    if not (np.isfinite(points).all() and np.isfinite(centre).all()):
        raise broken("mesh file has non-finite coordinates")
    return MeshData(points=points, faces=faces.astype(np.int64), path=centre)


def mesh_file_problems(manifest: Manifest) -> list[Problem]:
    """Read every structure's mesh file; one problem for each that is missing, broken or empty.

    Parameters
    ----------
    manifest
        The anatomy manifest; its files are read relative to its folder.

    Returns
    -------
    list of Problem
        Each names the mesh file and the structure that needs it; empty if every mesh loads.
    """
    problems: list[Problem] = []
    for s in manifest:
        path = manifest.file_path(s)
        listed = f"(structure {s.id!r} in {manifest.path.name})"
        try:
            mesh = read_mesh(path)
        except DataError as exc:
            problems += [Problem(p.file, p.path, f"{p.message} {listed}", p.severity) for p in exc.problems]
            continue
        if len(mesh.faces) == 0:
            problems.append(Problem(str(path), "", f"mesh file has no triangles {listed}"))
    return problems


def write_mesh(path: str | Path, points: np.ndarray, faces: np.ndarray, centre: np.ndarray | None = None) -> None:
    """Write a mesh file deterministically (float32 points, int32 faces; no timestamps)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {
        "points": np.ascontiguousarray(points, dtype=np.float32),
        "faces": np.ascontiguousarray(faces, dtype=np.int32),
    }
    if centre is not None and len(centre):
        arrays["path"] = np.ascontiguousarray(centre, dtype=np.float32)
    buf = io.BytesIO()
    # Fixed member dates make the archive byte-identical between builds.
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, arr, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, member.getvalue())
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, path)
