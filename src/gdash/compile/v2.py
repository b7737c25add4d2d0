"""Dashboard v2 (``dashboard.grafana.app/v2``, Grafana 13's default): the same authoring objects written as
``elements`` + ``layout`` instead of ``panels[]``.

The v2 spec is derived from the compiled v1 model (one compiler, two outputs), so everything gdash
checks on v1 (lint, validation, datasource rewriting) holds for v2 too. Field meanings follow the v2
OpenAPI description (``../shared/grafana/apis/dashboard.grafana.app-v2.json``, DashboardSpec and the
kinds it references) and Grafana's v1 -> v2 conversion (apps/dashboard/pkg/migration/conversion):

* each panel becomes an element ``panel-<id>`` (``Panel``: ``data`` = a ``QueryGroup`` of ``PanelQuery``
  objects holding ``DataQuery`` kinds grouped by datasource type, ``vizConfig`` = the plugin, its options
  and field config);
* the grid becomes a ``GridLayout``; a dashboard with rows becomes a ``RowsLayout`` whose rows hold
  their panels' ``GridLayout`` (y counted from the row); panels above the first row go into a row
  with ``hideHeader``;
* variables, annotations and links become their typed kinds; time, refresh and the time picker
  become ``timeSettings``; ``graphTooltip`` becomes ``cursorSync``.

File provisioning cannot read v2 (Grafana 13), so ``gdash provision`` always writes v1.
"""

from __future__ import annotations

import copy
from typing import Any

from ..errors import ConfigError

SCHEMAS = ("v1", "v2")
API_VERSION = "dashboard.grafana.app/v2"
DEFAULT_REFRESH_INTERVALS = ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"]
_CURSOR = {0: "Off", 1: "Crosshair", 2: "Tooltip"}
_HIDE = {0: "dontHide", 1: "hideLabel", 2: "hideVariable"}
_REFRESH = {0: "never", 1: "onDashboardLoad", 2: "onTimeRangeChanged"}
_SORT = {
    0: "disabled",
    1: "alphabeticalAsc",
    2: "alphabeticalDesc",
    3: "numericalAsc",
    4: "numericalDesc",
    5: "alphabeticalCaseInsensitiveAsc",
    6: "alphabeticalCaseInsensitiveDesc",
    7: "naturalAsc",
    8: "naturalDesc",
}
_PANEL_QUERY_OPTIONS = (
    "maxDataPoints",
    "interval",
    "timeFrom",
    "timeShift",
    "cacheTimeout",
    "hideTimeOverride",
    "queryCachingTTL",
)


def project_schema(config: Any) -> str | None:
    """gdash.yaml's top-level ``dashboard_schema`` (v1 or v2), checked."""
    value = (getattr(config, "raw", None) or {}).get("dashboard_schema")
    if value is None:
        return None
    if value not in SCHEMAS:
        raise ConfigError(
            f"dashboard_schema: {value!r} is not a dashboard schema",
            location=_config_location(config),
            hint="use v1 (classic JSON, every Grafana) or v2 (elements + layout, Grafana 13)",
        )
    return str(value)


def _config_location(config: Any) -> Any:
    from ..errors import Location

    return Location(str(config.path)) if getattr(config, "path", None) else None


def effective_schema(dashboard: Any, *sources: Any) -> str:
    """The dashboard's own ``schema=`` if it set one, else the first setting found in ``sources``
    (an environment, then the project's ``dashboard_schema``), else v1."""
    for value in (getattr(dashboard, "schema", None), *sources):
        if value:
            return str(value)
    return "v1"


def to_v2_resource(model: dict[str, Any]) -> dict[str, Any]:
    """The v2 resource gdash writes to a file (``gdash build``) and ``gdash pull`` reads back."""
    return {
        "apiVersion": API_VERSION,
        "kind": "Dashboard",
        "metadata": {"name": model["uid"]},
        "spec": to_v2_spec(model),
    }


