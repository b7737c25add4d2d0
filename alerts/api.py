"""Alerts on the NestJS API: errors, latency, availability.

Paging once per outage: ServiceDown is the page for an API that cannot be
scraped; the ratio alerts read OK when their query returns nothing (an API that is down has no
request rates), so Grafana does not add a DatasourceNoData page of its own; HighErrorRate stays
quiet while a database the API depends on is down (the database's own alert is the page).
"""
from gdash import AlertGroup, alert_rule

RUNBOOKS = "https://runbooks.example.com/api"
# Any database the API depends on reported down by its exporter: that alert pages, not the 5xx ratio.
DATABASE_DOWN = ('min(pg_up{job="postgresql"}) == 0 or min(mongodb_up{job="mongodb"}) == 0 '
                 'or min(redis_up{job="redis"}) == 0')

group = AlertGroup(
    "api",
    alert_rule(
        "HighErrorRate",
        f'(sum by (job) (rate(http_requests_total{{job="api", status=~"5.."}}[5m])) '
        f'/ sum by (job) (rate(http_requests_total{{job="api"}}[5m]))) unless on() ({DATABASE_DOWN})',
        op="gt", threshold=0.05, for_="5m", severity="critical", team="backend", no_data="OK",
        summary="High 5xx error ratio on {{ $labels.job }}",
        description="{{ $labels.job }} answers {{ humanizePercentage $values.B.Value }} of requests with 5xx (threshold 5 %).",
        runbook_url=f"{RUNBOOKS}#high-error-rate",
    ),
    alert_rule(
        "HighResponseTime",
        'histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))',
        op="gt", threshold=1, for_="5m", severity="warning", team="backend", no_data="OK",
        summary="p95 latency above 1 s on {{ $labels.job }}",
        description="95th percentile request duration of {{ $labels.job }} is {{ $values.B.Value }} s.",
        runbook_url=f"{RUNBOOKS}#high-response-time",
    ),
    alert_rule(
        "ServiceDown",
        'up{job="api"}',
        op="eq", threshold=0, for_="1m", severity="critical", team="platform", no_data="OK",
        summary="{{ $labels.job }} on {{ $labels.instance }} is down",
        description="Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}).",
        runbook_url=f"{RUNBOOKS}#service-down",
    ),
    folder="Backend alerts",
    interval="1m",
)
