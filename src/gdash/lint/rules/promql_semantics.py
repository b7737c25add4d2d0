"""PQL semantics beyond syntax: expressions that parse but cannot return what their author meant."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator

import promql_parser as pp

from ..context import QueryContext
from ..findings import Issue
from ..goregex import GoRegex, compile_go_regex
from ..macros import is_placeholder
from ..promql.tree import (
    COMPARISONS,
    all_matchers,
    column_of,
    function_name,
    is_scalar,
    metric_name,
    op_name,
    strip_parens,
    surviving_labels,
)
from .registry import rule

_SET_OPERATORS = {"and", "or", "unless"}


def _column(context: QueryContext, pattern: str) -> int | None:
    return column_of(context.prom, pattern)


def _is_vector(node: pp.Expr) -> bool:
    node = strip_parens(node)
    return not is_scalar(node) and not isinstance(node, pp.StringLiteral)


def _aggregated(node: pp.Expr) -> bool:
    """The expression's labels were chosen by an aggregation (so they are exactly what it says)."""
    node = strip_parens(node)
    while isinstance(node, pp.Call) and node.args and function_name(node) not in ("label_replace", "label_join"):
        vectors = [a for a in node.args if _is_vector(a)]
        if not vectors:
            return False
        node = strip_parens(vectors[0])
    return isinstance(node, pp.AggregateExpr) and op_name(node) not in ("topk", "bottomk", "limitk", "limit_ratio")


def _vector_pair(node: pp.BinaryExpr) -> bool:
    return _is_vector(node.lhs) and _is_vector(node.rhs) and op_name(node) != "or"


def _known(*outputs: tuple[str, frozenset[str]]) -> bool:
    return not any(any(is_placeholder(label) for label in labels) for _, labels in outputs)


def _join_on_removed(node: pp.BinaryExpr) -> str | None:
    """The ``on(...)`` label an aggregation on one side removed, described, or None."""
    matching = node.modifier.matching if node.modifier is not None else None
    if not _vector_pair(node) or matching is None or matching.type != pp.LabelModifierType.Include:
        return None
    sides = (("left", node.lhs), ("right", node.rhs))
    outputs = [surviving_labels(expr) for _, expr in sides]
    if not _known(*outputs):
        return None
    for (side, expr), (kind, labels) in zip(sides, outputs, strict=True):
        removed = sorted(
            name
            for name in matching.labels
            if (kind == "only" and name not in labels) or (kind == "except" and name in labels)
        )
        if removed and _aggregated(expr):
            return (
                f"on({', '.join(matching.labels)}) joins on {removed[0]!r}, which the {side} side's aggregation removed"
            )
    return None


def _mismatch(node: pp.BinaryExpr) -> str | None:
    """Why the two sides of a vector/vector operation without on()/ignoring() cannot match, or None."""
    if not _vector_pair(node) or (node.modifier is not None and node.modifier.matching is not None):
        return None  # on(...) is PQL018's; ignoring(...): the user chose what to compare
    left, right = surviving_labels(node.lhs), surviving_labels(node.rhs)
    if not _known(left, right):
        return None
    if (
        left[0] == "only"
        and right[0] == "only"
        and left[1] != right[1]
        and _aggregated(node.lhs)
        and _aggregated(node.rhs)
    ):
        only_left = sorted(left[1] - right[1])
        only_right = sorted(right[1] - left[1])
        extra = f"the left side keeps {only_left[0]!r}" if only_left else f"the right side keeps {only_right[0]!r}"
        return f"{extra} and the other side does not, so no series match (add on(...) or ignoring(...))"
    return None


def _unmatched_sides(context: QueryContext, reason_of: Callable[[pp.BinaryExpr], str | None]) -> Iterator[Issue]:
    """One finding per binary operation that ``reason_of`` says cannot match, at its operator."""
    for node, _ in context.prom.nodes:
        if isinstance(node, pp.BinaryExpr):
            reason = reason_of(node)
            if reason:
                op = op_name(node)
                column = _column(context, re.escape(op) if op not in _SET_OPERATORS else rf"\b{op}\b")
                yield Issue(f"the two sides of `{op}` cannot match: {reason}", column=column)


