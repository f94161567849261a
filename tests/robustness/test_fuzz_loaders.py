"""Property-based fuzzing of every loader of user-editable or bundled data.

Each loader meets generated malformed documents (wrong types, missing and extra keys, deep
nesting, huge strings and lists, invalid UTF-8, truncated files, unknown segments, mutations of
the real files at random JSON paths) and must answer with either a usable result or exactly
its documented error:

- the bundled catalog (:func:`load_catalog`): a :class:`Catalog`, or :class:`DataError`;
- a user catalog (:func:`load_catalog_with_user`): never raises; the bundled catalog alone and
  the problems if the user file has any error;
- the settings (:func:`parse_settings`, :func:`load_settings`): never raise; what is valid is
  kept and survives a save and a reload unchanged;
- the anatomy manifest (:func:`load_manifest` raises :class:`DataError`; :func:`open_manifest`
  never raises and keeps what it can);
- a mesh file (:func:`read_mesh`): a checked mesh, or :class:`DataError`.

Every problem names the file and a JSON path (or no path for a whole-file problem such as
"not valid JSON", which then is the only error) and prints in a bounded, UTF-8-encodable
message. No other exception, no hang: each example has a deadline and an alarm.

The default run is bounded for CI; ``IMS_ATLAS_FUZZ_EXAMPLES=N`` runs N examples per test.
The number of documents tried is printed at the end of the session.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ims_atlas.anatomy.manifest import KINDS, LAYERS, SIDES, Manifest, load_manifest, open_manifest
from ims_atlas.anatomy.mesh_file import MeshData, read_mesh, write_mesh
from ims_atlas.catalog.json_views import muscle_view, plan_view, segment_view
from ims_atlas.catalog.load import load_catalog, load_catalog_with_user
from ims_atlas.catalog.plan import treatment_plan
from ims_atlas.catalog.schema import catalog_schema
from ims_atlas.catalog.search import CatalogSearch
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.catalog.validate import has_errors
from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.json_schema import format_path
from ims_atlas.core.settings import (
    Camera,
    Clinic,
    Preset,
    Settings,
    WindowGeometry,
    load_settings,
    parse_settings,
    save_settings,
    settings_to_json,
)
from tests.robustness.documents import (
    TRIED,
    Mutation,
    all_paths,
    apply,
    check_problems,
    damaged_bytes,
    fuzz_settings,
    json_values,
    mutations,
    number_swaps,
    serialise,
    watchdog,
)

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "site_catalog.json"
MANIFEST = REPO / "meshes" / "manifest.json"
DATA = REPO / "tests" / "data" / "catalogs"
SMALL = DATA / "small_catalog.json"
USER_SEEDS = [DATA / "user" / "adds_condition.json", DATA / "user" / "overrides_condition.json"]
TEST_ANATOMY = DATA / "anatomy" / "manifest.json"
NOT_APPLIED = "the user catalog was not applied; fix the errors above"


def _schema_keys(schema: object) -> set[str]:
    """Every property name the catalog schema knows (generated objects use them often)."""
    keys: set[str] = set()
    if isinstance(schema, dict):
        keys |= set(schema.get("properties", {}))
        for v in schema.values():
            keys |= _schema_keys(v)
    elif isinstance(schema, list):
        for v in schema:
            keys |= _schema_keys(v)
    return keys


CATALOG_KEYS = sorted(_schema_keys(catalog_schema()) | {"gunn1976", "tennis_elbow", "C6"})
SETTINGS_KEYS = ["version", "clinic", "window", "last_view", "last_camera", "lay_names", "labels", "opacity",
                 "presets", "name", "contact", "logo", "handout_note", "width", "height", "x", "y", "maximized",
                 "position", "focal_point", "up", "condition_id", "side", "segment", "layers", "view", "camera",
                 "bones", "spine", "muscles", "nerves", "anterior", "right", "both"]
MANIFEST_KEYS = ["format_version", "frame", "source", "structures", "id", "name", "kind", "layer", "side", "region",
                 "level", "muscle", "parts", "file", "triangles", "landmarks", "midline_x", "units", "licence",
                 *KINDS, *LAYERS, *SIDES]


@cache
def _real(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _catalog_ids(path: Path) -> tuple[str, ...]:
    return tuple(c.id for c in load_catalog(path).conditions)


def _write(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def _one_file_level_error_or_paths(problems: list[Problem]) -> None:
    """A whole-file error (no JSON path) comes alone; otherwise every error has a JSON path."""
    errors = [p for p in problems if p.severity == "error"]
    whole_file = [p for p in errors if p.path == ""]
    if whole_file:
        assert len(errors) == 1, f"a whole-file error must be the only one: {[str(p) for p in errors[:5]]}"


# -- how each loader is called and what it must answer ------------------------------------------


def use_catalog(catalog: Catalog, manifest: Manifest | None = None) -> None:
    """A loaded catalog must be usable: every plan, view and a search run without error."""
    search = CatalogSearch(catalog)
    for c in catalog.conditions:
        plan_view(catalog, treatment_plan(catalog, manifest, c.id, "both"))
        search.search(c.name[:50], limit=3)
    for m in catalog.muscles:
        muscle_view(catalog, m.id)
    for s in catalog.segments:
        segment_view(catalog, s.id)


def check_bundled(path: Path, manifest: Manifest | None = None) -> Catalog | None:
    """:func:`load_catalog` answers with a usable catalog or a :class:`DataError`."""
    TRIED["bundled catalog"] += 1
    with watchdog():
        try:
            catalog = load_catalog(path, manifest)
        except DataError as exc:
            assert exc.problems and has_errors(exc.problems), exc.problems
            check_problems(exc.problems, path)
            _one_file_level_error_or_paths(exc.problems)
            return None
        assert isinstance(catalog, Catalog)
        check_problems(list(catalog.warnings), path, severities=("warning",))
        use_catalog(catalog, manifest)
    return catalog


def check_user(bundled: Path, path: Path) -> list[Problem]:
    """:func:`load_catalog_with_user` never raises; a rejected file leaves the bundled catalog."""
    TRIED["user catalog"] += 1
    with watchdog():
        catalog, problems = load_catalog_with_user(bundled, path)
        check_problems(problems, path)
        # The loader's last-resort ``except Exception`` turns a crash into a problem; it must never be needed.
        assert not [p for p in problems if p.message.startswith("the user catalog was not applied:")], problems
        if has_errors(problems):
            assert problems[-1].message == NOT_APPLIED and problems[-1].path == ""
            _one_file_level_error_or_paths(problems[:-1])
            assert tuple(c.id for c in catalog.conditions) == _catalog_ids(bundled)
        else:
            use_catalog(catalog)
    return problems


def check_settings(raw: bytes, tmp_path: Path) -> Settings:
    """Settings never raise; what they keep is saved and read back unchanged, without problems."""
    TRIED["settings"] += 1
    name = "fuzzed-settings.json"
    with watchdog():
        settings, problems = parse_settings(raw, name)
        assert isinstance(settings, Settings)
        check_problems(problems, name, severities=("warning",))
        path = _write(tmp_path, "settings.json", raw)
        assert load_settings(path) == (settings, [Problem(str(path), p.path, p.message, p.severity) for p in problems])
        saved = save_settings(settings, tmp_path / "saved" / "settings.json")
        again, problems_again = load_settings(saved)
    assert problems_again == [] and again == settings, problems_again
    return settings


def _check_manifest_content(manifest: Manifest) -> None:
    assert math.isfinite(manifest.midline_x)
    root = os.path.normpath(manifest.directory)
    for s in manifest:
        for value in (s.id, s.name, s.file, s.region, s.source, s.licence):
            assert isinstance(value, str)
        assert s.id and s.name and s.file
        assert s.kind in KINDS and s.layer in LAYERS and s.side in SIDES
        assert s.level is None or isinstance(s.level, str)
        assert isinstance(s.triangles, int) and s.triangles >= 0
        assert all(isinstance(p, str) for p in s.parts)
        for point in s.landmarks.values():
            assert len(point) == 3 and all(isinstance(c, float) and math.isfinite(c) for c in point)
        full = os.path.normpath(os.path.join(root, s.file))
        assert full.startswith(root + os.sep), f"{s.file!r} points outside {root}"
    assert len({s.id for s in manifest}) == len(manifest)


def check_manifest(path: Path) -> Manifest | None:
    """The strict loader gives a sound manifest or a :class:`DataError`; the tolerant one never
    raises and keeps exactly the sound structures."""
    TRIED["anatomy manifest"] += 1
    with watchdog():
        try:
            strict: Manifest | None = load_manifest(path)
        except DataError as exc:
            assert exc.problems and has_errors(exc.problems)
            check_problems(exc.problems, path)
            _one_file_level_error_or_paths(exc.problems)
            strict = None
        tolerant, problems = open_manifest(path)
    assert isinstance(tolerant, Manifest) and tolerant.path == path
    check_problems(problems, path)
    _check_manifest_content(tolerant)
    if strict is not None:
        assert problems == [] and tolerant.structures == strict.structures
    else:
        assert has_errors(problems)
    return strict


def check_mesh(path: Path) -> MeshData | None:
    """A mesh file reads as a sound mesh or raises one :class:`DataError` naming the file."""
    TRIED["mesh file"] += 1
    with watchdog():
        try:
            mesh = read_mesh(path)
        except DataError as exc:
            assert len(exc.problems) == 1, exc.problems
            check_problems(exc.problems, path, severities=("error",))
            return None
    assert mesh.points.dtype == np.float64 and mesh.points.ndim == 2 and mesh.points.shape[1] == 3
    assert mesh.faces.dtype == np.int64 and mesh.faces.ndim == 2 and mesh.faces.shape[1] == 3
    assert mesh.path.ndim == 2 and mesh.path.shape[1] == 3
    assert np.isfinite(mesh.points).all() and np.isfinite(mesh.path).all()
    if len(mesh.faces):
        assert mesh.faces.min() >= 0 and mesh.faces.max() < len(mesh.points)
    return mesh


# -- the bundled catalog ------------------------------------------------------------------------------

catalog_documents = st.one_of(
    json_values(CATALOG_KEYS),
    st.fixed_dictionaries({}, optional={k: json_values(CATALOG_KEYS) for k in
                                        ("schema_version", "catalog_version", "sources", "muscles", "segments",
                                         "conditions", "$schema", "extra")}),
)


@fuzz_settings(120)
@given(doc=catalog_documents, ascii_only=st.booleans())
def test_bundled_catalog_generated_documents(tmp_path, doc, ascii_only):
    check_bundled(_write(tmp_path, "catalog.json", serialise(doc, ascii_only=ascii_only)))


@fuzz_settings(100)
@given(data=st.data())
def test_bundled_catalog_truncated_at_any_offset(tmp_path, data):
    raw = BUNDLED.read_bytes()
    cut = data.draw(st.integers(0, len(raw.rstrip()) - 1), label="offset")
    path = _write(tmp_path, "catalog.json", raw[:cut])
    assert check_bundled(path) is None
    with pytest.raises(DataError) as info:
        load_catalog(path)
    [problem] = info.value.problems
    assert problem.path == "" and ("ends too early" in problem.message or "empty" in problem.message), problem


@fuzz_settings(60)
@given(data=st.data())
def test_bundled_catalog_invalid_utf8_names_the_line(tmp_path, data):
    raw = BUNDLED.read_bytes()
    at = data.draw(st.integers(0, len(raw)), label="offset")
    while at < len(raw) and raw[at] & 0xC0 == 0x80:  # not inside a character: the error is the inserted byte
        at += 1
    bad = data.draw(st.sampled_from([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x80"]), label="bytes")
    path = _write(tmp_path, "catalog.json", raw[:at] + bad + raw[at:])
    assert check_bundled(path) is None
    with pytest.raises(DataError) as info:
        load_catalog(path)
    [problem] = info.value.problems
    line = raw[:at].count(b"\n") + 1
    assert "not UTF-8" in problem.message and f"line {line} " in problem.message, problem


@fuzz_settings(60)
@given(data=st.data())
def test_bundled_catalog_damaged_bytes(tmp_path, data):
    raw = data.draw(damaged_bytes(BUNDLED.read_bytes()), label="raw")
    check_bundled(_write(tmp_path, "catalog.json", raw))


@fuzz_settings(50)
@given(change=mutations(_real(BUNDLED), CATALOG_KEYS), ascii_only=st.booleans())
def test_bundled_catalog_mutated_at_random_paths(tmp_path, change, ascii_only):
    doc = apply(_real(BUNDLED), change)
    check_bundled(_write(tmp_path, "catalog.json", serialise(doc, ascii_only=ascii_only)))


@fuzz_settings(100)
@given(change=mutations(_real(SMALL), CATALOG_KEYS))
def test_small_catalog_mutated_with_meshes(tmp_path, change, small_anatomy):
    """With an anatomy manifest the epicentres are also checked against the meshes."""
    doc = apply(_real(SMALL), change)
    check_bundled(_write(tmp_path, "catalog.json", serialise(doc)), small_anatomy)


@fuzz_settings(60)
@given(change=number_swaps(_real(SMALL)))
def test_catalog_odd_numbers_where_numbers_belong(tmp_path, change, small_anatomy):
    check_bundled(_write(tmp_path, "catalog.json", serialise(apply(_real(SMALL), change))), small_anatomy)


@fuzz_settings(100)
@given(data=st.data())
def test_a_wrong_type_is_reported_at_its_path(tmp_path, data):
    """Change the type of any one value of the real catalog: an error names that exact path."""
    doc = _real(SMALL)
    where = data.draw(st.sampled_from(all_paths(doc)), label="path")
    old = _get(doc, where)
    number = (int, float)
    others = [v for v in (True, 7, "seven", ["seven"], {"seven": 7})
              if type(v) is not type(old) and not (type(v) in number and type(old) in number)]
    new = data.draw(st.sampled_from(others), label="value")
    path = _write(tmp_path, "catalog.json", serialise(apply(doc, [Mutation("retype", where, new)])))
    assert check_bundled(path) is None, f"{format_path(where)} = {new!r} was accepted"
    with pytest.raises(DataError) as info:
        load_catalog(path)
    assert format_path(where) in [p.path for p in info.value.problems if p.severity == "error"], info.value.problems


def _get(doc, where):
    for part in where:
        doc = doc[part]
    return doc


@pytest.fixture(scope="module")
def small_anatomy() -> Manifest:
    return load_manifest(TEST_ANATOMY)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"catalog_version": "' + b"x" * 21_000_000 + b'"}', "too large"),
        (b"", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"\xff\xfe{\x00}\x00", "not UTF-8"),
        (b'{"schema_version": NaN}', "NaN"),
        (b'{"schema_version": 1' + b"0" * 400 + b"}", "too large"),
        (b'{"schema_version": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ],
    ids=["100k-lists", "100k-objects", "100k-open", "21MB", "empty", "bom-only", "utf16", "nan", "huge-int",
         "5000-digits"],
)
def test_bundled_catalog_extremes(tmp_path, raw, words):
    path = _write(tmp_path, "catalog.json", raw)
    assert check_bundled(path) is None
    with pytest.raises(DataError) as info:
        load_catalog(path)
    [problem] = info.value.problems
    assert words in problem.message, problem


def test_bundled_catalog_not_a_file(tmp_path):
    for path in (tmp_path / "missing.json", tmp_path):
        assert check_bundled(path) is None


# -- a user catalog -------------------------------------------------------------------------------------


@fuzz_settings(80)
@given(doc=catalog_documents, ascii_only=st.booleans())
def test_user_catalog_generated_documents(tmp_path, doc, ascii_only):
    check_user(SMALL, _write(tmp_path, "user.json", serialise(doc, ascii_only=ascii_only)))


@fuzz_settings(100)
@given(seed=st.sampled_from(USER_SEEDS), data=st.data())
def test_user_catalog_mutated_at_random_paths(tmp_path, seed, data):
    change = data.draw(mutations(_real(seed), CATALOG_KEYS), label="change")
    check_user(SMALL, _write(tmp_path, "user.json", serialise(apply(_real(seed), change))))


@cache
def _user_seed_from_bundled() -> dict:
    """A clinic's catalog as it would be written: two bundled conditions overridden, one muscle added."""
    real = _real(BUNDLED)
    conditions = json.loads(json.dumps(real["conditions"][:2]))
    conditions[0]["name"] += " (our protocol)"
    return {"schema_version": 1, "sources": {"clinic_notes": {"citation": "Our protocol."}},
            "muscles": [dict(real["muscles"][0], id="our_muscle", sources=["clinic_notes"])], "conditions": conditions}


