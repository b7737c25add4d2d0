"""Conformance of the PromQL and LogQL parsers with Prometheus' and Loki's own parser tests.

The cases live in ../shared/conformance (outside the repo, see its SOURCE.md). Every disagreement is
listed below with its reason; a new disagreement, or a listed one that now agrees, fails the test.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdash.lint.logql import parse_logql
from gdash.lint.parse_error import QueryParseError
from gdash.lint.promql import parse_promql

CONFORMANCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance"

_HUGE = "9" * 309  # a prefix is enough to identify the case
KNOWN_PROMQL_DISAGREEMENTS = {
    _HUGE: "promql-parser reads literals above float64 range as +Inf; Prometheus rejects them (ParseFloat range error)",
    "{'foo\\'bar', `a\\dos\\path`=\"boo\"}": "promql-parser applies escape processing inside backquoted (raw) strings",
    "`\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\' - \\xFF\\377\\u1234\\U00010111\\U0001011111☺`": "promql-parser applies escape processing inside raw strings",
    'some_metric{a="\xff"}': "the upstream case holds the invalid UTF-8 byte 0xFF; as JSON text it became the valid rune U+00FF",
    "label_replace(a, `b`, `c\xff`, `d`, `.*`)": "same invalid-UTF-8 case as above, only representable as U+00FF in JSON",
    'info(rate(http_request_counter_total{}[5m]), target_info{foo="bar"})': "promql-parser does not check that info()'s second argument is a label-selector only",
    'info(http_request_counter_total{namespace="zzz"}, {foo="bar"} == 1)': "promql-parser does not check that info()'s second argument is a label-selector only",
    "foo offset 9.5e10": "promql-parser accepts durations beyond Go's int64 nanosecond range",
    "foo[9.5e10]": "promql-parser accepts durations beyond Go's int64 nanosecond range",
}
KNOWN_LOGQL_DISAGREEMENTS: dict[str, str] = {}


def _cases(language: str) -> list[dict]:
    path = CONFORMANCE / language / "cases.json"
    if not path.exists():
        pytest.skip(f"conformance data absent: {path} (the shared directory next to the repo)")
    return json.loads(path.read_text(encoding="utf-8"))


def _disagreements(cases: list[dict], parse) -> dict[str, str]:
    found = {}
    for case in cases:
        try:
            parse(case["query"])
            accepted, detail = True, "accepted"
        except QueryParseError as error:
            accepted, detail = False, error.message
        if accepted != case["valid"]:
            found[case["query"]] = f"expected valid={case['valid']}, got {detail} ({case['source']})"
    return found


def _key(query: str, known: dict[str, str]) -> str:
    return next((k for k in known if query == k or (len(k) > 100 and query.startswith(k))), query)


@pytest.mark.parametrize(
    "language, parse, known, exclude_flagged",
    [
        ("promql", parse_promql, KNOWN_PROMQL_DISAGREEMENTS, True),
        ("logql", parse_logql, KNOWN_LOGQL_DISAGREEMENTS, False),
    ],
)
def test_parser_agrees_with_upstream_tests(language, parse, known, exclude_flagged):
    cases = [c for c in _cases(language) if not (exclude_flagged and c.get("needs_feature_flags"))]
    found = {_key(q, known): why for q, why in _disagreements(cases, parse).items()}
    agreement = 1 - len(found) / len(cases)
    unexpected = {q: why for q, why in found.items() if q not in known}
    now_agreeing = sorted(set(known) - set(found))
    assert not unexpected, f"new {language} disagreements: {unexpected}"
    assert not now_agreeing, f"listed {language} disagreements that now agree (remove them): {now_agreeing}"
    assert agreement >= 0.99, f"{language} agreement {agreement:.2%}"

