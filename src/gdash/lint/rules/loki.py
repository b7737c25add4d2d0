"""Loki ruler checks: what Loki's ruler requires of the LogQL alerting and recording rules in a rule file
(read as Loki by a Loki CRD, ``lint.loki_rules``, ``--dialect loki`` or detection)."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import AlertContext
from ..findings import Issue
from ..logql import ast
from .registry import rule


def _logql(alert: AlertContext) -> list[ast.Expr]:
    return [q.logql.ast for q in alert.queries if q.language == "logql" and q.parsed is not None]


@rule("LQL007", "error", "Loki rule expression is a log query, not a metric query", "alert")
def loki_rule_not_metric(alert: AlertContext) -> Iterator[Issue]:
    """What: a Loki alerting or recording rule whose expression returns log lines
    (``{job="api"} |= "error"``) instead of samples.

    Why: Loki's ruler evaluates rules as metric queries; it rejects a rule group holding a log query,
    so none of the group's rules run.

    Bad: ``expr: '{job="api"} |= "panic"'``

    Fix: count the lines: ``sum by (job) (count_over_time({job="api"} |= "panic" [5m])) > 0``.

    Configure: applies to rule files read as Loki (Loki CRD, ``lint.loki_rules``, ``--dialect loki`` or
    detection); Grafana-managed rules are not checked.
    """
    if alert.kind == "prometheus" and any(isinstance(e, ast.LogQuery) for e in _logql(alert)):
        yield Issue("the expression is a log query; Loki rules need a metric query such as count_over_time(...)")


@rule("LQL008", "warning", "Loki recording rule name has no colon", "alert")
def loki_record_name(alert: AlertContext) -> Iterator[Issue]:
    """What: a Loki recording rule whose ``record`` name has no ``:``.

    Why: recorded series live next to scraped ones in Prometheus/Mimir; the ``level:metric:operation``
    naming convention (which Loki's docs follow) keeps them apart and tells readers how they were made.

    Bad: ``record: api_errors``

    Fix: name it after its labels, source and operation: ``record: job:api_log_errors:rate5m``.

    Configure: applies to Loki rule files only; disable with ``lint: {disable: [LQL008]}``.
    """
    if alert.recording and alert.kind == "prometheus" and _logql(alert) and ":" not in alert.name:
        yield Issue(f"recording rule {alert.name!r} has no colon; use level:metric:operation")


@rule("LQL009", "warning", "Loki rule stream selector has no equality matcher", "alert")
def loki_equality_matcher(alert: AlertContext) -> Iterator[Issue]:
    """What: a stream selector in a Loki rule with only regex or negative matchers (``{job=~".+"}``).

    Why: every evaluation then reads every stream that matches the regex, across the tenant: the most
    expensive query a ruler can run, repeated each interval.

    Bad: ``sum(rate({app=~".+"} |= "error" [5m])) > 10``

    Fix: select the streams with at least one ``=`` matcher: ``{namespace="shop", app=~"api|web"}``.

    Configure: applies to Loki rule files only.
    """
    if alert.kind != "prometheus":
        return
    for expression in _logql(alert):
        for node in ast.walk(expression):
            if isinstance(node, ast.LogQuery) and not any(m.op == "=" and m.value for m in node.selector.matchers):
                yield Issue('stream selector has no equality matcher (name="value"), so it scans every matching stream')
                return
