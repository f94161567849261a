"""Keep the scene's meshes, with their normals, in one file, so the next start reads one file.

Reading the 355 small mesh files (each a zip of NumPy arrays, checked on the way in) and
computing their normals takes about 0.4 s of every start. The result depends only on the
bytes of the manifest and of the mesh files, so those are hashed into a key; when a start finds
a pack with the same key it reads that instead. The pack holds only data (no pickles): the
concatenated float32 points and normals, int32 faces and the per-structure offsets.

The cache is best effort: a missing, unreadable, corrupt or stale pack only means reading the
mesh files again; a start that met any problem in the mesh files writes no pack, so problems
are always reported in full. NumPy only (no VTK): ``scene.meshes`` turns the arrays into
PyVista surfaces.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ims_atlas import __version__

#: The pack's own layout; bump when it changes so old packs are ignored.
FORMAT = 1
PREFIX = "meshes-"


@dataclass(frozen=True)
class Surface:
    """One structure's surface, ready for the renderer."""

    points: np.ndarray  # (n, 3) float32
    faces: np.ndarray  # (m, 3) int32
    normals: np.ndarray  # (n, 3) float32, unit vertex normals


def cache_dir() -> Path:
    """Where packs live (resolved when called)."""
    from ims_atlas.core.paths import user_dir

    return user_dir() / "cache"


def pack_key(manifest_path: Path, files: list[Path]) -> str:
    """A hash of everything the surfaces depend on: the manifest and every mesh file's bytes.

    Empty when a file cannot be read (then no pack is used or written).
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}/{FORMAT}".encode())
    try:
        digest.update(Path(manifest_path).read_bytes())
        for f in files:
            data = Path(f).read_bytes()
            digest.update(str(f.name).encode() + len(data).to_bytes(8, "little"))
            digest.update(data)
    except OSError:
        return ""
    return digest.hexdigest()


def _pack_path(key: str) -> Path:
    return cache_dir() / f"{PREFIX}{key}.npz"


def read_pack(key: str, ids: list[str]) -> dict[str, Surface] | None:
    """The surfaces of ``ids`` stored under ``key``, or None when there is no usable pack."""
    if not key:
        return None
    try:
        with np.load(_pack_path(key), allow_pickle=False) as z:
            stored = json.loads(bytes(z["ids"]).decode("utf-8"))
            if stored != ids:
                return None
            points, normals, faces = z["points"], z["normals"], z["faces"]
            point_at, face_at = z["point_offsets"], z["face_offsets"]
    except Exception:  # noqa: BLE001 - missing, damaged or foreign pack: read the mesh files instead
        return None
    n = len(ids)
    if (points.dtype != np.float32 or normals.shape != points.shape or faces.dtype != np.int32
            or points.ndim != 2 or points.shape[1:] != (3,) or faces.ndim != 2 or faces.shape[1:] != (3,)
            or point_at.shape != (n + 1,) or face_at.shape != (n + 1,)
            or point_at[-1] != len(points) or face_at[-1] != len(faces)):
        return None
    out = {}
    for i, sid in enumerate(ids):
        p0, p1, f0, f1 = int(point_at[i]), int(point_at[i + 1]), int(face_at[i]), int(face_at[i + 1])
        if not (0 <= p0 <= p1 <= len(points) and 0 <= f0 <= f1 <= len(faces)):
            return None
        fc = faces[f0:f1]
        if len(fc) and (fc.min() < 0 or fc.max() >= p1 - p0):
            return None
        out[sid] = Surface(points[p0:p1], fc, normals[p0:p1])
    return out


def write_pack(key: str, surfaces: dict[str, Surface]) -> None:
    """Store ``surfaces`` under ``key`` (best effort) and remove packs of other keys."""
    if not key:
        return
    ids = list(surfaces)
    items = [surfaces[i] for i in ids]
    point_at = np.cumsum([0] + [len(s.points) for s in items]).astype(np.int64)
    face_at = np.cumsum([0] + [len(s.faces) for s in items]).astype(np.int64)
    arrays = {
        "ids": np.frombuffer(json.dumps(ids).encode("utf-8"), dtype=np.uint8),
        "points": np.concatenate([s.points for s in items]).astype(np.float32) if items else np.zeros((0, 3), np.float32),
        "normals": np.concatenate([s.normals for s in items]).astype(np.float32) if items else np.zeros((0, 3), np.float32),
        "faces": np.concatenate([s.faces for s in items]).astype(np.int32) if items else np.zeros((0, 3), np.int32),
        "point_offsets": point_at,
        "face_offsets": face_at,
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # uncompressed: reading it back is a copy, not a decompression
    try:
        from ims_atlas.core.atomic_file import atomic_write_bytes

        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(_pack_path(key), buffer.getvalue())
        for old in folder.glob(f"{PREFIX}*.npz"):
            if old.name != _pack_path(key).name:
                old.unlink(missing_ok=True)
    except OSError:
        pass
