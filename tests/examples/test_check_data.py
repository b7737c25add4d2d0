"""`gdash lint --prometheus URL --check-data` (DATA001) against a real Prometheus scraping the demo service."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gdash.lint.sources import path_targets, project_targets, text_targets
from gdash.livecheck import check_data, data_queries, substitute
from gdash.livecheck.data import Intervals, dashboard_range
from gdash.project import load_project

REPO = Path(__file__).resolve().parents[2]


def _seed_targets():
    return project_targets(load_project(REPO))


def test_every_seed_panel_and_alert_expression_returns_data(prometheus):
    targets = _seed_targets()
    queries = list(data_queries(targets))
    # every PromQL panel target of the seed dashboards and every seed rule's query
    panels = {(q.context["dashboard"], q.context["panel"]) for q in queries if q.context.get("dashboard")}
    rules = {q.context["rule"] for q in queries if q.context.get("rule")}
    assert len(panels) >= 50 and "Hit ratio" in {p for _, p in panels}
    assert rules == {a.name for a in targets.alerts}
    assert check_data(targets, prometheus, scrape_interval="1s") == []


def test_an_empty_query_is_a_data001_warning(prometheus, tmp_path):
    dashboard = {
        "uid": "cache", "title": "Cache", "schemaVersion": 39, "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [{"name": "job", "type": "query", "query": "label_values(cache_operations_total, job)"}]},
        "panels": [
            {"id": 1, "type": "stat", "title": "Hit ratio", "targets": [
                {"refId": "A", "expr": 'sum(rate(cache_operations_total{job=~"$job", operation="get", result="hit"}[$__rate_interval]))'},
                {"refId": "B", "expr": 'sum(rate(cache_operations_total{job="$job", operation="hit"}[$__rate_interval]))'}]},
            {"id": 2, "type": "stat", "title": "Broken", "targets": [{"refId": "A", "expr": "sum(rate(up[5m])"}]},
        ],
    }
    import json

    targets = text_targets(json.dumps(dashboard), ".json", "cache.json", strict=True)
    messages = sorted(f"{f.code} {f.severity} {f.message}" for f in check_data(targets, prometheus, scrape_interval="1s"))
    # B: an equality matcher gets the variable's first value from Prometheus ("api"), so it has data
    assert len(messages) == 2, messages
    assert messages[0].startswith(f"DATA001 warning panel 'Broken' query A fails on {prometheus}: ")
    assert messages[1] == f"DATA001 warning panel 'Hit ratio' query A returns no data on {prometheus}"


def test_cli_reports_data001_and_exits_zero_on_warnings(prometheus, tmp_path):
    (tmp_path / "dashboards").mkdir()
    (tmp_path / "dashboards" / "cache.py").write_text(
        "from gdash import Dashboard, datasource_var, prom, stat\n"
        "dashboard = Dashboard('Cache', uid='cache', folder='Backend', variables=[datasource_var('prometheus')],\n"
        "    panels=[stat('Hit ratio', prom('sum(rate(cache_operations_total{operation=\"get\"}[$__rate_interval]))'), "
        "description='d', unit='percentunit')])\n")
    result = subprocess.run([sys.executable, "-m", "gdash", "--project", str(tmp_path), "lint", "--prometheus", prometheus,
                             "--check-data", "--scrape-interval", "1s", "--select", "DATA001"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"dashboards/cache.py:3: DATA001 warning panel 'Hit ratio' query A returns no data on {prometheus}" in result.stdout
    without = subprocess.run([sys.executable, "-m", "gdash", "--project", str(tmp_path), "lint", "--check-data"],
                             capture_output=True, text=True)
    assert without.returncode == 2 and "--check-data needs --prometheus URL" in without.stderr


def test_macros_and_variables_are_substituted_as_grafana_would():
    hour = Intervals.for_range(3600, 15)
    assert (hour.interval_seconds, hour.rate_interval_seconds) == (15, 60)
    week = Intervals.for_range(7 * 86400, 15)
    assert (week.interval_seconds, week.rate_interval_seconds) == (604, 619)
    values = {"job": "api", "instance": "host:9100"}.get
    text = 'rate(x{job=~"$job", instance="$instance", route!~"${route:regex}"}[$__rate_interval]) / $__range_s'
    assert substitute(text, hour, values) == 'rate(x{job=~".*", instance="host:9100", route!~".*"}[60s]) / 3600'
    assert substitute("increase(x[$__range]) offset $__interval", hour, values) == "increase(x[3600s]) offset 15s"
    assert dashboard_range({"time": {"from": "now-24h", "to": "now"}}) == 86400
    assert dashboard_range({"time": {"from": "2024-01-01T00:00:00Z", "to": "now"}}) == 6 * 3600


def test_exported_prometheus_rules_have_data_without_their_thresholds(prometheus, tmp_path, gdash):
    out = tmp_path / "rules"
    assert gdash("export", "prometheus", "--out", str(out), cwd=REPO).returncode == 0
    targets = path_targets([out], tmp_path)
    alerts = [a for a in targets.alerts if not a.recording]
    assert len(alerts) == 23 and len([a for a in targets.alerts if a.recording]) == 24
    queries = {q.context["rule"]: q for q in data_queries(targets)}
    assert queries["ServiceDown"].text == 'up{job="api"}' and queries["ServiceDown"].what.endswith("(without its threshold)")
    assert check_data(targets, prometheus, scrape_interval="1s") == []


def test_thresholds_are_cut_from_the_text_as_written():
    from gdash.livecheck.data import without_threshold

    assert without_threshold('up{job="api"} == 0') == ('up{job="api"}', True)
    assert without_threshold("(sum(rate(x[5m])) / sum(rate(y[5m]))) > 0.05") == ("(sum(rate(x[5m])) / sum(rate(y[5m])))", True)
    assert without_threshold('0.9 < max(b{le=~"1(\\\\.0)?"})') == ('max(b{le=~"1(\\\\.0)?"})', True)  # escapes kept
    assert without_threshold("x > bool 1") == ("x > bool 1", False)
    assert without_threshold("x and y") == ("x and y", False)
    assert without_threshold("x > y") == ("x > y", False)


def test_data001_is_an_online_only_rule_with_documentation():
    from gdash.lint.catalog import describe_rule, render_rule_page
    from gdash.lint.rules import RULES, rules_for

    rule = RULES["DATA001"]
    assert rule.online and rule.severity == "warning" and rule not in rules_for("promql")
    assert "Online only" in describe_rule("DATA001") and "$__rate_interval" in render_rule_page("DATA001")


def test_the_seed_lints_clean_against_the_demo_with_every_live_check(prometheus):
    """LIVE001 (names), DATA001 (data) and the counter rules reading /api/v1/metadata (types) together."""
    result = subprocess.run([sys.executable, "-m", "gdash", "--project", str(REPO), "lint", "--prometheus", prometheus,
                             "--check-data", "--scrape-interval", "1s"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    assert "lint: no findings" in result.stderr
