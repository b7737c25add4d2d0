"""The demo service emits what the seed dashboards and alerts query; the compose example is wired to show it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import requests
import yaml

from gdash.lint.sources import project_targets
from gdash.livecheck.series import queried_metrics
from gdash.project import load_project

from .conftest import JOBS

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "examples" / "compose"
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ")


def _seed_metrics() -> set[str]:
    return queried_metrics(project_targets(load_project(REPO))) - {"up"}  # up: written by Prometheus itself


def _exposed(url: str) -> dict[str, set[str]]:
    paths = {"api": "/metrics", "blackbox": "/probe?target=http://127.0.0.1/health"}
    exposed: dict[str, set[str]] = {}
    for job in JOBS:
        text = requests.get(url + paths.get(job, f"/exporters/{job}/metrics"), timeout=5).text
        for line in text.splitlines():
            match = _SAMPLE.match(line)
            if match:
                exposed.setdefault(match.group(1), set()).add(job)
    return exposed


def test_demo_emits_every_metric_the_seed_queries_under_one_job(demo):
    url, _ = demo
    exposed = _exposed(url)
    missing = _seed_metrics() - set(exposed)
    assert missing == set()
    assert all(len(jobs) == 1 for name, jobs in exposed.items() if name in _seed_metrics())
    assert exposed["pg_up"] == {"postgresql"} and exposed["http_requests_total"] == {"api"}


def _label_sets(text: str, name: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', labels))
            for labels in re.findall(rf"^{name}\{{([^}}]*)\}} ", text, re.M)]


def test_demo_label_sets_match_the_instrumentation(demo):
    url, _ = demo
    text = requests.get(url + "/metrics", timeout=5).text
    cache = _label_sets(text, "cache_operations_total")
    assert {s["operation"] for s in cache} == {"hit", "miss", "set"}
    assert {s["result"] for s in cache} <= {"success", "failure"}
    assert {s["status"] for s in _label_sets(text, "trading_orders_total")} == {"success", "failed", "pending"}
    buckets = _label_sets(text, "http_request_duration_seconds_bucket")
    assert set(buckets[0]) == {"method", "route", "status", "le"} and "1.0" in {s["le"] for s in buckets}
    assert {s["route"] for s in _label_sets(text, "http_requests_total")} >= {"/api/posts", "/api/posts/:id"}
    pg = requests.get(url + "/exporters/postgresql/metrics", timeout=5).text
    assert "# TYPE pg_stat_database_xact_commit counter" in pg and "pg_stat_database_xact_commit_total" not in pg
    assert {s["datname"] for s in _label_sets(pg, "pg_stat_database_xact_commit")} == {"app", "postgres"}
    rabbit = requests.get(url + "/exporters/rabbitmq/metrics", timeout=5).text
    assert {(s["vhost"], s["queue"]) for s in _label_sets(rabbit, "rabbitmq_queue_messages_ready")} >= {("/", "orders")}


def test_demo_counters_grow(demo):
    url, _ = demo

    def total() -> float:
        text = requests.get(url + "/metrics", timeout=5).text
        return sum(float(v) for v in re.findall(r"^http_requests_total\{[^}]*\} (\S+)$", text, re.M))

    from .conftest import wait_for

    first = total()
    wait_for(lambda: total() > first, "the request counters to grow", timeout=10)


def test_demo_logs_are_nestjs_json_with_a_level(demo):
    _, log = demo
    lines = [json.loads(line) for line in log.read_text().splitlines()[:500]]
    assert len(lines) >= 50
    assert {line["level"] for line in lines} <= {"info", "warn", "error"} and "info" in {line["level"] for line in lines}
    for line in lines:
        assert {"timestamp", "level", "context", "message"} <= set(line)
        assert line["context"] in ("HTTP", "CacheService")
        if line["context"] == "HTTP":  # the request log; CacheService logs Redis errors at level error
            assert {"method", "url", "statusCode", "response_time_ms"} <= set(line)
            assert line["level"] == ("error" if line["statusCode"] >= 500 else line["level"])
        else:
            assert line["level"] == "error" and "statusCode" not in line
    assert any(line["url"].startswith("/api/posts/") for line in lines if "url" in line)


def test_compose_runs_the_exporters_the_demo_and_grafana_without_anonymous_access():
    compose = yaml.safe_load((COMPOSE / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"api", "prometheus", "alertmanager", "loki", "promtail", "grafana", "node-exporter", "cadvisor",
            "postgres", "postgres-exporter", "mongodb", "mongodb-exporter", "redis", "redis-exporter", "rabbitmq",
            "blackbox-exporter"} <= set(services)
    assert "/demo/app.py" in " ".join(services["api"]["command"])
    assert any(volume.startswith("../demo:") for volume in services["api"]["volumes"])
    assert (COMPOSE / services["api"]["volumes"][0].split(":")[0] / "app.py").is_file()
    grafana = services["grafana"]["environment"]
    assert grafana["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    assert grafana["GF_SECURITY_ADMIN_PASSWORD"].startswith("${GRAFANA_ADMIN_PASSWORD:?")  # from the environment
    assert "percona/mongodb_exporter" in services["mongodb-exporter"]["image"]
    for name, service in services.items():  # every mounted file of the example exists
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./") and not source.startswith("./out"):
                assert (COMPOSE / source).exists(), (name, source)


def test_prometheus_scrapes_every_job_the_seed_selects():
    config = yaml.safe_load((COMPOSE / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert JOBS <= set(jobs)
    assert jobs["rabbitmq"]["metrics_path"] == "/metrics/per-object"
    assert jobs["blackbox"]["metrics_path"] == "/probe"
    # every job name a seed query selects with job="..." is a scrape job
    selected = set()
    for alert in project_targets(load_project(REPO)).alerts:
        for spec in alert.queries:
            selected.update(re.findall(r'job="([\w-]+)"', spec.text))
            for alternatives in re.findall(r'job=~"([\w|-]+)"', spec.text):
                selected.update(alternatives.split("|"))
    assert selected and selected <= set(jobs)


def test_promtail_ships_nestjs_logs_with_a_level_label():
    config = yaml.safe_load((COMPOSE / "promtail.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["static_configs"][0]["labels"]["job"] == "nestjs"
    stages = {key: value for stage in job["pipeline_stages"] for key, value in stage.items()}
    assert stages["json"]["expressions"]["level"] == "level" and "level" in stages["labels"]
    compose = yaml.safe_load((COMPOSE / "docker-compose.yml").read_text())
    log_dir = job["static_configs"][0]["labels"]["__path__"].rsplit("/", 1)[0]
    assert any(volume.split(":")[1] == log_dir for volume in compose["services"]["promtail"]["volumes"])
    assert "--log-file " + log_dir in " ".join(compose["services"]["api"]["command"])
