"""Bring a dashboard saved by Grafana 7.5+ (schemaVersion 27+) up to the model gdash compiles to.

Only the migrations Grafana itself applies on load between schemaVersion 27 and 39 that change
what a panel means are done here, so imported code describes what users see today:
graph -> timeseries and singlestat -> stat (as Grafana's panel-change handlers do), old value
mappings (30), datasource names and ``$var`` strings -> ``{type, uid}`` refs (33), hidden legends
-> ``showLegend`` (37), table ``displayMode`` -> ``cellOptions`` (38). ``notes`` collects what
could not be carried over, for the command to print.
"""
from __future__ import annotations

import copy
from typing import Any

from ..errors import ConfigError, Location

OLDEST_SCHEMA = 27

_GRAPH_KEYS = {
    "aliasColors", "bars", "dashLength", "dashes", "fill", "fillGradient", "hiddenSeries", "legend", "lines",
    "linewidth", "nullPointMode", "percentage", "pointradius", "points", "renderer", "seriesOverrides",
    "spaceLength", "stack", "steppedLine", "thresholds", "timeRegions", "tooltip", "xaxis", "yaxes", "yaxis",
}
_SINGLESTAT_KEYS = {
    "cacheTimeout", "colorBackground", "colorPostfix", "colorPrefix", "colorValue", "colors", "format", "gauge",
    "mappingType", "mappingTypes", "nullPointMode", "nullText", "postfix", "postfixFontSize", "prefix",
    "prefixFontSize", "rangeMaps", "sparkline", "tableColumn", "thresholds", "valueFontSize", "valueMaps",
    "valueName", "decimals", "maxDataPoints", "interval",
}
# Grafana's legacy reducer names -> the current ones.
_REDUCERS = {"avg": "mean", "current": "lastNotNull", "total": "sum", "max": "max", "min": "min",
             "first": "firstNotNull", "delta": "delta", "diff": "diff", "range": "range", "last_time": "lastNotNull",
             "name": "lastNotNull"}
_CELL_TYPES = {"color-background": {"type": "color-background"}, "color-text": {"type": "color-text"},
               "gradient-gauge": {"type": "gauge", "mode": "gradient"}, "lcd-gauge": {"type": "gauge", "mode": "lcd"},
               "basic": {"type": "gauge", "mode": "basic"}, "json-view": {"type": "json-view"},
               "image": {"type": "image"}, "auto": {"type": "auto"}}
_VARIABLE_TAG_KEYS = ("tags", "tagsQuery", "tagValuesQuery", "useTags")
SPECIAL_UIDS = ("-- Mixed --", "-- Grafana --", "-- Dashboard --", "__expr__", "grafana")


def unwrap(document: Any, location: Location) -> dict[str, Any]:
    """The bare dashboard model from a bare model or an API answer ``{"dashboard": ..., "meta": ...}``."""
    if isinstance(document, dict) and isinstance(document.get("dashboard"), dict):
        document = document["dashboard"]
    if not isinstance(document, dict) or "panels" not in document and "title" not in document:
        raise ConfigError("not a Grafana dashboard (no 'title' or 'panels')", location=location,
                          hint="pass a dashboard JSON exported from Grafana (Share > Export, or the HTTP API)")
    return document


def migrate_dashboard(model: dict[str, Any], location: Location, notes: list[str] | None = None) -> dict[str, Any]:
    """A migrated copy of ``model``; raises ``ConfigError`` for models older than schemaVersion 27."""
    notes = [] if notes is None else notes
    version = model.get("schemaVersion", 0)
    if not isinstance(version, int) or version < OLDEST_SCHEMA:
        raise ConfigError(f"schemaVersion {version} is older than {OLDEST_SCHEMA}", location=location,
                          hint="open the dashboard in Grafana 8 or later and save it, then export it again")
    if "rows" in model and model.get("rows"):
        raise ConfigError("legacy 'rows' layout", location=location, hint="save the dashboard in Grafana 8+ first")
    model = copy.deepcopy(model)
    model.pop("style", None)  # the dark/light theme switch Grafana 10 removed
    variable_types = _variable_datasource_types(model)
    inputs = {f"${{{i['name']}}}": i.get("pluginId") for i in model.get("__inputs") or [] if i.get("type") == "datasource"}
    for panel in _all_panels(model.get("panels") or []):
        _migrate_panel(panel, notes)
        _inherit_panel_datasource(panel)
        for holder in [panel, *(panel.get("targets") or [])]:
            if "datasource" in holder:
                holder["datasource"] = datasource_ref(holder["datasource"], variable_types, inputs)
    for variable in (model.get("templating") or {}).get("list") or []:
        for key in _VARIABLE_TAG_KEYS:  # schema 28 dropped variable tags
            variable.pop(key, None)
        if "datasource" in variable:
            variable["datasource"] = datasource_ref(variable["datasource"], variable_types, inputs)
    for annotation in (model.get("annotations") or {}).get("list") or []:
        if "datasource" in annotation:
            annotation["datasource"] = datasource_ref(annotation["datasource"], variable_types, inputs)
    return model


