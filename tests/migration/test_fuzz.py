"""Mutated dashboards (seeded, reproducible) never end in a traceback: migrate() returns a model or
raises ConfigError, and panels.auto_migrate/v2 conversion survive whatever shapes they meet."""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

from gdash.errors import ConfigError
from gdash.migration import migrate

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[1] / ".." / "shared" / "grafana" / "migration" / "input"
SEEDS = [HERE / "corpus" / "v2-dashboard.json", HERE.parents[0] / "importer" / "corpus" / "legacy-graph-singlestat.json"]
ODD_VALUES: list[Any] = [None, True, False, 0, -1, 1e308, float("nan"), float("inf"), 2**70, "", "x", "${DS}", "-- Mixed --", [], {}, [None],
                         {"uid": None}, [[[]]], "9" * 50, {"type": 1}, ["a", 2]]


def _documents() -> list[Any]:
    found = [json.loads(p.read_text(encoding="utf-8")) for p in SEEDS]
    if FIXTURES.is_dir():
        found += [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.json"))]
    return found


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


def _mutate(document: Any, rng: random.Random) -> Any:
    document = copy.deepcopy(document)
    for _ in range(rng.randint(1, 4)):
        paths = _paths(document)
        path = rng.choice(paths[1:] or paths)
        if not path:
            return rng.choice(ODD_VALUES)
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = rng.random()
        if action < 0.6:
            parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif action < 0.8 and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(paths and [document]))  # self-similar nesting
    return document


def test_a_thousand_mutations_end_in_a_model_or_one_config_error() -> None:
    rng = random.Random(20261202)
    documents = _documents()
    outcomes = {"migrated": 0, "refused": 0}
    for i in range(1000):
        mutated = _mutate(rng.choice(documents), rng)
        try:
            result = migrate(mutated, panels=True, normalize=bool(i % 2))
        except ConfigError as error:
            assert "\n" not in str(error), str(error)
            outcomes["refused"] += 1
        else:
            assert isinstance(result, dict)
            json.dumps(result, allow_nan=True)  # still JSON data
            outcomes["migrated"] += 1
    assert outcomes["migrated"] > 300 and outcomes["refused"] > 20, outcomes
