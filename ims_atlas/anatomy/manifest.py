"""``meshes/manifest.json``: the index of every baked structure.

Shape (``format_version`` 1)::

    {"format_version": 1,
     "frame": {"units": "metres", "up": "+Z", "anterior": "-Y", "left": "+X", "midline_x": -0.025, ...},
     "source": {"package": "myo-sim", "version": ..., "model": "myofullbody", "licence": "Apache-2.0"},
     "structures": [
        {"id": "extensor_carpi_radialis_brevis_right", "name": "Extensor carpi radialis brevis (right)",
         "kind": "muscle", "layer": "muscles", "side": "right", "region": "forearm", "level": null,
         "muscle": "extensor_carpi_radialis_brevis", "parts": ["ECRB"],
         "file": "muscles/extensor_carpi_radialis_brevis_right.npz", "triangles": 1234,
         "source": "...", "licence": "Apache-2.0"}, ...]}

``kind`` is one of ``bone``, ``vertebra``, ``muscle``, ``nerve``, ``root``; ``layer`` one of
``bones``, ``spine``, ``muscles``, ``nerves``. ``muscle`` links a muscle structure to the
catalog's muscle id. ``level`` is a vertebral level (``C6``, ``S`` for the sacrum) or, for a
per-level muscle or a root, a segment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ims_atlas.core.errors import DataError, Problem, json_path

KINDS = ("bone", "vertebra", "muscle", "nerve", "root")
LAYERS = ("bones", "spine", "muscles", "nerves")
SIDES = ("left", "right", "midline")


@dataclass(frozen=True)
class Structure:
    """One anatomical structure with its own mesh file."""

    id: str
    name: str
    kind: str
    layer: str
    side: str
    region: str
    file: str
    triangles: int
    level: str | None = None
    muscle: str | None = None
    parts: tuple[str, ...] = ()
    source: str = ""
    licence: str = ""
    landmarks: dict[str, tuple[float, float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    """The loaded manifest: structures in file order, with lookups."""

    path: Path
    frame: dict
    source: dict
    structures: tuple[Structure, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.structures})

    def __iter__(self) -> Iterator[Structure]:
        return iter(self.structures)

    def __len__(self) -> int:
        return len(self.structures)

    def __contains__(self, structure_id: object) -> bool:
        return structure_id in self._by_id  # type: ignore[attr-defined]

    def get(self, structure_id: str) -> Structure | None:
        """The structure with this id, or None."""
        return self._by_id.get(structure_id)  # type: ignore[attr-defined]

    def __getitem__(self, structure_id: str) -> Structure:
        s = self.get(structure_id)
        if s is None:
            raise KeyError(structure_id)
        return s

    @property
    def directory(self) -> Path:
        """The folder the mesh files are relative to."""
        return self.path.parent

    def file_path(self, structure: Structure) -> Path:
        """Absolute path of a structure's mesh file."""
        return self.directory / structure.file

    def by_kind(self, *kinds: str) -> list[Structure]:
        """Structures of the given kinds, in manifest order."""
        return [s for s in self.structures if s.kind in kinds]

    def in_layer(self, layer: str) -> list[Structure]:
        """Structures drawn in a layer (bones, spine, muscles, nerves)."""
        return [s for s in self.structures if s.layer == layer]

    def muscle_structures(self, muscle_id: str, sides: Iterable[str] | None = None) -> list[Structure]:
        """Every structure that belongs to a catalog muscle id, optionally on some sides."""
        wanted = set(sides) if sides is not None else None
        return [
            s
            for s in self.structures
            if s.muscle == muscle_id and (wanted is None or s.side in wanted)
        ]

    def muscle_ids(self) -> set[str]:
        """Catalog muscle ids that have at least one mesh."""
        return {s.muscle for s in self.structures if s.muscle}

    def vertebra(self, level: str) -> Structure | None:
        """The vertebra (or ``S`` for the sacrum) at a level."""
        for s in self.structures:
            if s.kind == "vertebra" and s.level == level:
                return s
        return None

    @property
    def midline_x(self) -> float:
        """x of the mid-sagittal plane."""
        return float(self.frame.get("midline_x", -0.025))


