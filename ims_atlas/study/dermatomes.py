"""Dermatome maps on the skin: the map definitions (pure data) and the painted skin (read-only).

The skin envelope and the painted labels are baked by ``scripts/build_skin.py`` into
``meshes/skin/`` (``skin.json`` describes the files); this module only reads them (NumPy), so
the command line can report areas without VTK. Without a baked skin, every function says so.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.ids import CATALOG_SEGMENTS, SEGMENT_NAMES
from ims_atlas.study.study_data import data_path, read_json, require, source_refs, text_field, text_list

SIDES = ("left", "right")
#: Largest skin or label file read (bytes).
MAX_FILE_BYTES = 64 * 2**20
#: The segments a map may paint, cranio-caudal.
PAINTABLE = tuple(s for s in SEGMENT_NAMES if s in CATALOG_SEGMENTS or s == "S3")


@dataclass(frozen=True)
class DermatomeMap:
    """One map: its id, name, sources and per-segment anchor landmarks."""

    id: str
    name: str
    sources: tuple[str, ...]
    description: str
    anchors: dict[str, tuple[str, ...]]
    key_points: dict[str, str]
    #: The trunk dermatomes painted as bands round the trunk (cranio-caudal), each from its
    #: most posterior to its most anterior anchor; empty: every dermatome by nearest anchor.
    bands: tuple[str, ...] = ()


@dataclass(frozen=True)
class Disagreement:
    """Where maps disagree: the maps concerned (painted or not), what differs, and its sources."""

    maps: tuple[str, ...]
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class NotPaintedMap:
    """A published map that is not painted: why, what the text read says of it, what it does not."""

    id: str
    name: str
    source: str
    why: str
    known: tuple[str, ...]
    not_described: str


@dataclass(frozen=True)
class DermatomeMaps:
    """Every map with the sources, the stated disagreements and the maps not painted."""

    maps: tuple[DermatomeMap, ...]
    sources: dict[str, dict[str, str]]
    disagreements: tuple[Disagreement, ...]
    not_painted: tuple[NotPaintedMap, ...]
    segments: tuple[str, ...] = PAINTABLE

    def get(self, map_id: str) -> DermatomeMap:
        """The map with this id; ``KeyError`` if none."""
        for m in self.maps:
            if m.id == map_id:
                return m
        raise KeyError(map_id)

    def citation(self, map_id: str) -> str:
        """The map's first source's citation."""
        m = self.get(map_id)
        return self.sources[m.sources[0]]["citation"]

    def not_painted_map(self, map_id: str) -> NotPaintedMap | None:
        """The map not painted with this id, if there is one."""
        return next((m for m in self.not_painted if m.id == map_id), None)

    def short(self, source_id: str) -> str:
        """A source's short name (``Downs and Laporte 2011``), else its citation."""
        src = self.sources[source_id]
        return src.get("short") or src["citation"]

    def sourced(self, d: Disagreement) -> str:
        """The disagreement with its sources' short names in brackets."""
        return f"{d.text} ({'; '.join(self.short(s) for s in d.sources)})"


def load_maps(path: Path | None = None) -> DermatomeMaps:
    """Read the map definitions; :class:`DataError` naming the place if broken."""
    path = path or data_path("dermatome_maps.json")
    doc = read_json(path)
    require(isinstance(doc, dict) and isinstance(doc.get("maps"), list) and doc["maps"], path, "$.maps",
            "must be a non-empty list")
    sources = doc.get("sources") or {}
    require(isinstance(sources, dict), path, "$.sources", "must map source ids to their citations")
    for key, src in sources.items():
        text_field(src, "citation", path, f"$.sources.{key}")
        if "short" in src:
            text_field(src, "short", path, f"$.sources.{key}")
    maps = []
    for i, item in enumerate(doc["maps"]):
        where = f"$.maps[{i}]"
        refs = source_refs(item, sources, path, where)
        anchors = item.get("anchors")
        require(isinstance(anchors, dict) and anchors, path, f"{where}.anchors", "must map segments to landmark lists")
        for seg, names in anchors.items():
            require(seg in PAINTABLE, path, f"{where}.anchors.{seg}", f"{seg!r} is not a segment this map can paint")
            require(isinstance(names, list) and names and all(isinstance(n, str) for n in names), path,
                    f"{where}.anchors.{seg}", "must be a non-empty list of landmark names")
        bands = text_list(item, "bands", path, where)
        _check_bands(bands, anchors, path, f"{where}.bands")
        maps.append(DermatomeMap(text_field(item, "id", path, where), text_field(item, "name", path, where), refs,
                                 text_field(item, "description", path, where),
                                 {k: tuple(v) for k, v in anchors.items()}, dict(item.get("key_points") or {}),
                                 bands))
    not_painted = _not_painted(doc.get("not_painted", []), sources, {m.id for m in maps}, path)
    known_maps = {m.id for m in maps} | {m.id for m in not_painted}
    return DermatomeMaps(tuple(maps), sources, _disagreements(doc.get("disagreements", []), sources, known_maps, path),
                         not_painted)


