"""The published JSON Schema of ``site_catalog.json`` and its plain-words error messages.

One schema file serves editors and the validator. A user catalog uses the same schema with
its top-level lists made optional; that variant is derived here rather than kept as a copy.
jsonschema is imported when a validator is first needed, not when this module is imported.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from ims_atlas.core.errors import Problem
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
_JSON_TYPES = {"string": "a string", "number": "a number", "integer": "a whole number",
               "array": "a list", "object": "an object", "boolean": "true or false", "null": "null"}


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
def _validator(user: bool) -> Any:
    from jsonschema import Draft202012Validator

    schema = user_catalog_schema() if user else catalog_schema()
    return Draft202012Validator(schema)


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
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in _validator(user).iter_errors(doc):
        for path, message in _explain(error):
            if (path, message) not in seen:  # jsonschema reports each missing key with the whole list
                seen.add((path, message))
                problems.append(Problem(file, path, message))
        if len(problems) >= limit:
            problems.append(Problem(file, "$", f"more than {limit} schema problems; stopped here"))
            break
    return problems


def format_path(parts: Any) -> str:
    """A JSON path from a sequence of keys and indices (odd keys are quoted)."""
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif isinstance(p, str) and p.isidentifier() and len(p) <= 80:
            out += f".{p}"
        else:
            out += f"[{json.dumps(short(p, 60))}]"
    return out


def short(value: object, width: int = 60) -> str:
    """A value for a message, cut to ``width`` characters (never the whole 10 MB string)."""
    if isinstance(value, str):
        text = value if len(value) <= width else value[: width - 3] + "..."
        return text
    if isinstance(value, (dict, list)):
        return f"{describe_type(value)} of {len(value)} item(s)"
    text = json.dumps(value) if isinstance(value, (int, float, bool)) or value is None else str(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _shown(value: object) -> str:
    """A value as a message quotes it: strings in quotes, numbers and lists as such."""
    return repr(short(value)) if isinstance(value, str) else short(value)


def describe_type(value: object) -> str:
    """The JSON type of a Python value in plain words (``"a list"``)."""
    for types, name in ((type(None), "null"), (bool, "boolean"), ((int, float), "number"), (str, "string"),
                        (list, "array"), (dict, "object")):
        if isinstance(value, types):
            return _JSON_TYPES[name]
    return type(value).__name__


def _explain(error: Any) -> Iterator[tuple[str, str]]:
    """Turn one jsonschema error into (JSON path, plain message) pairs."""
    parts = list(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    inst = error.instance
    if "propertyNames" in error.relative_schema_path and isinstance(inst, str):
        # The error is about a key of the object at ``parts``, not one of its values.
        yield format_path([*parts, inst]), f"key {_shown(inst)} {_PATTERN_MESSAGES.get(value, 'is not a valid key')}"
        return
    path = format_path(parts)
    if kind == "required":
        missing = [k for k in value if isinstance(inst, dict) and k not in inst]
        for key in missing or value:
            yield path, f"missing required key {key!r}"
    elif kind == "additionalProperties" and isinstance(inst, dict):
        allowed = sorted(error.schema.get("properties", {}))
        for key in inst:
            if key not in allowed:
                yield format_path([*parts, key]), f"unknown key {short(key)!r} (allowed: {', '.join(allowed)})"
    elif kind == "type":
        wanted = value if isinstance(value, list) else [value]
        names = " or ".join(_JSON_TYPES.get(w, w) for w in wanted)
        yield path, f"must be {names}, not {describe_type(inst)}"
    elif kind == "enum":
        yield path, f"must be one of {', '.join(repr(v) for v in value)}, not {_shown(inst)}"
    elif kind == "const":
        yield path, f"must be {json.dumps(value)}, not {_shown(inst)}"
    elif kind == "pattern":
        yield path, f"{_shown(inst)} {_PATTERN_MESSAGES.get(value, f'does not match the pattern {value}')}"
    elif kind == "minLength":
        yield path, "must not be empty" if value == 1 else f"must have at least {value} characters"
    elif kind == "maxLength":
        yield path, f"is too long ({len(inst)} characters; at most {value})"
    elif kind == "minItems":
        yield path, f"must have at least {value} item(s)"
    elif kind == "maxItems":
        yield path, f"has too many items ({len(inst)}; at most {value})"
    elif kind in ("minimum", "maximum"):
        bound = "at least" if kind == "minimum" else "at most"
        yield path, f"must be {bound} {value}, not {short(inst)}"
    else:  # pragma: no cover - keywords this schema does not use
        yield path, short(error.message, 200)
