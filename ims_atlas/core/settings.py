"""The user's settings: clinic branding for exports, window geometry, the last view, presets.

Stored as JSON in :func:`ims_atlas.core.paths.config_dir` ``/settings.json``. Data only: the
file is parsed with :mod:`json` and checked against ``settings.schema.json`` (beside this
module); nothing in it is ever executed. The schema says what is valid, this module what to do
about the rest: a broken or partly wrong file never stops the app: :func:`load_settings` keeps
what is valid, uses defaults for the rest (cuts over-long clinic text), keeps keys a newer
version wrote, and returns one :class:`~ims_atlas.core.errors.Problem` per thing it dropped
(file + JSON path + what). Writes are atomic. Patient names are never stored here.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path

from ims_atlas.core.atomic_file import WriteError, atomic_write_bytes
from ims_atlas.core.errors import Problem, json_path
from ims_atlas.core.json_document import JsonKind, parse_json
from ims_atlas.core.json_schema import JsonSchema, Violation, describe_type
from ims_atlas.core.plain_text import MAX_CONTACT_LINES, cut
from ims_atlas.core.safe_file import UnreadableFile, read_regular, reason_of
from ims_atlas.core.settings_keep import carry_unknown, keep_copy, read_on_disk
from ims_atlas.core.state import LAYER_NAMES

SETTINGS_VERSION = 1
MAX_FILE_BYTES = 2_000_000
MAX_PRESETS = 50

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class Clinic:
    """What a clinic puts on its exports."""

    name: str = ""
    contact: str = ""  # address, phone, web: free text, one item per line
    logo: str = ""  # path to a PNG or JPEG logo, or empty
    handout_note: str = ""  # an extra paragraph the clinic adds to every handout


@dataclass(frozen=True)
class Camera:
    """A camera pose in scene coordinates (metres)."""

    position: Vec3
    focal_point: Vec3
    up: Vec3


@dataclass(frozen=True)
class Preset:
    """A named view: condition, side, segment, layers, opacities and camera."""

    name: str
    condition_id: str | None = None
    side: str = "right"
    segment: str | None = None
    layers: tuple[tuple[str, bool], ...] = tuple((name, True) for name in LAYER_NAMES)
    opacity: tuple[tuple[str, float], ...] = ()
    view: str = "anterior"
    camera: Camera | None = None


@dataclass(frozen=True)
class WindowGeometry:
    """Where the main window was and how big."""

    width: int = 1400
    height: int = 900
    x: int | None = None
    y: int | None = None
    maximized: bool = False


@dataclass(frozen=True)
class Settings:
    """Everything remembered between sessions."""

    clinic: Clinic = field(default_factory=Clinic)
    window: WindowGeometry = field(default_factory=WindowGeometry)
    last_view: str = "anterior"
    last_camera: Camera | None = None
    lay_names: bool = False
    labels: bool = True
    opacity: tuple[tuple[str, float], ...] = ()
    presets: tuple[Preset, ...] = ()

    def preset(self, name: str) -> Preset | None:
        """The preset with this name (case-insensitive), if any."""
        key = name.strip().casefold()
        return next((p for p in self.presets if p.name.casefold() == key), None)

    def with_preset(self, preset: Preset) -> Settings:
        """A copy with ``preset`` added, replacing one of the same name in place."""
        key = preset.name.casefold()
        presets = list(self.presets)
        for i, p in enumerate(presets):
            if p.name.casefold() == key:
                presets[i] = preset
                break
        else:
            presets.append(preset)
        return replace(self, presets=tuple(presets[-MAX_PRESETS:]))

    def without_preset(self, name: str) -> Settings:
        """A copy without the preset of this name."""
        key = name.strip().casefold()
        return replace(self, presets=tuple(p for p in self.presets if p.name.casefold() != key))


def settings_path() -> Path:
    """Where the settings live (resolved when called)."""
    from ims_atlas.core.paths import config_dir

    return config_dir() / "settings.json"


# --------------------------------------------------------------------------------------------
# Reading: the schema says what is valid; what is not is replaced by its default and reported.

SETTINGS_JSON = JsonKind("a settings file", MAX_FILE_BYTES, 16)
#: Values written whole on save (maps keyed by layer, cameras): never merged with the old file's.
_WHOLE = frozenset({"layers", "opacity", "camera", "last_camera"})
#: Free text that is cut to its limit rather than dropped (as the dialogs and the command line cut it).
_CUT = {("clinic", "name"), ("clinic", "contact"), ("clinic", "handout_note")}


@cache
def settings_schema() -> JsonSchema:
    """``settings.schema.json`` (beside this module), the one statement of what a settings file may hold."""
    return JsonSchema.packaged(__package__, "settings.schema.json", {"\\S": "must not be blank"})


class _Repair:
    """What the reader does about each violation, on a copy of the document."""

    def __init__(self, document: dict, file: str) -> None:
        self.data = copy.deepcopy(document)
        self.file = file
        self.problems: list[Problem] = []
        self.complete = True  # False once anything in the file is not used as written
        self.dropped_presets: set[int] = set()

    def note(self, violation: Violation, action: str, *, complete: bool = False) -> None:
        self.problems.append(violation.problem(self.file, "warning", f"; {action}"))
        self.complete = self.complete and complete

    def apply(self, v: Violation) -> None:
        parts = v.parts
        if v.keyword == "additionalProperties" and not _WHOLE.intersection(parts[:-1]):
            # a key a newer version wrote: kept in the file when it is saved again, so nothing is lost
            self.note(v, "from a newer IMS Atlas? kept in the file, not used", complete=True)
        elif v.keyword == "additionalProperties":  # in a map written whole (a layer this version lacks)
            self._drop(parts)
            self.note(v, "ignored")
        elif parts == ("version",):
            self.note(v, "read as far as possible")
        elif parts == ("presets",) and v.keyword == "maxItems":
            self.data["presets"] = self.data["presets"][:MAX_PRESETS]
            self.note(v, f"the first {MAX_PRESETS} kept")
        elif len(parts) >= 2 and parts[0] == "presets" and (len(parts) == 2 or parts[2] == "name"):
            self.dropped_presets.add(int(parts[1]))
            self.note(v, "preset ignored")
        elif (camera := next((i for i, p in enumerate(parts) if p in ("camera", "last_camera")), None)) is not None:
            self._drop(parts[: camera + 1])
            self.note(v, "camera ignored")
        elif parts in _CUT and v.keyword == "maxLength":
            limit = settings_schema().schema["properties"]["clinic"]["properties"][parts[1]]["maxLength"]
            self.data["clinic"][parts[1]] = cut(self.data["clinic"][parts[1]], limit)
            self.note(v, f"cut to {limit}")
        else:
            self._drop(parts)
            self.note(v, "ignored")

    def _drop(self, parts: tuple) -> None:
        """Remove the value at ``parts`` (its default is used); a value inside a list drops the list."""
        while parts and not isinstance(parts[-1], str):
            parts = parts[:-1]
        if not parts:
            return
        owner: object = self.data
        for key in parts[:-1]:
            owner = owner[key]  # type: ignore[index]
        if isinstance(owner, dict):
            owner.pop(parts[-1], None)


def _camera(data: object) -> Camera | None:
    if not isinstance(data, dict):
        return None
    position, focal, up = (tuple(float(c) for c in data[k]) for k in ("position", "focal_point", "up"))
    return Camera(position, focal, up)  # type: ignore[arg-type]


def _window(data: dict) -> WindowGeometry:
    """The window's known keys, numbers as ints (1400.0 is a whole number to JSON Schema)."""
    known = {k: data[k] for k in ("width", "height", "x", "y", "maximized") if k in data}
    return WindowGeometry(**{k: int(v) if k != "maximized" and v is not None else v for k, v in known.items()})


