"""PromQL and LogQL parsing is linear-time and depth-bounded (issue 15): huge or deeply nested queries
answer in well under a second, as a clear error when too deep."""
from __future__ import annotations

import time

import pytest

from gdash.lint.logql import parse_logql
from gdash.lint.parse_error import QueryParseError
from gdash.lint.promql import parse_promql
from gdash.lint.query_limits import MAX_NESTING, MAX_OPERATORS, check_query

PROMQL = {
    "6,000 parentheses": ("(" * 6000 + "up" + ")" * 6000, "nests brackets deeper than 64 levels"),
    "6,000 unclosed": ("(" * 6000 + "up", "nests brackets deeper than 64 levels"),
    "60 KB sum": (" + ".join(["rate(x_total[5m])"] * 3500), "more than 200 operators"),
    "60 KB sum, broken": (" + ".join(["rate(x_total[5m])"] * 3500) + " +", "more than 200 operators"),
    "3,000 nested sums": ("sum(" * 3000 + "up" + ")" * 3000, "nests brackets deeper"),
    "60 KB of matchers": ("up{" + ",".join(f'l{i}="v{i}"' for i in range(5000)) + "} x", "invalid promql query"),
    "long broken query": (" + ".join(["rate(x_total[5m])"] * 190) + " foo bar", "invalid promql query"),
}
LOGQL = {
    "6,000 parentheses": ("(" * 6000 + 'count_over_time({a="b"}[5m])' + ")" * 6000, "deeper than 64 levels"),
    "60 KB sum": (" + ".join(['count_over_time({a="b"}[5m])'] * 2000), "more than 200 operators"),
    "6,000 powers": (" ^ ".join(["1"] * 6000), "more than 200 operators"),
    "nested label filters": ('{a="b"} | ' + "(" * 6000 + 'x="y"' + ")" * 6000, "deeper than 64 levels"),
    "60 KB pipeline": ('{a="b"}' + ' |= "x"' * 8000 + " |", "syntax error"),
}

# Linear parsing answers these in milliseconds; the bound only tells "answers" from "hangs" (a
# quadratic or exponential parser takes minutes), so a loaded CI machine cannot make it flaky.
# Parser speed itself is measured by `make bench`, never asserted here.
HANG_GUARD_SECONDS = 2.0


def _timed(parse, query: str) -> tuple[float, str]:
    start = time.perf_counter()
    with pytest.raises(QueryParseError) as error:
        parse(query)
    return time.perf_counter() - start, error.value.message


@pytest.mark.parametrize("name", list(PROMQL))
def test_promql_answers_fast(name):
    query, message = PROMQL[name]
    elapsed, found = _timed(parse_promql, query)
    assert message in found and elapsed < HANG_GUARD_SECONDS, (elapsed, found)


@pytest.mark.parametrize("name", list(LOGQL))
def test_logql_answers_fast(name):
    query, message = LOGQL[name]
    elapsed, found = _timed(parse_logql, query)
    assert message in found and elapsed < HANG_GUARD_SECONDS, (elapsed, found)


def test_limits_leave_real_queries_alone():
    nested = "(" * MAX_NESTING + "up" + ")" * MAX_NESTING
    parse_promql(nested)
    parse_promql(" + ".join(["up"] * (MAX_OPERATORS + 1)).replace(" + up", "", 1))
    parse_logql('sum by (job) (rate({job="api"} |= "error" | json | status >= 500 [5m])) / 2')
    check_query('up{a="((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("}')  # strings do not nest
    check_query("sum(" + 'up{a!="b", c=~"d"}' * 1 + ")")


def test_error_position_points_at_the_limit():
    query = "(" * 100 + "up" + ")" * 100
    with pytest.raises(QueryParseError) as error:
        parse_promql(query)
    assert error.value.index == MAX_NESTING
