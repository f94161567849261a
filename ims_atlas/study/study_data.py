"""Reading the study's bundled data files (``ims_atlas/study/data/*.json``) strictly.

Each file is small, reviewed and carries its own sources. A broken file raises
:class:`~ims_atlas.core.errors.DataError` naming the file and the JSON path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.json_document import JsonKind, read_json_file

#: The study's data files are small reviewed documents.
STUDY_DATA = JsonKind(name="a study data file", max_bytes=4 * 1024 * 1024, max_depth=32)

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """The bundled study data file ``name`` (e.g. ``"gunn_signs.json"``)."""
    return DATA_DIR / name


def read_json(path: Path) -> Any:
    """The parsed document; :class:`DataError` (file, position, what) if it cannot be read.

    Read with the one JSON reader in core (regular files only, bounded size and nesting,
    finite numbers).
    """
    doc, problems = read_json_file(path, STUDY_DATA)
    errors = [p for p in problems if p.severity == "error"]
    if doc is None or errors:
        raise DataError(errors or problems)
    return doc


def require(cond: bool, path: Path, where: str, message: str) -> None:
    """Raise a :class:`DataError` at ``where`` in ``path`` unless ``cond``."""
    if not cond:
        raise DataError(Problem(str(path), where, message))


def text_field(item: Any, key: str, path: Path, where: str) -> str:
    """``item[key]`` as a non-empty string, or a :class:`DataError` naming the place."""
    value = item.get(key) if isinstance(item, dict) else None
    require(isinstance(value, str) and bool(value.strip()), path, f"{where}.{key}", "must be a non-empty string")
    return value


def text_list(item: Any, key: str, path: Path, where: str, *, allow_empty: bool = True) -> tuple[str, ...]:
    """``item[key]`` as a list of non-empty strings."""
    value = item.get(key, [] if allow_empty else None) if isinstance(item, dict) else None
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    require(ok and (allow_empty or bool(value)), path, f"{where}.{key}", "must be a list of non-empty strings")
    return tuple(value)


def source_refs(item: Any, sources, path: Path, where: str, key: str = "sources") -> tuple[str, ...]:
    """``item[key]``: a non-empty list of ids, each one of ``sources`` (the file's own table)."""
    refs = text_list(item, key, path, where, allow_empty=False)
    for ref in refs:
        require(ref in sources, path, f"{where}.{key}", f"unknown source {ref!r}")
    return refs
