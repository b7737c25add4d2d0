"""Hand-written dashboard and rule-group dicts in Grafana's JSON shape, for engine tests."""
from __future__ import annotations

import copy
from typing import Any


def panel(title: str, x: int, y: int, w: int = 12, h: int = 8, expr: str = "up", type: str = "timeseries", pid: int = 0) -> dict[str, Any]:
    return {
        "id": pid,
        "title": title,
        "type": type,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "fieldConfig": {"defaults": {"unit": "s"}, "overrides": []},
        "targets": [{"refId": "A", "expr": expr, "legendFormat": "{{instance}}"}],
    }


def row(title: str, y: int, pid: int = 0) -> dict[str, Any]:
    return {"id": pid, "title": title, "type": "row", "collapsed": False, "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}, "panels": []}


def api_dashboard() -> dict[str, Any]:
    """Two rows: Latency (two panels side by side, one below) and Errors (one panel)."""
    return {
        "id": 7,
        "uid": "api",
        "title": "API",
        "version": 3,
        "schemaVersion": 39,
        "tags": ["api"],
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
        "panels": [
            row("Latency", 0, pid=1),
            panel("P95 latency", 0, 1, expr='histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))', pid=2),
            panel("P50 latency", 12, 1, expr='histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))', pid=3),
            panel("Request rate", 0, 9, expr='sum(rate(http_requests_total{job="api"}[5m]))', pid=4),
            row("Errors", 17, pid=5),
            panel("Error ratio", 0, 18, expr='sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))', pid=6),
        ],
    }


def find(model: dict[str, Any], title: str) -> dict[str, Any]:
    return next(p for p in model["panels"] if p["title"] == title)


def clone(model: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(model)


def rule_group() -> dict[str, Any]:
    return {
        "orgId": 1,
        "name": "api",
        "folder": "Services",
        "interval": "1m",
        "rules": [
            {
                "uid": "high-error-rate",
                "title": "HighErrorRate",
                "condition": "C",
                "for": "5m",
                "labels": {"severity": "critical"},
                "annotations": {"summary": "Error rate above 5%"},
                "noDataState": "NoData",
                "execErrState": "Error",
                "data": [
                    {"refId": "A", "datasourceUid": "gdash:prometheus", "relativeTimeRange": {"from": 600, "to": 0},
                     "model": {"refId": "A", "expr": 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))'}},
                    {"refId": "B", "datasourceUid": "__expr__", "model": {"refId": "B", "type": "reduce", "expression": "A", "reducer": "last"}},
                    {"refId": "C", "datasourceUid": "__expr__",
                     "model": {"refId": "C", "type": "threshold", "expression": "B", "conditions": [{"evaluator": {"type": "gt", "params": [0.05]}}]}},
                ],
            },
            {
                "uid": "high-latency",
                "title": "HighResponseTime",
                "condition": "C",
                "for": "10m",
                "labels": {"severity": "warning"},
                "data": [
                    {"refId": "A", "datasourceUid": "gdash:prometheus", "model": {"refId": "A", "expr": "histogram_quantile(0.95, x)"}},
                    {"refId": "C", "datasourceUid": "__expr__",
                     "model": {"refId": "C", "type": "threshold", "expression": "A", "conditions": [{"evaluator": {"type": "gt", "params": [1]}}]}},
                ],
            },
        ],
    }
