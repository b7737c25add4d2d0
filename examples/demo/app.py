"""A demo service that makes every seed dashboard panel and alert expression show data.

    pip install 'gdash-grafana[demo]'          # prometheus_client
    python examples/demo/app.py --port 8080 --log-file /tmp/nestjs.log

It simulates the NestJS API of the seed project (HTTP traffic, cache, database queries, trading)
and serves its metrics on ``/metrics`` under the names and labels the real instrumentation uses
(docs/metrics.md is the contract). So that one process can stand in for the whole stack, it also
synthesises the exporters' metrics under their real names, each on its own path, to be scraped as
its own job:

    /metrics                      job api         the NestJS service itself
    /exporters/node/metrics       job node        node_exporter
    /exporters/cadvisor/metrics   job cadvisor    cAdvisor
    /exporters/postgresql/metrics job postgresql  postgres_exporter
    /exporters/mongodb/metrics    job mongodb     Percona mongodb_exporter
    /exporters/redis/metrics      job redis       redis_exporter
    /exporters/rabbitmq/metrics   job rabbitmq    RabbitMQ's rabbitmq_prometheus plugin (per-object)
    /probe?target=URL             job blackbox    blackbox_exporter (module http_2xx)

``--log-file`` writes one JSON line per request in the NestJS logger's shape (``level``,
``timestamp``, ``context``, ``message``, ``method``, ``url``, ``statusCode``, ``response_time_ms``),
which the example Promtail pipeline parses into the ``level`` label of job ``nestjs``.
Traffic is pseudo-random but reproducible (``--seed``); the numbers stay in healthy ranges (inside
every SLO's budget once a few minutes of traffic have been seen), while every query returns series.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, urlsplit

try:
    import prometheus_client as pc
except ImportError:  # pragma: no cover - exercised by hand
    sys.exit("examples/demo/app.py needs prometheus_client: pip install 'gdash-grafana[demo]'")

pc.disable_created_metrics()  # the *_created series are noise for these dashboards

ROUTES = [  # (method, route, share of traffic, median seconds)
    ("GET", "/api/posts", 0.30, 0.040),
    ("GET", "/api/posts/:id", 0.25, 0.025),
    ("POST", "/api/posts", 0.05, 0.090),
    ("GET", "/api/users/:id", 0.15, 0.030),
    ("POST", "/api/auth/login", 0.05, 0.180),
    ("POST", "/api/orders", 0.10, 0.120),
    ("GET", "/health", 0.10, 0.002),
]
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
DB_OPERATIONS = ("find", "findOne", "insert", "update", "delete", "aggregate")
COLLECTIONS = ("posts", "users", "orders", "sessions")
STRATEGIES = ("momentum", "mean_reversion", "arbitrage")
CONTAINERS = {  # name -> (image, CPU cores limit or None, memory limit bytes or None, typical cores, working set)
    "api": ("example/nestjs-api:1.4.2", 2.0, 1 << 30, 0.35, 310 << 20),
    "postgres": ("postgres:16", None, 2 << 30, 0.20, 520 << 20),
    "mongodb": ("mongo:7.0", 1.0, None, 0.10, 420 << 20),
    "redis": ("redis:7.2", 0.5, 512 << 20, 0.05, 48 << 20),
    "rabbitmq": ("rabbitmq:3.13-management", 1.0, 1 << 30, 0.08, 180 << 20),
}
QUEUES = ("orders", "notifications", "trading.signals")
DATABASES = ("app", "postgres")


def _container_id(name: str) -> str:
    return f"/docker/{zlib.crc32(name.encode()):08x}{zlib.crc32(name[::-1].encode()):08x}"


class Demo:
    """All metrics of the demo, in one registry per scrape job, advanced by :meth:`step`."""

    def __init__(self, seed: int = 7, log: TextIO | None = None):
        self.random = random.Random(seed)
        self.log = log
        self.registries = {job: pc.CollectorRegistry(auto_describe=True) for job in
                           ("api", "node", "cadvisor", "postgresql", "mongodb", "redis", "rabbitmq", "blackbox")}
        self._lock = threading.Lock()
        self._app_metrics()
        self._prime()
        self._exporter_metrics()
        self._disk_used = 0.46
        self.step(1.0)

    # --- metric declarations ---------------------------------------------------------------------
    def _app_metrics(self) -> None:
        r = self.registries["api"]
        self.http_requests = pc.Counter("http_requests_total", "HTTP requests handled.", ["method", "route", "status"], registry=r)
        self.http_duration = pc.Histogram("http_request_duration_seconds", "HTTP request duration in seconds.",
                                          ["method", "route", "status"], buckets=HTTP_BUCKETS, registry=r)
        self.cache_ops = pc.Counter("cache_operations_total", "Cache operations.", ["operation", "result"], registry=r)
        self.db_duration = pc.Histogram("db_query_duration_seconds", "Database query duration in seconds.",
                                        ["operation", "collection"],
                                        buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5), registry=r)
        self.signals = pc.Counter("trading_signals_total", "Trading signals emitted.", ["strategy", "side"], registry=r)
        self.orders = pc.Counter("trading_orders_total", "Orders placed.", ["strategy", "status"], registry=r)
        self.volume = pc.Counter("trading_order_volume_total", "Traded notional in USD.", ["strategy", "side"], registry=r)
        self.pnl = pc.Gauge("trading_pnl", "Profit and loss in USD.", ["strategy"], registry=r)
        self.order_latency = pc.Histogram("trading_order_latency_seconds", "Signal to order acknowledgement.",
                                          ["strategy"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5), registry=r)

    def _prime(self) -> None:
        """Create the rare series (5xx answers, cache failures, failed orders) at 0, as a service that has counted none yet
        would after its first one: a panel over them shows 0 instead of nothing."""
        for method, route, _, _ in ROUTES:
            for status in ("500", "503"):
                self.http_requests.labels(method, route, status)
        for operation in ("hit", "miss", "set"):
            self.cache_ops.labels(operation, "failure")
        for strategy in STRATEGIES:
            for status in ("failed", "pending"):
                self.orders.labels(strategy, status)

    def _exporter_metrics(self) -> None:
        node = self.registries["node"]
        self.node_cpu = pc.Counter("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", ["cpu", "mode"], registry=node)
        self.node_mem_total = pc.Gauge("node_memory_MemTotal_bytes", "Memory information field MemTotal_bytes.", registry=node)
        self.node_mem_available = pc.Gauge("node_memory_MemAvailable_bytes", "Memory information field MemAvailable_bytes.", registry=node)
        self.node_load = {n: pc.Gauge(f"node_load{n}", f"{n}m load average.", registry=node) for n in (1, 5, 15)}
        fs_labels = ["device", "fstype", "mountpoint"]
        self.fs_avail = pc.Gauge("node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.", fs_labels, registry=node)
        self.fs_size = pc.Gauge("node_filesystem_size_bytes", "Filesystem size in bytes.", fs_labels, registry=node)
        self.disk_read = pc.Counter("node_disk_read_bytes_total", "The total number of bytes read successfully.", ["device"], registry=node)
        self.disk_written = pc.Counter("node_disk_written_bytes_total", "The total number of bytes written successfully.", ["device"], registry=node)
        self.net = {name: pc.Counter(f"node_network_{name}_total", f"Network device statistic {name}.", ["device"], registry=node)
                    for name in ("receive_bytes", "transmit_bytes", "receive_errs", "transmit_errs")}
        uname = pc.Gauge("node_uname_info", "Labeled system information as provided by the uname system call.",
                         ["domainname", "machine", "nodename", "release", "sysname", "version"], registry=node)
        uname.labels("(none)", "x86_64", "demo-host", "6.1.0-demo", "Linux", "#1 SMP Debian").set(1)
        self.node_mem_total.set(16 << 30)
        for device, fstype, mountpoint, size in (("/dev/sda1", "ext4", "/", 100 << 30), ("/dev/sdb1", "xfs", "/var/lib/data", 500 << 30),
                                                 ("tmpfs", "tmpfs", "/run", 1 << 30)):
            self.fs_size.labels(device, fstype, mountpoint).set(size)

        cadvisor = self.registries["cadvisor"]
        container = ["id", "image", "name"]
        self.container_cpu = pc.Counter("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.",
                                        container + ["cpu"], registry=cadvisor)
        self.container_memory = pc.Gauge("container_memory_working_set_bytes", "Current working set in bytes.", container, registry=cadvisor)
        quota = pc.Gauge("container_spec_cpu_quota", "CPU quota of the container.", container, registry=cadvisor)
        period = pc.Gauge("container_spec_cpu_period", "CPU period of the container.", container, registry=cadvisor)
        memory_limit = pc.Gauge("container_spec_memory_limit_bytes", "Memory limit for the container.", container, registry=cadvisor)
        for name, (image, cores, limit, _, _) in CONTAINERS.items():
            ident = (_container_id(name), image, name)
            if cores is not None:  # cAdvisor exports quota/period only for containers with a CPU limit
                period.labels(*ident).set(100000)
                quota.labels(*ident).set(int(cores * 100000))
            memory_limit.labels(*ident).set(limit or 0)  # 0: no limit, as cAdvisor reports it

        pg = self.registries["postgresql"]
        pc.Gauge("pg_up", "Whether the last scrape of metrics from PostgreSQL was able to connect to the server (1 for yes, 0 for no).",
                 registry=pg).set(1)
        self.pg_activity = pc.Gauge("pg_stat_activity_count", "number of connections in this state",
                                    ["datname", "state", "usename", "application_name", "backend_type",
                                     "wait_event_type", "wait_event"], registry=pg)
        pc.Gauge("pg_settings_max_connections", "Server Parameter: max_connections", registry=pg).set(100)
        # postgres_exporter's pg_stat_database counters carry no _total suffix, which prometheus_client
        # cannot express: they are rendered by hand (see exposition)
        self.pg_db: dict[str, dict[tuple[str, str], float]] = {
            column: {} for column in ("xact_commit", "xact_rollback", "blks_hit", "blks_read")}

        mongo = self.registries["mongodb"]
        pc.Gauge("mongodb_up", "Whether MongoDB is up.", registry=mongo).set(1)
        self.mongo_connections = pc.Gauge("mongodb_ss_connections", "serverStatus.connections", ["conn_type"], registry=mongo)
        # the exporter writes serverStatus fields as untyped series (rendered by hand in exposition);
        # opcounters are cumulative
        self._opcounters = dict.fromkeys(("insert", "query", "update", "delete", "getmore", "command"), 0.0)

        redis = self.registries["redis"]
        pc.Gauge("redis_up", "Information about the Redis instance", registry=redis).set(1)
        self.redis_clients = pc.Gauge("redis_connected_clients", "connected_clients metric", registry=redis)
        self.redis_memory = pc.Gauge("redis_memory_used_bytes", "memory_used_bytes metric", registry=redis)
        pc.Gauge("redis_memory_max_bytes", "memory_max_bytes metric", registry=redis).set(256 << 20)
        self.redis_commands = pc.Counter("redis_commands_processed_total", "commands_processed_total metric", registry=redis)
        self.redis_hits = pc.Counter("redis_keyspace_hits_total", "keyspace_hits_total metric", registry=redis)
        self.redis_misses = pc.Counter("redis_keyspace_misses_total", "keyspace_misses_total metric", registry=redis)
        self.redis_evicted = pc.Counter("redis_evicted_keys_total", "evicted_keys_total metric", registry=redis)

        rabbit = self.registries["rabbitmq"]
        queue = ["vhost", "queue"]
        self.rabbit_ready = pc.Gauge("rabbitmq_queue_messages_ready", "Messages ready to be delivered to consumers", queue, registry=rabbit)
        self.rabbit_unacked = pc.Gauge("rabbitmq_queue_messages_unacked", "Messages delivered to consumers but not yet acknowledged",
                                       queue, registry=rabbit)
        consumers = pc.Gauge("rabbitmq_queue_consumers", "Consumers on a queue", queue, registry=rabbit)
        for name in QUEUES:
            consumers.labels("/", name).set(2 if name != "notifications" else 1)
        self.rabbit_received = pc.Counter("rabbitmq_global_messages_received_total", "Total number of messages received from publishers",
                                          ["protocol"], registry=rabbit)
        self.rabbit_delivered = pc.Counter("rabbitmq_global_messages_delivered_total", "Total number of messages delivered to consumers",
                                           ["protocol"], registry=rabbit)

    # --- simulation ------------------------------------------------------------------------------
    def step(self, seconds: float) -> None:
        """Advance the simulation by ``seconds`` of traffic."""
        with self._lock:
            self._http(seconds)
            self._trading(seconds)
            self._hosts(seconds)
            self._databases(seconds)

    def _latency(self, median: float) -> float:
        return min(30.0, self.random.lognormvariate(0, 0.6) * median)

    def _http(self, seconds: float) -> None:
        rnd = self.random
        requests = max(1, int(rnd.gauss(40, 4) * seconds))  # ~40 req/s
        weights = [share for _, _, share, _ in ROUTES]
        for method, route, _, median in rnd.choices(ROUTES, weights, k=requests):
            roll = rnd.random()
            # 0.03 % 5xx: inside the api-availability SLO's 0.1 % budget (alerts/slo.py)
            status = "500" if roll < 0.0002 else "503" if roll < 0.0003 else "404" if roll < 0.02 else \
                "400" if roll < 0.03 else ("201" if method == "POST" else "200")
            duration = self._latency(median)
            if rnd.random() < 0.003:  # a lock wait or a cold cache: 0.3 % over 1 s, within the latency SLO's 1 %
                duration += rnd.uniform(1.0, 3.0)
            self.http_requests.labels(method, route, status).inc()
            self.http_duration.labels(method, route, status).observe(duration)
            if route != "/health":
                self._cache_and_db(route)
            self._log(method, route, status, duration)

    def _cache_and_db(self, route: str) -> None:
        rnd = self.random
        failed = rnd.random() < 0.002
        if failed:  # the cache service logs a Redis error (the request itself is still answered)
            self._log_line("error", "CacheService", "Redis operation failed: ETIMEDOUT", error="ETIMEDOUT")
        if rnd.random() < 0.92:
            self.cache_ops.labels("hit", "failure" if failed else "success").inc()
            return
        self.cache_ops.labels("miss", "failure" if failed else "success").inc()
        collection = {"/api/posts": "posts", "/api/posts/:id": "posts", "/api/users/:id": "users",
                      "/api/orders": "orders"}.get(route, "sessions")
        operation = rnd.choice(DB_OPERATIONS[:2]) if rnd.random() < 0.8 else rnd.choice(DB_OPERATIONS[2:])
        self.db_duration.labels(operation, collection).observe(self._latency(0.008 if operation != "aggregate" else 0.06))
        self.cache_ops.labels("set", "success").inc()

    def _trading(self, seconds: float) -> None:
        rnd = self.random
        for strategy in STRATEGIES:
            for _ in range(max(1, int(rnd.gauss(2, 0.5) * seconds))):
                side = rnd.choice(("buy", "sell"))
                self.signals.labels(strategy, side).inc()
                roll = rnd.random()
                status = "failed" if roll < 0.02 else "pending" if roll < 0.07 else "success"
                self.orders.labels(strategy, status).inc()
                if status == "success":
                    self.volume.labels(strategy, side).inc(round(rnd.uniform(500, 25000), 2))
                self.order_latency.labels(strategy).observe(self._latency(0.06))
            self.pnl.labels(strategy).inc(rnd.gauss(2.0, 40.0) * seconds)

    def _hosts(self, seconds: float) -> None:
        rnd = self.random
        for cpu in range(4):
            busy = min(0.9, max(0.05, rnd.gauss(0.3, 0.05)))
            self.node_cpu.labels(str(cpu), "idle").inc(seconds * (1 - busy))
            self.node_cpu.labels(str(cpu), "user").inc(seconds * busy * 0.7)
            self.node_cpu.labels(str(cpu), "system").inc(seconds * busy * 0.25)
            self.node_cpu.labels(str(cpu), "iowait").inc(seconds * busy * 0.05)
        self.node_mem_available.set(int((16 << 30) * min(0.8, max(0.3, rnd.gauss(0.55, 0.02)))))
        for minutes, gauge in self.node_load.items():
            gauge.set(round(max(0.1, rnd.gauss(1.2, 0.3 / minutes)), 2))
        self._disk_used = min(0.7, self._disk_used + 1e-7 * seconds)  # slow growth: no fill within 4 hours
        for device, fstype, mountpoint, size, used in (("/dev/sda1", "ext4", "/", 100 << 30, self._disk_used),
                                                       ("/dev/sdb1", "xfs", "/var/lib/data", 500 << 30, 0.31),
                                                       ("tmpfs", "tmpfs", "/run", 1 << 30, 0.01)):
            self.fs_avail.labels(device, fstype, mountpoint).set(int(size * (1 - used)))
        for device in ("sda", "sdb"):
            self.disk_read.labels(device).inc(int(rnd.uniform(2e5, 2e6) * seconds))
            self.disk_written.labels(device).inc(int(rnd.uniform(5e5, 4e6) * seconds))
        for device in ("eth0", "lo"):
            self.net["receive_bytes"].labels(device).inc(int(rnd.uniform(1e5, 9e5) * seconds))
            self.net["transmit_bytes"].labels(device).inc(int(rnd.uniform(1e5, 6e5) * seconds))
            self.net["receive_errs"].labels(device).inc(1 if rnd.random() < 0.01 else 0)
            self.net["transmit_errs"].labels(device).inc(0)
        for name, (image, _, _, cores, working_set) in CONTAINERS.items():
            ident = (_container_id(name), image, name)
            self.container_cpu.labels(*ident, "total").inc(seconds * max(0.0, rnd.gauss(cores, cores / 10)))
            self.container_memory.labels(*ident).set(int(working_set * rnd.uniform(0.97, 1.03)))

    def _databases(self, seconds: float) -> None:
        rnd = self.random
        self.pg_activity.labels("app", "active", "app", "api", "client backend", "", "").set(rnd.randint(3, 9))
        self.pg_activity.labels("app", "idle", "app", "api", "client backend", "Client", "ClientRead").set(rnd.randint(10, 20))
        self.pg_activity.labels("app", "idle in transaction", "app", "api", "client backend", "Client", "ClientRead").set(rnd.randint(0, 2))
        for oid, name in enumerate(DATABASES, start=16384):
            scale = 1.0 if name == "app" else 0.02
            for column, increase in (("xact_commit", int(rnd.uniform(80, 120) * seconds * scale) + 1),
                                     ("xact_rollback", 1 if rnd.random() < 0.1 else 0),
                                     ("blks_hit", int(rnd.uniform(4000, 6000) * seconds * scale) + 1),
                                     ("blks_read", int(rnd.uniform(5, 30) * seconds * scale))):
                key = (str(oid), name)
                self.pg_db[column][key] = self.pg_db[column].get(key, 0.0) + increase
        self.mongo_connections.labels("current").set(rnd.randint(20, 30))
        self.mongo_connections.labels("available").set(838860 - 25)
        self.mongo_connections.labels("active").set(rnd.randint(2, 6))
        for kind, rate in (("insert", 3), ("query", 40), ("update", 6), ("delete", 1), ("getmore", 2), ("command", 25)):
            self._opcounters[kind] += int(rnd.uniform(0.5, 1.5) * rate * seconds)
        self.redis_clients.set(rnd.randint(8, 14))
        self.redis_memory.set(int((48 << 20) * rnd.uniform(0.95, 1.05)))
        self.redis_commands.inc(int(rnd.uniform(300, 500) * seconds))
        self.redis_hits.inc(int(rnd.uniform(180, 220) * seconds))
        self.redis_misses.inc(int(rnd.uniform(10, 25) * seconds))
        self.redis_evicted.inc(0)
        for name in QUEUES:
            self.rabbit_ready.labels("/", name).set(rnd.randint(0, 40))
            self.rabbit_unacked.labels("/", name).set(rnd.randint(0, 8))
        published = int(rnd.uniform(40, 60) * seconds)
        self.rabbit_received.labels("amqp091").inc(published)
        self.rabbit_delivered.labels("amqp091").inc(max(0, published - rnd.randint(0, 3)))

    def _log(self, method: str, route: str, status: str, duration: float) -> None:
        if self.log is None:
            return
        url = route.replace(":id", str(self.random.randint(1, 5000)))
        code = int(status)
        level = "error" if code >= 500 else "warn" if code >= 400 or duration > 1 else "info"
        fields: dict[str, Any] = {"method": method, "url": url, "statusCode": code,
                                  "response_time_ms": round(duration * 1000)}
        if code >= 500:
            fields["error"] = "Internal server error" if code == 500 else "Service unavailable"
        self._log_line(level, "HTTP", f"{method} {url} {code} {duration * 1000:.0f}ms", **fields)

    def _log_line(self, level: str, context: str, message: str, **fields: Any) -> None:
        if self.log is None:
            return
        line = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z", "level": level,
                "context": context, "message": message, **fields}
        self.log.write(json.dumps(line) + "\n")

    # --- exposition ------------------------------------------------------------------------------
    def exposition(self, job: str) -> bytes:
        with self._lock:
            text = pc.generate_latest(self.registries[job])
            if job == "postgresql":
                for column, series in self.pg_db.items():
                    name = f"pg_stat_database_{column}"
                    text += f"# HELP {name} pg_stat_database column {column}\n# TYPE {name} counter\n".encode()
                    text += "".join(f'{name}{{datid="{datid}",datname="{datname}"}} {value}\n'
                                    for (datid, datname), value in sorted(series.items())).encode()
            if job == "mongodb":
                text += b"# HELP mongodb_ss_opcounters serverStatus.opcounters\n# TYPE mongodb_ss_opcounters untyped\n"
                text += "".join(f'mongodb_ss_opcounters{{legacy_op_type="{kind}"}} {value}\n'
                                for kind, value in sorted(self._opcounters.items())).encode()
            return text

    def probe(self, target: str) -> bytes:
        """What blackbox_exporter's /probe answers for ``target`` (module http_2xx)."""
        duration = self._latency(0.03)
        return (f"# HELP probe_duration_seconds Returns how long the probe took to complete in seconds\n"
                f"# TYPE probe_duration_seconds gauge\nprobe_duration_seconds {duration:.6f}\n"
                f"# HELP probe_http_status_code Response HTTP status code\n# TYPE probe_http_status_code gauge\n"
                f"probe_http_status_code 200\n"
                f"# HELP probe_success Displays whether or not the probe was a success\n"
                f"# TYPE probe_success gauge\nprobe_success {1 if target else 0}\n").encode()


