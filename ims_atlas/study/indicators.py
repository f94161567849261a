"""Indicator (key) muscles of a segment from published root tables, each under its source."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ims_atlas.core.ids import normalise_segment
from ims_atlas.study.study_data import data_path, read_json, require, text_field, text_list


@dataclass(frozen=True)
class Indicator:
    """``muscle`` is named an indicator muscle of ``segment`` by ``source`` (a catalog source id),
    whose short name for a reader is ``source_name`` (e.g. ``"ASIA key muscles"``).
    """

    segment: str
    muscle: str
    source: str
    note: str
    source_name: str = ""


def load_indicators(catalog_sources: Collection[str], path: Path | None = None) -> tuple[Indicator, ...]:
    """Every (segment, muscle, source) of the indicator table; :class:`DataError` if broken.

    ``catalog_sources`` are the catalog's source ids: a row must cite one of them (and the
    file's ``sources`` must give it a short name), so every indicator resolves to a citation.
    """
    return _load(frozenset(catalog_sources), path or data_path("indicator_muscles.json"))


@lru_cache(maxsize=4)
def _load(catalog_sources: frozenset[str], path: Path) -> tuple[Indicator, ...]:
    doc = read_json(path)
    require(isinstance(doc, dict) and isinstance(doc.get("indicators"), list), path, "$.indicators",
            "must be a list")
    names = doc.get("sources")
    require(isinstance(names, dict), path, "$.sources", "must be an object of catalog source id -> short name")
    for sid, name in names.items():
        require(isinstance(name, str) and bool(name.strip()), path, f"$.sources.{sid}",
                "must be a non-empty short name (e.g. 'ASIA key muscles')")
    out: list[Indicator] = []
    for i, item in enumerate(doc["indicators"]):
        where = f"$.indicators[{i}]"
        seg = text_field(item, "segment", path, where)
        require(normalise_segment(seg) == seg, path, f"{where}.segment", f"{seg!r} is not a segment name like 'C5'")
        src = text_field(item, "source", path, where)
        require(src in catalog_sources, path, f"{where}.source",
                f"unknown source {src!r}: not a source of the catalog (site_catalog.json $.sources)")
        require(src in names, path, f"{where}.source", f"source {src!r} has no short name in $.sources")
        for m in text_list(item, "muscles", path, where, allow_empty=False):
            out.append(Indicator(seg, m, src, str(item.get("note", "")), names[src]))
    return tuple(out)


def indicator_sources(indicators: tuple[Indicator, ...], muscle_id: str, segment: str) -> tuple[Indicator, ...]:
    """The indicator rows naming ``muscle_id`` an indicator muscle of ``segment``, one per source."""
    found: dict[str, Indicator] = {}
    for i in indicators:
        if i.muscle == muscle_id and i.segment == segment:
            found.setdefault(i.source, i)
    return tuple(found.values())
