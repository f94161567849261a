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
tissue drawn with the muscles, such as the plantar aponeurosis), ``nerve``, ``root``, ``organ``,
``vessel``; ``layer`` one of ``bones``, ``spine``, ``muscles``, ``nerves`` (the drawn layers) or
``organs``, ``vessels`` (loaded only on request: a manifest keeps them apart, in
:attr:`Manifest.on_request`, so iterating a manifest never meets them). ``muscle`` links a muscle structure to the
catalog's muscle id. ``level`` is a vertebral level (``C6``, ``S`` for the sacrum) or, for a
per-level muscle or a root, a segment. ``manifest.schema.json`` beside this module is the
format's one statement; :func:`open_manifest` decides what a violation leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.json_document import JsonKind, read_json_file
from ims_atlas.core.json_schema import JsonSchema, format_path, short

KINDS = ("bone", "vertebra", "muscle", "fascia", "nerve", "root", "organ", "vessel")
LAYERS = ("bones", "spine", "muscles", "nerves")
#: Layers of structures loaded only when asked for (the danger zones): the lungs, pleurae,
#: kidneys, spinal cord, vertebral, common carotid, subclavian, brachial and popliteal arteries.
#: They are closed and wound outward too.
ON_REQUEST_LAYERS = ("organs", "vessels")
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
    #: Structures of the on-request layers (``ON_REQUEST_LAYERS``), never among ``structures``.
    on_request: tuple[Structure, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.structures})
        object.__setattr__(self, "_on_request_by_id", {s.id: s for s in self.on_request})

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

    def requested(self, structure_id: str) -> Structure:
        """A drawn or on-request structure by id (``KeyError`` if neither)."""
        s = self.get(structure_id) or self._on_request_by_id.get(structure_id)  # type: ignore[attr-defined]
        if s is None:
            raise KeyError(structure_id)
        return s

    def every(self) -> tuple[Structure, ...]:
        """Every structure, the drawn ones first, then those loaded only on request."""
        return self.structures + self.on_request

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
#: More schema problems than this: not a manifest worth reading structure by structure.
MAX_PROBLEMS = 1000


MANIFEST = JsonKind("an anatomy manifest", MAX_BYTES, MAX_DEPTH,
                    missing="the anatomy manifest is missing; run scripts/build_meshes.py",
                    empty="file is empty; run scripts/build_meshes.py")


def _read_document(path: Path) -> tuple[object | None, list[Problem]]:
    """The parsed file, or None and the one problem that says why it cannot be read."""
    doc, problems = read_json_file(path, MANIFEST)
    return (doc, []) if doc is not None else (None, problems)


# -- checking ------------------------------------------------------------------------------------

#: What a mesh file name that breaks the schema's pattern is, in plain words.
_FILE_PATTERN = "^(?!/)(?!(.*/)?\\.\\.(/|$))[^\\\\:\\u0000-\\u001f]+\\.npz$"
_PATTERN_MESSAGES = {
    _FILE_PATTERN: "must be a .npz file inside the mesh folder (a relative path, without '..')",
    "^(C[1-8]|T[1-9]|T1[0-2]|L[1-5]|S[1-5]?)$": "is not a level (expected C1-C8, T1-T12, L1-L5, S1-S5 or S)",
}
#: Violations here make the whole file unusable (any other leaves out one structure or one value).
_WHOLE_FILE = ((), ("format_version",), ("structures",))


@cache
def manifest_schema() -> JsonSchema:
    """``manifest.schema.json`` (beside this module), the one statement of what a manifest may hold."""
    return JsonSchema.packaged(__package__, "manifest.schema.json", _PATTERN_MESSAGES)


def _shown(value: object) -> str:
    """A value for a message, never longer than about 60 characters."""
    return repr(short(value)) if isinstance(value, str) else short(value)


def _build(doc: object, path: Path) -> tuple[Manifest, list[Problem]]:
    """The sound part of a parsed manifest and a problem for everything left out.

    The schema says what is wrong; this decides what is left out: the whole file (not an
    object, another format, no list of structures), one structure, or one value of the frame.
    """
    fname = str(path)
    empty = Manifest(path=path, frame={}, source={}, structures=())
    violations = manifest_schema().violations(doc, MAX_PROBLEMS)
    if len(violations) >= MAX_PROBLEMS:
        return empty, [Problem(fname, "$", f"more than {MAX_PROBLEMS} problems; run scripts/build_meshes.py")]
    whole = [v for v in violations if v.parts in _WHOLE_FILE]
    if whole:
        return empty, [v.problem(fname, suffix="; run scripts/build_meshes.py" if v.parts == ("format_version",)
                                 else "") for v in whole]
    assert isinstance(doc, dict)  # the schema says so
    frame, source = (dict(doc[key]) if isinstance(doc.get(key), dict) else {} for key in ("frame", "source"))
    problems: list[Problem] = []
    left_out: set[int] = set()
    for v in violations:
        if v.parts[0] == "structures":
            left_out.add(int(v.parts[1]))
            problems.append(v.problem(fname, suffix="; the structure is left out"))
        elif v.parts == ("frame", "midline_x"):
            frame.pop("midline_x", None)
            problems.append(v.problem(fname, suffix="; the default midline is used"))
        elif v.parts[0] in ("frame", "source"):
            frame, source = (frame, {}) if v.parts[0] == "source" else ({}, source)
            problems.append(v.problem(fname, suffix="; ignored"))
        else:  # pragma: no cover - the schema constrains nothing else
            problems.append(v.problem(fname))
    structures: list[Structure] = []
    on_request: list[Structure] = []
    seen: set[str] = set()
    for i, item in enumerate(doc["structures"]):
        if i in left_out:
            continue
        if item["id"] in seen:  # beyond a schema: ids unique across the list
            problems.append(Problem(fname, format_path(("structures", i, "id")),
                                    f"duplicate structure id {_shown(item['id'])}; the structure is left out"))
            continue
        seen.add(item["id"])
        (on_request if item["layer"] in ON_REQUEST_LAYERS else structures).append(_structure(item))
    return Manifest(path=path, frame=frame, source=source, structures=tuple(structures),
                    on_request=tuple(on_request)), problems


def _structure(item: dict) -> Structure:
    """A structure from an entry the schema found sound."""
    return Structure(
        id=item["id"],
        name=item["name"],
        kind=item["kind"],
        layer=item["layer"],
        side=item["side"],
        region=item.get("region") or "",
        file=item["file"],
        triangles=int(item.get("triangles", 0)),  # 3.0 is a whole number to JSON Schema
        level=item.get("level"),
        muscle=item.get("muscle"),
        parts=tuple(item.get("parts", ())),
        source=item.get("source") or "",
        licence=item.get("licence") or "",
        landmarks={name: (float(x), float(y), float(z)) for name, (x, y, z) in item.get("landmarks", {}).items()},
    )
