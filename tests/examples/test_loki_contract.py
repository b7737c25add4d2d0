"""The Loki label contract, checked offline: no Grafana Loki server can be installed here (Debian's
`loki` package is an unrelated program; PyPI and npm carry Loki clients and compose files, no Loki
binary), so `--check-data` does not run LogQL. Instead: the demo app's real log lines go through the
example Promtail pipeline (examples/compose/promtail.yml) with the semantics of the stages it uses,
and every seed LogQL panel must select streams those lines become and find lines in them.

Promtail semantics followed (grafana/loki, clients/pkg/logentry/stages/json.go and labels.go;
clients/pkg/promtail/targets/file): static_configs labels become stream labels except `__`-prefixed
ones, the file target adds `filename`; `json` extracts each expression (a plain key here) into the
extracted map; `labels` sets a stream label from an extracted value converted to a string, and skips
values that are missing or not valid label values; `timestamp` changes no label. LogQL semantics
(pkg/logql/log): `| json` adds every top-level key as a label (`<key>_extracted` when the stream has
that label already), line filters match the line, numeric label filters compare the parsed number.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from gdash.lint.engine import query_language
from gdash.lint.logql import ast, parse_logql
from gdash.lint.sources import project_targets
from gdash.panels import dashboard_panels
from gdash.project import load_project

REPO = Path(__file__).resolve().parents[2]
PROMTAIL = REPO / "examples" / "compose" / "promtail.yml"
STAGES = {"json", "labels", "timestamp"}  # the stages implemented below; a new one fails the test


def promtail_entries(config: dict[str, Any], job_name: str, path: str, lines: list[str]) -> list[tuple[dict[str, str], str]]:
    """(stream labels, line) of each line Promtail's scrape config ``job_name`` ships from file ``path``."""
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == job_name]
    (static,) = job["static_configs"]
    base = {k: str(v) for k, v in static["labels"].items() if not k.startswith("__")}
    base["filename"] = path
    stages = job.get("pipeline_stages") or []
    unknown = {name for stage in stages for name in stage} - STAGES
    assert not unknown, f"promtail stages {unknown} are not simulated: extend this test"
    entries = []
    for line in lines:
        labels, extracted = dict(base), {}
        for stage in stages:
            (name, settings), = stage.items()
            if name == "json":
                try:
                    document = json.loads(line)
                except ValueError:
                    continue  # not JSON: the stage extracts nothing, the line is still shipped
                for key, expression in settings["expressions"].items():
                    source = expression or key
                    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", source), f"JMESPath {source!r} is not simulated"
                    if isinstance(document, dict) and source in document:
                        extracted[key] = document[source]
            elif name == "labels":
                for label, source in settings.items():
                    value = extracted.get(source or label)
                    if isinstance(value, (str, int, float, bool)) and not isinstance(value, dict) and str(value):
                        labels[label] = value if isinstance(value, str) else json.dumps(value)
        entries.append((labels, line))
    return entries


def _matches(matcher: ast.Matcher, labels: dict[str, str]) -> bool:
    value = labels.get(matcher.name, "")
    if matcher.op in ("=", "!="):
        return (value == matcher.value) == (matcher.op == "=")
    return bool(re.fullmatch(matcher.value, value)) == (matcher.op == "=~")


def _line_passes(stage: ast.LineFilter, line: str) -> bool:
    found = any(re.search(v, line) if stage.op in ("|~", "!~") else v in line for _, v in stage.values)
    return found if stage.op in ("|=", "|~") else not found


def _predicate(node: ast.LabelFilterExpr, labels: dict[str, str]) -> bool:
    if isinstance(node, ast.LabelFilterBinary):
        left, right = _predicate(node.left, labels), _predicate(node.right, labels)
        return (left and right) if node.op == "and" else (left or right)
    value = labels.get(node.name)
    if node.value_kind == "number":
        try:
            number, limit = float(value or ""), float(node.value)
        except ValueError:
            return False
        return {">": number > limit, ">=": number >= limit, "<": number < limit, "<=": number <= limit,
                "==": number == limit, "!=": number != limit, "=": number == limit}[node.op]
    return _matches(ast.Matcher(0, 0, node.name, node.op, node.value), {node.name: value or ""})


