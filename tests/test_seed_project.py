"""The seed dashboards and alert rules compile, validate and follow the project's own conventions."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdash.project import load_project
from gdash.validate import validate_project

EXPECTED_DASHBOARDS = {
    "system-overview": "System Overview",
    "api-performance": "API Performance",
    "database-performance": "Database Performance",
    "cache": "Cache",
    "slos": "Service Level Objectives",
    "trading-performance": "Trading Performance",
    "application-logs": "Application Logs",
}
EXPECTED_RULES = {
    "HighErrorRate", "HighResponseTime", "ServiceDown", "HighCPUUsage", "HighMemoryUsage", "DiskWillFillIn4Hours",
    "DiskAlmostFull", "ContainerHighCPU", "ContainerHighMemory", "PostgresDown", "MongoDBDown", "RedisDown",
    "DbConnectionSaturation", "ExporterDown", "ProbeFailed", "Watchdog", "OrderFailureRatioHigh",
    "ApiAvailabilityFastBurn", "ApiAvailabilitySlowBurn", "ApiLatencyFastBurn", "ApiLatencySlowBurn",
    "TradingOrderSuccessFastBurn", "TradingOrderSuccessSlowBurn",
}


@pytest.fixture(scope="module")
def project():
    return load_project(Path(__file__).resolve().parents[1])


def _panels(model):
    for panel in model["panels"]:
        yield panel
        yield from panel.get("panels", [])


def test_seed_dashboards_and_rules_are_all_there(project):
    assert {d.uid: d.title for d in project.dashboards} == EXPECTED_DASHBOARDS
    assert {r["title"] for g in project.rule_groups for r in g.rules} == EXPECTED_RULES


def test_every_seed_rule_has_an_alert_test(project):
    import yaml

    tested = {expect["rule"] for path in sorted((project.root / "alerts" / "tests").glob("*.yaml"))
              for test in yaml.safe_load(path.read_text())["tests"] for expect in test["expect"]}
    assert {r["title"] for g in project.rule_groups for r in g.rules} - tested == set()


def test_no_rule_fires_on_missing_data(project):
    """Grafana-managed alerting has no inhibition: a rule whose query returns nothing must read OK,
    or an outage would page once per rule (DatasourceNoData) on top of the rule that names it."""
    for group in project.rule_groups:
        for rule in group.rules:
            assert rule["noDataState"] == "OK", rule["title"]


def test_seed_project_validates(project):
    assert validate_project(project) == []


def test_current_schema_version_and_no_server_managed_fields(project):
    for dashboard in project.dashboards:
        assert dashboard.model["schemaVersion"] == 42
        assert "id" not in dashboard.model and "version" not in dashboard.model
        assert "rows" not in dashboard.model


def test_every_panel_has_unit_and_description(project):
    for dashboard in project.dashboards:
        for panel in _panels(dashboard.model):
            if panel["type"] in ("row", "logs", "text"):
                continue
            assert panel.get("description"), (dashboard.uid, panel["title"])
            assert panel["fieldConfig"]["defaults"].get("unit"), (dashboard.uid, panel["title"])
        for panel in _panels(dashboard.model):
            if panel["type"] == "logs":
                assert panel.get("description"), (dashboard.uid, panel["title"])


def test_every_dashboard_rate_uses_grafana_interval_macros(project):
    for dashboard in project.dashboards:
        for panel in _panels(dashboard.model):
            for target in panel.get("targets", []):
                for window in re.findall(r"\b(?:rate|irate|increase)\(.*?\[([^\]]+)\]", target["expr"]):
                    kind = target["datasource"]["type"]
                    allowed = {"prometheus": {"$__rate_interval", "24h"}, "loki": {"$__auto"}}[kind]
                    if dashboard.uid == "slos":  # an SLO's windows are part of its definition (docs/slo.md)
                        allowed = {"5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"}
                    assert window in allowed, (dashboard.uid, panel["title"], target["expr"])


def test_every_dashboard_has_a_datasource_variable_used_by_its_queries(project):
    for dashboard in project.dashboards:
        variables = {v["name"]: v for v in dashboard.model["templating"]["list"]}
        datasource_vars = [v for v in variables.values() if v["type"] == "datasource"]
        assert datasource_vars, dashboard.uid
        for panel in _panels(dashboard.model):
            for target in panel.get("targets", []):
                assert target["datasource"]["uid"] == "${datasource}", (dashboard.uid, panel["title"])
        if dashboard.uid not in ("application-logs", "slos"):  # logs: Loki; SLOs: their selectors are fixed
            assert "job" in variables, dashboard.uid


def test_seed_queries_use_the_issue_metric_names(project):
    exprs = {d.uid: " ".join(t["expr"] for p in _panels(d.model) for t in p.get("targets", [])) for d in project.dashboards}
    assert 'rate(node_cpu_seconds_total{mode="idle"' in exprs["system-overview"]
    for name in ("node_memory_MemAvailable_bytes", "container_cpu_usage_seconds_total",
                 "container_memory_working_set_bytes", "probe_success"):
        assert name in exprs["system-overview"]
    assert "histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket" in exprs["api-performance"]
    for name in ("db_query_duration_seconds", "pg_stat_activity_count", "pg_settings_max_connections", "mongodb_up",
                 "mongodb_ss_connections", "mongodb_ss_opcounters", "rabbitmq_queue_messages_ready",
                 "rabbitmq_queue_consumers"):
        assert name in exprs["database-performance"]
    assert 'operation="hit"' in exprs["cache"] and 'operation="miss"' in exprs["cache"]
    assert 'operation="get"' not in exprs["cache"]  # the NestJS service records hit | miss | set
    for name in ("cache_operations_total", "redis_up", "redis_evicted_keys_total", "redis_keyspace_hits_total"):
        assert name in exprs["cache"]
    for name in ("trading_signals_total", "trading_orders_total", "trading_order_volume_total", "trading_pnl",
                 "trading_order_latency_seconds_bucket"):
        assert name in exprs["trading-performance"]
    for expr in ('{job="nestjs"} |= "error"', '{job="nestjs"} |~ "/api/posts/.*"',
                 '{job="nestjs"} | json | response_time_ms > 1000', 'sum by (level) (rate({job="nestjs"}'):
        assert expr in exprs["application-logs"]


def test_alert_rules_carry_severity_team_and_annotations(project):
    for group in project.rule_groups:
        assert group.interval and group.folder
        for rule in group.rules:
            expected = ("info",) if rule["title"] == "Watchdog" else ("critical", "warning")
            assert rule["labels"]["severity"] in expected, rule["title"]
            assert rule["labels"]["team"]
            assert {"summary", "description", "runbook_url"} <= set(rule["annotations"])
            assert rule["for"] and (rule["for"] != "0s" or rule["title"] == "Watchdog"), rule["title"]
            assert rule["condition"] in {q["refId"] for q in rule["data"]}


def test_high_response_time_aggregates_by_le(project):
    rule = next(r for g in project.rule_groups for r in g.rules if r["title"] == "HighResponseTime")
    assert "sum by (le" in rule["data"][0]["model"]["expr"]


def test_alert_queries_are_free_of_injected_noise(project):
    for group in project.rule_groups:
        for rule in group.rules:
            for query in rule["data"]:
                assert "intervalMs" not in query["model"] and "maxDataPoints" not in query["model"]
