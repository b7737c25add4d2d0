"""One-line panels over grafanalib's panel classes.

Every helper takes the panel title and its queries (``text`` takes its content), its own keywords,
and the keywords common to all panels (:class:`PanelOptions`, one mechanism: :func:`_helper`):

- ``description``, ``links``, ``repeat`` (a variable name) with ``repeat_direction``/``max_per_row``,
  ``transformations``, ``overrides`` (field overrides: ``[{"matcher": ..., "properties": [...]}]``);
- the panel settings Grafana shows on every panel: ``color`` (a colour such as ``"#FF9830"`` or
  ``"red"`` for a fixed colour, or a colour mode such as ``"palette-classic"``), ``no_value``,
  ``unit_scale`` (Grafana 10.4's unit scaling switch), ``interval`` (minimum query interval),
  ``max_data_points``, ``time_from``/``time_shift`` (relative time and shift), ``hide_time_override``,
  ``transparent``, ``mixed`` (the panel is "-- Mixed --", each query naming its own datasource);
- ``w``/``h`` (grid size; the layout places the panel) and ``x``/``y`` (an explicit grid position, for
  layouts the automatic flow cannot produce);
- ``extra``: a dict deep-merged into the panel JSON last, the escape hatch for anything the helpers
  do not express (a ``None`` value removes a key).

Every helper but ``logs`` and ``text`` also takes ``decimals``, ``mappings`` and ``thresholds_mode``
(:class:`ValueOptions`), and ``unit``, ``thresholds`` (and ``min``/``max``, but for ``table``) with
defaults of its kind (``gauge``: percent, 0 to 100, thresholds 70/90).
``panel(type, title, *queries, options=..., custom=...)`` writes any other panel plugin.

``thresholds`` is a list of ``(value, color)`` pairs, the first value ``None`` (the base), e.g.
``[(None, "green"), (80, "orange"), (90, "red")]``; or plain numbers, coloured green → red.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypedDict, TypeVar, Unpack, cast

from grafanalib import core

from ..grafanalib_ext import GenericPanel
from . import checks
from .source import remember

# Default grid sizes by panel kind (Grafana's grid is 24 columns wide, a unit of height is 30 px).
DEFAULT_SIZES = {
    "timeseries": (12, 8),
    "stat": (6, 4),
    "gauge": (6, 6),
    "bargauge": (12, 8),
    "table": (24, 8),
    "logs": (24, 10),
    "text": (24, 3),
    "panel": (12, 8),
}

_THRESHOLD_COLORS = ["red", "orange", "yellow"]

Thresholds = Iterable[float | int | tuple[float | int | None, str]]


def threshold_steps(thresholds: Thresholds | None) -> list[core.Threshold]:
    """Threshold steps as grafanalib ``Threshold`` objects (base step first)."""
    if thresholds is None:
        return []
    items: list[Any] = list(thresholds)
    if items and not isinstance(items[0], tuple):
        colors = _THRESHOLD_COLORS[: len(items)][::-1]
        items = [(None, "green")] + list(zip(items, colors))
    elif items and items[0][0] is not None:
        items = [(None, "green")] + items
    return [
        core.Threshold(color, index, 0.0 if value is None else float(value))
        for index, (value, color) in enumerate(items)
    ]


def _given(**values: Any) -> dict[str, Any]:
    """The keyword arguments that were given (``None`` means "leave Grafana's default")."""
    return {k: v for k, v in values.items() if v is not None}


def _field_defaults(**fields: Any) -> dict[str, Any]:
    defaults = {k: v for k, v in _given(**fields).items() if v != []}
    return {"fieldConfig": {"defaults": defaults}} if defaults else {}


def _overlay(base: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    """``extra`` laid over ``base`` (nested dicts merged), keeping ``None``: it removes the key later."""
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _overlay(base[key], value)
        else:
            base[key] = value
    return base


def _no_unit(extra_json: dict[str, Any], unit: str | None) -> str:
    """grafanalib insists on a unit string; ``unit=None`` (no unit, as Grafana allows) removes it again."""
    if unit is None:
        _overlay(extra_json, {"fieldConfig": {"defaults": {"unit": None}}})
    return unit or ""


def _color(color: str | dict[str, Any] | None) -> dict[str, Any] | None:
    """``"#FF9830"``/``"red"`` -> a fixed colour; ``"palette-classic"``, ``"thresholds"``, ``"continuous-..."``,
    ``"shades"`` ... -> that colour mode; a dict is written as given."""
    if color is None or isinstance(color, dict):
        return color
    modes = ("palette-classic", "palette-classic-by-name", "thresholds", "fixed", "shades")
    if color in modes or color.startswith(("continuous-", "palette-")):
        return {"mode": color}
    return {"fixedColor": color, "mode": "fixed"}


class PanelOptions(TypedDict, total=False):
    """The keywords every panel helper takes (see the module docstring), each unset (``None``) by default.

    A helper is written ``def helper(title, *targets, <its own keywords>, **common: Unpack[PanelOptions])``
    and decorated with :func:`_helper`, which puts these keywords into its signature and checks them.
    """

    description: str | None
    links: list[Any] | None
    repeat: str | None
    repeat_direction: str | None
    max_per_row: int | None
    transformations: list[dict[str, Any]] | None
    overrides: list[dict[str, Any]] | None
    color: str | dict[str, Any] | None
    no_value: str | None
    unit_scale: bool | None
    interval: str | None
    max_data_points: int | None
    time_from: str | None
    time_shift: str | None
    hide_time_override: bool | None
    transparent: bool | None
    mixed: bool | None
    x: int | None
    y: int | None
    w: int | None
    h: int | None
    extra: dict[str, Any] | None


class ValueOptions(PanelOptions, total=False):
    """:class:`PanelOptions` plus the keywords of every panel that shows values (all but ``logs`` and ``text``)."""

    decimals: int | None
    mappings: list[dict[str, Any]] | None
    thresholds_mode: str | None


_F = TypeVar("_F", bound=Callable[..., Any])


def _helper(options: type[PanelOptions]) -> Callable[[_F], _F]:
    """Make ``function`` (``**common: Unpack[options]``) a panel helper: its signature (``help()``,
    ``inspect.signature``) lists each common keyword with its default ``None``; an unknown keyword is
    Python's own TypeError; every argument is checked (:func:`checks.call`) before the body runs."""

    def decorate(function: _F) -> _F:
        own = [p for p in inspect.signature(function).parameters.values() if p.kind is not p.VAR_KEYWORD]
        names = {p.name for p in own}
        hints = {k: getattr(v, "__forward_arg__", v) for k, v in options.__annotations__.items()}
        added = [
            inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=v) for k, v in hints.items()
        ]
        signature = inspect.signature(function).replace(parameters=own + [p for p in added if p.name not in names])
        parameters = list(signature.parameters.values())
        positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        spread = next((p.name for p in parameters if p.kind is p.VAR_POSITIONAL), None)
        # every argument, in the order locals() had them (``*targets`` last), at its default until given
        defaults = {p.name: p.default for p in parameters if p.kind is not p.VAR_POSITIONAL}
        required = {p.name for p in parameters if p.default is p.empty and p.kind is not p.VAR_POSITIONAL}

        @functools.wraps(function)
        def helper(*args: Any, **kwargs: Any) -> Any:
            for key in kwargs:
                if key not in defaults:
                    raise TypeError(f"{function.__name__}() got an unexpected keyword argument {key!r}")
            arguments = dict(defaults)
            arguments.update(zip(positional, args))
            arguments.update(kwargs)
            if spread is not None:
                arguments[spread] = args[len(positional) :]
            if (
                (spread is None and len(args) > len(positional))
                or any(name in kwargs for name in positional[: len(args)])
                or any(arguments[name] is inspect.Parameter.empty for name in required)
            ):
                return function(*args, **kwargs)  # Python's own TypeError (a missing or repeated argument)
            checks.call(function.__name__, arguments)
            return function(*args, **kwargs)

        helper.__signature__ = signature  # type: ignore[attr-defined]
        return cast(_F, helper)

    return decorate


