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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from grafanalib import core

import gdash

from ..compile import compile_dashboard
from ..errors import Location
from .compare import canonical_dashboard, differences
from .input_schema import check_input
from .migrate import SPECIAL_UIDS, migrate_dashboard, unwrap
from .pysource import Call, evaluate
from .residual import residual

_TOOLTIPS = {0: "default", 1: "shared crosshair", 2: "shared tooltip"}
_REFRESH = {0: "never", 1: "load", 2: "time"}
_SORT = {0: "none", 1: "alpha", 2: "alpha-desc", 3: "numeric", 4: "numeric-desc", 7: "natural"}
_HELPER_TYPES = {"timeseries", "stat", "gauge", "bargauge", "table", "logs"}
# Panel types with a grafanalib class but no gdash helper: imported as that class plus ``extraJson``.
_GRAFANALIB_CLASSES = {"piechart": "PieChartv2", "heatmap": "Heatmap", "histogram": "Histogram",
                       "state-timeline": "StateTimeline", "barchart": "BarChart", "news": "News",
                       "dashlist": "DashboardList", "text": "Text"}


def _gdash(name: str, **kwargs: Any) -> Call:
    return Call(name, getattr(gdash, name), kwargs=kwargs)


def _core(name: str, **kwargs: Any) -> Call:
    return Call(f"core.{name}", getattr(core, name), kwargs=kwargs, module="grafanalib")


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
        self.first_variable: dict[str, str] = {}
        self.variable_names = {v.get("name") for v in variables}
        for variable in variables:
            if variable.get("type") == "datasource":
                self.first_variable.setdefault(variable.get("query"), variable["name"])
        self.names: dict[tuple[str, str], str] = {}

    def logical(self, kind: str, uid: str) -> str:
        if (kind, uid) not in self.names:
            taken = set(self.names.values())
            name = kind if kind not in taken else next(f"{kind}-{n}" for n in range(2, 1000) if f"{kind}-{n}" not in taken)
            self.names[(kind, uid)] = name
        return self.names[(kind, uid)]

    def argument(self, ref: Any, kind: str) -> tuple[bool, str | None]:
        """(expressible, the ``datasource=`` argument) for a query or variable of ``kind``."""
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
        return {name: uid for (_, uid), name in sorted(self.names.items())}


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


def _thresholds(defaults: dict[str, Any]) -> list[Any] | None:
    steps = (defaults.get("thresholds") or {}).get("steps")
    if not steps:
        return None
    pairs = [(None if i == 0 else s.get("value"), s.get("color")) for i, s in enumerate(steps)]
    if pairs == [(None, "green")]:
        return None  # every helper's default
    numbers = [v for v, _ in pairs[1:]]
    if pairs[0][1] == "green" and 1 <= len(numbers) <= 3 and all(isinstance(v, (int, float)) for v in numbers):
        short_colors = ["yellow", "orange", "red"][-len(numbers):]
        if [c for _, c in pairs[1:]] == short_colors:
            return numbers
    return [tuple(p) for p in pairs]


def _queries(panel: dict[str, Any], sources: _Datasources) -> list[Call] | None:
    """Helper calls for the panel's queries, or None when one of them needs more than prom()/loki()."""
    calls = []
    targets = panel.get("targets") or []
    # compile names queries A, B, C ... in order: write ref_id only where the input does otherwise
    automatic = [t.get("refId") for t in targets] == list(letters.ascii_uppercase[:len(targets)])
    for target in targets:
        ref = target.get("datasource") or {}
        kind = "loki" if ref.get("type") == "loki" else "prometheus"
        ok, datasource = sources.argument(ref, kind)
        if not ok or "expr" not in target:
            return None
        kwargs: dict[str, Any] = {"legend": target.get("legendFormat", ""), "datasource": datasource}
        if not automatic and target.get("refId"):
            kwargs["ref_id"] = target["refId"]
        if kind == "prometheus":
            kwargs.update(instant=bool(target.get("instant", False)), interval=target.get("interval", ""),
                          format=target.get("format", "time_series"))
            func, name = gdash.prom, "prom"
        else:
            func, name = gdash.loki, "loki"
        kwargs = _without_defaults(func, kwargs)
        legend = kwargs.pop("legend", None)
        args = [target["expr"]] + ([legend] if legend is not None else [])
        calls.append(Call(name, func, args=args, kwargs=kwargs))
    return calls


