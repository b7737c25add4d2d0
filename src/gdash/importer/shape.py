"""Is this input shaped like what ``gdash import`` reads? One line naming the JSON path of the first misfit.

Every kind of input (a dashboard, a Prometheus rule file, a Grafana alert rules document) is
described the same way, declaratively, by a definition in ``gdash/schemas/import-input.schema.json``,
and checked here before the importer walks it: Grafana's loaders tolerate missing keys, not wrong
types (a ``panels`` that is a string, a panel that is a number, rule labels that are a list), so
such input is refused with its file and JSON path, e.g. ``dash.json: $.panels[3].targets[0]:
expected an object, got a string ("up") (not a Grafana dashboard gdash can read)``, instead of
failing somewhere inside the importer or the migration.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .. import schemas
from ..errors import ConfigError, Location
from ..migration.document import check_depth

if TYPE_CHECKING:
    import jsonschema

SCHEMA = "import-input.schema.json"
MAX_PANELS = 5000  # far beyond any dashboard Grafana renders usefully; bounds the work on hostile input

# definition in SCHEMA -> (what the input is, how to mend it)
KINDS = {
    "dashboard": (
        "a Grafana dashboard",
        "pass a dashboard JSON as Grafana exports it (Share > Export, or the HTTP API), or fix that value",
    ),
    "prometheus_rules": (
        "a Prometheus rule file",
        "fix that value (`promtool check rules FILE` checks a Prometheus rule file)",
    ),
    "grafana_rules": (
        "a Grafana alert rules document",
        "export it again from Grafana (Alerting > Alert rules > Export), or fix that value",
    ),
}

_TYPE_WORDS = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def check_shape(document: Any, kind: str, location: Location) -> None:
    """Raise a one-line ``ConfigError`` (file, JSON path, what, fix) unless ``document`` has the
    shape of ``kind`` (a key of :data:`KINDS`)."""
    if schemas.is_valid(SCHEMA, document, kind):
        return
    import jsonschema

    error = jsonschema.exceptions.best_match(schemas.validator(SCHEMA, kind).iter_errors(document))
    if error is None:  # the fast check was stricter than jsonschema (integral floats): valid
        return
    raise _refused(kind, *_explain(_deepest(error)), location)


def _refused(kind: str, path: str, problem: str, location: Location) -> ConfigError:
    what, hint = KINDS[kind]
    return ConfigError(f"{path}: {problem} (not {what} gdash can read)", location=location, hint=hint)


def check_dashboard(model: Any, location: Location) -> None:
    """:func:`check_shape` of a dashboard, after the bounds hostile input could exceed."""
    if isinstance(model, dict):
        check_depth(model, location)
        panels = model.get("panels")
        if isinstance(panels, list):
            count = sum(
                1 + len(p["panels"]) if isinstance(p, dict) and isinstance(p.get("panels"), list) else 1 for p in panels
            )
            if count > MAX_PANELS:
                raise _refused("dashboard", "$.panels", f"more than {MAX_PANELS} panels", location)
    check_shape(model, "dashboard", location)


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For anyOf (a rule with ``alert`` or ``record``), the alternative that got furthest."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.absolute_schema_path)))
    return error


def _explain(error: jsonschema.ValidationError) -> tuple[str, str]:
    """(JSON path, what is wrong) for one error; a value's ``x-problem`` says what breaking it means."""
    parts = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        required: Any = error.validator_value
        instance: Any = error.instance
        missing = next((k for k in required if k not in instance), None)
        if missing is not None:
            parts.append(missing)
            schema = schema.get("properties", {}).get(missing, {})
            if "x-problem" not in schema:
                return schemas.json_path(parts), "missing"
    path = schemas.json_path(parts)
    if "x-problem" in schema and (error.validator != "type" or error.instance is None):
        prefix = "" if str(schema["x-problem"]).startswith("missing") else f"{_value(error.instance)} "
        return path, f"{prefix}{schema['x-problem']}"
    if error.validator == "type":
        bound: Any = error.validator_value
        expected = [t for t in (bound if isinstance(bound, list) else [bound]) if t != "null"] or ["null"]
        return path, f"expected {' or '.join(_TYPE_WORDS.get(t, t) for t in expected)}, got {_describe(error.instance)}"
    return path, error.message[:200]


def _describe(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (dict, list)):
        return _TYPE_WORDS["object" if isinstance(value, dict) else "array"]
    return f"a string ({_value(value)})" if isinstance(value, str) else f"a number ({_value(value)})"


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."
