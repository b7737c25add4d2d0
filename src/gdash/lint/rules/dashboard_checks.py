"""DSH rules on dashboard semantics: variables, units, variable queries, titles within a folder."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..context import DashboardContext, as_dict, as_list, as_text, panel_id, panel_targets
from ..findings import Issue
from ..grafana_units import mistyped_unit
from ..parse_error import QueryParseError
from ..promql import parse_promql
from .dashboards import datasource_kind
from .registry import rule

_REFERENCE = re.compile(
    r"\$\{([A-Za-z0-9_]+)(?:[:.][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]"
)
_LABEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_VARIABLE_FUNCTION = re.compile(r"^\s*(label_values|label_names|metrics|query_result)\s*\((.*)\)\s*$", re.DOTALL)


def _defined(context: DashboardContext) -> set[str]:
    names = set(context.variables())
    names |= {as_text(i.get("name")) for i in as_list(context.model.get("__inputs")) if isinstance(i, dict)}
    return names


def _references(text: str) -> Iterator[str]:
    for match in _REFERENCE.finditer(text):
        name = next(g for g in match.groups() if g)
        if not name.startswith("__") and not name[0].isdigit():
            yield name


@rule("DSH016", "warning", "undefined dashboard variable", "dashboard")
def undefined_variable(context: DashboardContext) -> Iterator[Issue]:
    """What: a query, panel title or description that uses a variable (``$job``, ``${job}``,
    ``[[job]]``) the dashboard does not define.

    Why: Grafana leaves an unknown ``$name`` as literal text, so the query selects ``job="$jbo"`` and
    shows "No data", or the title reads "Latency on $jbo" — almost always a typo in the name.

    Bad: ``rate(http_requests_total{job="$jbo"}[$__rate_interval])`` with a variable named ``job``.

    Fix: correct the name, or add the variable to the dashboard's templating.

    Configure: Grafana's built-in variables (``$__interval``, ``$__range``, ``$__auto``...) and
    import inputs (``${DS_PROMETHEUS}``) count as defined.
    """
    defined = _defined(context)
    for panel in context.panels():
        texts = [("title", as_text(panel.get("title"))), ("description", as_text(panel.get("description")))]
        texts += [(f"query {as_text(t.get('refId')) or '?'}", as_text(t.get("expr"))) for t in panel_targets(panel)]
        for where, text in texts:
            missing = sorted({name for name in _references(text) if name not in defined})
            if missing:
                yield Issue(
                    f"{where} uses ${missing[0]}, which the dashboard does not define", panel_id=panel_id(panel)
                )


def _units(panel: dict[str, Any]) -> Iterator[str]:
    field_config = as_dict(panel.get("fieldConfig"))
    unit = as_text(as_dict(field_config.get("defaults")).get("unit"))
    if unit:
        yield unit
    for override in as_list(field_config.get("overrides")):
        for prop in as_list(as_dict(override).get("properties")):
            if isinstance(prop, dict) and prop.get("id") == "unit" and as_text(prop.get("value")):
                yield as_text(prop.get("value"))
    if as_text(panel.get("type")) == "graph":
        for axis in as_list(panel.get("yaxes")):
            if isinstance(axis, dict) and as_text(axis.get("format")):
                yield as_text(axis.get("format"))
    if as_text(panel.get("type")) == "singlestat" and as_text(panel.get("format")):
        yield as_text(panel.get("format"))


@rule("DSH017", "warning", "unit that is a misspelt Grafana unit id", "dashboard")
def unknown_unit(context: DashboardContext) -> Iterator[Issue]:
    """What: a panel unit that is not a Grafana unit id but looks like one: a different case
    (``Bytes``, ``MS``) or a long name (``seconds``, ``milliseconds``, ``byte``, ``percentage``).

    Why: Grafana shows an unknown id as a literal suffix and does not scale the value: ``1500000
    byte`` instead of ``1.43 MiB``, ``0.35 seconds`` instead of ``350 ms``.

    Bad: ``fieldConfig.defaults.unit: "seconds"``

    Fix: use the id from Grafana's unit picker: ``s``, ``bytes``, ``percent``/``percentunit``,
    ``reqps``; or a custom unit written as ``suffix:req``.

    Configure: the ids are those of Grafana's ``valueFormats/categories.ts``. Other text (``/ sec``,
    ``errps``) is a deliberate custom suffix and not flagged, nor are ``suffix:``, ``prefix:``,
    ``si:``, ``count:``, ``time:`` and ``currency:`` units.
    """
    for panel in context.panels():
        for unit in _units(panel):
            meant = mistyped_unit(unit)
            if meant:
                yield Issue(
                    f"unit {unit!r} is not a Grafana unit id (did you mean {meant!r}?); "
                    "Grafana shows it as literal text, unscaled",
                    panel_id=panel_id(panel),
                )
                break


def _variable_query(variable: dict[str, Any]) -> str:
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query")
    return as_text(query).strip()


def _variable_problem(query: str) -> str | None:
    match = _VARIABLE_FUNCTION.match(query)
    if not match:
        try:
            parse_promql(query)
        except QueryParseError as error:
            return f"not a variable function and not a series selector ({error.message})"
        return None
    function, inner = match.group(1), match.group(2).strip()
    if function == "label_names":
        return _check_selector(inner) if inner else None
    if function == "metrics":
        return None if inner else "metrics() needs a regex"
    if function == "query_result":
        if not inner:
            return "query_result() needs a query"
        try:
            parse_promql(inner)
        except QueryParseError as error:
            return f"query_result() query does not parse: {error.message}"
        return None
    # label_values(label) or label_values(selector, label)
    selector, _, label = inner.rpartition(",")
    label = label.strip()
    if not label:
        return "label_values() needs a label name"
    if not _LABEL_NAME.match(label) and not label.startswith("$"):
        return f"label_values() label {label!r} is not a label name"
    return _check_selector(selector.strip()) if selector.strip() else None


def _check_selector(selector: str) -> str | None:
    try:
        parse_promql(selector)
    except QueryParseError as error:
        return f"selector {selector!r} does not parse: {error.message}"
    return None


@rule("DSH018", "error", "variable query that does not parse", "dashboard")
def bad_variable_query(context: DashboardContext) -> Iterator[Issue]:
    """What: a Prometheus query variable whose query is not valid: ``label_values(...)`` without a
    label or with a selector that does not parse, ``query_result(...)`` with invalid PromQL, or a
    series selector that is not PromQL.

    Why: the variable's dropdown stays empty and every panel using it shows "No data"; Grafana shows
    the error only in the variable editor.

    Bad: ``label_values(up{job="api", instance)``

    Fix: ``label_values(up{job="api"}, instance)``.

    Configure: only query variables on a Prometheus datasource (given by type, or through the
    datasource variable they use) are checked.
    """
    for name, variable in sorted(context.variables().items()):
        if variable.get("type") != "query":
            continue
        source = variable.get("datasource")
        kind = datasource_kind(source, context.variables()) if source is not None else "prometheus"
        if kind != "prometheus":
            continue  # Loki's label_values({}) and other plugins' queries follow other rules
        query = _variable_query(variable)
        if not query:
            continue
        problem = _variable_problem(query)
        if problem:
            yield Issue(f"variable ${name}: {problem}")


@rule("DSH019", "error", "two dashboards with the same title in one folder", "dashboard")
def duplicate_title_in_folder(context: DashboardContext) -> Iterator[Issue]:
    """What: two dashboards (with different uids) whose titles are one name to Grafana in the
    same folder: equal once lower-cased and trimmed.

    Why: Grafana refuses the second one on push (HTTP 412, "name-exists"), and file provisioning
    keeps only one of them. Grafana compares the titles' URL slugs, so "API" and " api " clash.

    Bad: ``dashboards/api.py`` titled "API" and ``dashboards/api_old.py`` titled "api", both in
    folder "Backend".

    Fix: rename one of them, or move it to another folder.

    Configure: for files, the folder is the file's directory (as ``foldersFromFilesStructure``
    provisions them). Grafana's slug rules for punctuation differ between its versions ("API (v2)"
    and "API v2" clash in some, not in others), so only the clashes every version makes are
    reported; a title whose slug could exceed 50 bytes is compared exactly, as Grafana then
    compares a UUID of the exact title.
    """
    if context.title_also_in:
        yield Issue(
            f"title {as_text(context.model.get('title'))!r} is the same name to Grafana as a dashboard in "
            f"this folder in {', '.join(context.title_also_in)}"
        )


@rule("DSH020", "info", "query variable not refreshed on time range change", "dashboard")
def variable_refresh(context: DashboardContext) -> Iterator[Issue]:
    """What: a query variable whose ``refresh`` is "Never" or "On dashboard load" rather than "On time
    range change".

    Why: its values are those of the moment the dashboard was saved or opened: pods, instances or
    jobs that appear later are missing from the dropdown until someone reloads.

    Bad: ``{"type": "query", "name": "pod", "refresh": 1}``

    Fix: ``"refresh": 2`` (in gdash, ``query_var(..., refresh="time")``).

    Configure: informational; variables whose values never change can keep ``refresh: 1``.
    """
    for name, variable in sorted(context.variables().items()):
        if variable.get("type") == "query" and variable.get("refresh") in (0, 1, None, False):
            yield Issue(
                f"variable ${name} refreshes {'never' if variable.get('refresh') in (0, None, False) else 'on load only'}; "
                "set refresh to 2 (on time range change)"
            )
