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


#: A temporary file is named ``.<start of the name>.<pid>.<random>.part``: short enough for any
#: file system (a target name may already be 250 bytes long), and its process's id tells a
#: stale one (its export was killed) from one being written.
_TEMP_NAME_CHARS = 40


def check_writable(path: Path, *, force: bool = True) -> None:
    """Raise :class:`WriteError` if ``path`` cannot be (over)written, before any work is done.

    ``force=False`` refuses to replace an existing file.
    """
    path = Path(path)
    try:
        _check_writable(path, force)
    except WriteError:
        raise
    except OSError as exc:  # a name too long, a loop of links, a folder that cannot be read
        from ims_atlas.core.safe_file import reason_of

        raise WriteError(f"{path}: cannot be written ({reason_of(exc)})") from None


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _check_writable(path: Path, force: bool) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if folder.is_dir() and len(os.fsencode(path.name)) > _name_max(folder):
        raise WriteError(f"{path}: the file name is too long ({len(os.fsencode(path.name))} bytes; at most "
                         f"{_name_max(folder)} here)")
    if path.exists() and path.is_dir():
        raise WriteError(f"{path}: is a folder, not a file")
    if path.exists() and not force:
        raise WriteError(f"{path}: already exists (use --force to replace it)")
    if not folder.is_dir():
        raise WriteError(f"{path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(f"{path}: the folder {folder} is not writable")


def _temp_prefix(path: Path) -> str:
    return f".{path.name[:_TEMP_NAME_CHARS]}."


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove temporary files an earlier, killed write of ``path`` left behind (their process is
    gone); return what was removed. Best effort: never raises.
    """
    path = Path(path)
    removed = []
    prefix = _temp_prefix(path)
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".part")]
    except OSError:
        return removed
    for tmp in candidates:
        pid_text = tmp.name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit() or process_alive(int(pid_text)):
            continue
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass
    return removed


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (True when it cannot be told)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError, OSError):
        return True  # someone else's process, or cannot tell: leave its file alone
    return True


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Raises :class:`WriteError` (with the path and the reason) when the folder is missing or
    read-only, the disk is full, or the file exists and ``force`` is false. On any failure
    the previous file, if there was one, is left untouched and no temporary file remains; the
    temporary file is readable by the user only while it is written, and ones left by a killed
    write are removed first.
    """
    path = Path(path)
    check_writable(path, force=force)
    remove_stale_temporaries(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f"{_temp_prefix(path)}{os.getpid()}.", suffix=".part", dir=path.parent)
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
        _sync_folder(path.parent)
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


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file to disk too (POSIX; best effort)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder if str(folder) else ".", os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str, *, force: bool = True) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"), force=force)
