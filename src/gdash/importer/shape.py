"""Is this JSON shaped like a dashboard? One line naming the JSON path of the first thing that is not.

Grafana's loader tolerates missing keys, not wrong types: a ``panels`` that is a string, a panel
that is a number, a ``gridPos`` of text. ``check_dashboard`` walks the parts of the model the
importer reads and raises ``ConfigError`` at the first value of the wrong type, e.g.
``dash.json: $.panels[3].targets[0]: expected an object, got a string``. It runs before the
migration, so nothing downstream meets a shape it does not expect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..compile.dashboards import UID_PATTERN as UID
from ..errors import ConfigError, Location

MAX_PANELS = 5000  # far beyond any dashboard Grafana renders usefully; bounds the work on hostile input
MAX_DEPTH = 64  # JSON nesting below a dashboard (Grafana's own models nest about 10 deep)

_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "true or false",
    int: "a number",
    float: "a number",
    type(None): "null",
}

# key -> expected type(s) (None always allowed: Grafana reads null as unset)
_DASHBOARD = {
    "title": (str,),
    "uid": (str,),
    "panels": (list,),
    "rows": (list,),
    "templating": (dict,),
    "annotations": (dict,),
    "links": (list,),
    "tags": (list,),
    "time": (dict,),
    "timepicker": (dict,),
    "schemaVersion": (int,),
    "description": (str,),
    "timezone": (str,),
    "refresh": (str, bool),
    "editable": (bool,),
    "graphTooltip": (int,),
}
_PANEL = {
    "type": (str,),
    "title": (str,),
    "gridPos": (dict,),
    "targets": (list,),
    "fieldConfig": (dict,),
    "options": (dict,),
    "panels": (list,),
    "links": (list,),
    "transformations": (list,),
    "description": (str,),
    "datasource": (dict, str),
    "repeat": (str,),
    "libraryPanel": (dict,),
}
_FIELD_CONFIG = {"defaults": (dict,), "overrides": (list,)}
_DEFAULTS = {
    "thresholds": (dict,),
    "mappings": (list,),
    "custom": (dict,),
    "color": (dict,),
    "links": (list,),
    "unit": (str,),
    "min": (int, float, str),
    "max": (int, float, str),
    "decimals": (int, float, str),
}
_GRID = {key: (int, float, str) for key in ("x", "y", "w", "h")}
_VARIABLE = {
    "name": (str,),
    "type": (str,),
    "label": (str,),
    "datasource": (dict, str),
    "query": (str, dict, int, float),
    "current": (dict,),
    "options": (list,),
    "regex": (str,),
}
_LINK = {
    "title": (str,),
    "type": (str,),
    "url": (str,),
    "tags": (list,),
    "targetBlank": (bool,),
    "includeVars": (bool,),
    "keepTime": (bool,),
    "asDropdown": (bool,),
    "icon": (str,),
}
_ANNOTATION = {"name": (str,), "datasource": (dict, str), "enable": (bool,)}


class _Checker:
    def __init__(self, location: Location):
        self.location = location

    def fail(self, path: str, problem: str) -> None:
        raise ConfigError(
            f"{path}: {problem}",
            location=self.location,
            hint="pass a dashboard JSON as Grafana exports it (Share > Export, or the HTTP API)",
        )

    def type_of(self, value: Any, expected: tuple[type, ...], path: str) -> None:
        if value is None or isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected):
            return
        wanted = " or ".join(dict.fromkeys(_NAMES[t] for t in expected))
        self.fail(path, f"expected {wanted}, got {_NAMES.get(type(value), type(value).__name__)}")

    def keys(self, obj: Any, spec: Mapping[str, tuple[type, ...]], path: str) -> None:
        self.type_of(obj, (dict,), path)
        for key, expected in spec.items():
            if isinstance(obj, dict) and key in obj:
                self.type_of(obj[key], expected, f"{path}.{key}")

    def items(
        self,
        obj: Any,
        key: str,
        path: str,
        spec: Mapping[str, tuple[type, ...]] | None = None,
        kind: tuple[type, ...] = (dict,),
    ) -> list[Any]:
        values = obj.get(key) if isinstance(obj, dict) else None
        if values is not None:
            self.type_of(values, (list,), f"{path}.{key}")
        if not isinstance(values, list):
            return []
        for index, value in enumerate(values):
            self.type_of(value, kind, f"{path}.{key}[{index}]")
            if spec is not None and value is not None:
                self.keys(value, spec, f"{path}.{key}[{index}]")
        return [v for v in values if v is not None]

    def panel(self, panel: dict[str, Any], path: str) -> None:
        self.keys(panel, _PANEL, path)
        self.keys(panel.get("gridPos") or {}, _GRID, f"{path}.gridPos")
        field_config = panel.get("fieldConfig") or {}
        self.keys(field_config, _FIELD_CONFIG, f"{path}.fieldConfig")
        self.keys(field_config.get("defaults") or {}, _DEFAULTS, f"{path}.fieldConfig.defaults")
        defaults = field_config.get("defaults") or {}
        self.items(
            defaults.get("thresholds") or {},
            "steps",
            f"{path}.fieldConfig.defaults.thresholds",
            {"color": (str,), "value": (int, float, str)},
        )
        self.items(defaults, "mappings", f"{path}.fieldConfig.defaults", {"type": (str, int), "options": (dict,)})
        self.keys(
            panel.get("options") or {},
            {"reduceOptions": (dict,), "legend": (dict,), "tooltip": (dict,)},
            f"{path}.options",
        )
        self.keys(
            (panel.get("options") or {}).get("reduceOptions") or {}, {"calcs": (list,)}, f"{path}.options.reduceOptions"
        )
        self.items(field_config, "overrides", f"{path}.fieldConfig")
        self.items(
            panel,
            "targets",
            path,
            {
                "refId": (str,),
                "expr": (str,),
                "datasource": (dict, str),
                "legendFormat": (str,),
                "hide": (bool,),
                "instant": (bool,),
            },
        )
        self.items(panel, "links", path)
        self.items(panel, "transformations", path)


def _depth(value: Any, limit: int) -> bool:
    """True when ``value`` nests deeper than ``limit`` (iterative: no recursion on hostile input)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False


