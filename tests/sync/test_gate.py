"""`gdash push` runs the project's gate before any request, and `--dry-run` predicts the real push's exit code."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cli import main
from gdash.testing import GrafanaEmulator

from .sync_helpers import SECRETS, TOKEN, ui_edit, write_config


def run(root: Path, *args: str, **env: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], env={"GDASH_TEST_TOKEN": TOKEN, **env},
                              catch_exceptions=False)


def break_a_query(root: Path) -> None:
    source = root / "dashboards" / "cache.py"
    source.write_text(source.read_text().replace('sum(rate(cache_operations_total{job=~"$job", result="failure"}',
                                                 'sum(rate(cache_operations_total{job=~"$job", result="failure"}(', 1))


def test_lint_error_refuses_the_push_before_any_request(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    break_a_query(seed_project)
    for args in ((), ("--dry-run",)):
        refused = run(seed_project, "push", "--env", "test", *args)
        assert refused.exit_code == 1, refused.output
        assert "PQL001" in refused.stderr and "push refused: 1 lint error" in refused.stderr
        assert "--no-lint" in refused.stderr
    assert grafana.exchanges == [], "the gate runs before any request"
    pushed = run(seed_project, "push", "--env", "test", "--no-lint")
    assert pushed.exit_code == 0, pushed.output
    assert "cache" in grafana.grafana.org(1).dashboards


def test_schema_problem_refuses_even_with_no_lint(grafana: GrafanaEmulator, seed_project: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from gdash.sync import gate

    write_config(seed_project, grafana)
    monkeypatch.setattr(gate, "validate_project", lambda project: ["dashboards/cache.py: panel 1: bad"])
    refused = run(seed_project, "push", "--env", "test", "--no-lint")
    assert refused.exit_code == 1 and "schema problem" in refused.stderr
    assert grafana.exchanges == []


SCENARIOS = ["clean", "missing datasource", "missing secret", "conflict", "lint error"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_dry_run_predicts_the_exit_code_of_the_push(grafana: GrafanaEmulator, seed_project: Path,
                                                    monkeypatch: pytest.MonkeyPatch, scenario: str) -> None:
    write_config(seed_project, grafana)
    expected = {"clean": 0, "missing datasource": 1, "missing secret": 2, "conflict": 1, "lint error": 1}[scenario]
    if scenario == "conflict":
        assert run(seed_project, "push", "--env", "test").exit_code == 0
        ui_edit(grafana, "cache")
    if scenario == "missing datasource":
        write_config(seed_project, grafana, datasources={"prometheus": "prom-main", "loki": "loki-gone"})
    if scenario == "missing secret":
        for name in SECRETS:
            monkeypatch.delenv(name)
    if scenario == "lint error":
        break_a_query(seed_project)
    grafana.clear_log()
    dry = run(seed_project, "push", "--env", "test", "--dry-run")
    assert grafana.writes() == []
    real = run(seed_project, "push", "--env", "test")
    assert (dry.exit_code, real.exit_code) == (expected, expected), (dry.output, real.output)
    if scenario == "missing datasource":
        assert "datasource uid 'loki-gone' (mapped from 'loki'" in dry.stderr
        assert "application-logs" in dry.stderr and "application-logs" not in grafana.grafana.org(1).dashboards
    if scenario == "missing secret":
        for output in (dry.stderr, real.stderr):
            assert "4 secret environment variables not set" in output
            assert all(name in output for name in SECRETS), "every missing variable at once"
        assert grafana.writes() == [], "nothing is pushed when a secret is missing"
    if scenario == "clean":
        assert "dry run: nothing was written" in dry.stdout


def test_dry_run_sees_a_missing_save_permission(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    from gdash.sync.push import push

    from .sync_helpers import environment, synthetic_project

    assert push(synthetic_project(tmp_path, 1), environment(grafana)).failures == []
    grafana.add_token("viewer-token", role="Viewer", login="sa-3-viewer")
    changed = synthetic_project(tmp_path, 1)
    changed.dashboards[0].model["title"] = "Changed"
    from gdash.sync.client import BearerToken

    env = environment(grafana, credentials=BearerToken("viewer-token"))
    dry = push(changed, env, dry_run=True)
    assert [o.action.verb for o in dry.failures] == ["error"] and "canSave: false" in dry.failures[0].message