def _all_panels(panels: list[dict[str, Any]]):
    for panel in panels:
        yield panel
        yield from _all_panels(panel.get("panels") or [])


def _inherit_panel_datasource(panel: dict[str, Any]) -> None:
    """Schema 36: a query without a datasource uses its panel's (unless the panel is mixed)."""
    datasource = panel.get("datasource")
    if datasource is None or datasource in ("-- Mixed --", {"type": "datasource", "uid": "-- Mixed --"}):
        return
    for target in panel.get("targets") or []:
        if target.get("datasource") is None:
            target["datasource"] = copy.deepcopy(datasource)


def _variable_datasource_types(model: dict[str, Any]) -> dict[str, str]:
    return {v["name"]: v.get("query") for v in (model.get("templating") or {}).get("list") or []
            if v.get("type") == "datasource" and "name" in v}


def datasource_ref(ref: Any, variable_types: dict[str, str], inputs: dict[str, str] | None = None) -> Any:
    """Schema 33: a datasource name or ``$var`` string becomes ``{"type", "uid"}``."""
    if not isinstance(ref, str):
        return ref
    name = ref[2:-1] if ref.startswith("${") and ref.endswith("}") else ref[1:] if ref.startswith("$") else None
    if name is not None:
        uid = f"${{{name}}}"
        kind = variable_types.get(name) or (inputs or {}).get(uid)
        return {"type": kind, "uid": uid} if kind else {"uid": uid}
    if ref in SPECIAL_UIDS:
        return {"type": "grafana" if ref in ("-- Grafana --", "grafana") else "datasource", "uid": ref}
    return {"uid": ref}


def _migrate_panel(panel: dict[str, Any], notes: list[str]) -> None:
    kind = panel.get("type")
    title = panel.get("title", "")
    if kind == "graph":
        _graph_to_timeseries(panel, notes)
    elif kind == "singlestat":
        _singlestat_to_stat(panel, notes)
    defaults = (panel.get("fieldConfig") or {}).get("defaults") or {}
    if isinstance(defaults.get("mappings"), list):
        defaults["mappings"] = [_mapping(m) for m in defaults["mappings"]]
    legend = (panel.get("options") or {}).get("legend")
    if isinstance(legend, dict) and legend.get("displayMode") == "hidden":
        legend.update(displayMode="list", showLegend=False)
    custom = defaults.get("custom") or {}
    if kind == "table" and "displayMode" in custom:
        custom["cellOptions"] = _CELL_TYPES.get(custom.pop("displayMode"), {"type": "auto"})
    if kind in ("graph", "singlestat"):
        notes.append(f"panel {title!r}: {kind} migrated to {panel['type']}")


def _mapping(mapping: dict[str, Any]) -> dict[str, Any]:
    """Schema 30: ``{"type": 1, "value": "0", "text": "DOWN"}`` -> ``{"type": "value", "options": ...}``."""
    if mapping.get("type") == 1 or mapping.get("type") == "1":
        return {"type": "value", "options": {str(mapping.get("value")): {"text": mapping.get("text", "")}}}
    if mapping.get("type") == 2 or mapping.get("type") == "2":
        return {"type": "range", "options": {"from": _number(mapping.get("from")), "to": _number(mapping.get("to")),
                                             "result": {"text": mapping.get("text", "")}}}
    return mapping


def _number(value: Any) -> Any:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def _steps(values: list[float], colors: list[str]) -> list[dict[str, Any]]:
    return [{"color": colors[0], "value": None}] + [
        {"color": color, "value": _number(value)} for value, color in zip(values, colors[1:])
    ]


