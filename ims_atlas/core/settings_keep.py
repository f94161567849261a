"""The user's settings file is never lost: what cannot be read is kept, what is unknown is kept.

Before a settings file is replaced, what is on disk is looked at again. A file that could not
be read in full (not UTF-8, a trailing comma, too large, a value that was dropped, a newer
version) is first copied aside, byte for byte, to ``settings.kept-YYYYMMDD-HHMMSS.json`` next
to it; if that copy cannot be made, or the file cannot be read at all (permission denied, a
pipe), it is not replaced. Keys this version does not know (written by a newer one) are carried
into the new file. Qt-free; used by :func:`ims_atlas.core.settings.save_settings`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ims_atlas.core.atomic_file import WriteError, atomic_write_bytes
from ims_atlas.core.safe_file import UnreadableFile, read_regular

#: At most this many kept copies are looked through for one with the same bytes.
_MAX_KEPT_SCAN = 50


@dataclass(frozen=True)
class OnDisk:
    """The settings file as it is now: its bytes (None if there is no file)."""

    raw: bytes | None


def read_on_disk(path: Path, limit: int) -> OnDisk:
    """The current file's bytes, or ``OnDisk(None)`` when there is none.

    Raises :class:`WriteError` when there is a file that cannot be read (it must then not be
    replaced: its content would be lost unseen). A file larger than ``limit`` is read whole
    for the copy only if it is a regular file.
    """
    try:
        return OnDisk(read_regular(path, limit, what="settings file"))
    except FileNotFoundError:
        return OnDisk(None)
    except UnreadableFile as exc:
        if "too large" in exc.reason:
            try:
                return OnDisk(read_regular(path, 1 << 31, what="settings file"))
            except OSError as again:
                exc = again if isinstance(again, UnreadableFile) else UnreadableFile(path, str(again))
        raise WriteError(f"{path}: {exc.reason}; it is not replaced, so the settings were not saved") from None
    except OSError as exc:
        raise WriteError(f"{path}: cannot be read ({exc.strerror or exc}); it is not replaced, so the settings "
                         "were not saved") from None


def kept_copies(path: Path) -> list[Path]:
    """Copies kept so far of ``path``, oldest first."""
    try:
        return sorted(path.parent.glob(f"{path.stem}.kept-*{path.suffix}"))
    except OSError:
        return []


def keep_copy(path: Path, raw: bytes) -> Path:
    """Copy ``raw`` (the bytes of ``path``) aside and return where; an identical copy kept before
    is reused. Raises :class:`WriteError` if no copy can be written.
    """
    for old in kept_copies(path)[-_MAX_KEPT_SCAN:]:
        try:
            if old.stat().st_size == len(raw) and read_regular(old, len(raw)) == raw:
                return old
        except OSError:
            continue
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(100):
        target = path.with_name(f"{path.stem}.kept-{stamp}{f'-{n}' if n else ''}{path.suffix}")
        try:
            return atomic_write_bytes(target, raw, force=False)
        except WriteError:
            if not target.exists():
                raise
    raise WriteError(f"{path}: no name left for a kept copy")


def carry_unknown(old: object, new: object, whole: frozenset[str] = frozenset()) -> object:
    """``new`` with the keys of ``old`` that it lacks added back, object by object.

    ``new`` always holds every key this version knows, so a key it lacks is one it does not
    know. Lists of objects are matched by their ``name`` (presets). The values of keys in
    ``whole`` (maps keyed by layer, cameras) are taken from ``new`` as they are, so that what
    the user removed stays removed; anything that is not an object in both is ``new``'s.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(new)
        for key, value in old.items():
            if key not in new:
                out[key] = value
            elif key not in whole:
                out[key] = carry_unknown(value, new[key], whole)
        return out
    if isinstance(old, list) and isinstance(new, list):
        by_name = {item["name"]: item for item in old if isinstance(item, dict) and isinstance(item.get("name"), str)}
        return [carry_unknown(by_name[item["name"]], item, whole)
                if isinstance(item, dict) and item.get("name") in by_name else item for item in new]
    return new
