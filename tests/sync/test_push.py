"""End-to-end `gdash push` against the emulator: plan, writes, no-op reruns, datasources, safety."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cli import main
from gdash.project import load_project
from gdash.sync.fingerprint import hash_tag
from gdash.sync.push import push, push_message
from gdash.testing import GrafanaEmulator

from .sync_helpers import TOKEN, environment, live_dashboard, synthetic_project, ui_edit, write_config

SEED_DASHBOARDS = {"api-performance", "application-logs", "cache", "database-performance", "slos", "system-overview",
                   "trading-performance"}


def run(root: Path, *args: str, token: str | None = TOKEN, **env: str):
    variables = {"GDASH_TEST_TOKEN": token, **env} if token else dict(env)
    return CliRunner().invoke(main, ["-C", str(root), *args], env=variables, catch_exceptions=False)


def test_push_seed_project_then_rerun_is_a_no_op(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    first = run(seed_project, "push", "--env", "test")
    assert first.exit_code == 0, first.output
    assert "create    dashboard api-performance" in first.stdout
    assert "pushed to test:" in first.stdout and "failed" not in first.stdout

    org = grafana.grafana.org(1)
    assert set(org.dashboards) == SEED_DASHBOARDS
    assert {f.title for f in org.folders.values()} >= {"Backend", "Infrastructure", "Trading"}
    rules = org.rules.values()
    assert {r["title"] for r in rules} >= {"HighErrorRate", "HighCPUUsage", "ServiceDown"}
    assert all(r["provenance"] == "api" for r in rules), "rules are locked in the UI (no X-Disable-Provenance)"
    assert {q["datasourceUid"] for r in rules for q in r["data"]} <= {"prom-main", "__expr__"}
    assert {p["name"] for p in org.contact_points.values()} == {"oncall-email", "slack-critical", "slack-warnings",
                                                              "trading-webhook", "deadmans-switch"}
    assert org.policy["provenance"] == "api" and org.policy["receiver"]

    grafana.clear_log()
    second = run(seed_project, "push", "--env", "test")
    assert second.exit_code == 0, second.output
    assert "nothing to do" in second.stdout
    assert grafana.writes() == []
    reads = sorted(e.path for e in grafana.exchanges if e.path.startswith("/api/dashboards/uid/"))
    assert reads == sorted(f"/api/dashboards/uid/{uid}" for uid in SEED_DASHBOARDS), \
        "a verified no-op reads every dashboard exactly once (and no history)"
    verified = re.search(r"verified (\d+) objects against live Grafana", second.stdout)
    assert verified and int(verified.group(1)) >= len(SEED_DASHBOARDS) + 6 + 4 + 1, second.stdout


def test_push_with_url_and_grafana_token(grafana: GrafanaEmulator, seed_project: Path) -> None:
    result = run(seed_project, "push", "--url", grafana.url, "--datasource", "prometheus=prom-main",
                 "--datasource", "loki=loki-main", token=None, GRAFANA_TOKEN=TOKEN)
    assert result.exit_code == 0, result.output
    assert set(grafana.grafana.org(1).dashboards) == SEED_DASHBOARDS
    again = run(seed_project, "push", "--url", grafana.url, "--datasource", "prometheus=prom-main",
                "--datasource", "loki=loki-main", token=None, GRAFANA_TOKEN=TOKEN)
    assert "nothing to do" in again.stdout


def test_datasources_are_rewritten_and_variable_defaults_set(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    project = synthetic_project(tmp_path, 2)
    result = push(project, environment(grafana))
    assert result.failures == []
    model = live_dashboard(grafana, "dash-0001")
    text = json.dumps(model)
    assert "gdash:" not in text
    assert model["panels"][0]["targets"][0]["datasource"] == {"type": "prometheus", "uid": "prom-main"}
    variable = model["templating"]["list"][0]
    assert variable["current"]["value"] == "prom-main"
    assert hash_tag(model["tags"]) and "generated" in model["tags"]
    assert any(e.path == "/api/datasources/uid/prom-main" for e in grafana.exchanges)


def test_missing_datasource_mapping_is_a_one_line_error(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana, datasources={"loki": "loki-main"})
    result = run(seed_project, "push", "--env", "test")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ")
    assert "datasource 'prometheus' has no mapping for environment 'test'" in lines[0]
    assert lines[1].startswith("hint: ") and "environments.test" in lines[1]
    assert grafana.writes() == []


def test_datasource_missing_in_grafana_fails_only_its_users(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    project = synthetic_project(tmp_path, 3)
    result = push(project, environment(grafana, datasources={"prometheus": "no-such-uid"}))
    failed = {o.action.key for o in result.failures if o.action.kind == "dashboard"}
    assert failed == {"dash-0000", "dash-0001", "dash-0002"}
    assert all("'no-such-uid' (mapped from 'prometheus'" in o.message for o in result.failures
               if o.action.kind == "dashboard")
    assert grafana.grafana.org(1).dashboards == {}
    assert not any(e.path == "/api/dashboards/db" for e in grafana.exchanges)


def test_ui_edit_is_refused_with_a_diff_and_force_overwrites_after_backup(
    grafana: GrafanaEmulator, seed_project: Path
) -> None:
    write_config(seed_project, grafana)
    assert run(seed_project, "push", "--env", "test").exit_code == 0
    ui_edit(grafana, "cache", title="Cache (tuned by hand)")
    (seed_project / "dashboards" / "cache.py").write_text(
        (seed_project / "dashboards" / "cache.py").read_text().replace('"Cache"', '"Cache v2"', 1))

    refused = run(seed_project, "push", "--env", "test")
    assert refused.exit_code == 1
    assert "conflict  dashboard cache" in refused.stdout
    assert "failed: dashboard cache" in refused.stderr
    assert "edited in Grafana by admin since gdash pushed it" in refused.stderr
    assert 'title: "Cache (tuned by hand)" -> "Cache v2"' in refused.stderr, "the refusal shows the diff"
    assert live_dashboard(grafana, "cache")["title"] == "Cache (tuned by hand)", "the UI edit is kept"
    assert not (seed_project / ".gdash" / "backups" / "test" / "cache").exists(), "a refusal writes nothing"

    dry = run(seed_project, "push", "--env", "test", "--dry-run")
    assert dry.exit_code == 1 and "failed: dashboard cache" in dry.stderr and "would be refused" in dry.stdout
    forced = run(seed_project, "push", "--env", "test", "--force")
    assert forced.exit_code == 0, forced.output
    assert live_dashboard(grafana, "cache")["title"] == "Cache v2"
    backups = list((seed_project / ".gdash" / "backups" / "test" / "cache").glob("*.json"))
    assert [b.name for b in backups] == ["2.json"]
    assert json.loads(backups[0].read_text())["title"] == "Cache (tuned by hand)"


def test_unmanaged_and_provisioned_dashboards_are_never_overwritten(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    project = synthetic_project(tmp_path, 2)
    org = grafana.grafana.org(1)
    grafana.grafana.save_dashboard(org, {"uid": "dash-0000", "title": "Hand made"}, "", False, "")
    grafana.grafana.save_dashboard(org, {"uid": "dash-0001", "title": "From a file"}, "", False, "", provisioned=True)
    result = push(project, environment(grafana))
    reasons = {o.action.key: o.message for o in result.failures}
    assert "not pushed by gdash" in reasons["dash-0000"]
    assert "provisioned from a file" in reasons["dash-0001"]
    assert org.dashboards["dash-0000"].title == "Hand made" and org.dashboards["dash-0001"].title == "From a file"

    forced = push(project, environment(grafana), force=True)
    assert {o.action.key for o in forced.failures} == {"dash-0001"}, "--force never fights file provisioning"
    assert org.dashboards["dash-0000"].title == "Dashboard 0000"


def test_name_exists_412_is_reported(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    project = synthetic_project(tmp_path, 1, folders=1)
    org = grafana.grafana.org(1)
    folder = grafana.grafana.op_createFolder(org, _call({"uid": "team-0", "title": "Team 0"}))
    assert folder[0] == 200
    grafana.grafana.save_dashboard(org, {"uid": "other", "title": "Dashboard 0000"}, "team-0", False, "")
    result = push(project, environment(grafana))
    [failure] = result.failures
    assert "412 name-exists" in failure.message and "Dashboard 0000" in failure.message
    assert set(org.dashboards) == {"other"}


def test_prune_deletes_only_what_gdash_manages(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    env = environment(grafana)
    assert push(synthetic_project(tmp_path, 4, folders=1), env).failures == []
    org = grafana.grafana.org(1)
    grafana.grafana.save_dashboard(org, {"uid": "by-hand", "title": "By hand"}, "team-0", False, "")
    smaller = synthetic_project(tmp_path, 2, folders=1)

    kept = push(smaller, env)
    assert set(org.dashboards) == {"dash-0000", "dash-0001", "dash-0002", "dash-0003", "by-hand"}, \
        "without --prune nothing is deleted"
    assert kept.plan.counts()["delete"] == 0
    pruned = push(smaller, env, prune=True)
    assert pruned.failures == []
    assert set(org.dashboards) == {"dash-0000", "dash-0001", "by-hand"}
    assert (tmp_path / ".gdash" / "backups" / "test" / "dash-0003" / "1.json").is_file()


def test_prune_rule_groups_keeps_ui_created_ones(grafana: GrafanaEmulator, seed_project: Path) -> None:
    from .test_orphans import EXTRA_ALERTS

    write_config(seed_project, grafana)
    (seed_project / "alerts" / "extra.py").write_text(EXTRA_ALERTS)
    assert run(seed_project, "push", "--env", "test").exit_code == 0
    org = grafana.grafana.org(1)
    folder_uid = next(r["folderUID"] for r in org.rules.values() if r["ruleGroup"] == "hosts")
    template = next(iter(org.rules.values()))
    grafana.grafana._store_rule(org, dict(template, uid="made-in-ui", ruleGroup="ui-group", folderUID=folder_uid),
                                provenance="")
    grafana.grafana._store_rule(org, dict(template, uid="from-file", ruleGroup="file-group", folderUID=folder_uid),
                                provenance="file")
    (seed_project / "alerts" / "extra.py").unlink()

    result = run(seed_project, "push", "--env", "test", "--prune")
    assert result.exit_code == 0, result.output
    assert "delete    rule-group Trading alerts/extra" in result.stdout
    assert {r["ruleGroup"] for r in org.rules.values()} == {"api", "containers", "databases", "hosts", "monitoring",
                                                           "trading", "slo-api-availability", "slo-api-latency",
                                                           "slo-trading-order-success", "ui-group", "file-group"}
    assert list((seed_project / ".gdash" / "backups" / "test" / "rule-groups").rglob("*.json"))


def test_dry_run_and_only(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    project = synthetic_project(tmp_path, 5)
    dry = push(project, environment(grafana), dry_run=True)
    assert dry.plan.counts()["create"] == 10 and dry.outcomes == [] and grafana.writes() == []
    only = push(project, environment(grafana), only="dash-000[12]")
    assert only.failures == []
    assert set(grafana.grafana.org(1).dashboards) == {"dash-0001", "dash-0002"}


def test_only_that_matches_nothing_is_a_usage_error(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    for args in (["push", "--env", "test", "--only", "api-perfromance"],
                 ["push", "--env", "test", "--dry-run", "--only", "api-perfromance"]):
        grafana.clear_log()
        result = run(seed_project, *args)
        assert result.exit_code == 2, result.output
        assert "--only 'api-perfromance' matches no dashboard" in result.stderr
        assert "api-performance" in result.stderr, "the hint lists what exists"
        assert "up to date" not in result.output and "nothing to do" not in result.output
        assert grafana.writes() == []
    matched = run(seed_project, "push", "--env", "test", "--only", "api-perf*")
    assert matched.exit_code == 0, matched.output
    assert set(grafana.grafana.org(1).dashboards) == {"api-performance"}


def test_rule_change_updates_only_its_group(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    assert run(seed_project, "push", "--env", "test").exit_code == 0
    grafana.clear_log()
    project = load_project(seed_project)
    group = next(g for g in project.rule_groups if g.name == "trading")
    group.rules[0]["annotations"]["summary"] = "changed"
    result = push(project, environment(grafana))
    assert result.failures == []
    writes = [(e.method, e.path) for e in grafana.writes()]
    assert writes == [("PUT", f"/api/v1/provisioning/folder/{group_folder(grafana, 'trading')}/rule-groups/trading")]
    assert grafana.grafana.org(1).rules[group.rules[0]["uid"]]["annotations"]["summary"] == "changed"


def group_folder(grafana: GrafanaEmulator, group: str) -> str:
    return next(r["folderUID"] for r in grafana.grafana.org(1).rules.values() if r["ruleGroup"] == group)


def test_push_message_names_the_git_commit(tmp_path: Path) -> None:
    assert push_message(tmp_path) == "gdash push"
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                    "--allow-empty", "-m", "x"], check=True)
    commit = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=True).stdout.strip()
    assert push_message(tmp_path) == f"gdash push (git {commit})"


def test_version_history_message(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    push(synthetic_project(tmp_path, 1), environment(grafana))
    history = grafana.grafana.org(1).dashboards["dash-0000"].history
    assert [(v.version, v.message, v.created_by) for v in history] == [(1, "gdash push", "sa-1-gdash")]


def _call(body: dict | None, **path: str) -> object:
    from gdash.testing.grafana import Call

    return Call(path, {"forceDeleteRules": ["true"]}, {}, body)


@pytest.mark.parametrize("org_id", [2])
def test_org_header_selects_the_organisation(grafana: GrafanaEmulator, tmp_path: Path, org_id: int) -> None:
    grafana.add_token("org2-token", org_id=org_id)
    grafana.add_datasource("prom-main", "Prometheus", org_id=org_id)
    from gdash.sync.client import BearerToken

    result = push(synthetic_project(tmp_path, 2), environment(grafana, org_id=org_id,
                                                              credentials=BearerToken("org2-token")))
    assert result.failures == []
    assert set(grafana.grafana.org(org_id).dashboards) == {"dash-0000", "dash-0001"}
    assert grafana.grafana.org(1).dashboards == {}


def test_changes_between_plan_and_write_are_not_overwritten(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    env = environment(grafana)
    assert push(synthetic_project(tmp_path, 2, folders=2), env).failures == []
    changed = synthetic_project(tmp_path, 2, folders=2)
    for dashboard in changed.dashboards:
        dashboard.model["description"] = "v2"
    org = grafana.grafana.org(1)

    def meanwhile(plan) -> None:  # someone saves one dashboard and deletes the other's folder
        ui_edit(grafana, "dash-0000", title="Saved by someone else")
        grafana.grafana.op_deleteFolder(org, _call(None, folder_uid="team-1"))

    result = push(changed, env, on_plan=meanwhile)
    reasons = {o.action.key: o.message for o in result.failures}
    assert "412 version-mismatch" in reasons["dash-0000"] and "nothing was overwritten" in reasons["dash-0000"]
    assert "folder 'team-1' does not exist in Grafana (404)" in reasons["dash-0001"]
    assert org.dashboards["dash-0000"].title == "Saved by someone else"


def test_nested_folders(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    project = synthetic_project(tmp_path, 2, folders=1)
    for dashboard in project.dashboards:
        dashboard.folder = "Platform/API"
    env = environment(grafana, nested_folders=True)
    assert push(project, env).failures == []
    folders = {f.title: f for f in grafana.grafana.org(1).folders.values()}
    assert folders["API"].parent_uid == folders["Platform"].uid
    assert {d.folder_uid for d in grafana.grafana.org(1).dashboards.values()} == {folders["API"].uid}
    grafana.clear_log()
    assert push(project, env).plan.changes == [] and grafana.writes() == []


def test_progress_bar_only_on_a_terminal(grafana: GrafanaEmulator, seed_project: Path) -> None:
    import os
    import pty
    import select
    import sys

    from .sync_helpers import SECRETS

    write_config(seed_project, grafana)
    env = {**os.environ, **SECRETS, "GDASH_TEST_TOKEN": TOKEN}
    command = [sys.executable, "-m", "gdash.cli", "-C", str(seed_project), "push", "--env", "test"]
    master, slave = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    terminal = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        try:
            chunk = os.read(master, 4096) if ready else b""
        except OSError:  # the child closed the terminal
            chunk = b""
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    assert process.wait(timeout=60) == 0
    assert b"pushing" in terminal and b"100%" in terminal
    assert b"pushing" not in process.stdout.read(), "no progress bar in captured output"
    source = seed_project / "dashboards" / "cache.py"
    source.write_text(source.read_text().replace('"Cache"', '"Cache v2"', 1))
    piped = run(seed_project, "push", "--env", "test")
    assert "update    dashboard cache" in piped.stdout and "pushing" not in piped.output


def test_search_and_folder_lists_are_paged(grafana: GrafanaEmulator, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from gdash.sync import live

    monkeypatch.setattr(live, "SEARCH_PAGE", 7)
    monkeypatch.setattr(live, "FOLDER_PAGE", 2)
    project = synthetic_project(tmp_path, 20, folders=5)
    env = environment(grafana)
    assert push(project, env).failures == []
    grafana.clear_log()
    assert push(project, env).plan.changes == []
    pages = [e.query for e in grafana.exchanges if e.path == "/api/search"]
    assert len(pages) == 3 and "page=3" in pages[-1]
    assert len([e for e in grafana.exchanges if e.path == "/api/folders"]) == 3
    reads = [e for e in grafana.exchanges if e.path.startswith("/api/dashboards/uid/")]
    assert len(reads) == 20, "one read per unchanged dashboard"
    assert len(grafana.exchanges) == 6 + 20 and grafana.writes() == []


def test_grafana_refusals_are_explained() -> None:
    from gdash.sync.client import HttpError
    from gdash.sync.plan import Action
    from gdash.sync.push import _save_problem

    action = Action("dashboard", "d", "update", "D", "Team", payload={"folderUid": "team"})
    url = "POST http://grafana/api/dashboards/db"
    assert _save_problem(HttpError(422, f"{url}: 422 alert validation failed"), action) == \
        "Grafana refused the dashboard (422): 422 alert validation failed"
    assert "412 name-exists" in _save_problem(HttpError(412, "x", "name-exists"), action)
    assert "412 version-mismatch" in _save_problem(HttpError(412, "x", "version-mismatch"), action)
    assert "(404)" in _save_problem(HttpError(404, "x"), action)


def test_config_file_option_and_basic_auth(grafana: GrafanaEmulator, seed_project: Path) -> None:
    grafana.add_user("deployer", "s3cret-pass", {1: "Admin"})
    write_config(seed_project, grafana, token_env=None, user="deployer", password_env="DEPLOY_PASSWORD")
    other = seed_project / "ops" / "grafana.yaml"
    other.parent.mkdir()
    (seed_project / "gdash.yaml").rename(other)
    result = CliRunner().invoke(main, ["-C", str(seed_project), "--config", str(other), "push", "--env", "test"],
                                env={"DEPLOY_PASSWORD": "s3cret-pass"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert set(grafana.grafana.org(1).dashboards) == SEED_DASHBOARDS
    assert "s3cret-pass" not in result.output
