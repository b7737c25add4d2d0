"""Alerts on hosts, databases and caches."""
from gdash import AlertGroup, alert_rule

RUNBOOKS = "https://runbooks.example.com/infrastructure"

groups = [
    AlertGroup(
        "hosts",
        alert_rule(
            "HighCPUUsage",
            '100 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100',
            op="gt", threshold=80, for_="5m", severity="warning", team="platform",
            summary="CPU above 80 % on {{ $labels.instance }}",
            description="{{ $labels.instance }} has used {{ $values.B.Value }} % CPU for 5 minutes.",
            runbook_url=f"{RUNBOOKS}#high-cpu-usage",
        ),
        alert_rule(
            "HighMemoryUsage",
            "(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100",
            op="gt", threshold=85, for_="5m", severity="warning", team="platform",
            summary="Memory above 85 % on {{ $labels.instance }}",
            description="{{ $labels.instance }} has used {{ $values.B.Value }} % of its memory for 5 minutes.",
            runbook_url=f"{RUNBOOKS}#high-memory-usage",
        ),
        folder="Infrastructure alerts",
    ),
    AlertGroup(
        "databases",
        alert_rule(
            "DatabaseConnectionFailure",
            'up{job="postgresql"}',
            op="eq", threshold=0, for_="1m", severity="critical", team="backend",
            summary="PostgreSQL exporter on {{ $labels.instance }} is down",
            description="The postgres exporter at {{ $labels.instance }} cannot be scraped: the database may be unreachable.",
            runbook_url=f"{RUNBOOKS}#database-connection-failure",
        ),
        alert_rule(
            "DbConnectionSaturation",
            'sum by (instance) (pg_stat_activity_count{job="postgresql"}) '
            '/ max by (instance) (pg_settings_max_connections{job="postgresql"})',
            op="gt", threshold=0.8, for_="5m", severity="warning", team="backend",
            summary="PostgreSQL connections above 80 % of max on {{ $labels.instance }}",
            description="{{ $labels.instance }} uses {{ humanizePercentage $values.B.Value }} of max_connections.",
            runbook_url=f"{RUNBOOKS}#db-connection-saturation",
        ),
        alert_rule(
            "RedisDown",
            'redis_up{job="redis"}',
            op="eq", threshold=0, for_="1m", severity="critical", team="backend",
            summary="Redis on {{ $labels.instance }} is down",
            description="The redis exporter reports Redis at {{ $labels.instance }} as unreachable.",
            runbook_url=f"{RUNBOOKS}#redis-down",
        ),
        folder="Infrastructure alerts",
    ),
]
