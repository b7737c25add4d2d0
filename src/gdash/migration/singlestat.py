"""Schema step 28: ``singlestat`` / ``grafana-singlestat-panel`` -> ``stat``.

Thresholds ("10,20" with a colour per band), value and range maps, sparkline, colour mode,
reducer (``valueName``), unit and decimals carry over; existing stat panels get the options the
stat panel grew since. Read from grafana/grafana
``apps/dashboard/pkg/migration/schemaversion/v28.go``.
"""

from __future__ import annotations

import re
from typing import Any

from ._util import as_dict, as_list, dicts, drop_old_plugin_props, is_number, number_out, parse_float
from .thresholds import threshold_color

_REDUCERS = {
    "min": "min",
    "max": "max",
    "mean": "mean",
    "median": "median",
    "sum": "sum",
    "count": "count",
    "first": "firstNotNull",
    "last": "lastNotNull",
    "name": "lastNotNull",
    "current": "lastNotNull",
    "total": "sum",
}
_ANGULAR_KEYS = (
    "valueName",
    "tableColumn",
    "format",
    "decimals",
    "nullPointMode",
    "nullText",
    "thresholds",
    "colors",
    "valueMaps",
    "gauge",
    "sparkline",
    "colorBackground",
    "colorValue",
)
_CLEANUP_OPTIONS = ("valueOptions", "thresholds", "valueMaps", "minValue", "maxValue")


def _default_thresholds() -> dict[str, Any]:
    return {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 80}]}


def _steps(text: str, colors: list[Any]) -> list[dict[str, Any]]:
    values = text.split(",")
    steps = []
    for i, color in enumerate(colors):
        step: dict[str, Any] = {"color": color}
        if i == 0:
            step["value"] = None
        elif i - 1 < len(values):
            number = parse_float(values[i - 1].strip())
            if number is not None:
                step["value"] = number_out(number)
        steps.append(step)
    return steps


def _mapping(old: dict[str, Any], thresholds: Any) -> dict[str, Any] | None:
    kind = old.get("type")
    if kind is None:
        kind = (
            1
            if old.get("value") is not None
            else 2
            if old.get("from") is not None or old.get("to") is not None
            else None
        )
    result = {"text": old.get("text")}
    number = parse_float(old.get("text")) if isinstance(old.get("text"), str) else None
    if number is not None and isinstance(thresholds, dict):  # a numeric text takes its threshold's colour
        color = threshold_color(number, thresholds)
        if color is not None:
            result["color"] = color
    if is_number(kind) and kind == 1:
        value = old.get("value")
        if value is None:
            return None
        if value == "null":
            return {"type": "special", "options": {"match": "null", "result": result}}
        key = value if isinstance(value, str) else str(number_out(float(value))) if is_number(value) else str(value)
        return {"type": "value", "options": {key: result}}
    if is_number(kind) and kind == 2:
        low, high = old.get("from"), old.get("to")
        if low == "null" or high == "null":
            return {"type": "special", "options": {"match": "null", "result": result}}
        return {"type": "range", "options": {"from": _range_end(low), "to": _range_end(high), "result": result}}
    return None


def _range_end(value: Any) -> Any:
    if isinstance(value, str):
        number = parse_float(value)
        return number_out(number) if number is not None else None
    return value