def _not_painted(items, sources: dict, painted: set[str], path: Path) -> tuple[NotPaintedMap, ...]:
    """The maps left unpainted, each with its reason; a painted map cannot be one."""
    require(isinstance(items, list), path, "$.not_painted", "must be a list")
    out = []
    for i, item in enumerate(items):
        where = f"$.not_painted[{i}]"
        map_id = text_field(item, "id", path, where)
        require(map_id not in painted, path, f"{where}.id", f"{map_id!r} is a painted map")
        source = text_field(item, "source", path, where)
        require(source in sources, path, f"{where}.source", f"unknown source {source!r}")
        out.append(NotPaintedMap(map_id, text_field(item, "map", path, where), source,
                                 text_field(item, "why", path, where), text_list(item, "known", path, where),
                                 text_field(item, "not_described", path, where)))
    return tuple(out)


def _disagreements(items, sources: dict, maps: set[str], path: Path) -> tuple[Disagreement, ...]:
    """Each disagreement names the maps it concerns and cites sources the file lists."""
    require(isinstance(items, list), path, "$.disagreements", "must be a list")
    out = []
    for i, item in enumerate(items):
        where = f"$.disagreements[{i}]"
        names = text_list(item, "maps", path, where, allow_empty=False)
        for name in names:
            require(name in maps, path, f"{where}.maps", f"unknown map {name!r}")
        refs = source_refs(item, sources, path, where)
        out.append(Disagreement(names, text_field(item, "text", path, where), refs))
    return tuple(out)


def _check_bands(bands: tuple[str, ...], anchors: dict, path: Path, where: str) -> None:
    """Bands are successive segments, each with a back and a front anchor at least."""
    for seg in bands:
        require(seg in anchors and len(anchors[seg]) >= 2, path, where,
                f"band {seg!r} needs two anchors at least (one at the back, one in front)")
    if bands:
        first = PAINTABLE.index(bands[0])
        require(tuple(bands) == PAINTABLE[first:first + len(bands)], path, where,
                "must be successive segments, cranio-caudal")


@lru_cache(maxsize=1)
def bundled_maps() -> DermatomeMaps:
    """The bundled map definitions (read once)."""
    return load_maps()


@dataclass(frozen=True)
class PaintedSkin:
    """The skin envelope with each map's labels (segment index per vertex, -1 none)."""

    points: np.ndarray
    faces: np.ndarray
    labels: dict[str, np.ndarray]
    anchors: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    segments: tuple[str, ...]
    midline_x: float
    left_sign: float
    description: dict

    def side_of_vertices(self) -> np.ndarray:
        """0 for the left, 1 for the right of each vertex."""
        return np.where((self.points[:, 0] - self.midline_x) * self.left_sign > 0, 0, 1)

    def face_areas(self) -> np.ndarray:
        """Each triangle's area (m²)."""
        a, b, c = (self.points[self.faces[:, k]] for k in range(3))
        return 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)

    def areas_cm2(self, map_id: str, segment: str) -> dict[str, float]:
        """The segment's painted area on each side (cm²): a third of each triangle per labelled corner."""
        labels = self.labels[map_id]
        k = self.segments.index(segment)
        corner = (labels[self.faces] == k).astype(float)
        share = corner.sum(axis=1) / 3.0 * self.face_areas()
        side = self.side_of_vertices()[self.faces[:, 0]]
        return {s: round(float(share[side == i].sum()) * 1e4, 1) for i, s in enumerate(SIDES)}

    def vertex_mask(self, map_id: str, segment: str) -> np.ndarray:
        """Boolean per vertex: painted with ``segment`` in ``map_id``."""
        return self.labels[map_id] == self.segments.index(segment)