@rule("PQL012", "warning", "binary operation whose sides cannot match", "promql", needs=("BinaryExpr",))
def binary_sides_cannot_match(context: QueryContext) -> Iterator[Issue]:
    """What: a binary operation between two aggregations, without ``on(...)`` or ``ignoring(...)``,
    where one side keeps a label the other removed (``sum by (job, instance) (a) / sum by (job) (b)``).

    Why: Prometheus matches the two sides on all their labels; when one side always has a label the
    other never has, the result is empty, so the panel shows nothing and the alert never fires.

    Bad: ``sum by (job, instance) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m]))``

    Fix: aggregate both sides by the same labels, or say what to match: ``... / on(job) group_left
    sum by (job) (...)``.

    Configure: only operations where both sides are aggregations (so their labels are known) are
    checked; ``or``, ``ignoring(...)`` and ``on(...)`` (PQL018) are not.
    """
    return _unmatched_sides(context, _mismatch)


@rule("PQL018", "warning", "on(...) joins on a label an aggregation removed", "promql", needs=("BinaryExpr",))
def join_on_removed_label(context: QueryContext) -> Iterator[Issue]:
    """What: a binary operation with ``on(labels)`` where one side is an aggregation that does not keep
    one of those labels (``sum by (job) (a) * on (instance) group_left b``).

    Why: the aggregation removed the label, so on that side every series has it empty; the join then
    matches on nothing (or on the empty value) and the result is empty or one wrong many-to-many match.

    Bad: ``sum by (job) (rate(errors_total[5m])) / on (instance) sum by (instance) (up)``

    Fix: keep the label in the aggregation (``sum by (job, instance) (...)``), or join on labels both
    sides have.

    Configure: only sides that are aggregations (whose labels are known) are checked; ``or`` and
    labels that are Grafana variables are not.
    """
    return _unmatched_sides(context, _join_on_removed)


def _regex_full(pattern: str) -> GoRegex | None:
    try:
        return compile_go_regex(f"(?:{pattern})")
    except re.error:
        return None


def _impossible(selector: pp.VectorSelector) -> str | None:
    by_label: dict[str, list[tuple[pp.MatchOp, str]]] = defaultdict(list)
    if selector.name:
        by_label["__name__"].append((pp.MatchOp.Equal, selector.name))
    for matcher in selector.matchers.matchers:  # `or` groups are alternatives: not checked
        by_label[matcher.name].append((matcher.op, matcher.value))
    if all(len(found) < 2 for found in by_label.values()):
        return None  # one matcher per label cannot contradict itself
    for label, matchers in sorted(by_label.items()):
        matchers = [(op, value) for op, value in matchers if not is_placeholder(value)]
        equal = {value for op, value in matchers if op == pp.MatchOp.Equal}
        if len(equal) > 1:
            values = sorted(equal)
            return f"{label!r} must equal both {values[0]!r} and {values[1]!r}"
        if len(equal) == 1:
            (value,) = equal
            for op, other in matchers:
                if op == pp.MatchOp.NotEqual and other == value:
                    return f"{label}={value!r} and {label}!={value!r}"
                if op in (pp.MatchOp.Re, pp.MatchOp.NotRe):
                    regex = _regex_full(other)
                    if regex is None:
                        continue
                    if (regex.fullmatch(value) is not None) != (op == pp.MatchOp.Re):
                        symbol = "=~" if op == pp.MatchOp.Re else "!~"
                        return f"{label}={value!r} can never satisfy {label}{symbol}{other!r}"
    return None


@rule("PQL013", "error", "selector that can never match a series", "promql")
def impossible_selector(context: QueryContext) -> Iterator[Issue]:
    """What: a selector whose matchers contradict each other: one label required to equal two values
    (``{job="api", job="web"}``), ``x="a"`` with ``x!="a"``, or an equality that its own regex matcher
    excludes.

    Why: no series can satisfy it, so the query always returns nothing — usually a copy-paste slip or
    a variable that was meant to be there.

    Bad: ``up{job="api", job="web"}``

    Fix: use one matcher with a regex: ``up{job=~"api|web"}``.

    Configure: matchers whose value is a Grafana variable are not checked, nor are ``or`` groups.
    """
    for node, _ in context.prom.nodes:
        if isinstance(node, pp.VectorSelector):
            reason = _impossible(node)
            if reason:
                name = metric_name(node) or "{...}"
                yield Issue(f"selector {name} can never match: {reason}", column=_column(context, r"\{"))


