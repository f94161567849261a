"""Read and write the baked mesh files (``.npz``: points, triangles, optional centre path).

Plain NumPy, so the catalog validator can test points against muscles without VTK.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ims_atlas.core.atomic_file import atomic_write_bytes
from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.safe_file import UnreadableFile, open_regular

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


#: A mesh file without a declared triangle count may hold at most this many triangles.
MAX_TRIANGLES = 5_000_000
#: Vertices per declared triangle a file may hold (a triangle soup has 3; closed surfaces ~0.5).
MAX_POINTS_PER_TRIANGLE = 3
#: Points of a muscle's centre path at most.
MAX_PATH_POINTS = 100_000
#: No mesh point lies further than this from the origin (metres).
MAX_COORD = 100.0
_ARRAYS = {"points": "fiu", "faces": "iu", "path": "fiu"}


def mesh_file_limit(triangles: int | None) -> int:
    """The largest mesh file (bytes) that can hold ``triangles`` triangles (float64 points and
    int64 faces stored uncompressed, their largest form, plus room for the archive itself).
    """
    n = MAX_TRIANGLES if not triangles else min(int(triangles), MAX_TRIANGLES)
    return 24 * (MAX_POINTS_PER_TRIANGLE + 1) * n + 24 * MAX_PATH_POINTS + (1 << 16)


def _array_header(member) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and type an ``.npy`` member declares, read from its header only."""
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, _fortran, dtype = np.lib.format.read_array_header_1_0(member)
    else:
        shape, _fortran, dtype = np.lib.format.read_array_header_2_0(member)
    return shape, dtype


def read_mesh(path: str | Path, triangles: int | None = None) -> MeshData:
    """Load a mesh file.

    Parameters
    ----------
    path
        The ``.npz`` file.
    triangles
        The triangle count the manifest declares for it: the file may hold no more triangles
        (and no more than three vertices per triangle), so a small archive that unpacks into
        millions of vertices is refused before it is unpacked. None allows
        :data:`MAX_TRIANGLES`.

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

    allowed = MAX_TRIANGLES if not triangles else min(int(triangles), MAX_TRIANGLES)
    limits = {"points": MAX_POINTS_PER_TRIANGLE * allowed + 16, "faces": allowed, "path": MAX_PATH_POINTS}
    try:
        handle = open_regular(path, mesh_file_limit(triangles), what="mesh file")
    except FileNotFoundError:
        raise broken("mesh file is missing") from None
    except UnreadableFile as exc:
        raise broken(exc.reason) from None
    arrays: dict[str, np.ndarray] = {}
    try:
        with handle, zipfile.ZipFile(handle) as archive:
            names = {info.filename.removesuffix(".npy"): info for info in archive.infolist()}
            missing = [name for name in ("points", "faces") if name not in names]
            if missing:
                raise broken(f"mesh file has no {' or '.join(missing)} array")
            for name, kinds in _ARRAYS.items():
                if name not in names:
                    continue
                with archive.open(names[name]) as member:
                    shape, dtype = _array_header(member)
                    if dtype.hasobject:  # a pickle: never loaded
                        raise broken(f"mesh file is unreadable or corrupt (its {name} hold Python objects, "
                                     "which are never loaded)")
                    if dtype.kind not in kinds:
                        raise broken(f"mesh file has {name} of the wrong type ({dtype})")
                    if len(shape) != 2 or shape[1] != 3:
                        if not (name == "path" and 0 in shape):
                            raise broken(f"mesh file has {name} of the wrong shape {shape}; expected (n, 3)")
                    if shape and shape[0] > limits[name]:
                        what = "triangles" if name == "faces" else "vertices" if name == "points" else "path points"
                        declared = f"the manifest declares {triangles} triangles" if triangles else (
                            f"at most {MAX_TRIANGLES:,} triangles are read")
                        raise broken(f"mesh file holds {shape[0]:,} {what}, too many: {declared}")
                with archive.open(names[name]) as member:  # read again from the start, header included
                    arrays[name] = np.lib.format.read_array(member, allow_pickle=False)
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged archive fails in zipfile, zlib or NumPy in many ways
        # (BadZipFile, zlib.error, EOFError, a truncated member ...): all mean the same to the user.
        if isinstance(exc, zipfile.BadZipFile) and "not a zip file" in str(exc):
            raise broken("mesh file is unreadable or corrupt (not a mesh archive: damaged, or another kind of file)") from None
        raise broken(f"mesh file is unreadable or corrupt ({type(exc).__name__}: {str(exc)[:160]})") from None
    points, faces = arrays["points"], arrays["faces"]
    centre = arrays.get("path", np.zeros((0, 3)))
    points = points.astype(np.float64)
    centre = centre.astype(np.float64).reshape(-1, 3)
    if len(faces) and (faces.min() < 0 or faces.max() >= len(points)):
        raise broken("mesh file has triangles that point past its vertices")
    if not (np.isfinite(points).all() and np.isfinite(centre).all()):
        raise broken("mesh file has non-finite coordinates")
    if len(points) and np.abs(points).max() > MAX_COORD:
        raise broken(f"mesh file has points further than {MAX_COORD:g} m from the origin (not in metres?)")
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
    for s in manifest.every():
        path = manifest.file_path(s)
        listed = f"(structure {s.id!r} in {manifest.path.name})"
        try:
            mesh = read_mesh(path, s.triangles)
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
    atomic_write_bytes(path, buf.getvalue())