def _settings(common: PanelOptions, *, overrides: bool = True) -> dict[str, Any]:
    """The JSON of the settings every panel has (see the module docstring); unset ones write nothing.
    ``overrides=False``: the panel's class writes the field overrides itself."""
    json: dict[str, Any] = {}
    if common.get("mixed"):
        json["datasource"] = {"type": "datasource", "uid": "-- Mixed --"}
    for key, name in (
        ("interval", "interval"),
        ("maxDataPoints", "max_data_points"),
        ("timeFrom", "time_from"),
        ("timeShift", "time_shift"),
        ("hideTimeOverride", "hide_time_override"),
        ("transparent", "transparent"),
        ("repeatDirection", "repeat_direction"),
        ("maxPerRow", "max_per_row"),
    ):
        value = common.get(name)
        if value is not None:
            json[key] = value
    defaults = _given(
        color=_color(common.get("color")), noValue=common.get("no_value"), unitScale=common.get("unit_scale")
    )
    if defaults:
        json["fieldConfig"] = {"defaults": defaults}
    if overrides and common.get("overrides"):
        json.setdefault("fieldConfig", {})["overrides"] = common.get("overrides")
    return json


_P = TypeVar("_P", bound=core.Panel)


def _build(
    cls: Callable[..., _P],
    kind: str,
    title: str,
    targets: tuple[core.Target, ...],
    common: PanelOptions,
    *,
    extra_json: dict[str, Any] | None = None,
    thresholds: Thresholds | None = None,
    own_overrides: bool = False,
    **fields: Any,
) -> _P:
    """The panel ``cls(**fields)`` with the common options applied, sized by ``kind`` (:data:`DEFAULT_SIZES`).
    ``own_overrides``: ``fields`` carry the field overrides (the class writes them)."""
    merged = _overlay(extra_json or {}, _settings(common, overrides=not own_overrides))
    thresholds_mode = cast(ValueOptions, common).get("thresholds_mode")
    if thresholds_mode is not None:
        _overlay(merged, {"fieldConfig": {"defaults": {"thresholds": {"mode": thresholds_mode}}}})
    repeat = common.get("repeat")
    panel = cls(
        title=title,
        targets=list(targets),
        description=common.get("description"),
        thresholds=threshold_steps(thresholds),
        links=common.get("links") or [],
        repeat=core.Repeat(variable=repeat) if repeat else core.Repeat(),
        transformations=common.get("transformations") or [],
        extraJson=_overlay(merged, common.get("extra")) or None,
        **fields,
    )
    default_w, default_h = DEFAULT_SIZES[kind]
    panel._gdash_size = (common.get("w") or default_w, common.get("h") or default_h)
    # gdash applies the JSON (settings, then extra) itself, after its clean-up of grafanalib's output:
    # grafanalib's own merge would fail on a value that replaces one of its objects (e.g. a string).
    panel._gdash_extra, panel.extraJson = panel.extraJson, None
    x, y = common.get("x"), common.get("y")
    if x is not None or y is not None:
        panel._gdash_pos = (x, y)
    return remember(panel)


