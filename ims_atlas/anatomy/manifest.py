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

``kind`` is one of ``bone``, ``vertebra``, ``muscle``, ``fascia`` (a sheet of dense connective
tissue drawn with the muscles, such as the plantar aponeurosis), ``nerve``, ``root``; ``layer`` one of
``bones``, ``spine``, ``muscles``, ``nerves``. ``muscle`` links a muscle structure to the
catalog's muscle id. ``level`` is a vertebral level (``C6``, ``S`` for the sacrum) or, for a
per-level muscle or a root, a segment.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.json_document import JsonKind, read_json_file

KINDS = ("bone", "vertebra", "muscle", "fascia", "nerve", "root")
LAYERS = ("bones", "spine", "muscles", "nerves")
#: Layers whose every surface is closed and wound outward (the bake makes them so and the tests
#: check it). myo-sim's bone meshes are not all closed, so the bones and spine layers are not
#: in this list; the bake winds their pieces outward (``bake.build.wound_outward``, checked by
#: the tests too), so a renderer may skip back faces on every layer.
CLOSED_LAYERS = ("muscles", "nerves")
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
        """X of the mid-sagittal plane."""
        return float(self.frame.get("midline_x", -0.025))


def load_manifest(path: str | Path) -> Manifest:
    """Read and check a manifest.

    Parameters
    ----------
    path
        The ``manifest.json`` file.

    Returns
    -------
    Manifest
        Every structure, checked.

    Raises
    ------
    DataError
        With every problem found (each names the file and a JSON path), if there is any.
    """
    manifest, problems = open_manifest(path)
    if problems:
        raise DataError(problems)
    return manifest


def open_manifest(path: str | Path) -> tuple[Manifest, list[Problem]]:
    """Read a manifest, keeping what can be used. Never raises.

    For the app, which must start even when the anatomy is damaged: a structure with a problem
    is left out, and an unreadable file gives an empty manifest (no structures) at ``path``.

    Parameters
    ----------
    path
        The ``manifest.json`` file.

    Returns
    -------
    tuple
        ``(manifest, problems)``: the sound structures and one problem per thing left out.
    """
    path = Path(path)
    doc, problems = _read_document(path)
    if doc is None:
        return Manifest(path=path, frame={}, source={}, structures=()), problems
    return _build(doc, path)


def manifest_from_dict(doc: object, path: Path) -> Manifest:
    """Build a :class:`Manifest` from parsed JSON, raising :class:`DataError` with every problem."""
    manifest, problems = _build(doc, Path(path))
    if problems:
        raise DataError(problems)
    return manifest


# -- reading -------------------------------------------------------------------------------------

#: A manifest is ~100 kB; anything this large is not one (and must not be read into memory whole).
MAX_BYTES = 50 * 1024 * 1024
#: The format nests 4 levels; the frame and source objects are free-form but shallow.
MAX_DEPTH = 16
FORMAT_VERSION = 1
#: No point of a body lies further than this from the origin (metres): a larger value is a mistake.
MAX_COORD = 10.0


MANIFEST = JsonKind("an anatomy manifest", MAX_BYTES, MAX_DEPTH,
                    missing="the anatomy manifest is missing; run scripts/build_meshes.py",
                    empty="file is empty; run scripts/build_meshes.py")


def _read_document(path: Path) -> tuple[object | None, list[Problem]]:
    """The parsed file, or None and the one problem that says why it cannot be read."""
    doc, problems = read_json_file(path, MANIFEST)
    return (doc, []) if doc is not None else (None, problems)


# -- checking ------------------------------------------------------------------------------------


def _where(*parts: str | int) -> str:
    """A JSON path; keys that are not plain names are quoted and cut short."""
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif p.isidentifier() and len(p) <= 60:
            out += f".{p}"
        else:
            out += f"[{json.dumps(p[:57] + '...' if len(p) > 60 else p)}]"
    return out