@fuzz_settings(25)
@given(change=mutations(_user_seed_from_bundled(), CATALOG_KEYS))
def test_user_catalog_over_the_real_catalog(tmp_path, change):
    check_user(BUNDLED, _write(tmp_path, "user.json", serialise(apply(_user_seed_from_bundled(), change))))


@fuzz_settings(60)
@given(seed=st.sampled_from(USER_SEEDS), data=st.data())
def test_user_catalog_damaged_or_truncated(tmp_path, seed, data):
    raw = seed.read_bytes()
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[: data.draw(st.integers(0, len(raw.rstrip()) - 1), label="offset")]
    else:
        raw = data.draw(damaged_bytes(raw), label="raw")
    check_user(SMALL, _write(tmp_path, "user.json", raw))


@pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000, b'{"conditions": "' + b"x" * 3_000_000 + b'"}',
                                 b"\xc3\x28", b"{"], ids=["100k-lists", "3MB-string", "bad-utf8", "truncated"])
def test_user_catalog_extremes(tmp_path, raw):
    problems = check_user(SMALL, _write(tmp_path, "user.json", raw))
    assert has_errors(problems) and problems[-1].message == NOT_APPLIED


# -- settings -------------------------------------------------------------------------------------------------


def _rich_settings() -> Settings:
    camera = Camera((0.1, -2.0, 1.2), (0.0, 0.0, 1.0), (0.0, 0.0, 1.0))
    presets = tuple(
        Preset(name=f"Preset {i}", condition_id="tennis_elbow", side="left", segment="C6",
               layers=(("bones", True), ("spine", False), ("muscles", True), ("nerves", True)),
               opacity=(("bones", 0.5),), view="posterior", camera=camera)
        for i in range(3)
    )
    return Settings(clinic=Clinic("Clinic", "1 Road\nTown", "/logo.png", "Note"),
                    window=WindowGeometry(1200, 800, 10, 20),
                    last_view="left", last_camera=camera, lay_names=True, labels=False, opacity=(("muscles", 0.7),),
                    presets=presets)


