"""What a dashboard document is: unwrap API/export envelopes, refuse what is not a dashboard.

Accepted: a bare v1 model; ``{"dashboard": ...}`` or ``{"meta": ..., "dashboard": ...}`` (the
HTTP API's answer); a Kubernetes-style resource ``{"apiVersion", "kind": "Dashboard",
"metadata", "spec"}`` whose spec is a v1 model or a v2 spec; a bare v2 spec (``elements`` +
``layout``). Anything else, and JSON too deep or with the wrong container types where a
dashboard has lists and objects, ends in one ``ConfigError`` naming the JSON path.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError, Location

MAX_DEPTH = 64  # Grafana's own models stay below 20; deeper is hostile or broken
MAX_VALUES = 5_000_000  # the largest real dashboards hold a few hundred thousand
_HINT = "pass a dashboard JSON exported from Grafana (Share > Export, or the HTTP API)"


def _error(message: str, location: Location | None, path: str = "$") -> ConfigError:
    return ConfigError(f"{path}: {message}" if path != "$" else message, location=location, hint=_HINT)


def is_v2_spec(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("elements"), dict) and isinstance(value.get("layout"), dict)


def kind_of(document: Any) -> str:
    """``"v1"`` or ``"v2"`` for the dashboard inside ``document`` (after :func:`unwrap`)."""
    return "v2" if is_v2_spec(document) else "v1"


def check_depth(value: Any, location: Location | None, limit: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> None:
    """Refuse JSON nested deeper than ``limit`` or holding more than ``max_values`` values
    (iteratively: hostile input cannot exhaust the stack)."""
    stack: list[tuple[Any, str, int]] = [(value, "$", 0)]
    seen = 0
    while stack:
        item, path, depth = stack.pop()
        if depth > limit:
            raise _error(f"nested deeper than {limit} levels", location, path)
        if isinstance(item, (dict, list)):
            seen += len(item)
            if seen > max_values:
                raise _error(f"more than {max_values:,} JSON values: too large for a dashboard", location, path)
        if isinstance(item, dict):
            stack.extend((v, f"{path}.{k}", depth + 1) for k, v in item.items() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(item) if isinstance(v, (dict, list)))


def _expect(value: Any, kind: type, what: str, location: Location | None, path: str) -> None:
    if not isinstance(value, kind):
        raise _error(f"expected {what}, got {_type_name(value)}", location, path)


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


def check_v1_shape(model: dict[str, Any], location: Location | None, path: str = "$") -> None:
    """The containers every consumer iterates must have their JSON types."""
    for key in ("panels", "rows"):
        if key in model and model[key] is not None:
            _expect(model[key], list, "a list", location, f"{path}.{key}")
            for i, item in enumerate(model[key]):
                _expect(item, dict, "an object", location, f"{path}.{key}[{i}]")
                children = item.get("panels")
                if children is not None:
                    _expect(children, list, "a list", location, f"{path}.{key}[{i}].panels")
                    for j, child in enumerate(children):
                        _expect(child, dict, "an object", location, f"{path}.{key}[{i}].panels[{j}]")
    for key in ("templating", "annotations"):
        holder = model.get(key)
        if holder is None:
            continue
        _expect(holder, dict, "an object", location, f"{path}.{key}")
        if holder.get("list") is not None:
            _expect(holder["list"], list, "a list", location, f"{path}.{key}.list")


def _looks_like_v1(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and any(k in value for k in ("panels", "rows", "schemaVersion"))
        or isinstance(value, dict)
        and "title" in value
        and any(k in value for k in ("templating", "uid", "time"))
    )


def unwrap(document: Any, location: Location | None = None) -> dict[str, Any]:
    """The bare dashboard (a v1 model or a v2 spec) inside ``document``; the input is not modified."""
    path = "$"
    if (
        isinstance(document, dict)
        and document.get("kind") == "GrafanaManifest"
        and isinstance(document.get("spec"), dict)
        and isinstance(document["spec"].get("template"), dict)
    ):  # grafana-operator's wrapper for Grafana resources (api/v1beta1/grafanamanifest_types.go)
        document, path = document["spec"]["template"], "$.spec.template"
    if isinstance(document, dict) and isinstance(document.get("dashboard"), dict):
        document, path = document["dashboard"], "$.dashboard"
    elif isinstance(document, dict) and document.get("kind") == "Dashboard" and "spec" in document:
        _expect(document["spec"], dict, "an object", location, f"{path}.spec")
        name = document.get("metadata", {}).get("name") if isinstance(document.get("metadata"), dict) else None
        document, path = document["spec"], f"{path}.spec"
        if isinstance(name, str) and name and "uid" not in document:  # a resource's uid is its name
            document = {**document, "uid": name}
    if not isinstance(document, dict):
        raise _error(f"not a Grafana dashboard (the document is {_type_name(document)})", location)
    check_depth(document, location)
    if is_v2_spec(document):
        return document
    if "elements" in document or "layout" in document:
        for key, kind in (("elements", dict), ("layout", dict)):
            _expect(document.get(key), kind, "an object", location, f"{path}.{key}")
    if not _looks_like_v1(document) and not ("panels" in document or "title" in document):
        raise _error("not a Grafana dashboard (no 'title', 'panels' or 'schemaVersion')", location)
    check_v1_shape(document, location, path)
    return document


def schema_version(model: dict[str, Any]) -> int:
    """The model's schemaVersion; absent or unreadable counts as 0, the oldest (as Grafana reads it)."""
    value = model.get("schemaVersion")
    if isinstance(value, bool):
        return 0
    if isinstance(value, (int, float)) and value == value and abs(value) < 1e9:
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return 0
    return 0