def _graph_to_timeseries(panel: dict[str, Any], notes: list[str]) -> None:
    title = panel.get("title", "")
    yaxis = (panel.get("yaxes") or [{}])[0]
    legend = panel.get("legend") or {}
    stacked = bool(panel.get("stack"))
    custom = {
        "drawStyle": "bars" if panel.get("bars") and not panel.get("lines", True) else
                     "points" if panel.get("points") and not panel.get("lines", True) else "line",
        "lineWidth": panel.get("linewidth", 1),
        "fillOpacity": int(panel.get("fill", 1)) * 10,
        "showPoints": "always" if panel.get("points") else "never",
        "pointSize": panel.get("pointradius", 2) * 2 + 1,
        "spanNulls": panel.get("nullPointMode") == "connected",
        "lineInterpolation": "stepAfter" if panel.get("steppedLine") else "linear",
        "stacking": {"group": "A", "mode": ("percent" if panel.get("percentage") else "normal") if stacked else "none"},
        "axisPlacement": "auto" if yaxis.get("show", True) else "hidden",
        "axisLabel": yaxis.get("label") or "",
    }
    defaults = {"custom": custom, "unit": yaxis.get("format", "short")}
    for key in ("min", "max"):
        if yaxis.get(key) not in (None, ""):
            defaults[key] = _number(yaxis[key])
    if yaxis.get("decimals") is not None:
        defaults["decimals"] = yaxis["decimals"]
    thresholds = [t for t in panel.get("thresholds") or [] if "value" in t]
    if thresholds:
        colors = {"critical": "red", "warning": "orange", "ok": "green"}
        defaults["thresholds"] = {"mode": "absolute", "steps": [{"color": "green", "value": None}] + [
            {"color": colors.get(t.get("colorMode"), t.get("fillColor", "red")), "value": _number(t["value"])}
            for t in sorted(thresholds, key=lambda t: float(t["value"]))]}
        custom["thresholdsStyle"] = {"mode": "line"}
    overrides = [
        {"matcher": {"id": "byName", "options": name},
         "properties": [{"id": "color", "value": {"fixedColor": color, "mode": "fixed"}}]}
        for name, color in sorted((panel.get("aliasColors") or {}).items())
    ]
    calcs = [_REDUCERS[c] for c in ("min", "max", "avg", "current", "total") if legend.get(c)]
    options = {
        "legend": {"calcs": calcs, "displayMode": "table" if legend.get("alignAsTable") else "list",
                   "placement": "right" if legend.get("rightSide") else "bottom",
                   "showLegend": legend.get("show", True)},
        "tooltip": {"mode": "multi" if (panel.get("tooltip") or {}).get("shared", True) else "single",
                    "sort": {0: "none", 1: "asc", 2: "desc"}.get((panel.get("tooltip") or {}).get("sort", 0), "none")},
    }
    if panel.get("seriesOverrides"):
        notes.append(f"panel {title!r}: graph seriesOverrides not migrated (set overrides= by hand)")
    for key in _GRAPH_KEYS:
        panel.pop(key, None)
    panel.update(type="timeseries", options=options,
                 fieldConfig={"defaults": {**((panel.get("fieldConfig") or {}).get("defaults") or {}), **defaults},
                              "overrides": ((panel.get("fieldConfig") or {}).get("overrides") or []) + overrides})


def _singlestat_to_stat(panel: dict[str, Any], notes: list[str]) -> None:
    title = panel.get("title", "")
    colors = [c if not c.startswith("rgba(") else _rgba_name(c) for c in panel.get("colors") or ["green", "orange", "red"]]
    values = [v.strip() for v in str(panel.get("thresholds") or "").split(",") if v.strip()]
    defaults: dict[str, Any] = {"unit": panel.get("format", "none"),
                                "mappings": [_mapping({"type": 1, **m}) for m in panel.get("valueMaps") or []
                                             if panel.get("mappingType", 1) == 1]
                                + [_mapping({**m, "type": 2}) for m in panel.get("rangeMaps") or []
                                   if panel.get("mappingType") == 2],
                                "thresholds": {"mode": "absolute",
                                               "steps": _steps(values, colors) if values else
                                               [{"color": "green", "value": None}]}}
    if panel.get("decimals") is not None:
        defaults["decimals"] = panel["decimals"]
    if (panel.get("gauge") or {}).get("show"):
        notes.append(f"panel {title!r}: singlestat gauge mode became a stat (use gauge() if you want the dial)")
    for key in ("prefix", "postfix"):
        if panel.get(key):
            notes.append(f"panel {title!r}: singlestat {key} {panel[key]!r} dropped (stat has none)")
    options = {
        "colorMode": "background" if panel.get("colorBackground") else "value",
        "graphMode": "area" if (panel.get("sparkline") or {}).get("show") else "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "reduceOptions": {"calcs": [_REDUCERS.get(panel.get("valueName", "avg"), "mean")], "fields": "",
                          "values": False},
        "textMode": "auto",
    }
    for key in _SINGLESTAT_KEYS:
        panel.pop(key, None)
    panel.update(type="stat", options=options, fieldConfig={"defaults": defaults, "overrides": []})


def _rgba_name(color: str) -> str:
    """Grafana's classic singlestat colours, by name (anything else is kept as written)."""
    known = {"rgba(50, 172, 45, 0.97)": "green", "rgba(237, 129, 40, 0.89)": "orange",
             "rgba(245, 54, 54, 0.9)": "red", "#299c46": "green"}
    return known.get(color, color)
