"""Inhibition, mute timings, templates and receivers as code: compiled for Grafana provisioning,
exported to Alertmanager (checked by the real amtool) and validated against the project's rules."""
from __future__ import annotations

import shutil

import pytest
import yaml

from gdash import Inhibit, MuteTiming, TimeInterval, telegram
from gdash.project import load_project
from gdash.promexport import alertmanager_config, check_alertmanager_config
from gdash.validate import validate_project

RULES = """
    from gdash import AlertGroup, alert_rule

    def rule(title, severity, team="backend"):
        return alert_rule(title, "up", op="eq", threshold=0, severity=severity, team=team, summary="s",
                          description="d", runbook_url="https://runbooks.example.com")

    group = AlertGroup("g", rule("DbDown", "critical"), rule("ApiErrors", "critical"), rule("SlowApi", "warning"),
                       rule("Orders", "warning", team="trading"))
"""

NOTIFICATIONS = """
    from gdash import (ContactPoint, Inhibit, MuteTiming, Policy, Route, TimeInterval, discord, opsgenie, pagerduty,
                       slack, telegram)

    contact_points = [
        ContactPoint("pager", pagerduty(routing_key_env="PD_KEY", summary="{{ .CommonLabels.alertname }}")),
        ContactPoint("chat", slack(url_env="SLACK_URL"), discord(url_env="DISCORD_URL", title="t")),
        ContactPoint("ops", opsgenie(api_key_env="OPSGENIE_KEY", message="m")),
        ContactPoint("tg", telegram(bot_token_env="TG_TOKEN", chat_id=-1001234567890, parse_mode="HTML")),
    ]
    mute_timings = [MuteTiming("nights", times=[("22:00", "24:00"), ("00:00", "07:00")], location="Europe/Berlin"),
                    MuteTiming("weekends", TimeInterval(weekdays=("saturday", "sunday")))]
    policy = Policy(receiver="chat", routes=[
        Route("pager", matchers={"severity": "critical"}),
        Route("tg", matchers={"team": "trading"}, mute_timings=["weekends", "nights"]),
        Route("ops", matchers={"severity": "warning"}, mute_timings=["nights"]),
    ])
    inhibit_rules = [Inhibit(source={"alertname": "DbDown"}, target={"alertname": ["ApiErrors", "SlowApi"]},
                             equal=["instance"])]
"""


CONFIG = """
provision:
  datasources:
    prometheus: {type: prometheus, url: "http://prometheus:9090"}
"""


@pytest.fixture
def project_root(make_project):
    return make_project({"gdash.yaml": CONFIG, "alerts/rules.py": RULES, "alerts/notifications.py": NOTIFICATIONS})


def test_grafana_provisioning_has_mute_times_and_routes_reference_them(project_root, tmp_path, gdash):
    result = gdash("provision", "--out", str(tmp_path / "out"), cwd=project_root)
    assert result.returncode == 0, result.stderr
    document = yaml.safe_load((tmp_path / "out" / "alerting" / "notifications.yaml").read_text())
    times = {t["name"]: t for t in document["muteTimes"]}
    assert times["nights"] == {"orgId": 1, "name": "nights", "time_intervals": [
        {"times": [{"start_time": "22:00", "end_time": "24:00"}, {"start_time": "00:00", "end_time": "07:00"}],
         "location": "Europe/Berlin"}]}
    assert times["weekends"]["time_intervals"] == [{"weekdays": ["saturday", "sunday"]}]
    routes = {r["receiver"]: r for r in document["policies"][0]["routes"]}
    assert routes["tg"]["mute_time_intervals"] == ["weekends", "nights"] and "mute_time_intervals" not in routes["pager"]
    points = {p["name"]: p["receivers"] for p in document["contactPoints"]}
    assert points["pager"][0]["type"] == "pagerduty" and points["pager"][0]["settings"]["integrationKey"] == "${PD_KEY}"
    assert points["tg"][0]["settings"] == {"bottoken": "${TG_TOKEN}", "chatid": "-1001234567890", "parse_mode": "HTML"}
    assert [r["type"] for r in points["chat"]] == ["slack", "discord"]
    assert points["ops"][0]["settings"]["apiKey"] == "${OPSGENIE_KEY}"