EXPORTER_JOBS = ("node", "cadvisor", "postgresql", "mongodb", "redis", "rabbitmq")


def prometheus_config(address: str, *, interval: str = "15s") -> dict[str, Any]:
    """A Prometheus configuration that scrapes the demo at ``address`` (host:port) under the job
    names the seed dashboards and alerts select: ``api``, one job per synthesised exporter, and
    ``blackbox`` probing the demo's own health endpoint."""
    jobs: list[dict[str, Any]] = [{"job_name": "api", "static_configs": [{"targets": [address]}]}]
    jobs += [{"job_name": job, "metrics_path": f"/exporters/{job}/metrics", "static_configs": [{"targets": [address]}]}
             for job in EXPORTER_JOBS]
    jobs.append({"job_name": "blackbox", "metrics_path": "/probe", "params": {"module": ["http_2xx"]},
                 "static_configs": [{"targets": [f"http://{address}/health"]}],
                 "relabel_configs": [{"source_labels": ["__address__"], "target_label": "__param_target"},
                                     {"source_labels": ["__param_target"], "target_label": "instance"},
                                     {"target_label": "__address__", "replacement": address}]})
    return {"global": {"scrape_interval": interval, "evaluation_interval": interval}, "scrape_configs": jobs}


def make_server(demo: Demo, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlsplit(self.path)
            parts = url.path.strip("/").split("/")
            if url.path == "/metrics":
                body = demo.exposition("api")
            elif len(parts) == 3 and parts[0] == "exporters" and parts[2] == "metrics" and parts[1] in demo.registries:
                body = demo.exposition(parts[1])
            elif url.path == "/probe":
                body = demo.probe((parse_qs(url.query).get("target") or [""])[0])
            elif url.path in ("/health", "/"):
                body = b"ok\n"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", pc.CONTENT_TYPE_LATEST)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:  # quiet: the JSON log is the log
            pass

    return ThreadingHTTPServer((host, port), Handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080, help="port to serve /metrics on (default 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; 0.0.0.0 in a container)")
    parser.add_argument("--log-file", type=Path, help="append NestJS-shaped JSON log lines to this file")
    parser.add_argument("--tick", type=float, default=1.0, help="seconds of simulated traffic per step (default 1)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--print-prometheus-config", action="store_true",
                        help="print a prometheus.yml that scrapes this demo (every job) and exit")
    args = parser.parse_args(argv)
    if args.print_prometheus_config:
        print(json.dumps(prometheus_config(f"{args.host}:{args.port}"), indent=2))  # JSON is valid YAML
        return
    log = args.log_file.open("a", encoding="utf-8", buffering=1) if args.log_file else None
    demo = Demo(args.seed, log)
    server = make_server(demo, args.host, args.port)

    def simulate() -> None:
        while True:
            time.sleep(args.tick)
            demo.step(args.tick)

    threading.Thread(target=simulate, daemon=True).start()
    print(f"demo: serving on http://{args.host}:{server.server_address[1]}/metrics", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
