"""Grafana dashboard JSON -> a ``Dashboard(...)`` call tree built from gdash's helpers.

Import works in two passes. The first reads the input into helper calls (title, queries, unit,
thresholds, variables, rows, links ...). That tree is then compiled exactly as ``gdash build``
would, compared with the input in canonical form (see ``compare``), and whatever differs is put
into the ``extra={...}`` of the panel or dashboard it belongs to. The second compile must then
equal the input; anything still different is reported as not expressible.
"""

from __future__ import annotations

import inspect
import re
import string as letters
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grafanalib import core

import gdash

from ..authoring.checks import AuthoringError
from ..authoring.layout import GRID_WIDTH, ROW_HEIGHT, Cursor
from ..compile import compile_dashboard
from ..errors import ConfigError, GdashError, Location
from ..grafanalib_ext import modern_panel
from ..migration import drop_old_plugin_props, is_v2_spec
from ..panels import iter_panels
from .compare import DEFAULTS, as_loaded, canonical_dashboard, differences, finite
from .migrate import SPECIAL_UIDS, migrate_dashboard, unwrap
from .pysource import Call, evaluate
from .residual import residual
from .shape import check_dashboard

_TOOLTIPS = {0: "default", 1: "shared crosshair", 2: "shared tooltip"}
_REFRESH = {0: "never", 1: "load", 2: "time"}
_SORT = {0: "none", 1: "alpha", 2: "alpha-desc", 3: "numeric", 4: "numeric-desc", 7: "natural"}
_HELPER_TYPES = {"timeseries", "stat", "gauge", "bargauge", "table", "logs"}


@dataclass
class ImportedDashboard:
    """One imported dashboard: the call tree, where extras went, and the datasource mapping used."""

    uid: str
    title: str
    folder: str | None
    tree: Call
    original: dict[str, Any]  # the migrated input: what the round trip compares against
    datasources: dict[str, str] = field(default_factory=dict)  # logical name -> original uid
    escapes: list[str] = field(default_factory=list)  # "panel 'CPU': fieldConfig.defaults.custom" ...
    notes: list[str] = field(default_factory=list)  # migrations and things that could not be kept
    unexpressed: list[str] = field(default_factory=list)  # differences left after the second pass


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "dashboard"


class _Datasources:
    """Names a real datasource uid ``gdash:<logical name>`` (one name per (type, uid))."""

    def __init__(self, variables: list[dict[str, Any]]):
        self.first_variable: dict[str | None, str] = {}
        self.variable_names = {v.get("name") for v in variables}
        for variable in variables:
            if variable.get("type") == "datasource":
                self.first_variable.setdefault(variable.get("query"), variable["name"])
        self.names: dict[tuple[str, str], str] = {}

    def reserve_defaults(self, model: dict[str, Any]) -> list[str]:
        """Keep the logical name ``<type>`` for "the default datasource of that type" where the
        dashboard has uid-less references of the type and no datasource variable for it (a real
        uid then gets ``<type>-2``: the two need not be the same datasource); the types so kept."""
        for ref in _typed_refs(model):
            if ref["type"] not in self.first_variable:
                self.names.setdefault((ref["type"], ""), ref["type"])
        return sorted(kind for kind, uid in self.names if not uid)

    def logical(self, kind: str, uid: str) -> str:
        if (kind, uid) not in self.names:
            taken = set(self.names.values())
            name = (
                kind if kind not in taken else next(f"{kind}-{n}" for n in range(2, 1000) if f"{kind}-{n}" not in taken)
            )
            self.names[(kind, uid)] = name
        return self.names[(kind, uid)]

    def argument(self, ref: Any, kind: str) -> tuple[bool, str | None]:
        """(expressible, the ``datasource=`` argument) for a query or variable of ``kind``."""
        if isinstance(ref, dict) and ref.get("type") == kind and ref.get("uid") is None:
            # the default datasource of the type (v2 queries that name none): the helpers' default,
            # which compiles to the datasource variable of the type, else the logical name ``kind``
            return True, None
        if not isinstance(ref, dict) or ref.get("type") not in (kind, None) or not isinstance(ref.get("uid"), str):
            return False, None
        uid = ref["uid"]
        if uid in SPECIAL_UIDS:
            return False, None
        default = f"${{{self.first_variable[kind]}}}" if kind in self.first_variable else None
        if uid.startswith("$") and uid.strip("${}") in self.variable_names:
            return True, None if uid == default else uid
        # a real uid, or an export placeholder such as ${DS_PROMETHEUS}: a logical datasource
        name = self.logical(kind, uid)
        return True, None if default is None and name == kind else name

    def mapping(self) -> dict[str, str]:
        """Logical name -> the real uid it stands for (a type's default datasource stands for none)."""
        return {name: uid for (_, uid), name in sorted(self.names.items()) if uid}