def _size(panel: dict[str, Any], kind: str) -> dict[str, Any]:
    grid = panel.get("gridPos") or {}
    default_w, default_h = gdash.authoring.panels.DEFAULT_SIZES.get(kind, (12, 8))
    sizes = {}
    if grid.get("w", default_w) != default_w:
        sizes["w"] = grid["w"]
    if grid.get("h", default_h) != default_h:
        sizes["h"] = grid["h"]
    return sizes


def _panel_kwargs(panel: dict[str, Any]) -> dict[str, Any]:
    kind = panel["type"]
    defaults = (panel.get("fieldConfig") or {}).get("defaults") or {}
    custom = defaults.get("custom") or {}
    options = panel.get("options") or {}
    reduce_calcs = (options.get("reduceOptions") or {}).get("calcs") or []
    kwargs: dict[str, Any] = {}
    if kind in ("timeseries", "stat", "gauge", "bargauge", "table"):
        kwargs.update(unit=defaults.get("unit"), decimals=defaults.get("decimals"),
                      thresholds=_thresholds(defaults), mappings=defaults.get("mappings") or None,
                      transformations=panel.get("transformations") or None,
                      repeat=panel.get("repeat") or None)
    if kind in ("timeseries", "stat", "gauge", "bargauge"):
        kwargs.update(min=defaults.get("min"), max=defaults.get("max"))
    if kind in ("stat", "gauge", "bargauge") and len(reduce_calcs) == 1:
        kwargs["reduce"] = reduce_calcs[0]
    if kind == "timeseries":
        legend = options.get("legend") or {}
        kwargs.update(
            legend="hidden" if legend.get("showLegend") is False else legend.get("displayMode", "list"),
            legend_placement=legend.get("placement", "bottom"), legend_calcs=legend.get("calcs") or None,
            stack=(custom.get("stacking") or {}).get("mode") == "normal", fill=custom.get("fillOpacity", 0),
            draw=custom.get("drawStyle", "line"),
            overrides=(panel.get("fieldConfig") or {}).get("overrides") or None)
    elif kind == "stat":
        kwargs.update(graph=options.get("graphMode", "area") != "none", color_mode=options.get("colorMode", "value"),
                      text_mode=options.get("textMode", "auto"))
    elif kind == "bargauge":
        kwargs.update(display=options.get("displayMode", "gradient"), orientation=options.get("orientation", "horizontal"))
    elif kind == "table":
        sort_by = options.get("sortBy") or []
        if len(sort_by) == 1:
            kwargs.update(sort_by=sort_by[0].get("displayName"), sort_desc=bool(sort_by[0].get("desc")))
        kwargs["overrides"] = (panel.get("fieldConfig") or {}).get("overrides") or None
    elif kind == "logs":
        kwargs.update(show_time=options.get("showTime", False), wrap=options.get("wrapLogMessage", False),
                      newest_first=options.get("sortOrder", "Descending") == "Descending",
                      details=options.get("enableLogDetails", True))
    if kind in ("gauge", "bargauge") and kwargs["thresholds"] is None:
        kwargs["thresholds"] = [(None, "green")]
    if panel.get("links"):
        kwargs["links"] = panel["links"]
    kwargs["description"] = panel.get("description") or None
    # None is meaningful for these two: gauge() defaults to thresholds (70, 90) and max=100
    return {k: v for k, v in kwargs.items() if v is not None or k in ("thresholds", "max")}


def _panel_call(panel: dict[str, Any], sources: _Datasources) -> Call:
    kind = panel.get("type")
    title = panel.get("title", "")
    queries = _queries(panel, sources)
    if kind in _HELPER_TYPES and queries is not None:
        func = getattr(gdash, kind)
        kwargs = _without_defaults(func, {**_size(panel, kind), **_panel_kwargs(panel)})
        return Call(kind, func, args=[title, *queries], kwargs=kwargs)
    if kind == "text" and not (panel.get("targets") or []):
        options = panel.get("options") or {}
        kwargs = {"title": title, "mode": options.get("mode", "markdown"), **_size(panel, "text")}
        return Call("text", gdash.text, args=[options.get("content", "")], kwargs=_without_defaults(gdash.text, kwargs))
    grid = panel.get("gridPos") or {}
    kwargs = {"title": title, "gridPos": _core("GridPos", h=grid.get("h", 8), w=grid.get("w", 12), x=0, y=0)}
    if queries:
        kwargs["targets"] = queries
    return _core(_GRAFANALIB_CLASSES.get(kind, "Text"), **kwargs)