def _stat_options(panel: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    angular = panel if any(k in panel for k in _ANGULAR_KEYS) else {}
    reduce: dict[str, Any] = {"calcs": ["mean"], "fields": "", "values": False}
    options: dict[str, Any] = {
        "reduceOptions": reduce,
        "orientation": "horizontal",
        "justifyMode": "auto",
        "percentChangeColorMode": "standard",
        "showPercentChange": False,
        "textMode": "auto",
        "wideLayout": True,
    }
    value_name = angular.get("valueName") if isinstance(angular.get("valueName"), str) else ""
    if value_name in _REDUCERS:
        reduce["calcs"] = [_REDUCERS[value_name]]
    if isinstance(angular.get("thresholds"), str) and isinstance(angular.get("colors"), list):
        defaults["thresholds"] = (
            {"mode": "absolute", "steps": _steps(angular["thresholds"], angular["colors"])}
            if angular["thresholds"]
            else _default_thresholds()
        )
    if "thresholds" not in defaults:
        defaults["thresholds"] = _default_thresholds()
    if isinstance(angular.get("tableColumn"), str) and angular["tableColumn"]:
        reduce["fields"] = f"/^{angular['tableColumn']}$/"
    if isinstance(angular.get("format"), str):
        defaults["unit"] = angular["format"]
    if "decimals" in angular:
        defaults["decimals"] = angular["decimals"]
    if isinstance(angular.get("nullText"), str):
        defaults["noValue"] = angular["nullText"]
    mapping_type = angular.get("mappingType")
    if mapping_type is None:
        if isinstance(angular.get("valueMaps"), list) and angular["valueMaps"]:
            mapping_type = 1
        elif isinstance(angular.get("rangeMaps"), list) and angular["rangeMaps"]:
            mapping_type = 2
    source = angular.get("valueMaps") if mapping_type == 1 else angular.get("rangeMaps") if mapping_type == 2 else None
    defaults["mappings"] = [m for m in (_mapping(old, defaults.get("thresholds")) for old in dicts(source)) if m]
    sparkline = angular.get("sparkline")
    options["graphMode"] = "none"
    if isinstance(sparkline, dict) and sparkline.get("show") is True:
        options["graphMode"] = "area"
    if angular.get("colorBackground") is True:
        options["colorMode"] = "background"
    elif angular.get("colorValue") is True:
        options["colorMode"] = "value"
    else:
        options["colorMode"] = "none"
    if value_name == "name":
        options["textMode"] = "name"
    gauge = angular.get("gauge")
    if isinstance(gauge, dict) and gauge.get("show") is True:
        for key, source in (("min", "minValue"), ("max", "maxValue")):
            if gauge.get(source) is not None:
                defaults[key] = gauge[source]
    return options


def singlestat_to_stat(panel: dict[str, Any], plugin_version: str | None = None) -> None:
    """One singlestat panel -> stat, in place (``autoMigrateFrom`` tells the original type if renamed)."""
    panel["type"] = "stat"
    if plugin_version:
        panel["pluginVersion"] = plugin_version
    if panel.get("fieldConfig") is None:
        panel["fieldConfig"] = {"defaults": {}, "overrides": []}
    field_config = panel["fieldConfig"]
    if not isinstance(field_config, dict) or not isinstance(field_config.get("defaults"), dict):
        return
    defaults = field_config["defaults"]
    panel["options"] = _stat_options(panel, defaults)
    unit = defaults.get("unit")
    if unit in ("percent", "percentunit"):
        if defaults.get("min") is None:
            defaults["min"] = 0
        if defaults.get("max") is None:
            defaults["max"] = 100 if unit == "percent" else 1
    drop_old_plugin_props(panel)
    for key in _CLEANUP_OPTIONS:
        panel["options"].pop(key, None)


def _normalize_stat(panel: dict[str, Any]) -> None:
    if panel.get("options") is None:
        panel["options"] = {}
    options = panel["options"]
    if isinstance(options, dict):
        for key, value in (
            ("percentChangeColorMode", "standard"),
            ("justifyMode", "auto"),
            ("textMode", "auto"),
            ("wideLayout", True),
            ("showPercentChange", False),
        ):
            options.setdefault(key, value)


def migrate_panels(items: Any, plugin_version: str | None = None) -> None:
    for panel in dicts(items):
        if panel.get("type") == "row":
            migrate_panels(panel.get("panels"), plugin_version)
            continue
        if panel.get("type") in ("singlestat", "grafana-singlestat-panel"):
            singlestat_to_stat(panel, plugin_version)
        if panel.get("type") == "stat":
            _normalize_stat(panel)


# sharedSingleStatMigrationHandler (grafana/grafana packages/grafana-ui/src/components/
# SingleStatShared/SingleStatBaseOptions.ts): the gauge, bar gauge and stat plugins convert their
# pre-7.0 options on load, each step gated on the panel's pluginVersion (6.1 when unset).
SINGLE_STAT_PLUGINS = ("gauge", "bargauge", "stat")
_REDUCER_ALIASES = {"avg": "mean", "current": "lastNotNull", "total": "sum"}
_PLUGIN_VERSION = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)")


def _plugin_version(panel: dict[str, Any]) -> float | None:
    """JavaScript's ``parseFloat(panel.pluginVersion || '6.1')`` (None for NaN)."""
    text = panel.get("pluginVersion") or "6.1"
    match = _PLUGIN_VERSION.match(text) if isinstance(text, str) else None
    return float(match.group(0)) if match else None


def _old_thresholds(items: list[Any]) -> list[dict[str, Any]]:
    """``migrateOldThresholds``: index dropped, sorted by value, the first one -Infinity (null)."""
    steps = [{"value": t.get("value"), "color": t.get("color")} for t in dicts(items)]
    steps.sort(key=lambda t: t["value"] if is_number(t["value"]) else float("-inf"))
    if steps:
        steps[0]["value"] = None
    return steps


def _defined(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None}


