"""Orphans (managed by gdash in Grafana, gone from the project) are listed; --prune deletes them, except
one edited in Grafana since gdash pushed it, which needs --force."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gdash.cli import main
from gdash.sync.push import push
from gdash.testing import GrafanaEmulator

from .sync_helpers import TOKEN, environment, synthetic_project, ui_edit, write_config


def test_orphans_are_listed_without_prune(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    env = environment(grafana)
    assert push(synthetic_project(tmp_path, 3, folders=1), env).failures == []
    result = push(synthetic_project(tmp_path, 1, folders=1), env)
    assert result.failures == []
    orphans = [(a.key, a.reason) for a in result.plan.orphans]
    assert [key for key, _ in orphans] == ["dash-0001", "dash-0002"]
    assert all("use --prune to delete" in reason for _, reason in orphans)
    rendered = result.plan.render()
    assert "  orphan    dashboard dash-0001" in rendered and "nothing to do" in rendered
    assert set(grafana.grafana.org(1).dashboards) == {"dash-0000", "dash-0001", "dash-0002"}


EXTRA_ALERTS = '''"""An extra group, removed again by the test."""
from gdash import AlertGroup, alert_rule

group = AlertGroup(
    "extra",
    alert_rule("ExtraCheck", "up == 0", op="gt", threshold=0, for_="5m", severity="warning", team="trading",
               summary="extra", description="extra", runbook_url="https://runbooks.invalid/extra"),
    folder="Trading alerts",
)
'''


def test_rule_group_orphans_are_listed_in_the_cli_plan(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    (seed_project / "alerts" / "extra.py").write_text(EXTRA_ALERTS)
    env = {"GDASH_TEST_TOKEN": TOKEN}
    assert CliRunner().invoke(main, ["-C", str(seed_project), "push", "--env", "test"], env=env).exit_code == 0
    (seed_project / "alerts" / "extra.py").unlink()
    result = CliRunner().invoke(main, ["-C", str(seed_project), "push", "--env", "test"], env=env)
    assert result.exit_code == 0, result.output
    assert "orphan    rule-group Trading alerts/extra" in result.stdout and "--prune" in result.stdout


def test_prune_refuses_an_orphan_edited_in_grafana_unless_forced(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    env = environment(grafana)
    assert push(synthetic_project(tmp_path, 3, folders=1), env).failures == []
    ui_edit(grafana, "dash-0002", title="Still used by someone")
    smaller = synthetic_project(tmp_path, 1, folders=1)
    refused = push(smaller, env, prune=True)
    assert [(o.action.key, o.action.verb) for o in refused.failures] == [("dash-0002", "conflict")]
    assert "edited in Grafana by admin" in refused.failures[0].message and "to delete it" in refused.failures[0].message
    assert set(grafana.grafana.org(1).dashboards) == {"dash-0000", "dash-0002"}, "the unedited orphan is pruned"

    forced = push(smaller, env, prune=True, force=True)
    assert forced.failures == []
    assert set(grafana.grafana.org(1).dashboards) == {"dash-0000"}
    backup = tmp_path / ".gdash" / "backups" / "test" / "dash-0002" / "2.json"
    assert json.loads(backup.read_text())["title"] == "Still used by someone"


def test_prune_refuses_a_rule_group_orphan_changed_by_another_client(grafana: GrafanaEmulator,
                                                                     seed_project: Path) -> None:
    from gdash.project import load_project

    (seed_project / "alerts" / "extra.py").write_text(EXTRA_ALERTS)
    env = environment(grafana)
    assert push(load_project(seed_project), env).failures == []
    org = grafana.grafana.org(1)
    key = next((r["folderUID"], r["ruleGroup"]) for r in org.rules.values() if r["ruleGroup"] == "extra")
    org.group_intervals[key] = 300  # changed through the API by someone else since gdash pushed it
    (seed_project / "alerts" / "extra.py").unlink()
    smaller = load_project(seed_project)
    refused = push(smaller, env, prune=True)
    assert [(o.action.kind, o.action.verb) for o in refused.failures] == [("rule-group", "conflict")]
    assert "to delete it" in refused.failures[0].message
    assert any(r["ruleGroup"] == "extra" for r in org.rules.values())
    assert push(smaller, env, prune=True, force=True).failures == []
    assert not any(r["ruleGroup"] == "extra" for r in org.rules.values())
