"""Indicator (key) muscles of a segment from published root tables, each under its source."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ims_atlas.core.ids import normalise_segment
from ims_atlas.study.study_data import data_path, read_json, require, text_field, text_list


@dataclass(frozen=True)
class Indicator:
    """``muscle`` is named an indicator muscle of ``segment`` by ``source`` (a catalog source id)."""

    segment: str
    muscle: str
    source: str
    note: str


@lru_cache(maxsize=4)
def load_indicators(path: Path | None = None) -> tuple[Indicator, ...]:
    """Every (segment, muscle, source) of the indicator table; :class:`DataError` if broken."""
    path = path or data_path("indicator_muscles.json")
    doc = read_json(path)
    require(isinstance(doc, dict) and isinstance(doc.get("indicators"), list), path, "$.indicators",
            "must be a list")
    sources = doc.get("sources") or {}
    out: list[Indicator] = []
    for i, item in enumerate(doc["indicators"]):
        where = f"$.indicators[{i}]"
        seg = text_field(item, "segment", path, where)
        require(normalise_segment(seg) == seg, path, f"{where}.segment", f"{seg!r} is not a segment name like 'C5'")
        src = text_field(item, "source", path, where)
        require(src in sources, path, f"{where}.source", f"unknown source {src!r}")
        for m in text_list(item, "muscles", path, where, allow_empty=False):
            out.append(Indicator(seg, m, src, str(item.get("note", ""))))
    return tuple(out)


def indicator_sources(indicators: tuple[Indicator, ...], muscle_id: str, segment: str) -> tuple[str, ...]:
    """The sources naming ``muscle_id`` an indicator muscle of ``segment`` (empty if none)."""
    return tuple(dict.fromkeys(i.source for i in indicators if i.muscle == muscle_id and i.segment == segment))
