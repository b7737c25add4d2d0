"""Alerts on hosts, containers, databases, exporters and endpoints.

One page per outage: a database that is down pages through its own exporter's
`*_up` metric (PostgresDown, MongoDBDown, RedisDown: critical); an exporter that cannot be scraped
is ExporterDown (warning, it hides no outage of its own); a failing blackbox probe is a warning
because ServiceDown already pages for the API. Watchdog always fires: it is the dead man's switch
that an external service expects to hear from; give it a route of its own to that service
(docs/notifications.md, "Paging once per outage"). With Alertmanager, alerts/notifications.py's
inhibition rules keep one outage to one page on top of this rule design.
"""
from gdash import AlertGroup, alert_rule

RUNBOOKS = "https://runbooks.example.com/infrastructure"
EXPORTER_JOBS = "node|cadvisor|postgresql|mongodb|redis|rabbitmq|blackbox"
FILESYSTEMS = 'fstype!~"tmpfs|overlay"'


def _down(title: str, expr: str, what: str, anchor: str):
    return alert_rule(
        title, expr, op="eq", threshold=0, for_="1m", severity="critical", team="backend", no_data="OK",
        summary=f"{what} on {{{{ $labels.instance }}}} is down",
        description=f"The exporter at {{{{ $labels.instance }}}} is up but cannot reach {what}.",
        runbook_url=f"{RUNBOOKS}#{anchor}",
    )


groups = [
    AlertGroup(
        "hosts",
        alert_rule(
            "DiskAlmostFull",
            f"(1 - node_filesystem_avail_bytes{{{FILESYSTEMS}}} / node_filesystem_size_bytes{{{FILESYSTEMS}}}) * 100",
            op="gt", threshold=90, for_="15m", severity="warning", team="platform", no_data="OK",
            summary="{{ $labels.mountpoint }} on {{ $labels.instance }} is over 90 % full",
            description="{{ $labels.mountpoint }} on {{ $labels.instance }} is {{ $values.B.Value }} % full.",
            runbook_url=f"{RUNBOOKS}#disk-almost-full",
        ),
        alert_rule(
            "DiskWillFillIn4Hours",
            f"predict_linear(node_filesystem_avail_bytes{{{FILESYSTEMS}}}[6h], 4 * 3600)",
            op="lt", threshold=0, for_="30m", severity="critical", team="platform", no_data="OK",
            summary="{{ $labels.mountpoint }} on {{ $labels.instance }} fills up within 4 hours",
            description="At the rate of the last 6 hours, {{ $labels.mountpoint }} on {{ $labels.instance }} "
                        "runs out of space within 4 hours.",
            runbook_url=f"{RUNBOOKS}#disk-will-fill",
        ),
        alert_rule(
            "HighCPUUsage",
            '100 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100',
            op="gt", threshold=80, for_="5m", severity="warning", team="platform", no_data="OK",
            summary="CPU above 80 % on {{ $labels.instance }}",
            description="{{ $labels.instance }} has used {{ $values.B.Value }} % CPU for 5 minutes.",
            runbook_url=f"{RUNBOOKS}#high-cpu-usage",
        ),
        alert_rule(
            "HighMemoryUsage",
            "(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100",
            op="gt", threshold=85, for_="5m", severity="warning", team="platform", no_data="OK",
            summary="Memory above 85 % on {{ $labels.instance }}",
            description="{{ $labels.instance }} has used {{ $values.B.Value }} % of its memory for 5 minutes.",
            runbook_url=f"{RUNBOOKS}#high-memory-usage",
        ),
        folder="Infrastructure alerts",
    ),
    AlertGroup(
        "containers",
        alert_rule(
            "ContainerHighCPU",
            'sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[5m])) '
            '/ (max by (name) (container_spec_cpu_quota{name!=""}) / max by (name) (container_spec_cpu_period{name!=""}))',
            op="gt", threshold=0.9, for_="10m", severity="warning", team="platform", no_data="OK",
            summary="Container {{ $labels.name }} uses over 90 % of its CPU limit",
            description="{{ $labels.name }} has used {{ humanizePercentage $values.B.Value }} of its CPU quota for 10 minutes.",
            runbook_url=f"{RUNBOOKS}#container-high-cpu",
        ),
        alert_rule(
            "ContainerHighMemory",
            'max by (name) (container_memory_working_set_bytes{name!=""}) '
            '/ max by (name) (container_spec_memory_limit_bytes{name!=""} > 0)',
            op="gt", threshold=0.9, for_="5m", severity="warning", team="platform", no_data="OK",
            summary="Container {{ $labels.name }} uses over 90 % of its memory limit",
            description="{{ $labels.name }}'s working set is {{ humanizePercentage $values.B.Value }} of its memory limit.",
            runbook_url=f"{RUNBOOKS}#container-high-memory",
        ),
        folder="Infrastructure alerts",
    ),
    AlertGroup(
        "databases",
        alert_rule(
            "DbConnectionSaturation",
            'sum by (instance) (pg_stat_activity_count{job="postgresql"}) '
            '/ max by (instance) (pg_settings_max_connections{job="postgresql"})',
            op="gt", threshold=0.8, for_="5m", severity="warning", team="backend", no_data="OK",
            summary="PostgreSQL connections above 80 % of max on {{ $labels.instance }}",
            description="{{ $labels.instance }} uses {{ humanizePercentage $values.B.Value }} of max_connections.",
            runbook_url=f"{RUNBOOKS}#db-connection-saturation",
        ),
        _down("MongoDBDown", 'mongodb_up{job="mongodb"}', "MongoDB", "mongodb-down"),
        _down("PostgresDown", 'pg_up{job="postgresql"}', "PostgreSQL", "postgres-down"),
        _down("RedisDown", 'redis_up{job="redis"}', "Redis", "redis-down"),
        folder="Infrastructure alerts",
    ),
    AlertGroup(
        "monitoring",
        alert_rule(
            "ExporterDown",
            f'up{{job=~"{EXPORTER_JOBS}"}}',
            op="eq", threshold=0, for_="5m", severity="warning", team="platform", no_data="OK",
            summary="Exporter {{ $labels.job }} on {{ $labels.instance }} cannot be scraped",
            description="Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}); "
                        "the metrics it exports are missing, the service behind it may be fine.",
            runbook_url=f"{RUNBOOKS}#exporter-down",
        ),
        alert_rule(
            "ProbeFailed",
            'probe_success{job="blackbox"}',
            op="eq", threshold=0, for_="2m", severity="warning", team="platform", no_data="OK",
            summary="Probe of {{ $labels.instance }} fails",
            description="The blackbox exporter cannot reach {{ $labels.instance }} for 2 minutes.",
            runbook_url=f"{RUNBOOKS}#probe-failed",
        ),
        alert_rule(  # gdash: ignore[ALR003]  (the heartbeat fires at once by design)
            "Watchdog",
            "vector(1)",
            op="eq", threshold=1, for_="0s", severity="info", team="platform", no_data="OK", exec_error="OK",
            summary="Alerting pipeline heartbeat",
            description="Always firing while Prometheus, rule evaluation and notification delivery work; the "
                        "dead man's switch service pages when these notifications stop.",
            runbook_url=f"{RUNBOOKS}#watchdog",
        ),
        folder="Infrastructure alerts",
        interval="1m",
    ),
]
