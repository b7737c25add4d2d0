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
    return _variable(
        "datasource", name, kind, label, hide, extra, regex=regex or None, refresh=core.REFRESH_ON_DASHBOARD_LOAD
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
    return _variable(
        "query",
        name,
        query,
        label or name,
        hide,
        extra,
        multi=multi,
        includeAll=include_all,
        allValue=all_value,
        regex=regex,
        refresh=_REFRESH[refresh],
        sort=_SORT[sort],
        dataSource=datasource_ref(kind, datasource),
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
    values = _values("custom_var", locals())
    return _variable(
        "custom",
        name,
        ",".join(values),
        label or name,
        hide,
        extra,
        default=default or values[0],
        multi=multi,
        includeAll=include_all,
        allValue=all_value,
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
    values = _values("interval_var", locals())
    return _variable(
        "interval",
        name,
        ",".join(values),
        label or name,
        hide,
        extra,
        default=default or values[0],
        auto=auto,
        autoCount=auto_count,
        autoMin=auto_min,
    )


def textbox(
    name: str, default: str = "", *, label: str | None = None, hide: bool = False, extra: dict[str, Any] | None = None
) -> core.Template:
    """A free-text input, e.g. ``textbox("filter", ".*")``; ``$filter`` is what the user typed."""
    checks.call("textbox", locals())
    return _variable("textbox", name, default, label or name, hide, extra, default=default)


def constant(name: str, value: str, *, label: str | None = None, extra: dict[str, Any] | None = None) -> core.Template:
    """A hidden fixed value (e.g. a job name shared by every query): ``$name`` is ``value``."""
    checks.call("constant", locals())
    return _variable("constant", name, value, label or name, True, extra)


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
    return _variable("adhoc", name, "", label or name, hide, extra, dataSource=datasource_ref(kind, datasource))


def _values(function: str, arguments: dict[str, Any]) -> list[str]:
    """The checked arguments' ``values`` (a list variable's: ``custom_var``, ``interval_var``), never empty."""
    arguments = dict(arguments, values=checks.listed(arguments["values"]))
    checks.call(function, arguments)
    if not arguments["values"]:
        checks.fail(function, "values must not be empty")
    return list(arguments["values"])


def _variable(
    type: str, name: str, query: str, label: str, hide: bool, extra: dict[str, Any] | None, **fields: Any
) -> core.Template:
    """A variable of ``type``, shown unless ``hide``. ``extra``: a dict deep-merged into the compiled
    variable last (the escape hatch, as on panels)."""
    template = core.Template(
        name=name,
        query=query,
        type=type,
        label=label,
        hide=core.HIDE_VARIABLE if hide else core.SHOW,
        **fields,
    )
    if extra:
        template._gdash_extra = extra
    return remember(template)
