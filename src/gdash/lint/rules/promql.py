"""PQL rules: PromQL syntax and pint-style offline semantics of one query."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import promql_parser as pp

from ..context import QueryContext
from ..findings import Issue
from ..macros import is_placeholder
from ..promql.tree import (
    RATE_FUNCTIONS,
    all_matchers,
    column_of,
    function_name,
    metric_name,
    op_name,
    strip_parens,
)
from .registry import rule

_COUNTER_SAFE_FUNCTIONS = RATE_FUNCTIONS | {
    "resets",
    "changes",
    "absent",
    "absent_over_time",
    "present_over_time",
    "timestamp",
    "count_over_time",
    "last_over_time",
    "histogram_count",
    "histogram_sum",
}
_COUNTER_SAFE_AGGREGATIONS = {"count", "count_values", "group"}
_TOTAL_PANELS = {"stat", "singlestat", "table", "table-old", "gauge", "bargauge", "piechart", "text"}
_RATE_NEEDS = tuple(f"fn:{name}" for name in RATE_FUNCTIONS)
_HISTOGRAM_NEEDS = ("fn:histogram_quantile",)
_REGEX_META = re.compile(r"[\\.^$|?*+()\[\]{}]")


def _column(context: QueryContext, pattern: str) -> int | None:
    return column_of(context.prom, pattern)


def _shared(context: QueryContext, compute: Callable[[QueryContext], Iterable[Any]]) -> list[Any]:
    """``compute(context)``, computed once per query text for all the rules that need it (``compute``
    must read only ``context.prom``)."""
    derived = context.prom.derived
    if compute not in derived:
        derived[compute] = list(compute(context))
    return derived[compute]


def _rate_calls(context: QueryContext) -> Iterator[tuple[str, pp.MatrixSelector | pp.SubqueryExpr]]:
    for name, node, _ in context.prom.calls:
        if name in RATE_FUNCTIONS and node.args:
            argument = strip_parens(node.args[0])
            if isinstance(argument, (pp.MatrixSelector, pp.SubqueryExpr)):
                yield name, argument


def _range_functions(context: QueryContext) -> list[tuple[str, pp.MatrixSelector | pp.SubqueryExpr]]:
    return _shared(context, _rate_calls)


def _selector_of(argument: pp.MatrixSelector | pp.SubqueryExpr) -> pp.VectorSelector | None:
    inner = argument.vector_selector if isinstance(argument, pp.MatrixSelector) else strip_parens(argument.expr)
    return inner if isinstance(inner, pp.VectorSelector) else None


@rule("PQL001", "error", "PromQL query does not parse", "promql", on_parse_error=True)
def promql_syntax(context: QueryContext) -> Iterator[Issue]:
    """What: A PromQL query that does not parse (after Grafana's macros and variables are replaced by
    placeholders).

    Why: Prometheus rejects it: the panel shows an error or the alert rule never evaluates.

    Bad: ``sum(rate(http_requests_total[5m])``

    Fix: Correct the syntax at the column given; the message is the parser's own.

    Configure: In rule files the finding says which dialect was used; a Loki file read as PromQL
    needs ``--dialect loki`` or ``lint.loki_rules``.
    """
    if context.error is not None:
        yield Issue(f"invalid PromQL: {context.error.message}", column=context.error.column)


@rule("PQL002", "warning", "rate/irate/increase over a metric that is not a counter", "promql", needs=_RATE_NEEDS)
def rate_on_non_counter(context: QueryContext) -> Iterator[Issue]:
    """What: ``rate()``, ``irate()`` and ``increase()`` over a metric whose type is known to be a gauge.

    Why: these functions assume a counter; over a gauge the result is meaningless and counter-reset
    handling turns every dip into a spike.

    Bad: ``rate(node_memory_MemFree_bytes[5m])``

    Fix: use ``deriv()`` or ``delta()`` for gauges, or rate the matching counter.

    Configure: the type comes from Prometheus' metadata API with ``gdash lint --prometheus URL``,
    from the ``lint.counters`` regexes in gdash.yaml, from gdash's table of common exporters'
    metrics (:mod:`gdash.lint.metric_types`) and from the ``_total``/``_count``/``_sum``/``_bucket``
    naming convention. When the type is unknown (``node_vmstat_*`` counters are exported untyped)
    the rule stays silent rather than guess; recording-rule names (with ``:``) are not checked.
    """
    for name, argument in _range_functions(context):
        selector = _selector_of(argument)
        metric = metric_name(selector) if selector else None
        if not metric or is_placeholder(metric) or ":" in metric:
            continue
        kind = context.settings.metric_type(metric)
        if kind is not None and kind != "counter":
            yield Issue(
                f"{name}() over {metric!r}, which is a {kind}, not a counter",
                column=_column(context, rf"\b{name}\s*\("),
            )


def _is_offset_delta(node: pp.VectorSelector, ancestors: tuple[pp.Expr, ...]) -> bool:
    """``x - x offset 10m``: a hand-written increase (the author chose to ignore counter resets)."""
    if not ancestors:
        return False
    parent = ancestors[-1]
    while isinstance(parent, pp.ParenExpr) and len(ancestors) > 1:
        ancestors = ancestors[:-1]
        parent = ancestors[-1]
    if not isinstance(parent, pp.BinaryExpr) or op_name(parent) != "-":
        return False
    lhs, rhs = strip_parens(parent.lhs), strip_parens(parent.rhs)
    return (
        isinstance(lhs, pp.VectorSelector)
        and isinstance(rhs, pp.VectorSelector)
        and metric_name(lhs) == metric_name(rhs)
        and any(s.offset for s in (lhs, rhs))
    )


def _compared_with_sibling(context: QueryContext, node: pp.VectorSelector, metric: str) -> bool:
    """The ``_total`` series is combined with a sibling of the same family — capacity totals such as
    ``x_used / x_total``, ``ceph_pg_total - ceph_pg_active``, a lifetime ratio of two counters, or the
    same series ``offset`` in the past: the raw values are what the author compares."""
    base = metric[: -len("_total")] if metric.endswith("_total") else metric
    parent = base.rsplit("_", 1)[0] if base.count("_") >= 2 else None
    for other, _ in context.prom.nodes:
        if not isinstance(other, pp.VectorSelector) or other is node:
            continue
        name = metric_name(other) or ""
        if name == metric and (other.offset or node.offset):
            return True
        if (
            name
            and name != metric
            and (
                name.startswith(base + "_")
                or (
                    parent
                    and name.rsplit("_", 1)[0].removesuffix("_total") == parent
                    or (parent and name.removesuffix("_total").rsplit("_", 1)[0] == parent)
                )
            )
        ):
            return True
    return False


@rule("PQL003", "warning", "counter used without rate()/increase()", "promql")
def counter_without_rate(context: QueryContext) -> Iterator[Issue]:
    """What: a counter series (``*_total``, a histogram's ``*_bucket``) used by its raw value.

    Why: a counter only ever goes up (until the process restarts), so its raw value shows process
    uptime rather than activity, and an alert on it (``errors_total > 0``) fires for ever after the
    first error.

    Bad: ``sum(http_requests_total{job="api"})``

    Fix: wrap it in ``rate()`` or ``increase()``: ``sum(rate(http_requests_total{job="api"}[5m]))``.

    Configure: counting series (``count(x_total)``), ``absent()``/``timestamp()``, ``x - x offset
    1h``, a total compared with a sibling of its family (``x_used / x_total``, the same series
    ``offset 1h``), uptime counters, and metrics known to be gauges despite the suffix (cAdvisor's ``container_fs_inodes_total``,
    Promtail's ``promtail_file_bytes_total``; see :mod:`gdash.lint.metric_types`, or Prometheus'
    metadata with ``--prometheus``) are not flagged, nor are stat, table and gauge panels (a total
    since start is what they show). ``_count``/``_sum`` are not checked: exporters
    use those suffixes for gauges too (``pg_stat_activity_count``).
    """
    if context.origin == "panel" and context.panel_type in _TOTAL_PANELS:
        return  # a stat or table of a counter shows "total since start" on purpose
    for node, ancestors in context.prom.nodes:
        if not isinstance(node, pp.VectorSelector):
            continue
        metric = metric_name(node)
        if not metric or is_placeholder(metric) or not metric.endswith(("_total", "_bucket")):
            continue
        if context.settings.metric_type(metric) not in ("counter", None):
            continue
        if any(isinstance(a, pp.MatrixSelector) for a in ancestors):
            continue
        if any(function_name(a) in _COUNTER_SAFE_FUNCTIONS for a in ancestors):
            continue
        if any(isinstance(a, pp.AggregateExpr) and op_name(a) in _COUNTER_SAFE_AGGREGATIONS for a in ancestors):
            continue
        if any(
            isinstance(a, pp.BinaryExpr) and op_name(a) in ("and", "unless") and a.rhs in (node,) for a in ancestors
        ):
            continue
        if _is_offset_delta(node, ancestors) or "uptime" in metric or _compared_with_sibling(context, node, metric):
            continue
        yield Issue(
            f"counter {metric!r} is used without rate() or increase()",
            column=_column(context, rf"(?<![\w:]){re.escape(metric)}(?![\w:])"),
        )


def _histogram_quantiles(context: QueryContext) -> Iterator[list[tuple[pp.VectorSelector, tuple[pp.Expr, ...]]]]:
    """For each histogram_quantile() call: the selectors below it, with their ancestors below the call."""
    nodes = context.prom.nodes
    for name, node, ancestors in context.prom.calls:
        if name == "histogram_quantile" and len(node.args) == 2:
            depth = len(ancestors)
            yield [
                (n, a[depth + 1 :])
                for n, a in nodes
                if isinstance(n, pp.VectorSelector)
                and len(a) > depth
                and a[depth] is node
                and not _on_one_side(n, a[depth + 1 :])
            ]


def _on_one_side(node: pp.Expr, ancestors: tuple[pp.Expr, ...]) -> bool:
    """True when ``node`` sits on the "one" side of a ``group_left``/``group_right`` join (an info
    metric joined in for its labels, such as kube-prometheus' ``* on (instance) group_left (node)
    max by (instance, node) (kubelet_node_name)``): it is not a histogram input."""
    chain = ancestors + (node,)
    for parent, child in zip(chain, chain[1:]):
        if isinstance(parent, pp.BinaryExpr) and parent.modifier is not None:
            card = parent.modifier.card
            one = (
                parent.rhs
                if card == pp.VectorMatchCardinality.ManyToOne
                else parent.lhs
                if card == pp.VectorMatchCardinality.OneToMany
                else None
            )
            if one is not None and _same(one, child):
                return True
    return False


def _same(a: pp.Expr, b: pp.Expr) -> bool:
    # promql-parser builds a new Python object per attribute access: compare by rendering.
    return a is b or (type(a) is type(b) and str(a) == str(b))


def _keeps_le(aggregation: pp.AggregateExpr) -> bool:
    modifier = aggregation.modifier
    if modifier is None:
        return False
    labels = set(modifier.labels)
    templated = any(is_placeholder(label) for label in labels)
    if modifier.type == pp.AggModifierType.Without:
        return "le" not in labels
    return "le" in labels or templated


@rule("PQL004", "error", "histogram_quantile over an aggregation that drops `le`", "promql", needs=_HISTOGRAM_NEEDS)
def histogram_quantile_drops_le(context: QueryContext) -> Iterator[Issue]:
    """What: ``histogram_quantile()`` over an aggregation that does not keep the ``le`` label.

    Why: Classic histograms need ``le``; after ``sum(...)`` or ``sum by (job)`` one series per group
    is left and the function returns nothing.

    Bad: ``histogram_quantile(0.9, sum by (job) (rate(x_seconds_bucket[5m])))``

    Fix: Keep ``le``: ``sum by (le, job) (rate(x_seconds_bucket[5m]))``.

    Configure: Aggregations on the "one" side of a ``group_left`` join (info metrics joined in for
    labels) are not inputs and are not checked.
    """
    for selectors in _histogram_quantiles(context):
        for _selector, ancestors in selectors:
            dropping = [a for a in ancestors if isinstance(a, pp.AggregateExpr) and not _keeps_le(a)]
            if dropping:
                yield Issue(
                    f"histogram_quantile() input {op_name(dropping[0])}(...) drops the `le` label; "
                    "aggregate with `by (le)`",
                    column=_column(context, r"\bhistogram_quantile\s*\("),
                )
                break


@rule(
    "PQL005",
    "warning",
    "histogram_quantile over buckets that are not aggregated by `le`",
    "promql",
    needs=_HISTOGRAM_NEEDS,
)
def histogram_quantile_unaggregated(context: QueryContext) -> Iterator[Issue]:
    """What: ``histogram_quantile()`` over bucket rates that no aggregation combines.

    Why: One quantile per scraped series (per instance, pod, path...) is rarely what is meant, and
    the series count grows with the fleet.

    Bad: ``histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))``

    Fix: Aggregate first: ``histogram_quantile(0.95, sum by (le)
    (rate(http_request_duration_seconds_bucket[5m])))``.

    Configure: Recording-rule inputs (already aggregated) are not checked.
    """
    for selectors in _histogram_quantiles(context):
        if (
            selectors
            and not any(isinstance(a, pp.AggregateExpr) for _, ancestors in selectors for a in ancestors)
            and any((metric_name(s) or "").endswith("_bucket") for s, _ in selectors)
        ):
            yield Issue(
                "histogram_quantile() over bucket rates that are not aggregated; use sum by (le) (...)",
                column=_column(context, r"\bhistogram_quantile\s*\("),
            )


@rule("PQL006", "warning", "histogram_quantile input is not a `_bucket` series", "promql", needs=_HISTOGRAM_NEEDS)
def histogram_quantile_not_bucket(context: QueryContext) -> Iterator[Issue]:
    """What: ``histogram_quantile()`` whose input is not a ``_bucket`` series.

    Why: Classic histograms expose buckets as ``<name>_bucket`` with ``le``; over ``_sum``,
    ``_count`` or a gauge it returns nothing.

    Bad: ``histogram_quantile(0.9, sum by (le) (rate(x_seconds_sum[5m])))``

    Fix: Use the ``_bucket`` series.

    Configure: Recording-rule series (any name with ``:``, e.g. ``job:x_bucket:rate5m``) are valid
    inputs. Native histograms have no suffix: suppress the rule for them.
    """
    for selectors in _histogram_quantiles(context):
        names = [metric_name(s) for s, _ in selectors]
        known = [n for n in names if n and not is_placeholder(n)]
        if known and not any(n.endswith("_bucket") or ":" in n for n in known):
            yield Issue(
                f"histogram_quantile() input {known[0]!r} is not a _bucket series",
                column=_column(context, r"\bhistogram_quantile\s*\("),
            )


@rule("PQL007", "warning", "range shorter than twice the scrape interval", "promql", needs=("MatrixSelector",))
def range_too_short(context: QueryContext) -> Iterator[Issue]:
    """What: A range selector shorter than twice the scrape interval.

    Why: ``rate()`` needs two samples in its range; one missed scrape makes the series disappear.

    Bad: ``rate(http_requests_total[45s])`` with a 30 s scrape interval.

    Fix: Use at least 2x (better 4x) the scrape interval, or ``$__rate_interval`` in dashboards.

    Configure: Runs only when ``lint.scrape_interval`` is set.
    """
    scrape = context.settings.scrape_interval
    if scrape is None:
        return
    for node, _ in context.prom.nodes:
        if isinstance(node, pp.MatrixSelector) and context.prom.substituted.variable_for_duration(node.range) is None:
            if node.range < 2 * scrape:
                yield Issue(
                    f"range {pp.display_duration(node.range)} is shorter than 2x the scrape interval ({pp.display_duration(scrape)})",
                    column=_column(context, r"\["),
                )


def _regex_matchers(context: QueryContext) -> list[pp.Matcher]:
    return _shared(context, _find_regex_matchers)


def _find_regex_matchers(context: QueryContext) -> Iterator[pp.Matcher]:
    for node, _ in context.prom.nodes:
        if isinstance(node, pp.VectorSelector):
            for matcher in all_matchers(node):
                if matcher.op in (pp.MatchOp.Re, pp.MatchOp.NotRe) and not is_placeholder(matcher.value):
                    yield matcher


@rule("PQL008", "info", "regex matcher that is a plain literal", "promql", needs=("regex",))
def literal_regex(context: QueryContext) -> Iterator[Issue]:
    """What: A regex matcher whose value holds no regex syntax.

    Why: ``job=~"api"`` says the same as ``job="api"`` and is more expensive for Prometheus.

    Bad: ``up{job=~"api"}``

    Fix: Use ``=`` (or ``!=``).

    Configure: Informational; matchers whose value is a Grafana variable are not flagged.
    """
    for matcher in _regex_matchers(context):
        if matcher.value and not _REGEX_META.search(matcher.value):
            op = "=" if matcher.op == pp.MatchOp.Re else "!="
            yield Issue(
                f"{matcher.name}{'=~' if op == '=' else '!~'}{matcher.value!r} is a plain string; use {op}",
                column=_column(context, rf"\b{re.escape(matcher.name)}\s*[=!]~"),
            )


@rule("PQL009", "warning", "anchored regex matcher", "promql", needs=("regex",))
def anchored_regex(context: QueryContext) -> Iterator[Issue]:
    """What: A regex matcher anchored with ``^`` or ``$``.

    Why: Prometheus fully anchors regex matchers already; the anchors are redundant and suggest the
    author expected substring matching.

    Bad: ``up{job=~"^api$"}``

    Fix: Drop the anchors: ``up{job=~"api"}`` (or ``.*api.*`` for a substring).

    Configure: None.
    """
    for matcher in _regex_matchers(context):
        if matcher.value.startswith("^") or (matcher.value.endswith("$") and not matcher.value.endswith("\\$")):
            yield Issue(
                f"regex {matcher.value!r} on {matcher.name!r} is anchored; Prometheus anchors regexes already",
                column=_column(context, rf"\b{re.escape(matcher.name)}\s*[=!]~"),
            )


@rule("PQL010", "warning", "`$__interval` used as a rate() range", "promql", needs=_RATE_NEEDS)
def interval_in_rate(context: QueryContext) -> Iterator[Issue]:
    """What: ``$__interval`` used as the range of ``rate()``/``irate()``/``increase()``.

    Why: ``$__interval`` follows the panel resolution and can be shorter than two scrapes, so the
    graph has gaps or nothing when zoomed in.

    Bad: ``rate(http_requests_total[$__interval])``

    Fix: Use ``$__rate_interval``.

    Configure: ``increase(x[$__interval])`` is not flagged: it is the count per step of a bar chart.
    """
    for name, argument in _range_functions(context):
        if name == "increase":
            continue  # increase(x[$__interval]): the count per step of a bar chart, meant per interval
        variable = context.prom.substituted.variable_for_duration(argument.range)
        if variable is not None and variable.name == "__interval":
            index = context.prom.substituted.original.find("$", variable.start)
            yield Issue(f"{name}() uses $__interval; use $__rate_interval", column=index + 1)


@rule("PQL011", "warning", "panel rate()/irate() range is not `$__rate_interval`", "promql", needs=_RATE_NEEDS)
def fixed_rate_interval(context: QueryContext) -> Iterator[Issue]:
    """What: A dashboard ``rate()``/``irate()`` with a fixed range instead of ``$__rate_interval``.

    Why: A fixed range hides spikes when zoomed out and breaks when the scrape interval changes
    (dashboard-linter's target-rate-interval rule).

    Bad: ``rate(http_requests_total[5m])`` in a panel.

    Fix: ``rate(http_requests_total[$__rate_interval])``.

    Configure: Alert and recording rules are not checked; nor is ``increase(x[24h])`` (a fixed
    window is its meaning).
    """
    if context.origin != "panel":
        return
    for name, argument in _range_functions(context):
        if name == "increase" or not isinstance(argument, pp.MatrixSelector):
            continue
        variable = context.prom.substituted.variable_for_duration(argument.range)
        if variable is None:
            yield Issue(
                f"{name}() uses a fixed range [{pp.display_duration(argument.range)}]; use [$__rate_interval]",
                column=_column(context, rf"\b{name}\s*\("),
            )
        elif variable.name not in ("__rate_interval", "__interval"):
            yield Issue(f"{name}() range uses ${variable.name}; use $__rate_interval", column=variable.start + 1)
