"""docs/metrics.md lists every metric the seed queries, with every label the queries match on."""
from __future__ import annotations

import re
from pathlib import Path

import promql_parser

from gdash.lint.promql import parse_promql
from gdash.lint.promql.tree import all_matchers, metric_name, walk
from gdash.lint.sources import project_targets
from gdash.livecheck.series import _queries
from gdash.project import load_project

REPO = Path(__file__).resolve().parents[2]
TARGET_LABELS = {"job", "instance", "__name__"}  # written by Prometheus at scrape time


def _documented() -> dict[str, str]:
    rows = {}
    for line in (REPO / "docs" / "metrics.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", line)
        if match:
            rows[match.group(1)] = match.group(3)
    return rows


def _selected() -> dict[str, set[str]]:
    selected: dict[str, set[str]] = {}
    for query in _queries(project_targets(load_project(REPO))):
        for node, _ in walk(parse_promql(query.text).ast):
            if isinstance(node, promql_parser.VectorSelector) and metric_name(node):
                selected.setdefault(metric_name(node), set()).update(
                    m.name for m in all_matchers(node) if m.name not in TARGET_LABELS)
    return selected


def test_every_selected_metric_is_documented_with_its_matched_labels():
    documented = _documented()
    selected = _selected()
    assert len(selected) >= 50
    assert set(selected) - set(documented) == set()
    for name, labels in selected.items():
        listed = set(re.findall(r"`(\w+)`", documented[name]))
        assert labels <= listed | {"le"}, (name, labels - listed)


def test_the_doc_lists_no_metric_the_seed_does_not_query():
    assert set(_documented()) - set(_selected()) == set()


def test_every_exporter_metric_names_the_source_file_that_defines_it():
    """Exporter rows say where the name was read: a checked repository (listed with its commit) and a path."""
    text = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    checked = set(re.findall(r"^\| `([\w.-]+/[\w.-]+)` \| `[0-9a-f]{7,40}` \| \d{4}-\d{2}-\d{2} \|$", text, re.M))
    assert len(checked) == 7
    own = {name for name in _documented() if name.startswith(("http_", "cache_", "db_", "trading_")) or name == "up"}
    exporter_rows = {name: source for name, source in _sources().items() if name not in own}
    assert len(exporter_rows) >= 40
    for name, source in exporter_rows.items():
        match = re.match(r"^`([\w.-]+/[\w.-]+)` `([\w./-]+\.(?:go|erl))`", source)
        assert match and match.group(1) in checked, (name, source)


def _sources() -> dict[str, str]:
    rows = {}
    for line in (REPO / "docs" / "metrics.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", line)
        if match:
            rows[match.group(1)] = match.group(4).strip()
    return rows
