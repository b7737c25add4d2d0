"""LQL rules: LogQL syntax and query hygiene (cost and correctness of one query)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from promql_parser import display_duration

from ..context import QueryContext
from ..findings import Issue
from ..logql import ast
from ..macros import line_and_column
from .registry import rule


def _column(context: QueryContext, node: ast.Node) -> int:
    index = context.logql.substituted.original_index(node.start)
    return line_and_column(context.logql.original, index)[1]


def _log_queries(context: QueryContext) -> Iterator[ast.LogQuery]:
    for node in ast.walk(context.logql.ast):
        if isinstance(node, ast.LogQuery):
            yield node


@rule("LQL001", "error", "LogQL query does not parse", "logql", on_parse_error=True)
def logql_syntax(context: QueryContext) -> Iterator[Issue]:
    """What: A LogQL query that does not parse, or that Loki rejects when parsing (a stream selector
    whose matchers all match empty, ``count_over_time`` with ``unwrap``, ``topk`` without a positive
    integer).

    Why: Loki answers with an error: the panel shows it, or the rule never evaluates.

    Bad: ``{job="api"} |= ``

    Fix: Correct the syntax at the column given (Grafana's macros and variables are replaced by
    placeholders first).

    Configure: In rule files the finding says which dialect was used; choose it with ``--dialect``,
    ``lint.loki_rules`` or a Loki CRD.
    """
    if context.error is not None:
        yield Issue(f"invalid LogQL: {context.error.message}", column=context.error.column)


@rule("LQL002", "warning", 'no-op line filter such as `|= ""`', "logql")
def noop_line_filter(context: QueryContext) -> Iterator[Issue]:
    """What: A line filter that matches every line: ``|= ""``, ``|~ ""``, ``|~ ".*"``.

    Why: It costs CPU on every log line and filters nothing; usually the leftover of an empty
    Grafana variable.

    Bad: ``{job="api"} |= "" | json``

    Fix: Remove the filter.

    Configure: None.
    """
    for query in _log_queries(context):
        for stage in query.stages:
            if isinstance(stage, ast.LineFilter) and stage.op in ("|=", "|~") and len(stage.values) == 1:
                kind, value = stage.values[0]
                if kind == "string" and (value == "" or (stage.op == "|~" and value in (".*", "(?s).*"))):
                    yield Issue(f"line filter {stage.op} {value!r} matches every line", column=_column(context, stage))


@rule("LQL003", "info", "line filter placed after a parser", "logql")
def line_filter_after_parser(context: QueryContext) -> Iterator[Issue]:
    """What: A line filter placed after a parser stage.

    Why: Line filters are Loki's cheapest stage; after ``| json`` every line is parsed before being
    dropped.

    Bad: ``{job="api"} | json |= "error"``

    Fix: Move the filter before the parser: ``{job="api"} |= "error" | json``.

    Configure: A ``line_format`` in between (which changes the line) makes the order meaningful and
    is not flagged.
    """
    for query in _log_queries(context):
        parsed = False
        for stage in query.stages:
            if isinstance(stage, ast.FormatStage) and stage.kind == "line_format":
                parsed = False
            elif isinstance(stage, ast.ParserStage):
                parsed = True
            elif isinstance(stage, ast.LineFilter) and parsed:
                yield Issue(
                    f"line filter {stage.op} after a parser; move it before the parser", column=_column(context, stage)
                )


@rule("LQL004", "warning", "label filter before the parser that defines the label", "logql")
def label_filter_before_parser(context: QueryContext) -> Iterator[Issue]:
    """What: A label filter before the parser that extracts that label.

    Why: At that point the label does not exist, so the filter drops every line (or keeps every line
    for ``!=``).

    Bad: ``{job="api"} | level="error" | logfmt``

    Fix: Move the filter after the parser: ``{job="api"} | logfmt | level="error"``.

    Configure: Stream labels and labels set by an earlier parser or ``label_format`` are fine.
    """
    for query in _log_queries(context):
        stream_labels = {m.name for m in query.selector.matchers}
        for index, stage in enumerate(query.stages):
            if not isinstance(stage, ast.LabelFilter):
                continue
            earlier = [s for s in query.stages[:index] if isinstance(s, ast.ParserStage)]
            formatted = {
                dst for s in query.stages[:index] if isinstance(s, ast.FormatStage) for dst, _, _ in s.assignments
            }
            later = [s for s in query.stages[index + 1 :] if isinstance(s, ast.ParserStage)]
            if not later:
                continue
            known = stream_labels | formatted
            open_ended = False
            for parser in earlier:
                defined = parser.defined_labels()
                open_ended |= defined is None
                known |= defined or set()
            for predicate in stage.predicates():
                name = predicate.name
                if name in known or open_ended or name.startswith("__"):
                    continue
                defined_later = [p for p in later if p.defined_labels() is None or name in (p.defined_labels() or ())]
                if defined_later:
                    yield Issue(
                        f"label filter on {name!r} comes before the {defined_later[0].kind} parser that extracts it",
                        column=_column(context, stage),
                    )


@rule("LQL005", "warning", "high-cardinality label in the stream selector", "logql")
def high_cardinality_selector(context: QueryContext) -> Iterator[Issue]:
    """What: A stream selector using a high-cardinality label such as ``trace_id`` or ``user_id``.

    Why: Each value is a stream: Loki's index grows huge and queries slow down; selecting on one
    suggests the label is indexed.

    Bad: ``{job="api", trace_id="abc"}``

    Fix: Keep such values in the line or structured metadata and filter with ``|= "abc"`` or a label
    filter after a parser.

    Configure: Add labels with ``lint.high_cardinality_labels``.
    """
    high = context.settings.high_cardinality_labels
    for query in _log_queries(context):
        for matcher in query.selector.matchers:
            if matcher.name.lower() in high:
                yield Issue(
                    f"stream selector uses high-cardinality label {matcher.name!r}", column=_column(context, matcher)
                )


@rule("LQL006", "warning", "unbounded or very long range in a log range aggregation", "logql")
def unbounded_range(context: QueryContext) -> Iterator[Issue]:
    """What: A log range aggregation over ``$__range`` or over more than ``lint.max_log_range``
    (default 1d).

    Why: A range aggregation reads every log line in its range: ``[$__range]`` grows with the time
    picker (30 days of logs for a 30-day view).

    Bad: ``sum(count_over_time({job="api"}[$__range]))``

    Fix: Use ``[$__auto]`` or ``[$__interval]``, or a bounded range.

    Configure: Set the limit with ``lint.max_log_range``.
    """
    limit = context.settings.max_log_range
    substituted = context.logql.substituted
    for node in ast.walk(context.logql.ast):
        if not isinstance(node, ast.RangeAggregation):
            continue
        variable = next(
            (
                v
                for v in substituted.variables
                if v.context == "duration" and substituted.original_index(node.range.start) == v.start
            ),
            None,
        )
        if variable is not None:
            if variable.name in ("__range", "__range_s", "__range_ms"):
                yield Issue(
                    f"{node.op}() range ${variable.name} grows with the dashboard time range",
                    column=_column(context, node.range),
                )
        elif node.range.value > limit:
            yield Issue(
                f"{node.op}() range [{node.range.text}] is longer than {display_duration(limit)}",
                column=_column(context, node.range),
            )


@rule("LQL010", "warning", "dashboard log range aggregation with a fixed range instead of `$__auto`", "logql")
def fixed_log_range(context: QueryContext) -> Iterator[Issue]:
    """What: a dashboard LogQL range aggregation (``count_over_time``, ``rate``, ``bytes_over_time``...)
    with a fixed range such as ``[5m]``.

    Why: Grafana's ``$__auto`` picks the range from the panel's resolution; a fixed range reads far
    more logs than needed when zoomed out (and gives jagged graphs), too few when zoomed in.

    Bad: ``sum by (level) (count_over_time({app="api"} | logfmt [5m]))`` in a panel.

    Fix: ``sum by (level) (count_over_time({app="api"} | logfmt [$__auto]))``.

    Configure: alert and recording rules are not checked (they have no panel resolution); nor are
    ranges given by a variable.
    """
    if context.origin != "panel":
        return
    substituted = context.logql.substituted
    for node in ast.walk(context.logql.ast):
        if isinstance(node, ast.RangeAggregation) and node.range is not None:
            variable = next(
                (
                    v
                    for v in substituted.variables
                    if v.context == "duration" and substituted.original_index(node.range.start) == v.start
                ),
                None,
            )
            if variable is None:
                yield Issue(
                    f"{node.op}() uses a fixed range [{node.range.text}]; use [$__auto]",
                    column=_column(context, node.range),
                )


@rule("LQL011", "error", "line-filter regex that does not compile", "logql")
def bad_line_filter_regex(context: QueryContext) -> Iterator[Issue]:
    """What: a regex line filter (``|~ "..."``, ``!~ "..."``) whose pattern is not a valid RE2 regular
    expression.

    Why: the query parses, but Loki compiles the regex when it runs the query and fails it: the panel
    shows an error, the alert rule errors at every evaluation.

    Bad: ``{app="api"} |~ "timeout (after"``

    Fix: escape the metacharacter or close the group: ``{app="api"} |~ "timeout \\(after"``.

    Configure: patterns that are Grafana variables are not checked. Patterns are compiled with RE2
    (google-re2), the syntax of Go's ``regexp`` that Loki uses, not Python's ``re``: look-aheads
    (``(?!s)``), backreferences and repetition counts above 1000 are errors; ``\\pL``,
    ``\\Q...\\E`` and ``(?U)`` are valid.
    """
    from ..goregex import compile_go_regex
    from ..macros import is_placeholder

    for query in _log_queries(context):
        for stage in query.stages:
            if isinstance(stage, ast.LineFilter) and stage.op in ("|~", "!~"):
                for kind, value in stage.values:
                    if kind != "string" or is_placeholder(value):
                        continue
                    try:
                        compile_go_regex(value)
                    except re.error as error:
                        yield Issue(
                            f"line filter {stage.op} {value!r} is not a valid regex: {error}",
                            column=_column(context, stage),
                        )
