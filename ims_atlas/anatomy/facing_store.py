"""Facing costs worked out ahead of time, kept beside the meshes (NumPy-free, plain JSON).

Choosing a plan's views casts a few hundred rays per target
(:func:`ims_atlas.anatomy.facing.facing_costs`); the answer depends only on the meshes, the
target's point, side and own structures, and the costing's parameters. For the bundled
anatomy and catalog they are computed once (``scripts/bake_facing_costs.py``) and stored in
``meshes/facing_costs.json``, so the first sight of a plan costs no more than the next.

The file carries a fingerprint of everything the answers depend on (the manifest's bytes,
each mesh file's size, the costing parameters). A file whose fingerprint does not match is
not used: the costs are then computed as before, so a stale or damaged file can make the
app slower, never wrong. Targets the file does not hold (a user's own catalog) are computed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from ims_atlas.anatomy.manifest import Manifest

#: The store's name, in the manifest's folder.
FILE_NAME = "facing_costs.json"
FORMAT = 1

log = logging.getLogger(__name__)

Key = tuple  # (point (x, y, z), side, own structure ids)


def store_path(manifest: Manifest) -> Path:
    """Where a manifest's facing costs are kept."""
    return Path(manifest.path).parent / FILE_NAME


def fingerprint(manifest: Manifest, parameters: dict) -> str:
    """A digest of what facing costs depend on: the manifest, its mesh files' sizes and the
    costing ``parameters`` (a JSON-able dict). Empty when the manifest cannot be read.
    """
    digest = hashlib.sha256()
    try:
        digest.update(Path(manifest.path).read_bytes())
    except OSError:
        return ""
    for s in manifest:
        path = manifest.file_path(s)
        try:
            size = path.stat().st_size
        except OSError:
            size = -1
        digest.update(f"{s.file}:{size}\n".encode())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    digest.update(f"format {FORMAT}".encode())
    return digest.hexdigest()


def read_store(manifest: Manifest, parameters: dict) -> dict[Key, dict[str, float]]:
    """The stored costs by key, or ``{}`` when there is no usable store (absent, unreadable,
    or made for other meshes or parameters; the last two are logged with the file's name).
    """
    path = store_path(manifest)
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"format is not {FORMAT}")
        if doc.get("fingerprint") != fingerprint(manifest, parameters):
            log.info("%s: made for other meshes or costing parameters; facing costs are computed", path)
            return {}
        out = {}
        for i, entry in enumerate(doc["entries"]):
            point = tuple(float(c) for c in entry["point"])
            if len(point) != 3:
                raise ValueError(f"$.entries[{i}].point must have 3 numbers")
            costs = {str(k): float(v) for k, v in entry["costs"].items()}
            out[(point, str(entry["side"]), tuple(str(s) for s in entry["own"]))] = costs
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("%s: not used (%s); facing costs are computed", path, exc)
        return {}


def store_text(manifest: Manifest, parameters: dict, costs: dict[Key, dict[str, float]]) -> str:
    """The store's JSON text for ``costs`` (sorted, so the same costs give the same bytes)."""
    entries = [{"point": list(point), "side": side, "own": list(own), "costs": dict(sorted(c.items()))}
               for (point, side, own), c in sorted(costs.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0]))]
    head = {"format": FORMAT,
            "about": "Facing costs of the bundled catalog's targets (ims_atlas/anatomy/facing.py), "
                     "made by scripts/bake_facing_costs.py; used only while the fingerprint matches.",
            "fingerprint": fingerprint(manifest, parameters)}
    lines = [json.dumps(head)[:-1] + ', "entries": [']  # one entry a line: a re-bake's diff stays readable
    lines += [json.dumps(e) + ("," if i < len(entries) - 1 else "") for i, e in enumerate(entries)]
    return "\n".join(lines) + "\n]}\n"
