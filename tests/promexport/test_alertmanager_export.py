"""Alertmanager config export: checked and route-tested by the real amtool; secrets stay placeholders."""
from __future__ import annotations

import os
import shutil
import string
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from gdash.errors import ProjectError
from gdash.project import load_project
from gdash.promexport import alertmanager_config, check_alertmanager_config

needs_amtool = pytest.mark.skipif(shutil.which("amtool") is None,
                                  reason="amtool not installed (Debian package `prometheus-alertmanager`)")

SECRETS = {
    "SLACK_CRITICAL_WEBHOOK_URL": "https://hooks.slack.com/services/T000/B000/criticalsecret",
    "SLACK_WARNINGS_WEBHOOK_URL": "https://hooks.slack.com/services/T000/B000/warningsecret",
    "TRADING_ALERT_WEBHOOK_URL": "https://trading.example.com/hook?token=tradingsecret",
    "DEADMANS_SWITCH_URL": "https://hc-ping.example.com/deadmanssecret",
    "SMTP_SMARTHOST": "smtp.example.com:587",
    "SMTP_FROM": "alerts@example.com",
    "SMTP_AUTH_USERNAME": "alerts@example.com",
    "SMTP_AUTH_PASSWORD": "smtpsecret",
}


@pytest.fixture
def exported(tmp_path, seed_root, gdash) -> Path:
    out = tmp_path / "alertmanager.yml.tmpl"
    result = gdash("export", "alertmanager", "--out", str(out), cwd=seed_root, env=SECRETS)
    assert result.returncode == 0, result.stderr
    assert f"wrote {out} (5 receivers)" in result.stdout
    for secret in ("criticalsecret", "warningsecret", "tradingsecret", "deadmanssecret", "smtpsecret"):
        assert secret not in out.read_text() and secret not in result.stdout + result.stderr
    return out


def _render(template: Path, tmp_path: Path) -> Path:
    """What a deployment does before starting Alertmanager (envsubst)."""
    rendered = tmp_path / "alertmanager.yml"
    rendered.write_text(string.Template(template.read_text()).substitute(SECRETS))
    return rendered


def test_routes_receivers_and_inhibit_rules(exported):
    config = yaml.safe_load(exported.read_text())
    route = config["route"]
    assert route["receiver"] == "oncall-email" and route["group_by"] == ["grafana_folder", "alertname"]
    assert [(r["receiver"], r["matchers"], r.get("continue", False), r.get("mute_time_intervals")) for r in route["routes"]] == [
        ("deadmans-switch", ['alertname="Watchdog"'], False, None),
        ("trading-webhook", ['team="trading"'], True, ["market-closed"]),
        ("slack-critical", ['severity="critical"'], False, None),
        ("slack-warnings", ['severity="warning"'], False, ["nights"]),
    ]
    receivers = {r["name"]: r for r in config["receivers"]}
    assert receivers["slack-critical"]["slack_configs"] == [
        {"api_url": "${SLACK_CRITICAL_WEBHOOK_URL}", "channel": "#alerts-critical", "send_resolved": True,
         "title": '{{ template "slack.title" . }}', "text": '{{ template "slack.text" . }}'}]
    assert receivers["trading-webhook"]["webhook_configs"][0]["url"] == "${TRADING_ALERT_WEBHOOK_URL}"
    assert receivers["deadmans-switch"]["webhook_configs"][0]["url"] == "${DEADMANS_SWITCH_URL}"
    heartbeat = route["routes"][0]
    assert (heartbeat["group_wait"], heartbeat["group_interval"], heartbeat["repeat_interval"]) == ("0s", "1m", "1m")
    assert receivers["oncall-email"]["email_configs"] == [{"to": "oncall@example.com", "send_resolved": True}]
    assert config["global"]["smtp_auth_password"] == "${SMTP_AUTH_PASSWORD}"
    assert config["inhibit_rules"][2] == {"source_matchers": ['alertname="DiskWillFillIn4Hours"'],
                                          "target_matchers": ['alertname="DiskAlmostFull"'], "equal": ["instance", "mountpoint"]}
    assert config["inhibit_rules"][0]["source_matchers"] == ['alertname=~"PostgresDown|MongoDBDown|RedisDown"']
    assert {t["name"] for t in config["time_intervals"]} == {"nights", "market-closed"}
    assert config["templates"] == ["gdash-templates.tmpl"]
    assert 'define "slack.title"' in (exported.parent / "gdash-templates.tmpl").read_text()


