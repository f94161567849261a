"""Read and write the baked mesh files (``.npz``: points, triangles, optional centre path).

Plain NumPy, so the catalog validator can test points against muscles without VTK.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ims_atlas.core.errors import DataError, Problem


@dataclass(frozen=True)
class MeshData:
    """A triangle mesh: ``points`` (n, 3) float, ``faces`` (m, 3) int, and for muscles the
    centre ``path`` (k, 3) from origin to insertion of its main fascicle (empty if none)."""

    points: np.ndarray
    faces: np.ndarray
    path: np.ndarray


def read_mesh(path: str | Path) -> MeshData:
    """Load a mesh file, raising :class:`DataError` naming the file if it is missing or broken."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            points = np.asarray(z["points"], dtype=np.float64)
            faces = np.asarray(z["faces"], dtype=np.int64)
            centre = np.asarray(z["path"], dtype=np.float64) if "path" in z.files else np.zeros((0, 3))
    except FileNotFoundError:
        raise DataError(Problem(str(path), "", "mesh file is missing")) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(Problem(str(path), "", f"mesh file is unreadable or corrupt ({type(exc).__name__}: {exc})")) from None
    if points.ndim != 2 or points.shape[1] != 3 or faces.ndim != 2 or faces.shape[1] != 3:
        raise DataError(Problem(str(path), "", "mesh file has points or faces of the wrong shape"))
    if len(faces) and (faces.min() < 0 or faces.max() >= len(points)):
        raise DataError(Problem(str(path), "", "mesh file has triangles that point past its vertices"))
    if not np.isfinite(points).all():
        raise DataError(Problem(str(path), "", "mesh file has non-finite coordinates"))
    return MeshData(points=points, faces=faces, path=centre.reshape(-1, 3))


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
