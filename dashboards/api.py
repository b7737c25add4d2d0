"""API Performance: the NestJS API's traffic, errors and latency."""
from gdash import Dashboard, Row, bargauge, datasource_var, link, prom, query_var, stat, table, timeseries

SELECTOR = 'job=~"$job", route=~"$route"'

dashboard = Dashboard(
    "API Performance",
    uid="api-performance",
    folder="Backend",
    description="Request rate, errors and latency of the NestJS API (http_requests_total, http_request_duration_seconds).",
    tags=["api", "nestjs"],
    variables=[
        datasource_var("prometheus"),
        query_var("job", "label_values(http_requests_total, job)"),
        query_var("instance", 'label_values(http_requests_total{job=~"$job"}, instance)'),
        query_var("route", 'label_values(http_requests_total{job=~"$job"}, route)'),
    ],
    links=[link("Application Logs", tags=["logs"])],
    rows=[
        Row(
            "Overview",
            stat(
                "Requests/s",
                prom(f'sum(rate(http_requests_total{{{SELECTOR}, instance=~"$instance"}}[$__rate_interval]))'),
                unit="reqps", description="All requests per second over the selected routes.",
            ),
            stat(
                "Error ratio (5xx)",
                prom(f'sum(rate(http_requests_total{{status=~"5..", {SELECTOR}}}[$__rate_interval])) '
                     f"/ sum(rate(http_requests_total{{{SELECTOR}}}[$__rate_interval]))"),
                unit="percentunit", decimals=2, thresholds=[0.01, 0.05],
                description="Share of requests answered with a 5xx status; the HighErrorRate alert fires above 5 %.",
            ),
            stat(
                "p95 latency",
                prom("histogram_quantile(0.95, sum by (le) "
                     f"(rate(http_request_duration_seconds_bucket{{{SELECTOR}}}[$__rate_interval])))"),
                unit="s", decimals=3, thresholds=[0.5, 1],
                description="95th percentile of request duration over all selected routes.",
            ),
            stat(
                "Routes serving traffic",
                prom(f"count(sum by (route) (rate(http_requests_total{{{SELECTOR}}}[$__rate_interval])) > 0)"),
                unit="none", graph=False, description="Routes that received at least one request in the window.",
            ),
        ),
        Row(
            "Traffic",
            timeseries(
                "Requests/s by route",
                prom(f"sum by (route) (rate(http_requests_total{{{SELECTOR}}}[$__rate_interval]))", "{{route}}"),
                unit="reqps", legend="table", legend_placement="right", legend_calcs=["mean", "max"],
                description="Request rate per route (http_requests_total{method,route,status}).",
            ),
            timeseries(
                "Status codes",
                prom(f"sum by (status) (rate(http_requests_total{{{SELECTOR}}}[$__rate_interval]))", "{{status}}"),
                unit="reqps", stack=True, fill=40,
                description="Requests per second broken down by HTTP status code.",
            ),
        ),
        Row(
            "Errors and latency",
            timeseries(
                "5xx error ratio",
                prom(f'sum by (route) (rate(http_requests_total{{status=~"5..", {SELECTOR}}}[$__rate_interval])) '
                     f"/ sum by (route) (rate(http_requests_total{{{SELECTOR}}}[$__rate_interval]))", "{{route}}"),
                unit="percentunit", min=0, thresholds=[0.05],
                description="Per-route share of requests that failed with a 5xx status.",
            ),
            timeseries(
                "Latency percentiles",
                *[
                    prom(f"histogram_quantile({q}, sum by (le) "
                         f"(rate(http_request_duration_seconds_bucket{{{SELECTOR}}}[$__rate_interval])))", f"p{int(q * 100)}")
                    for q in (0.5, 0.95, 0.99)
                ],
                unit="s", thresholds=[1],
                description="p50, p95 and p99 request duration from the http_request_duration_seconds histogram.",
            ),
            timeseries(
                "p95 latency by route",
                prom("histogram_quantile(0.95, sum by (le, route) "
                     f"(rate(http_request_duration_seconds_bucket{{{SELECTOR}}}[$__rate_interval])))", "{{route}}"),
                unit="s", w=24,
                description="95th percentile request duration per route.",
            ),
        ),
        Row(
            "Slowest routes",
            table(
                "Slowest routes (p95)",
                prom("topk(10, histogram_quantile(0.95, sum by (le, route, method) "
                     f"(rate(http_request_duration_seconds_bucket{{{SELECTOR}}}[$__rate_interval]))))",
                     instant=True, format="table"),
                unit="s", decimals=3, sort_by="Value", w=16,
                transformations=[{"id": "organize", "options": {"excludeByName": {"Time": True},
                                                               "renameByName": {"Value": "p95"}}}],
                description="The ten routes with the highest 95th percentile latency right now.",
            ),
            bargauge(
                "Busiest routes",
                prom(f"topk(10, sum by (route) (rate(http_requests_total{{{SELECTOR}}}[$__rate_interval])))",
                     "{{route}}", instant=True),
                unit="reqps", w=8,
                description="The ten routes with the most requests per second right now.",
            ),
        ),
    ],
)