SETTINGS_DOC = json.loads(json.dumps(settings_to_json(_rich_settings())))
settings_documents = st.one_of(
    json_values(SETTINGS_KEYS),
    st.fixed_dictionaries({}, optional={k: json_values(SETTINGS_KEYS) for k in SETTINGS_KEYS[:9] + ["extra"]}),
)


@fuzz_settings(200)
@given(doc=settings_documents, ascii_only=st.booleans())
def test_settings_generated_documents(tmp_path, doc, ascii_only):
    check_settings(serialise(doc, ascii_only=ascii_only), tmp_path)


@fuzz_settings(400)
@given(change=mutations(SETTINGS_DOC, SETTINGS_KEYS), ascii_only=st.booleans())
def test_settings_mutated_at_random_paths(tmp_path, change, ascii_only):
    check_settings(serialise(apply(SETTINGS_DOC, change), ascii_only=ascii_only), tmp_path)


@fuzz_settings(100)
@given(change=number_swaps(SETTINGS_DOC))
def test_settings_odd_numbers_where_numbers_belong(tmp_path, change):
    check_settings(serialise(apply(SETTINGS_DOC, change)), tmp_path)


@fuzz_settings(200)
@given(data=st.data())
def test_settings_damaged_or_truncated(tmp_path, data):
    raw = serialise(SETTINGS_DOC, indent=2, ascii_only=False)
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[: data.draw(st.integers(0, len(raw) - 1), label="offset")]
    else:
        raw = data.draw(damaged_bytes(raw), label="raw")
    check_settings(raw, tmp_path)


