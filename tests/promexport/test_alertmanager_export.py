"""Alertmanager config export: checked and route-tested by the real amtool; secrets stay placeholders."""
from __future__ import annotations

import os
import shutil
import string
import subprocess
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
    assert f"wrote {out} (4 receivers)" in result.stdout
    for secret in ("criticalsecret", "warningsecret", "tradingsecret", "smtpsecret"):
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
    assert [(r["receiver"], r["matchers"], r.get("continue", False)) for r in route["routes"]] == [
        ("trading-webhook", ['team="trading"'], True),
        ("slack-critical", ['severity="critical"'], False),
        ("slack-warnings", ['severity="warning"'], False),
    ]
    receivers = {r["name"]: r for r in config["receivers"]}
    assert receivers["slack-critical"]["slack_configs"] == [
        {"api_url": "${SLACK_CRITICAL_WEBHOOK_URL}", "channel": "#alerts-critical", "send_resolved": True}]
    assert receivers["trading-webhook"]["webhook_configs"][0]["url"] == "${TRADING_ALERT_WEBHOOK_URL}"
    assert receivers["oncall-email"]["email_configs"] == [{"to": "oncall@example.com", "send_resolved": True}]
    assert config["global"]["smtp_auth_password"] == "${SMTP_AUTH_PASSWORD}"
    assert config["inhibit_rules"] == [{"source_matchers": ['severity="critical"'],
                                        "target_matchers": ['severity="warning"'], "equal": ["alertname", "instance"]}]


@needs_amtool
def test_rendered_config_passes_amtool_check_config(exported, tmp_path, seed_root, gdash):
    rendered = _render(exported, tmp_path)
    check = subprocess.run(["amtool", "check-config", str(rendered)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "4 receivers" in check.stdout and "1 inhibit rules" in check.stdout
    result = gdash("export", "alertmanager", "--out", str(exported), "--check", cwd=seed_root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("unchanged:")


@needs_amtool
@pytest.mark.parametrize("labels, receivers", [
    (["severity=critical", "team=backend"], "slack-critical"),
    (["severity=warning", "team=platform"], "slack-warnings"),
    (["severity=critical", "team=trading"], "trading-webhook,slack-critical"),
    (["severity=info", "team=backend"], "oncall-email"),
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
