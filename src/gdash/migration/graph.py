"""Schema step 13: Grafana's backend port of the graph panel-changed handler (graph -> timeseries).

Only dashboards saved before schemaVersion 13 pass through it; Grafana's backend leaves newer
``graph`` panels to the frontend (see ``panels.py`` for gdash's frontend-style conversion).
Read from grafana/grafana ``apps/dashboard/pkg/migration/schemaversion/v13.go``.
"""

from __future__ import annotations

from typing import Any

from ._util import as_list, dicts, is_number

_CUSTOM_DEFAULTS: dict[str, Any] = {
    "axisBorderShow": False,
    "axisCenteredZero": False,
    "axisColorMode": "text",
    "axisLabel": "",
    "axisPlacement": "auto",
    "barAlignment": 0,
    "barWidthFactor": 0.6,
    "drawStyle": "points",
    "fillOpacity": 0,
    "gradientMode": "none",
    "hideFrom": {"legend": False, "tooltip": False, "viz": False},
    "insertNulls": False,
    "lineInterpolation": "linear",
    "lineWidth": 1,
    "pointSize": 5,
    "scaleDistribution": {"type": "linear"},
    "showPoints": "auto",
    "showValues": False,
    "spanNulls": False,
    "stacking": {"group": "A", "mode": "none"},
    "thresholdsStyle": {"mode": "off"},
}
_CLEANUP = (
    "aliasColors",
    "seriesOverrides",
    "dashes",
    "dashLength",
    "spaceLength",
    "nullPointMode",
    "steppedLine",
    "points",
    "bars",
    "lines",
    "stack",
    "percentage",
    "legend",
    "tooltip",
    "yaxes",
    "xaxis",
    "grid",
    "thresholds",
    "timeRegions",
)
_REGEX_DELIMITERS = "/~@;%#'"


def _deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return value


def _field_config(panel: dict[str, Any]) -> dict[str, Any] | None:
    if panel.get("fieldConfig") is None:
        panel["fieldConfig"] = {"defaults": {}, "overrides": []}
    field_config = panel["fieldConfig"]
    if not isinstance(field_config, dict) or not isinstance(field_config.get("defaults"), dict):
        return None
    defaults = field_config["defaults"]
    defaults["color"] = {"mode": "palette-classic"}
    defaults["custom"] = _deep(_CUSTOM_DEFAULTS)
    defaults["mappings"] = []
    defaults["thresholds"] = {"mode": "absolute", "steps": []}
    yaxes = panel.get("yaxes")
    if isinstance(yaxes, list) and yaxes and isinstance(yaxes[0], dict):
        axis = yaxes[0]
        if isinstance(axis.get("format"), str):
            defaults["unit"] = axis["format"]
        for key in ("decimals", "min", "max"):
            if key in axis:
                defaults[key] = axis[key]
        custom = defaults["custom"]
        if isinstance(axis.get("label"), str):
            custom["axisLabel"] = axis["label"]
        if isinstance(axis.get("show"), bool):
            custom["axisPlacement"] = "auto" if axis["show"] else "hidden"
        if is_number(axis.get("logBase")) and axis["logBase"] in (2, 10):
            custom["scaleDistribution"] = {"type": "log", "log": axis["logBase"]}
    panel.pop("yaxes", None)
    return defaults


def _options(panel: dict[str, Any]) -> None:
    if panel.get("options") is None:
        panel["options"] = {}
    options = panel["options"]
    if not isinstance(options, dict):
        return
    legend_options = {"calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": True}
    tooltip_options = {"hideZeros": False, "mode": "single", "sort": "none"}
    options["legend"], options["tooltip"] = legend_options, tooltip_options
    legend = panel.get("legend")
    if isinstance(legend, dict):
        if legend.get("show") is False:
            legend_options["showLegend"] = False
        if legend.get("alignAsTable") is True:
            legend_options["displayMode"] = "table"
        if legend.get("rightSide") is True:
            legend_options["placement"] = "right"
        if "sideWidth" in legend:
            legend_options["width"] = legend["sideWidth"]
        del panel["legend"]
    tooltip = panel.get("tooltip")
    if isinstance(tooltip, dict):
        if tooltip.get("shared") is True:
            tooltip_options["mode"] = "multi"
        if "sort" in tooltip and tooltip_options["mode"] == "multi":
            sort = tooltip["sort"]
            tooltip_options["sort"] = (
                "asc" if sort == 1 and is_number(sort) else "desc" if sort == 2 and is_number(sort) else "none"
            )
        del panel["tooltip"]


