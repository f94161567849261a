"""Keep the scene's meshes, with their normals, in one file, so the next start reads one file.

Reading the few hundred small mesh files (each a zip of NumPy arrays, checked on the way in)
and computing their normals is a large part of a start (measured in BENCHMARKS.md). The result depends only on the
bytes of the manifest and of the mesh files, so those are hashed into a key; when a start finds
a pack with the same key it reads that instead. The pack holds only data (no pickles): the
concatenated float32 points and normals, int32 faces and the per-structure offsets, for the
surfaces and for their coarse versions (``scene.meshes``: drawn for faint context).

Several anatomies may share one cache folder (two checkouts, an installed wheel beside a
clone, a run on other meshes): the folder keeps the ``KEEP_PACKS`` packs used most recently
(a pack read is marked used), so one of them starting does not throw away another's pack.

The cache is best effort: a missing, unreadable, corrupt or stale pack only means reading the
mesh files again; a start that met any problem in the mesh files writes no pack, so problems
are always reported in full. NumPy only (no VTK): ``scene.meshes`` turns the arrays into
PyVista surfaces.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ims_atlas import __version__
from ims_atlas.core.safe_file import open_regular, read_regular

#: The pack's own layout; bump when it changes so old packs are ignored.
FORMAT = 2
PREFIX = "meshes-"
#: Packs kept in the folder, the most recently written or read first (each a few tens of MB).
KEEP_PACKS = 3
#: A larger pack is not read (the bundled anatomy packs into a few tens of MB).
MAX_PACK_BYTES = 2 << 30


@dataclass(frozen=True)
class Surface:
    """One structure's surface, ready for the renderer."""

    points: np.ndarray  # (n, 3) float32
    faces: np.ndarray  # (m, 3) int32
    normals: np.ndarray  # (n, 3) float32, unit vertex normals


def cache_dir() -> Path:
    """Where packs live (resolved when called)."""
    from ims_atlas.core import paths

    return paths.cache_dir()


def pack_key(manifest_path: Path, files: list[Path], salt: str = "") -> str:
    """A hash of everything the surfaces depend on: the manifest, every mesh file's bytes and
    ``salt`` (the parameters of whatever the caller derives from them).

    Empty when a file cannot be read (then no pack is used or written).
    """
    from ims_atlas.anatomy.manifest import MAX_BYTES as MANIFEST_BYTES
    from ims_atlas.anatomy.mesh_file import mesh_file_limit

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}/{FORMAT}/{salt}".encode())
    try:  # opened safely: a pipe or /dev/zero in place of a file means no pack, never a hang
        digest.update(read_regular(manifest_path, MANIFEST_BYTES, what="manifest"))
        for f in files:
            data = read_regular(f, mesh_file_limit(None), what="mesh file")
            digest.update(str(Path(f).name).encode() + len(data).to_bytes(8, "little"))
            digest.update(data)
    except OSError:
        return ""
    return digest.hexdigest()


def _pack_path(key: str) -> Path:
    return cache_dir() / f"{PREFIX}{key}.npz"


def _unpack(z, group: str, ids: list[str]) -> dict[str, Surface] | None:
    stored = json.loads(bytes(z[f"{group}_ids"]).decode("utf-8"))
    if stored != ids:
        return None
    points, normals, faces = z[f"{group}_points"], z[f"{group}_normals"], z[f"{group}_faces"]
    point_at, face_at = z[f"{group}_point_offsets"], z[f"{group}_face_offsets"]
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


def read_pack(key: str, ids: list[str]) -> tuple[dict[str, Surface], dict[str, Surface]] | None:
    """The surfaces of ``ids`` and their coarse versions stored under ``key``, or None when
    there is no usable pack.
    """
    if not key:
        return None
    try:
        with open_regular(_pack_path(key), MAX_PACK_BYTES, what="mesh cache") as handle, \
                np.load(handle, allow_pickle=False) as z:
            fine = _unpack(z, "fine", ids)
            coarse_ids = json.loads(bytes(z["coarse_ids"]).decode("utf-8"))
            if fine is None or not isinstance(coarse_ids, list) or not set(coarse_ids) <= set(ids):
                return None
            coarse = _unpack(z, "coarse", coarse_ids)
    except Exception:  # noqa: BLE001 - missing, damaged or foreign pack: read the mesh files instead
        return None
    if coarse is None:
        return None
    _mark_used(_pack_path(key))
    return fine, coarse


def _mark_used(path: Path) -> None:
    """Mark a pack as just used, so pruning keeps it (best effort)."""
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the ``KEEP_PACKS`` most recently used packs; ``keep`` always stays."""

    def used(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    others = sorted((p for p in folder.glob(f"{PREFIX}*.npz") if p.name != keep.name), key=used, reverse=True)
    for old in others[KEEP_PACKS - 1:]:
        old.unlink(missing_ok=True)


def _group(group: str, surfaces: dict[str, Surface]) -> dict[str, np.ndarray]:
    items = list(surfaces.values())

    def cat(arrays, dtype):
        return np.concatenate(arrays).astype(dtype) if arrays else np.zeros((0, 3), dtype)

    return {
        f"{group}_ids": np.frombuffer(json.dumps(list(surfaces)).encode("utf-8"), dtype=np.uint8),
        f"{group}_points": cat([s.points for s in items], np.float32),
        f"{group}_normals": cat([s.normals for s in items], np.float32),
        f"{group}_faces": cat([s.faces for s in items], np.int32),
        f"{group}_point_offsets": np.cumsum([0] + [len(s.points) for s in items]).astype(np.int64),
        f"{group}_face_offsets": np.cumsum([0] + [len(s.faces) for s in items]).astype(np.int64),
    }


def write_pack(key: str, surfaces: dict[str, Surface], coarse: dict[str, Surface] | None = None) -> None:
    """Store ``surfaces`` and their ``coarse`` versions under ``key`` (best effort) and remove
    the packs of other keys beyond the ``KEEP_PACKS`` used most recently.
    """
    if not key:
        return
    arrays = {**_group("fine", surfaces), **_group("coarse", coarse or {})}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # uncompressed: reading it back is a copy, not a decompression
    try:
        from ims_atlas.core.atomic_file import atomic_write_bytes

        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(_pack_path(key), buffer.getvalue())
        _prune(folder, _pack_path(key))
    except OSError:
        pass