def test_settings_round_trip_of_the_seed(tmp_path):
    assert check_settings(serialise(SETTINGS_DOC), tmp_path) == _rich_settings()


@pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000, b'{"clinic": {"name": "' + b"x" * 3_000_000 + b'"}}',
                                 b"\xff", b'{"opacity": {"bones": ' + b"1" * 400 + b"}}", b"\x00" * 10],
                         ids=["100k-lists", "3MB", "bad-utf8", "huge-int", "nul"])
def test_settings_extremes(tmp_path, raw):
    check_settings(raw, tmp_path)


def test_settings_file_that_is_a_folder(tmp_path):
    settings, problems = load_settings(tmp_path)
    assert settings == Settings()
    check_problems(problems, tmp_path, severities=("warning",))


# -- the anatomy manifest ---------------------------------------------------------------------------------------

manifest_documents = st.one_of(
    json_values(MANIFEST_KEYS),
    st.fixed_dictionaries({"structures": st.lists(st.one_of(
        st.dictionaries(st.sampled_from(MANIFEST_KEYS), json_values(MANIFEST_KEYS, huge=False), max_size=12),
        json_values(MANIFEST_KEYS)), max_size=6)},
        optional={k: json_values(MANIFEST_KEYS) for k in ("format_version", "frame", "source", "extra")}),
)