def _series_properties(series: dict[str, Any]) -> list[dict[str, Any]]:
    props: list[dict[str, Any]] = []

    def add(prop_id: str, value: Any) -> None:
        props.append({"id": prop_id, "value": value})

    if is_number(series.get("fill")):
        add("custom.fillOpacity", series["fill"] * 10)
    if is_number(series.get("fillBelowTo")):
        add("custom.fillBelowTo", series["fillBelowTo"])
    if is_number(series.get("fillGradient")) and series["fillGradient"] > 0:
        add("custom.fillGradient", "opacity")
        add("custom.fillOpacity", series["fillGradient"] * 10)
    if isinstance(series.get("points"), bool):
        add("custom.showPoints", series["points"])
    if isinstance(series.get("bars"), bool):
        if series["bars"]:
            add("custom.drawStyle", "bars")
            add("custom.fillOpacity", 100)
        else:
            add("custom.drawStyle", "line")
    if isinstance(series.get("lines"), bool):
        if series["lines"]:
            add("custom.drawStyle", "line")
        else:
            add("custom.lineWidth", 0)
    if "linewidth" in series:
        add("custom.lineWidth", series["linewidth"])
    if is_number(series.get("pointradius")):
        add("custom.pointSize", 2 + series["pointradius"] * 2)
    for key in ("dashLength", "spaceLength"):
        if is_number(series.get(key)):
            add(f"custom.{key}", series[key])
    if isinstance(series.get("dashes"), bool):
        add("custom.lineStyle", {"fill": "dash" if series["dashes"] else "solid"})
    if isinstance(series.get("stack"), str):
        add("custom.stacking", series["stack"])
    if isinstance(series.get("transform"), str):
        add("custom.transform", "negative-Y" if series["transform"] == "negative-Y" else "constant")
    if isinstance(series.get("color"), str):
        add("color", {"mode": "fixed", "fixedColor": series["color"]})
    return props


def _overrides(panel: dict[str, Any]) -> None:
    field_config = panel.get("fieldConfig")
    if not isinstance(field_config, dict):
        return
    overrides = as_list(field_config.get("overrides"))
    aliases = panel.get("aliasColors")
    if isinstance(aliases, dict):
        for alias in sorted(aliases):
            color = aliases[alias]
            if isinstance(color, str) and color:
                overrides.append(
                    {
                        "matcher": {"id": "byName", "options": alias},
                        "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": color}}],
                    }
                )
    for series in dicts(panel.get("seriesOverrides")):
        alias = series.get("alias")
        if not isinstance(alias, str):
            continue
        props = _series_properties(series)
        if not props:
            continue
        regex = len(alias) > 2 and alias[0] in _REGEX_DELIMITERS and alias[0] == alias[-1]
        overrides.append({"matcher": {"id": "byRegexp" if regex else "byName", "options": alias}, "properties": props})
    field_config["overrides"] = overrides


def _color(threshold: dict[str, Any]) -> str:
    mode = threshold.get("colorMode")
    if mode == "critical":
        return "red"
    if mode == "warning":
        return "orange"
    if mode == "custom":
        for key in ("fillColor", "lineColor"):
            if isinstance(threshold.get(key), str) and threshold[key]:
                return threshold[key]
    return "red"


def _thresholds(panel: dict[str, Any]) -> None:
    field_config = panel.get("fieldConfig")
    defaults = field_config.get("defaults") if isinstance(field_config, dict) else None
    if not isinstance(defaults, dict):
        return
    if defaults.get("custom") is None:
        defaults["custom"] = {}
    custom = defaults["custom"] if isinstance(defaults["custom"], dict) else {}
    old = panel.get("thresholds")
    if isinstance(old, list) and old:
        items = [t if isinstance(t, dict) else {} for t in old]
        area = any(t.get("fill") is True for t in items)
        line = any(t.get("line") is True for t in items)
        # Go's exchange sort on numeric values (pairs with a non-number are left in place)
        for i in range(len(items) - 1):
            for j in range(i + 1, len(items)):
                a, b = items[i].get("value"), items[j].get("value")
                if is_number(a) and is_number(b) and a > b:
                    items[i], items[j] = items[j], items[i]
        steps: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            found = item.get("value")
            value = found if is_number(found) else 0
            if item.get("op") == "gt":
                steps.append({"value": value, "color": _color(item)})
            elif item.get("op") == "lt":
                if i == 0:
                    steps.append({"value": None, "color": "transparent"})
                if i + 1 < len(items) and items[i + 1].get("op") == "gt":
                    following = items[i + 1].get("value")
                    if is_number(following) and following > value:
                        steps.append({"value": value, "color": "transparent"})
        if steps and is_number(steps[0].get("value")) and steps[0]["value"] != -1e308:
            steps.insert(0, {"color": "transparent", "value": None})
        custom["thresholdsStyle"] = {"mode": "line+area" if area and line else "area" if area else "line"}
        defaults["thresholds"] = {"mode": "absolute", "steps": steps}
    else:
        custom["thresholdsStyle"] = {"mode": "off"}
        defaults["thresholds"] = {
            "mode": "absolute",
            "steps": [{"color": "green", "value": None}, {"color": "red", "value": 80}],
        }
    panel.pop("thresholds", None)


def graph_to_timeseries_v13(panel: dict[str, Any]) -> None:
    panel["type"] = "timeseries"
    _field_config(panel)
    _options(panel)
    _overrides(panel)
    _thresholds(panel)
    for key in _CLEANUP:
        panel.pop(key, None)