@_helper(ValueOptions)
def timeseries(
    title: str,
    *targets: core.Target,
    unit: str | None = "short",
    min: float | None = None,
    max: float | None = None,
    thresholds: Thresholds | None = None,
    legend: str = "list",
    legend_placement: str = "bottom",
    legend_calcs: list[str] | None = None,
    stack: bool = False,
    fill: int = 10,
    draw: str = "line",
    line_width: int | None = None,
    points: str | None = None,
    point_size: int | None = None,
    interpolation: str | None = None,
    gradient: str | None = None,
    span_nulls: bool | int | None = None,
    axis_label: str | None = None,
    axis_placement: str | None = None,
    soft_min: float | None = None,
    soft_max: float | None = None,
    log_base: int | None = None,
    bar_alignment: int | None = None,
    tooltip: str = "multi",
    tooltip_sort: str | None = None,
    thresholds_style: str | None = None,
    legend_sort_by: str | None = None,
    legend_sort_desc: bool | None = None,
    legend_as_table: bool | None = None,
    **common: Unpack[ValueOptions],
) -> core.TimeSeries:
    """A time series graph. ``legend`` is ``list``, ``table`` or ``hidden``; ``stack`` is ``True``
    (stacked values) or ``"percent"``; ``points`` is ``auto``, ``never`` or ``always``; ``tooltip`` is
    ``multi``, ``single`` or ``none``; ``log_base`` (2 or 10) makes the y axis logarithmic;
    ``thresholds_style`` is how thresholds are drawn (``line``, ``area``, ``dashed``, ``off``; default
    ``line`` when there are thresholds)."""
    drawing = _given(
        lineWidth=line_width,
        showPoints=points,
        pointSize=point_size,
        lineInterpolation=interpolation,
        gradientMode=gradient,
        spanNulls=span_nulls,
        axisLabel=axis_label,
        axisPlacement=axis_placement,
        axisSoftMin=soft_min,
        axisSoftMax=soft_max,
        barAlignment=bar_alignment,
        tooltipSort=tooltip_sort,
    )
    if log_base is not None:
        drawing.update(scaleDistributionType="log", scaleDistributionLog=log_base)
    legend_sort = _given(sortBy=legend_sort_by, sortDesc=legend_sort_desc, asTable=legend_as_table)
    if legend == "hidden":  # Grafana's model since schemaVersion 37: a list legend that is not shown
        legend_sort["showLegend"] = False
    field_defaults = _field_defaults(min=min, max=max, decimals=common.get("decimals"))
    if legend_sort:
        field_defaults["options"] = {"legend": legend_sort}
    stacking = "percent" if stack == "percent" else "normal" if stack else "none"
    return _build(
        core.TimeSeries,
        "timeseries",
        title,
        targets,
        common,
        extra_json=field_defaults,
        thresholds=thresholds,
        own_overrides=True,
        unit=_no_unit(field_defaults, unit),
        legendDisplayMode="list" if legend == "hidden" else legend,
        legendPlacement=legend_placement,
        legendCalcs=legend_calcs or [],
        stacking={"mode": stacking, "group": "A"},
        fillOpacity=fill,
        drawStyle=draw,
        tooltipMode=tooltip,
        mappings=common.get("mappings") or [],
        overrides=common.get("overrides") or [],
        thresholdsStyleMode=thresholds_style or ("line" if thresholds else "off"),
        **drawing,
    )