def parse_settings(raw: bytes, file: str = "settings.json") -> tuple[Settings, list[Problem]]:
    """Settings from the bytes of a settings file, with the problems found. Never raises."""
    settings, problems, _document, _complete = _parse(raw, file)
    return settings, problems


def _parse(raw: bytes, file: str) -> tuple[Settings, list[Problem], dict | None, bool]:
    """``(settings, problems, document, complete)``: ``complete`` is False when anything in the
    file was not read (then the file must be kept before it is replaced).
    """
    document, problems = parse_json(raw, file, SETTINGS_JSON)
    if document is None:
        reason = problems[0].message if problems else "unreadable"
        return Settings(), [Problem(file, "$", f"{reason}; defaults used", "warning")], None, False
    if not isinstance(document, dict):
        return Settings(), [Problem(file, "$", f"must be an object, not {describe_type(document)}; defaults used",
                                    "warning")], None, False
    repair = _Repair(document, file)
    for violation in settings_schema().violations(document, limit=10_000):
        repair.apply(violation)
    data = repair.data
    clinic = data.get("clinic", {})
    contact = clinic.get("contact", "")
    if len(contact.splitlines()) > MAX_CONTACT_LINES:  # beyond the schema: lines, as the dialog counts them
        contact = "\n".join(contact.splitlines()[:MAX_CONTACT_LINES])
        repair.problems.append(Problem(file, json_path("clinic", "contact"),
                                       f"more than {MAX_CONTACT_LINES} lines; the first {MAX_CONTACT_LINES} kept",
                                       "warning"))
        repair.complete = False
    presets: list[Preset] = []
    for i, item in enumerate(data.get("presets", [])):
        preset = _preset(item, i, repair)
        if i not in repair.dropped_presets and preset is not None:
            if all(p.name.casefold() != preset.name.casefold() for p in presets):
                presets.append(preset)
    settings = Settings(
        clinic=Clinic(name=clinic.get("name", ""), contact=contact, logo=clinic.get("logo", ""),
                      handout_note=clinic.get("handout_note", "")),
        window=_window(data.get("window", {})),
        last_view=data.get("last_view", "anterior"),
        last_camera=_sound_camera(data.get("last_camera"), ("last_camera",), repair),
        lay_names=data.get("lay_names", False),
        labels=data.get("labels", True),
        opacity=tuple((k, float(v)) for k, v in data.get("opacity", {}).items()),
        presets=tuple(presets),
    )
    return settings, problems + repair.problems, document, repair.complete and not problems


