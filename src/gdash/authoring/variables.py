"""Template variables on grafanalib's ``Template`` with defaults that suit Prometheus/Loki dashboards.

Query variables refresh when the time range changes (values follow what is live) and sort
alphabetically; datasource variables let one dashboard serve every environment.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from grafanalib import core

from . import checks
from .queries import PROMETHEUS, datasource_ref
from .source import remember

_REFRESH = {"never": 0, "load": core.REFRESH_ON_DASHBOARD_LOAD, "time": core.REFRESH_ON_TIME_RANGE_CHANGE}
_SORT = {"none": 0, "alpha": 1, "alpha-desc": 2, "numeric": 3, "numeric-desc": 4, "natural": 7}


def datasource_var(
    kind: str = PROMETHEUS,
    name: str = "datasource",
    *,
    label: str = "Data source",
    regex: str = "",
    hide: bool = False,
    extra: dict[str, Any] | None = None,
) -> core.Template:
    """A datasource picker; queries of type ``kind`` use it by default."""
    checks.call("datasource_var", locals())
    return _finish(
        core.Template(
            name=name,
            query=kind,
            type="datasource",
            label=label,
            regex=regex or None,
            refresh=core.REFRESH_ON_DASHBOARD_LOAD,
            hide=core.HIDE_VARIABLE if hide else core.SHOW,
        ),
        extra,
    )


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
    extra: dict[str, Any] | None = None,
) -> core.Template:
    """Values from a datasource query, e.g. ``query_var("job", "label_values(up, job)")``."""
    checks.call("query_var", locals())
    checks.arguments("query_var", ("refresh", refresh, checks.one_of(_REFRESH)), ("sort", sort, checks.one_of(_SORT)))
    return _finish(
        core.Template(
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
        ),
        extra,
    )


def custom_var(
    name: str,
    values: Iterable[str],
    *,
    default: str | None = None,
    label: str | None = None,
    multi: bool = False,
    include_all: bool = False,
    all_value: str | None = None,
    hide: bool = False,
    extra: dict[str, Any] | None = None,
) -> core.Template:
    """A fixed list of values."""
    values = checks.listed(values)
    checks.call("custom_var", locals())
    if not values:
        checks.fail("custom_var", "values must not be empty")
    values = list(values)
    return _finish(
        core.Template(
            name=name,
            query=",".join(values),
            type="custom",
            label=label or name,
            default=default or (values[0] if values else None),
            multi=multi,
            includeAll=include_all,
            allValue=all_value,
            hide=core.HIDE_VARIABLE if hide else core.SHOW,
        ),
        extra,
    )


def interval_var(
    name: str = "interval",
    values: Iterable[str] = ("1m", "5m", "15m", "1h"),
    *,
    auto: bool = True,
    label: str | None = None,
    default: str | None = None,
    hide: bool = False,
    auto_count: int = 30,
    auto_min: str = "10s",
    extra: dict[str, Any] | None = None,
) -> core.Template:
    """A time interval picker; ``auto`` adds Grafana's automatic step (``auto_count`` steps, at least ``auto_min``)."""
    values = checks.listed(values)
    checks.call("interval_var", locals())
    if not values:
        checks.fail("interval_var", "values must not be empty")
    values = list(values)
    return _finish(
        core.Template(
            name=name,
            query=",".join(values),
            type="interval",
            label=label or name,
            default=default or (values[0] if values else None),
            auto=auto,
            autoCount=auto_count,
            autoMin=auto_min,
            hide=core.HIDE_VARIABLE if hide else core.SHOW,
        ),
        extra,
    )


def textbox(
    name: str, default: str = "", *, label: str | None = None, hide: bool = False, extra: dict[str, Any] | None = None
) -> core.Template:
    """A free-text input, e.g. ``textbox("filter", ".*")``; ``$filter`` is what the user typed."""
    checks.call("textbox", locals())
    return _finish(
        core.Template(
            name=name,
            query=default,
            type="textbox",
            label=label or name,
            default=default,
            hide=core.HIDE_VARIABLE if hide else core.SHOW,
        ),
        extra,
    )


def constant(name: str, value: str, *, label: str | None = None, extra: dict[str, Any] | None = None) -> core.Template:
    """A hidden fixed value (e.g. a job name shared by every query): ``$name`` is ``value``."""
    checks.call("constant", locals())
    return _finish(
        core.Template(name=name, query=value, type="constant", label=label or name, hide=core.HIDE_VARIABLE), extra
    )


def adhoc(
    name: str = "Filters",
    *,
    label: str | None = None,
    datasource: str | None = None,
    kind: str = PROMETHEUS,
    hide: bool = False,
    extra: dict[str, Any] | None = None,
) -> core.Template:
    """Ad hoc filters: label matchers the user adds at view time, applied to every query of the datasource."""
    checks.call("adhoc", locals())
    return _finish(
        core.Template(
            name=name,
            query="",
            type="adhoc",
            label=label or name,
            dataSource=datasource_ref(kind, datasource),
            hide=core.HIDE_VARIABLE if hide else core.SHOW,
        ),
        extra,
    )


def _finish(template: core.Template, extra: dict[str, Any] | None) -> core.Template:
    """``extra``: a dict deep-merged into the compiled variable last (the escape hatch, as on panels)."""
    if extra:
        template._gdash_extra = extra
    return remember(template)
