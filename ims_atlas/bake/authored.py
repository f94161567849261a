"""Bake the authored anatomy (``authored_anatomy.json``) next to myo-sim's structures.

Reads the bones already written to ``meshes/``, generates roots, per-level multifidus, the
muscles and the peripheral nerves, writes one ``.npz`` each and returns their manifest entries.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ims_atlas.anatomy.mesh_file import read_mesh, write_mesh
from ims_atlas.bake import drawn, spinal
from ims_atlas.bake.spinal import Solid
from ims_atlas.catalog.source_rules import denied, denied_message

DATA = Path(__file__).with_name("authored_anatomy.json")
LICENCE = "Apache-2.0"


def load_data(path: str | Path = DATA) -> dict:
    """The authored anatomy data file, parsed."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def denied_sources(data: dict, where: str = DATA.name) -> list[str]:
    """A message for every source of the data file whose ``url`` is on the source deny list
    (``ims_atlas/catalog/source_denylist.json``, the list the catalog validator uses), naming
    the file and the source key.
    """
    problems = []
    sources = data.get("sources")
    for key, source in (sources.items() if isinstance(sources, dict) else ()):
        url = source.get("url") if isinstance(source, dict) else None
        hit = denied(url) if isinstance(url, str) else None
        if hit is not None:
            problems.append(denied_message(f"{where}: source '{key}'", url, hit))
    return problems


def cite(data: dict, keys: list[str], where: str = DATA.name) -> str:
    """A manifest ``source`` string from source keys of the data file.

    Raises ``KeyError`` for a key the file does not define and ``ValueError`` for a source whose
    address is on the source deny list: no mesh is baked citing it.
    """
    sources = data["sources"]
    missing = [k for k in keys if k not in sources]
    if missing:
        raise KeyError(f"{where}: unknown source(s) {missing}")
    refused = denied_sources({"sources": {k: sources[k] for k in keys}}, where)
    if refused:
        raise ValueError("; ".join(refused))
    return "Authored for IMS Atlas from: " + "; ".join(f"{sources[k]['title']} <{sources[k]['url']}>" for k in keys)


def _bones(out: Path, entries: list[dict]) -> tuple[dict, dict, dict]:
    """Meshes of the vertebrae (by level) and of the other bones (by id), and vertebra landmarks."""
    vertebrae, bones, landmarks = {}, {}, {}
    for e in entries:
        if e["kind"] not in ("bone", "vertebra"):
            continue
        mesh = read_mesh(out / e["file"])
        pair = (mesh.points.astype(np.float64), mesh.faces)
        if e["kind"] == "vertebra":
            vertebrae[e["level"]] = pair
            landmarks[e["level"]] = e.get("landmarks", {})
        else:
            bones[e["id"]] = pair
    return vertebrae, bones, landmarks


def _deep_muscles(out: Path, entries: list[dict], data: dict) -> dict:
    """Right-side meshes of the myo-sim muscles the authored muscles are wrapped on and the
    authored nerves are laid on (a branch's ``hug``), by muscle id.
    """
    wanted = {m for mus in data.get("muscles", []) for part in mus["parts"]
              for m in part.get("wrap", {}).get("muscles", [])}
    wanted |= {m for n in data.get("nerves", []) for b in n["branches"] for m in b.get("hug", {}).get("muscles", [])}
    deep = {}
    for e in entries:
        if e["kind"] == "muscle" and e["side"] == "right" and e["level"] is None and e["muscle"] in wanted:
            mesh = read_mesh(out / e["file"])
            deep[e["muscle"]] = (mesh.points.astype(np.float64), mesh.faces)
    return deep


def _entry(solid: Solid, file: str) -> dict:
    e = {
        "id": solid.id, "name": solid.name, "kind": solid.kind, "layer": solid.layer, "side": solid.side,
        "region": solid.region, "level": solid.level, "muscle": solid.muscle, "parts": list(solid.parts),
        "file": file, "triangles": int(len(solid.faces)), "source": solid.source, "licence": LICENCE,
    }
    if solid.landmarks:
        e["landmarks"] = solid.landmarks
    return e


def build_authored(out: Path, entries: list[dict], midline_x: float, data: dict | None = None,
                   segments: dict | None = None) -> list[dict]:
    """Generate, write and describe every authored structure.

    Parameters
    ----------
    out
        The ``meshes/`` folder, holding the bones already baked.
    entries
        Manifest entries written so far (the bones and vertebrae are read from them).
    midline_x
        x of the mid-sagittal plane.
    data
        The parsed data file (default: the bundled ``authored_anatomy.json``).
    segments
        The model's forearm and leg segments (``bellies.segments``), for muscles whose belly
        ends where the sourced table (``muscle_bellies.json``) says.
    """
    data = data or load_data()
    refused = denied_sources(data)
    if refused:  # before any file is written
        raise ValueError("; ".join(refused))
    vertebrae, bones, landmarks = _bones(out, entries)
    solids: list[Solid] = []
    solids += spinal.multifidus(vertebrae, landmarks, data["multifidus"],
                                cite(data, data["multifidus"]["sources"]), midline_x)
    deep = _deep_muscles(out, entries, data)
    solids += drawn.muscles(data, bones, vertebrae, landmarks, midline_x, cite, deep, segments)
    laid_on = {**deep, **{s.muscle: (s.points, s.faces) for s in solids if s.side == "right" and s.kind == "muscle"}}
    solids += spinal.roots(vertebrae, data["roots"], cite(data, data["roots"]["sources"]), midline_x)
    solids += drawn.nerves(data, bones, vertebrae, landmarks, midline_x, cite, laid_on)
    result = []
    for s in solids:
        sub = "nerves" if s.layer == "nerves" else "muscles"
        file = f"{sub}/{s.id}.npz"
        write_mesh(out / file, s.points, s.faces, s.path)
        result.append(_entry(s, file))
    return result