def test_alertmanager_export_passes_amtool_with_mute_timings_inhibitions_and_receivers(project_root):
    if shutil.which("amtool") is None:
        pytest.fail("amtool is not installed (Debian package prometheus-alertmanager; .ci/run installs it)")
    config = alertmanager_config(load_project(project_root))
    assert check_alertmanager_config(config) is None
    assert config["inhibit_rules"] == [{"source_matchers": ['alertname="DbDown"'],
                                        "target_matchers": ['alertname=~"ApiErrors|SlowApi"'], "equal": ["instance"]}]
    assert [t["name"] for t in config["time_intervals"]] == ["nights", "weekends"]
    receivers = {r["name"]: r for r in config["receivers"]}
    assert receivers["tg"]["telegram_configs"] == [{"send_resolved": True, "bot_token": "${TG_TOKEN}",
                                                    "chat_id": -1001234567890, "parse_mode": "HTML"}]
    assert receivers["pager"]["pagerduty_configs"][0]["routing_key"] == "${PD_KEY}"
    assert receivers["chat"]["discord_configs"][0]["webhook_url"] == "${DISCORD_URL}"
    assert receivers["ops"]["opsgenie_configs"][0]["api_key"] == "${OPSGENIE_KEY}"
    broken = dict(config, route={**config["route"], "routes": [{**config["route"]["routes"][1], "mute_time_intervals": ["nope"]}]})
    assert "undefined time interval" in (check_alertmanager_config(broken) or "")


def test_teams_exports_as_msteams_configs(make_project):
    root = make_project({"alerts/notifications.py": """
        from gdash import ContactPoint, Policy, teams
        contact_points = [ContactPoint("teams", teams(url_env="TEAMS_URL", title="t", message="m"))]
        policy = Policy(receiver="teams")
    """})
    (receiver,) = alertmanager_config(load_project(root))["receivers"]
    assert receiver["msteams_configs"] == [{"send_resolved": True, "webhook_url": "${TEAMS_URL}", "title": "t", "text": "m"}]


def test_seed_project_validates_with_its_inhibitions_and_mute_timings(seed_root):
    project = load_project(seed_root)
    assert validate_project(project) == []
    assert len(project.inhibit_rules) == 3 and {t["name"] for t in project.mute_timings} == {"nights", "market-closed"}


@pytest.mark.parametrize("inhibit, message", [
    ('Inhibit(source={"severity": "critical"}, target={"severity": "warning"}, equal=["alertname"])',
     "never inhibits anything: every source rule and target rule differ in ['alertname']"),
    ('Inhibit(source={"alertname": "DBDown"}, target={"severity": "warning"})',
     'source {alertname="DBDown"} matches no alert rule\'s labels'),
    ('Inhibit(source={"alertname": "DbDown"}, target={"team": "payments"})',
     'target {team="payments"} matches no alert rule\'s labels'),
])
def test_an_inhibition_that_can_never_match_is_an_error(make_project, inhibit, message):
    root = make_project({"alerts/rules.py": RULES, "alerts/notifications.py": NOTIFICATIONS.replace(
        'inhibit_rules = [Inhibit(source={"alertname": "DbDown"}, target={"alertname": ["ApiErrors", "SlowApi"]},\n'
        '                             equal=["instance"])]', f"inhibit_rules = [{inhibit}]")})
    problems = [str(p) for p in validate_project(load_project(root))]
    assert len(problems) == 1 and message in problems[0], problems


def test_a_muted_route_that_matches_no_rule_and_an_unknown_mute_timing_are_errors(make_project, gdash, tmp_path):
    root = make_project({"alerts/rules.py": RULES, "alerts/notifications.py": NOTIFICATIONS.replace(
        'Route("ops", matchers={"severity": "warning"}, mute_timings=["nights"])',
        'Route("ops", matchers={"severity": "warn"}, mute_timings=["nights", "holidays"])')})
    problems = [str(p) for p in validate_project(load_project(root))]
    assert any("mute timing 'holidays' is not defined ['nights', 'weekends']" in p for p in problems), problems
    assert any("route to 'ops' {severity=\"warn\"} matches no alert rule's labels, so its mute timings" in p
               for p in problems), problems
    result = gdash("build", "--out", str(tmp_path / "build"), cwd=root)
    assert result.returncode != 0 and "holidays" in result.stderr + result.stdout


def test_removed_templates_and_mute_timings_become_provisioning_deletes(make_project, gdash, tmp_path):
    root = make_project({"gdash.yaml": CONFIG, "alerts/rules.py": RULES, "alerts/notifications.py": NOTIFICATIONS + "    templates = {'t': 'x'}\n"})
    out = tmp_path / "out"
    assert gdash("provision", "--out", str(out), cwd=root).returncode == 0
    assert not (out / "alerting" / "deleted-notifications.yaml").exists()
    source = (root / "alerts" / "notifications.py").read_text()
    source = source.replace("templates = {'t': 'x'}\n", "").replace(
        ',\n                MuteTiming("weekends", TimeInterval(weekdays=("saturday", "sunday")))]', "]").replace(
        'mute_timings=["weekends", "nights"]', 'mute_timings=["nights"]')
    (root / "alerts" / "notifications.py").write_text(source)
    result = gdash("provision", "--out", str(out), cwd=root)
    assert result.returncode == 0, result.stderr
    deleted = yaml.safe_load((out / "alerting" / "deleted-notifications.yaml").read_text())
    assert deleted == {"apiVersion": 1, "deleteTemplates": [{"orgId": 1, "name": "t"}],
                       "deleteMuteTimes": [{"orgId": 1, "name": "weekends"}]}
    again = (out / "alerting" / "deleted-notifications.yaml").read_bytes()
    assert gdash("provision", "--out", str(out), cwd=root).returncode == 0
    assert (out / "alerting" / "deleted-notifications.yaml").read_bytes() == again


