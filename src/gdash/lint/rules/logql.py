"""LQL rules: LogQL syntax and query hygiene (cost and correctness of one query)."""
from __future__ import annotations

from typing import Iterator

from promql_parser import display_duration

from ..context import QueryContext
from ..findings import Issue
from ..logql import ast
from ..macros import line_and_column
from .registry import rule


def _column(context: QueryContext, node: ast.Node) -> int:
    index = context.parsed.substituted.original_index(node.start)
    return line_and_column(context.parsed.original, index)[1]


def _log_queries(context: QueryContext) -> Iterator[ast.LogQuery]:
    for node in ast.walk(context.parsed.ast):
        if isinstance(node, ast.LogQuery):
            yield node


@rule("LQL001", "error", "LogQL query does not parse", "logql", on_parse_error=True)
def logql_syntax(context: QueryContext) -> Iterator[Issue]:
    """The query is not valid LogQL, or Loki would reject it when parsing (for example a stream
    selector without a matcher that selects something, ``count_over_time`` with ``unwrap``, or
    ``topk`` without a positive integer). Grafana's macros and variables are replaced by
    placeholders first; the column points into the query as written.
    """
    if context.error is not None:
        yield Issue(f"invalid LogQL: {context.error.message}", column=context.error.column)


@rule("LQL002", "warning", "no-op line filter such as `|= \"\"`", "logql")
def noop_line_filter(context: QueryContext) -> Iterator[Issue]:
    """``|= ""`` and ``|~ ""`` / ``|~ ".*"`` match every line: they cost CPU on every log line and filter
    nothing. Usually a leftover of a Grafana variable that was empty; remove the filter.
    """
    for query in _log_queries(context):
        for stage in query.stages:
            if isinstance(stage, ast.LineFilter) and stage.op in ("|=", "|~") and len(stage.values) == 1:
                kind, value = stage.values[0]
                if kind == "string" and (value == "" or (stage.op == "|~" and value in (".*", "(?s).*"))):
                    yield Issue(f"line filter {stage.op} {value!r} matches every line", column=_column(context, stage))


@rule("LQL003", "info", "line filter placed after a parser", "logql")
def line_filter_after_parser(context: QueryContext) -> Iterator[Issue]:
    """Line filters are Loki's cheapest stage; after a parser (``| json``, ``| logfmt``...) every line
    is parsed before being dropped. Move the line filter before the first parser — unless a
    ``line_format`` in between changed the line it filters.
    """
    for query in _log_queries(context):
        parsed = False
        for stage in query.stages:
            if isinstance(stage, ast.FormatStage) and stage.kind == "line_format":
                parsed = False
            elif isinstance(stage, ast.ParserStage):
                parsed = True
            elif isinstance(stage, ast.LineFilter) and parsed:
                yield Issue(f"line filter {stage.op} after a parser; move it before the parser",
                            column=_column(context, stage))


@rule("LQL004", "warning", "label filter before the parser that defines the label", "logql")
def label_filter_before_parser(context: QueryContext) -> Iterator[Issue]:
    """A label filter only sees labels that exist at that point of the pipeline. Filtering on a label
    that a later parser extracts (``| level="error" | json``) compares against a missing label, so
    it drops every line (or keeps every line for ``!=``). Move the filter after the parser.
    """
    for query in _log_queries(context):
        stream_labels = {m.name for m in query.selector.matchers}
        for index, stage in enumerate(query.stages):
            if not isinstance(stage, ast.LabelFilter):
                continue
            earlier = [s for s in query.stages[:index] if isinstance(s, ast.ParserStage)]
            formatted = {dst for s in query.stages[:index] if isinstance(s, ast.FormatStage) for dst, _, _ in s.assignments}
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
                    yield Issue(f"label filter on {name!r} comes before the {defined_later[0].kind} parser that "
                                "extracts it", column=_column(context, stage))


@rule("LQL005", "warning", "high-cardinality label in the stream selector", "logql")
def high_cardinality_selector(context: QueryContext) -> Iterator[Issue]:
    """Labels such as ``trace_id`` or ``user_id`` should not be stream labels: each value creates a
    stream, which makes Loki's index huge and queries slow. Even in a query, selecting on one
    suggests the label is indexed. Keep such values in the log line (or structured metadata) and
    filter with ``|= "..."`` or a label filter after a parser.
    """
    high = context.settings.high_cardinality_labels
    for query in _log_queries(context):
        for matcher in query.selector.matchers:
            if matcher.name.lower() in high:
                yield Issue(f"stream selector uses high-cardinality label {matcher.name!r}",
                            column=_column(context, matcher))


@rule("LQL006", "warning", "unbounded or very long range in a log range aggregation", "logql")
def unbounded_range(context: QueryContext) -> Iterator[Issue]:
    """A range aggregation reads every log line in its range: ``[$__range]`` grows with the dashboard's
    time picker (30 days of logs for a 30-day view) and ranges longer than ``lint.max_log_range``
    (default 1d) scan large volumes. Use ``$__auto``/``$__interval`` or a bounded range.
    """
    limit = context.settings.max_log_range
    substituted = context.parsed.substituted
    for node in ast.walk(context.parsed.ast):
        if not isinstance(node, ast.RangeAggregation):
            continue
        variable = next((v for v in substituted.variables if v.context == "duration"
                         and substituted.original_index(node.range.start) == v.start), None)
        if variable is not None:
            if variable.name in ("__range", "__range_s", "__range_ms"):
                yield Issue(f"{node.op}() range ${variable.name} grows with the dashboard time range",
                            column=_column(context, node.range))
        elif node.range.value > limit:
            yield Issue(f"{node.op}() range [{node.range.text}] is longer than {display_duration(limit)}", column=_column(context, node.range))