def check_dashboard(model: Any, location: Location) -> None:
    """Raise ``ConfigError`` (file and JSON path) unless ``model`` is shaped like a dashboard."""
    check = _Checker(location)
    check.keys(model, _DASHBOARD, "$")
    if _depth(model, MAX_DEPTH):
        check.fail("$", f"nested more than {MAX_DEPTH} levels deep: not a dashboard Grafana saved")
    panels = check.items(model, "panels", "$")
    if sum(1 + len(p.get("panels") or []) if isinstance(p.get("panels"), list) else 1 for p in panels) > MAX_PANELS:
        check.fail("$.panels", f"more than {MAX_PANELS} panels")
    for index, panel in enumerate(panels):
        path = f"$.panels[{index}]"
        check.panel(panel, path)
        for child_index, child in enumerate(check.items(panel, "panels", path)):
            check.panel(child, f"{path}.panels[{child_index}]")
    for index, row in enumerate(check.items(model, "rows", "$")):  # legacy layout (schemaVersion < 16)
        for child_index, child in enumerate(check.items(row, "panels", f"$.rows[{index}]")):
            check.panel(child, f"$.rows[{index}].panels[{child_index}]")
    for index, variable in enumerate(check.items(model.get("templating") or {}, "list", "$.templating", _VARIABLE)):
        for key in ("name", "type"):
            if not isinstance(variable.get(key), str) or not variable[key]:
                check.fail(f"$.templating.list[{index}].{key}", "missing: every variable has a name and a type")
        if variable["type"] == "datasource" and not isinstance(variable.get("query"), str):
            check.fail(f"$.templating.list[{index}].query", "missing: a datasource variable names its type here")
    check.items(model.get("annotations") or {}, "list", "$.annotations", _ANNOTATION)
    check.items(model, "links", "$", _LINK)
    check.items(model, "tags", "$", kind=(str,))
    check.keys(model.get("time") or {}, {"from": (str,), "to": (str,)}, "$.time")
    uid = model.get("uid")
    if isinstance(uid, str) and uid and not UID.match(uid):
        check.fail("$.uid", f"{uid[:60]!r} is not a dashboard uid Grafana accepts (1 to 40 of A-Z a-z 0-9 _ -)")
