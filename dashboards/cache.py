"""Cache: the API's cache effectiveness and the Redis server behind it."""
from dashboards._common import up_stat
from gdash import Dashboard, Row, datasource_var, prom, query_var, stat, timeseries

REDIS = 'job="redis", instance=~"$instance"'

dashboard = Dashboard(
    "Cache",
    uid="cache",
    folder="Backend",
    description="Hit ratio of the API's cache (cache_operations_total) and Redis health.",
    tags=["cache", "redis"],
    variables=[
        datasource_var("prometheus"),
        query_var("job", "label_values(cache_operations_total, job)"),
        query_var("instance", 'label_values(redis_up{job="redis"}, instance)'),
    ],
    rows=[
        Row(
            "Application cache",
            stat(
                "Hit ratio",
                prom('sum(rate(cache_operations_total{job=~"$job", operation="hit"}[$__rate_interval])) '
                     '/ (sum(rate(cache_operations_total{job=~"$job", operation="hit"}[$__rate_interval])) '
                     '+ sum(rate(cache_operations_total{job=~"$job", operation="miss"}[$__rate_interval])))'),
                unit="percentunit", decimals=1, thresholds=[(None, "red"), (0.7, "orange"), (0.9, "green")],
                description="Share of cache reads that found their key: hits / (hits + misses).",
            ),
            timeseries(
                "Cache operations/s",
                prom('sum by (operation, result) (rate(cache_operations_total{job=~"$job"}[$__rate_interval]))',
                     "{{operation}} {{result}}"),
                unit="ops", w=12,
                description="Cache operations per second by operation (hit, miss, set) and result (success, failure).",
            ),
            stat(
                "Cache failures/s",
                prom('sum(rate(cache_operations_total{job=~"$job", result="failure"}[$__rate_interval])) or vector(0)'),
                unit="ops", thresholds=[0.1], description="Cache operations that failed (Redis errors or timeouts).",
            ),
        ),
        Row(
            "Redis",
            up_stat("Redis up", f"min(redis_up{{{REDIS}}})", "1 when the redis exporter can reach Redis."),
            stat("Connected clients", prom(f"sum(redis_connected_clients{{{REDIS}}})"), unit="none",
                 description="Client connections open on Redis."),
            timeseries(
                "Memory used",
                prom(f"redis_memory_used_bytes{{{REDIS}}}", "used {{instance}}"),
                prom(f"redis_memory_max_bytes{{{REDIS}}} > 0", "max {{instance}}"),
                unit="bytes",
                description="Memory used by Redis against maxmemory (when one is set).",
            ),
            timeseries(
                "Commands/s",
                prom(f"sum by (instance) (rate(redis_commands_processed_total{{{REDIS}}}[$__rate_interval]))",
                     "{{instance}}"),
                unit="ops",
                description="Commands processed per second.",
            ),
            timeseries(
                "Keyspace hits and misses",
                prom(f"sum(rate(redis_keyspace_hits_total{{{REDIS}}}[$__rate_interval]))", "hits"),
                prom(f"sum(rate(redis_keyspace_misses_total{{{REDIS}}}[$__rate_interval]))", "misses"),
                unit="ops",
                description="Key lookups per second that found (hits) or missed (misses) their key.",
            ),
            timeseries(
                "Evictions/s",
                prom(f"sum(rate(redis_evicted_keys_total{{{REDIS}}}[$__rate_interval]))", "evicted"),
                unit="ops", thresholds=[1],
                description="Keys evicted per second because maxmemory was reached.",
            ),
        ),
    ],
)
