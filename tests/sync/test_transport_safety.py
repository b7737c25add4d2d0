"""Slow, redirecting or chatty servers: retries are reported, one deadline bounds the run, requests are
never replayed to another origin, and credentials echoed by a server are redacted."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cli import main
from gdash.sync.client import BasicAuth, GrafanaClient, RetryPolicy, SyncError
from gdash.sync.push import push
from gdash.testing import GrafanaEmulator
from gdash.testing.grafana import ApiError

from .sync_helpers import TOKEN, environment, synthetic_project, write_config


class Recorder(BaseHTTPRequestHandler):
    """A second server on another port: records every request it receives (it should receive none)."""
    received: list[tuple[str, str, str | None, bytes]] = []

    def _any(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append((self.command, self.path, self.headers.get("Authorization"), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = do_PUT = do_DELETE = _any

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_origin() -> Iterator[tuple[str, list]]:
    Recorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.received
    server.shutdown()
    server.server_close()


def test_each_retry_is_one_line_on_stderr(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana, retries=4)
    grafana.faults.queue("503", method="GET", path="/api/search", count=2)
    result = CliRunner().invoke(main, ["-C", str(seed_project), "push", "--env", "test"],
                                env={"GDASH_TEST_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("retrying")]
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("retrying GET /api/search (503), attempt 2/5 in ") and lines[0].endswith(" s")
    assert lines[1].startswith("retrying GET /api/search (503), attempt 3/5 in ")


def test_one_deadline_bounds_the_whole_run(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    grafana.faults.timeout_seconds = 0.6
    env = environment(grafana, timeout=(1.0, 0.5), deadline=2.0,
                      retry=RetryPolicy(attempts=10, backoff=0.2, backoff_max=1.0, jitter=0.0))
    project = synthetic_project(tmp_path, 3)
    assert push(project, environment(grafana)).failures == []
    grafana.faults.queue("timeout", method="GET", path="/api/dashboards/uid/", count=1000)
    started = time.monotonic()
    result = push(project, env)
    elapsed = time.monotonic() - started
    assert elapsed < 4.0, f"timeout x attempts would be {10 * 0.5:.0f}+ s; the deadline stops it ({elapsed:.1f} s)"
    assert result.failures and all("deadline of 2 s has passed" in o.message for o in result.failures)


@pytest.mark.parametrize("status", [307, 308, 301, 302])
def test_redirect_of_a_write_is_an_error_and_nothing_reaches_the_other_origin(
        grafana: GrafanaEmulator, tmp_path: Path, other_origin, status: int) -> None:
    target, received = other_origin
    grafana.redirect("POST", "/api/dashboards/db", status, target + "/api/dashboards/db")
    result = push(synthetic_project(tmp_path, 1), environment(grafana))
    [failure] = result.failures
    assert f"Grafana answered {status} redirecting to {target}/api/dashboards/db" in failure.message
    assert ("re-send the request" if status in (307, 308) else "turn the write into a GET") in failure.message
    assert received == [], "no body, no Authorization header left for another port"
    assert grafana.grafana.org(1).dashboards == {}


def test_redirect_of_a_read_to_another_origin_is_an_error(grafana: GrafanaEmulator, tmp_path: Path,
                                                          other_origin) -> None:
    target, received = other_origin
    grafana.redirect("GET", "/api/search", 302, target + "/api/search")
    with pytest.raises(SyncError, match="redirecting to another origin"):
        push(synthetic_project(tmp_path, 1), environment(grafana))
    assert received == []


def test_same_origin_redirect_of_a_read_is_followed(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    grafana.redirect("GET", "/old/api/", 301, grafana.url + "/api/")
    client = GrafanaClient(grafana.url, environment(grafana).credentials)
    assert client.get("/old/api/health")["database"] == "ok"


def test_credentials_echoed_by_the_server_are_redacted(grafana: GrafanaEmulator, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def echo(org, call):
        raise ApiError(422, f"bad header Authorization: {call.headers.get('authorization')}")

    grafana.grafana.handlers["search"] = echo
    with pytest.raises(SyncError) as error:
        push(synthetic_project(tmp_path, 1), environment(grafana))
    assert TOKEN not in error.value.one_line() and "Bearer [REDACTED]" in error.value.one_line()

    grafana.add_user("deploy", "s3cret-pass", {1: "Admin"})
    with pytest.raises(SyncError) as error:
        push(synthetic_project(tmp_path, 1), environment(grafana, credentials=BasicAuth("deploy", "s3cret-pass")))
    assert "s3cret-pass" not in error.value.one_line() and "Basic [REDACTED]" in error.value.one_line()


def test_webhook_secret_echoed_in_an_error_is_redacted(grafana: GrafanaEmulator, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from .test_routing import routing_project

    hook = "https://hooks.slack.invalid/T000/B000/VERYSECRET"
    monkeypatch.setenv("CHAT_HOOK", hook)

    def echo(org, call):
        raise ApiError(400, f"invalid url {call.body['settings'].get('url')}")

    grafana.grafana.handlers["RoutePostContactpoints"] = echo
    result = push(routing_project(tmp_path), environment(grafana))
    messages = " ".join(o.message for o in result.failures)
    assert "invalid url [REDACTED]" in messages and "VERYSECRET" not in messages