@_helper(ValueOptions)
def stat(
    title: str,
    *targets: core.Target,
    unit: str | None = "short",
    min: float | None = None,
    max: float | None = None,
    thresholds: Thresholds | None = None,
    reduce: str = "lastNotNull",
    graph: bool = True,
    color_mode: str = "value",
    text_mode: str = "auto",
    orientation: str | None = None,
    justify: str | None = None,
    **common: Unpack[ValueOptions],
) -> core.Stat:
    """A single big number (reduced with ``reduce``, e.g. ``lastNotNull``, ``mean``, ``max``)."""
    layout = _given(orientation=orientation, justifyMode=justify)
    extra_json = _field_defaults(min=min, max=max)
    if layout:
        extra_json["options"] = layout
    return _build(
        core.Stat,
        "stat",
        title,
        targets,
        common,
        extra_json=extra_json,
        thresholds=thresholds or [(None, "green")],
        format=_no_unit(extra_json, unit),
        reduceCalc=reduce,
        graphMode="area" if graph else "none",
        colorMode=color_mode,
        textMode=text_mode,
        decimals=common.get("decimals"),
        mappings=common.get("mappings") or [],
    )


@_helper(ValueOptions)
def gauge(
    title: str,
    *targets: core.Target,
    unit: str | None = "percent",
    min: float = 0,
    max: float = 100,
    thresholds: Thresholds | None = (70, 90),
    reduce: str = "lastNotNull",
    orientation: str | None = None,
    threshold_labels: bool | None = None,
    threshold_markers: bool | None = None,
    **common: Unpack[ValueOptions],
) -> core.GaugePanel:
    """A radial gauge between ``min`` and ``max``."""
    options = _given(
        orientation=orientation, showThresholdLabels=threshold_labels, showThresholdMarkers=threshold_markers
    )
    extra_json: dict[str, Any] = {"options": options} if options else {}
    return _build(
        core.GaugePanel,
        "gauge",
        title,
        targets,
        common,
        extra_json=extra_json,
        thresholds=thresholds,
        format=_no_unit(extra_json, unit),
        min=min,
        max=max,
        decimals=common.get("decimals"),
        calc=reduce,
        valueMaps=common.get("mappings") or [],
    )


@_helper(ValueOptions)
def bargauge(
    title: str,
    *targets: core.Target,
    unit: str | None = "short",
    min: float = 0,
    max: float | None = None,
    thresholds: Thresholds | None = None,
    reduce: str = "lastNotNull",
    display: str = "gradient",
    orientation: str = "horizontal",
    show_unfilled: bool | None = None,
    min_viz_height: int | None = None,
    min_viz_width: int | None = None,
    **common: Unpack[ValueOptions],
) -> core.BarGauge:
    """Horizontal (or vertical) bars, one per series: good for top-N and breakdowns."""
    sizing = _given(showUnfilled=show_unfilled, minVizHeight=min_viz_height, minVizWidth=min_viz_width)
    extra_json: dict[str, Any] = {"options": sizing} if sizing else {}
    return _build(
        core.BarGauge,
        "bargauge",
        title,
        targets,
        common,
        extra_json=extra_json,
        thresholds=thresholds or [(None, "green")],
        format=_no_unit(extra_json, unit),
        min=min,
        max=max,
        decimals=common.get("decimals"),
        calc=reduce,
        displayMode=display,
        orientation=orientation,
        valueMaps=common.get("mappings") or [],
    )


