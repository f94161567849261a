"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half of one.

The bytes go to a temporary file in the same folder, are flushed to disk, and the temporary
file is renamed over the target (``os.replace`` is atomic on POSIX and Windows).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class WriteError(OSError):
    """A file could not be written; the message says which file and why."""


def check_writable(path: Path, *, force: bool = True) -> None:
    """Raise :class:`WriteError` if ``path`` cannot be (over)written, before any work is done.

    ``force=False`` refuses to replace an existing file.
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise WriteError(f"{path}: is a folder, not a file")
    if path.exists() and not force:
        raise WriteError(f"{path}: already exists (use --force to replace it)")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WriteError(f"{path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(f"{path}: the folder {folder} is not writable")


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Raises :class:`WriteError` (with the path and the reason) when the folder is missing or
    read-only, the disk is full, or the file exists and ``force`` is false. On any failure
    the previous file, if there was one, is left untouched and no temporary file remains.
    """
    path = Path(path)
    check_writable(path, force=force)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise WriteError(f"{path}: could not be written ({exc.strerror or exc})") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not force and path.exists():
            raise WriteError(f"{path}: already exists (use --force to replace it)")
        with contextlib.suppress(OSError):
            # Keep the usual permissions for a new file rather than mkstemp's 0600.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except WriteError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise WriteError(f"{path}: could not be written ({reason})") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str, *, force: bool = True) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"), force=force)
