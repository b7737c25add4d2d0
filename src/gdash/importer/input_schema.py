"""Shape checks of the alert rule documents ``gdash import`` reads, before it walks them
(schemas/input.schema.json; dashboards: :mod:`gdash.importer.shape`).

The importer reads nested parts of a rule document (groups, rules, labels, Grafana's query data);
a document from a file or a server whose parts have other types is refused here, with the JSON
path of the first misfit, instead of failing somewhere inside the importer.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from ..errors import ConfigError, Location

_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@cache
def _validator(definition: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files(__package__).joinpath("schemas", "input.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{definition}"})


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document"


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For anyOf (a rule with ``alert`` or ``record``), the alternative that got furthest."""
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
        bound: Any = error.validator_value
        expected = bound if isinstance(bound, list) else [bound]
        problem = (
            f"expected {' or '.join(str(_TYPE_WORDS.get(t, t)) for t in expected)}, got {_describe(error.instance)}"
        )
    else:
        problem = error.message[:200]
    raise ConfigError(
        f"not {what} gdash can read: {_path(error.absolute_path)}: {problem}",
        location=location,
        hint="export it again from Grafana (Share > Export > Save to file), or fix that value",
    )


def _describe(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (dict, list)):
        return _TYPE_WORDS["object" if isinstance(value, dict) else "array"]
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."