@fuzz_settings(120)
@given(doc=manifest_documents, ascii_only=st.booleans())
def test_manifest_generated_documents(tmp_path, doc, ascii_only):
    check_manifest(_write(tmp_path, "manifest.json", serialise(doc, ascii_only=ascii_only)))


@fuzz_settings(100)
@given(change=mutations(_real(MANIFEST), MANIFEST_KEYS), ascii_only=st.booleans())
def test_manifest_mutated_at_random_paths(tmp_path, change, ascii_only):
    check_manifest(_write(tmp_path, "manifest.json", serialise(apply(_real(MANIFEST), change), ascii_only=ascii_only)))


@fuzz_settings(60)
@given(change=number_swaps(_real(MANIFEST)))
def test_manifest_odd_numbers_where_numbers_belong(tmp_path, change):
    check_manifest(_write(tmp_path, "manifest.json", serialise(apply(_real(MANIFEST), change))))


@fuzz_settings(120)
@given(data=st.data())
def test_manifest_damaged_or_truncated(tmp_path, data):
    raw = MANIFEST.read_bytes()
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[: data.draw(st.integers(0, len(raw.rstrip()) - 1), label="offset")]
        path = _write(tmp_path, "manifest.json", raw)
        assert check_manifest(path) is None
        with pytest.raises(DataError) as info:
            load_manifest(path)
        [problem] = info.value.problems
        assert "ends too early" in problem.message or "empty" in problem.message, problem
    else:
        check_manifest(_write(tmp_path, "manifest.json", data.draw(damaged_bytes(raw), label="raw")))


@pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000,
                                 b'{"structures": [' + b"[" * 5000 + b"]" * 5000 + b"]}",
                                 b"\xff", b"", b'{"structures": [{"landmarks": {"c": [' + b"1" * 400 + b', 0, 0]}}]}'],
                         ids=["100k-lists", "5000-deep", "bad-utf8", "empty", "huge-int"])
def test_manifest_extremes(tmp_path, raw):
    assert check_manifest(_write(tmp_path, "manifest.json", raw)) is None


def test_manifest_not_a_file(tmp_path):
    for path in (tmp_path / "missing.json", tmp_path):
        assert check_manifest(path) is None


# -- mesh files ----------------------------------------------------------------------------------------------------


def _npz(arrays: dict[str, object]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, value in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(value), allow_pickle=True)
            zf.writestr(f"{name}.npy", member.getvalue())
    return buf.getvalue()


_REAL_MESH = REPO / "meshes" / "spine" / "vertebra_c6.npz"
odd_arrays = st.one_of(
    st.sampled_from([np.zeros((0, 3)), np.zeros((4, 2)), np.zeros((2, 3, 3)), np.array([[np.nan, 0, 0]] * 3),
                     np.full((3, 3), np.inf), np.array([["a", "b", "c"]]), np.array([[1 + 2j] * 3]),
                     np.array([[True] * 3]), np.zeros(5), np.array(3.0), np.array([[0, 1, 7]]), np.array([[-1, 0, 1]]),
                     np.array([[0.5, 1.5, 2.5]]), np.array([[2**62, 0, 1]]), np.array([[0, 1, 2]], dtype=np.uint64),
                     np.zeros((3, 3), dtype=np.float16), np.array([[None, 0, 0]], dtype=object)]),
    st.lists(st.lists(st.floats(), min_size=3, max_size=3), max_size=5).map(np.array),
)