def _validate_field_config(config: dict[str, Any]) -> None:
    """grafana-data's ``validateFieldConfig``: threshold mode and a -Infinity (null) first step,
    a threshold colour mode when there are thresholds, no colour without a mode, min <= max."""
    thresholds = config.get("thresholds")
    if isinstance(thresholds, dict):
        thresholds.setdefault("mode", "absolute")
        steps = thresholds.setdefault("steps", [])
        if isinstance(steps, list) and steps and isinstance(steps[0], dict):
            steps[0]["value"] = None
    color = config.get("color")
    if not color:
        if thresholds:
            config["color"] = {"mode": "thresholds"}
    elif not isinstance(color, dict) or not color.get("mode"):
        del config["color"]
    elif color["mode"] == "scheme":
        color.setdefault("schemeName", "BrBG")
    else:
        color.pop("schemeName", None)
    low, high = config.get("min"), config.get("max")
    if is_number(low) and is_number(high) and low > high:
        config["min"], config["max"] = high, low


def has_old_single_stat_options(panel: dict[str, Any]) -> bool:
    """A gauge/bar gauge/stat panel whose options still have the pre-7.0 shape."""
    options = panel.get("options")
    return (
        panel.get("type") in SINGLE_STAT_PLUGINS
        and isinstance(options, dict)
        and any(isinstance(options.get(key), dict) for key in ("fieldOptions", "valueOptions"))
    )


def single_stat_options(panel: dict[str, Any]) -> None:
    """Old gauge/stat options (``valueOptions``, ``options.fieldOptions``) -> ``fieldConfig.defaults``
    and ``options.reduceOptions``, in place, as the plugins' shared migration handler does."""
    version = _plugin_version(panel)
    options = panel.get("options")
    if version is None or not isinstance(options, dict):
        return
    value_options = options.get("valueOptions")
    if version < 6.2 and isinstance(value_options, dict):
        stat = value_options.get("stat")
        options["fieldOptions"] = _defined(
            {
                "mappings": options.get("valueMappings"),
                "thresholds": options.get("thresholds"),
                "defaults": _defined(
                    {
                        "unit": value_options.get("unit"),
                        "decimals": value_options.get("decimals"),
                        "min": options.get("minValue"),
                        "max": options.get("maxValue"),
                    }
                ),
                "calcs": [_REDUCER_ALIASES.get(stat, stat)] if isinstance(stat, str) and stat else None,
            }
        )
        for key in ("valueMappings", "thresholds", "valueOptions", "minValue", "maxValue"):
            options.pop(key, None)
    field_options = options.get("fieldOptions")
    if not isinstance(field_options, dict):
        field_options = None
    if version < 6.3 and field_options is not None:
        mappings = field_options.pop("mappings", None)
        old = options.get("thresholds")
        thresholds = {"mode": "absolute", "steps": _old_thresholds(old)} if isinstance(old, list) and old else None
        field_options["defaults"] = _defined(
            {**as_dict(field_options.get("defaults")), "mappings": mappings, "thresholds": thresholds}
        )
    if version < 6.6 and field_options is not None:
        if "override" in field_options:
            del field_options["override"]
            field_options["overrides"] = []
        defaults = field_options.setdefault("defaults", {})
        if isinstance(defaults, dict):
            steps = defaults.pop("thresholds", None) or field_options.pop("thresholds", None)
            if isinstance(steps, list):
                defaults["thresholds"] = {"mode": "absolute", "steps": steps}
            elif isinstance(steps, dict):
                defaults["thresholds"] = steps  # already {mode, steps} (moved above)
            if isinstance(defaults.get("color"), str):
                defaults["color"] = {"mode": "fixed", "fixedColor": defaults["color"]}
            _validate_field_config(defaults)
    if version < 7.0:
        field_config = panel.get("fieldConfig")
        if not isinstance(field_config, dict):
            field_config = {"defaults": {}, "overrides": []}
        if field_options is not None:
            defaults = {**as_dict(field_config.get("defaults")), **as_dict(field_options.get("defaults"))}
            overrides = [*as_list(field_config.get("overrides")), *as_list(field_options.get("overrides"))]
            field_config = {**field_config, "defaults": defaults, "overrides": overrides}
            options["reduceOptions"] = _defined(
                {"values": field_options.get("values"), "limit": field_options.get("limit"),
                 "calcs": field_options.get("calcs")}
            )  # fmt: skip
        panel["fieldConfig"] = field_config
        options.pop("fieldOptions", None)
    defaults = as_dict(as_dict(panel.get("fieldConfig")).get("defaults"))
    if version < 7.1 and defaults.get("title") is not None:
        defaults["displayName"] = defaults.pop("title")
    if version < 8.0 and defaults.get("unit") in ("percent", "percentunit"):
        if not is_number(defaults.get("min")):
            defaults["min"] = 0
        if not is_number(defaults.get("max")):
            defaults["max"] = 100 if defaults["unit"] == "percent" else 1