def load_manifest(path: str | Path) -> Manifest:
    """Read and check a manifest, raising :class:`DataError` with every problem found."""
    path = Path(path)
    fname = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(Problem(fname, "", "the anatomy manifest is missing; run scripts/build_meshes.py")) from None
    except OSError as exc:
        raise DataError(Problem(fname, "", f"cannot read the anatomy manifest: {exc.strerror or exc}")) from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(Problem(fname, "", f"not UTF-8 text (byte {exc.start})")) from None
    except json.JSONDecodeError as exc:
        raise DataError(Problem(fname, "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")) from None
    except RecursionError:
        raise DataError(Problem(fname, "", "JSON nested too deeply")) from None
    return manifest_from_dict(doc, path)


def manifest_from_dict(doc: object, path: Path) -> Manifest:
    """Build a :class:`Manifest` from parsed JSON, collecting every problem."""
    fname = str(path)
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        raise DataError(Problem(fname, "$", "the manifest must be a JSON object"))
    items = doc.get("structures")
    if not isinstance(items, list):
        raise DataError(Problem(fname, "$.structures", "must be a list of structures"))
    structures: list[Structure] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = json_path("structures", i)
        if not isinstance(item, dict):
            problems.append(Problem(fname, where, "must be an object"))
            continue
        bad = False
        for key in ("id", "name", "kind", "layer", "side", "file"):
            if not isinstance(item.get(key), str) or not item.get(key):
                problems.append(Problem(fname, f"{where}.{key}", "missing or not a non-empty string"))
                bad = True
        if bad:
            continue
        if item["kind"] not in KINDS:
            problems.append(Problem(fname, f"{where}.kind", f"unknown kind {item['kind']!r}; expected one of {', '.join(KINDS)}"))
        if item["layer"] not in LAYERS:
            problems.append(Problem(fname, f"{where}.layer", f"unknown layer {item['layer']!r}; expected one of {', '.join(LAYERS)}"))
        if item["side"] not in SIDES:
            problems.append(Problem(fname, f"{where}.side", f"unknown side {item['side']!r}"))
        if item["id"] in seen:
            problems.append(Problem(fname, f"{where}.id", f"duplicate structure id {item['id']!r}"))
        seen.add(item["id"])
        tri = item.get("triangles", 0)
        landmarks = {}
        for k, v in (item.get("landmarks") or {}).items():
            if isinstance(v, list) and len(v) == 3 and all(isinstance(c, (int, float)) for c in v):
                landmarks[k] = (float(v[0]), float(v[1]), float(v[2]))
            else:
                problems.append(Problem(fname, f"{where}.landmarks.{k}", "must be [x, y, z]"))
        structures.append(
            Structure(
                id=item["id"],
                name=item["name"],
                kind=item["kind"],
                layer=item["layer"],
                side=item["side"],
                region=str(item.get("region") or ""),
                file=item["file"],
                triangles=int(tri) if isinstance(tri, int) else 0,
                level=item.get("level") if isinstance(item.get("level"), str) else None,
                muscle=item.get("muscle") if isinstance(item.get("muscle"), str) else None,
                parts=tuple(p for p in item.get("parts") or () if isinstance(p, str)),
                source=str(item.get("source") or ""),
                licence=str(item.get("licence") or ""),
                landmarks=landmarks,
            )
        )
    if problems:
        raise DataError(problems)
    return Manifest(
        path=path,
        frame=doc.get("frame") if isinstance(doc.get("frame"), dict) else {},
        source=doc.get("source") if isinstance(doc.get("source"), dict) else {},
        structures=tuple(structures),
    )
