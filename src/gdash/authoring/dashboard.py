"""``Dashboard`` and ``Row``: the top of a dashboard file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from grafanalib import core

from ..grafanalib_ext import GdashDashboard
from . import checks
from .layout import layout
from .source import remember

SCHEMA_ATTR = "_gdash_schema"  # read by compile/dashboards.py
_TOOLTIP = {
    "default": core.GRAPH_TOOLTIP_MODE_NOT_SHARED,
    "shared crosshair": core.GRAPH_TOOLTIP_MODE_SHARED_CROSSHAIR,
    "shared tooltip": core.GRAPH_TOOLTIP_MODE_SHARED_TOOLTIP,
}


def Row(
    title: str,
    *panels: core.Panel,
    collapsed: bool = False,
    repeat: str | None = None,  # noqa: N802
    y: int | None = None,
    extra: dict[str, Any] | None = None,
) -> core.RowPanel:
    """A titled row of panels (grafanalib's ``RowPanel``), laid out by ``Dashboard``; ``y`` puts the
    row at that grid line instead of right below what comes before it; ``extra`` is deep-merged
    into the row's JSON last."""
    checks.call("Row", locals())
    row = core.RowPanel(
        title=title,
        panels=list(panels),
        collapsed=collapsed,
        repeat=core.Repeat(variable=repeat) if repeat else core.Repeat(),
    )
    if extra:
        row._gdash_extra = extra
    if y is not None:
        row._gdash_pos = (0, y)
    return remember(row)


def link(
    title: str,
    url: str = "",
    *,
    tags: Iterable[str] = (),
    new_tab: bool = False,
    include_vars: bool = True,
    keep_time: bool = True,
    dropdown: bool = False,
) -> core.DashboardLink:
    """A dashboard link: to ``url``, or (no url) to the dashboards carrying ``tags``."""
    tags = checks.listed(tags)
    checks.call("link", locals())
    return core.DashboardLink(
        title=title,
        uri=url,
        type="link" if url else "dashboards",
        tags=list(tags),
        targetBlank=new_tab,
        includeVars=include_vars,
        keepTime=keep_time,
        asDropdown=dropdown,
        icon="external link" if url else "dashboard",
    )


def Dashboard(  # noqa: N802  (reads like a class in dashboard files)
    title: str,
    *,
    uid: str,
    folder: str | None = None,
    description: str = "",
    tags: Iterable[str] = (),
    variables: Iterable[core.Template] = (),
    rows: Iterable[core.RowPanel] = (),
    panels: Iterable[core.Panel] = (),
    links: Iterable[core.DashboardLink] = (),
    time: tuple[str, str] = ("now-6h", "now"),
    refresh: str = "30s",
    timezone: str = "browser",
    tooltip: str = "shared crosshair",
    editable: bool = True,
    extra: dict[str, Any] | None = None,
    schema: str | None = None,
) -> GdashDashboard:
    """A dashboard. ``uid`` is its stable identity (at most 40 of ``[A-Za-z0-9_-]``);
    ``folder`` defaults to the project's ``default_folder``. Loose ``panels`` come first, then ``rows``.
    ``schema="v2"`` pushes it as a dashboard v2 resource (elements + layout, Grafana 13); the default
    comes from the environment's or the project's ``dashboard_schema`` (else v1).
    """
    tags, variables, rows, panels, links = map(checks.listed, (tags, variables, rows, panels, links))
    checks.call("Dashboard", locals())
    checks.arguments(
        "Dashboard",
        ("tooltip", tooltip, checks.one_of(_TOOLTIP)),
        ("links", links, checks.items(checks.instance(core.DashboardLink, "a link(...)"), "links")),
    )
    board = GdashDashboard(  # type: ignore[call-arg]  # grafanalib is untyped: mypy sees only our attrs fields
        title=title,
        uid=uid,
        folder=folder,
        description=description,
        tags=sorted(set(tags)),
        templating=core.Templating(list=list(variables)),
        panels=layout([*panels, *rows]),
        links=list(links),
        time=core.Time(*time),
        refresh=refresh,
        timezone=timezone,
        graphTooltip=_TOOLTIP[tooltip],
        editable=editable,
        extra=extra,
    )
    if schema is not None:
        setattr(board, SCHEMA_ATTR, schema)
    return remember(board)
