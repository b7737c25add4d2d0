"""The frontend's angular panel auto-migrations, applied after the schema steps.

Grafana's backend only renames the angular panels it leaves behind (``autoMigrateFrom``); the
browser converts their options when it loads the dashboard (the timeseries plugin's graph
handler, the stat plugin's singlestat handler, the table plugin's table-old handler, ...). gdash
needs the converted panel to import and lint what users see, so this module does the conversion:

* ``graph`` -> ``timeseries`` (or ``barchart``/``bargauge``/``histogram`` by x-axis mode):
  y-axis unit/min/max/decimals/label/log scale, lines/bars/points, fill, line width, point size,
  null handling, stepped lines, stacking (percent), legend (calcs, table, right side), shared
  tooltip and sort, thresholds, alias colours and series overrides;
* ``singlestat`` / ``grafana-singlestat-panel`` -> ``stat``, and ``table-old`` (an angular table
  with ``styles``) -> ``table``, with the same code as Grafana's backend steps 28 and 24;
* the angular ``heatmap`` (same plugin id) -> the React heatmap's options (``heatmap.py``), and
  pre-7.0 gauge/bar gauge/stat options (``valueOptions``, ``options.fieldOptions``) ->
  ``fieldConfig.defaults`` + ``options.reduceOptions`` (``singlestat.single_stat_options``);
* ``grafana-piechart-panel`` -> ``piechart``, ``grafana-worldmap-panel`` -> ``geomap`` and
  ``natel-discrete-panel`` -> ``state-timeline`` by type (their options have no equivalent).

Every conversion is reported in ``notes``, with what could not be carried over.
Behaviour read from grafana/grafana ``public/app/plugins/panel/timeseries/migrations.ts`` and
``apps/dashboard/pkg/migration/schemaversion/panel_migration_utils.go``.
"""

from __future__ import annotations

from typing import Any

from . import heatmap
from ._util import as_dict, as_list, dicts, drop_old_plugin_props, is_number, number_out, parse_float, variables
from .datasources import DatasourceIndex, name_to_ref
from .frontend_defaults import AUTO_MIGRATE_ANGULAR, graph_target
from .graph import _series_properties
from .singlestat import has_old_single_stat_options, single_stat_options, singlestat_to_stat
from .table import angular_table_to_table

_REDUCERS = {"avg": "mean", "current": "lastNotNull", "total": "sum", "max": "max", "min": "min"}
_THRESHOLD_COLORS = {"critical": "red", "warning": "orange", "ok": "green"}
_REGEX_DELIMITERS = "/~@;%#'"


def _label(panel: dict[str, Any]) -> str:
    title = panel.get("title")
    return f"panel {title!r}" if isinstance(title, str) and title else f"panel id {panel.get('id')!r}"


def _number(value: Any) -> Any:
    number = parse_float(value.strip()) if isinstance(value, str) else parse_float(value)
    return number_out(number) if number is not None else None


def _graph_thresholds(panel: dict[str, Any], custom: dict[str, Any]) -> dict[str, Any] | None:
    items = [t for t in dicts(panel.get("thresholds")) if _number(t.get("value")) is not None]
    if not items:
        return None
    items.sort(key=lambda t: _number(t["value"]))
    steps: list[dict[str, Any]] = [{"color": "transparent" if items[0].get("op") == "lt" else "green", "value": None}]
    for item in items:
        mode = item.get("colorMode")
        color = _THRESHOLD_COLORS.get(mode) if isinstance(mode, str) else None
        if color is None:
            color = item.get("fillColor") or item.get("lineColor") or "red"
        steps.append({"color": "transparent" if item.get("op") == "lt" else color, "value": _number(item["value"])})
    area = any(t.get("fill") is True for t in items)
    line = any(t.get("line") is not False for t in items)
    custom["thresholdsStyle"] = {"mode": "line+area" if area and line else "area" if area else "line"}
    return {"mode": "absolute", "steps": steps}


