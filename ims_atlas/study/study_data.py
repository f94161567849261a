"""Reading the study's bundled data files (``ims_atlas/study/data/*.json``) strictly.

Each file is small, reviewed and carries its own sources. A broken file raises
:class:`~ims_atlas.core.errors.DataError` naming the file and the JSON path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ims_atlas.core.errors import DataError, Problem
from ims_atlas.core.strict_json import NUMBER_RULES, BadNumber

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """The bundled study data file ``name`` (e.g. ``"gunn_signs.json"``)."""
    return DATA_DIR / name


def read_json(path: Path) -> Any:
    """The parsed document; :class:`DataError` (file, position, what) if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(Problem(str(path), "", f"cannot read the file: {exc}")) from exc
    try:
        return json.loads(text, **NUMBER_RULES)
    except json.JSONDecodeError as exc:
        raise DataError(Problem(str(path), f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")) from exc
    except BadNumber as exc:
        raise DataError(Problem(str(path), "", str(exc))) from exc


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
