"""Queries: PromQL and LogQL targets on grafanalib's ``Target``, with portable datasource references.

A query's datasource is one of:
- ``None`` (default): the dashboard's datasource variable of the query's type (``${datasource}``),
  or, where a dashboard has no such variable (and in alert rules), the logical datasource named
  after the type;
- a logical name such as ``"prometheus"`` or ``"loki-prod"``: written as uid ``gdash:<name>`` and
  mapped to a real datasource uid per environment (``datasources:`` in gdash.yaml);
- a variable reference such as ``"${ds}"``: used as is.
"""
from __future__ import annotations

from typing import Any

from grafanalib.core import Target

from ..model import LOGICAL_UID_PREFIX
from . import checks
from .source import remember

PROMETHEUS = "prometheus"
LOKI = "loki"


def datasource_ref(kind: str, datasource: str | None) -> dict[str, Any]:
    """The ``{"type", "uid"}`` object for a query; ``uid`` None means "resolve at compile time"."""
    if datasource is None:
        return {"type": kind, "uid": None}
    if datasource.startswith("$"):
        return {"type": kind, "uid": datasource}
    return {"type": kind, "uid": f"{LOGICAL_UID_PREFIX}{datasource}"}


def prom(
    expr: str,
    legend: str = "",
    *,
    ref_id: str = "",
    instant: bool = False,
    interval: str = "",
    format: str = "time_series",
    datasource: str | None = None,
) -> Target:
    """A PromQL query. ``legend`` is Grafana's legend format, e.g. ``"{{route}}"``."""
    checks.call("prom", locals())
    target = Target(
        expr=expr,
        legendFormat=legend,
        refId=ref_id,
        instant=instant,
        interval=interval,
        format=format,
        datasource=datasource_ref(PROMETHEUS, datasource),
    )
    return remember(target)


def loki(expr: str, legend: str = "", *, ref_id: str = "", datasource: str | None = None) -> Target:
    """A LogQL query (log stream or metric query)."""
    checks.call("loki", locals())
    target = Target(
        expr=expr,
        legendFormat=legend,
        refId=ref_id,
        datasource=datasource_ref(LOKI, datasource),
    )
    return remember(target)
