"""The round-trip comparison: when is a compiled dashboard "the same" as the JSON it was imported from?

``roundtrip_differences(original, compiled, datasources)`` is the one definition. Both sides go
through ``canonical_dashboard`` and must then be equal. Canonical form ignores exactly:

1. What Grafana manages itself (``gdash.diff.normalize_dashboard``): dashboard ``id``, ``version``,
   ``iteration``, ``meta``, ``gnetId``, ``__inputs``/``__requires``/``__elements``; panel ``id``,
   ``pluginVersion``; keys whose value is ``None``, ``[]`` or ``{}``; key order.
2. gdash's deliberate normalisation: ``schemaVersion`` (gdash writes 39; the original is first
   migrated with ``migrate_dashboard``, as Grafana would on load), the order of ``tags`` (a set),
   legacy query keys gdash drops (``intervalFactor``, ``step``) and query-editor state
   (``editorMode``, ``key``), the log base of a linear axis, a panel without a datasource (it
   has its queries' one, or "-- Mixed --" for several, as gdash compiles it), logical
   datasources (``gdash:<name>`` is compared as the uid the
   import mapped it from, i.e. as ``gdash push`` would resolve it).
3. Variable state that Grafana recomputes on load: ``current`` and ``options`` of query and
   datasource variables, ``options`` of custom and interval variables (derived from ``query``),
   whose ``query`` is compared as its comma-separated values; the ``{"query": ...}`` object form
   of a Prometheus variable query is compared as its string.
4. Defaults: a key absent on one side equals Grafana's default for it (``DEFAULTS`` below: the
   value Grafana's frontend assumes when the key is missing); a dashboard without the built-in
   "Annotations & Alerts" query has it (Grafana adds it on load).
5. What Grafana does to every model on load (``as_loaded``, also what the importer reads): a query
   without ``refId`` gets the first free letter (PanelModel's ``ensureQueryIds``); a datasource
   reference to a variable is written ``${name}`` (``$name`` is the same reference) and gets the
   variable's type where it has none; a reference with a type and no uid (what Grafana's v2->v1
   conversion writes for a query that names no datasource: the default one of the type) is, as
   ``gdash build`` resolves it, the dashboard's datasource variable of the type, else the logical
   datasource named after it; a row spans the grid (x 0, width 24, height 1: only its y is
   its own, as grafonnet's ``row.withGridPos`` documents); the legacy query fields ``metric`` (the old
   Prometheus editor's metric lookup) and an empty ``target`` of Prometheus and Loki queries are dropped; thresholds without ``mode`` are absolute,
   without steps Grafana's default (a green base), and the base step's value is null; numbers
   written as strings (``"min": "0"``, a threshold ``"80"``, a ``gridPos``) are numbers; NaN and
   Infinity (Python reads them, JSON has neither) are null, as Grafana's ``JSON.stringify`` writes them;
   a legend ``displayMode: hidden`` is a list legend with ``showLegend: false`` (schemaVersion 37's
   rule: the current frontend has no hidden mode).
6. Keys no current Grafana reads (``ANGULAR_GRAPH_KEYS`` ... below): Angular graph/singlestat options
   on a panel of another type, legacy row display keys, the datasource of a row or of a panel that
   queries nothing (text, dashlist, news, alertlist ...), variable tag keys (gone since schemaVersion
   28). The importer drops them and says so in a ``note:``.
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Mapping
from typing import Any

from ..compile.dashboards import datasource_variables, resolve_datasource
from ..diff.normalize import normalize_dashboard
from ..errors import Location
from ..model import BUILTIN_ANNOTATION, LOGICAL_UID_PREFIX
from ..panels import iter_panels
from .migrate import migrate_dashboard, unwrap

IGNORED_DASHBOARD_KEYS = frozenset({"schemaVersion"})
IGNORED_TARGET_KEYS = frozenset({"editorMode", "key", "intervalFactor", "step"})
GRAFANA_REFRESH_INTERVALS = ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"]

# where -> {dotted path: default}. ``where`` is "dashboard", "panel:<type>" / "panel:*", "target:<ds type>" /
# "target:*", "variable:<type>" / "variable:*".
DEFAULTS: dict[str, dict[str, Any]] = {
    "dashboard": {
        "editable": True,
        "graphTooltip": 0,
        "fiscalYearStartMonth": 0,
        "weekStart": "",
        "liveNow": False,
        "timezone": "",
        "refresh": "",
        "time": {"from": "now-6h", "to": "now"},
        "timepicker.refresh_intervals": GRAFANA_REFRESH_INTERVALS,
    },
    "panel:*": {
        "title": "",
        "transparent": False,
        "hideTimeOverride": False,
        "description": "",
        "fieldConfig.defaults.thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None}]},
    },
    "panel:row": {
        "collapsed": False,
    },
    "panel:timeseries": {
        "options.tooltip.mode": "single",
        "options.tooltip.sort": "none",
        "options.legend.displayMode": "list",
        "options.legend.placement": "bottom",
        "options.legend.showLegend": True,
        "fieldConfig.defaults.color": {"mode": "palette-classic"},
        "fieldConfig.defaults.custom.axisBorderShow": False,
        "fieldConfig.defaults.custom.axisCenteredZero": False,
        "fieldConfig.defaults.custom.axisColorMode": "text",
        "fieldConfig.defaults.custom.axisLabel": "",
        "fieldConfig.defaults.custom.axisPlacement": "auto",
        "fieldConfig.defaults.custom.barAlignment": 0,
        "fieldConfig.defaults.custom.drawStyle": "line",
        "fieldConfig.defaults.custom.fillOpacity": 0,
        "fieldConfig.defaults.custom.gradientMode": "none",
        "fieldConfig.defaults.custom.hideFrom": {"legend": False, "tooltip": False, "viz": False},
        "fieldConfig.defaults.custom.insertNulls": False,
        "fieldConfig.defaults.custom.lineInterpolation": "linear",
        "fieldConfig.defaults.custom.lineWidth": 1,
        "fieldConfig.defaults.custom.pointSize": 5,
        "fieldConfig.defaults.custom.scaleDistribution": {"type": "linear"},
        "fieldConfig.defaults.custom.showPoints": "auto",
        "fieldConfig.defaults.custom.spanNulls": False,
        "fieldConfig.defaults.custom.stacking.group": "A",
        "fieldConfig.defaults.custom.stacking.mode": "none",
        "fieldConfig.defaults.custom.barWidthFactor": 0.6,
        "fieldConfig.defaults.custom.showValues": False,
        "fieldConfig.defaults.custom.lineStyle.fill": "solid",
        "options.tooltip.hideZeros": False,
        "fieldConfig.defaults.custom.thresholdsStyle": {"mode": "off"},
    },
    "panel:stat": {
        "options.showPercentChange": False,
        "options.percentChangeColorMode": "standard",
        "options.wideLayout": True,
        "options.justifyMode": "auto",
        "options.orientation": "auto",
        "options.textMode": "auto",
        "options.colorMode": "value",
        "options.graphMode": "area",
    },
    "panel:gauge": {
        "options.minVizHeight": 75,
        "options.minVizWidth": 75,
        "options.sizing": "auto",
        "options.orientation": "auto",
        "options.showThresholdLabels": False,
        "options.showThresholdMarkers": True,
    },
    "panel:bargauge": {
        "options.maxVizHeight": 300,
        "options.minVizHeight": 16,
        "options.minVizWidth": 8,
        "options.namePlacement": "auto",
        "options.sizing": "auto",
        "options.valueMode": "color",
        "options.showUnfilled": True,
    },
    "panel:table": {
        "options.showHeader": True,
        "fieldConfig.defaults.custom.align": "auto",
        "fieldConfig.defaults.custom.cellOptions": {"type": "auto"},
        "fieldConfig.defaults.custom.filterable": False,
        "fieldConfig.defaults.custom.inspect": False,
        "options.cellHeight": "sm",
        "options.footer.countRows": False,
        "options.footer.fields": "",
        "options.footer.reducer": ["sum"],
        "options.footer.show": False,
    },
    "panel:logs": {
        "options.showTime": False,
        "options.wrapLogMessage": False,
        "options.sortOrder": "Descending",
        "options.enableLogDetails": True,
        "options.dedupStrategy": "none",
        "options.prettifyLogMessage": False,
        "options.showCommonLabels": False,
        "options.showLabels": False,
    },
    "panel:text": {
        "options.mode": "markdown",
    },
    "target:*": {
        "hide": False,
        "legendFormat": "",
        "interval": "",
    },
    "target:prometheus": {
        "format": "time_series",
        "instant": False,
        "exemplar": False,
    },
    "target:loki": {
        "queryType": "range",
    },
    "variable:*": {
        "queryValue": "",
        "hide": 0,
        "skipUrlSync": False,
        "multi": False,
        "includeAll": False,
        "regex": "",
    },
    "variable:query": {
        "sort": 0,
        "refresh": 1,
    },
    "variable:datasource": {
        "refresh": 1,
    },
    "variable:interval": {
        "refresh": 2,
        "auto": False,
        "auto_count": 30,
        "auto_min": "10s",
    },
}
for _kind in ("stat", "gauge", "bargauge"):  # what the three single-value panels share
    DEFAULTS.setdefault(f"panel:{_kind}", {}).update(
        {
            "fieldConfig.defaults.color": {"mode": "thresholds"},
            "options.reduceOptions.fields": "",
            "options.reduceOptions.calcs": ["lastNotNull"],
            "options.reduceOptions.values": False,
        }
    )


def _copy(value: Any) -> Any:
    """A deep copy of JSON data (several times faster than ``copy.deepcopy``, which the round trip
    would otherwise spend most of its time in)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def finite(value: Any) -> Any:
    """NaN and Infinity (not JSON, though Python's reader accepts them) as null, as JavaScript's
    ``JSON.stringify`` (Grafana's save) writes them."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _get(obj: dict[str, Any], path: list[str]) -> Any:
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def _fill(obj: dict[str, Any], where: str) -> None:
    kind = where.split(":")[0]
    for dotted, default in [*DEFAULTS.get(f"{kind}:*", {}).items(), *DEFAULTS.get(where, {}).items()]:
        *parents, last = dotted.split(".")
        node = obj
        for key in parents:
            if not isinstance(node.get(key), dict):
                if key in node:
                    break
                node[key] = {}
            node = node[key]
        else:
            if node.get(last) is None or node.get(last) in ([], {}):  # empty is unset (rule 1)
                node[last] = _copy(default)


def _canonical_target(target: dict[str, Any], panel_datasource: Any) -> dict[str, Any]:
    target = {k: v for k, v in target.items() if k not in IGNORED_TARGET_KEYS}
    ref = target.get("datasource") if isinstance(target.get("datasource"), dict) else panel_datasource
    kind = (ref.get("type") if isinstance(ref, dict) else None) or "*"
    _fill(target, f"target:{kind}")
    if kind == "prometheus":
        target.setdefault("range", not target["instant"])
    return target


def _canonical_panel(panel: dict[str, Any]) -> dict[str, Any]:
    panel = _copy(panel)
    _fill(panel, f"panel:{panel.get('type')}")
    panel["targets"] = [_canonical_target(t, panel.get("datasource")) for t in panel.get("targets") or []]
    refs = {
        json.dumps(t["datasource"], sort_keys=True) for t in panel["targets"] if isinstance(t.get("datasource"), dict)
    }
    if panel.get("datasource") is None and refs:  # the panel uses its queries' datasource
        panel["datasource"] = json.loads(refs.pop()) if len(refs) == 1 else {"type": "datasource", "uid": "-- Mixed --"}
    scale = _get(panel, ["fieldConfig", "defaults", "custom", "scaleDistribution"])
    if isinstance(scale, dict) and scale.get("type") == "linear":
        scale.pop("log", None)  # the log base only means something on a log scale
    if panel.get("type") == "row":
        panel.pop("fieldConfig", None)
        panel.pop("description", None)
        panel.pop("transparent", None)
        panel["panels"] = [_canonical_panel(p) for p in panel.get("panels") or []]
    return panel


def _values(query: Any) -> list[str]:
    return [v.strip() for v in str(query).split(",")]


def _canonical_variable(variable: dict[str, Any]) -> dict[str, Any]:
    variable = _copy(variable)
    kind = variable.get("type")
    _fill(variable, f"variable:{kind}")
    if not variable.get("label"):
        variable["label"] = variable.get("name")
    if isinstance(variable.get("query"), dict) and "query" in variable["query"]:
        variable["query"] = variable["query"]["query"]
    if kind in ("query", "datasource"):
        variable.pop("current", None)
        variable.pop("options", None)
    if kind == "query":
        variable.setdefault("definition", variable.get("query"))
    if kind in ("custom", "interval"):
        variable.pop("options", None)
        variable["query"] = ",".join(_values(variable.get("query", "")))
        current = variable.get("current") or {}
        variable["current"] = {k: current[k] for k in ("text", "value") if k in current}
    return variable


def _typed_refs_resolved(model: dict[str, Any]) -> dict[str, Any]:
    """References with a type and no uid (Grafana's v2->v1 conversion writes a query that names no
    datasource so, meaning the default one of that type) read as ``gdash build`` resolves them: the
    dashboard's datasource variable of the type, else the logical datasource named after it."""
    variables = datasource_variables(model)

    def resolved(holder: dict[str, Any]) -> dict[str, Any]:
        if "datasource" not in holder:
            return holder
        return {**holder, "datasource": resolve_datasource(holder["datasource"], variables)}

    def panel(raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        found = resolved(raw)
        for key in ("targets", "panels"):
            if isinstance(found.get(key), list):
                found[key] = [
                    panel(t) if key == "panels" else resolved(t) if isinstance(t, dict) else t for t in found[key]
                ]
        return found

    model = {**model, "panels": [panel(p) for p in model.get("panels") or []]}
    templating = model.get("templating")
    if isinstance(templating, dict) and isinstance(templating.get("list"), list):
        listed = [resolved(v) if isinstance(v, dict) else v for v in templating["list"]]
        model["templating"] = {**templating, "list": listed}
    return model


def _resolve_logical(obj: Any, datasources: Mapping[str, str]) -> Any:
    if isinstance(obj, dict):
        return {
            k: (
                datasources.get(v[len(LOGICAL_UID_PREFIX) :], v)
                if isinstance(v, str) and v.startswith(LOGICAL_UID_PREFIX) and k in ("uid", "datasourceUid")
                else _resolve_logical(v, datasources)
            )
            for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [_resolve_logical(v, datasources) for v in obj]
    return obj


_VARIABLE_UID = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")


def _loaded_ref(ref: Any, variable_types: dict[Any, Any]) -> Any:
    if not isinstance(ref, dict) or not isinstance(ref.get("uid"), str):
        return ref
    match = _VARIABLE_UID.match(ref["uid"])
    if not match:
        return ref
    name = match[1] or match[2]
    ref = {**ref, "uid": f"${{{name}}}"}
    if ref.get("type") is None and isinstance(variable_types.get(name), str):
        ref["type"] = variable_types[name]
    return ref


def _numeric(value: Any) -> Any:
    """``"80"`` -> 80: Grafana's frontend reads numbers written as strings as numbers."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    return value


def _loaded_field_defaults(defaults: dict[str, Any]) -> None:
    """Thresholds as Grafana completes them (mode absolute, a base step), numbers as numbers."""
    for key in ("min", "max", "decimals"):
        if key in defaults:
            defaults[key] = _numeric(defaults[key])
    thresholds = defaults.get("thresholds")
    if isinstance(thresholds, dict):
        thresholds.setdefault("mode", "absolute")
        steps = thresholds.get("steps")
        if not isinstance(steps, list) or not steps:
            thresholds["steps"] = [{"color": "green", "value": None}]
        else:
            for index, step in enumerate(steps):
                if isinstance(step, dict):
                    step["value"] = None if index == 0 else _numeric(step.get("value"))


# Keys no current Grafana reads, left behind by tools that wrote Angular-era shapes (grafonnet mixins
# put graph options on timeseries panels, legacy rows[] carried display keys): the Angular graph and
# singlestat panels' own options on a panel of another type, the legacy row keys on a row panel, and
# the variable tag keys schemaVersion 28 removed. Grafana keeps them in the JSON and ignores them.
ANGULAR_GRAPH_KEYS = frozenset(
    {
        "aliasColors",
        "bars",
        "dashLength",
        "dashes",
        "fill",
        "fillGradient",
        "hiddenSeries",
        "legend",
        "lines",
        "linewidth",
        "nullPointMode",
        "percentage",
        "pointradius",
        "points",
        "renderer",
        "seriesOverrides",
        "spaceLength",
        "stack",
        "steppedLine",
        "thresholds",
        "timeRegions",
        "tooltip",
        "xaxis",
        "yaxes",
        "yaxis",
    }
)
ANGULAR_SINGLESTAT_KEYS = frozenset(
    {
        "colorBackground",
        "colorPostfix",
        "colorPrefix",
        "colorValue",
        "colors",
        "format",
        "gauge",
        "mappingType",
        "mappingTypes",
        "nullText",
        "postfix",
        "postfixFontSize",
        "prefix",
        "prefixFontSize",
        "rangeMaps",
        "sparkline",
        "tableColumn",
        "valueFontSize",
        "valueMaps",
        "valueName",
    }
)
LEGACY_ROW_KEYS = frozenset({"collapse", "showTitle", "titleSize", "height", "repeatIteration", "repeatRowId"})
VARIABLE_TAG_KEYS = frozenset({"tags", "tagsQuery", "tagValuesQuery", "useTags"})


# Grafana's built-in React panels: their options live in ``options``/``fieldConfig``, so top-level
# Angular keys on them are leftovers (an Angular or community plugin may use such keys: not touched).
REACT_PANELS = frozenset(
    {
        "timeseries",
        "stat",
        "gauge",
        "bargauge",
        "table",
        "piechart",
        "barchart",
        "heatmap",
        "histogram",
        "state-timeline",
        "status-history",
        "text",
        "logs",
        "xychart",
        "nodeGraph",
        "geomap",
        "canvas",
        "alertlist",
        "dashlist",
        "news",
        "trend",
        "candlestick",
        "flamegraph",
        "traces",
        "datagrid",
        "annolist",
        "gettingstarted",
    }
)


# Panels that query nothing (their plugins skip the data layer): a datasource on them is never used.
NO_QUERY_PANELS = frozenset({"text", "dashlist", "news", "alertlist", "annolist", "gettingstarted", "welcome"})


def _ignored_legacy_keys(panel: dict[str, Any]) -> frozenset[str]:
    kind = panel.get("type")
    if kind == "row":  # a row queries nothing either: its datasource is never used
        return LEGACY_ROW_KEYS | {"datasource"}
    ignored = ANGULAR_GRAPH_KEYS | ANGULAR_SINGLESTAT_KEYS if kind in REACT_PANELS else frozenset()
    if kind in NO_QUERY_PANELS and not panel.get("targets"):
        ignored |= {"datasource"}
    return ignored


def as_loaded(model: dict[str, Any], notes: list[str] | None = None) -> dict[str, Any]:
    """A migrated model as Grafana holds it once loaded (rule 5 of the module docstring); a copy."""
    model = finite(model)
    templating = model["templating"] if isinstance(model.get("templating"), dict) else {}
    variables = [v for v in templating.get("list") or [] if isinstance(v, dict)]
    types = {v.get("name"): v.get("query") for v in variables if v.get("type") == "datasource"}
    for panel in iter_panels(model.get("panels")):
        legacy = sorted(k for k in _ignored_legacy_keys(panel) if k in panel)
        if legacy:
            for key in legacy:
                del panel[key]
            if notes is not None:
                what = "row" if panel.get("type") == "row" else "panel"
                notes.append(
                    f"{what} {str(panel.get('title', ''))!r}: dropped keys no current Grafana reads: "
                    f"{', '.join(legacy)}"
                )
        legend = panel.get("options", {}).get("legend") if isinstance(panel.get("options"), dict) else None
        if isinstance(legend, dict) and legend.get("displayMode") == "hidden":  # no such mode since 37
            legend.update(displayMode="list", showLegend=False)
        if isinstance(panel.get("gridPos"), dict):
            panel["gridPos"] = {k: _numeric(v) for k, v in panel["gridPos"].items()}
        if panel.get("type") == "row" and isinstance(panel.get("gridPos"), dict):
            panel["gridPos"] = {**panel["gridPos"], "x": 0, "w": 24, "h": 1}
        if "datasource" in panel:
            panel["datasource"] = _loaded_ref(panel["datasource"], types)
        defaults = (
            (panel.get("fieldConfig") or {}).get("defaults") if isinstance(panel.get("fieldConfig"), dict) else None
        )
        if isinstance(defaults, dict):
            _loaded_field_defaults(defaults)
        targets = (
            [t for t in panel.get("targets") or [] if isinstance(t, dict)]
            if isinstance(panel.get("targets"), list)
            else []
        )
        used = {t.get("refId") for t in targets}
        free = (letter for letter in string.ascii_uppercase if letter not in used)
        for target in targets:
            if not target.get("refId"):
                target["refId"] = next(free, f"Q{len(used)}")
            if "datasource" in target:
                target["datasource"] = _loaded_ref(target["datasource"], types)
            ref = target.get("datasource") or panel.get("datasource")
            if isinstance(ref, dict) and ref.get("type") in ("prometheus", "loki"):
                target.pop("metric", None)  # the old Prometheus editor's metric lookup box: never read
                if target.get("target") == "":
                    del target["target"]
    annotations = model["annotations"] if isinstance(model.get("annotations"), dict) else {}
    for variable in variables:
        tags = sorted(k for k in VARIABLE_TAG_KEYS if k in variable)
        for key in tags:
            del variable[key]
        if tags and notes is not None:
            notes.append(
                f"variable {str(variable.get('name', ''))!r}: dropped {', '.join(tags)} (removed in Grafana 8)"
            )
    for holder in variables + [a for a in annotations.get("list") or [] if isinstance(a, dict)]:
        if "datasource" in holder:
            holder["datasource"] = _loaded_ref(holder["datasource"], types)
    return model


def canonical_dashboard(model: dict[str, Any], datasources: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``model`` in the canonical form the round trip compares (see the module docstring)."""
    model = as_loaded(migrate_dashboard(unwrap(model, Location("<compare>")), Location("<compare>")))
    model = _resolve_logical(_typed_refs_resolved(model), datasources or {})
    model = {k: v for k, v in model.items() if k not in IGNORED_DASHBOARD_KEYS}
    _fill(model, "dashboard")
    annotations = (model.get("annotations") or {}).get("list") or []
    if not any(a.get("builtIn") for a in annotations):  # Grafana adds its built-in annotation on load
        model["annotations"] = {"list": [BUILTIN_ANNOTATION, *annotations]}
    model["tags"] = sorted(model.get("tags") or [])
    model["panels"] = [_canonical_panel(p) for p in model.get("panels") or []]
    templating = model.get("templating") or {}
    model["templating"] = {**templating, "list": [_canonical_variable(v) for v in templating.get("list") or []]}
    return normalize_dashboard(model)


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Human-readable paths where ``actual`` differs from ``expected``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(f"{where}: missing (expected {expected[key]!r})"[:300])
            elif key not in expected:
                found.append(f"{where}: unexpected {actual[key]!r}"[:300])
            else:
                found += differences(expected[key], actual[key], where)
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{path}[{i}]")]
    if expected != actual or type(expected) is not type(actual) and not _same_number(expected, actual):
        return [f"{path}: expected {expected!r}, got {actual!r}"[:300]]
    return []


def _same_number(a: Any, b: Any) -> bool:
    return (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def roundtrip_differences(
    original: dict[str, Any], compiled: dict[str, Any], datasources: Mapping[str, str] | None = None
) -> list[str]:
    """Where ``compiled`` (gdash's output) differs from ``original`` (the imported JSON); [] means equal."""
    return differences(canonical_dashboard(original), canonical_dashboard(compiled, datasources))
