"""Service level objectives of the API and the trading platform (docs/slo.md).

Each SLO generates a page and a ticket burn-rate alert (``<Name>FastBurn``, ``<Name>SlowBurn``),
Prometheus recording rules (``gdash export prometheus``) and a row of the "Service Level
Objectives" dashboard.
"""
from gdash import SLO, prom

RUNBOOKS = "https://runbooks.example.com/slo"

slos = [
    SLO("api-availability", objective=0.999, window="30d",
        good=prom('http_requests_total{job="api", status!~"5.."}'),
        total=prom('http_requests_total{job="api"}'),
        description="API availability: requests answered without a 5xx status", team="backend",
        runbook_url=f"{RUNBOOKS}#api-availability"),
    # prom-client writes the 1 s bucket as le="1", other clients and Prometheus 3 as le="1.0"
    SLO("api-latency", objective=0.99, window="30d",
        good=prom('http_request_duration_seconds_bucket{job="api", le=~"1(\\\\.0)?"}'),
        total=prom('http_request_duration_seconds_count{job="api"}'),
        description="API latency: requests served within 1 second", team="backend",
        runbook_url=f"{RUNBOOKS}#api-latency"),
    # pending orders have no outcome yet: the ratio counts settled orders only
    SLO("trading-order-success", objective=0.95, window="30d",
        good=prom('trading_orders_total{status="success"}'),
        total=prom('trading_orders_total{status=~"success|failed"}'),
        description="Trading: settled orders that succeed", team="trading",
        runbook_url=f"{RUNBOOKS}#trading-order-success"),
]
