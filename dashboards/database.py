"""Database Performance: the API's queries, PostgreSQL, MongoDB and the RabbitMQ queues."""
from dashboards._common import up_stat
from gdash import Dashboard, Row, datasource_var, gauge, prom, query_var, table, timeseries

QUERY = 'job=~"$job", instance=~"$instance", collection=~"$collection"'

dashboard = Dashboard(
    "Database Performance",
    uid="database-performance",
    folder="Backend",
    description="Query latency and rate seen by the API (db_query_duration_seconds), PostgreSQL, MongoDB and RabbitMQ.",
    tags=["database", "postgresql", "mongodb", "rabbitmq"],
    variables=[
        datasource_var("prometheus"),
        query_var("job", "label_values(db_query_duration_seconds_count, job)"),
        query_var("instance", 'label_values(db_query_duration_seconds_count{job=~"$job"}, instance)'),
        query_var("collection", 'label_values(db_query_duration_seconds_count{job=~"$job"}, collection)'),
    ],
    rows=[
        Row(
            "Queries from the API",
            timeseries(
                "Query p95 by operation",
                prom("histogram_quantile(0.95, sum by (le, operation) "
                     f"(rate(db_query_duration_seconds_bucket{{{QUERY}}}[$__rate_interval])))", "{{operation}}"),
                unit="s", thresholds=[0.5],
                description="95th percentile duration of database queries issued by the API, per operation.",
            ),
            timeseries(
                "Queries/s by collection",
                prom(f"sum by (collection, operation) (rate(db_query_duration_seconds_count{{{QUERY}}}[$__rate_interval]))",
                     "{{collection}} {{operation}}"),
                unit="ops",
                description="Database queries per second, per collection and operation.",
            ),
        ),
        Row(
            "PostgreSQL",
            up_stat("PostgreSQL up", 'min(pg_up{job="postgresql"})',
                    "1 when the postgres exporter can reach the database."),
            gauge(
                "Connections used",
                prom('sum(pg_stat_activity_count{job="postgresql"}) / max(pg_settings_max_connections{job="postgresql"}) * 100'),
                unit="percent", thresholds=[70, 80],
                description="Open connections as a share of max_connections; the saturation alert fires above 80 %.",
            ),
            timeseries(
                "Connections vs max",
                prom('sum by (state) (pg_stat_activity_count{job="postgresql"})', "{{state}}"),
                prom('max(pg_settings_max_connections{job="postgresql"})', "max_connections"),
                unit="short",
                description="Connections by state against the configured max_connections.",
            ),
            timeseries(
                "Transactions/s",
                prom('sum by (datname) (rate(pg_stat_database_xact_commit{job="postgresql"}[$__rate_interval]))',
                     "{{datname}} commit"),
                prom('sum by (datname) (rate(pg_stat_database_xact_rollback{job="postgresql"}[$__rate_interval]))',
                     "{{datname}} rollback"),
                unit="ops",
                description="Committed and rolled-back transactions per second per database.",
            ),
            timeseries(
                "Cache hit ratio",
                prom('sum by (datname) (rate(pg_stat_database_blks_hit{job="postgresql"}[$__rate_interval])) / '
                     '(sum by (datname) (rate(pg_stat_database_blks_hit{job="postgresql"}[$__rate_interval])) + '
                     'sum by (datname) (rate(pg_stat_database_blks_read{job="postgresql"}[$__rate_interval])))',
                     "{{datname}}"),
                unit="percentunit", min=0, max=1,
                description="Share of block reads served from shared buffers; below 0.99 usually means too little memory.",
            ),
        ),
        Row(
            "MongoDB",
            up_stat("MongoDB up", 'min(mongodb_up{job="mongodb"})',
                    "1 when the mongodb exporter can reach the database."),
            timeseries(
                "MongoDB connections",
                prom('sum by (conn_type) (mongodb_ss_connections{job="mongodb", conn_type=~"current|available"})',
                     "{{conn_type}}"),
                unit="short", w=9,
                description="Current and available connections (serverStatus.connections; percona mongodb_exporter "
                            "mongodb_ss_connections{conn_type}).",
            ),
            timeseries(
                "MongoDB operations/s",
                prom('sum by (legacy_op_type) (rate(mongodb_ss_opcounters{job="mongodb"}[$__rate_interval]))',
                     "{{legacy_op_type}}"),
                unit="ops", w=9,
                description="Operations per second by type (insert, query, update, delete, getmore, command; "
                            "serverStatus.opcounters as mongodb_ss_opcounters{legacy_op_type}).",
            ),
        ),
        Row(
            "RabbitMQ queues",
            timeseries(
                "Messages ready",
                prom('sum by (vhost, queue) (rabbitmq_queue_messages_ready{job="rabbitmq"})', "{{vhost}} {{queue}}"),
                unit="short",
                description="Messages waiting to be delivered, per queue; steady growth means consumers fall behind. "
                            "Per-queue series come from the rabbitmq_prometheus plugin's /metrics/per-object endpoint.",
            ),
            timeseries(
                "Unacknowledged messages",
                prom('sum by (vhost, queue) (rabbitmq_queue_messages_unacked{job="rabbitmq"})', "{{vhost}} {{queue}}"),
                unit="short",
                description="Messages delivered to consumers and not yet acknowledged, per queue.",
            ),
            table(
                "Consumers per queue",
                prom('sum by (vhost, queue) (rabbitmq_queue_consumers{job="rabbitmq"})', instant=True, format="table"),
                unit="none", w=12, thresholds=[(None, "red"), (1, "green")],
                description="Consumers attached to each queue; a queue with none is not being processed.",
            ),
            timeseries(
                "Published / delivered per second",
                prom('sum(rate(rabbitmq_global_messages_received_total{job="rabbitmq"}[$__rate_interval]))', "published"),
                prom('sum(rate(rabbitmq_global_messages_delivered_total{job="rabbitmq"}[$__rate_interval]))', "delivered"),
                unit="ops", w=12,
                description="Messages published to and delivered by the broker per second (rabbitmq_global_* counters).",
            ),
        ),
    ],
)
