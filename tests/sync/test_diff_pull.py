"""`gdash diff --env` (semantic, noise-free) and `gdash pull` (deterministic download)."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gdash.cli import main
from gdash.project import load_project
from gdash.sync.compare import diff_live
from gdash.sync.pull import pull
from gdash.testing import GrafanaEmulator

from .sync_helpers import TOKEN, environment, ui_edit, write_config


def cli(root: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], env={"GDASH_TEST_TOKEN": TOKEN},
                              catch_exceptions=False)


def test_diff_before_and_after_push(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    before = cli(seed_project, "diff", "--env", "test", "--exit-code")
    assert before.exit_code == 1
    assert "+ dashboard 'API Performance' [api-performance]" in before.stdout
    assert "rule group 'api'" in before.stdout

    assert cli(seed_project, "push", "--env", "test").exit_code == 0
    after = cli(seed_project, "diff", "--env", "test", "--exit-code")
    assert after.exit_code == 0 and after.stdout == "", "ids, versions, key order and hash tags are not differences"


def test_diff_shows_ui_edits_and_rule_changes(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    assert cli(seed_project, "push", "--env", "test").exit_code == 0
    grafana.clear_log()
    ui_edit(grafana, "system-overview", title="System Overview (hand edit)")
    org = grafana.grafana.org(1)
    rule = next(r for r in org.rules.values() if r["title"] == "HighCPUUsage")
    rule["annotations"] = dict(rule["annotations"], summary="edited live")

    report = diff_live(load_project(seed_project), environment(grafana))
    assert [d.uid for d in report.dashboards] == ["system-overview"]
    assert [f.path for f in report.dashboards[0].settings] == ["title"]
    [group] = report.rule_groups
    assert group.name == "hosts" and [item.title for item in group.items] == ["HighCPUUsage"]
    text = cli(seed_project, "diff", "--env", "test").stdout
    assert '"System Overview (hand edit)" -> "System Overview"' in text
    assert "annotations.summary" in text
    assert grafana.writes() == []


def test_pull_is_deterministic_and_safe(grafana: GrafanaEmulator, seed_project: Path, tmp_path: Path) -> None:
    write_config(seed_project, grafana)
    assert cli(seed_project, "push", "--env", "test").exit_code == 0
    out = tmp_path / "pulled"
    first = pull(environment(grafana), out)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json") if p.name != ".gdash-pull.json")
    assert "dashboards/backend/api-performance.json" in files
    assert any(f.startswith("alert-rules/infrastructure-alerts/") for f in files)
    model = json.loads((out / "dashboards/backend/api-performance.json").read_text())
    assert "id" not in model and model["uid"] == "api-performance" and model["title"] == "API Performance"
    text = (out / "dashboards/backend/api-performance.json").read_text()
    assert text == json.dumps(model, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert len(first.written) == len(files)

    second = pull(environment(grafana), out)
    assert second.written == [] and sorted(second.unchanged) == files

    del grafana.grafana.org(1).dashboards["cache"]
    third = pull(environment(grafana), out)
    assert third.removed == ["dashboards/backend/cache.json"]

    foreign = tmp_path / "mine"
    (foreign / "dashboards" / "backend").mkdir(parents=True)
    (foreign / "notes.txt").write_text("keep me")
    (foreign / "dashboards" / "backend" / "api-performance.json").write_text("hand-written")
    result = CliRunner().invoke(main, ["-C", str(seed_project), "pull", "--env", "test", "--out", str(foreign)],
                                env={"GDASH_TEST_TOKEN": TOKEN})
    assert result.exit_code == 2 and "was not written by gdash" in result.stderr
    assert (foreign / "dashboards" / "backend" / "api-performance.json").read_text() == "hand-written"
    assert not (foreign / "dashboards" / "backend" / "database-performance.json").exists(), "all or nothing"
    (foreign / "dashboards" / "backend" / "api-performance.json").unlink()
    beside = CliRunner().invoke(main, ["-C", str(seed_project), "pull", "--env", "test", "--out", str(foreign)],
                                env={"GDASH_TEST_TOKEN": TOKEN})
    assert beside.exit_code == 0, beside.output
    assert (foreign / "notes.txt").read_text() == "keep me", "a pull next to a hand-written file leaves it alone"
    del grafana.grafana.org(1).dashboards["api-performance"]
    (foreign / "dashboards" / "backend" / "mine.json").write_text("{}")
    again = CliRunner().invoke(main, ["-C", str(seed_project), "pull", "--env", "test", "--out", str(foreign)],
                               env={"GDASH_TEST_TOKEN": TOKEN})
    assert again.exit_code == 0 and "1 removed" in again.stdout
    assert (foreign / "dashboards" / "backend" / "mine.json").read_text() == "{}", "only pull's own files go"
    assert not (foreign / "dashboards" / "backend" / "api-performance.json").exists()


def test_pull_cli_default_directory(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    assert cli(seed_project, "push", "--env", "test").exit_code == 0
    result = cli(seed_project, "pull", "--env", "test")
    assert result.exit_code == 0 and "pulled test into" in result.stdout
    assert (seed_project / "pulled" / "test" / "dashboards" / "trading" / "trading-performance.json").is_file()


def test_diff_env_uses_the_plan_wording_and_exit_code(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    assert cli(seed_project, "push", "--env", "test").exit_code == 0
    ui_edit(grafana, "cache", title="Cache (hand edit)")
    push_plan = cli(seed_project, "push", "--env", "test", "--dry-run").stdout
    line = next(row.strip() for row in push_plan.splitlines() if row.strip().startswith("conflict  dashboard cache"))
    shown = cli(seed_project, "diff", "--env", "test")
    assert shown.exit_code == 0 and line in shown.stdout, "the same words as the push plan"
    assert '"Cache (hand edit)" -> "Cache"' in shown.stdout
    assert cli(seed_project, "diff", "--env", "test", "--exit-code").exit_code == 1
    (seed_project / "dashboards" / "logs.py").unlink()
    orphan = cli(seed_project, "diff", "--env", "test")
    assert "orphan    dashboard application-logs" in orphan.stdout and "use --prune to delete" in orphan.stdout
