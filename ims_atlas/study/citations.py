"""The catalog sources the study's bundled data cite, with where each is cited.

Two study files cite the catalog's sources by id: the referred-pain zones and the indicator
muscles. ``ims-atlas validate`` counts these citations (a source cited only there is not
"never cited") and reports an id the catalog does not hold (a source removed from the catalog
must not linger in the study data). Reads the files as they are, whatever their other faults
(those are the study loaders' to report).
"""

from __future__ import annotations

from pathlib import Path

from ims_atlas.core.errors import DataError
from ims_atlas.study.study_data import data_path, read_json


def catalog_citations(data_dir: Path | None = None) -> dict[str, list[tuple[str, str]]]:
    """Source id -> the places citing it, each ``(file, JSON path)``.

    A file that cannot be read adds nothing (its loader reports it).
    """
    def path_of(name: str) -> Path:
        return data_dir / name if data_dir is not None else data_path(name)

    found: dict[str, list[tuple[str, str]]] = {}

    def cite(source: object, file: Path, where: str) -> None:
        if isinstance(source, str) and source:
            found.setdefault(source, []).append((str(file), where))

    def document(name: str):
        file = path_of(name)
        try:
            return file, read_json(file)
        except DataError:
            return file, None

    file, doc = document("referred_pain.json")
    zones = doc.get("zones") if isinstance(doc, dict) else None
    for i, zone in enumerate(zones if isinstance(zones, list) else []):
        sources = zone.get("sources") if isinstance(zone, dict) else None
        for j, source in enumerate(sources if isinstance(sources, list) else []):
            cite(source, file, f"$.zones[{i}].sources[{j}]")
    file, doc = document("indicator_muscles.json")
    rows = doc.get("indicators") if isinstance(doc, dict) else None
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        cite(row.get("source") if isinstance(row, dict) else None, file, f"$.indicators[{i}].source")
    return found