def _graph_overrides(panel: dict[str, Any], notes: list[str]) -> list[dict[str, Any]]:
    overrides = []
    aliases = panel.get("aliasColors")
    if isinstance(aliases, dict):
        for name in sorted(aliases):
            if isinstance(aliases[name], str) and aliases[name]:
                overrides.append(
                    {
                        "matcher": {"id": "byName", "options": name},
                        "properties": [{"id": "color", "value": {"fixedColor": aliases[name], "mode": "fixed"}}],
                    }
                )
    for series in dicts(panel.get("seriesOverrides")):
        alias = series.get("alias")
        if not isinstance(alias, str):
            continue
        props = [p for p in _series_properties(series) if p["id"] != "custom.stacking"]
        if series.get("yaxis") == 2:
            props.append({"id": "custom.axisPlacement", "value": "right"})
        ignored = sorted(
            k
            for k in series
            if k
            not in (
                "alias",
                "fill",
                "fillBelowTo",
                "fillGradient",
                "points",
                "bars",
                "lines",
                "linewidth",
                "pointradius",
                "dashLength",
                "spaceLength",
                "dashes",
                "transform",
                "color",
                "yaxis",
            )
        )
        if ignored:
            notes.append(f"{_label(panel)}: series override {alias!r}: {', '.join(ignored)} not migrated")
        if props:
            regex = len(alias) > 2 and alias[0] in _REGEX_DELIMITERS and alias[0] == alias[-1]
            overrides.append(
                {
                    "matcher": {"id": "byRegexp" if regex else "byName", "options": alias[1:-1] if regex else alias},
                    "properties": props,
                }
            )
    return overrides


def graph_to_timeseries(panel: dict[str, Any], notes: list[str]) -> None:
    """A graph panel's options -> the timeseries panel's fieldConfig and options, in place."""
    yaxes = [a for a in panel.get("yaxes") or [] if isinstance(a, dict)] if isinstance(panel.get("yaxes"), list) else []
    axis = yaxes[0] if yaxes else {}
    legend = as_dict(panel.get("legend"))
    tooltip = as_dict(panel.get("tooltip"))
    lines, bars, points = panel.get("lines", True) is not False, panel.get("bars") is True, panel.get("points") is True
    fill = panel.get("fill", 1) if is_number(panel.get("fill", 1)) else 1
    custom: dict[str, Any] = {
        "drawStyle": "bars" if bars and not lines else "points" if points and not lines else "line",
        "lineWidth": panel.get("linewidth", 1) if is_number(panel.get("linewidth", 1)) else 1,
        "fillOpacity": number_out(float(fill) * 10),
        "showPoints": "always" if points else "never",
        "pointSize": number_out(
            float(panel.get("pointradius", 2) if is_number(panel.get("pointradius", 2)) else 2) * 2 + 1
        ),
        "spanNulls": panel.get("nullPointMode") == "connected",
        "lineInterpolation": "stepAfter" if panel.get("steppedLine") is True else "linear",
        "stacking": {
            "group": "A",
            "mode": ("percent" if panel.get("percentage") is True else "normal")
            if panel.get("stack") is True
            else "none",
        },
        "axisPlacement": "hidden" if axis.get("show") is False else "auto",
        "axisLabel": axis.get("label") if isinstance(axis.get("label"), str) else "",
    }
    if panel.get("nullPointMode") == "null as zero":
        notes.append(f"{_label(panel)}: graph nullPointMode 'null as zero' not migrated (use a transformation)")
    if is_number(axis.get("logBase")) and axis["logBase"] in (2, 10):
        custom["scaleDistribution"] = {"type": "log", "log": axis["logBase"]}
    defaults: dict[str, Any] = {
        "custom": custom,
        "unit": axis.get("format") if isinstance(axis.get("format"), str) else "short",
    }
    for key in ("min", "max"):
        number = _number(axis.get(key))
        if number is not None:
            defaults[key] = number
    if is_number(axis.get("decimals")):
        defaults["decimals"] = axis["decimals"]
    thresholds = _graph_thresholds(panel, custom)
    if thresholds is not None:
        defaults["thresholds"] = thresholds
    old_config = as_dict(panel.get("fieldConfig"))
    old_defaults = as_dict(old_config.get("defaults"))
    old_overrides = as_list(old_config.get("overrides"))
    calcs = [_REDUCERS[c] for c in ("min", "max", "avg", "current", "total") if legend.get(c) is True]
    sort = tooltip.get("sort")
    options: dict[str, dict[str, Any]] = {
        "legend": {
            "calcs": calcs,
            "displayMode": "table" if legend.get("alignAsTable") is True else "list",
            "placement": "right" if legend.get("rightSide") is True else "bottom",
            "showLegend": legend.get("show", True) is not False,
        },
        "tooltip": {
            "mode": "multi" if tooltip.get("shared", True) is not False else "single",
            "sort": {1: "asc", 2: "desc"}.get(int(sort), "none") if is_number(sort) and sort in (1, 2) else "none",
        },
    }
    if is_number(legend.get("sideWidth")):
        options["legend"]["width"] = legend["sideWidth"]
    if len(yaxes) > 1 and any("yaxis" in s and s.get("yaxis") == 2 for s in dicts(panel.get("seriesOverrides"))):
        second = yaxes[1]
        if isinstance(second.get("format"), str) and second["format"] != defaults["unit"]:
            notes.append(f"{_label(panel)}: right y-axis unit {second['format']!r} not migrated (set an override)")
    overrides = [*old_overrides, *_graph_overrides(panel, notes)]
    drop_old_plugin_props(panel)
    panel["type"] = "timeseries"
    panel["options"] = options
    panel["fieldConfig"] = {"defaults": {**old_defaults, **defaults}, "overrides": overrides}


