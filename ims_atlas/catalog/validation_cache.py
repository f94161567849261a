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
from ims_atlas.core.atomic_file import atomic_write_text
from ims_atlas.core.errors import Problem
from ims_atlas.core.json_document import JsonKind, read_json_file
from ims_atlas.core.safe_file import read_regular

_CODE_FILES = ("validate.py", "rules.py", "schema.py", "placement.py", "json_file.py", "load.py", "text_rules.py",
               "source_rules.py", "source_denylist.json", "site_catalog.schema.json")
_CORE_FILES = ("json_document.py", "json_schema.py")


def cache_path() -> Path:
    """Where the cache lives (resolved when called)."""
    from ims_atlas.core.paths import cache_dir

    return cache_dir() / "catalog-validation.json"


#: The cache holds a few keys and their warnings; anything larger is not one.
_CACHE = JsonKind("a validation cache", 4 << 20, 8)


def validation_key(catalog_bytes: bytes, manifest_path: Path | None) -> str:
    """A hash of everything a validation result depends on."""
    from ims_atlas.anatomy.manifest import MAX_BYTES as MANIFEST_BYTES

    digest = hashlib.blake2b(digest_size=32)
    digest.update(__version__.encode())
    digest.update(catalog_bytes)
    here = Path(__file__).resolve().parent
    for file in [here / name for name in _CODE_FILES] + [here.parent / "core" / name for name in _CORE_FILES]:
        try:
            digest.update(file.read_bytes())
        except OSError:
            digest.update(file.name.encode())
    if manifest_path is not None:
        try:  # opened safely: a pipe in place of the manifest means no cache, never a hang
            digest.update(read_regular(manifest_path, MANIFEST_BYTES, what="manifest"))
        except OSError:
            return ""
    return digest.hexdigest()


def _read_cache() -> dict:
    """The cache's entries; empty when it is missing, unreadable, nested, huge or not ours."""
    data, _problems = read_json_file(cache_path(), _CACHE)
    return data if isinstance(data, dict) else {}


def cached_warnings(key: str) -> list[Problem] | None:
    """The warnings recorded for ``key``, or None when it was not validated before."""
    if not key:
        return None
    entry = _read_cache().get(key)
    if not isinstance(entry, list):
        return None
    try:
        return [Problem(str(p["file"]), str(p["path"]), str(p["message"]), "warning") for p in entry]
    except (KeyError, TypeError):
        return None


def remember(key: str, warnings: list[Problem]) -> None:
    """Record a clean validation (best effort; keeps only the latest few keys)."""
    if not key:
        return
    path = cache_path()
    try:
        data = _read_cache()
        data[key] = [{"file": p.file, "path": p.path, "message": p.message} for p in warnings]
        data = dict(list(data.items())[-4:])
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(data))
    except (OSError, ValueError):  # a folder in the way, a full disk; a message that is not UTF-8
        pass
