"""Gunn's signs of neuropathy: the list the assessment panel ticks, with sources."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ims_atlas.study.study_data import data_path, read_json, require, source_refs, text_field, text_list


@dataclass(frozen=True)
class GunnSign:
    """One sign: its id (``"trophoedema"``), name, other names, what to look for, sources."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    description: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SignList:
    """Every sign, and the sources they cite (id -> citation, url, notes)."""

    signs: tuple[GunnSign, ...]
    sources: dict[str, dict[str, str]]
    about: str

    def find(self, name: str) -> GunnSign | None:
        """The sign an id, name or alias names (case and spacing ignored), or None."""
        key = _key(name)
        for s in self.signs:
            if key in {_key(s.id), _key(s.name), *(_key(a) for a in s.aliases)}:
                return s
        return None


def _key(text: str) -> str:
    return "".join(c for c in text.lower().replace("_", " ") if c.isalnum())


def load_signs(path: Path | None = None) -> SignList:
    """Read the signs file (default: the bundled one); :class:`DataError` if it is broken."""
    path = path or data_path("gunn_signs.json")
    doc = read_json(path)
    require(isinstance(doc, dict), path, "$", "must be an object with 'signs' and 'sources'")
    sources = doc.get("sources")
    require(isinstance(sources, dict) and all(isinstance(v, dict) for v in sources.values()), path, "$.sources",
            "must map source ids to objects")
    items = doc.get("signs")
    require(isinstance(items, list) and bool(items), path, "$.signs", "must be a non-empty list")
    signs = []
    for i, item in enumerate(items):
        where = f"$.signs[{i}]"
        refs = source_refs(item, sources, path, where)
        signs.append(GunnSign(text_field(item, "id", path, where), text_field(item, "name", path, where),
                              text_list(item, "aliases", path, where), text_field(item, "kind", path, where),
                              text_field(item, "description", path, where), refs))
    ids = [s.id for s in signs]
    require(len(set(ids)) == len(ids), path, "$.signs", "sign ids must be unique")
    return SignList(tuple(signs), {k: dict(v) for k, v in sources.items()}, str(doc.get("about", "")))


@lru_cache(maxsize=1)
def bundled_signs() -> SignList:
    """The bundled signs (read once, on first use)."""
    return load_signs()