def _variable_call(variable: dict[str, Any], sources: _Datasources) -> Call | None:
    kind = variable.get("type")
    name = variable.get("name", "")
    label = variable.get("label") or None
    label = None if label == name else label
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query")
    if kind == "datasource":
        kwargs = {"kind": query, "name": name, "label": label or name, "regex": variable.get("regex") or ""}
        return Call("datasource_var", gdash.datasource_var, kwargs=_without_defaults(gdash.datasource_var, kwargs))
    if kind == "query" and isinstance(query, str):
        ref = variable.get("datasource") or {}
        var_kind = ref.get("type") or "prometheus"
        ok, datasource = sources.argument(ref, var_kind)
        if not ok or variable.get("refresh", 1) not in _REFRESH or variable.get("sort", 0) not in _SORT:
            return None
        kwargs = {"label": label, "multi": variable.get("multi", False), "include_all": variable.get("includeAll", False),
                  "all_value": variable.get("allValue") or None, "regex": variable.get("regex") or None,
                  "refresh": _REFRESH[variable.get("refresh", 1)], "sort": _SORT[variable.get("sort", 0)],
                  "hide": variable.get("hide", 0) == 2, "datasource": datasource, "kind": var_kind}
        return Call("query_var", gdash.query_var, args=[name, query],
                    kwargs=_without_defaults(gdash.query_var, kwargs))
    values = [v.strip() for v in str(query or "").split(",")]
    current = (variable.get("current") or {}).get("value")
    if kind == "custom":
        kwargs = {"default": current if isinstance(current, str) and current != values[0] else None, "label": label,
                  "multi": variable.get("multi", False), "include_all": variable.get("includeAll", False)}
        return Call("custom_var", gdash.custom_var, args=[name, values],
                    kwargs=_without_defaults(gdash.custom_var, kwargs))
    if kind == "interval":
        kwargs = {"values": values, "auto": variable.get("auto", False), "label": label}
        return Call("interval_var", gdash.interval_var, args=[name], kwargs=_without_defaults(gdash.interval_var, kwargs))
    return None


def _link_call(item: dict[str, Any]) -> Call:
    kwargs = {"tags": item.get("tags") or [], "new_tab": item.get("targetBlank", False),
              "include_vars": item.get("includeVars", False), "keep_time": item.get("keepTime", False),
              "dropdown": item.get("asDropdown", False)}
    url = item.get("url", "") if item.get("type") == "link" else ""
    return Call("link", gdash.link, args=[item.get("title", "")] + ([url] if url else []),
                kwargs=_without_defaults(gdash.link, kwargs))