def to_v2_spec(model: dict[str, Any]) -> dict[str, Any]:
    model = copy.deepcopy(model)
    elements: dict[str, Any] = {}
    layout = _layout(model.get("panels") or [], elements)
    timepicker = model.get("timepicker") or {}
    time = model.get("time") or {}
    spec: dict[str, Any] = {
        "title": model.get("title", ""),
        "description": model.get("description", ""),
        "tags": list(model.get("tags") or []),
        "editable": bool(model.get("editable", True)),
        "liveNow": bool(model.get("liveNow", False)),
        "preload": bool(model.get("preload", False)),
        "cursorSync": _CURSOR.get(model.get("graphTooltip", 0), "Off"),
        "links": [_link(link) for link in model.get("links") or []],
        "timeSettings": {
            "from": time.get("from", "now-6h"),
            "to": time.get("to", "now"),
            "autoRefresh": model.get("refresh") or "",
            "autoRefreshIntervals": list(timepicker.get("refresh_intervals") or DEFAULT_REFRESH_INTERVALS),
            "hideTimepicker": bool(timepicker.get("hidden", False)),
            "fiscalYearStartMonth": int(model.get("fiscalYearStartMonth") or 0),
            "timezone": model.get("timezone") or "browser",
            **({"weekStart": model["weekStart"]} if model.get("weekStart") else {}),
        },
        "variables": [_variable(v) for v in (model.get("templating") or {}).get("list") or []],
        "annotations": [_annotation(a) for a in (model.get("annotations") or {}).get("list") or []],
        "elements": elements,
        "layout": layout,
    }
    return spec


# -- panels and layout -------------------------------------------------------------------------


def _layout(panels: list[dict[str, Any]], elements: dict[str, Any]) -> dict[str, Any]:
    if not any(p.get("type") == "row" for p in panels):
        return _grid([_item(p, elements, 0) for p in panels])
    rows: list[dict[str, Any]] = []
    loose = [p for p in _until_first_row(panels)]
    if loose:
        rows.append(_row(None, loose, elements, hide_header=True))
    current: dict[str, Any] | None = None
    members: list[dict[str, Any]] = []
    for panel in panels[len(loose) :]:
        if panel.get("type") == "row":
            if current is not None:
                rows.append(_row(current, members, elements))
            current, members = panel, list(panel.get("panels") or []) if panel.get("collapsed") else []
        else:
            members.append(panel)
    if current is not None:
        rows.append(_row(current, members, elements))
    return {"kind": "RowsLayout", "spec": {"rows": rows}}


