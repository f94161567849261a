"""An anatomy with gaps, for testing what the app says about muscles it cannot draw.

The bundled anatomy draws every local target of the bundled catalog (issue 17 added the last
eight), so the "not shown in the pictures" machinery is tested on a copy of the bundled
manifest with some muscles' structures taken out: the meshes of the others still resolve.
"""

from __future__ import annotations

import json
from pathlib import Path

from ims_atlas.anatomy.manifest import Manifest, manifest_from_dict
from ims_atlas.core.paths import meshes_dir


def manifest_document(without: set[str] | frozenset[str]) -> dict:
    """The bundled manifest's JSON document without the structures of the muscles ``without``."""
    doc = json.loads((meshes_dir() / "manifest.json").read_text(encoding="utf-8"))
    doc["structures"] = [s for s in doc["structures"] if s.get("muscle") not in without]
    return doc


def manifest_without(without: set[str] | frozenset[str]) -> Manifest:
    """The bundled manifest without the muscles ``without`` (the other meshes still load)."""
    path = meshes_dir() / "manifest.json"
    return manifest_from_dict(manifest_document(without), Path(path))
