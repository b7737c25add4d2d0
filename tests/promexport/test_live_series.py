"""`gdash lint --prometheus URL`: metric names checked against a real Prometheus started on 127.0.0.1."""
from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from gdash.errors import ConfigError
from gdash.lint.sources import project_targets
from gdash.livecheck import check_live_series, metric_names
from gdash.project import load_project

needs_prometheus = pytest.mark.skipif(
    shutil.which("prometheus") is None or shutil.which("promtool") is None,
    reason="prometheus/promtool not installed (Debian package `prometheus`)")

DASHBOARD = """
from gdash import Dashboard, datasource_var, prom, query_var, stat, timeseries

dashboard = Dashboard(
    "API", uid="api", folder="Backend",
    variables=[datasource_var("prometheus"), query_var("job", "label_values(http_requests_total, job)")],
    panels=[
        stat("Requests/s", prom('sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))')),
        timeseries("Errors/s", prom('sum(rate(http_request_total{status=~"5.."}[5m]))')),
        timeseries("Up", prom("up")),
    ],
)
"""

ALERTS = """
from gdash import AlertGroup, alert_rule

group = AlertGroup("api", alert_rule(
    "QueueBacklog", "sum(queue_depth) > 0 and on() up", threshold=100, severity="warning", team="a",
    summary="s", description="d", runbook_url="https://runbooks.example.com"))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def prometheus_url(tmp_path_factory) -> str:
    """A real Prometheus serving a TSDB block created from OpenMetrics samples (an hour old, within retention)."""
    if shutil.which("prometheus") is None or shutil.which("promtool") is None:
        pytest.skip("prometheus/promtool not installed (Debian package `prometheus`)")
    work = tmp_path_factory.mktemp("prometheus")
    start = int(time.time()) - 3600
    (work / "samples.om").write_text(
        "# TYPE http_requests_total counter\n"
        f'http_requests_total{{job="api",status="200"}} 10 {start}\n'
        f'http_requests_total{{job="api",status="500"}} 1 {start + 60}\n'
        "# TYPE up gauge\n"
        f'up{{job="api",instance="api-1:3000"}} 1 {start}\n'
        "# EOF\n")
    subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", str(work / "samples.om"), str(work / "data")],
                   check=True, capture_output=True, timeout=60)
    (work / "prometheus.yml").write_text("global:\n  scrape_interval: 1m\n")  # no scrape jobs: only our samples
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with (work / "prometheus.log").open("wb") as log:
        server = subprocess.Popen(["prometheus", f"--config.file={work / 'prometheus.yml'}",
                                   f"--storage.tsdb.path={work / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"prometheus did not start: {(work / 'prometheus.log').read_text()[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def project_root(make_project) -> Path:
    return make_project({"dashboards/api.py": DASHBOARD, "alerts/api.py": ALERTS})


@needs_prometheus
def test_missing_metrics_are_findings_and_present_ones_are_not(prometheus_url, project_root, gdash):
    assert metric_names(prometheus_url) == {"http_requests_total", "up"}
    result = gdash("lint", "--prometheus", prometheus_url, "--select", "LIVE", "--format", "json", cwd=project_root)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    messages = sorted((f["path"], f["message"]) for f in findings)
    assert messages == [
        ("alerts/api.py", f"metric 'queue_depth' has no series on {prometheus_url}"),
        ("dashboards/api.py", f"metric 'http_request_total' has no series on {prometheus_url}; "
                              "did you mean 'http_requests_total'?"),
    ]
    typo = next(f for f in findings if "http_request_total" in f["message"])
    assert typo["code"] == "LIVE001" and typo["severity"] == "error" and typo["panel"] == "Errors/s"
    assert typo["line"] is not None


@needs_prometheus
def test_inline_ignore_and_file_paths_work_for_the_live_check(prometheus_url, project_root, gdash, tmp_path):
    source = (project_root / "dashboards/api.py").read_text()
    (project_root / "dashboards/api.py").write_text(
        source.replace("""[5m]))')),""", """[5m]))')),  # gdash: ignore[LIVE001]"""))
    result = gdash("lint", "--prometheus", prometheus_url, "--select", "LIVE", "--format", "json", cwd=project_root)
    assert [f["message"].split("'")[1] for f in json.loads(result.stdout)] == ["queue_depth"]
    rules = tmp_path / "rules.yaml"
    rules.write_text("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n  - alert: B\n    expr: nope_total > 1\n")
    result = gdash("lint", str(rules), "--prometheus", prometheus_url, "--select", "LIVE", "--format", "json",
                   cwd=project_root)
    assert [(f["rule"], f["line"]) for f in json.loads(result.stdout)] == [("B", 7)]


@needs_prometheus
def test_library_check_covers_variables_panels_and_alerts(prometheus_url, project_root):
    project = load_project(project_root)
    assert [(f.rule, f.message.split("'")[1]) for f in check_live_series(project_targets(project), prometheus_url)
            if f.rule] == [("QueueBacklog", "queue_depth")]
    project.dashboards[0].model["templating"]["list"][1]["query"] = "label_values(http_requests_totl, job)"
    findings = check_live_series(project_targets(project), prometheus_url)
    assert any(f.panel == "variable $job" and "'http_requests_totl'" in f.message for f in findings)


def test_unreachable_prometheus_is_a_one_line_error(project_root, gdash):
    url = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    started = time.monotonic()
    result = gdash("lint", "--prometheus", url, "--prometheus-timeout", "2", cwd=project_root)
    assert time.monotonic() - started < 60
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == f"error: cannot reach Prometheus at {url}: connection failed"
    assert result.stderr.splitlines()[1].startswith("hint: ") and "Traceback" not in result.stderr


def test_silent_server_times_out_instead_of_hanging():
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(ConfigError, match=r"no answer within 0.5 s"):
            metric_names(url, timeout=0.5)


def test_non_prometheus_answer_is_reported():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(ConfigError, match="answered HTTP 404 to the label values API"):
            metric_names(url, timeout=5)
    finally:
        server.shutdown()
        server.server_close()


def test_live001_is_in_the_catalog_as_an_online_only_rule_that_offline_runs_never_call():
    from gdash.lint.rules import RULES, rules_for

    # registered under gdash.lint.rules like every rule (issue 13), marked online-only
    assert RULES["LIVE001"].online and RULES["LIVE001"] not in rules_for("promql")
