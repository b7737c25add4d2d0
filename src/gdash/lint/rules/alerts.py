"""ALR rules: alerting-rule semantics (Grafana-managed rules and Prometheus rule files)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import promql_parser as pp

from ..context import AlertContext
from ..findings import Issue
from ..macros import is_placeholder
from ..promql.tree import (
    COMPARISONS,
    function_name,
    has_comparison,
    is_constant_vector,
    is_scalar,
    metric_name,
    op_name,
    returns_bool,
    strip_parens,
    surviving_labels,
    walk,
)
from .registry import rule

_TEMPLATE_LABEL = re.compile(
    r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)|\.Labels\.([A-Za-z_][A-Za-z0-9_]*)|index\s+\$labels\s+\"([A-Za-z_][A-Za-z0-9_]*)\""
)
_ZERO_DURATION = re.compile(r"^\s*0*(?:[a-z]+)?\s*$")


def _promql(alert: AlertContext) -> list[pp.Expr]:
    return [q.prom.ast for q in alert.queries if q.language == "promql" and q.parsed is not None]


def _grafana_condition_compares(alert: AlertContext) -> bool:
    for expression in alert.expressions:
        kind = expression.get("type")
        if kind in ("threshold", "classic_conditions"):
            return True
        if kind == "math" and re.search(r"[<>]=?|[!=]=", str(expression.get("expression", ""))):
            return True
    return False


@rule("ALR001", "warning", "alert expression has no comparison", "alert")
def alert_without_comparison(alert: AlertContext) -> Iterator[Issue]:
    """What: an alerting rule whose expression never filters: no comparison (``> 0.05``), no
    ``and``/``unless`` filter, no ``absent()``, and, for Grafana-managed rules, no threshold or math
    condition.

    Why: an alert fires for every series its expression returns, so without a condition it fires
    whenever the metric exists.

    Bad: ``rate(errors_total[5m]) / rate(requests_total[5m])``

    Fix: add the threshold: ``rate(errors_total[5m]) / rate(requests_total[5m]) > 0.05``.

    Configure: comparisons nested anywhere count (``sum by (job) (up == 0)``, ``(a > 1) * b``);
    expressions that select no series (``vector(1)``: a dead man's switch that fires on purpose)
    are not flagged, nor are presence alerts: a selector whose regex matcher on a label other than
    the target's identity (``job``, ``instance``, ``namespace``, ...) picks the series that are the
    problem (``pg_index_size{indexrelname=~".*ccnew.*"}``: every leftover index is one alert).
    """
    if alert.recording:
        return
    expressions = _promql(alert)
    if not expressions or _grafana_condition_compares(alert):
        return
    if all(is_constant_vector(e) for e in expressions) or all(_presence_filter(e) for e in expressions):
        return
    if not any(has_comparison(e) for e in expressions):
        yield Issue(
            "alert expression has no comparison, so it fires whenever the series exists; "
            "add a threshold such as `> 0.05`"
        )


# Labels that say which target a series comes from, not what state it is in: a regex on them scopes
# the alert; a regex on any other label selects the series that are the problem (presence alerts).
_IDENTITY_LABELS = {
    "job", "instance", "namespace", "cluster", "pod", "container", "service", "node", "env", "environment",
    "region", "zone", "datacenter", "team",
}  # fmt: skip
_MATCH_ALL = {".*", ".+", "(.*)", "(.+)", "^.*$", "^.+$"}


def _presence_filter(expression: pp.Expr) -> bool:
    """The expression is one selector (possibly inside functions such as ``last_over_time``) with a
    regex matcher on a non-identity label: the matching series are the condition."""
    node = strip_parens(expression)
    while isinstance(node, pp.Call) and len(node.args) == 1:
        node = strip_parens(node.args[0])
    if isinstance(node, pp.MatrixSelector):
        node = node.vector_selector
    if not isinstance(node, pp.VectorSelector):
        return False
    return any(
        m.op == pp.MatchOp.Re
        and m.name not in _IDENTITY_LABELS
        and m.name != "__name__"
        and m.value not in _MATCH_ALL
        and not is_placeholder(m.value)
        for m in node.matchers.matchers
    )


def template_labels(alert: AlertContext) -> set[str]:
    """Labels referenced by ``{{ $labels.x }}`` in the rule's labels and annotations."""
    found: set[str] = set()
    for value in [*alert.labels.values(), *alert.annotations.values()]:
        text = str(value)
        if "abels" not in text:  # in "$labels" and ".Labels": most values reference no label
            continue
        for match in _TEMPLATE_LABEL.finditer(text):
            found.add(next(g for g in match.groups() if g))
    return found


@rule("ALR002", "warning", "aggregation drops a label the alert's templates use", "alert")
def template_label_dropped(alert: AlertContext) -> Iterator[Issue]:
    """What: The alert's labels or annotations use ``{{ $labels.x }}`` but the expression's aggregation
    or join removes ``x``.

    Why: The template renders empty: the notification says "High error rate on " and routing on that
    label fails.

    Bad: ``expr: sum by (job) (rate(errors_total[5m])) > 1`` with ``summary: "Errors on {{
    $labels.instance }}"``

    Fix: Keep the label: ``sum by (job, instance) (...)``, or stop using it in the templates.

    Configure: ``time() - x``, ``100 * x`` and ``group_left`` joins keep the labels Prometheus
    keeps; placeholders in ``by (...)`` count as kept.
    """
    used = template_labels(alert)
    expressions = _promql(alert) if used else None
    if not expressions:
        return
    outputs = [surviving_labels(e) for e in expressions]
    for label in sorted(used):
        if all(
            (kind == "only" and label not in labels and not any(is_placeholder(other) for other in labels))
            or (kind == "except" and label in labels)
            for kind, labels in outputs
        ):
            yield Issue(f"templates use $labels.{label}, but the query's aggregation drops {label!r}")


_EVENT_FUNCTIONS = {"changes", "resets", "absent", "absent_over_time", "time", "timestamp"}
_COUNTING_FUNCTIONS = {"increase", "rate", "irate", "delta", "idelta"}
_TIME_METRIC = re.compile(r"expir|_ttl_|_ttl$|timestamp|last_seen|_time_seconds$|cert", re.IGNORECASE)
_META_SERIES = {"ALERTS", "ALERTS_FOR_STATE"}
_STATE_LABELS = {"state", "status", "phase"}
_TERMINAL_STATE = re.compile(r"fail|fault|broken|dead|degraded|crash", re.IGNORECASE)


def _counts_terminal_state(node: pp.Expr) -> bool:
    """A gauge of things in a failed state (``node_md_disks{state="failed"}``): sticky until someone
    acts, so it does not flap."""
    return any(
        isinstance(n, pp.VectorSelector)
        and any(
            m.op == pp.MatchOp.Equal and m.name in _STATE_LABELS and _TERMINAL_STATE.search(m.value)
            for m in n.matchers.matchers
        )
        for n, _ in walk(node)
    )


def _event_style(expression: pp.Expr) -> bool:
    """Alerts where waiting (``for``) adds nothing: dead man's switches, ``absent()``, events
    (``changes()``, ``resets()``, an increase of a failure counter above zero), time and
    certificate-expiry comparisons, and alerts on ``ALERTS`` (inhibitors)."""
    if is_constant_vector(expression):
        return True
    for node, _ in walk(expression):
        name = function_name(node)
        if name in _EVENT_FUNCTIONS:
            return True
        if isinstance(node, pp.VectorSelector):
            metric = metric_name(node) or ""
            if metric in _META_SERIES or _TIME_METRIC.search(metric):
                return True
        if isinstance(node, pp.BinaryExpr) and op_name(node) in COMPARISONS and not returns_bool(node):
            sides = [strip_parens(node.lhs), strip_parens(node.rhs)]
            threshold = next((s for s in sides if isinstance(s, pp.NumberLiteral)), None)
            other = next((s for s in sides if not is_scalar(s)), None)
            if threshold is None or other is None:
                continue
            counted = {function_name(n) for n, _ in walk(other)} & _COUNTING_FUNCTIONS
            if (threshold.val == 0 and counted) or (threshold.val <= 1 and counted - {"rate", "irate"}):
                return True  # increase(failures[5m]) > 0: each failure is the event
            if threshold.val == 0 and op_name(node) in (">", "!=") and _counts_terminal_state(other):
                return True  # node_md_disks{state="failed"} > 0: a failed disk stays failed
    return False


def _log_event_style(query) -> bool:
    """LogQL alerts on ``absent_over_time`` (no logs is the event)."""
    from ..logql import ast as log_ast

    if query.language != "logql" or query.parsed is None:
        return False
    return any(
        isinstance(n, log_ast.RangeAggregation) and n.op == "absent_over_time" for n in log_ast.walk(query.parsed.ast)
    )


@rule("ALR003", "warning", "`for` missing on an alert that can flap", "alert")
def missing_for(alert: AlertContext) -> Iterator[Issue]:
    """What: a threshold alert with no ``for`` key at all.

    Why: without ``for``, one evaluation over the threshold fires (and the next resolves) the alert,
    so noisy metrics page people for blips.

    Bad: ``expr: node_load1 > 10`` with no ``for:``.

    Fix: give it a ``for`` of a few evaluation intervals (``for: 5m``), or an explicit ``for: 0m``
    when a single evaluation is meant to fire.

    Configure: an explicit ``for`` (also ``for: 0s``) is the author's choice and never flagged;
    event-style alerts are not flagged either: ``absent()``, dead man's switches (``vector(1)``),
    ``changes()``/``resets()``, an increase or rate of a counter compared with 0 or 1, a count of
    things in a failed state above 0 (``node_md_disks{state="failed"} > 0``: sticky), time and
    certificate-expiry comparisons (``time() - x``, ``*_timestamp*``, ``*expir*``, ``*_ttl_*``) and
    alerts over ``ALERTS``.
    """
    if alert.recording or alert.for_ is not None:
        return
    expressions = _promql(alert)
    if any(_event_style(e) for e in expressions) or any(_log_event_style(q) for q in alert.queries):
        return
    yield Issue(
        "alert has no `for` duration, so a single evaluation over the threshold fires it; "
        "add `for: 5m` (or an explicit `for: 0m`)"
    )


@rule("ALR004", "warning", "alert has no `summary` annotation", "alert")
def missing_summary(alert: AlertContext) -> Iterator[Issue]:
    """What: An alerting rule without a ``summary`` annotation.

    Why: Notifications show the summary as their headline; without it the on-call engineer sees only
    the rule name.

    Bad: ``annotations: {description: "..."}``

    Fix: Add ``summary: "High error rate on {{ $labels.job }}"``.

    Configure: Recording rules are not checked.
    """
    if not alert.recording and not str(alert.annotations.get("summary") or "").strip():
        yield Issue("alert has no summary annotation")


@rule("ALR005", "info", "alert has no `runbook_url` annotation", "alert")
def missing_runbook(alert: AlertContext) -> Iterator[Issue]:
    """What: An alerting rule without a ``runbook_url`` annotation.

    Why: A runbook link tells the person paged what to do; without it they start from nothing at 3
    a.m.

    Bad: ``annotations: {summary: "Disk full"}``

    Fix: Add ``runbook_url: https://runbooks.example.com/disk-full``.

    Configure: Informational; switch it off with ``lint: {disable: [ALR005]}`` if your runbooks live
    elsewhere.
    """
    if not alert.recording and not str(alert.annotations.get("runbook_url") or "").strip():
        yield Issue("alert has no runbook_url annotation")
