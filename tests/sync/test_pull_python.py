"""`gdash pull --as-python` never makes a second definition: a dashboard the project defines is regenerated
in its own file (when gdash import owns that file) or the pull refuses naming the file; without --out
it writes to a fresh directory."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gdash.cli import main
from gdash.project import load_project
from gdash.testing import GrafanaEmulator

from .sync_helpers import TOKEN, ui_edit, write_config


def gdash(root: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], env={"GDASH_TEST_TOKEN": TOKEN})


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*.py"))}


def test_hand_written_definitions_are_never_duplicated(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    assert gdash(seed_project, "push", "--env", "test").exit_code == 0
    before = snapshot(seed_project)
    result = gdash(seed_project, "pull", "--env", "test", "--as-python", "--out", str(seed_project))
    assert result.exit_code == 2, result.output
    assert "dashboards/cache.py defines dashboard 'cache' (it was not written by gdash import)" in result.stderr
    assert "alerts/" in result.stderr
    assert snapshot(seed_project) == before, "nothing written"


def test_without_out_a_fresh_directory_is_used(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    assert gdash(seed_project, "push", "--env", "test").exit_code == 0
    before = snapshot(seed_project)
    result = gdash(seed_project, "pull", "--env", "test", "--as-python")
    assert result.exit_code == 0, result.output
    fresh = seed_project / "pulled" / "test-python"
    assert (fresh / "dashboards" / "backend_cache.py").is_file()
    assert {k: v for k, v in snapshot(seed_project).items() if not k.startswith("pulled/")} == before


def test_imported_project_is_updated_in_place(grafana: GrafanaEmulator, seed_project: Path, tmp_path: Path) -> None:
    write_config(seed_project, grafana)
    assert gdash(seed_project, "push", "--env", "test").exit_code == 0
    code = tmp_path / "code"
    assert gdash(seed_project, "pull", "--env", "test", "--as-python", "--out", str(code)).exit_code == 0
    files = set(snapshot(code))
    ui_edit(grafana, "cache", title="Cache (tuned in the UI)")
    org = grafana.grafana.org(1)
    grafana.grafana.save_dashboard(org, {"uid": "brand-new", "title": "Brand new", "schemaVersion": 39}, "", False, "")

    result = gdash(seed_project, "pull", "--env", "test", "--as-python", "--out", str(code))
    assert result.exit_code == 0, result.output
    assert set(snapshot(code)) == files | {"dashboards/general_brand_new.py"}, "no second file for cache"
    assert "Cache (tuned in the UI)" in (code / "dashboards" / "backend_cache.py").read_text()
    project = load_project(code)
    uids = [d.uid for d in project.dashboards]
    assert sorted(uids) == sorted(set(uids)) and "brand-new" in uids, "the next build has no duplicate uid"


ROUTING = '''
from gdash import (ContactPoint, MuteTiming, Policy, Route, TimeInterval, discord, email, opsgenie, pagerduty, slack,
                   teams, telegram, webhook)

templates = {"short": '{{ define "short.title" }}{{ .CommonLabels.alertname }}{{ end }}'}
contact_points = [
    ContactPoint("pager", pagerduty(routing_key_env="PD_ROUTING_KEY", summary="{{ .CommonLabels.alertname }}")),
    ContactPoint("chat", slack(url_env="CHAT_SLACK_URL", channel="#ops", title='{{ template "short.title" . }}'),
                 discord(url_env="CHAT_DISCORD_URL", title="t", message="m")),
    ContactPoint("office", teams(url_env="TEAMS_URL", title="t")),
    ContactPoint("ops", opsgenie(api_key_env="OPSGENIE_KEY", api_url="https://api.eu.opsgenie.com/", message="m")),
    ContactPoint("tg", telegram(bot_token_env="TG_TOKEN", chat_id=-1001234567890, parse_mode="HTML")),
    ContactPoint("hook", webhook(url_env="HOOK_URL", http_method="PUT")),
    ContactPoint("mail", email("a@example.com", "b@example.com", single_email=True)),
]
mute_timings = [
    MuteTiming("nights", times=[("22:00", "24:00"), ("00:00", "07:00")], location="Europe/Berlin"),
    MuteTiming("closed", TimeInterval(weekdays=("saturday", "sunday")),
               TimeInterval(months=("december",), days_of_month=("24:26",), years=("2026",))),
]
policy = Policy(receiver="mail", group_by=["alertname"], repeat_interval="2h", routes=[
    Route("pager", matchers={"severity": "critical"}, continue_=True, routes=[
        Route("tg", matchers={"team": "trading"}, mute_timings=["closed"], group_wait="10s")]),
    Route("chat", matchers={"severity": "warning"}, mute_timings=["nights"]),
    Route("office", matchers={"team": "office"}), Route("ops", matchers={"team": "ops"}),
    Route("hook", matchers={"team": "hooks"}, group_by=["instance"]),
])
'''
ROUTING_SECRETS = {"PD_ROUTING_KEY": "pd-secret-1", "CHAT_SLACK_URL": "https://hooks.invalid/slack-secret-2",
                   "CHAT_DISCORD_URL": "https://hooks.invalid/discord-secret-3", "TEAMS_URL": "https://hooks.invalid/teams-secret-4",
                   "OPSGENIE_KEY": "opsgenie-secret-5", "TG_TOKEN": "tg-secret-6", "HOOK_URL": "https://hooks.invalid/hook-secret-7"}


def _routing(project):
    return project.contact_points, project.policies, project.mute_timings, project.templates


def test_notification_routing_round_trips_as_python_with_secrets_as_environment_names(
        grafana: GrafanaEmulator, tmp_path: Path, monkeypatch) -> None:
    """Every receiver type, nested routes, mute timings and templates: pushed to the emulator, pulled as
    Python (a project of its own, without the original), and that Python compiles to the same routing."""
    for name, value in ROUTING_SECRETS.items():
        monkeypatch.setenv(name, value)
    root = tmp_path / "project"
    (root / "alerts").mkdir(parents=True)
    (root / "alerts" / "notifications.py").write_text(ROUTING)
    write_config(root, grafana)
    assert gdash(root, "push", "--env", "test").exit_code == 0
    code = tmp_path / "code"
    result = gdash(root, "pull", "--env", "test", "--as-python", "--out", str(code))
    assert result.exit_code == 0, result.output
    assert "lost:" not in result.output
    pulled = (code / "alerts" / "notifications.py").read_text()
    assert not any(secret in pulled for secret in ROUTING_SECRETS.values())
    assert "by `gdash import`" in pulled and 'routing_key_env="PD_ROUTING_KEY"' in pulled
    assert _routing(load_project(code)) == _routing(load_project(root))
    # Pulled from a project that does not know the receivers, the names are derived, never the values
    (code / "alerts" / "notifications.py").unlink()
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    write_config(stranger, grafana)
    assert gdash(stranger, "pull", "--env", "test", "--as-python", "--out", str(code)).exit_code == 0
    derived = (code / "alerts" / "notifications.py").read_text()
    assert 'routing_key_env="PAGER_ROUTING_KEY"' in derived and 'bot_token_env="TG_BOT_TOKEN"' in derived
    assert not any(secret in derived for secret in ROUTING_SECRETS.values())
    again = load_project(code)
    assert (again.policies, again.mute_timings, again.templates) == _routing(load_project(root))[1:]


def test_routing_defined_by_hand_is_not_pulled_beside_itself(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    assert gdash(seed_project, "push", "--env", "test").exit_code == 0
    result = gdash(seed_project, "pull", "--env", "test", "--as-python", "--out", str(seed_project))
    assert result.exit_code == 2
    assert "the project defines notification routing" in result.stderr
