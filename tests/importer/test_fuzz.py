"""Seeded fuzzing of the import library: mutated dashboard JSON ends in a ``GdashError`` (one line with
file and JSON path) or an import, never in another exception (which the CLI would show as a traceback)."""
from __future__ import annotations

import copy
import json
import random
import time
from pathlib import Path
from typing import Any

from gdash.errors import GdashError, Location
from gdash.importer.dashboards import import_dashboard
from gdash.importer.project import dashboard_file, read_document

CORPUS = Path(__file__).resolve().parent / "corpus"
SEEDS = ["node-exporter.json", "stat-gauge-mappings.json", "links-and-variables.json", "collapsed-rows.json",
         "library-panels.json", "text-and-other-panels.json", "tables-transformations.json", "loki-logs.json"]
MUTATIONS = 1000
HOSTILE = [None, True, 0, -1, 2**70, 1.5, float("nan"), float("inf"), "", "x" * 300, "\x00\"\"\"\\", [], {}, [1, "a"],
           {"a": {"b": []}}, "${DS_PROMETHEUS}", "-- Mixed --", {"uid": 5}, [{"refId": None}]]


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, path + (index,))
    return found


def _mutate(document: Any, rng: random.Random) -> Any:
    document = copy.deepcopy(document)
    for _ in range(rng.randint(1, 3)):
        paths = _paths(document)
        path = rng.choice(paths)
        if not path:
            return rng.choice(HOSTILE)
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        action = rng.random()
        if action < 0.25 and isinstance(parent, dict):
            del parent[last]
        elif action < 0.35 and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))  # a duplicate: same ids, titles, refIds
        elif action < 0.45 and isinstance(parent[last], (dict, list)):
            parent[last] = [parent[last]] if rng.random() < 0.5 else {"wrapped": parent[last]}
        else:
            parent[last] = copy.deepcopy(rng.choice(HOSTILE))
    return document


def test_a_thousand_mutations_never_raise_anything_but_a_one_line_error(tmp_path: Path) -> None:
    rng = random.Random(20261202)
    seeds = [json.loads((CORPUS / name).read_text()) for name in SEEDS]
    outcomes = {"imported": 0, "refused": 0}
    started = time.process_time()  # CPU time: the bound holds however busy the machine is
    for number in range(MUTATIONS):
        document = _mutate(rng.choice(seeds), rng)
        try:
            imported = import_dashboard(document, location=Location(f"mutation-{number}.json"))
            if number % 50 == 0:  # the generated file too: it must build or say what it lost, not raise
                dashboard_file(imported, tmp_path / "fuzz.py", "fuzz")
        except GdashError as error:
            line = error.one_line()
            assert "\n" not in line and line.startswith(f"mutation-{number}.json: $"), line  # file, JSON path
            assert "cannot import this dashboard" not in line, line  # the catch-all for importer bugs
            outcomes["refused"] += 1
        else:
            outcomes["imported"] += 1
    elapsed = time.process_time() - started
    assert outcomes["imported"] > 100 and outcomes["refused"] > 100, outcomes  # both paths were exercised
    assert elapsed < 30, f"{MUTATIONS} mutations took {elapsed:.0f}s of CPU (the suite's budget is ~20 s)"


def test_truncated_and_garbage_files_are_one_line_with_the_file(tmp_path: Path) -> None:
    text = (CORPUS / "node-exporter.json").read_text()
    rng = random.Random(7)
    for number in range(50):
        path = tmp_path / f"cut-{number}.json"
        path.write_bytes(text.encode()[:rng.randint(0, len(text) - 1)] + bytes([rng.randint(0, 255)]))
        try:
            read_document(path)
        except GdashError as error:
            assert str(path) in error.one_line() and "\n" not in error.one_line()