def flat_panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Panels in compile order: each row, then its collapsed children (expanded ones follow it anyway)."""
    for panel in panels:
        yield panel
        if panel.get("type") == "row":
            yield from panel.get("panels") or []


def _layout(model: dict[str, Any], sources: _Datasources) -> tuple[list[Call], list[Call], list[dict[str, Any]]]:
    """(loose panel calls, row calls, the input panels in the order the calls compile them)."""
    loose: list[Call] = []
    rows: list[Call] = []
    order: list[dict[str, Any]] = []
    current: Call | None = None
    for panel in model.get("panels") or []:
        if panel.get("type") == "row":
            kwargs = {"collapsed": bool(panel.get("collapsed")), "repeat": panel.get("repeat") or None}
            current = Call("Row", gdash.Row, args=[panel.get("title", "")],
                           kwargs=_without_defaults(gdash.Row, kwargs))
            rows.append(current)
            order.append(panel)
            for child in panel.get("panels") or []:
                current.args.append(_panel_call(child, sources))
                order.append(child)
        else:
            (current.args if current else loose).append(_panel_call(panel, sources))
            order.append(panel)
    return loose, rows, order


def _dashboard_call(model: dict[str, Any], sources: _Datasources, folder: str | None) -> tuple[Call, list[dict]]:
    loose, rows, order = _layout(model, sources)
    variables = [_variable_call(v, sources) for v in (model.get("templating") or {}).get("list") or []]
    time = model.get("time") or {}
    kwargs: dict[str, Any] = {
        "uid": model.get("uid") or slug(model.get("title", "")),
        "folder": folder,
        "description": model.get("description", ""),
        "tags": sorted(model.get("tags") or []),
        "time": (time.get("from", "now-6h"), time.get("to", "now")),
        "refresh": model.get("refresh") or "",
        "timezone": model.get("timezone", ""),
        "tooltip": _TOOLTIPS.get(model.get("graphTooltip", 0), "default"),
        "editable": model.get("editable", True),
        "links": [_link_call(item) for item in model.get("links") or []],
        "variables": variables if None not in variables else [],
        "panels": loose,
        "rows": rows,
    }
    call = Call("Dashboard", gdash.Dashboard, args=[model.get("title", "")],
                kwargs=_without_defaults(gdash.Dashboard, kwargs))
    return call, order


def _compile(tree: Call) -> dict[str, Any]:
    board = evaluate(tree)
    return compile_dashboard(board, root=Path.cwd(), default_folder="General", fallback=Location("<import>")).model


def _panel_calls(tree: Call) -> list[Call | None]:
    """Call per compiled panel, in compile order (rows have no ``extra``: None)."""
    calls: list[Call | None] = list(tree.kwargs.get("panels", []))
    for row in tree.kwargs.get("rows", []):
        calls.append(None)
        calls.extend(row.args[1:])
    return calls


def _label(panel: dict[str, Any]) -> str:
    return f"panel {panel.get('title', '')!r}" if panel.get("type") != "row" else f"row {panel.get('title', '')!r}"


def _set_extra(call: Call, extra: dict[str, Any]) -> None:
    if call.name == "text":  # text() has no escape hatch: the same panel as grafanalib's Text
        w, h = gdash.authoring.panels.DEFAULT_SIZES["text"]
        size = _core("GridPos", h=call.kwargs.pop("h", h), w=call.kwargs.pop("w", w), x=0, y=0)
        call.kwargs = {"title": "", **call.kwargs, "content": call.args[0], "gridPos": size}
        call.name, call.func, call.module, call.args = "core.Text", core.Text, "grafanalib", []
    call.kwargs["extraJson" if call.module == "grafanalib" else "extra"] = extra


def import_dashboard(document: Any, *, location: Location, folder: str | None = None) -> ImportedDashboard:
    """Import one dashboard document (bare model or ``{"dashboard": ..., "meta": ...}``)."""
    check_input(document, "dashboard_document", "a dashboard", location)
    if folder is None and isinstance(document, dict) and isinstance(document.get("meta"), dict):
        folder = document["meta"].get("folderTitle") or None
    notes: list[str] = []
    model = migrate_dashboard(unwrap(document, location), location, notes)
    sources = _Datasources((model.get("templating") or {}).get("list") or [])
    tree, order = _dashboard_call(model, sources, folder)
    imported = ImportedDashboard(uid=tree.kwargs["uid"], title=tree.args[0], folder=folder, tree=tree,
                                 original=model, notes=notes)
    want = canonical_dashboard(model)
    mapping = sources.mapping()
    got = canonical_dashboard(_compile(tree), mapping)
    dashboard_extra = residual({k: v for k, v in want.items() if k != "panels"},
                               {k: v for k, v in got.items() if k != "panels"}, model)
    for key, helper_kwarg in (("templating", "variables"), ("links", "links")):
        if key in dashboard_extra:  # a list: written whole, instead of the helpers
            dashboard_extra[key] = model.get(key)
            tree.kwargs.pop(helper_kwarg, None)
    if dashboard_extra:
        tree.kwargs["extra"] = dashboard_extra
        imported.escapes.append(f"dashboard: {', '.join(_paths(dashboard_extra))}")
        got = canonical_dashboard(_compile(tree), mapping)
    want_panels, got_panels = list(flat_panels(want.get("panels", []))), list(flat_panels(got.get("panels", [])))
    for raw, call, want_panel, got_panel in zip(order, _panel_calls(tree), want_panels, got_panels):
        extra = residual(_without_children(want_panel), _without_children(got_panel), raw)
        if extra and call is not None:
            if "targets" in extra:  # a query prom()/loki() cannot write: the list goes whole into extra
                _drop_queries(call)
            _set_extra(call, extra)
            imported.escapes.append(f"{_label(raw)}: {', '.join(_paths(extra))}")
    imported.datasources = sources.mapping()
    imported.unexpressed = differences(want, canonical_dashboard(_compile(tree), imported.datasources))
    return imported


def _drop_queries(call: Call) -> None:
    call.kwargs.pop("targets", None)
    call.args[:] = [a for a in call.args if not (isinstance(a, Call) and a.name in ("prom", "loki"))]


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
