"""What the data says of one of the anatomy's structures (a bone, a nerve, an organ, the cord),
for the window's panel and ``ims-atlas structure --json``: what it is and where, a root's
segment, the catalog's muscles that name a nerve as their supply, the plans whose safety notes
warn of it (the danger zones), and where its mesh comes from. Nothing is inferred beyond the
data: a nerve's roots are not in the anatomy data, so none are given (each muscle's roots are).
"""

from __future__ import annotations

import re

from ims_atlas.anatomy.manifest import Manifest, Structure
from ims_atlas.anatomy.structure_names import NamedStructure, base_name, other_names
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.errors import DataError
from ims_atlas.study.danger_zones import Hazard, hazards_of, load_hazards, warned_of_in

#: What each kind of structure is, in words.
KIND_WORDS = {"bone": "bone", "vertebra": "vertebra", "muscle": "muscle", "fascia": "fascia", "nerve": "nerve",
              "root": "spinal nerve root", "organ": "organ", "vessel": "artery"}


def nerve_muscles(structure: Structure, catalog: Catalog) -> list:
    """The catalog's muscles whose nerve names this nerve (by its name or the other names its
    name holds, as whole words: "common fibular nerve", "common peroneal nerve").
    """
    name = base_name(structure.name)
    names = [n.lower() for n in [name, *other_names(name)] if "nerve" in n.lower()]
    patterns = [re.compile(rf"\b{re.escape(n)}\b") for n in names]
    return [m for m in catalog.muscles if any(p.search(m.nerve.lower()) for p in patterns)]


def structure_facts(structure_id: str, manifest: Manifest, catalog: Catalog | None,
                    hazards: tuple[Hazard, ...] | None = None, named: NamedStructure | None = None) -> dict:
    """The facts of one structure (by its manifest id) as JSON-ready values.

    Keys: ``id``, ``name``, ``kind``, ``kind_words``, ``region``, ``side``, ``level``,
    ``layer``, ``on_request``, ``source``, ``licence``; ``segment`` (a root's);
    ``paraspinal_segments`` (a vertebra's: the catalog's segments whose paraspinal level names
    it, with that level); ``supplies``
    (a nerve's muscles in the catalog: id, name, nerve, roots); ``nerve_roots_in_data``
    (False: the anatomy does not give a nerve's roots); ``danger_zones`` (per hazard: its
    name, the conditions whose safety notes warn of it, with their regions, and what the
    sources measured in people); with ``named``, ``found_as`` (its id without a side) and
    ``other_names``. ``KeyError`` for an id the manifest lacks.
    """
    s = manifest.requested(structure_id)
    out: dict = {"id": s.id, "name": s.name, "kind": s.kind, "kind_words": KIND_WORDS.get(s.kind, s.kind),
                 "region": s.region, "side": s.side, "level": s.level, "layer": s.layer,
                 "on_request": s.id in {x.id for x in manifest.on_request}}
    if named is not None:
        out["found_as"] = named.id
        out["other_names"] = list(named.names)
    if s.kind == "root" and s.level:
        out["segment"] = s.level
    if s.kind == "vertebra" and s.level and catalog is not None:
        out["paraspinal_segments"] = [{"segment": seg.id, "paraspinal_level": seg.paraspinal_level}
                                      for seg in catalog.segments
                                      if s.level in re.split(r"[-\s]+", seg.paraspinal_level or "")]
    if s.kind == "nerve":
        out["supplies"] = [{"muscle": m.id, "name": m.name, "nerve": m.nerve,
                            "roots": [{"segment": r.segment, "contribution": r.contribution} for r in m.roots]}
                           for m in (nerve_muscles(s, catalog) if catalog is not None else [])]
        out["nerve_roots_in_data"] = False
    if hazards is None:
        try:
            hazards = load_hazards()
        except DataError:  # a broken table is reported where the danger zones are measured
            hazards = ()
    zones = []
    for h in hazards_of(s, hazards):
        conditions = warned_of_in(h, catalog) if catalog is not None else []
        if conditions:
            zones.append({"hazard": h.name, "conditions": [{"id": c.id, "name": c.name, "region": c.region}
                                                           for c in conditions],
                          "in_people": h.in_people})
    out["danger_zones"] = zones
    out["source"] = s.source
    out["licence"] = s.licence
    return out
