"""Application Logs: the NestJS API's logs in Loki."""
from gdash import Dashboard, Row, datasource_var, logs, loki, timeseries

dashboard = Dashboard(
    "Application Logs",
    uid="application-logs",
    folder="Backend",
    description='Errors, slow requests and log volume of the NestJS API ({job="nestjs"} in Loki).',
    tags=["logs", "nestjs", "loki"],
    variables=[datasource_var("loki")],
    time=("now-1h", "now"),
    rows=[
        Row(
            "Volume",
            timeseries(
                "Log lines/s by level",
                loki('sum by (level) (rate({job="nestjs"}[$__auto]))', "{{level}}"),
                unit="short", stack=True, fill=40, w=24,
                description="Log lines per second per level; a jump in error lines is the first thing to check.",
            ),
        ),
        Row(
            "Errors",
            logs("Error lines", loki('{job="nestjs"} |= "error"'),
                 description='Log lines containing "error".'),
        ),
        Row(
            "Requests",
            logs("Posts API requests", loki('{job="nestjs"} |~ "/api/posts/.*"'), w=12,
                 description="Requests to the posts API (/api/posts/...)."),
            logs("Slow requests (> 1 s)", loki('{job="nestjs"} | json | response_time_ms > 1000'), w=12,
                 description="Requests whose JSON log line reports response_time_ms above 1000."),
        ),
    ],
)
