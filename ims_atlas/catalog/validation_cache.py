"""Remember that a catalog validated cleanly, so the next start skips the work.

Validating the bundled catalog (JSON Schema, cross-references, every epicentre against its
mesh) takes most of a second; the result depends only on the catalog's bytes, the schema, the
anatomy manifest and the validating code. Those are hashed together into a key; when a start
finds the same key in the cache it reuses the recorded warnings. Only clean results (no
errors) are cached, so a broken catalog is always reported in full. The cache is best
effort: a missing, unreadable or corrupt cache file only means validating again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ims_atlas import __version__
from ims_atlas.core.errors import Problem

_CODE_FILES = ("validate.py", "rules.py", "schema.py", "placement.py", "json_file.py", "load.py",
               "source_rules.py", "source_denylist.json", "site_catalog.schema.json")


def cache_path() -> Path:
    """Where the cache lives (resolved when called)."""
    from ims_atlas.core.paths import user_dir

    return user_dir() / "cache" / "catalog-validation.json"


def validation_key(catalog_bytes: bytes, manifest_path: Path | None) -> str:
    """A hash of everything a validation result depends on."""
    digest = hashlib.sha256()
    digest.update(__version__.encode())
    digest.update(catalog_bytes)
    here = Path(__file__).resolve().parent
    for name in _CODE_FILES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    if manifest_path is not None:
        try:
            digest.update(Path(manifest_path).read_bytes())
        except OSError:
            return ""
    return digest.hexdigest()


def cached_warnings(key: str) -> list[Problem] | None:
    """The warnings recorded for ``key``, or None when it was not validated before."""
    if not key:
        return None
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
        entry = data.get(key) if isinstance(data, dict) else None
        if not isinstance(entry, list):
            return None
        return [Problem(str(p["file"]), str(p["path"]), str(p["message"]), "warning") for p in entry]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(key: str, warnings: list[Problem]) -> None:
    """Record a clean validation (best effort; keeps only the latest few keys)."""
    if not key:
        return
    path = cache_path()
    try:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            data = {}
        data[key] = [{"file": p.file, "path": p.path, "message": p.message} for p in warnings]
        data = dict(list(data.items())[-4:])
        path.parent.mkdir(parents=True, exist_ok=True)
        from ims_atlas.core.atomic_file import atomic_write_text

        atomic_write_text(path, json.dumps(data))
    except OSError:
        pass
