"""The fast paths of lint (lazy compilation, shared parses) answer exactly what the plain way answers."""
from __future__ import annotations

import re
from pathlib import Path

from gdash.lint import metric_types, query_limits
from gdash.lint.parse_error import QueryParseError

CORPUS = Path(__file__).parent / "corpus" / "real"


def test_the_lazily_compiled_metric_table_answers_like_a_full_scan():
    names = set()
    for path in CORPUS.rglob("*"):
        if path.suffix in (".yml", ".yaml", ".json"):
            names |= set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]{3,}", path.read_text(encoding="utf-8")))
    names |= {"elasticsearch_breakers_tripped", "node_netstat_Tcp_CurrEstab", "node_vmstat_pgfault", "x"}
    table = [(re.compile(pattern), kind) for pattern, kind in metric_types._PATTERNS]

    def full_scan(name: str) -> str | None:
        return next((kind for pattern, kind in table if pattern.fullmatch(name)), None)

    answers = {name: full_scan(name) for name in names}
    assert sum(kind is not None for kind in answers.values()) > 100  # the corpus exercises the table
    assert {name: metric_types.table_type(name) for name in names} == answers


def _scan_outcome(check, text):
    try:
        check(text)
    except QueryParseError as error:
        return error.message, error.index
    return None


def test_the_query_limit_fast_path_never_lets_through_what_the_scan_refuses():
    near_limits = [
        "(" * 64 + "1" + ")" * 64,
        "(" * 65 + "1" + ")" * 65,
        " + ".join(["a"] * 200),
        " + ".join(["a"] * 202),
        " and ".join(["up"] * 202),
        " AND ".join(["up"] * 150) + " or " + " or ".join(["up"] * 60),
        '{app="x"}' + ' |= "e"' * 200,
        '{app="x"}' + ' |= "e"' * 201,
        'up{a="' + "(" * 100 + '"}',
        'count_over_time({app="x"} |= "' + "+" * 300 + '" [5m])',
        "sum by (job) (rate(http_requests_total[5m])) > 0",
    ]
    queries = near_limits + [
        line.split("expr:", 1)[1].strip()
        for path in CORPUS.rglob("*.y*ml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "expr:" in line
    ]
    outcomes = [_scan_outcome(query_limits.check_query, q) for q in queries]
    assert outcomes == [_scan_outcome(query_limits._scan, q) for q in queries]
    assert sum(o is not None for o in outcomes) >= 5  # the near-limit cases exercise both answers