def _shown(value: object) -> str:
    """A value for a message, never longer than about 60 characters."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_text(value: object) -> bool:
    """A string that can be written back as UTF-8 (no unpaired surrogates)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_number(value: object) -> bool:
    """A JSON number (the parser has already refused NaN, infinities and huge integers)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite_xyz(value: object) -> bool:
    return isinstance(value, list) and len(value) == 3 and all(
        _is_number(c) and math.isfinite(c) and abs(c) <= MAX_COORD for c in value)


def _safe_file(file: str) -> bool:
    """A relative path inside the mesh folder: no drive, no root, no ``..``."""
    pure = PurePosixPath(file)
    return not (pure.is_absolute() or ".." in pure.parts or "\\" in file or "\x00" in file or ":" in file)


def _structure(item: object, i: int, fname: str, seen: set[str]) -> tuple[Structure | None, list[Problem]]:
    """One entry of ``structures``: the structure, or None and what is wrong with it."""
    where = _where("structures", i)
    if not isinstance(item, dict):
        return None, [Problem(fname, where, "must be an object")]
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(fname, f"{where}.{key}", message))

    for key in ("id", "name", "kind", "layer", "side", "file"):
        value = item.get(key)
        if not _is_text(value) or not value:
            bad(key, "missing or not a non-empty string")
        elif len(value) > 500:
            bad(key, f"is too long ({len(value)} characters; at most 500)")
    for key in ("region", "source", "licence", "level", "muscle"):
        if item.get(key) is not None and not _is_text(item[key]):
            bad(key, f"must be a string or null, not {_shown(item[key])}")
    if problems:
        return None, problems
    for key, allowed in (("kind", KINDS), ("layer", LAYERS), ("side", SIDES)):
        if item[key] not in allowed:
            bad(key, f"unknown {key} {_shown(item[key])}; expected one of {', '.join(allowed)}")
    if not _safe_file(item["file"]):
        bad("file", f"{_shown(item['file'])} must be a path inside the mesh folder (relative, without '..')")
    if item["id"] in seen:
        bad("id", f"duplicate structure id {_shown(item['id'])}")
    seen.add(item["id"])
    triangles = item.get("triangles", 0)
    if isinstance(triangles, bool) or not isinstance(triangles, int) or triangles < 0:
        bad("triangles", f"must be a whole number of triangles, not {_shown(triangles)}")
    parts = item.get("parts") or []
    if not isinstance(parts, list) or not all(_is_text(p) for p in parts):
        bad("parts", "must be a list of strings")
    landmarks: dict[str, tuple[float, float, float]] = {}
    raw_landmarks = item.get("landmarks") or {}
    if not isinstance(raw_landmarks, dict):
        bad("landmarks", "must be an object of named [x, y, z] points")
    else:
        for name, point in raw_landmarks.items():
            if _finite_xyz(point):
                landmarks[name] = (float(point[0]), float(point[1]), float(point[2]))
            else:
                problems.append(Problem(fname, _where("structures", i, "landmarks", name),
                                        f"must be [x, y, z] (numbers of metres within {MAX_COORD:g} of the origin)"))
    if problems:
        return None, problems
    return Structure(
        id=item["id"],
        name=item["name"],
        kind=item["kind"],
        layer=item["layer"],
        side=item["side"],
        region=item.get("region") or "",
        file=item["file"],
        triangles=triangles,
        level=item.get("level"),
        muscle=item.get("muscle"),
        parts=tuple(parts),
        source=item.get("source") or "",
        licence=item.get("licence") or "",
        landmarks=landmarks,
    ), []


def _build(doc: object, path: Path) -> tuple[Manifest, list[Problem]]:
    """The sound part of a parsed manifest and a problem for everything left out."""
    fname = str(path)
    empty = Manifest(path=path, frame={}, source={}, structures=())
    if not isinstance(doc, dict):
        return empty, [Problem(fname, "$", "the manifest must be a JSON object")]
    version = doc.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        return empty, [Problem(fname, "$.format_version",
                               f"format {_shown(version)} is not the one this IMS Atlas reads ({FORMAT_VERSION}); "
                               "run scripts/build_meshes.py")]
    items = doc.get("structures")
    if not isinstance(items, list):
        return empty, [Problem(fname, "$.structures", "must be a list of structures")]
    problems: list[Problem] = []
    frame = doc.get("frame") or {}
    if not isinstance(frame, dict):
        problems.append(Problem(fname, "$.frame", "must be an object"))
        frame = {}
    elif "midline_x" in frame and not (_is_number(frame["midline_x"]) and abs(frame["midline_x"]) <= MAX_COORD):
        problems.append(Problem(fname, "$.frame.midline_x",
                                f"must be a number of metres from -{MAX_COORD:g} to {MAX_COORD:g}, not "
                                f"{_shown(frame['midline_x'])}; the default midline is used"))
        frame = {k: v for k, v in frame.items() if k != "midline_x"}
    source = doc.get("source") or {}
    if not isinstance(source, dict):
        problems.append(Problem(fname, "$.source", "must be an object"))
        source = {}
    structures: list[Structure] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        structure, found = _structure(item, i, fname, seen)
        problems += found
        if structure is not None:
            structures.append(structure)
    return Manifest(path=path, frame=frame, source=source, structures=tuple(structures)), problems