def _until_first_row(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    loose = []
    for panel in panels:
        if panel.get("type") == "row":
            break
        loose.append(panel)
    return loose


def _row(
    row: dict[str, Any] | None, panels: list[dict[str, Any]], elements: dict[str, Any], *, hide_header: bool = False
) -> dict[str, Any]:
    top = (
        ((row or {}).get("gridPos") or {}).get("y", -1) + 1
        if row
        else min(((p.get("gridPos") or {}).get("y", 0) for p in panels), default=0)
    )
    spec: dict[str, Any] = {
        "title": (row or {}).get("title", ""),
        "collapse": bool((row or {}).get("collapsed")),
        "layout": _grid([_item(p, elements, top) for p in panels]),
    }
    if hide_header:
        spec["hideHeader"] = True
    repeat = (row or {}).get("repeat")
    if repeat:
        spec["repeat"] = {"mode": "variable", "value": repeat}
    return {"kind": "RowsLayoutRow", "spec": spec}


def _grid(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "GridLayout", "spec": {"items": items}}


def _item(panel: dict[str, Any], elements: dict[str, Any], top: int) -> dict[str, Any]:
    name = f"panel-{panel.get('id')}"
    elements[name] = _panel(panel)
    grid = panel.get("gridPos") or {}
    spec: dict[str, Any] = {
        "x": grid.get("x", 0),
        "y": max(grid.get("y", 0) - top, 0),
        "width": grid.get("w", 12),
        "height": grid.get("h", 8),
        "element": {"kind": "ElementReference", "name": name},
    }
    if panel.get("repeat"):
        spec["repeat"] = {
            "mode": "variable",
            "value": panel["repeat"],
            "direction": "v" if panel.get("repeatDirection") == "v" else "h",
            **({"maxPerRow": panel["maxPerRow"]} if panel.get("maxPerRow") else {}),
        }
    return {"kind": "GridLayoutItem", "spec": spec}


def _panel(panel: dict[str, Any]) -> dict[str, Any]:
    default_ds = panel.get("datasource")
    queries = []
    for target in panel.get("targets") or []:
        ds = target.get("datasource") or default_ds
        body = {k: v for k, v in target.items() if k not in ("refId", "datasource", "hide")}
        queries.append(
            {
                "kind": "PanelQuery",
                "spec": {
                    "refId": target.get("refId", "A"),
                    "hidden": bool(target.get("hide", False)),
                    "query": _data_query(ds, body),
                },
            }
        )
    options = {k: panel[k] for k in _PANEL_QUERY_OPTIONS if panel.get(k) is not None}
    field_config = panel.get("fieldConfig") or {}
    spec: dict[str, Any] = {
        "id": panel.get("id", 0),
        "title": panel.get("title", ""),
        "description": panel.get("description", ""),
        "links": list(panel.get("links") or []),
        "data": {
            "kind": "QueryGroup",
            "spec": {
                "queries": queries,
                "transformations": [_transformation(t) for t in panel.get("transformations") or []],
                "queryOptions": options,
            },
        },
        "vizConfig": {
            "kind": "VizConfig",
            "group": panel.get("type", ""),
            "version": panel.get("pluginVersion", ""),
            "spec": {
                "options": panel.get("options") or {},
                "fieldConfig": {
                    "defaults": field_config.get("defaults") or {},
                    "overrides": field_config.get("overrides") or [],
                },
            },
        },
    }
    if panel.get("transparent"):
        spec["transparent"] = True
    return {"kind": "Panel", "spec": spec}


def _data_query(ds: Any, body: dict[str, Any]) -> dict[str, Any]:
    ds = ds if isinstance(ds, dict) else {}
    query: dict[str, Any] = {"kind": "DataQuery", "group": ds.get("type") or "", "version": "v0", "spec": body}
    if ds.get("uid"):
        query["datasource"] = {"name": ds["uid"]}
    return query


def _transformation(transformation: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "Transformation", "group": transformation.get("id", ""), "spec": transformation}


# -- variables, annotations, links -----------------------------------------------------------------


def _option(value: Any) -> dict[str, Any]:
    value = value if isinstance(value, dict) else {}
    text, val = value.get("text", ""), value.get("value", "")
    return {
        "text": text if isinstance(text, (str, list)) else str(text),
        "value": val if isinstance(val, (str, list)) else str(val),
    }


def _common(variable: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": variable["name"],
        "hide": _HIDE.get(variable.get("hide", 0), "dontHide"),
        "skipUrlSync": bool(variable.get("skipUrlSync", False)),
        "current": _option(variable.get("current")),
    }
    for key in ("label", "description"):
        if variable.get(key):
            spec[key] = variable[key]
    return spec


def _multi(variable: dict[str, Any]) -> dict[str, Any]:
    spec = {
        "options": [_option(o) for o in variable.get("options") or []],
        "multi": bool(variable.get("multi", False)),
        "includeAll": bool(variable.get("includeAll", False)),
        "allowCustomValue": bool(variable.get("allowCustomValue", True)),
    }
    if variable.get("allValue"):
        spec["allValue"] = variable["allValue"]
    return spec


def _variable(variable: dict[str, Any]) -> dict[str, Any]:
    kind = variable.get("type")
    spec = _common(variable)
    if kind == "query":
        query = variable.get("query")
        spec.update(
            _multi(variable),
            refresh=_REFRESH.get(variable.get("refresh", 1), "onDashboardLoad"),
            regex=variable.get("regex") or "",
            sort=_SORT.get(variable.get("sort", 0), "disabled"),
            query=_data_query(
                variable.get("datasource"), query if isinstance(query, dict) else {"__legacyStringValue": query or ""}
            ),
        )
        if variable.get("definition"):
            spec["definition"] = variable["definition"]
        return {"kind": "QueryVariable", "spec": spec}
    if kind == "datasource":
        spec.update(
            _multi(variable),
            pluginId=variable.get("query", ""),
            regex=variable.get("regex") or "",
            refresh=_REFRESH.get(variable.get("refresh", 1), "onDashboardLoad"),
        )
        return {"kind": "DatasourceVariable", "spec": spec}
    if kind == "custom":
        spec.update(_multi(variable), query=variable.get("query", ""))
        return {"kind": "CustomVariable", "spec": spec}
    if kind == "interval":
        spec.update(
            query=variable.get("query", ""),
            options=[_option(o) for o in variable.get("options") or []],
            auto=bool(variable.get("auto", False)),
            auto_min=variable.get("auto_min", "10s"),
            auto_count=int(variable.get("auto_count", 30)),
            refresh="onTimeRangeChanged",
        )
        return {"kind": "IntervalVariable", "spec": spec}
    if kind == "constant":
        spec.update(query=variable.get("query", ""))
        return {"kind": "ConstantVariable", "spec": spec}
    if kind == "textbox":
        spec.update(query=variable.get("query", ""))
        return {"kind": "TextVariable", "spec": spec}
    if kind == "adhoc":
        ds = variable.get("datasource") or {}
        spec.update(
            baseFilters=[],
            filters=list(variable.get("filters") or []),
            defaultKeys=[],
            allowCustomValue=bool(variable.get("allowCustomValue", True)),
        )
        spec.pop("current", None)
        return {
            "kind": "AdhocVariable",
            "group": ds.get("type", ""),
            **({"datasource": {"name": ds["uid"]}} if ds.get("uid") else {}),
            "spec": spec,
        }
    raise ConfigError(
        f"variable {variable.get('name')!r}: type {kind!r} has no dashboard v2 equivalent in gdash",
        hint="keep this dashboard on schema v1",
    )


def _annotation(annotation: dict[str, Any]) -> dict[str, Any]:
    ds = annotation.get("datasource") or {}
    body = {
        k: v
        for k, v in annotation.items()
        if k not in ("builtIn", "datasource", "enable", "hide", "iconColor", "name", "type", "filter")
    }
    spec: dict[str, Any] = {
        "query": _data_query(ds, body),
        "enable": bool(annotation.get("enable", True)),
        "hide": bool(annotation.get("hide", False)),
        "iconColor": annotation.get("iconColor", "rgba(0, 211, 255, 1)"),
        "name": annotation.get("name", ""),
    }
    if annotation.get("builtIn"):
        spec["builtIn"] = True
    if annotation.get("filter"):
        spec["filter"] = annotation["filter"]
    return {"kind": "AnnotationQuery", "spec": spec}


def _link(link: dict[str, Any]) -> dict[str, Any]:
    result = {
        "title": link.get("title", ""),
        "type": link.get("type", "link"),
        "icon": link.get("icon", ""),
        "tooltip": link.get("tooltip", ""),
        "tags": list(link.get("tags") or []),
        "asDropdown": bool(link.get("asDropdown", False)),
        "targetBlank": bool(link.get("targetBlank", False)),
        "includeVars": bool(link.get("includeVars", False)),
        "keepTime": bool(link.get("keepTime", False)),
    }
    if link.get("url"):
        result["url"] = link["url"]
    return result
