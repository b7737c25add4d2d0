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
    hide: bool = False,
    range: bool | None = None,
    exemplar: bool | None = None,
    extra: dict[str, Any] | None = None,
) -> Target:
    """A PromQL query. ``legend`` is Grafana's legend format, e.g. ``"{{route}}"``.

    ``range`` defaults to ``not instant`` (``instant=True, range=True`` is Grafana's "Both");
    ``hide`` keeps the query out of the panel (e.g. one only an expression uses); ``extra`` is
    deep-merged into the query's JSON last.
    """
    checks.call("prom", locals())
    target = Target(
        expr=expr,
        legendFormat=legend,
        refId=ref_id,
        instant=instant,
        interval=interval,
        format=format,
        hide=hide,
        datasource=datasource_ref(PROMETHEUS, datasource),
    )
    return _extra(target, {"range": range, "exemplar": exemplar}, extra)


def query(kind: str, *, ref_id: str = "", datasource: str | None = None, hide: bool = False, **fields: Any) -> Target:
    """A query for any other datasource type, its fields as the datasource plugin defines them,
    e.g. ``query("elasticsearch", query="status:500", metrics=[{"type": "count", "id": "1"}])``."""
    checks.call("query", {"kind": kind, "ref_id": ref_id, "datasource": datasource, "hide": hide, "extra": fields})
    instant = fields.pop("instant", False)  # as prom(): ``range`` follows it unless given
    target = Target(
        refId=ref_id,
        hide=hide,
        datasource=datasource_ref(kind, datasource),
        instant=instant if isinstance(instant, bool) else False,
    )
    if not isinstance(instant, bool):
        fields["instant"] = instant
    return _extra(target, {}, fields)


def _extra(target: Target, fields: dict[str, Any], extra: dict[str, Any] | None) -> Target:
    merged = {k: v for k, v in fields.items() if v is not None}
    merged.update(extra or {})
    if merged:
        target._gdash_extra = merged
    return remember(target)


def loki(
    expr: str,
    legend: str = "",
    *,
    ref_id: str = "",
    datasource: str | None = None,
    hide: bool = False,
    instant: bool = False,
    max_lines: int | None = None,
    extra: dict[str, Any] | None = None,
) -> Target:
    """A LogQL query (log stream or metric query); ``instant`` for one value per series."""
    checks.call("loki", locals())
    target = Target(
        expr=expr,
        legendFormat=legend,
        refId=ref_id,
        hide=hide,
        datasource=datasource_ref(LOKI, datasource),
    )
    return _extra(target, {"queryType": "instant" if instant else None, "maxLines": max_lines}, extra)
