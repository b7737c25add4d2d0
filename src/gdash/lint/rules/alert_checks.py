"""ALR rules beyond the basics: expressions that always fire or flap, broken templates, rule-file mistakes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import promql_parser as pp

from ..context import AlertContext, as_text
from ..findings import Issue
from ..gotemplate import GRAFANA_VARIABLES, PROMETHEUS_FUNCTIONS, PROMETHEUS_VARIABLES, TemplateError, check_template
from ..promql.tree import COMPARISONS, function_name, op_name, returns_bool, strip_parens, walk
from .alerts import template_labels
from .registry import rule

# Prometheus' model.ParseDuration: units in descending order, each at most once ("0" alone is allowed).
_PROMETHEUS_DURATION = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")
_SECONDS = (365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001)
_VALUE_IN_TEMPLATE = re.compile(r"\{\{[^}]*(\$value\b|\.Value\b|\$values\b)")


def _promql(alert: AlertContext) -> list[pp.Expr]:
    return [q.prom.ast for q in alert.queries if q.language == "promql" and q.parsed is not None]


def _top_level(node: pp.Expr) -> Iterator[pp.Expr]:
    """The nodes that decide which series the alert returns: through parentheses and set operators."""
    node = strip_parens(node)
    if isinstance(node, pp.BinaryExpr) and op_name(node) in ("and", "or", "unless"):
        yield from _top_level(node.lhs)
        if op_name(node) == "or":
            yield from _top_level(node.rhs)
    else:
        yield node


@rule("ALR006", "error", "`bool` comparison decides an alert (it always fires)", "alert")
def bool_comparison_in_alert(alert: AlertContext) -> Iterator[Issue]:
    """What: an alerting rule whose result is a comparison with the ``bool`` modifier
    (``errors > bool 10``).

    Why: ``bool`` turns the filter into a 0/1 value: every series is returned, so the alert fires for
    all of them all the time, also when the condition is false.

    Bad: ``expr: rate(errors_total[5m]) > bool 0.1``

    Fix: drop ``bool``: ``rate(errors_total[5m]) > 0.1``. ``bool`` belongs inside aggregations such as
    ``sum(up == bool 0) > 2``.

    Configure: comparisons with ``bool`` inside functions and aggregations are fine and not flagged.
    """
    if alert.recording:
        return
    for expression in _promql(alert):
        for node in _top_level(expression):
            if isinstance(node, pp.BinaryExpr) and op_name(node) in COMPARISONS and returns_bool(node):
                yield Issue(
                    f"`{op_name(node)} bool` returns every series as 0 or 1, so the alert always fires; drop `bool`"
                )
                return


def _dedup(node: pp.AggregateExpr) -> bool:
    """``topk by (pod) (1, ...)``: one series per group, the idiom that removes duplicate series."""
    k = strip_parens(node.param) if node.param is not None else None
    return (
        node.modifier is not None
        and node.modifier.type == pp.AggModifierType.By
        and bool(node.modifier.labels)
        and isinstance(k, pp.NumberLiteral)
        and k.val == 1
    )


@rule("ALR007", "warning", "irate() or topk()/bottomk()/limitk() in an alert", "alert")
def fragile_alert_functions(alert: AlertContext) -> Iterator[Issue]:
    """What: ``irate()``, or ``topk``/``bottomk``/``limitk``, in an alerting rule's expression.

    Why: ``irate()`` looks only at the last two samples, so one slow scrape flips the alert; ``topk``
    picks a different set of series at each evaluation, so alerts resolve and re-fire as the ranking
    changes. Both make alerts flap.

    Bad: ``expr: irate(errors_total[5m]) > 10`` or ``topk(3, rate(errors_total[5m])) > 1``

    Fix: use ``rate()`` over a range of several scrapes; alert on every series over the threshold and
    let Alertmanager group them.

    Configure: recording rules and dashboards are not checked, nor is the deduplication idiom
    ``topk by (pod) (1, ...)`` (one series per group).
    """
    if alert.recording:
        return
    for expression in _promql(alert):
        for node, _ in walk(expression):
            if function_name(node) == "irate":
                yield Issue("irate() in an alert uses only the last two samples and flaps; use rate()")
                return
            if (
                isinstance(node, pp.AggregateExpr)
                and op_name(node) in ("topk", "bottomk", "limitk")
                and not _dedup(node)
            ):
                yield Issue(
                    f"{op_name(node)}() in an alert selects different series at each evaluation, "
                    "so alerts flap; alert on every series over the threshold"
                )
                return


@rule("ALR008", "error", "template syntax error in a label or annotation", "alert")
def template_syntax(alert: AlertContext) -> Iterator[Issue]:
    """What: a label or annotation whose Go template does not parse: an unclosed ``{{``, an ``if``
    without ``end``, an unterminated string, an undefined variable (``$label`` for ``$labels``) or,
    in Prometheus rule files, a function that does not exist (``humanise``).

    Why: Prometheus refuses to load the rule file (``promtool check rules`` fails); Grafana renders
    the error text into the notification instead of the message.

    Bad: ``summary: "High load on {{ $labels.instance }"``

    Fix: correct the template at the place the message names: ``{{ $labels.instance }}``.

    Configure: Grafana-managed rules are checked for syntax and variables (``$labels``, ``$values``,
    ``$value``), not for function names, since Grafana adds its own functions.
    """
    grafana = alert.kind == "grafana"
    variables = GRAFANA_VARIABLES if grafana else PROMETHEUS_VARIABLES
    for where, values in (("label", alert.labels), ("annotation", alert.annotations)):
        for key, value in sorted(values.items()):
            try:
                check_template(str(value), variables=variables, functions=None if grafana else PROMETHEUS_FUNCTIONS)
            except TemplateError as error:
                yield Issue(f"{where} {key!r}: template: {error}")


@rule("ALR009", "warning", "alert label uses the query value", "alert")
def value_in_labels(alert: AlertContext) -> Iterator[Issue]:
    """What: an alerting rule label whose template uses the query value (``{{ $value }}``).

    Why: labels identify an alert. When a label changes with the value, each evaluation makes a new
    alert: the old one resolves, a new one fires, and notifications repeat every interval.

    Bad: ``labels: {current: "{{ $value }}"}``

    Fix: move the value into an annotation: ``annotations: {description: "now {{ $value }}"}``.

    Configure: annotations may use the value freely; only labels are checked.
    """
    if alert.recording:
        return
    for key, value in sorted(alert.labels.items()):
        if _VALUE_IN_TEMPLATE.search(str(value)):
            yield Issue(
                f"label {key!r} uses the query value, so every new value is a new alert; move it into an annotation"
            )


@rule("ALR010", "warning", "two alerts with the same name and labels in one group", "alert")
def duplicate_rule_name(alert: AlertContext) -> Iterator[Issue]:
    """What: two alerting rules with the same name and the same labels in one group.

    Why: usually a copy-paste slip: the second was meant to be a different alert (a critical twin of
    a warning one). Alerts are identified by their labels, so Alertmanager merges the two into one
    alert whose annotations alternate, and silences cannot tell them apart.

    Bad: two ``- alert: HighErrorRate`` entries in the group ``api``.

    Fix: give each rule its own name (``HighErrorRateWarning``, ``HighErrorRateCritical``), or merge
    them if they differ only in labels meant to be one alert.

    Configure: rules in different groups may share names, and so may twins that differ in a label
    (``severity: warning`` and ``severity: critical``), as mixins write them. Recording rules are not
    checked: several rules recording one series name from different selectors are a common idiom.
    """
    if alert.same_name_lines and not alert.recording:
        where = ", ".join(f"line {n}" for n in alert.same_name_lines if n) or "elsewhere"
        yield Issue(f"group {alert.group!r} has another rule named {alert.name!r} with the same labels ({where})")


def duration_seconds(value: Any) -> float | None:
    """Seconds of a Prometheus duration (``5m``, ``1h30m``, ``0``), or None when it does not parse."""
    return _duration_seconds(as_text(value).strip())


@lru_cache(maxsize=1024)
def _duration_seconds(text: str) -> float | None:
    if text == "0":
        return 0.0
    match = _PROMETHEUS_DURATION.match(text) if text else None
    if not match or not any(match.groups()):
        return None
    return sum(int(g) * unit for g, unit in zip(match.groups(), _SECONDS) if g)


@rule("ALR011", "error", "duration that does not parse", "alert")
def bad_duration(alert: AlertContext) -> Iterator[Issue]:
    """What: a ``for``, ``keep_firing_for`` or group ``interval`` that is not a Prometheus duration
    (``5 m``, ``300``, ``1m30``, ``5min``).

    Why: Prometheus refuses to load the whole rule file, and Grafana rejects the rule group.

    Bad: ``for: 5min``

    Fix: write a number with a unit, largest unit first: ``for: 5m``, ``for: 1h30m``.

    Configure: none.
    """
    checks = [("for", alert.for_), ("keep_firing_for", alert.keep_firing_for), ("group interval", alert.group_interval)]
    for what, value in checks:
        if value is not None and duration_seconds(value) is None:
            yield Issue(f"{what} {value!r} is not a duration; write e.g. 5m or 1h30m")


@rule("ALR012", "warning", "rule `for` shorter than the group's evaluation interval", "alert")
def for_shorter_than_interval(alert: AlertContext) -> Iterator[Issue]:
    """What: an alerting rule whose ``for`` is longer than zero but shorter than its group's
    ``interval``.

    Why: ``for`` is checked only at evaluations, so a ``for: 1m`` in a ``5m`` group waits 5 minutes,
    not 1: the rule says something the server cannot do.

    Bad: ``interval: 5m`` with ``for: 1m``.

    Fix: make ``for`` a multiple of the interval (``for: 5m``, ``for: 10m``) or shorten the interval.

    Configure: groups without an explicit ``interval`` (the server's global one) are not checked.
    """
    if alert.recording or alert.for_ is None or alert.group_interval is None:
        return
    wait, interval = duration_seconds(alert.for_), duration_seconds(alert.group_interval)
    if wait and interval and wait < interval:
        yield Issue(
            f"for {alert.for_} is shorter than the group interval {alert.group_interval}, "
            f"so the alert waits {alert.group_interval} anyway"
        )


def _absent_labels(node: pp.Expr) -> set[str] | None:
    """Labels an ``absent()``/``absent_over_time()`` result carries: the equality matchers of a plain
    selector argument (Prometheus' ``createLabelsForAbsentFunction``), else none; None if not absent()."""
    node = strip_parens(node)
    if function_name(node) not in ("absent", "absent_over_time") or not isinstance(node, pp.Call) or not node.args:
        return None
    argument = strip_parens(node.args[0])
    if isinstance(argument, pp.MatrixSelector):
        argument = argument.vector_selector
    if not isinstance(argument, pp.VectorSelector):
        return set()
    labels = {m.name for m in argument.matchers.matchers if m.op == pp.MatchOp.Equal and m.name != "__name__"}
    return labels


@rule("ALR013", "warning", "templates use a label that absent() does not return", "alert")
def absent_template_labels(alert: AlertContext) -> Iterator[Issue]:
    """What: an ``absent()`` (or ``absent_over_time()``) alert whose labels or annotations use
    ``{{ $labels.x }}`` for a label the result cannot have.

    Why: ``absent()`` returns one series whose labels are only the equality matchers of a plain
    selector (``absent(up{job="api"})`` gives ``{job="api"}``); over an aggregation, a comparison
    or a regex matcher it returns no labels at all, so the template renders empty.

    Bad: ``expr: absent(sum by (job) (up{job="api"}))`` with ``summary: "{{ $labels.job }} is gone"``

    Fix: select with equality matchers: ``absent(up{job="api"})``, or write the value into the
    template: ``summary: "api is gone"``.

    Configure: only alerts whose expression is ``absent(...)`` at the top level are checked.
    """
    if alert.recording:
        return
    for expression in _promql(alert):
        available = _absent_labels(expression)
        if available is None:
            continue
        for label in sorted(template_labels(alert) - available):
            yield Issue(
                f"templates use $labels.{label}, but absent() returns "
                + (f"only {', '.join(sorted(available))}" if available else "no labels")
                + " here"
            )
