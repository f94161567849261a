"""The published JSON Schema of ``site_catalog.json`` and its plain-words error messages.

One schema file serves editors and the validator. A user catalog uses the same schema with
its top-level lists made optional; that variant is derived here rather than kept as a copy.
The checking itself is :mod:`ims_atlas.core.json_schema`'s, as for the manifest and settings.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from ims_atlas.core.errors import Problem
from ims_atlas.core.json_schema import JsonSchema
from ims_atlas.core.paths import catalog_schema_path

#: Top-level keys a user catalog may leave out.
USER_OPTIONAL_KEYS = ("catalog_version", "sources", "muscles", "segments", "conditions")

_SEGMENT_PATTERN = "^(C[1-8]|T[1-9]|T1[0-2]|L[1-5]|S[1-5])$"
_ID_PATTERN = "^[a-z][a-z0-9_]*$"
_PATTERN_MESSAGES = {
    _SEGMENT_PATTERN: "is not a spinal segment (expected C1-C8, T1-T12, L1-L5 or S1-S5)",
    _ID_PATTERN: "is not a valid id (snake_case: lower-case letters, digits and _, starting with a letter)",
    "^https?://": "must be a web address starting with http:// or https://",
}


@cache
def catalog_schema() -> dict[str, Any]:
    """The published schema (a fresh parse per process; callers must not mutate it)."""
    return json.loads(catalog_schema_path().read_text(encoding="utf-8"))


@cache
def user_catalog_schema() -> dict[str, Any]:
    """The schema with :data:`USER_OPTIONAL_KEYS` no longer required."""
    schema = copy.deepcopy(catalog_schema())
    schema["required"] = [k for k in schema["required"] if k not in USER_OPTIONAL_KEYS]
    return schema


@cache
def _checker(user: bool) -> JsonSchema:
    return JsonSchema(user_catalog_schema() if user else catalog_schema(), _PATTERN_MESSAGES)


def schema_problems(doc: object, file: str, *, user: bool = False, limit: int = 500) -> list[Problem]:
    """Every schema violation in ``doc`` as a :class:`Problem` with a JSON path.

    Parameters
    ----------
    doc
        The parsed JSON document.
    file
        The file name to report.
    user
        Check against the user-catalog variant (top-level lists optional).
    limit
        Stop after this many problems (a garbage file must not flood the report).
    """
    return _checker(user).problems(doc, file, limit=limit)