@needs_amtool
def test_rendered_config_passes_amtool_check_config(exported, tmp_path, seed_root, gdash):
    rendered = _render(exported, tmp_path)
    check = subprocess.run(["amtool", "check-config", str(rendered)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "5 receivers" in check.stdout and "3 inhibit rules" in check.stdout and "1 templates" in check.stdout
    result = gdash("export", "alertmanager", "--out", str(exported), "--check", cwd=seed_root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("unchanged:")


@needs_amtool
@pytest.mark.parametrize("labels, receivers", [
    (["severity=critical", "team=backend"], "slack-critical"),
    (["severity=warning", "team=platform"], "slack-warnings"),
    (["severity=critical", "team=trading"], "trading-webhook,slack-critical"),
    (["severity=info", "team=backend"], "oncall-email"),
    # the dead man's switch heartbeat goes to its service only, never to a human's receiver
    (["alertname=Watchdog", "severity=info", "team=platform"], "deadmans-switch"),
    (["alertname=Watchdog", "severity=critical", "team=trading"], "deadmans-switch"),
])
def test_amtool_routes_alerts_by_severity_and_team(exported, tmp_path, labels, receivers):
    rendered = _render(exported, tmp_path)
    routed = subprocess.run(["amtool", "config", "routes", "test", f"--config.file={rendered}", *labels],
                            capture_output=True, text=True, timeout=60)
    assert routed.returncode == 0, routed.stdout + routed.stderr
    assert routed.stdout.strip() == receivers


@needs_amtool
def test_amtool_check_really_rejects_a_broken_config(seed_root):
    config = alertmanager_config(load_project(seed_root))
    config["route"]["routes"][0]["receiver"] = "nobody"
    report = check_alertmanager_config(config)
    assert report and 'undefined receiver "nobody"' in report
    assert check_alertmanager_config(alertmanager_config(load_project(seed_root))) is None


def test_receivers_without_alertmanager_equivalent_are_refused(make_project):
    root = make_project({"alerts/notifications.py": """
        from gdash import ContactPoint, Policy, webhook

        contact_points = [ContactPoint("hook", webhook(url_env="HOOK_URL", http_method="PUT"))]
        policy = Policy(receiver="hook")
    """})
    with pytest.raises(ProjectError, match="contact point 'hook': Alertmanager webhooks always POST, not PUT"):
        alertmanager_config(load_project(root))


def test_project_without_policy_is_a_one_line_error(tmp_path, make_project, gdash):
    root = make_project({"alerts/rules.py": "from gdash import AlertGroup\ngroup = AlertGroup('empty')\n"})
    result = gdash("export", "alertmanager", "--out", str(tmp_path / "am.yml"), cwd=root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "error: the project has no notification policy to export"
    assert not (tmp_path / "am.yml").exists()
    assert os.listdir(tmp_path) == ["project"]


@needs_amtool
def test_slack_templates_render_with_amtool(exported):
    templates = exported.parent / "gdash-templates.tmpl"
    for name in ("slack.title", "slack.text"):
        rendered = subprocess.run(["amtool", "template", "render", f"--template.glob={templates}",
                                   f'--template.text={{{{ template "{name}" . }}}}'], capture_output=True, text=True, timeout=60)
        assert rendered.returncode == 0, rendered.stdout + rendered.stderr
        assert rendered.stdout.strip()
    title = subprocess.run(["amtool", "template", "render", f"--template.glob={templates}",
                            '--template.text={{ template "slack.title" . }}'], capture_output=True, text=True, timeout=60)
    assert title.stdout.startswith("[ALERTSTATUS]")  # amtool's example data has Status "alertstatus": toUpper ran


def test_removing_the_templates_removes_the_exported_template_file(tmp_path, make_project, gdash):
    notifications = """
        from gdash import ContactPoint, Policy, slack

        contact_points = [ContactPoint("chat", slack(url_env="CHAT_URL", title='{{ template "t" . }}'))]
        policy = Policy(receiver="chat")
    """
    notifications = textwrap.dedent(notifications).lstrip()
    root = make_project({"alerts/notifications.py": notifications + "templates = {'t': '{{ define \"t\" }}x{{ end }}'}\n"})
    out = tmp_path / "am" / "alertmanager.yml"
    out.parent.mkdir()
    assert gdash("export", "alertmanager", "--out", str(out), "--check", cwd=root).returncode == 0
    assert (out.parent / "gdash-templates.tmpl").is_file()
    (root / "alerts" / "notifications.py").write_text(notifications)
    assert gdash("export", "alertmanager", "--out", str(out), cwd=root).returncode == 0
    assert not (out.parent / "gdash-templates.tmpl").exists() and "templates" not in yaml.safe_load(out.read_text())
    (out.parent / "gdash-templates.tmpl").write_text("{{ define \"mine\" }}hand-written{{ end }}")
    refused = gdash("export", "alertmanager", "--out", str(out), cwd=root)
    assert refused.returncode != 0 and "was not written by gdash" in refused.stderr
    assert "hand-written" in (out.parent / "gdash-templates.tmpl").read_text()
