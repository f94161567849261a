"""The user's settings: clinic branding for exports, window geometry, the last view, presets.

Stored as JSON in :func:`ims_atlas.core.paths.config_dir` ``/settings.json``. Data only: the
file is parsed with :mod:`json` and every value is checked; nothing in it is ever executed.
A broken or partly wrong file never stops the app: :func:`load_settings` keeps what is valid,
uses defaults for the rest and returns one :class:`~ims_atlas.core.errors.Problem` per thing
it dropped (file + JSON path + what). Writes are atomic. Patient names are never stored here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ims_atlas.core.atomic_file import WriteError, atomic_write_bytes
from ims_atlas.core.errors import Problem, json_path
from ims_atlas.core.json_document import JsonKind, parse_json, printable
from ims_atlas.core.plain_text import (
    MAX_CLINIC_NAME,
    MAX_CONTACT_LINE,
    MAX_CONTACT_LINES,
    MAX_HANDOUT_NOTE,
    cut,
)
from ims_atlas.core.safe_file import UnreadableFile, read_regular, reason_of
from ims_atlas.core.settings_keep import carry_unknown, keep_copy, read_on_disk
from ims_atlas.core.state import LAYER_NAMES

SETTINGS_VERSION = 1
MAX_FILE_BYTES = 2_000_000
MAX_TEXT = 2_000
MAX_PRESETS = 50
SIDES = ("left", "right", "both")
VIEW_NAMES = ("anterior", "posterior", "left", "right", "superior")

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
# Reading: every value checked, problems collected, defaults kept for what is wrong.


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, parts: tuple, message: str) -> None:
        # A key is quoted in the path as written, but never at full length (a key may be 1 MB).
        parts = tuple(p if isinstance(p, int) else printable(p[:60] + "..." if len(p) > 60 else p) for p in parts)
        self.problems.append(Problem(self.file, json_path(*parts), message, "warning"))

    def obj(self, value, parts: tuple) -> dict | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(parts, f"expected an object, found {_kind(value)}; ignored")
            return None
        return value

    def text(self, data: dict, key: str, parts: tuple, default: str = "", limit: int = MAX_TEXT,
             lines: int | None = None) -> str:
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, str):
            self.problem((*parts, key), f"expected text, found {_kind(value)}; ignored")
            return default
        if len(value) > MAX_TEXT:
            self.problem((*parts, key), f"text longer than {MAX_TEXT} characters; ignored")
            return default
        if len(value) > limit:  # the same limit as on the command line and in the dialogs
            self.problem((*parts, key), f"longer than {limit} characters; cut to {limit}")
            value = cut(value, limit)
        if lines is not None and len(value.splitlines()) > lines:
            self.problem((*parts, key), f"more than {lines} lines; the first {lines} kept")
            value = "\n".join(value.splitlines()[:lines])
        if not _savable(value):
            self.problem((*parts, key), "text with an invalid character (an unpaired surrogate), which cannot be "
                                        "saved; ignored")
            return default
        return value

    def boolean(self, data: dict, key: str, parts: tuple, default: bool) -> bool:
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, bool):
            self.problem((*parts, key), f"expected true or false, found {_kind(value)}; ignored")
            return default
        return value

    def integer(self, data: dict, key: str, parts: tuple, default, lo: int, hi: int):
        if key not in data:
            return default
        value = data[key]
        if value is None and default is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.problem((*parts, key), f"expected a whole number from {lo} to {hi}; ignored")
            return default
        return value

    def choice(self, data: dict, key: str, parts: tuple, options, default):
        if key not in data:
            return default
        value = data[key]
        if value is None and default is None:
            return None
        if not isinstance(value, str) or value not in options:
            self.problem((*parts, key), f"expected one of {', '.join(options)}; ignored")
            return default
        return value

    def optional_id(self, data: dict, key: str, parts: tuple) -> str | None:
        if key not in data or data[key] is None:
            return None
        value = data[key]
        if not isinstance(value, str) or not value or len(value) > 200 or not _savable(value):
            self.problem((*parts, key), "expected an id (text) or null; ignored")
            return None
        return value

    def vec3(self, value, parts: tuple) -> Vec3 | None:
        ok = (
            isinstance(value, list)
            and len(value) == 3
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            and all(abs(v) < 1e6 for v in value)  # False for NaN and inf; never converts a huge int
        )
        if not ok:
            self.problem(parts, "expected three finite numbers; ignored")
            return None
        return (float(value[0]), float(value[1]), float(value[2]))

    def camera(self, value, parts: tuple) -> Camera | None:
        data = self.obj(value, parts)
        if data is None:
            return None
        got = [self.vec3(data.get(k), (*parts, k)) for k in ("position", "focal_point", "up")]
        if any(v is None for v in got):
            return None
        position, focal, up = got
        if position == focal or up == (0.0, 0.0, 0.0):
            self.problem(parts, "degenerate camera (position equals focal point, or no up); ignored")
            return None
        return Camera(position, focal, up)

    def layers(self, value, parts: tuple) -> tuple[tuple[str, bool], ...]:
        shown = {name: True for name in LAYER_NAMES}
        data = self.obj(value, parts)
        for key, on in (data or {}).items():
            if key not in shown:
                self.problem((*parts, key), f"unknown layer (known: {', '.join(LAYER_NAMES)}); ignored")
            elif not isinstance(on, bool):
                self.problem((*parts, key), "expected true or false; ignored")
            else:
                shown[key] = on
        return tuple(shown.items())

    def opacity(self, value, parts: tuple) -> tuple[tuple[str, float], ...]:
        out: list[tuple[str, float]] = []
        data = self.obj(value, parts)
        for key, alpha in (data or {}).items():
            if key not in LAYER_NAMES:
                self.problem((*parts, key), f"unknown layer (known: {', '.join(LAYER_NAMES)}); ignored")
            elif isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0.0 <= alpha <= 1.0:
                # the range test is False for NaN and never converts a huge int (math.isfinite would raise)
                self.problem((*parts, key), "expected an opacity from 0 to 1; ignored")
            else:
                out.append((key, float(alpha)))
        return tuple(out)

    def preset(self, value, parts: tuple) -> Preset | None:
        data = self.obj(value, parts)
        if data is None:
            return None
        name = self.text(data, "name", parts).strip()
        if not name or len(name) > 80:
            self.problem((*parts, "name"), "a preset needs a name of 1 to 80 characters; preset ignored")
            return None
        return Preset(
            name=name,
            condition_id=self.optional_id(data, "condition_id", parts),
            side=self.choice(data, "side", parts, SIDES, "right"),
            segment=self.optional_id(data, "segment", parts),
            layers=self.layers(data.get("layers"), (*parts, "layers")),
            opacity=self.opacity(data.get("opacity"), (*parts, "opacity")),
            view=self.choice(data, "view", parts, VIEW_NAMES, "anterior"),
            camera=self.camera(data.get("camera"), (*parts, "camera")),
        )


def _savable(text: str) -> bool:
    """True if ``text`` can be written back as UTF-8 (JSON escapes can hold unpaired surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


SETTINGS_JSON = JsonKind("a settings file", MAX_FILE_BYTES, 16)
_KNOWN = {"version", "clinic", "window", "last_view", "last_camera", "lay_names", "labels", "opacity", "presets"}
#: Values written whole on save (maps keyed by layer, cameras): never merged with the old file's.
_WHOLE = frozenset({"layers", "opacity", "camera", "last_camera"})


def parse_settings(raw: bytes, file: str = "settings.json") -> tuple[Settings, list[Problem]]:
    """Settings from the bytes of a settings file, with the problems found. Never raises."""
    settings, problems, _document, _complete = _parse(raw, file)
    return settings, problems


def _parse(raw: bytes, file: str) -> tuple[Settings, list[Problem], dict | None, bool]:
    """``(settings, problems, document, complete)``: ``complete`` is False when anything in the
    file was not read (then the file must be kept before it is replaced).
    """
    reader = _Reader(file)
    document, problems = parse_json(raw, file, SETTINGS_JSON)
    if document is None:
        reason = problems[0].message if problems else "unreadable"
        reader.problem((), f"{reason}; defaults used")
        return Settings(), reader.problems, None, False
    reader.problems += problems  # a key given twice
    if not isinstance(document, dict):
        reader.problem((), f"expected an object, found {_kind(document)}; defaults used")
        return Settings(), reader.problems, None, False
    data = document
    unknown = [key for key in data if key not in _KNOWN]
    version = data.get("version", SETTINGS_VERSION)
    if version != SETTINGS_VERSION:
        shown = repr(version)[:40] if isinstance(version, (str, int, float)) else _kind(version)
        reader.problem(("version",), f"version {shown} is not {SETTINGS_VERSION}; read as far as possible")
    clinic_data = reader.obj(data.get("clinic"), ("clinic",)) or {}
    clinic = Clinic(
        name=reader.text(clinic_data, "name", ("clinic",), limit=MAX_CLINIC_NAME),
        contact=reader.text(clinic_data, "contact", ("clinic",), limit=MAX_CONTACT_LINES * (MAX_CONTACT_LINE + 1),
                            lines=MAX_CONTACT_LINES),
        logo=reader.text(clinic_data, "logo", ("clinic",)),
        handout_note=reader.text(clinic_data, "handout_note", ("clinic",), limit=MAX_HANDOUT_NOTE),
    )
    win = reader.obj(data.get("window"), ("window",)) or {}
    window = WindowGeometry(
        width=reader.integer(win, "width", ("window",), 1400, 320, 20000),
        height=reader.integer(win, "height", ("window",), 900, 240, 20000),
        x=reader.integer(win, "x", ("window",), None, -20000, 20000),
        y=reader.integer(win, "y", ("window",), None, -20000, 20000),
        maximized=reader.boolean(win, "maximized", ("window",), False),
    )
    presets: list[Preset] = []
    raw_presets = data.get("presets", [])
    if not isinstance(raw_presets, list):
        reader.problem(("presets",), f"expected a list, found {_kind(raw_presets)}; ignored")
        raw_presets = []
    for i, item in enumerate(raw_presets[:MAX_PRESETS]):
        preset = reader.preset(item, ("presets", i))
        if preset is not None and all(p.name.casefold() != preset.name.casefold() for p in presets):
            presets.append(preset)
    if len(raw_presets) > MAX_PRESETS:
        reader.problem(("presets",), f"more than {MAX_PRESETS} presets; the rest ignored")
    settings = Settings(
        clinic=clinic,
        window=window,
        last_view=reader.choice(data, "last_view", (), VIEW_NAMES, "anterior"),
        last_camera=reader.camera(data.get("last_camera"), ("last_camera",)) if data.get("last_camera") is not None else None,
        lay_names=reader.boolean(data, "lay_names", (), False),
        labels=reader.boolean(data, "labels", (), True),
        opacity=reader.opacity(data.get("opacity"), ("opacity",)),
        presets=tuple(presets),
    )
    complete = not reader.problems
    for key in unknown:  # kept in the file when it is saved again, so nothing is lost
        reader.problem((key,), "unknown setting (from a newer IMS Atlas?); kept in the file, not used")
    return settings, reader.problems, document, complete


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
