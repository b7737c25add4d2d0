"""Import -> write .py into a project -> gdash.project.load_project -> equal to the input.

"Equal" is ``gdash.importer.roundtrip_differences`` (documented in gdash/importer/compare.py).
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from gdash.importer import import_paths, roundtrip_differences
from gdash.importer.pysource import LINE_WIDTH
from gdash.project import load_project

CORPUS = Path(__file__).resolve().parent / "corpus"
DASHBOARDS = sorted(p for p in CORPUS.glob("*.json") if not p.name.startswith("alerts-"))

def _import(paths: list[Path], root: Path):
    return import_paths(paths, dashboards_dir=root / "dashboards", alerts_dir=root / "alerts")


def _unwrap(document: dict) -> dict:
    return document["dashboard"] if "dashboard" in document and "panels" not in document else document


def test_corpus_is_varied_enough() -> None:
    assert len(DASHBOARDS) >= 10
    types = {p.get("type") for path in DASHBOARDS for p in _all_panels(_unwrap(json.loads(path.read_text())))}
    assert {"timeseries", "stat", "gauge", "bargauge", "table", "logs", "text", "row", "graph", "singlestat",
            "piechart", "heatmap", None} <= types  # None: library panel references


def _all_panels(model: dict):
    for panel in model.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_corpus_round_trip(path: Path, tmp_path: Path) -> None:
    report = _import([path], tmp_path)
    [imported] = report.files
    project = load_project(tmp_path)
    original = json.loads(path.read_text())
    [compiled] = [d for d in project.dashboards if d.uid == _unwrap(original)["uid"]]
    differences = roundtrip_differences(original, compiled.model, imported.datasources)
    assert imported.lost == []
    assert differences == []


def test_seed_dashboards_round_trip_without_escape_hatch(seed_root: Path, tmp_path: Path) -> None:
    seed = load_project(seed_root)
    exported = tmp_path / "exported"
    exported.mkdir()
    paths = []
    for dashboard in seed.dashboards:
        path = exported / f"{dashboard.uid}.json"
        path.write_text(json.dumps({"dashboard": dashboard.model, "meta": {"folderTitle": dashboard.folder}}))
        paths.append(path)
    report = _import(paths, tmp_path / "project")
    assert report.lost == []
    assert [f.escapes for f in report.files] == [[] for _ in paths]  # helpers alone express the seed
    again = load_project(tmp_path / "project")
    for original, compiled in zip(seed.dashboards, again.dashboards):
        assert compiled.uid == original.uid and compiled.folder == original.folder
        assert roundtrip_differences(original.model, compiled.model) == []
        assert compiled.model == original.model  # gdash's own output comes back byte for byte


def test_round_trip_comparison_notices_real_changes() -> None:
    original = _unwrap(json.loads((CORPUS / "node-exporter.json").read_text()))
    assert roundtrip_differences(original, original) == []
    shuffled = json.loads(json.dumps(original, sort_keys=True))
    shuffled.update(id=None, version=99, iteration=123)
    assert roundtrip_differences(original, shuffled) == []  # id, version, iteration, key order: ignored
    changed = json.loads(json.dumps(original))
    changed["panels"][1]["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["value"] = 75
    changed["panels"][2]["targets"][0]["expr"] += " * 2"
    found = roundtrip_differences(original, changed)
    assert len(found) == 2 and "value: expected 70, got 75" in found[0] and "expr" in found[1]


def test_generated_code_is_deterministic_formatted_and_imports_only_what_it_uses(tmp_path: Path) -> None:
    first = _import(DASHBOARDS, tmp_path / "one")
    second = _import(DASHBOARDS, tmp_path / "two")
    for a, b in zip(first.files, second.files):
        assert a.source == b.source
        tree = ast.parse(a.source)
        imported = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    for alias in node.names}
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        assert imported and imported <= used, f"{a.path.name}: unused imports {imported - used}"
        for line in a.source.splitlines():
            # only a lone long string literal (a query, a description) may run past the line width
            assert len(line) <= LINE_WIDTH or re.fullmatch(r"\s*(\w+=|\"\w+\": |\w+\()?(['\"]).*\2[),]*", line), line
    source = (tmp_path / "one" / "dashboards" / "node_exporter_hosts.py").read_text()
    assert re.search(r'gauge\(\s+"CPU Busy",', source) and "query_var(" in source and "Row(" in source


def test_rerun_leaves_files_untouched(tmp_path: Path) -> None:
    _import(DASHBOARDS[:2], tmp_path)
    again = _import(DASHBOARDS[:2], tmp_path)
    assert again.written == [] and len(again.unchanged) == 2
