"""One-line panels over grafanalib's panel classes.

Every helper takes the panel title and its queries, then keyword options shared by all panels:
``description``, ``unit``, ``min``, ``max``, ``decimals``, ``thresholds``, ``mappings``, ``links``,
``w``/``h`` (grid size; the layout places the panel), ``repeat`` and ``extra`` — a dict deep-merged
into the panel JSON last, the escape hatch for anything the helpers do not express (a ``None`` value
removes a key).

Every helper also takes the panel settings Grafana shows on every panel: ``color`` (a colour such as
``"#FF9830"`` or ``"red"`` for a fixed colour, or a colour mode such as ``"palette-classic"``),
``no_value``, ``unit_scale`` (Grafana 10.4's unit scaling switch), ``interval`` (minimum query interval), ``max_data_points``, ``time_from``/``time_shift``
(relative time and shift), ``hide_time_override``, ``transparent``, ``overrides`` (field overrides:
``[{"matcher": ..., "properties": [...]}]``), ``repeat_direction``/``max_per_row``, ``mixed`` (the
panel is "-- Mixed --", each query naming its own datasource) and ``x``/``y``
(an explicit grid position, for layouts the automatic flow cannot produce).
``panel(type, title, *queries, options=..., custom=...)`` writes any other panel plugin.

``thresholds`` is a list of ``(value, color)`` pairs, the first value ``None`` (the base), e.g.
``[(None, "green"), (80, "orange"), (90, "red")]``; or plain numbers, coloured green → red.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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


def _field_defaults(**fields: Any) -> dict[str, Any]:
    defaults = {k: v for k, v in fields.items() if v is not None and v != []}
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


def _settings(
    *,
    color: str | dict[str, Any] | None = None,
    no_value: str | None = None,
    unit_scale: bool | None = None,
    interval: str | None = None,
    max_data_points: int | None = None,
    time_from: str | None = None,
    time_shift: str | None = None,
    hide_time_override: bool | None = None,
    transparent: bool | None = None,
    overrides: list[dict[str, Any]] | None = None,
    repeat_direction: str | None = None,
    max_per_row: int | None = None,
    mixed: bool | None = None,
) -> dict[str, Any]:
    """The JSON of the settings every panel has (see the module docstring); unset ones write nothing."""
    json: dict[str, Any] = {}
    if mixed:
        json["datasource"] = {"type": "datasource", "uid": "-- Mixed --"}
    for key, value in (
        ("interval", interval),
        ("maxDataPoints", max_data_points),
        ("timeFrom", time_from),
        ("timeShift", time_shift),
        ("hideTimeOverride", hide_time_override),
        ("transparent", transparent),
        ("repeatDirection", repeat_direction),
        ("maxPerRow", max_per_row),
    ):
        if value is not None:
            json[key] = value
    defaults = {
        k: v for k, v in (("color", _color(color)), ("noValue", no_value), ("unitScale", unit_scale)) if v is not None
    }
    if defaults:
        json["fieldConfig"] = {"defaults": defaults}
    if overrides:
        json.setdefault("fieldConfig", {})["overrides"] = overrides
    return json


def _finish(
    panel: core.Panel, kind: str, w: int | None, h: int | None, x: int | None = None, y: int | None = None
) -> core.Panel:
    default_w, default_h = DEFAULT_SIZES[kind]
    panel._gdash_size = (w or default_w, h or default_h)
    # gdash applies the JSON (settings, then extra) itself, after its clean-up of grafanalib's output:
    # grafanalib's own merge would fail on a value that replaces one of its objects (e.g. a string).
    panel._gdash_extra, panel.extraJson = panel.extraJson, None
    if x is not None or y is not None:
        panel._gdash_pos = (x, y)
    return remember(panel)


def _common(
    title: str,
    targets: tuple[core.Target, ...],
    *,
    description: str | None,
    thresholds: Thresholds | None,
    links: list[Any] | None,
    repeat: str | None,
    transformations: list[dict[str, Any]] | None,
    extra_json: dict[str, Any],
    extra: dict[str, Any] | None,
    settings: dict[str, Any] | None = None,
    thresholds_mode: str | None = None,
) -> dict[str, Any]:
    merged = _overlay(extra_json, settings)
    if thresholds_mode is not None:
        _overlay(merged, {"fieldConfig": {"defaults": {"thresholds": {"mode": thresholds_mode}}}})
    return dict(
        title=title,
        targets=list(targets),
        description=description,
        thresholds=threshold_steps(thresholds),
        links=links or [],
        repeat=core.Repeat(variable=repeat) if repeat else core.Repeat(),
        transformations=transformations or [],
        extraJson=_overlay(merged, extra) or None,
    )


def timeseries(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str | None = "short",
    min: float | None = None,
    max: float | None = None,
    decimals: int | None = None,
    thresholds: Thresholds | None = None,
    legend: str = "list",
    legend_placement: str = "bottom",
    legend_calcs: list[str] | None = None,
    stack: bool = False,
    fill: int = 10,
    draw: str = "line",
    mappings: list[dict[str, Any]] | None = None,
    overrides: list[dict[str, Any]] | None = None,
    links: list[Any] | None = None,
    repeat: str | None = None,
    transformations: list[dict[str, Any]] | None = None,
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
    thresholds_mode: str | None = None,
    legend_sort_by: str | None = None,
    legend_sort_desc: bool | None = None,
    legend_as_table: bool | None = None,
    color: str | dict[str, Any] | None = None,
    no_value: str | None = None,
    unit_scale: bool | None = None,
    interval: str | None = None,
    max_data_points: int | None = None,
    time_from: str | None = None,
    time_shift: str | None = None,
    hide_time_override: bool | None = None,
    transparent: bool | None = None,
    repeat_direction: str | None = None,
    max_per_row: int | None = None,
    mixed: bool | None = None,
    x: int | None = None,
    y: int | None = None,
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.TimeSeries:
    """A time series graph. ``legend`` is ``list``, ``table`` or ``hidden``; ``stack`` is ``True``
    (stacked values) or ``"percent"``; ``points`` is ``auto``, ``never`` or ``always``; ``tooltip`` is
    ``multi``, ``single`` or ``none``; ``log_base`` (2 or 10) makes the y axis logarithmic;
    ``thresholds_style`` is how thresholds are drawn (``line``, ``area``, ``dashed``, ``off``; default
    ``line`` when there are thresholds)."""
    checks.call("timeseries", locals())
    drawing = {
        k: v
        for k, v in dict(
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
        ).items()
        if v is not None
    }
    if log_base is not None:
        drawing.update(scaleDistributionType="log", scaleDistributionLog=log_base)
    legend_sort = {
        k: v
        for k, v in (("sortBy", legend_sort_by), ("sortDesc", legend_sort_desc), ("asTable", legend_as_table))
        if v is not None
    }
    if legend == "hidden":  # Grafana's model since schemaVersion 37: a list legend that is not shown
        legend_sort["showLegend"] = False
    field_defaults = _field_defaults(min=min, max=max, decimals=decimals)
    if legend_sort:
        field_defaults["options"] = {"legend": legend_sort}
    stacking = "percent" if stack == "percent" else "normal" if stack else "none"
    panel = core.TimeSeries(
        unit=_no_unit(field_defaults, unit),
        legendDisplayMode="list" if legend == "hidden" else legend,
        legendPlacement=legend_placement,
        legendCalcs=legend_calcs or [],
        stacking={"mode": stacking, "group": "A"},
        fillOpacity=fill,
        drawStyle=draw,
        tooltipMode=tooltip,
        mappings=mappings or [],
        overrides=overrides or [],
        thresholdsStyleMode=thresholds_style or ("line" if thresholds else "off"),
        **drawing,
        **_common(
            title,
            targets,
            description=description,
            thresholds=thresholds,
            links=links,
            repeat=repeat,
            transformations=transformations,
            extra_json=field_defaults,
            extra=extra,
            settings=_settings(
                color=color,
                no_value=no_value,
                unit_scale=unit_scale,
                interval=interval,
                max_data_points=max_data_points,
                time_from=time_from,
                time_shift=time_shift,
                hide_time_override=hide_time_override,
                transparent=transparent,
                repeat_direction=repeat_direction,
                max_per_row=max_per_row,
                mixed=mixed,
            ),
            thresholds_mode=thresholds_mode,
        ),
    )
    return _finish(panel, "timeseries", w, h, x, y)


def stat(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str | None = "short",
    min: float | None = None,
    max: float | None = None,
    decimals: int | None = None,
    thresholds: Thresholds | None = None,
    reduce: str = "lastNotNull",
    graph: bool = True,
    color_mode: str = "value",
    text_mode: str = "auto",
    mappings: list[dict[str, Any]] | None = None,
    links: list[Any] | None = None,
    repeat: str | None = None,
    transformations: list[dict[str, Any]] | None = None,
    orientation: str | None = None,
    justify: str | None = None,
    overrides: list[dict[str, Any]] | None = None,
    thresholds_mode: str | None = None,
    color: str | dict[str, Any] | None = None,
    no_value: str | None = None,
    unit_scale: bool | None = None,
    interval: str | None = None,
    max_data_points: int | None = None,
    time_from: str | None = None,
    time_shift: str | None = None,
    hide_time_override: bool | None = None,
    transparent: bool | None = None,
    repeat_direction: str | None = None,
    max_per_row: int | None = None,
    mixed: bool | None = None,
    x: int | None = None,
    y: int | None = None,
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.Stat:
    """A single big number (reduced with ``reduce``, e.g. ``lastNotNull``, ``mean``, ``max``)."""
    checks.call("stat", locals())
    layout = {k: v for k, v in (("orientation", orientation), ("justifyMode", justify)) if v is not None}
    extra_json = _field_defaults(min=min, max=max)
    if layout:
        extra_json["options"] = layout
    panel = core.Stat(
        format=_no_unit(extra_json, unit),
        reduceCalc=reduce,
        graphMode="area" if graph else "none",
        colorMode=color_mode,
        textMode=text_mode,
        decimals=decimals,
        mappings=mappings or [],
        **_common(
            title,
            targets,
            description=description,
            thresholds=thresholds or [(None, "green")],
            links=links,
            repeat=repeat,
            transformations=transformations,
            extra_json=extra_json,
            extra=extra,
            settings=_settings(
                color=color,
                no_value=no_value,
                unit_scale=unit_scale,
                interval=interval,
                max_data_points=max_data_points,
                time_from=time_from,
                time_shift=time_shift,
                hide_time_override=hide_time_override,
                transparent=transparent,
                repeat_direction=repeat_direction,
                max_per_row=max_per_row,
                mixed=mixed,
                overrides=overrides,
            ),
            thresholds_mode=thresholds_mode,
        ),
    )
    return _finish(panel, "stat", w, h, x, y)


def gauge(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str | None = "percent",
    min: float = 0,
    max: float = 100,
    decimals: int | None = None,
    thresholds: Thresholds | None = (70, 90),
    reduce: str = "lastNotNull",
    mappings: list[dict[str, Any]] | None = None,
    links: list[Any] | None = None,
    repeat: str | None = None,
    transformations: list[dict[str, Any]] | None = None,
    orientation: str | None = None,
    threshold_labels: bool | None = None,
    threshold_markers: bool | None = None,
    overrides: list[dict[str, Any]] | None = None,
    thresholds_mode: str | None = None,
    color: str | dict[str, Any] | None = None,
    no_value: str | None = None,
    unit_scale: bool | None = None,
    interval: str | None = None,
    max_data_points: int | None = None,
    time_from: str | None = None,
    time_shift: str | None = None,
    hide_time_override: bool | None = None,
    transparent: bool | None = None,
    repeat_direction: str | None = None,
    max_per_row: int | None = None,
    mixed: bool | None = None,
    x: int | None = None,
    y: int | None = None,
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.GaugePanel:
    """A radial gauge between ``min`` and ``max``."""
    checks.call("gauge", locals())
    options = {
        k: v
        for k, v in (
            ("orientation", orientation),
            ("showThresholdLabels", threshold_labels),
            ("showThresholdMarkers", threshold_markers),
        )
        if v is not None
    }
    extra_json: dict[str, Any] = {"options": options} if options else {}
    panel = core.GaugePanel(
        format=_no_unit(extra_json, unit),
        min=min,
        max=max,
        decimals=decimals,
        calc=reduce,
        valueMaps=mappings or [],
        **_common(
            title,
            targets,
            description=description,
            thresholds=thresholds,
            links=links,
            repeat=repeat,
            transformations=transformations,
            extra_json=extra_json,
            extra=extra,
            settings=_settings(
                color=color,
                no_value=no_value,
                unit_scale=unit_scale,
                interval=interval,
                max_data_points=max_data_points,
                time_from=time_from,
                time_shift=time_shift,
                hide_time_override=hide_time_override,
                transparent=transparent,
                repeat_direction=repeat_direction,
                max_per_row=max_per_row,
                mixed=mixed,
                overrides=overrides,
            ),
            thresholds_mode=thresholds_mode,
        ),
    )
    return _finish(panel, "gauge", w, h, x, y)


def bargauge(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str | None = "short",
    min: float = 0,
    max: float | None = None,
    decimals: int | None = None,
    thresholds: Thresholds | None = None,
    reduce: str = "lastNotNull",
    display: str = "gradient",
    orientation: str = "horizontal",
    mappings: list[dict[str, Any]] | None = None,
    links: list[Any] | None = None,
    repeat: str | None = None,
    transformations: list[dict[str, Any]] | None = None,
    show_unfilled: bool | None = None,
    min_viz_height: int | None = None,
    min_viz_width: int | None = None,
    overrides: list[dict[str, Any]] | None = None,
    thresholds_mode: str | None = None,
    color: str | dict[str, Any] | None = None,
    no_value: str | None = None,
    unit_scale: bool | None = None,
    interval: str | None = None,
    max_data_points: int | None = None,
    time_from: str | None = None,
    time_shift: str | None = None,
    hide_time_override: bool | None = None,
    transparent: bool | None = None,
    repeat_direction: str | None = None,
    max_per_row: int | None = None,
    mixed: bool | None = None,
    x: int | None = None,
    y: int | None = None,
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.BarGauge:
    """Horizontal (or vertical) bars, one per series: good for top-N and breakdowns."""
    checks.call("bargauge", locals())
    sizing = {
        k: v
        for k, v in (("showUnfilled", show_unfilled), ("minVizHeight", min_viz_height), ("minVizWidth", min_viz_width))
        if v is not None
    }
    extra_json: dict[str, Any] = {"options": sizing} if sizing else {}
    panel = core.BarGauge(
        format=_no_unit(extra_json, unit),
        min=min,
        max=max,
        decimals=decimals,
        calc=reduce,
        displayMode=display,
        orientation=orientation,
        valueMaps=mappings or [],
        **_common(
            title,
            targets,
            description=description,
            thresholds=thresholds or [(None, "green")],
            links=links,
            repeat=repeat,
            transformations=transformations,
            extra_json=extra_json,
            extra=extra,
            settings=_settings(
                color=color,
                no_value=no_value,
                unit_scale=unit_scale,
                interval=interval,
                max_data_points=max_data_points,
                time_from=time_from,
                time_shift=time_shift,
                hide_time_override=hide_time_override,
                transparent=transparent,
                repeat_direction=repeat_direction,
                max_per_row=max_per_row,
                mixed=mixed,
                overrides=overrides,
            ),
            thresholds_mode=thresholds_mode,
        ),
    )
    return _finish(panel, "bargauge", w, h, x, y)


def table(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str | None = "short",
    decimals: int | None = None,
    thresholds: Thresholds | None = None,
    sort_by: str | None = None,
    sort_desc: bool = True,
    transformations: list[dict[str, Any]] | None = None,
    overrides: list[dict[str, Any]] | None = None,
    mappings: list[dict[str, Any]] | None = None,
    links: list[Any] | None = None,
    repeat: str | None = None,
    thresholds_mode: str | None = None,
    show_header: bool | None = None,
    cell_height: str | None = None,
    cell: str | dict[str, Any] | None = None,
    align: str | None = None,
    filterable: bool | None = None,
    wrap_text: bool | None = None,
    min_width: int | None = None,
    pagination: bool | None = None,
    color: str | dict[str, Any] | None = None,
    no_value: str | None = None,
    unit_scale: bool | None = None,
    interval: str | None = None,
    max_data_points: int | None = None,
    time_from: str | None = None,
    time_shift: str | None = None,
    hide_time_override: bool | None = None,
    transparent: bool | None = None,
    repeat_direction: str | None = None,
    max_per_row: int | None = None,
    mixed: bool | None = None,
    x: int | None = None,
    y: int | None = None,
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.Table:
    """A table; instant queries with ``format="table"`` and ``transformations`` shape it."""
    checks.call("table", locals())
    extra_json = _field_defaults(decimals=decimals)
    # the table's own settings: header, row height, pagination; how cells are drawn (``cell`` is a
    # cell type such as "color-background", or Grafana's cellOptions object), aligned and filtered
    options: dict[str, Any] = {
        k: v for k, v in (("showHeader", show_header), ("cellHeight", cell_height)) if v is not None
    }
    if pagination is not None:
        options["footer"] = {"enablePagination": pagination}
    custom: dict[str, Any] = {
        k: v
        for k, v in (("align", align), ("filterable", filterable), ("wrapText", wrap_text), ("minWidth", min_width))
        if v is not None
    }
    if cell is not None:
        custom["cellOptions"] = {"type": cell} if isinstance(cell, str) else cell
    _overlay(
        extra_json,
        {
            **({"options": options} if options else {}),
            **({"fieldConfig": {"defaults": {"custom": custom}}} if custom else {}),
        },
    )
    panel = core.Table(
        unit=_no_unit(extra_json, unit),
        overrides=overrides or [],
        mappings=mappings or [],
        sortBy=[core.TableSortByField(displayName=sort_by, desc=sort_desc)] if sort_by else [],
        **_common(
            title,
            targets,
            description=description,
            thresholds=thresholds or [(None, "green")],
            links=links,
            repeat=repeat,
            transformations=transformations,
            extra_json=extra_json,
            extra=extra,
            settings=_settings(
                color=color,
                no_value=no_value,
                unit_scale=unit_scale,
                interval=interval,
                max_data_points=max_data_points,
                time_from=time_from,
                time_shift=time_shift,
                hide_time_override=hide_time_override,
                transparent=transparent,
                repeat_direction=repeat_direction,
                max_per_row=max_per_row,
                mixed=mixed,
            ),
            thresholds_mode=thresholds_mode,
        ),
    )
    return _finish(panel, "table", w, h, x, y)


def logs(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    show_time: bool = True,
    wrap: bool = True,
    newest_first: bool = True,
    details: bool = True,
    links: list[Any] | None = None,
    overrides: list[dict[str, Any]] | None = None,
    color: str | dict[str, Any] | None = None,
    no_value: str | None = None,
    unit_scale: bool | None = None,
    interval: str | None = None,
    max_data_points: int | None = None,
    time_from: str | None = None,
    time_shift: str | None = None,
    hide_time_override: bool | None = None,
    transparent: bool | None = None,
    repeat_direction: str | None = None,
    max_per_row: int | None = None,
    mixed: bool | None = None,
    x: int | None = None,
    y: int | None = None,
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.Logs:
    """A log lines panel (Loki)."""
    checks.call("logs", locals())
    panel = core.Logs(
        showTime=show_time,
        wrapLogMessages=wrap,
        sortOrder="Descending" if newest_first else "Ascending",
        enableLogDetails=details,
        **_common(
            title,
            targets,
            description=description,
            thresholds=None,
            links=links,
            repeat=None,
            transformations=None,
            extra_json={},
            extra=extra,
            settings=_settings(
                color=color,
                no_value=no_value,
                unit_scale=unit_scale,
                interval=interval,
                max_data_points=max_data_points,
                time_from=time_from,
                time_shift=time_shift,
                hide_time_override=hide_time_override,
                transparent=transparent,
                repeat_direction=repeat_direction,
                max_per_row=max_per_row,
                mixed=mixed,
                overrides=overrides,
            ),
        ),
    )
    return _finish(panel, "logs", w, h, x, y)


def text(
    content: str,
    *,
    title: str = "",
    mode: str = "markdown",
    w: int | None = None,
    h: int | None = None,
    description: str | None = None,
    transparent: bool | None = None,
    links: list[Any] | None = None,
    x: int | None = None,
    y: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.Panel:
    """A Markdown (or HTML, or ``code``) note."""
    checks.call("text", locals())
    if mode not in ("markdown", "html", "text"):  # e.g. "code": grafanalib's Text does not know it
        return panel(
            "text",
            title,
            options={"mode": mode, "content": content},
            description=description,
            transparent=transparent,
            links=links,
            w=w or DEFAULT_SIZES["text"][0],
            h=h or DEFAULT_SIZES["text"][1],
            x=x,
            y=y,
            extra=extra,
        )
    json = _settings(transparent=transparent)
    panel_ = core.Text(
        title=title,
        content=content,
        mode=mode,
        description=description,
        links=links or [],
        extraJson=_overlay(json, extra) or None,
    )
    return _finish(panel_, "text", w, h, x, y)


def panel(
    type: str,
    title: str = "",
    *targets: core.Target,
    description: str | None = None,
    unit: str | None = None,
    min: float | None = None,
    max: float | None = None,
    decimals: int | None = None,
    thresholds: Thresholds | None = None,
    thresholds_mode: str | None = None,
    mappings: list[dict[str, Any]] | None = None,
    overrides: list[dict[str, Any]] | None = None,
    options: dict[str, Any] | None = None,
    custom: dict[str, Any] | None = None,
    links: list[Any] | None = None,
    repeat: str | None = None,
    transformations: list[dict[str, Any]] | None = None,
    library_panel: dict[str, str] | None = None,
    color: str | dict[str, Any] | None = None,
    no_value: str | None = None,
    unit_scale: bool | None = None,
    interval: str | None = None,
    max_data_points: int | None = None,
    time_from: str | None = None,
    time_shift: str | None = None,
    hide_time_override: bool | None = None,
    transparent: bool | None = None,
    repeat_direction: str | None = None,
    max_per_row: int | None = None,
    mixed: bool | None = None,
    x: int | None = None,
    y: int | None = None,
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.Panel:
    """Any panel plugin by its type id: ``piechart``, ``heatmap``, ``histogram``, ``state-timeline``,
    ``status-history``, ``barchart``, ``xychart``, ``nodeGraph``, ``geomap``, ``canvas``, ``text``,
    ``alertlist``, ``dashlist``, ``news``, or a community plugin's id.

    ``options`` is the plugin's ``options`` object and ``custom`` its ``fieldConfig.defaults.custom``
    (both defined by the plugin, written as given); the other arguments mean what they mean on
    every helper. ``library_panel={"uid": ..., "name": ...}`` refers to a library panel instead.
    """
    checks.call("panel", locals())
    field_defaults = {
        k: v
        for k, v in (
            ("unit", unit),
            ("min", min),
            ("max", max),
            ("decimals", decimals),
            ("mappings", mappings),
            ("custom", custom),
        )
        if v is not None
    }
    settings = _settings(
        color=color,
        no_value=no_value,
        unit_scale=unit_scale,
        interval=interval,
        max_data_points=max_data_points,
        time_from=time_from,
        time_shift=time_shift,
        hide_time_override=hide_time_override,
        transparent=transparent,
        repeat_direction=repeat_direction,
        max_per_row=max_per_row,
        mixed=mixed,
    )
    generic = GenericPanel(
        type=type,
        options=dict(options or {}),
        fieldConfig={"defaults": field_defaults, "overrides": list(overrides or [])},
        libraryPanel=library_panel,
        **_common(
            title,
            targets,
            description=description,
            thresholds=thresholds,
            links=links,
            repeat=repeat,
            transformations=transformations,
            extra_json={},
            extra=extra,
            settings=settings,
            thresholds_mode=thresholds_mode,
        ),
    )
    return _finish(generic, "panel", w, h, x, y)
