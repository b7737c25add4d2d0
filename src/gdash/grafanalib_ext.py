"""The one place where gdash extends grafanalib.

grafanalib (stalled since 2024) emits schemaVersion 12 and several legacy panel shapes, and lets
Grafana migrate them on load, so every save in the UI churns. gdash keeps grafanalib's models for
authoring and turns their JSON into Grafana's current dashboard model here, so the compiled output
is what Grafana itself would save. Also here: the fields grafanalib's ``Dashboard`` lacks.
"""

from __future__ import annotations

from typing import Any

import attr
from grafanalib import core

from .model import BUILTIN_ANNOTATION

# The final v1 schemaVersion (Grafana 12.2+ and 13): loading the output migrates nothing.
# gdash.migration.schema_version_for(grafana_major) gives what older Grafanas write.
SCHEMA_VERSION = 42


EXPRESSION_DATASOURCE_UID = "__expr__"

# Legacy keys grafanalib writes that Grafana's current model no longer has (or that only carry
# grafanalib's defaults and would pin behaviour users did not ask for, e.g. maxDataPoints: 100).
_LEGACY_DASHBOARD_KEYS = {"__inputs", "gnetId", "hideControls", "rows", "sharedCrosshair", "style", "id", "version"}
_LEGACY_PANEL_KEYS = {
    "cacheTimeout",
    "editable",
    "error",
    "height",
    "hideTimeOverride",
    "maxDataPoints",
    "minSpan",
    "span",
    "thresholds",
    "thresholdType",
    "columns",
    "fontSize",
    "color",
    "styles",
    "mappings",
}
_LEGACY_TARGET_KEYS = {"query", "target", "metric", "step", "intervalFactor"}


@attr.s
class GdashDashboard(core.Dashboard):
    """grafanalib's ``Dashboard`` plus the folder it belongs in and a JSON escape hatch."""

    folder = attr.ib(default=None)
    extra = attr.ib(default=None)


def to_json(obj: Any) -> Any:
    """Any grafanalib object as plain JSON data: fresh dicts and lists of str/int/float/bool/None.

    The same data ``json.loads(json.dumps(obj, cls=grafanalib's DashboardEncoder))`` gives (what
    gdash did before), built by one walk instead of an encode/decode round trip: the same type
    checks in the same order as the C encoder (str, None/bools, int, float, list/tuple, dict, then
    ``to_json_data()``), keys coerced the same way, later duplicate keys winning.
    """
    return _plain(obj)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return _plain_dict(value)
    if kind is list or kind is tuple:
        return _plain_list(value)
    # Subclasses, in the encoder's order (a str subclass is a str even if it has to_json_data).
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (list, tuple)):
        return _plain_list(value)
    if isinstance(value, dict):
        return _plain_dict(value)
    to_json_data = getattr(value, "to_json_data", None)
    if to_json_data:
        return _plain(to_json_data())
    raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")


def _plain_dict(value: dict[Any, Any]) -> dict[str, Any]:
    # Scalars are kept without a call: most values are scalars, and calls dominate the walk.
    scalars = _SCALARS
    out = {}
    for key, item in value.items():
        if type(key) is not str:
            key = _key(key)
        out[key] = item if type(item) in scalars else _plain(item)
    return out


