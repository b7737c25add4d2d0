"""The demo service and a real Prometheus scraping it, both on 127.0.0.1 random ports."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "demo" / "app.py"
JOBS = {"api", "node", "cadvisor", "postgresql", "mongodb", "redis", "rabbitmq", "blackbox"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.25)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """(base url, log file) of a running demo service."""
    log = tmp_path_factory.mktemp("demo") / "nestjs.log"
    port = free_port()
    process = subprocess.Popen([sys.executable, str(DEMO), "--port", str(port), "--log-file", str(log), "--tick", "0.5"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: requests.get(url + "/health", timeout=2).ok, "the demo service")
        yield url, log
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def prometheus(demo, tmp_path_factory) -> str:
    """The url of a real Prometheus (Debian's /usr/bin/prometheus) that scrapes every demo job each second."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus is not installed (Debian package `prometheus`; .ci/run installs it)")
    url, _ = demo
    work = tmp_path_factory.mktemp("prometheus")
    config = json.loads(subprocess.run([sys.executable, str(DEMO), "--print-prometheus-config", "--port", url.rsplit(":", 1)[1]],
                                       check=True, capture_output=True, text=True).stdout)
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    (work / "prometheus.yml").write_text(json.dumps(config))
    port = free_port()
    process = subprocess.Popen([binary, f"--config.file={work / 'prometheus.yml'}", f"--storage.tsdb.path={work / 'data'}",
                                f"--web.listen-address=127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=(work / "prometheus.log").open("w"))
    try:
        prom = f"http://127.0.0.1:{port}"
        wait_for(lambda: requests.get(prom + "/-/ready", timeout=2).ok, "prometheus to be ready")

        def every_job_scraped_twice():
            body = requests.get(prom + "/api/v1/query", params={"query": "count_over_time(up[1m]) >= 3"}, timeout=2).json()
            return {s["metric"]["job"] for s in body["data"]["result"]} >= JOBS

        wait_for(every_job_scraped_twice, "three scrapes of every demo job")
        yield prom
    finally:
        _stop(process)
