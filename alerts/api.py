"""Alerts on the NestJS API: errors, latency, availability."""
from gdash import AlertGroup, alert_rule

RUNBOOKS = "https://runbooks.example.com/api"

group = AlertGroup(
    "api",
    alert_rule(
        "HighErrorRate",
        'sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))',
        op="gt", threshold=0.05, for_="5m", severity="critical", team="backend",
        summary="High 5xx error ratio on {{ $labels.job }}",
        description="{{ $labels.job }} answers {{ humanizePercentage $values.B.Value }} of requests with 5xx (threshold 5 %).",
        runbook_url=f"{RUNBOOKS}#high-error-rate",
    ),
    alert_rule(
        "HighResponseTime",
        "histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))",
        op="gt", threshold=1, for_="5m", severity="warning", team="backend",
        summary="p95 latency above 1 s on {{ $labels.job }}",
        description="95th percentile request duration of {{ $labels.job }} is {{ $values.B.Value }} s.",
        runbook_url=f"{RUNBOOKS}#high-response-time",
    ),
    alert_rule(
        "ServiceDown",
        "up",
        op="eq", threshold=0, for_="1m", severity="critical", team="platform",
        summary="{{ $labels.job }} on {{ $labels.instance }} is down",
        description="Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}).",
        runbook_url=f"{RUNBOOKS}#service-down",
    ),
    folder="Backend alerts",
    interval="1m",
)