def _rename(panel: dict[str, Any], new_type: str, notes: list[str], origin: str) -> None:
    drop_old_plugin_props(panel)
    panel["type"] = new_type
    notes.append(f"{_label(panel)}: {origin} became {new_type}; its options have no equivalent (set them again)")


def _migrate_panel(panel: dict[str, Any], notes: list[str]) -> None:
    origin = panel.get("autoMigrateFrom") or panel.get("type")
    if not isinstance(origin, str):
        return
    if origin == "table" and panel.get("type") == "table" and panel.get("styles") is not None:
        origin = "table-old"
    if origin == "graph":
        target = panel["type"] if panel.get("autoMigrateFrom") else graph_target(panel)
        panel.pop("autoMigrateFrom", None)
        if target == "timeseries":
            graph_to_timeseries(panel, notes)
            notes.append(f"{_label(panel)}: graph migrated to timeseries")
        else:
            _rename(panel, target, notes, "graph")
    elif origin in ("singlestat", "grafana-singlestat-panel"):
        singlestat_to_stat(panel)
        notes.append(f"{_label(panel)}: {origin} migrated to stat")
    elif origin == "table-old":
        angular_table_to_table(panel)
        panel["type"] = "table"
        notes.append(f"{_label(panel)}: angular table migrated to table")
    elif origin in AUTO_MIGRATE_ANGULAR:
        panel.pop("autoMigrateFrom", None)
        _rename(panel, AUTO_MIGRATE_ANGULAR[origin], notes, origin)
    else:
        panel.pop("autoMigrateFrom", None)
    if heatmap.is_angular(panel):
        dropped = heatmap.angular_to_react(panel)
        notes.append(f"{_label(panel)}: angular heatmap options migrated ({', '.join(dropped)} dropped)")
    if has_old_single_stat_options(panel):
        single_stat_options(panel)
        notes.append(f"{_label(panel)}: {panel['type']} options.fieldOptions migrated to fieldConfig and reduceOptions")


def auto_migrate(dash: dict[str, Any], notes: list[str], index: DatasourceIndex | None = None) -> None:
    """Convert every angular panel of ``dash`` (top level and inside rows), in place; variables,
    panels and queries that still name their datasource get a reference, as the frontend resolves it."""
    index = index or DatasourceIndex()
    for variable in variables(dash):
        if isinstance(variable.get("datasource"), str) and variable.get("type") in ("query", "adhoc"):
            variable["datasource"] = name_to_ref(variable["datasource"], index, default_as_null=False)
    for panel in dicts(dash.get("panels")):
        _migrate_panel(panel, notes)
        _datasource_names(panel, index)
        for child in dicts(panel.get("panels")):
            _migrate_panel(child, notes)
            _datasource_names(child, index)


def _datasource_names(panel: dict[str, Any], index: DatasourceIndex) -> None:
    """Panel and query datasources still written as a name or uid (schema steps 33/36 only convert
    older dashboards) become refs, as the frontend resolves them when it runs the queries."""
    if isinstance(panel.get("datasource"), str):
        panel["datasource"] = name_to_ref(panel["datasource"], index, default_as_null=False)
    for target in dicts(panel.get("targets")):
        if isinstance(target.get("datasource"), str):
            target["datasource"] = name_to_ref(target["datasource"], index, default_as_null=False)