def _plain_list(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    scalars = _SCALARS
    return [item if type(item) in scalars else _plain(item) for item in value]


def _key(key: Any) -> str:
    """A dict key as ``json.dumps`` writes it (then reads it back)."""
    if isinstance(key, str):
        return str.__str__(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float_key(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _float_key(key: float) -> str:
    if key != key:
        return "NaN"
    if key in (float("inf"), float("-inf")):
        return "Infinity" if key > 0 else "-Infinity"
    return float.__repr__(key)


def _drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}


def deep_merge(base: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    """Merge ``extra`` into ``base`` in place (nested dicts merged, everything else replaced;
    ``None`` removes the key: Grafana reads JSON null as unset, and a schema would reject it)."""
    for key, value in (extra or {}).items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def _grafanalib_deep_update(base: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    """grafanalib's ``_deep_update`` (how a panel's ``extraJson`` is merged), with gdash's rule that a
    non-dict value replaces a dict: grafanalib 0.7 recurses into it and fails (``'str' object has
    no attribute 'items'``) for ``extra={"fieldConfig": {"defaults": "x"}}``."""
    if extra is None:
        return base
    for key, value in extra.items():
        if key in base and hasattr(base[key], "to_json_data"):
            base[key] = base[key].to_json_data()
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _grafanalib_deep_update(base[key], value)
        else:
            base[key] = value
    return base


core._deep_update = _grafanalib_deep_update  # Panel.panel_json looks it up in grafanalib.core at call time


def threshold_steps(steps: Any) -> list[dict[str, Any]]:
    """grafanalib ``Threshold`` JSON (with op/yaxis/line and a 'null' string) -> current steps."""
    if not isinstance(steps, list) or not steps:
        return [{"color": "green", "value": None}]
    current = []
    for index, step in enumerate(steps):
        value = step.get("value")
        if index == 0 or value == "null":
            value = None
        elif isinstance(value, float) and value.is_integer():
            value = int(value)  # Grafana saves 80, not 80.0: keep the bytes it would write
        current.append({"color": step["color"], "value": value})
    return current


def modern_target(target: dict[str, Any]) -> dict[str, Any]:
    modern = {k: v for k, v in target.items() if k not in _LEGACY_TARGET_KEYS}
    for key, default in (("format", "time_series"), ("interval", ""), ("legendFormat", ""), ("hide", False)):
        if modern.get(key) == default:
            del modern[key]
    if (modern.get("datasource") or {}).get("type") == "loki":
        modern.pop("format", None)
        modern.pop("instant", None)
        modern["queryType"] = "range"
    else:
        instant = modern.pop("instant", False)
        modern["instant"] = instant
        modern["range"] = not instant
    return _drop_none(modern)


def _reduce_options(calcs: list[str], values: bool = False, limit: Any = None) -> dict[str, Any]:
    return _drop_none({"calcs": calcs, "fields": "", "values": values, "limit": limit})


def _modern_panel_options(panel: dict[str, Any]) -> None:
    """Per-type fixes for grafanalib's legacy options layouts."""
    defaults = panel["fieldConfig"]["defaults"]
    kind = panel["type"]
    if kind == "bargauge":
        legacy = panel["options"].pop("fieldOptions")
        field_defaults = legacy["defaults"]
        for key in ("decimals", "max", "min", "unit"):
            defaults[key] = field_defaults.get(key)
        defaults["mappings"] = legacy.get("mappings", [])
        panel["options"]["reduceOptions"] = _reduce_options(legacy["calcs"], legacy["values"], legacy["limit"])
        panel["options"].setdefault("showUnfilled", True)
        for gauge_only in ("showThresholdLabels", "showThresholdMarkers"):
            panel["options"].pop(gauge_only, None)
    elif kind == "gauge":
        panel["options"] = {
            "reduceOptions": _reduce_options(defaults.pop("calcs"), defaults.pop("values"), defaults.pop("limit")),
            "showThresholdLabels": panel["fieldConfig"].pop("showThresholdLabels"),
            "showThresholdMarkers": panel["fieldConfig"].pop("showThresholdMarkers"),
            "orientation": "auto",
        }
        for key in ("override", "title", "links"):
            defaults.pop(key, None)
    elif kind == "stat":
        if defaults.get("noValue") == "none":
            del defaults["noValue"]
        panel["options"]["reduceOptions"]["fields"] = panel["options"]["reduceOptions"].get("fields") or ""
    elif kind == "table":
        custom = defaults.setdefault("custom", {})
        custom["cellOptions"] = {"type": custom.pop("displayMode", "auto")}
    if not defaults.get("mappings"):
        defaults["mappings"] = panel.get("mappings") or defaults.get("mappings") or []
    if defaults.get("custom") == {}:
        del defaults["custom"]


def modern_panel(obj: core.Panel, raw: dict[str, Any] | None = None) -> dict[str, Any]:
    """One grafanalib panel in the current model; its ``extraJson`` (and the JSON gdash's helpers
    keep in ``_gdash_extra``) is applied last, so the escape hatch always wins over gdash's clean-up.
    ``raw`` is ``to_json(obj)`` when the caller already has it (the board-level conversion holds
    every panel's); it is consumed."""
    panel = to_json(obj) if raw is None else raw
    if panel.get("type") == "row":
        row = {
            "collapsed": panel.get("collapsed", False),
            "gridPos": panel["gridPos"],
            "id": panel.get("id"),
            "panels": [modern_panel(p, r) for p, r in _with_raw(obj.panels, panel.get("panels"))],
            "title": panel.get("title", ""),
            "type": "row",
        }
        if panel.get("repeat"):
            row["repeat"] = panel["repeat"]
        return deep_merge(deep_merge(_drop_none(row), obj.extraJson), getattr(obj, "_gdash_extra", None))
    modern = {k: v for k, v in panel.items() if k not in _LEGACY_PANEL_KEYS}
    field_config = modern.setdefault("fieldConfig", {"defaults": {}, "overrides": []})
    field_config.setdefault("overrides", [])
    defaults = field_config.setdefault("defaults", {})
    if panel.get("mappings") and not defaults.get("mappings"):  # grafanalib's Table writes them top-level
        defaults["mappings"] = panel["mappings"]
    defaults["thresholds"] = {"mode": "absolute", "steps": threshold_steps(defaults.get("thresholds", {}).get("steps"))}
    modern.setdefault("options", {})
    if "type" in modern and not isinstance(obj, GenericPanel):  # a generic panel is written as given
        _modern_panel_options(modern)
    field_config["defaults"] = _drop_none(defaults)
    if "custom" in field_config["defaults"]:
        field_config["defaults"]["custom"] = _drop_none(field_config["defaults"]["custom"])
    modern["targets"] = [
        deep_merge(modern_target(t), getattr(o, "_gdash_extra", None))
        for t, o in zip(modern.get("targets", []), getattr(obj, "targets", None) or [])
    ]
    if not modern.get("repeat"):
        for key in ("repeat", "repeatDirection", "maxPerRow"):
            modern.pop(key, None)
    for key, default in (("transparent", False), ("links", []), ("transformations", []), ("description", "")):
        if modern.get(key) == default:
            del modern[key]
    modern = _drop_none(modern)
    return deep_merge(deep_merge(modern, obj.extraJson), getattr(obj, "_gdash_extra", None))


def _modern_variable(variable: dict[str, Any]) -> dict[str, Any]:
    kind = variable["type"]
    modern: dict[str, Any] = {
        "name": variable["name"],
        "label": variable.get("label"),
        "type": kind,
        "query": variable["query"],
        "hide": variable.get("hide", 0),
        "skipUrlSync": False,
    }
    current = variable.get("current") or {}
    modern["current"] = {k: current[k] for k in ("text", "value") if current.get(k) is not None}
    if current.get("value") is not None:
        modern["current"]["selected"] = True
    if kind == "datasource":
        modern.update(refresh=1, regex=variable.get("regex") or "", multi=False, includeAll=False, options=[])
    elif kind == "query":
        modern.update(
            datasource=variable.get("datasource"),
            definition=variable["query"],
            refresh=variable["refresh"],
            regex=variable.get("regex") or "",
            sort=variable["sort"],
            multi=variable["multi"],
            includeAll=variable["includeAll"],
            options=[],
        )
        if variable.get("allValue"):
            modern["allValue"] = variable["allValue"]
    elif kind in ("custom", "interval"):
        modern.update(
            options=[
                {"selected": option["value"] == current.get("value"), "text": option["text"], "value": option["value"]}
                for option in _options(variable)
            ],
            multi=variable.get("multi", False),
            includeAll=variable.get("includeAll", False),
        )
        if kind == "interval":
            modern.update(
                auto=variable["auto"], auto_count=variable["auto_count"], auto_min=variable["auto_min"], refresh=2
            )
    elif kind == "adhoc":
        modern.update(datasource=variable.get("datasource"), filters=[])
    return _drop_none(modern)


def _options(variable: dict[str, Any]) -> list[dict[str, Any]]:
    if variable.get("options"):
        return variable["options"]
    return [{"text": value, "value": value} for value in variable["query"].split(",")]


def _with_raw(objects: list[Any], raws: Any) -> list[tuple[Any, Any]]:
    """Pair panel objects with their already converted JSON, when it is theirs (a board with
    legacy ``rows`` writes no panels: then each panel is converted on its own, as before)."""
    objects = list(objects)
    if isinstance(raws, list) and len(raws) == len(objects):
        return list(zip(objects, raws))
    return [(obj, None) for obj in objects]


def modern_dashboard(board: core.Dashboard) -> dict[str, Any]:
    """A grafanalib dashboard as Grafana's current model (no id/version: the server owns those)."""
    raw = to_json(board)
    model = {k: v for k, v in raw.items() if k not in _LEGACY_DASHBOARD_KEYS}
    model["panels"] = [modern_panel(p, r) for p, r in _with_raw(board.panels, raw.get("panels"))]
    model["annotations"] = {"list": [BUILTIN_ANNOTATION, *raw.get("annotations", {}).get("list", [])]}
    model["templating"] = {
        "list": [
            deep_merge(_modern_variable(v), getattr(obj, "_gdash_extra", None))
            for v, obj in zip(raw["templating"]["list"], board.templating.list)
        ]
    }
    timepicker = raw.get("timepicker") or {}
    model["timepicker"] = {"refresh_intervals": timepicker.get("refresh_intervals", [])}
    model["schemaVersion"] = SCHEMA_VERSION
    model["fiscalYearStartMonth"] = 0
    model["weekStart"] = ""
    model["liveNow"] = False
    if not model.get("description"):
        model.pop("description", None)
    return current_shapes(deep_merge(model, getattr(board, "extra", None)))


def current_shapes(model: dict[str, Any], schema_version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The field shapes schema steps 40.. bring (refresh always a string, no timepicker.time_options,
    hideFrom.tooltip wherever hideFrom.viz), applied with the migration's own steps, so that
    loading the output (``extra=`` included) in Grafana migrates nothing."""
    from .migration.datasources import DatasourceIndex
    from .migration.steps import STEPS, Context

    context = Context(DatasourceIndex())
    for step in range(40, schema_version + 1):
        STEPS[step](model, context)
    model["schemaVersion"] = schema_version
    return model


@attr.s
class GenericPanel(core.Panel):
    """Any panel plugin by its ``type`` id (piechart, heatmap, state-timeline, geomap, a community
    plugin ...): gdash writes ``options`` and ``fieldConfig`` as given, since the plugin defines them."""

    type = attr.ib(default="text")
    options: dict[str, Any] = attr.ib(default=attr.Factory(dict))
    fieldConfig: dict[str, Any] = attr.ib(default=attr.Factory(dict))  # noqa: N815  (grafanalib's naming)
    libraryPanel = attr.ib(default=None)  # noqa: N815

    def to_json_data(self) -> dict[str, Any]:
        field_config = {
            "defaults": dict(self.fieldConfig.get("defaults") or {}),
            "overrides": list(self.fieldConfig.get("overrides") or []),
        }
        return self.panel_json(
            {"type": self.type, "options": self.options, "fieldConfig": field_config, "libraryPanel": self.libraryPanel}
        )
