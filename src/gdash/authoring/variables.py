"""Template variables on grafanalib's ``Template`` with defaults that suit Prometheus/Loki dashboards.

Query variables refresh when the time range changes (values follow what is live) and sort
alphabetically; datasource variables let one dashboard serve every environment.
"""
from __future__ import annotations

from typing import Iterable

from grafanalib import core

from . import checks
from .queries import PROMETHEUS, datasource_ref
from .source import remember

_REFRESH = {"never": 0, "load": core.REFRESH_ON_DASHBOARD_LOAD, "time": core.REFRESH_ON_TIME_RANGE_CHANGE}
_SORT = {"none": 0, "alpha": 1, "alpha-desc": 2, "numeric": 3, "numeric-desc": 4, "natural": 7}


def datasource_var(kind: str = PROMETHEUS, name: str = "datasource", *, label: str = "Data source",
                   regex: str = "") -> core.Template:
    """A datasource picker; queries of type ``kind`` use it by default."""
    checks.call("datasource_var", locals())
    return remember(core.Template(name=name, query=kind, type="datasource", label=label,
                                  regex=regex or None, refresh=core.REFRESH_ON_DASHBOARD_LOAD))


def query_var(
    name: str,
    query: str,
    *,
    label: str | None = None,
    multi: bool = True,
    include_all: bool = True,
    all_value: str | None = None,
    regex: str | None = None,
    refresh: str = "time",
    sort: str = "alpha",
    hide: bool = False,
    datasource: str | None = None,
    kind: str = PROMETHEUS,
) -> core.Template:
    """Values from a datasource query, e.g. ``query_var("job", "label_values(up, job)")``."""
    checks.call("query_var", locals())
    checks.arguments("query_var", ("refresh", refresh, checks.one_of(_REFRESH)), ("sort", sort, checks.one_of(_SORT)))
    return remember(core.Template(
        name=name,
        query=query,
        type="query",
        label=label or name,
        multi=multi,
        includeAll=include_all,
        allValue=all_value,
        regex=regex,
        refresh=_REFRESH[refresh],
        sort=_SORT[sort],
        hide=core.HIDE_VARIABLE if hide else core.SHOW,
        dataSource=datasource_ref(kind, datasource),
    ))


def custom_var(name: str, values: Iterable[str], *, default: str | None = None, label: str | None = None,
               multi: bool = False, include_all: bool = False) -> core.Template:
    """A fixed list of values."""
    values = checks.listed(values)
    checks.call("custom_var", locals())
    if not values:
        checks.fail("custom_var", "values must not be empty")
    values = list(values)
    return remember(core.Template(
        name=name, query=",".join(values), type="custom", label=label or name,
        default=default or values[0], multi=multi, includeAll=include_all,
    ))


def interval_var(name: str = "interval", values: Iterable[str] = ("1m", "5m", "15m", "1h"), *,
                 auto: bool = True, label: str | None = None) -> core.Template:
    """A time interval picker; ``auto`` adds Grafana's automatic step."""
    values = checks.listed(values)
    checks.call("interval_var", locals())
    if not values:
        checks.fail("interval_var", "values must not be empty")
    values = list(values)
    return remember(core.Template(
        name=name, query=",".join(values), type="interval", label=label or name,
        default=values[0], auto=auto,
    ))
