"""One-line panels over grafanalib's panel classes.

Every helper takes the panel title and its queries, then keyword options shared by all panels:
``description``, ``unit``, ``min``, ``max``, ``decimals``, ``thresholds``, ``mappings``, ``links``,
``w``/``h`` (grid size; the layout places the panel), ``repeat`` and ``extra`` — a dict deep-merged
into the panel JSON last, the escape hatch for anything the helpers do not express.

``thresholds`` is a list of ``(value, color)`` pairs, the first value ``None`` (the base), e.g.
``[(None, "green"), (80, "orange"), (90, "red")]``; or plain numbers, coloured green → red.
"""
from __future__ import annotations

from typing import Any, Iterable

from grafanalib import core

from ..grafanalib_ext import deep_merge
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
}

_THRESHOLD_COLORS = ["red", "orange", "yellow"]

Thresholds = Iterable[float | int | tuple[float | int | None, str]]


def threshold_steps(thresholds: Thresholds | None) -> list[core.Threshold]:
    """Threshold steps as grafanalib ``Threshold`` objects (base step first)."""
    if thresholds is None:
        return []
    items = list(thresholds)
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


def _finish(panel: core.Panel, kind: str, w: int | None, h: int | None) -> core.Panel:
    default_w, default_h = DEFAULT_SIZES[kind]
    panel._gdash_size = (w or default_w, h or default_h)
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
) -> dict[str, Any]:
    return dict(
        title=title,
        targets=list(targets),
        description=description,
        thresholds=threshold_steps(thresholds),
        links=links or [],
        repeat=core.Repeat(variable=repeat) if repeat else core.Repeat(),
        transformations=transformations or [],
        extraJson=deep_merge(extra_json, extra) or None,
    )


def timeseries(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str = "short",
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
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.TimeSeries:
    """A time series graph. ``legend`` is ``list``, ``table`` or ``hidden``."""
    checks.call("timeseries", locals())
    panel = core.TimeSeries(
        unit=unit,
        legendDisplayMode=legend,
        legendPlacement=legend_placement,
        legendCalcs=legend_calcs or [],
        stacking={"mode": "normal", "group": "A"} if stack else {"mode": "none", "group": "A"},
        fillOpacity=fill,
        drawStyle=draw,
        tooltipMode="multi",
        mappings=mappings or [],
        overrides=overrides or [],
        thresholdsStyleMode="line" if thresholds else "off",
        **_common(
            title, targets, description=description, thresholds=thresholds, links=links,
            repeat=repeat, transformations=transformations,
            extra_json=_field_defaults(min=min, max=max, decimals=decimals), extra=extra,
        ),
    )
    return _finish(panel, "timeseries", w, h)


def stat(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str = "short",
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
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.Stat:
    """A single big number (reduced with ``reduce``, e.g. ``lastNotNull``, ``mean``, ``max``)."""
    checks.call("stat", locals())
    panel = core.Stat(
        format=unit,
        reduceCalc=reduce,
        graphMode="area" if graph else "none",
        colorMode=color_mode,
        textMode=text_mode,
        decimals=decimals,
        mappings=mappings or [],
        **_common(
            title, targets, description=description, thresholds=thresholds or [(None, "green")],
            links=links, repeat=repeat, transformations=transformations,
            extra_json=_field_defaults(min=min, max=max), extra=extra,
        ),
    )
    return _finish(panel, "stat", w, h)


def gauge(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str = "percent",
    min: float = 0,
    max: float = 100,
    decimals: int | None = None,
    thresholds: Thresholds | None = (70, 90),
    reduce: str = "lastNotNull",
    mappings: list[dict[str, Any]] | None = None,
    links: list[Any] | None = None,
    repeat: str | None = None,
    transformations: list[dict[str, Any]] | None = None,
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.GaugePanel:
    """A radial gauge between ``min`` and ``max``."""
    checks.call("gauge", locals())
    panel = core.GaugePanel(
        format=unit,
        min=min,
        max=max,
        decimals=decimals,
        calc=reduce,
        valueMaps=mappings or [],
        **_common(
            title, targets, description=description, thresholds=thresholds, links=links,
            repeat=repeat, transformations=transformations, extra_json={}, extra=extra,
        ),
    )
    return _finish(panel, "gauge", w, h)


def bargauge(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str = "short",
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
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.BarGauge:
    """Horizontal (or vertical) bars, one per series: good for top-N and breakdowns."""
    checks.call("bargauge", locals())
    panel = core.BarGauge(
        format=unit,
        min=min,
        max=max,
        decimals=decimals,
        calc=reduce,
        displayMode=display,
        orientation=orientation,
        valueMaps=mappings or [],
        **_common(
            title, targets, description=description, thresholds=thresholds or [(None, "green")],
            links=links, repeat=repeat, transformations=transformations, extra_json={}, extra=extra,
        ),
    )
    return _finish(panel, "bargauge", w, h)


def table(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    unit: str = "short",
    decimals: int | None = None,
    thresholds: Thresholds | None = None,
    sort_by: str | None = None,
    sort_desc: bool = True,
    transformations: list[dict[str, Any]] | None = None,
    overrides: list[dict[str, Any]] | None = None,
    mappings: list[dict[str, Any]] | None = None,
    links: list[Any] | None = None,
    repeat: str | None = None,
    w: int | None = None,
    h: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.Table:
    """A table; instant queries with ``format="table"`` and ``transformations`` shape it."""
    checks.call("table", locals())
    panel = core.Table(
        unit=unit,
        overrides=overrides or [],
        mappings=mappings or [],
        sortBy=[core.TableSortByField(displayName=sort_by, desc=sort_desc)] if sort_by else [],
        **_common(
            title, targets, description=description, thresholds=thresholds or [(None, "green")],
            links=links, repeat=repeat, transformations=transformations,
            extra_json=_field_defaults(decimals=decimals), extra=extra,
        ),
    )
    return _finish(panel, "table", w, h)


def logs(
    title: str,
    *targets: core.Target,
    description: str | None = None,
    show_time: bool = True,
    wrap: bool = True,
    newest_first: bool = True,
    details: bool = True,
    links: list[Any] | None = None,
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
            title, targets, description=description, thresholds=None, links=links,
            repeat=None, transformations=None, extra_json={}, extra=extra,
        ),
    )
    return _finish(panel, "logs", w, h)


def text(content: str, *, title: str = "", mode: str = "markdown", w: int | None = None, h: int | None = None) -> core.Text:
    """A Markdown (or HTML) note."""
    checks.call("text", locals())
    panel = core.Text(title=title, content=content, mode=mode)
    return _finish(panel, "text", w, h)
