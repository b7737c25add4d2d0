"""An example dashboard: edit it, then run `gdash build` and `gdash lint`."""

from gdash import Dashboard, Row, datasource_var, prom, query_var, stat, timeseries

dashboard = Dashboard(
    "Example service",
    uid="example-service",  # stable identity, at most 40 of [A-Za-z0-9_-]
    folder="Examples",
    description="Scrape health of the selected jobs and instances.",
    tags=["example"],
    variables=[
        datasource_var("prometheus"),
        query_var("job", "label_values(up, job)"),
        query_var("instance", 'label_values(up{job=~"$job"}, instance)'),
    ],
    rows=[
        Row(
            "Overview",
            stat(
                "Targets up",
                prom('sum(up{job=~"$job", instance=~"$instance"})'),
                unit="short",
                description="Scrape targets of the selected jobs that answer.",
            ),
            timeseries(
                "Scrape duration",
                prom('max by (job) (scrape_duration_seconds{job=~"$job", instance=~"$instance"})', "{{job}}"),
                unit="s",
                description="Slowest scrape per job.",
            ),
        ),
    ],
)
