"""Open a file the app reads without hanging, exhausting memory or following it anywhere odd.

Every data file (catalog, manifest, settings, caches, meshes, logo) is opened here first: a
FIFO would block ``open`` for ever, ``/dev/zero`` never ends, a folder or a symbolic-link loop
gives an error no user understands. The file is opened without blocking, checked to be a
regular file on the opened descriptor (so a link swapped in between cannot fool the check),
and read only up to a limit that fits the data.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class UnreadableFile(OSError):
    """A file that is not read: ``reason`` says why in plain words (the path is ``filename``)."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(reason)
        self.filename = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.filename}: {self.reason}"


def size_text(n: int) -> str:
    """A byte count in words a user reads (``"2 MB"``)."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


_REASONS = {
    errno.EACCES: "permission denied (the file cannot be read by this user)",
    errno.EPERM: "permission denied (the file cannot be read by this user)",
    errno.ELOOP: "is a symbolic link that loops (or points through too many links)",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "is a folder, not a file",
    errno.EIO: "the disk reported a read error",
}


def reason_of(exc: OSError) -> str:
    """Plain words for an OS error met while opening or reading a file."""
    if isinstance(exc, UnreadableFile):
        return exc.reason
    return _REASONS.get(exc.errno or 0) or (exc.strerror or str(exc))


def open_regular(path: str | Path, limit: int, *, what: str = "file"):
    """Open ``path`` for reading in binary if it is a regular file of at most ``limit`` bytes.

    Returns an open binary file object (the caller closes it). Raises
    :class:`FileNotFoundError` when there is no such file (callers often say something of
    their own then) and :class:`UnreadableFile` for everything else that stops the read.
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnreadableFile(path, reason_of(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(path, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = "a pipe" if stat.S_ISFIFO(info.st_mode) else "a device" if (
                stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)) else "a socket" if stat.S_ISSOCK(
                info.st_mode) else "not a plain file"
            raise UnreadableFile(path, f"is not a regular file ({kind}); a {what} must be an ordinary file")
        if info.st_size > limit:
            raise UnreadableFile(path, f"is too large ({size_text(info.st_size)}; a {what} is at most "
                                       f"{size_text(limit)})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | Path, limit: int, *, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`).

    Never reads more than ``limit + 1`` bytes, even from a file that grows while it is read.
    """
    with open_regular(path, limit, what=what) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise UnreadableFile(path, reason_of(exc)) from None
    if len(data) > limit:
        raise UnreadableFile(path, f"is too large (more than {size_text(limit)}; a {what} is at most "
                                   f"{size_text(limit)})")
    return data