def _sound_camera(data: object, parts: tuple, repair: _Repair) -> Camera | None:
    """The camera, unless it is degenerate (beyond the schema: looking from its own focal point)."""
    camera = _camera(data)
    if camera is not None and camera.position == camera.focal_point:
        repair.problems.append(Problem(repair.file, json_path(*parts), "the position equals the focal point; "
                                                                       "camera ignored", "warning"))
        repair.complete = False
        return None
    return camera


def _preset(item: dict, i: int, repair: _Repair) -> Preset | None:
    if i in repair.dropped_presets:
        return None
    shown = {name: True for name in LAYER_NAMES} | item.get("layers", {})
    return Preset(
        name=item["name"].strip(),
        condition_id=item.get("condition_id"),
        side=item.get("side", "right"),
        segment=item.get("segment"),
        layers=tuple((name, shown[name]) for name in LAYER_NAMES),
        opacity=tuple((k, float(v)) for k, v in item.get("opacity", {}).items()),
        view=item.get("view", "anterior"),
        camera=_sound_camera(item.get("camera"), ("presets", i, "camera"), repair),
    )


def load_settings(path: Path | None = None) -> tuple[Settings, list[Problem]]:
    """Read the settings file; a missing file gives the defaults and no problems. Never raises.

    A file that is not read in full is never overwritten later: see :func:`save_settings`.
    """
    path = Path(path) if path is not None else settings_path()
    try:
        raw = read_regular(path, MAX_FILE_BYTES, what="settings file")
    except FileNotFoundError:
        return Settings(), []
    except OSError as exc:
        if isinstance(exc, UnreadableFile) and exc.reason.startswith("is too large"):  # said as parse_settings says it
            return Settings(), [Problem(str(path), "$", f"file {exc.reason}; defaults used", "warning")]
        return Settings(), [Problem(str(path), "", f"could not be read ({reason_of(exc)}); defaults used", "warning")]
    return parse_settings(raw, str(path))


def keep_if_damaged(path: Path | None = None) -> Problem | None:
    """If the settings file was not read in full, keep a copy of it now and say where.

    Called once when the window opens, so that the user is told where the old file is before
    anything is saved. Returns a warning naming the copy (or saying that the file will not be
    replaced), or None when the file is fine or absent. Never raises.
    """
    path = Path(path) if path is not None else settings_path()
    try:
        on_disk = read_on_disk(path, MAX_FILE_BYTES)
    except WriteError:
        return Problem(str(path), "", "could not be read, so it will not be replaced: settings changed in this "
                                      "session are not saved", "warning")
    if on_disk.raw is None or _parse(on_disk.raw, str(path))[3]:
        return None
    try:
        kept = keep_copy(path, on_disk.raw)
    except WriteError as exc:
        return Problem(str(path), "", f"could not be read in full and no copy of it could be kept ({exc}), so it "
                                      "will not be replaced: settings changed in this session are not saved",
                       "warning")
    return Problem(str(path), "", f"could not be read in full (defaults used for what could not be read); the file "
                                  f"as it was is kept in {kept.name}, and new settings are saved to {path.name}",
                   "warning")


def settings_to_json(settings: Settings) -> dict:
    """The JSON document for ``settings`` (what :func:`parse_settings` reads back)."""

    def camera(c: Camera | None):
        return None if c is None else {"position": list(c.position), "focal_point": list(c.focal_point), "up": list(c.up)}

    def preset(p: Preset) -> dict:
        return {
            "name": p.name,
            "condition_id": p.condition_id,
            "side": p.side,
            "segment": p.segment,
            "layers": dict(p.layers),
            "opacity": dict(p.opacity),
            "view": p.view,
            "camera": camera(p.camera),
        }

    return {
        "version": SETTINGS_VERSION,
        "clinic": asdict(settings.clinic),
        "window": asdict(settings.window),
        "last_view": settings.last_view,
        "last_camera": camera(settings.last_camera),
        "lay_names": settings.lay_names,
        "labels": settings.labels,
        "opacity": dict(settings.opacity),
        "presets": [preset(p) for p in settings.presets],
    }


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically, creating the user folder if needed.

    The file on disk is never lost: if it was not read in full, a copy of it is kept first
    (``settings.kept-<time>.json`` next to it); keys this version does not know are carried
    over. Raises :class:`~ims_atlas.core.atomic_file.WriteError` with the path and the reason,
    also when the old file cannot be read or kept (it is then left as it is).
    """
    path = Path(path) if path is not None else settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"{path}: the folder cannot be created ({reason_of(exc)})") from None
    document: object = settings_to_json(settings)
    on_disk = read_on_disk(path, MAX_FILE_BYTES)
    if on_disk.raw is not None:
        _settings, _problems, old, complete = _parse(on_disk.raw, str(path))
        if not complete:
            keep_copy(path, on_disk.raw)
        if old is not None:
            document = carry_unknown(old, document, _WHOLE)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in a carried-over key: written as a JSON escape
        data = (json.dumps(document, indent=2) + "\n").encode("ascii")
    return atomic_write_bytes(path, data)
