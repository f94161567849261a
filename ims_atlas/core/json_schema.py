r"""Check a parsed JSON document against a JSON Schema, in plain words with JSON paths.

The one checker behind the catalog, the anatomy manifest and the settings: each owns its schema
file (Draft 2020-12, beside the code that reads the document) and decides what to do about a
violation; this module only says where and what. jsonschema is imported when a validator is
first needed, not when this module is imported.

Strings that must be writable as UTF-8 say ``"format": "text"`` in their schema: JSON escapes
can hold an unpaired surrogate (``"\ud800"``), which no encoder writes back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from ims_atlas.core.errors import Problem

#: The JSON Schema draft every schema of IMS Atlas is written in.
DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: The format that says "text that can be saved" (no unpaired surrogate).
TEXT_FORMAT = "text"

_JSON_TYPES = {"string": "a string", "number": "a number", "integer": "a whole number",
               "array": "a list", "object": "an object", "boolean": "true or false", "null": "null"}


@dataclass(frozen=True)
class Violation:
    """One thing a document does that its schema does not allow.

    ``parts`` are the keys and indices down to the value (for an unknown key, the key itself);
    ``keyword`` is the schema keyword it breaks (``"type"``, ``"maxLength"``,
    ``"additionalProperties"``, ...); ``message`` says what is wrong in plain words.
    """

    parts: tuple[str | int, ...]
    keyword: str
    message: str

    @property
    def path(self) -> str:
        """The JSON path of :attr:`parts` (``$.structures[3].file``)."""
        return format_path(self.parts)

    def problem(self, file: str, severity: str = "error", suffix: str = "") -> Problem:
        """The violation as a :class:`Problem` of ``file``, ``suffix`` added to the message."""
        return Problem(file, self.path, self.message + suffix, severity)


class JsonSchema:
    """A schema and the plain-words messages for its patterns.

    Parameters
    ----------
    schema
        The parsed schema (Draft 2020-12).
    pattern_messages
        What a string that does not match a pattern is, by pattern
        (``"is not a spinal segment (expected C1-C8, ...)"``); other patterns are named as such.
    """

    def __init__(self, schema: Mapping[str, Any], pattern_messages: Mapping[str, str] | None = None) -> None:
        self.schema = schema
        self.pattern_messages = dict(pattern_messages or {})

    @classmethod
    def packaged(cls, package: str, name: str, pattern_messages: Mapping[str, str] | None = None) -> JsonSchema:
        """The schema file ``name`` inside ``package`` (read with :mod:`importlib.resources`)."""
        text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
        return cls(json.loads(text), pattern_messages)

    @cached_property
    def _validator(self) -> Any:
        from jsonschema import Draft202012Validator, FormatChecker

        formats = FormatChecker(())
        formats.checks(TEXT_FORMAT)(_savable)
        return Draft202012Validator(self.schema, format_checker=formats)

    def check_schema(self) -> None:
        """Raise ``jsonschema.SchemaError`` if the schema itself is not valid Draft 2020-12."""
        from jsonschema import Draft202012Validator

        Draft202012Validator.check_schema(self.schema)

    def violations(self, doc: object, limit: int = 500) -> list[Violation]:
        """Every violation in ``doc``, each once, at most ``limit`` of them."""
        found: list[Violation] = []
        seen: set[tuple[tuple, str]] = set()
        for error in self._validator.iter_errors(doc):
            for parts, message in _explain(error, self.pattern_messages):
                if (parts, message) not in seen:  # jsonschema reports each missing key with the whole list
                    seen.add((parts, message))
                    found.append(Violation(parts, error.validator, message))
            if len(found) >= limit:
                break
        return found

    def problems(self, doc: object, file: str, *, limit: int = 500, severity: str = "error") -> list[Problem]:
        """Every violation in ``doc`` as a :class:`Problem` of ``file``.

        A garbage file must not flood the report: after ``limit`` problems one more says so.
        """
        found = [v.problem(file, severity) for v in self.violations(doc, limit)]
        if len(found) >= limit:
            found.append(Problem(file, "$", f"more than {limit} schema problems; stopped here", severity))
        return found


def _savable(value: object) -> bool:
    """True unless ``value`` is a string that cannot be written as UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def format_path(parts: Any) -> str:
    """A JSON path from a sequence of keys and indices (odd keys are quoted and cut short)."""
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
        return value if len(value) <= width else value[: width - 3] + "..."
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


def _explain(error: Any, pattern_messages: Mapping[str, str]) -> Iterator[tuple[tuple, str]]:
    """Turn one jsonschema error into (path parts, plain message) pairs."""
    parts = tuple(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    inst = error.instance
    if "propertyNames" in error.relative_schema_path and isinstance(inst, str):
        # The error is about a key of the object at ``parts``, not one of its values.
        what = pattern_messages.get(value) if kind == "pattern" else None
        if kind == "enum":
            what = f"is not one of {', '.join(repr(v) for v in value)}"
        yield (*parts, inst), f"key {_shown(inst)} {what or 'is not a valid key'}"
        return
    if kind == "required":
        missing = [k for k in value if isinstance(inst, dict) and k not in inst]
        for key in missing or value:
            yield parts, f"missing required key {key!r}"
    elif kind == "additionalProperties" and isinstance(inst, dict):
        allowed = sorted(error.schema.get("properties", {}))
        for key in inst:
            if key not in allowed:
                yield (*parts, key), f"unknown key {short(key)!r} (allowed: {', '.join(allowed)})"
    elif kind == "type":
        wanted = value if isinstance(value, list) else [value]
        names = " or ".join(_JSON_TYPES.get(w, w) for w in wanted)
        yield parts, f"must be {names}, not {describe_type(inst)}"
    elif kind == "enum":
        yield parts, f"must be one of {', '.join(repr(v) for v in value)}, not {_shown(inst)}"
    elif kind == "const":
        yield parts, f"must be {json.dumps(value)}, not {_shown(inst)}"
    elif kind == "pattern":
        yield parts, f"{_shown(inst)} {pattern_messages.get(value, f'does not match the pattern {value}')}"
    elif kind == "format" and value == TEXT_FORMAT:
        yield parts, "holds an invalid character (an unpaired surrogate), which cannot be saved"
    elif kind == "minLength":
        yield parts, "must not be empty" if value == 1 else f"must have at least {value} characters"
    elif kind == "maxLength":
        yield parts, f"is too long ({len(inst)} characters; at most {value})"
    elif kind == "minItems":
        yield parts, f"must have at least {value} item(s)"
    elif kind == "maxItems":
        yield parts, f"has too many items ({len(inst)}; at most {value})"
    elif kind in ("minimum", "maximum"):
        bound = "at least" if kind == "minimum" else "at most"
        yield parts, f"must be {bound} {value}, not {short(inst)}"
    elif kind in ("exclusiveMinimum", "exclusiveMaximum"):
        bound = "more than" if kind == "exclusiveMinimum" else "less than"
        yield parts, f"must be {bound} {value}, not {short(inst)}"
    elif kind == "not" and isinstance(value, dict) and "const" in value:
        yield parts, f"must not be {json.dumps(value['const'])}"
    else:  # keywords no schema of IMS Atlas uses: jsonschema's own words, cut short
        yield parts, short(error.message, 200)
