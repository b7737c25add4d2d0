"""gdash's compiled dashboards are what Grafana 12.2+/13 would save: loading them migrates nothing."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from gdash import Dashboard, Row, prom, timeseries
from gdash.compile import compile_dashboard
from gdash.errors import Location
from gdash.grafanalib_ext import SCHEMA_VERSION
from gdash.migration import LATEST, migrate
from gdash.project import load_project

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_models() -> dict[str, dict]:
    return {board.uid: board.model for board in load_project(REPO).dashboards}


def test_gdash_emits_the_newest_schema_version() -> None:
    assert SCHEMA_VERSION == LATEST == 42


def test_migrating_seed_output_changes_nothing(seed_models) -> None:
    assert seed_models
    for uid, model in seed_models.items():
        assert migrate(model) == model, uid


def test_seed_output_already_has_the_shapes_of_steps_40_to_42(seed_models) -> None:
    """Rewound to 39, the output passes Grafana's steps 40-42 and Grafana's load-time normalisation
    unchanged: nothing in it is a shape those steps (or the normalisation) would rewrite."""
    for uid, model in seed_models.items():
        rewound = {**copy.deepcopy(model), "schemaVersion": 39}
        assert migrate(rewound, normalize=False) == model, uid
        assert migrate(rewound, normalize=True) == model, uid


def test_escape_hatch_json_gets_the_current_shapes_too() -> None:
    board = Dashboard(
        "Shapes", uid="shapes",
        rows=[Row("R", timeseries("Latency", prom("rate(x[5m])"), extra={"fieldConfig": {"overrides": [
            {"matcher": {"id": "byName", "options": "a"},
             "properties": [{"id": "custom.hideFrom", "value": {"viz": True, "legend": False}}]}]}}))],
        extra={"refresh": False, "timepicker": {"time_options": ["5m"], "refresh_intervals": ["1m"]}})
    model = compile_dashboard(board, root=REPO, default_folder="General", fallback=Location("x.py")).model
    assert model["schemaVersion"] == 42 and model["refresh"] == ""
    assert "time_options" not in model["timepicker"]
    hidden = model["panels"][-1]["fieldConfig"]["overrides"][0]["properties"][0]["value"]
    assert hidden == {"viz": True, "legend": False, "tooltip": True}
    assert migrate(model) == model