@pytest.mark.parametrize("make, message", [
    (lambda: TimeInterval(times=(("22:00", "06:00"),)), "ends before it starts; split a range over midnight"),
    (lambda: TimeInterval(times=(("7:00", "08:00"),)), "is not a (start, end) pair of HH:MM times"),
    (lambda: TimeInterval(weekdays=("mon",)), "weekdays: 'mon' is not one of sunday"),
    (lambda: TimeInterval(days_of_month=("0",)), "days_of_month: '0' is not a day"),
    (lambda: TimeInterval(months=("13",)), "months: '13' is not one of january"),
    (lambda: TimeInterval(location="Mars/Olympus"), "not an IANA time zone"),
    (lambda: MuteTiming("empty"), "has no time interval"),
    (lambda: Inhibit(source={}, target={"a": "b"}), "Inhibit source must be a non-empty dict"),
    (lambda: telegram(bot_token_env="T", chat_id="@channel"), "chat_id must be a number"),
])
def test_bad_notification_objects_are_one_line_errors(make, message):
    with pytest.raises(ValueError, match=None) as raised:
        make()
    assert message in str(raised.value)


def test_a_bad_time_in_a_project_file_is_a_located_one_line_error(make_project, gdash, tmp_path):
    root = make_project({"alerts/notifications.py": """
        from gdash import MuteTiming
        mute_timings = [MuteTiming("nights", times=[("22:00", "06:00")])]
    """})
    result = gdash("build", "--out", str(tmp_path / "b"), cwd=root)
    assert result.returncode != 0
    first = result.stderr.splitlines()[0]
    assert "alerts/notifications.py:2" in first and "ends before it starts" in first


def test_grafana_policy_sends_the_watchdog_heartbeat_to_the_dead_mans_switch_only(seed_root, gdash, tmp_path):
    """The provisioned Grafana policy tree, routed by amtool (Grafana's notifier routes with Alertmanager's
    dispatch code, so the tree means the same to both): the Watchdog rule's real labels reach the dead man's
    switch receiver and no other, and its timing is short, while every other seed rule avoids it."""
    if shutil.which("amtool") is None:
        pytest.fail("amtool is not installed (Debian package prometheus-alertmanager; .ci/run installs it)")
    import json
    import subprocess

    assert gdash("provision", "--out", str(tmp_path / "out"), cwd=seed_root).returncode == 0
    alerting = tmp_path / "out" / "alerting"
    policy = yaml.safe_load((alerting / "notifications.yaml").read_text())["policies"][0]

    def as_alertmanager(route):
        converted = {k: route[k] for k in ("receiver", "continue", "group_wait", "group_interval", "repeat_interval")
                     if k in route}
        converted["matchers"] = [f"{name}{op}{json.dumps(value)}" for name, op, value in route.get("object_matchers", [])]
        converted["routes"] = [as_alertmanager(child) for child in route.get("routes", [])]
        return converted

    receivers = {policy["receiver"]} | {r["receiver"] for r in policy["routes"]}
    config = tmp_path / "grafana-policy.yml"
    config.write_text(yaml.safe_dump({"route": as_alertmanager(policy), "receivers": [{"name": n} for n in receivers]}))
    rules = [rule for path in sorted(alerting.glob("*-alerts.yaml"))
             for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]]
    routed = {}
    for rule in rules:  # Grafana labels each alert with alertname = the rule's title
        labels = [f"alertname={rule['title']}", *(f"{k}={v}" for k, v in sorted(rule.get("labels", {}).items()))]
        result = subprocess.run(["amtool", "config", "routes", "test", f"--config.file={config}", *labels],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        routed[rule["title"]] = result.stdout.strip()
    assert routed.pop("Watchdog") == "deadmans-switch"
    assert len(routed) >= 20 and "deadmans-switch" not in ",".join(routed.values()), routed
    heartbeat = policy["routes"][0]
    assert (heartbeat["receiver"], heartbeat.get("continue", False), heartbeat["repeat_interval"]) == (
        "deadmans-switch", False, "1m")
