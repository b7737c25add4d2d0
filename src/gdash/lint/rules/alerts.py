"""ALR rules: alerting-rule semantics (Grafana-managed rules and Prometheus rule files)."""
from __future__ import annotations

import re
from typing import Iterator

import promql_parser as pp

from ..context import AlertContext
from ..findings import Issue
from ..macros import is_placeholder
from ..promql.tree import function_name, has_comparison, strip_parens, surviving_labels
from .registry import rule

_TEMPLATE_LABEL = re.compile(
    r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)|\.Labels\.([A-Za-z_][A-Za-z0-9_]*)|index\s+\$labels\s+\"([A-Za-z_][A-Za-z0-9_]*)\""
)
_ZERO_DURATION = re.compile(r"^\s*0*(?:[a-z]+)?\s*$")


def _promql(alert: AlertContext) -> list[pp.Expr]:
    return [q.parsed.ast for q in alert.queries if q.language == "promql" and q.parsed is not None]


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
    """An alert fires for every series its expression returns. Without a comparison
    (``rate(errors_total[5m]) / rate(requests_total[5m]) > 0.05``) — or, for Grafana-managed rules,
    a threshold/math condition — it fires whenever the metric exists. ``absent()`` rules are fine.
    """
    if alert.recording:
        return
    expressions = _promql(alert)
    if not expressions or _grafana_condition_compares(alert):
        return
    if not any(has_comparison(e) for e in expressions):
        yield Issue("alert expression has no comparison, so it fires whenever the series exists; "
                    "add a threshold such as `> 0.05`")


def template_labels(alert: AlertContext) -> set[str]:
    """Labels referenced by ``{{ $labels.x }}`` in the rule's labels and annotations."""
    found: set[str] = set()
    for value in [*alert.labels.values(), *alert.annotations.values()]:
        for match in _TEMPLATE_LABEL.finditer(str(value)):
            found.add(next(g for g in match.groups() if g))
    return found


@rule("ALR002", "warning", "aggregation drops a label the alert's templates use", "alert")
def template_label_dropped(alert: AlertContext) -> Iterator[Issue]:
    """``{{ $labels.instance }}`` in a summary or label renders empty when the expression aggregates
    ``instance`` away (``sum by (job) (...)``). Keep the label in ``by (...)``, or stop using it in
    the template.
    """
    expressions = _promql(alert)
    if not expressions:
        return
    outputs = [surviving_labels(e) for e in expressions]
    for label in sorted(template_labels(alert)):
        if all((kind == "only" and label not in labels and not any(is_placeholder(l) for l in labels))
               or (kind == "except" and label in labels) for kind, labels in outputs):
            yield Issue(f"templates use $labels.{label}, but the query's aggregation drops {label!r}")


def _only_absent(expression: pp.Expr) -> bool:
    node = strip_parens(expression)
    return function_name(node) in ("absent", "absent_over_time")


@rule("ALR003", "warning", "`for` missing on an alert that can flap", "alert")
def missing_for(alert: AlertContext) -> Iterator[Issue]:
    """Without ``for``, one evaluation over the threshold fires (and resolves) the alert, so noisy
    metrics page people for blips. Give threshold alerts a ``for`` of a few evaluation intervals
    (``for: 5m``). Rules on ``absent()`` alone are not flagged.
    """
    if alert.recording:
        return
    expressions = _promql(alert)
    if expressions and all(_only_absent(e) for e in expressions):
        return
    if not alert.for_ or _ZERO_DURATION.match(str(alert.for_)):
        yield Issue("alert has no `for` duration, so a single evaluation over the threshold fires it")


@rule("ALR004", "warning", "alert has no `summary` annotation", "alert")
def missing_summary(alert: AlertContext) -> Iterator[Issue]:
    """Notifications show the ``summary`` annotation as their headline; without it the on-call
    engineer sees only the rule name. Add ``summary: "High error rate on {{ $labels.job }}"``.
    """
    if not alert.recording and not str(alert.annotations.get("summary") or "").strip():
        yield Issue("alert has no summary annotation")


@rule("ALR005", "info", "alert has no `runbook_url` annotation", "alert")
def missing_runbook(alert: AlertContext) -> Iterator[Issue]:
    """A ``runbook_url`` annotation links the notification to what to do about it."""
    if not alert.recording and not str(alert.annotations.get("runbook_url") or "").strip():
        yield Issue("alert has no runbook_url annotation")