def selected(query: ast.LogQuery, entries: list[tuple[dict[str, str], str]]) -> list[dict[str, str]]:
    """The label sets of the entries ``query`` keeps (its stream selector, then its pipeline)."""
    kept = []
    for stream, line in entries:
        if not all(_matches(m, stream) for m in query.selector.matchers):
            continue
        labels, passes = dict(stream), True
        for stage in query.stages:
            if isinstance(stage, ast.LineFilter):
                passes = _line_passes(stage, line)
            elif isinstance(stage, ast.ParserStage):
                assert stage.kind == "json" and not stage.extractions, f"parser {stage.kind} is not simulated"
                for key, value in json.loads(line).items():
                    if not isinstance(value, (dict, list)):
                        name = f"{key}_extracted" if key in stream else key
                        labels[name] = value if isinstance(value, str) else json.dumps(value)
            elif isinstance(stage, ast.LabelFilter):
                passes = _predicate(stage.expr, labels)
            else:
                raise AssertionError(f"stage {type(stage).__name__} is not simulated")
            if not passes:
                break
        if passes:
            kept.append(labels)
    return kept


def seed_logql_targets() -> list[tuple[str, str, str]]:
    """(dashboard uid, panel title, expr) of every LogQL panel target of the seed."""
    found = []
    for dashboard in project_targets(load_project(REPO)).dashboards:
        variables = {str(v.get("name")): v for v in (dashboard.model.get("templating") or {}).get("list") or []}
        for panel in dashboard_panels(dashboard.model):
            for target in panel.get("targets") or []:
                if isinstance(target.get("expr"), str) and query_language(panel, target, variables) == "logql":
                    found.append((dashboard.model["uid"], panel["title"], target["expr"]))
    return found


@pytest.fixture(scope="module")
def entries(demo) -> list[tuple[dict[str, str], str]]:
    _, log = demo
    deadline = time.monotonic() + 120
    lines: list[str] = []
    while time.monotonic() < deadline:  # enough real lines to hold every level and a slow request
        lines = log.read_text(encoding="utf-8").splitlines()
        levels = {json.loads(line)["level"] for line in lines}
        if {"info", "warn", "error"} <= levels and any(json.loads(line).get("response_time_ms", 0) > 1000 for line in lines):
            break
        time.sleep(0.5)
    config = yaml.safe_load(PROMTAIL.read_text(encoding="utf-8"))
    return promtail_entries(config, "nestjs", "/var/log/nestjs/app.log", lines)


def test_promtail_turns_demo_lines_into_nestjs_streams_with_a_level(entries):
    streams = {tuple(sorted(labels.items())) for labels, _ in entries}
    assert {dict(s)["level"] for s in streams} == {"info", "warn", "error"}
    assert all(set(dict(s)) == {"job", "level", "filename"} and dict(s)["job"] == "nestjs" for s in streams)


def test_every_seed_logql_panel_selects_demo_lines_through_the_promtail_pipeline(entries):
    targets = seed_logql_targets()
    assert len(targets) >= 4
    for uid, title, expr in targets:
        tree = parse_logql(expr).ast
        queries = [node for node in ast.walk(tree) if isinstance(node, ast.LogQuery)]
        assert queries, (uid, title)
        for query in queries:
            kept = selected(query, entries)
            assert kept, f"{uid} panel {title!r}: {expr} selects no line the demo writes"
        for node in ast.walk(tree):  # `sum by (level)`: every grouping label exists on the kept lines
            grouping = getattr(node, "grouping", None)
            for label in (grouping.labels if grouping is not None and not grouping.without else []):
                assert all(label in labels for query in queries for labels in selected(query, entries)), (title, label)


def test_the_simulation_rejects_what_loki_would_not_find(entries):
    """Without the labels stage there is no `level` stream label; a selector on another job finds nothing."""
    config = yaml.safe_load(PROMTAIL.read_text(encoding="utf-8"))
    job = config["scrape_configs"][0]
    job["pipeline_stages"] = [s for s in job["pipeline_stages"] if "labels" not in s]
    lines = [line for _, line in entries]
    unlabelled = promtail_entries(config, "nestjs", "/var/log/nestjs/app.log", lines)
    assert all("level" not in labels for labels, _ in unlabelled)
    by_level = parse_logql('sum by (level) (rate({job="nestjs", level="error"}[5m]))').ast
    (query,) = [n for n in ast.walk(by_level) if isinstance(n, ast.LogQuery)]
    assert selected(query, unlabelled) == [] and selected(query, entries)
    (varlogs,) = [n for n in ast.walk(parse_logql('{job="varlogs"}').ast) if isinstance(n, ast.LogQuery)]
    assert selected(varlogs, entries) == []
    (slow,) = [n for n in ast.walk(parse_logql('{job="nestjs"} | json | response_time_ms > 100000').ast)
               if isinstance(n, ast.LogQuery)]
    assert selected(slow, entries) == []
