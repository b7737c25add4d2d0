"""Shape checks of what ``gdash import`` reads, before it walks it (schemas/input.schema.json).

The importer reads nested parts of a dashboard or rule document (panels, targets, fieldConfig,
rule data...); a document from a file or a server whose parts have other types is refused here,
with the JSON path of the first misfit, instead of failing somewhere inside the importer.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

from ..errors import ConfigError, Location

_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number",
               "number": "a number", "boolean": "true or false", "null": "null"}


@lru_cache(maxsize=None)
def _validator(definition: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files(__package__).joinpath("schemas", "input.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{definition}"})


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document"


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For anyOf (``{"dashboard": ...}`` or a bare model), the alternative that got furthest."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.absolute_schema_path)))
    return error


def check_input(document: Any, definition: str, what: str, location: Location) -> None:
    """Raise a one-line ConfigError when ``document`` does not have the shape ``definition`` describes."""
    error = jsonschema.exceptions.best_match(_validator(definition).iter_errors(document))
    if error is None:
        return
    error = _deepest(error)
    if error.validator == "type":
        expected: list[Any] = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        problem = f"expected {' or '.join(_TYPE_WORDS.get(t, t) for t in expected)}, got {_describe(error.instance)}"
    else:
        problem = error.message[:200]
    raise ConfigError(f"not {what} gdash can read: {_path(error.absolute_path)}: {problem}", location=location,
                      hint="export it again from Grafana (Share > Export > Save to file), or fix that value")


def _describe(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (dict, list)):
        return _TYPE_WORDS["object" if isinstance(value, dict) else "array"]
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."
