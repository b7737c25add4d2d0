"""Helpers for the sync tests: emulator set-up, environments and throw-away projects."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from gdash.config import Config
from gdash.errors import Location
from gdash.model import CompiledDashboard, Project
from gdash.sync.client import BearerToken, RetryPolicy
from gdash.sync.environment import Environment
from gdash.testing import Faults, GrafanaEmulator

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / ".." / "shared" / "grafana" / "api-spec-v11.4.0" / "api-merged.json"
TOKEN = "glsa_test_token_0123456789"
DATASOURCES = {"prometheus": "prom-main", "loki": "loki-main"}
SECRETS = {
    "SLACK_CRITICAL_WEBHOOK_URL": "https://hooks.slack.invalid/critical",
    "SLACK_WARNINGS_WEBHOOK_URL": "https://hooks.slack.invalid/warnings",
    "TRADING_ALERT_WEBHOOK_URL": "https://hooks.invalid/trading",
    "DEADMANS_SWITCH_URL": "https://hooks.invalid/deadmans-switch",
}
FAST_RETRY = RetryPolicy(attempts=5, backoff=0.01, backoff_max=0.05, jitter=0.01)


def require_spec() -> Path:
    if not SPEC.is_file():
        pytest.skip(f"Grafana's OpenAPI description is not available at {SPEC}")
    return SPEC


def make_emulator(faults: Faults | None = None, *, normalize_on_save: bool = False) -> GrafanaEmulator:
    """An emulator (not started) with an Admin token and two datasources; ``normalize_on_save`` makes it
    store dashboards as Grafana 12.2+ does (defaults added on every write)."""
    emulator = GrafanaEmulator(require_spec(), faults, normalize_on_save=normalize_on_save)
    emulator.add_token(TOKEN)
    emulator.add_datasource("prom-main", "Prometheus")
    emulator.add_datasource("loki-main", "Loki", "loki")
    return emulator


def environment(grafana: GrafanaEmulator, **overrides: Any) -> Environment:
    settings: dict[str, Any] = dict(name="test", url=grafana.url, credentials=BearerToken(TOKEN),
                                    auth_hint="check the token", datasources=DATASOURCES, retry=FAST_RETRY,
                                    timeout=(2.0, 5.0))
    settings.update(overrides)
    return Environment(**settings)


def copy_seed_project(root: Path) -> Path:
    """A copy of the repository's seed project (dashboards/, alerts/) at ``root``."""
    for folder in ("dashboards", "alerts"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def write_config(root: Path, grafana: GrafanaEmulator, **env: Any) -> Path:
    settings = {"url": grafana.url, "token_env": "GDASH_TEST_TOKEN", "datasources": DATASOURCES,
                "retries": 5, "backoff": 0.01, "timeout": 5}
    settings.update(env)
    path = root / "gdash.yaml"
    path.write_text(yaml.safe_dump({"environments": {"test": settings}}))
    return path


def synthetic_project(root: Path, count: int, *, folders: int = 5) -> Project:
    """``count`` small dashboards over ``folders`` folders, built directly (no Python files to import)."""
    dashboards = []
    for i in range(count):
        model = {
            "uid": f"dash-{i:04d}", "title": f"Dashboard {i:04d}", "tags": ["generated"], "schemaVersion": 39,
            "templating": {"list": [{"type": "datasource", "name": "datasource", "query": "prometheus"}]},
            "panels": [{"id": 1, "type": "timeseries", "title": "Requests",
                        "datasource": {"type": "prometheus", "uid": "gdash:prometheus"},
                        "targets": [{"refId": "A", "expr": f"rate(http_requests_total{{shard=\"{i}\"}}[5m])",
                                     "datasource": {"type": "prometheus", "uid": "gdash:prometheus"}}],
                        "gridPos": {"x": 0, "y": 0, "w": 24, "h": 8}}],
        }
        dashboards.append(CompiledDashboard(uid=model["uid"], title=model["title"], folder=f"Team {i % folders}",
                                            model=model, source=Location(f"dashboards/gen_{i}.py", 1)))
    return Project(root=root, config=Config(), dashboards=dashboards, rule_groups=[])


def live_dashboard(grafana: GrafanaEmulator, uid: str, org_id: int = 1) -> dict[str, Any] | None:
    dashboard = grafana.grafana.org(org_id).dashboards.get(uid)
    return dashboard.model if dashboard else None


def ui_edit(grafana: GrafanaEmulator, uid: str, title: str = "Edited in the UI") -> None:
    """What a person saving a dashboard in Grafana's UI does: same uid, current version, new content."""
    org = grafana.grafana.org(1)
    with grafana.grafana.lock:
        current = org.dashboards[uid]
        model = dict(current.model, title=title)
        grafana.grafana.save_dashboard(org, model, current.folder_uid, overwrite=False, message="UI edit")