@_helper(ValueOptions)
def table(
    title: str,
    *targets: core.Target,
    unit: str | None = "short",
    thresholds: Thresholds | None = None,
    sort_by: str | None = None,
    sort_desc: bool = True,
    show_header: bool | None = None,
    cell_height: str | None = None,
    cell: str | dict[str, Any] | None = None,
    align: str | None = None,
    filterable: bool | None = None,
    wrap_text: bool | None = None,
    min_width: int | None = None,
    pagination: bool | None = None,
    **common: Unpack[ValueOptions],
) -> core.Table:
    """A table; instant queries with ``format="table"`` and ``transformations`` shape it."""
    extra_json = _field_defaults(decimals=common.get("decimals"))
    # the table's own settings: header, row height, pagination; how cells are drawn (``cell`` is a
    # cell type such as "color-background", or Grafana's cellOptions object), aligned and filtered
    options: dict[str, Any] = _given(showHeader=show_header, cellHeight=cell_height)
    if pagination is not None:
        options["footer"] = {"enablePagination": pagination}
    custom: dict[str, Any] = _given(align=align, filterable=filterable, wrapText=wrap_text, minWidth=min_width)
    if cell is not None:
        custom["cellOptions"] = {"type": cell} if isinstance(cell, str) else cell
    _overlay(
        extra_json,
        {
            **({"options": options} if options else {}),
            **({"fieldConfig": {"defaults": {"custom": custom}}} if custom else {}),
        },
    )
    return _build(
        core.Table,
        "table",
        title,
        targets,
        common,
        extra_json=extra_json,
        thresholds=thresholds or [(None, "green")],
        own_overrides=True,
        unit=_no_unit(extra_json, unit),
        overrides=common.get("overrides") or [],
        mappings=common.get("mappings") or [],
        sortBy=[core.TableSortByField(displayName=sort_by, desc=sort_desc)] if sort_by else [],
    )


@_helper(PanelOptions)
def logs(
    title: str,
    *targets: core.Target,
    show_time: bool = True,
    wrap: bool = True,
    newest_first: bool = True,
    details: bool = True,
    **common: Unpack[PanelOptions],
) -> core.Logs:
    """A log lines panel (Loki)."""
    return _build(
        core.Logs,
        "logs",
        title,
        targets,
        common,
        showTime=show_time,
        wrapLogMessages=wrap,
        sortOrder="Descending" if newest_first else "Ascending",
        enableLogDetails=details,
    )


@_helper(PanelOptions)
def text(content: str, *, title: str = "", mode: str = "markdown", **common: Unpack[PanelOptions]) -> core.Panel:
    """A Markdown (or HTML, or ``code``) note."""
    if mode not in ("markdown", "html", "text"):  # e.g. "code": grafanalib's Text does not know it
        width, height = DEFAULT_SIZES["text"]
        sized: PanelOptions = {**common, "w": common.get("w") or width, "h": common.get("h") or height}
        return panel("text", title, options={"mode": mode, "content": content}, **sized)
    return _build(core.Text, "text", title, (), common, content=content, mode=mode)


@_helper(ValueOptions)
def panel(
    type: str,
    title: str = "",
    *targets: core.Target,
    unit: str | None = None,
    min: float | None = None,
    max: float | None = None,
    thresholds: Thresholds | None = None,
    options: dict[str, Any] | None = None,
    custom: dict[str, Any] | None = None,
    library_panel: dict[str, str] | None = None,
    **common: Unpack[ValueOptions],
) -> core.Panel:
    """Any panel plugin by its type id: ``piechart``, ``heatmap``, ``histogram``, ``state-timeline``,
    ``status-history``, ``barchart``, ``xychart``, ``nodeGraph``, ``geomap``, ``canvas``, ``text``,
    ``alertlist``, ``dashlist``, ``news``, or a community plugin's id.

    ``options`` is the plugin's ``options`` object and ``custom`` its ``fieldConfig.defaults.custom``
    (both defined by the plugin, written as given); the other arguments mean what they mean on
    every helper. ``library_panel={"uid": ..., "name": ...}`` refers to a library panel instead.
    """
    field_defaults = _given(
        unit=unit, min=min, max=max, decimals=common.get("decimals"), mappings=common.get("mappings"), custom=custom
    )
    return _build(
        GenericPanel,
        "panel",
        title,
        targets,
        common,
        thresholds=thresholds,
        own_overrides=True,
        type=type,
        options=dict(options or {}),
        fieldConfig={"defaults": field_defaults, "overrides": list(common.get("overrides") or [])},
        libraryPanel=library_panel,
    )
