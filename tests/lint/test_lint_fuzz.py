"""Malformed queries never crash the linter: thousands of seeded mutations of real queries.

Every mutant goes through the whole query pipeline (macro substitution, parser, every rule); the
only acceptable outcomes are findings, with a parse error reported as PQL001/LQL001.
"""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from gdash.errors import Location
from gdash.lint.config import LintConfig
from gdash.lint.engine import lint_query, lint_targets
from gdash.lint.sources import DashboardTarget, Targets, text_targets

CONFORMANCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance"
MUTANTS_PER_LANGUAGE = 4000
SEED_QUERIES = {
    "promql": [
        'histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))',
        'sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / on (job) group_left sum by (job) (rate(http_requests_total[5m])) > 0.05',
        "max_over_time(rate(x_total[$__interval])[$__range:1m] offset 1h) @ start()",
        'label_replace(up{instance="[[host]]"}, "h", "$1", "instance", "(.*):.*") unless absent(up)',
    ],
    "logql": [
        'sum by (level) (count_over_time({job="api", env=~"$env"} |= "error" | json | status >= 500 [$__auto]))',
        'quantile_over_time(0.99, {job="api"} | logfmt --strict | unwrap duration(latency) | __error__="" [5m]) by (route)',
        '{app="x"} |~ `a\\d+` != ip("10.0.0.0/8") or "b" | pattern "<ip> <_>" | line_format "{{.ip}}" | drop a, b="c"',
        'topk(5, sum by (x) (rate({a="b"}[1m] offset 5m))) > bool on (x) group_right vector(1) # comment',
    ],
}
_TOKENS = ["(", ")", "[", "]", "{", "}", '"', "`", ",", "|", "|=", "!~", "=~", "$", "${", "[[", "]]", "by", "offset",
           "@", "5m", "-", "1e309", "\\", "\n", "#", "or", "unwrap", "json", ":", "\x00", "é", " "]


def _corpus(language: str) -> list[str]:
    queries = list(SEED_QUERIES[language])
    path = CONFORMANCE / language / "cases.json"
    if path.exists():
        queries += [c["query"] for c in json.loads(path.read_text(encoding="utf-8"))]
    return queries


def _mutate(rng: random.Random, query: str) -> str:
    for _ in range(rng.randint(1, 3)):
        position = rng.randint(0, len(query))
        operation = rng.randrange(5)
        if operation == 0 and query:
            query = query[:position] + query[position + 1:]
        elif operation == 1:
            query = query[:position] + rng.choice(_TOKENS) + query[position:]
        elif operation == 2:
            query = query[:position]
        elif operation == 3 and query:
            start = rng.randrange(len(query))
            query = query[:position] + query[start:start + rng.randint(1, 12)] + query[position:]
        else:
            query = query[:position] + chr(rng.randint(32, 126)) + query[position + 1:]
    return query


@pytest.mark.parametrize("language", ["promql", "logql"])
def test_mutated_queries_only_ever_produce_findings(language):
    rng = random.Random(f"gdash-lint-{language}")
    corpus = _corpus(language)
    parse_code = "PQL001" if language == "promql" else "LQL001"
    origins = ["panel", "alert"]
    rejected = 0
    for index in range(MUTANTS_PER_LANGUAGE):
        mutant = _mutate(rng, rng.choice(corpus))
        findings = lint_query(language, mutant, origin=origins[index % 2])
        errors = [f for f in findings if f.code == parse_code]
        rejected += bool(errors)
        for finding in errors:
            assert finding.message and (finding.column is None or 1 <= finding.column <= len(mutant) + 1), (mutant, finding)
    # The mutations really do break queries, so the error path is exercised, and not everything is rejected.
    assert MUTANTS_PER_LANGUAGE * 0.2 < rejected < MUTANTS_PER_LANGUAGE


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


def _replace(value, path, new):
    if not path:
        return new
    value = copy.deepcopy(value)
    target = value
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return value


def _mutants(rng: random.Random, document: dict, count: int):
    """``count`` copies of ``document``, each with two values replaced by a value of the wrong type."""
    paths = list(_paths(document))
    for _ in range(count):
        mutant = document
        for path in rng.sample(paths, 2):
            try:
                mutant = _replace(mutant, path, rng.choice(WRONG_VALUES))
            except (KeyError, IndexError, TypeError):
                continue  # the path no longer exists in this mutant
        yield mutant


WRONG_VALUES = [None, "", "x", 0, -1, 99, 1.5, [], {}, ["x"], {"x": 1}, True]


def test_malformed_dashboards_and_rules_only_produce_findings():
    """Dashboards and rule files whose values have the wrong types are linted without crashing."""
    from tests.lint.test_lint_rules import alert, good_dashboard

    rng = random.Random("gdash-lint-structure")
    board = good_dashboard()
    board["panels"].append({"type": "row", "title": "R", "id": 9, "panels": [copy.deepcopy(board["panels"][0])],
                            "gridPos": {"x": 0, "y": 9, "w": 24, "h": 1}})
    for mutant in _mutants(rng, board, 1500):
        if isinstance(mutant, dict):
            lint_targets(Targets([DashboardTarget(mutant, Location("d.json"))], []), LintConfig())
    rule_file = {"groups": [{"name": "g", "rules": [
        {"alert": "A", "expr": "rate(x_total[5m]) > 1", "for": "5m", "labels": {"severity": "page"},
         "annotations": {"summary": "{{ $labels.job }}"}},
        {"uid": "u", "title": "T", "condition": "B", "for": "1m", "labels": {}, "annotations": {"summary": "s"},
         "data": [{"refId": "A", "datasourceUid": "gdash:prometheus", "model": {"expr": "up", "datasource": {"type": "prometheus"}}},
                  {"refId": "B", "datasourceUid": "__expr__", "model": {"type": "threshold", "expression": "A"}}]},
    ]}]}
    for mutant in _mutants(rng, rule_file, 1500):
        lint_targets(text_targets(json.dumps(mutant), ".json", "rules.json", strict=False), LintConfig())
    for value in WRONG_VALUES:
        target = alert()
        target.labels, target.annotations, target.for_, target.expressions = value, value, value, [value]
        assert all(f.code.startswith(("ALR", "PQL")) for f in lint_targets(Targets([], [target]), LintConfig()))
