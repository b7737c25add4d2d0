"""Fixtures for the sync tests: a contract-checked Grafana emulator and a throw-away seed project."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gdash.testing import GrafanaEmulator

from .sync_helpers import SECRETS, copy_seed_project, make_emulator


@pytest.fixture
def grafana() -> Iterator[GrafanaEmulator]:
    """A fresh emulator with an Admin token and two datasources; fails the test on any contract violation."""
    emulator = make_emulator()
    with emulator:
        yield emulator
    assert emulator.violations == [], "requests or responses broke Grafana's API contract"


@pytest.fixture
def seed_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's seed project (dashboards/, alerts/) with its secrets in the environment."""
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return copy_seed_project(tmp_path / "project")