def skin_dir() -> Path:
    """Where the baked skin lives (``meshes/skin``)."""
    from ims_atlas.core.paths import meshes_dir

    return meshes_dir() / "skin"


def load_painted_skin(directory: Path | None = None) -> PaintedSkin:
    """Read ``skin.json``, the skin mesh and the labels; :class:`DataError` (what to run) if absent."""
    directory = directory or skin_dir()
    entry = directory / "skin.json"
    if not entry.is_file():
        raise DataError(Problem(str(entry), "", "no baked skin: run 'python scripts/build_skin.py' to build it "
                                                "from the anatomy"))
    try:
        doc = json.loads(entry.read_text(encoding="utf-8"))
        for key in ("mesh", "dermatomes"):
            f = directory / str(doc[key])
            # A FIFO or a device in place of the file would hang or never end: regular files only.
            if not f.is_file() or f.stat().st_size > MAX_FILE_BYTES:
                raise ValueError(f"{f.name} is not a regular file of at most {MAX_FILE_BYTES // 2**20} MB")
        with np.load(directory / doc["mesh"], allow_pickle=False) as mesh:
            points, faces = np.asarray(mesh["points"], float), np.asarray(mesh["faces"], np.int64)
        with np.load(directory / doc["dermatomes"], allow_pickle=False) as lab:
            labels = {m: np.asarray(lab[f"labels_{m}"]) for m in doc["maps"]}
            anchors = {m: (lab[f"anchors_{m}"], lab[f"anchor_segments_{m}"], lab[f"anchor_names_{m}"])
                       for m in doc["maps"]}
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(Problem(str(entry), "", f"the baked skin cannot be read ({exc}); "
                                                "rebuild it with 'python scripts/build_skin.py'")) from exc
    if faces.size and (faces.min() < 0 or faces.max() >= len(points)) or any(len(v) != len(points)
                                                                              for v in labels.values()):
        raise DataError(Problem(str(entry), "", "the skin's faces or labels do not match its points; rebuild it"))
    return PaintedSkin(points, faces, labels, anchors, tuple(doc["segments"]), float(doc["midline_x"]),
                       float(doc.get("left_sign", 1.0)), doc)


@lru_cache(maxsize=2)
def bundled_painted_skin() -> PaintedSkin:
    """The baked skin of the bundled (or ``IMS_ATLAS_MESHES``) anatomy, read once."""
    return load_painted_skin()


def dermatome_view(segment: str, skin: PaintedSkin | None, maps: DermatomeMaps) -> list[dict]:
    """``[{"map", "source", "area_cm2": {"left", "right"}}, ...]``: one entry per map.

    Without a baked skin each entry's ``area_cm2`` is null and ``note`` says why.
    """
    out = []
    for m in maps.maps:
        entry: dict = {"map": m.name, "source": maps.citation(m.id), "map_id": m.id}
        if skin is None or m.id not in skin.labels:
            entry["area_cm2"] = None
            entry["note"] = "no baked skin: run 'python scripts/build_skin.py'"
        elif segment not in skin.segments or segment not in m.anchors:
            entry["area_cm2"] = {"left": 0.0, "right": 0.0}
            entry["note"] = f"{segment} is not painted in this map"
        else:
            entry["area_cm2"] = skin.areas_cm2(m.id, segment)
        out.append(entry)
    return out


def not_painted_view(maps: DermatomeMaps) -> list[dict]:
    """``[{"map", "map_id", "source", "why", "not_described"}, ...]``: the published maps not painted."""
    return [{"map": m.name, "map_id": m.id, "source": maps.sources[m.source]["citation"], "why": m.why,
             "not_described": m.not_described} for m in maps.not_painted]