@fuzz_settings(120)
@given(arrays=st.dictionaries(st.sampled_from(["points", "faces", "path", "other"]), odd_arrays, max_size=4))
def test_mesh_file_with_odd_arrays(tmp_path, arrays):
    check_mesh(_write(tmp_path, "mesh.npz", _npz(arrays)))


@fuzz_settings(120)
@given(data=st.data())
def test_mesh_file_damaged_or_truncated(tmp_path, data):
    raw = _REAL_MESH.read_bytes()
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[: data.draw(st.integers(0, len(raw) - 1), label="offset")]
    else:
        at = data.draw(st.integers(0, len(raw) - 1), label="offset")
        junk = data.draw(st.binary(min_size=1, max_size=64), label="junk")
        raw = raw[:at] + junk + raw[at + len(junk):]
    check_mesh(_write(tmp_path, "mesh.npz", raw))


def _claims_a_huge_array() -> bytes:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**12, 3)})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("points.npy", header.getvalue() + b"\0" * 64)
        zf.writestr("faces.npy", header.getvalue())
    return buf.getvalue()


def _npy_not_npz() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.zeros((3, 3)))
    return buf.getvalue()


@pytest.mark.parametrize("raw", [_claims_a_huge_array(), _npy_not_npz(), b"", b"points,faces\n1,2,3\n", None],
                         ids=["claims-1e12-points", "npy-not-npz", "empty", "text", "a-folder"])
def test_mesh_file_extremes(tmp_path, raw):
    path = tmp_path / "mesh.npz"
    if raw is None:
        path.mkdir()
    else:
        path.write_bytes(raw)
    assert check_mesh(path) is None
    assert check_mesh(tmp_path / "missing.npz") is None


def test_mesh_file_round_trip(tmp_path):
    mesh = check_mesh(_REAL_MESH)
    write_mesh(tmp_path / "copy.npz", mesh.points, mesh.faces, mesh.path)
    again = check_mesh(tmp_path / "copy.npz")
    assert np.array_equal(again.faces, mesh.faces) and np.allclose(again.points, mesh.points)