@rule("PQL014", "error", "comparison with NaN", "promql", needs=("comparison",))
def nan_comparison(context: QueryContext) -> Iterator[Issue]:
    """What: a comparison against the ``NaN`` literal (``x == NaN``, ``x != NaN``, ``x > NaN``).

    Why: NaN compares unequal to everything, itself included: ``== NaN`` is never true and ``!= NaN``
    always is, so the filter does nothing or removes everything.

    Bad: ``rate(latency_seconds_sum[5m]) / rate(latency_seconds_count[5m]) != NaN``

    Fix: to drop NaN samples compare the value with itself: ``(x) == (x)`` keeps only non-NaN values;
    or avoid the division by zero (``... / (rate(x_count[5m]) > 0)``).

    Configure: none.
    """
    for node, _ in context.prom.nodes:
        if isinstance(node, pp.BinaryExpr) and op_name(node) in COMPARISONS:
            for side in (strip_parens(node.lhs), strip_parens(node.rhs)):
                if isinstance(side, pp.NumberLiteral) and math.isnan(side.val):
                    yield Issue(
                        f"`{op_name(node)} NaN` is {'always' if op_name(node) == '!=' else 'never'} true; "
                        "NaN equals nothing",
                        column=_column(context, r"(?i)\bnan\b"),
                    )
                    break


@rule("PQL015", "warning", "rate()/increase() over a subquery of an aggregation", "promql", needs=("SubqueryExpr",))
def rate_of_aggregated_subquery(context: QueryContext) -> Iterator[Issue]:
    """What: ``rate()``, ``irate()``, ``increase()`` or ``resets()`` over a subquery whose inner
    expression aggregates (``rate(sum(x_total)[5m:])``).

    Why: summing counters first hides their resets: when one instance restarts, the sum drops and
    rate() reads the drop as a reset, producing a huge spike.

    Bad: ``rate(sum by (job) (http_requests_total)[5m:])``

    Fix: rate first, then aggregate: ``sum by (job) (rate(http_requests_total[5m]))``.

    Configure: none.
    """
    for name, node, _ in context.prom.calls:
        if name in ("rate", "irate", "increase", "resets") and node.args:
            argument = strip_parens(node.args[0])
            if isinstance(argument, pp.SubqueryExpr) and _aggregated(argument.expr):
                yield Issue(
                    f"{name}() over a subquery of an aggregation: counter resets of the parts are lost; "
                    "apply rate() before aggregating",
                    column=_column(context, rf"\b{name}\s*\("),
                )


@rule(
    "PQL016",
    "warning",
    "delta()/deriv() over a counter",
    "promql",
    needs=("fn:delta", "fn:idelta", "fn:deriv", "fn:predict_linear"),
)
def delta_on_counter(context: QueryContext) -> Iterator[Issue]:
    """What: ``delta()``, ``idelta()``, ``deriv()`` or ``predict_linear()`` over a metric known to be a
    counter.

    Why: these functions are for gauges; they do not handle counter resets, so every restart shows
    as a large negative change.

    Bad: ``delta(http_requests_total[5m])``

    Fix: use ``increase()`` (or ``rate()``) for counters.

    Configure: the type comes from the same sources as PQL002 (metadata with ``--prometheus``,
    ``lint.counters``, the exporter table, the ``_total`` suffix); unknown types are not flagged.
    """
    for name, node, _ in context.prom.calls:
        if name in ("delta", "idelta", "deriv", "predict_linear") and node.args:
            argument = strip_parens(node.args[0])
            selector = argument.vector_selector if isinstance(argument, pp.MatrixSelector) else None
            metric = metric_name(selector) if selector is not None else None
            if (
                metric
                and not is_placeholder(metric)
                and ":" not in metric
                and context.settings.metric_type(metric) == "counter"
            ):
                yield Issue(
                    f"{name}() over counter {metric!r}; use increase() or rate()",
                    column=_column(context, rf"\b{name}\s*\("),
                )


@rule("PQL017", "warning", "regex matcher that matches everything", "promql", needs=("regex",))
def match_all_regex(context: QueryContext) -> Iterator[Issue]:
    """What: a regex matcher such as ``path=~".*"`` that matches every value, the empty one included.

    Why: it filters nothing, yet costs Prometheus a regex evaluation per series; often the remains of
    an "All" variable value or a forgotten filter.

    Bad: ``http_requests_total{path=~".*"}``

    Fix: remove the matcher (``.+`` is different: it requires the label to be set).

    Configure: matchers whose value is a Grafana variable are not flagged.
    """
    for node, _ in context.prom.nodes:
        if isinstance(node, pp.VectorSelector):
            for matcher in all_matchers(node):
                if matcher.op == pp.MatchOp.Re and matcher.value in (".*", "(.*)", "^.*$", "(?s).*", ".*?"):
                    yield Issue(
                        f"{matcher.name}=~{matcher.value!r} matches every value; remove it",
                        column=_column(context, rf"\b{re.escape(matcher.name)}\s*=~"),
                    )
