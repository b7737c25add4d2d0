"""Schema step 24: the angular table panel (``styles``) -> the table panel's fieldConfig.

The default style (pattern ``/.*/``) becomes ``fieldConfig.defaults``, every other style an
override; ``transform``/``columns`` become transformations. Read from grafana/grafana
``apps/dashboard/pkg/migration/schemaversion/v24.go`` and ``angular_migration.go``.
"""

from __future__ import annotations

from typing import Any

from ._util import MUST_KEEP_PROPS, dicts, is_number, parse_float

_TRANSFORMS = {
    "timeseries_to_rows": "seriesToRows",
    "timeseries_to_columns": "seriesToColumns",
    "timeseries_aggregations": "reduce",
    "table": "merge",
}
_COLUMN_REDUCERS = {
    "avg": "mean",
    "min": "min",
    "max": "max",
    "total": "sum",
    "current": "lastNotNull",
    "count": "count",
}
_COLOR_MODES = {"cell": "color-background", "row": "color-background", "value": "color-text"}


def _thresholds(values: list[Any], colors: list[Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = [{"color": colors[0] if colors and colors[0] is not None else "red", "value": None}]
    for i, threshold in enumerate(values):
        number = parse_float(threshold)
        step: dict[str, Any] = {"value": number if number is not None else 0}
        if i + 1 < len(colors) and colors[i + 1] is not None:
            step["color"] = colors[i + 1]
        steps.append(step)
    return steps


def _style_thresholds(style: dict[str, Any]) -> list[dict[str, Any]] | None:
    values, colors = style.get("thresholds"), style.get("colors")
    if isinstance(values, list) and values and isinstance(colors, list) and colors:
        return _thresholds(values, colors)
    return None


def _override(style: dict[str, Any]) -> dict[str, Any]:
    found = style.get("pattern")
    pattern = found if isinstance(found, str) else ""
    regex = len(pattern) >= 2 and pattern[0] == "/" and pattern[-1] == "/"
    props: list[dict[str, Any]] = []

    def add(prop_id: str, value: Any) -> None:
        props.append({"id": prop_id, "value": value})

    if isinstance(style.get("alias"), str) and style["alias"]:
        add("displayName", style["alias"])
    if isinstance(style.get("unit"), str) and style["unit"]:
        add("unit", style["unit"])
    if is_number(style.get("decimals")):
        add("decimals", int(style["decimals"]))
    if style.get("type") == "date" and isinstance(style.get("dateFormat"), str):
        add("unit", "time: " + style["dateFormat"])
    if style.get("type") == "hidden":
        add("custom.hideFrom.viz", True)
    if style.get("link") is True:
        add(
            "links",
            [
                {
                    "title": style.get("linkTooltip") if isinstance(style.get("linkTooltip"), str) else "",
                    "url": style.get("linkUrl") if isinstance(style.get("linkUrl"), str) else "",
                    "targetBlank": style.get("linkTargetBlank") is True,
                }
            ],
        )
    if isinstance(style.get("colorMode"), str) and style["colorMode"] in _COLOR_MODES:
        add("custom.cellOptions", {"type": _COLOR_MODES[style["colorMode"]]})
    if isinstance(style.get("align"), str) and style["align"]:
        if style["align"] == "auto":  # the frontend writes `undefined`, which JSON drops
            props.append({"id": "custom.align"})
        else:
            add("custom.align", style["align"])
    steps = _style_thresholds(style)
    if steps is not None:
        add("thresholds", {"mode": "absolute", "steps": steps})
    return {"matcher": {"id": "byRegexp" if regex else "byName", "options": pattern}, "properties": props}


def _defaults(style: dict[str, Any] | None) -> dict[str, Any]:
    custom: dict[str, Any] = {
        "align": "auto",
        "cellOptions": {"type": "auto"},
        "inspect": False,
        "footer": {"reducers": []},
    }
    defaults: dict[str, Any] = {"custom": custom, "mappings": []}
    steps = _style_thresholds(style) if style else None
    defaults["thresholds"] = {
        "mode": "absolute",
        "steps": steps if steps is not None else [{"color": "green", "value": None}, {"color": "red", "value": 80}],
    }
    if style is None:
        return defaults
    if isinstance(style.get("unit"), str) and style["unit"]:
        defaults["unit"] = style["unit"]
    if is_number(style.get("decimals")):
        defaults["decimals"] = int(style["decimals"])
    if isinstance(style.get("alias"), str) and style["alias"]:
        defaults["displayName"] = style["alias"]
    if isinstance(style.get("align"), str) and style["align"]:
        if style["align"] == "auto":
            del custom["align"]
        else:
            custom["align"] = style["align"]
    if isinstance(style.get("colorMode"), str) and style["colorMode"] in _COLOR_MODES:
        custom["cellOptions"] = {"type": _COLOR_MODES[style["colorMode"]]}
    return defaults


def _transformations(panel: dict[str, Any], old: dict[str, Any]) -> list[Any]:
    found = list(panel["transformations"]) if isinstance(panel.get("transformations"), list) else []
    transform = old.get("transform")
    if isinstance(transform, str) and transform in _TRANSFORMS:
        options: dict[str, Any] = {"reducers": []}
        if transform == "timeseries_aggregations":
            options["includeTimeField"] = False
            if isinstance(old.get("columns"), list):
                options["reducers"] = [
                    _COLUMN_REDUCERS[c["value"]]
                    for c in dicts(old["columns"])
                    if isinstance(c.get("value"), str) and c["value"] in _COLUMN_REDUCERS
                ]
        found.append({"id": _TRANSFORMS[transform], "options": options})
    return found


def angular_table_to_table(panel: dict[str, Any], plugin_version: str | None = None) -> None:
    old = {k: v for k, v in panel.items() if k not in MUST_KEEP_PROPS}
    styles = list(dicts(old.get("styles")))
    default_style = next((s for s in styles if s.get("pattern") == "/.*/"), None)
    overrides = [_override(s) for s in styles if isinstance(s.get("pattern"), str) and s["pattern"] != "/.*/"]
    transformations = _transformations(panel, old)
    for key in old:
        del panel[key]
    if plugin_version:
        panel["pluginVersion"] = plugin_version
    if transformations:
        panel["transformations"] = transformations
    panel["fieldConfig"] = {"defaults": _defaults(default_style), "overrides": overrides}
    panel["options"] = {"cellHeight": "sm", "showHeader": True}
