"""Macro substitution, the position map, PromQL error columns and the LogQL tree."""
from __future__ import annotations

from datetime import timedelta

import pytest

from gdash.lint.logql import ast, parse_logql
from gdash.lint.macros import SENTINEL_DAYS, substitute
from gdash.lint.parse_error import QueryParseError
from gdash.lint.promql import parse_promql


@pytest.mark.parametrize("query, context", [
    ("rate(x_total[$__rate_interval])", "duration"),
    ("rate(x_total[${__interval}])", "duration"),
    ("rate(x_total[[[interval]]])", "duration"),
    ('up{job=~"$job"}', "string"),
    ('up{job=~"${job:regex}"}', "string"),
    ('up{job="[[job]]"}', "string"),
    ("sum by ($label) (up)", "label"),
    ('up{$label="a"}', "label"),
    ("up{job=\"a\", $adhoc}", "matcher"),
    ("up > $threshold", "number"),
    ("x_total offset $shift", "duration"),
    ("node_${metric}_total", "identifier"),
    ('$metric{job="a"}', "identifier"),
])
def test_placeholder_is_chosen_by_context(query, context):
    substituted = substitute(query)
    assert [v.context for v in substituted.variables] == [context]
    parse_promql(query)  # and the result parses


def test_position_map_points_into_the_original_text():
    query = 'sum(rate(x_total{job=~"$job"}[$__rate_interval])) by ('
    substituted = substitute(query)
    assert substituted.text != query
    for index, char in enumerate(substituted.text):
        original = substituted.original_index(index)
        if char in "(){}[]":
            assert query[original] == char
    with pytest.raises(QueryParseError) as error:
        parse_promql(query)
    assert error.value.index == len(query) - 1  # the unclosed "(" of `by (`, found through the map
    assert error.value.column == len(query)


def test_duration_placeholders_decode_to_their_variable():
    parsed = parse_promql("max_over_time(rate(x_total[$__rate_interval])[$__range:$__interval])")
    names = [v.name for v in parsed.substituted.variables]
    assert names == ["__rate_interval", "__range", "__interval"]
    sentinel = timedelta(days=SENTINEL_DAYS + 1)
    assert parsed.substituted.variable_for_duration(sentinel).name == "__range"
    assert parsed.substituted.variable_for_duration(timedelta(minutes=5)) is None


@pytest.mark.parametrize("query, column, message", [
    ("rate(x_total[5x])", 14, "bad number or duration"),
    ("sum(rate(x_total[5m])", 4, "unclosed left parenthesis"),
    ("foo(x)", 1, "unknown function"),
    ('rate(x_total{job="$job"}[$__rate_interval]) + nosuch(y)', 47, "unknown function"),
    # "invalid promql query" has no position: found by searching the first token no completion can follow
    ("sum by (job) (x) by (b)", 18, "invalid promql query"),
    ('sum(rate(x{a="b"}[5m])) by job', 28, "invalid promql query"),
    ('sum(rate(x{a="$v"}[$__rate_interval])) by job', 43, "invalid promql query"),
    ("1 +", 4, "invalid promql query"),
])
def test_promql_errors_report_column_in_original_text(query, column, message):
    with pytest.raises(QueryParseError) as error:
        parse_promql(query)
    assert error.value.column == column
    assert message in error.value.message


def test_lone_variable_falls_back_to_a_metric_name():
    parsed = parse_promql("sum(rate($metric[$__rate_interval]))")
    assert parsed.substituted.variables[0].context == "identifier"


def test_logql_tree_keeps_pipeline_order_and_positions():
    query = ('sum by (level) (count_over_time({job="api", env=~"prod|stage"} |= "error" | json status="code" '
             '| status >= 500 and duration > 1s | line_format "{{.msg}}" [5m] offset 1h))')
    parsed = parse_logql(query).ast
    assert isinstance(parsed, ast.VectorAggregation) and parsed.grouping.labels == ["level"]
    rng = parsed.expr
    assert isinstance(rng, ast.RangeAggregation) and rng.op == "count_over_time"
    assert rng.range.value == timedelta(minutes=5) and rng.offset.value == timedelta(hours=1)
    kinds = [type(s).__name__ for s in rng.log.stages]
    assert kinds == ["LineFilter", "ParserStage", "LabelFilter", "FormatStage"]
    predicates = list(rng.log.stages[2].predicates())
    assert [(p.name, p.op, p.value_kind) for p in predicates] == [("status", ">=", "number"), ("duration", ">", "duration")]
    assert rng.log.stages[1].extractions == [("status", "code")]
    selector = rng.log.selector
    assert query[selector.start:selector.end] == '{job="api", env=~"prod|stage"}'


def test_logql_unwrap_binary_and_label_replace():
    tree = parse_logql(
        'label_replace(quantile_over_time(0.99, {job="api"} | logfmt | unwrap duration(latency) | __error__="" [5m]) '
        'by (route), "r", "$1", "route", "(.*)") / on (route) group_left sum by (route) (rate({job="api"}[5m]))'
    ).ast
    assert isinstance(tree, ast.BinaryOp) and tree.op == "/" and tree.matching.group == "group_left"
    quantile = tree.left.expr
    assert quantile.param == 0.99 and quantile.unwrap.conversion == "duration" and quantile.unwrap.label == "latency"


@pytest.mark.parametrize("query, fragment", [
    ('{job="api"', "expecting } or ,"),
    ('{job="api"} |= "x" or', "STRING or ip"),
    ('count_over_time({job="api"} | unwrap x [5m])', "with unwrap"),
    ('sum_over_time({job="api"}[5m])', "without unwrap"),
    ('topk(0, rate({job="api"}[5m]))', "integer > 0"),
    ('{job!="api"}', "at least one"),
    ('{job="api"} | logfmt --nope', "unknown logfmt flag"),
    ('rate({job="api"}[5minutes])', "unknown unit"),
    ('sum(rate({job="api"}[5m])) or 1', "literal"),
])
def test_logql_rejections_name_the_problem(query, fragment):
    with pytest.raises(QueryParseError) as error:
        parse_logql(query)
    assert fragment in error.value.message
    assert error.value.column is not None and 1 <= error.value.column <= len(query) + 1


def test_logql_macros_keep_columns():
    query = 'sum(count_over_time({job="$job"} |= "$search" [$__auto])) +'
    with pytest.raises(QueryParseError) as error:
        parse_logql(query)
    assert error.value.column == len(query) + 1
    assert parse_logql('sum(count_over_time({job=~"$job"} |= "$search" [$__auto]))').substituted.variables


def test_comments_are_ignored():
    assert isinstance(parse_logql('{job="api"} # |= "x"\n|= "y"').ast, ast.LogQuery)


@pytest.mark.parametrize("query", [
    '{job="api"} | json | $filters',
    '{job=~"$job"} | $filters | logfmt',
    'sum(count_over_time({job="api"} | $filters [$__auto]))',
    '{job="api"} |= "$search" |~ `(?i)$pattern`',
])
def test_logql_variables_parse(query):
    parsed = parse_logql(query)
    assert parsed.substituted.variables and "$" not in parsed.substituted.text