def _typed_refs(model: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The uid-less ``{"type": ...}`` datasource references of variables, panels and queries."""
    holders: list[Any] = list((model.get("templating") or {}).get("list") or [])
    for panel in iter_panels(model.get("panels") or []):
        holders += [panel, *(panel.get("targets") or [])]
    for holder in holders:
        ref = holder.get("datasource") if isinstance(holder, dict) else None
        if isinstance(ref, dict) and isinstance(ref.get("type"), str) and ref.get("uid") is None:
            yield ref


def _without_defaults(func: Callable[..., Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(func).parameters
    kept = {}
    for key, value in kwargs.items():
        default = params[key].default
        if isinstance(default, tuple) and isinstance(value, list):
            default = list(default)
        if default is inspect.Parameter.empty or value != default or type(value) is not type(default):
            kept[key] = value
    return kept


def _number(value: Any) -> Any:
    """A number Grafana wrote as a string (``"80"``) as the number its frontend reads."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    return value


def _thresholds(defaults: dict[str, Any]) -> list[Any] | None:
    thresholds = defaults.get("thresholds")
    steps = thresholds.get("steps") if isinstance(thresholds, dict) else None
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        return None
    pairs = [(None if i == 0 else _number(s.get("value")), s.get("color")) for i, s in enumerate(steps)]
    if any(not isinstance(c, str) or (v is not None and not isinstance(v, (int, float))) for v, c in pairs) or any(
        v is None for v, _ in pairs[1:]
    ):
        return None
    if pairs == [(None, "green")]:
        return None  # every helper's default
    numbers = [v for v, _ in pairs[1:]]
    if pairs[0][1] == "green" and 1 <= len(numbers) <= 3:
        short_colors = ["yellow", "orange", "red"][-len(numbers) :]
        if [c for _, c in pairs[1:]] == short_colors:
            return numbers
    return [tuple(p) for p in pairs]


def _ref_kind(target: dict[str, Any], panel: dict[str, Any]) -> str | None:
    ref = target.get("datasource") if isinstance(target.get("datasource"), dict) else panel.get("datasource")
    return ref.get("type") if isinstance(ref, dict) else None


def _queries(panel: dict[str, Any], sources: _Datasources) -> list[Call] | None:
    """Helper calls for the panel's queries, or None when one of them needs more than the helpers."""
    calls = []
    targets = panel.get("targets") or []
    if not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
        return None
    # compile names queries A, B, C ... in order: write ref_id only where the input does otherwise
    automatic = [t.get("refId") for t in targets] == list(letters.ascii_uppercase[: len(targets)])
    for target in targets:
        ref = target.get("datasource") or {}
        kind = _ref_kind(target, panel)
        if kind not in ("prometheus", "loki") or not isinstance(target.get("expr"), str):
            return None
        ok, datasource = sources.argument(ref, kind)
        if not ok:
            return None
        kwargs: dict[str, Any] = {
            "legend": target.get("legendFormat", ""),
            "datasource": datasource,
            "hide": target.get("hide", False),
        }
        if not automatic and isinstance(target.get("refId"), str):
            kwargs["ref_id"] = target["refId"]
        func: Callable[..., Any]
        if kind == "prometheus":
            instant = bool(target.get("instant", False))
            kwargs.update(
                instant=instant,
                interval=target.get("interval", ""),
                format=target.get("format", "time_series"),
                range=target["range"] if isinstance(target.get("range"), bool) and target["range"] == instant else None,
                exemplar=target.get("exemplar") if target.get("exemplar") else None,
            )
            func, name = gdash.prom, "prom"
        else:
            kwargs.update(instant=target.get("queryType") == "instant", max_lines=target.get("maxLines"))
            func, name = gdash.loki, "loki"
        kwargs = _without_defaults(func, {k: v for k, v in kwargs.items() if v is not None or k == "datasource"})
        legend = kwargs.pop("legend", None)
        args = [target["expr"]] + ([legend] if legend is not None else [])
        call = Call(name, func, args=args, kwargs=kwargs)
        if not _buildable(call, compile_panel=False):  # a value prom()/loki() refuse, e.g. format "timeseries"
            fields = {k: v for k, v in target.items() if k not in ("refId", "datasource", "hide") and v is not None}
            query_kwargs = {
                "ref_id": kwargs.get("ref_id", ""),
                "datasource": datasource,
                "hide": target.get("hide", False),
            }
            call = Call(
                "query", gdash.query, args=[kind], kwargs={**_without_defaults(gdash.query, query_kwargs), **fields}
            )
            if not _buildable(call, compile_panel=False):
                return None
        calls.append(call)
    return calls


def _grid(panel: dict[str, Any]) -> dict[str, int]:
    grid = panel["gridPos"] if isinstance(panel.get("gridPos"), dict) else {}
    return {k: v for k, v in ((k, _number(grid.get(k))) for k in ("x", "y", "w", "h")) if isinstance(v, int)}


def _size(panel: dict[str, Any], kind: str) -> dict[str, Any]:
    grid = _grid(panel)
    default_w, default_h = gdash.authoring.panels.DEFAULT_SIZES.get(kind, (12, 8))
    sizes = {}
    if grid.get("w", default_w) != default_w:
        sizes["w"] = grid["w"]
    if grid.get("h", default_h) != default_h:
        sizes["h"] = grid["h"]
    return sizes


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _color_argument(color: Any) -> Any:
    if not isinstance(color, dict):
        return None
    if set(color) == {"mode"} and isinstance(color["mode"], str):
        return color["mode"]
    if set(color) == {"mode", "fixedColor"} and color["mode"] == "fixed" and isinstance(color["fixedColor"], str):
        return color["fixedColor"]
    return color


# panel keys -> the helper argument every helper has (see gdash.authoring.panels)
_SETTINGS = {
    "interval": "interval",
    "maxDataPoints": "max_data_points",
    "timeFrom": "time_from",
    "timeShift": "time_shift",
    "hideTimeOverride": "hide_time_override",
    "transparent": "transparent",
    "repeatDirection": "repeat_direction",
    "maxPerRow": "max_per_row",
}
_TIMESERIES_CUSTOM = {
    "lineWidth": "line_width",
    "showPoints": "points",
    "pointSize": "point_size",
    "lineInterpolation": "interpolation",
    "gradientMode": "gradient",
    "spanNulls": "span_nulls",
    "axisLabel": "axis_label",
    "axisPlacement": "axis_placement",
    "axisSoftMin": "soft_min",
    "axisSoftMax": "soft_max",
    "barAlignment": "bar_alignment",
}


def _panel_kwargs(panel: dict[str, Any], kind: str) -> dict[str, Any]:
    field_config = _dict(panel.get("fieldConfig"))
    defaults = _dict(field_config.get("defaults"))
    custom = _dict(defaults.get("custom"))
    options = _dict(panel.get("options"))
    reduce_calcs = _dict(options.get("reduceOptions")).get("calcs") or []
    kwargs: dict[str, Any] = {"description": panel.get("description") or None}
    for key, argument in _SETTINGS.items():
        kwargs[argument] = panel.get(key)
    datasource = panel.get("datasource")
    if isinstance(datasource, dict) and datasource.get("uid") == "-- Mixed --" and panel.get("targets"):
        kwargs["mixed"] = True
    if kind in ("timeseries", "stat", "gauge", "bargauge", "table", "panel"):
        thresholds = _dict(defaults.get("thresholds"))
        kwargs.update(
            unit=defaults.get("unit"),
            decimals=_number(defaults.get("decimals")),
            thresholds=_thresholds(defaults),
            mappings=defaults.get("mappings") or None,
            transformations=panel.get("transformations") or None,
            repeat=panel.get("repeat") or None,
            color=_color_argument(defaults.get("color")),
            no_value=defaults.get("noValue"),
            unit_scale=defaults.get("unitScale"),
            thresholds_mode=thresholds.get("mode") if thresholds.get("mode") != "absolute" else None,
        )
    if kind in ("timeseries", "stat", "gauge", "bargauge", "panel"):
        kwargs.update(min=_number(defaults.get("min")), max=_number(defaults.get("max")))
    kwargs["overrides"] = field_config.get("overrides") or None
    if kind in ("stat", "gauge", "bargauge") and len(reduce_calcs) == 1:
        kwargs["reduce"] = reduce_calcs[0]
    if kind == "timeseries":
        legend = _dict(options.get("legend"))
        tooltip = _dict(options.get("tooltip"))
        stacking = _dict(custom.get("stacking")).get("mode")
        scale = _dict(custom.get("scaleDistribution"))
        kwargs.update(
            legend="hidden" if legend.get("showLegend") is False else legend.get("displayMode", "list"),
            legend_placement=legend.get("placement", "bottom"),
            legend_calcs=legend.get("calcs") or None,
            legend_sort_by=legend.get("sortBy"),
            legend_sort_desc=legend.get("sortDesc"),
            legend_as_table=legend.get("asTable"),
            stack="percent" if stacking == "percent" else stacking == "normal",
            fill=custom.get("fillOpacity", 0),
            draw=custom.get("drawStyle", "line"),
            tooltip=tooltip.get("mode", "single"),
            tooltip_sort=tooltip.get("sort"),
            # Grafana draws no thresholds unless asked; timeseries() draws lines when there are some
            thresholds_style=_dict(custom.get("thresholdsStyle")).get("mode")
            or ("off" if kwargs.get("thresholds") else None),
            log_base=scale.get("log") if scale.get("type") == "log" else None,
            **{argument: custom.get(key) for key, argument in _TIMESERIES_CUSTOM.items()},
        )
    elif kind == "stat":
        kwargs.update(
            graph=options.get("graphMode", "area") != "none",
            color_mode=options.get("colorMode", "value"),
            text_mode=options.get("textMode", "auto"),
            orientation=options.get("orientation"),
            justify=options.get("justifyMode"),
        )
    elif kind == "gauge":
        kwargs.update(
            orientation=options.get("orientation"),
            threshold_labels=options.get("showThresholdLabels"),
            threshold_markers=options.get("showThresholdMarkers"),
        )
    elif kind == "bargauge":
        kwargs.update(
            display=options.get("displayMode", "gradient"),
            orientation=options.get("orientation", "horizontal"),
            show_unfilled=options.get("showUnfilled"),
            min_viz_height=options.get("minVizHeight"),
            min_viz_width=options.get("minVizWidth"),
        )
    elif kind == "table":
        cell = custom.get("cellOptions")
        kwargs.update(
            show_header=options.get("showHeader"),
            cell_height=options.get("cellHeight"),
            pagination=_dict(options.get("footer")).get("enablePagination"),
            align=custom.get("align"),
            filterable=custom.get("filterable"),
            wrap_text=custom.get("wrapText"),
            min_width=custom.get("minWidth"),
            cell=cell["type"] if isinstance(cell, dict) and set(cell) == {"type"} else cell,
        )
        sort_by = options.get("sortBy") or []
        if isinstance(sort_by, list) and len(sort_by) == 1 and isinstance(sort_by[0], dict):
            kwargs.update(sort_by=sort_by[0].get("displayName"), sort_desc=bool(sort_by[0].get("desc")))
    elif kind == "logs":
        kwargs.update(
            show_time=options.get("showTime", False),
            wrap=options.get("wrapLogMessage", False),
            newest_first=options.get("sortOrder", "Descending") == "Descending",
            details=options.get("enableLogDetails", True),
        )
    elif kind == "panel":
        kwargs.update(
            options=options or None,
            custom=custom or None,
            library_panel=panel.get("libraryPanel") if isinstance(panel.get("libraryPanel"), dict) else None,
        )
    if kind in ("gauge", "bargauge") and kwargs["thresholds"] is None:
        kwargs["thresholds"] = [(None, "green")]
    if panel.get("links"):
        kwargs["links"] = panel["links"]
    # None is meaningful where a helper has another default: no unit (helpers say "short"), gauge()'s
    # thresholds (70, 90), min 0 and max 100
    return {k: v for k, v in kwargs.items() if v is not None or k in ("thresholds", "max", "min", "unit")}


# helper argument -> the panel JSON path it writes, for the arguments whose absence means Grafana's default
_ARGUMENT_PATHS = {
    **{argument: f"fieldConfig.defaults.custom.{key}" for key, argument in _TIMESERIES_CUSTOM.items()},
    "tooltip_sort": "options.tooltip.sort",
    "color": "fieldConfig.defaults.color",
    "transparent": "transparent",
    "hide_time_override": "hideTimeOverride",
    "legend_sort_desc": "options.legend.sortDesc",
    "orientation": "options.orientation",
    "justify": "options.justifyMode",
    "threshold_labels": "options.showThresholdLabels",
    "threshold_markers": "options.showThresholdMarkers",
    "show_unfilled": "options.showUnfilled",
    "legend_as_table": "options.legend.asTable",
    "show_header": "options.showHeader",
    "cell_height": "options.cellHeight",
    "align": "fieldConfig.defaults.custom.align",
    "filterable": "fieldConfig.defaults.custom.filterable",
    "cell": "fieldConfig.defaults.custom.cellOptions",
    "min_viz_height": "options.minVizHeight",
    "min_viz_width": "options.minVizWidth",
}
_FALSE_BY_DEFAULT = {"transparent", "hide_time_override", "legend_sort_desc", "legend_as_table"}


def _without_grafana_defaults(kwargs: dict[str, Any], kind: str) -> dict[str, Any]:
    """Drop optional arguments whose value is what Grafana assumes anyway (``compare.DEFAULTS``):
    code a person would write does not spell out ``line_width=1``. The round trip checks the result."""
    defaults = {**DEFAULTS.get("panel:*", {}), **DEFAULTS.get(f"panel:{kind}", {})}
    kept = {}
    for key, value in kwargs.items():
        path = _ARGUMENT_PATHS.get(key)
        if path is not None:
            default = defaults.get(path)
            if key == "color":
                default = _color_argument(default)
            if key == "cell" and isinstance(default, dict) and set(default) == {"type"}:
                default = default["type"]
            if value == default and default is not None or key in _FALSE_BY_DEFAULT and value is False:
                continue
        kept[key] = value
    return kept


def _title(panel: dict[str, Any]) -> str:
    title = panel.get("title")
    return title if isinstance(title, str) else "" if title is None else str(title)


def _buildable(call: Call, compile_panel: bool = True) -> bool:
    """Does ``call`` run, and compile as a panel? (grafanalib checks some values more narrowly than
    Grafana does, e.g. legend calcs or a float ``spanNulls``; such panels take the generic helper.)"""
    try:
        built = evaluate(call)
        if compile_panel:
            modern_panel(built)
    except Exception:  # noqa: BLE001 - any failure means: write this one another way
        return False
    return True


def _panel_call(panel: dict[str, Any], sources: _Datasources) -> Call:
    call = _helper_panel_call(panel, sources)
    if call.name != "panel" and not _buildable(call):
        call = _generic_panel_call(panel, sources)
    if not _buildable(call):  # the plugin's own arguments fail: the round trip's extra= carries them
        kind = panel.get("type")
        call = Call(
            "panel",
            gdash.panel,
            args=[kind if isinstance(kind, str) else None, _title(panel)],
            kwargs=_size(panel, "panel"),
        )
    return call


def _helper_panel_call(panel: dict[str, Any], sources: _Datasources) -> Call:
    kind = panel.get("type")
    title = _title(panel)
    queries = _queries(panel, sources)
    if kind in _HELPER_TYPES and queries is not None and "libraryPanel" not in panel:
        func = getattr(gdash, kind)
        kwargs = _without_defaults(
            func, {**_size(panel, kind), **_without_grafana_defaults(_panel_kwargs(panel, kind), kind)}
        )
        return Call(kind, func, args=[title, *queries], kwargs=kwargs)
    options = _dict(panel.get("options"))
    if (
        kind == "text"
        and not (panel.get("targets") or [])
        and set(options) <= {"mode", "content"}
        and isinstance(options.get("content", ""), str)
        and isinstance(options.get("mode", "markdown"), str)
    ):
        kwargs = {
            "title": title,
            "mode": options.get("mode", "markdown"),
            **_size(panel, "text"),
            "description": panel.get("description") or None,
            "transparent": panel.get("transparent"),
            "links": panel.get("links") or None,
        }
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        return Call("text", gdash.text, args=[options.get("content", "")], kwargs=_without_defaults(gdash.text, kwargs))
    return _generic_panel_call(panel, sources)


def _generic_panel_call(panel: dict[str, Any], sources: _Datasources) -> Call:
    kind = panel.get("type")
    title = _title(panel)
    queries = _queries(panel, sources)
    kwargs = {**_size(panel, "panel"), **_without_grafana_defaults(_panel_kwargs(panel, "panel"), str(kind))}
    if "thresholds" in kwargs and kwargs["thresholds"] is None:
        del kwargs["thresholds"]
    kwargs = _without_defaults(gdash.panel, kwargs)
    return Call(
        "panel", gdash.panel, args=[kind if isinstance(kind, str) else None, title, *(queries or [])], kwargs=kwargs
    )


def _variable_call(variable: dict[str, Any], sources: _Datasources) -> Call:
    """The helper call for one variable (the round trip puts what it misses into its ``extra``)."""
    call = _helper_variable_call(variable, sources)
    if not _buildable(call, compile_panel=False):
        name = variable.get("name") if isinstance(variable.get("name"), str) else ""
        call = Call("textbox", gdash.textbox, args=[name])
    return call


def _helper_variable_call(variable: dict[str, Any], sources: _Datasources) -> Call:
    kind = variable.get("type")
    name = variable.get("name", "") if isinstance(variable.get("name"), str) else ""
    label = variable.get("label") or None
    label = None if label == name else label
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query")
    hide = variable.get("hide", 0) == 2
    if kind == "datasource" and isinstance(query, str):
        kwargs = {
            "kind": query,
            "name": name,
            "label": label or name,
            "regex": variable.get("regex") or "",
            "hide": hide,
        }
        return Call("datasource_var", gdash.datasource_var, kwargs=_without_defaults(gdash.datasource_var, kwargs))
    if kind == "query" and isinstance(query, str):
        ref = variable.get("datasource") or {}
        var_kind = (ref.get("type") if isinstance(ref, dict) else None) or "prometheus"
        ok, datasource = sources.argument(ref, var_kind)
        kwargs = {
            "label": label,
            "multi": variable.get("multi", False),
            "include_all": variable.get("includeAll", False),
            "all_value": variable.get("allValue") or None,
            "regex": variable.get("regex") or None,
            "refresh": _REFRESH.get(variable.get("refresh", 1), "load"),
            "sort": _SORT.get(variable.get("sort", 0), "none"),
            "hide": hide,
            "datasource": datasource if ok else None,
            "kind": var_kind,
        }
        return Call("query_var", gdash.query_var, args=[name, query], kwargs=_without_defaults(gdash.query_var, kwargs))
    current = _dict(variable.get("current")).get("value")
    if kind in ("custom", "interval"):
        values = [v.strip() for v in str(query or "").split(",")]
        if kind == "custom":
            kwargs = {
                "default": current if isinstance(current, str) and current != values[0] else None,
                "label": label,
                "multi": variable.get("multi", False),
                "include_all": variable.get("includeAll", False),
                "all_value": variable.get("allValue") or None,
                "hide": hide,
            }
            return Call(
                "custom_var", gdash.custom_var, args=[name, values], kwargs=_without_defaults(gdash.custom_var, kwargs)
            )
        kwargs = {
            "values": values,
            "auto": variable.get("auto", False),
            "label": label,
            "hide": hide,
            "default": current if isinstance(current, str) and current != values[0] else None,
            "auto_count": variable.get("auto_count", 30),
            "auto_min": variable.get("auto_min", "10s"),
        }
        return Call(
            "interval_var", gdash.interval_var, args=[name], kwargs=_without_defaults(gdash.interval_var, kwargs)
        )
    if kind == "constant":
        return Call(
            "constant",
            gdash.constant,
            args=[name, str(query or "")],
            kwargs=_without_defaults(gdash.constant, {"label": label}),
        )
    if kind == "adhoc":
        ref = variable.get("datasource") or {}
        var_kind = (ref.get("type") if isinstance(ref, dict) else None) or "prometheus"
        ok, datasource = sources.argument(ref, var_kind)
        kwargs = {"label": label, "hide": hide, "datasource": datasource if ok else None, "kind": var_kind}
        return Call("adhoc", gdash.adhoc, args=[name], kwargs=_without_defaults(gdash.adhoc, kwargs))
    # textbox, and kinds without a helper (the round trip's extra= says the rest)
    kwargs = {"label": label, "hide": hide}
    return Call(
        "textbox", gdash.textbox, args=[name, str(query or "")], kwargs=_without_defaults(gdash.textbox, kwargs)
    )


def _link_call(item: dict[str, Any]) -> Call:
    kwargs = {
        "tags": item.get("tags") or [],
        "new_tab": item.get("targetBlank", False),
        "include_vars": item.get("includeVars", False),
        "keep_time": item.get("keepTime", False),
        "dropdown": item.get("asDropdown", False),
    }
    url = item.get("url", "") if item.get("type") == "link" else ""
    return Call(
        "link", gdash.link, args=[_title(item)] + ([url] if url else []), kwargs=_without_defaults(gdash.link, kwargs)
    )


class _Placement:
    """Replays gdash's automatic layout over the input's sizes, and writes ``x=``/``y=`` on a panel
    (``y=`` on a row) only where the flow would put it elsewhere than the input has it."""

    def __init__(self) -> None:
        self.cursor = Cursor()

    def panel(self, raw: dict[str, Any], call: Call) -> None:
        grid = _grid(raw)
        w, h = min(max(grid.get("w", 12), 1), GRID_WIDTH), max(grid.get("h", 8), 1)
        flow_x, flow_y = self.cursor.next_position(w)
        x, y = grid.get("x", flow_x), grid.get("y", flow_y)
        stub = core.Text()
        stub._gdash_size = (w, h)
        if (x, y) != (flow_x, flow_y):
            if x != flow_x:
                call.kwargs["x"] = x
            if y != flow_y:
                call.kwargs["y"] = y
            stub._gdash_pos = (x if x != flow_x else None, y if y != flow_y else None)
        self.cursor.place(stub)

    def row(self, raw: dict[str, Any], call: Call) -> int:
        self.cursor.new_line()
        y = _grid(raw).get("y", self.cursor.y)
        if y != self.cursor.y:
            call.kwargs["y"] = y
        self.cursor.y = self.cursor.bottom = y + ROW_HEIGHT
        return y

    def end_row(self, row_y: int, collapsed: bool) -> None:
        self.cursor.new_line()
        if collapsed:
            self.cursor.y = self.cursor.bottom = row_y + ROW_HEIGHT


def _layout(model: dict[str, Any], sources: _Datasources) -> tuple[list[Call], list[Call], list[dict[str, Any]]]:
    """(loose panel calls, row calls, the input panels in the order the calls compile them)."""
    loose: list[Call] = []
    rows: list[Call] = []
    order: list[dict[str, Any]] = []
    current: Call | None = None
    place = _Placement()
    row_state: tuple[int, bool] | None = None
    for panel in model.get("panels") or []:
        if panel.get("type") == "row":
            if row_state is not None:
                place.end_row(*row_state)
            kwargs = {"collapsed": bool(panel.get("collapsed")), "repeat": panel.get("repeat") or None}
            current = Call("Row", gdash.Row, args=[_title(panel)], kwargs=_without_defaults(gdash.Row, kwargs))
            row_state = (place.row(panel, current), bool(panel.get("collapsed")))
            rows.append(current)
            order.append(panel)
            for child in panel.get("panels") or []:
                call = _panel_call(child, sources)
                place.panel(child, call)
                current.args.append(call)
                order.append(child)
        else:
            call = _panel_call(panel, sources)
            if current is None:
                place.panel(panel, call)
                loose.append(call)
            else:
                place.panel(panel, call)
                current.args.append(call)
            order.append(panel)
    return loose, rows, order


def _dashboard_call(model: dict[str, Any], sources: _Datasources, folder: str | None) -> tuple[Call, list[dict]]:
    loose, rows, order = _layout(model, sources)
    variables = [_variable_call(v, sources) for v in (model.get("templating") or {}).get("list") or []]
    time = _dict(model.get("time"))
    kwargs: dict[str, Any] = {
        "uid": model.get("uid") if isinstance(model.get("uid"), str) and model.get("uid") else slug(_title(model)),
        "folder": folder,
        "description": model.get("description", ""),
        "tags": sorted(t for t in model.get("tags") or [] if isinstance(t, str)),
        "time": (time.get("from", "now-6h"), time.get("to", "now")),
        "refresh": model.get("refresh") or "",
        "timezone": model.get("timezone", ""),
        "tooltip": _TOOLTIPS.get(model.get("graphTooltip", 0), "default"),
        "editable": model.get("editable", True),
        "links": [_link_call(item) for item in model.get("links") or []],
        "variables": variables,
        "panels": loose,
        "rows": rows,
    }
    call = Call("Dashboard", gdash.Dashboard, args=[_title(model)], kwargs=_without_defaults(gdash.Dashboard, kwargs))
    return call, order


def _compile(tree: Call) -> dict[str, Any]:
    board = evaluate(tree)
    return compile_dashboard(board, root=Path.cwd(), default_folder="General", fallback=Location("<import>")).model


def _panel_calls(tree: Call) -> list[Call]:
    """Call per compiled panel, in compile order (a row, then the panels it holds)."""
    calls: list[Call] = list(tree.kwargs.get("panels", []))
    for row in tree.kwargs.get("rows", []):
        calls.append(row)
        calls.extend(row.args[1:])
    return calls


def _label(panel: dict[str, Any]) -> str:
    return f"panel {_title(panel)!r}" if panel.get("type") != "row" else f"row {_title(panel)!r}"


def import_dashboard(document: Any, *, location: Location, folder: str | None = None) -> ImportedDashboard:
    """Import one dashboard document (bare model or ``{"dashboard": ..., "meta": ...}``).

    Input that is not a dashboard, or not one Grafana could load, raises ``ConfigError`` naming the
    file and the JSON path (``shape.check_dashboard``); nothing else escapes as a traceback.
    """
    if folder is None and isinstance(document, dict) and isinstance(document.get("meta"), dict):
        folder = document["meta"].get("folderTitle") or None
        folder = folder if isinstance(folder, str) else None
    if not isinstance(document, dict):
        check_dashboard(document, location)  # "$: expected an object, got ..."
    try:
        model = unwrap(document, location)
    except GdashError as error:
        raise _at_path(error, "$") from None
    v2 = is_v2_spec(model)
    if not v2:  # a v2 spec (Grafana 13) is checked by its conversion, and its v1 result below
        check_dashboard(model, location)
    try:
        return _import_dashboard(model, location, folder, converted=v2)
    except AuthoringError as error:  # a helper refused a value: the input's, so say where the input is
        raise ConfigError(
            f"$: {error.message}",
            location=location,
            hint="Grafana would not load this value either; fix it in the JSON",
        ) from None
    except GdashError as error:
        raise _at_path(
            error,
            "$.schemaVersion" if "schemaVersion" in error.message else "$.rows" if "rows" in error.message else "$",
        ) from None
    except (RecursionError, MemoryError):
        raise ConfigError("$: too deeply nested or too large to import", location=location) from None
    except Exception as error:  # noqa: BLE001 - one line, never a traceback (an importer bug shows its type)
        raise ConfigError(
            f"$: cannot import this dashboard ({type(error).__name__}: {error})"[:300],
            location=location,
            hint="please report it with the file",
        ) from None


def _at_path(error: GdashError, path: str) -> GdashError:
    """``error`` with a JSON path in front of its message, if it has none (the migration's messages)."""
    if not error.message.startswith("$"):
        error.message = f"{path}: {error.message}"
        error.args = (error.message,)
    return error


def _leaf_panels(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-row panels in order, from ``panels`` (rows and their children) or legacy ``rows[]``."""
    found = []
    containers = (
        [document.get("panels")] + [r.get("panels") for r in document.get("rows") or [] if isinstance(r, dict)]
        if isinstance(document.get("rows"), list)
        else [document.get("panels")]
    )
    for panels in containers:
        for panel in iter_panels(panels if isinstance(panels, list) else None):
            if isinstance(panel, dict) and panel.get("type") != "row":
                found.append(panel)
    return found


def _drop_replaced_plugin_keys(document: dict[str, Any], migrated: dict[str, Any]) -> None:
    """Panels the migration converted to another type keep only what Grafana keeps on a plugin
    change (gdash.migration.MUST_KEEP_PROPS), and the options the new plugin wrote. Panels are matched in order (the migration keeps it; legacy rows' panels have no ids to match)."""
    before, after = _leaf_panels(document), _leaf_panels(migrated)
    if len(before) != len(after):
        return
    for old, panel in zip(before, after):
        if old.get("type") != panel.get("type"):
            drop_old_plugin_props(panel)


def _import_dashboard(
    document: dict[str, Any], location: Location, folder: str | None, converted: bool = False
) -> ImportedDashboard:
    notes: list[str] = []
    migrated = migrate_dashboard(finite(document), location, notes)
    if converted:
        check_dashboard(migrated, location)
    _drop_replaced_plugin_keys(document, migrated)
    model = as_loaded(migrated, notes)
    if not isinstance(model.get("uid"), str) or not model["uid"]:  # Grafana gives it one on import: so do we
        model["uid"] = slug(_title(model))
        notes.append(f"dashboard has no uid: imported as uid {model['uid']!r}")
    sources = _Datasources((model.get("templating") or {}).get("list") or [])
    for kind in sources.reserve_defaults(model):
        notes.append(
            f"queries that name no datasource use the default {kind} one: built as the logical datasource "
            f"{kind!r} (map it under environments.<env>.datasources in gdash.yaml)"
        )
    tree, order = _dashboard_call(model, sources, folder)
    imported = ImportedDashboard(
        uid=tree.kwargs["uid"], title=tree.args[0], folder=folder, tree=tree, original=model, notes=notes
    )
    want = canonical_dashboard(model)
    mapping = sources.mapping()
    got = canonical_dashboard(_compile(tree), mapping)
    if _variable_extras(imported, want, got, model):
        got = canonical_dashboard(_compile(tree), mapping)
    dashboard_extra = residual(
        {k: v for k, v in want.items() if k != "panels"}, {k: v for k, v in got.items() if k != "panels"}, model
    )
    for key, helper_kwarg in (("templating", "variables"), ("links", "links")):
        if key in dashboard_extra:  # a list: written whole, instead of the helpers
            dashboard_extra[key] = model.get(key)
            tree.kwargs.pop(helper_kwarg, None)
    if dashboard_extra:
        tree.kwargs["extra"] = dashboard_extra
        imported.escapes.append(f"dashboard: {', '.join(_paths(dashboard_extra))}")
        got = canonical_dashboard(_compile(tree), mapping)
    want_panels, got_panels = list(iter_panels(want.get("panels", []))), list(iter_panels(got.get("panels", [])))
    for raw, call, want_panel, got_panel in zip(order, _panel_calls(tree), want_panels, got_panels):
        extra = residual(_without_children(want_panel), _without_children(got_panel), raw)
        if "targets" in extra and _query_extras(call, want_panel, got_panel, raw, imported):
            del extra["targets"]
        if extra:
            if "targets" in extra:  # a query the helpers cannot write: the list goes whole into extra
                _drop_queries(call)
            call.kwargs["extra"] = extra
            imported.escapes.append(f"{_label(raw)}: {', '.join(_paths(extra))}")
    imported.datasources = sources.mapping()
    imported.unexpressed = differences(want, canonical_dashboard(_compile(tree), imported.datasources))
    return imported


def _variable_extras(
    imported: ImportedDashboard, want: dict[str, Any], got: dict[str, Any], model: dict[str, Any]
) -> bool:
    """Whatever a variable helper did not reproduce goes into that variable's ``extra`` (True: some did)."""
    calls = imported.tree.kwargs.get("variables") or []
    wanted = (want.get("templating") or {}).get("list") or []
    compiled = (got.get("templating") or {}).get("list") or []
    raws = (model.get("templating") or {}).get("list") or []
    if not (len(calls) == len(wanted) == len(compiled) == len(raws)):
        return False  # the dashboard-level residual writes the list whole
    changed = False
    for call, want_variable, got_variable, raw in zip(calls, wanted, compiled, raws):
        extra = residual(want_variable, got_variable, raw)
        if extra:
            call.kwargs["extra"] = extra
            imported.escapes.append(f"variable {raw.get('name', '')!r}: {', '.join(_paths(extra))}")
            changed = True
    return changed


def _query_extras(
    call: Call, want: dict[str, Any], got: dict[str, Any], raw: dict[str, Any], imported: ImportedDashboard
) -> bool:
    """Where each query was written by a helper, its differences go into that query's ``extra``
    (True); otherwise (another count, no helper calls) the panel's ``extra`` takes the list."""
    queries = [a for a in call.args if isinstance(a, Call) and a.name in ("prom", "loki", "query")]
    wanted, compiled, raws = want.get("targets") or [], got.get("targets") or [], raw.get("targets") or []
    if not queries or not (len(queries) == len(wanted) == len(compiled) == len(raws)):
        return False
    for query, want_target, got_target, raw_target in zip(queries, wanted, compiled, raws):
        extra = residual(want_target, got_target, raw_target)
        if extra:
            query.kwargs["extra"] = {**query.kwargs.get("extra", {}), **extra}
            imported.escapes.append(
                f"{_label(raw)}: query {want_target.get('refId', '')!r}: {', '.join(_paths(extra))}"
            )
    return True


def _drop_queries(call: Call) -> None:
    call.kwargs.pop("targets", None)
    call.args[:] = [a for a in call.args if not (isinstance(a, Call) and a.name in ("prom", "loki", "query"))]


def _without_children(panel: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in panel.items() if k != "panels"} if panel.get("type") == "row" else panel


def _paths(extra: dict[str, Any], prefix: str = "") -> list[str]:
    paths = []
    for key, value in extra.items():
        if isinstance(value, dict) and value and key not in ("templating",):
            paths += _paths(value, f"{prefix}{key}.")
        else:
            paths.append(f"{prefix}{key}")
    return paths
