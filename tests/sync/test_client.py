"""Which requests the client repeats, and which it must not (checked against injected faults)."""
from __future__ import annotations

import time

import pytest

from gdash.sync.client import AmbiguousWrite, HttpError
from gdash.testing import GrafanaEmulator

from .sync_helpers import environment


@pytest.fixture
def client(grafana: GrafanaEmulator):
    grafana.faults.timeout_seconds = 0.5
    client = environment(grafana, timeout=(1.0, 0.3)).client()
    yield client
    client.close()


def attempts(grafana: GrafanaEmulator, path: str) -> list[str | None]:
    return [e.fault for e in grafana.exchanges if e.path == path]


@pytest.mark.parametrize("kind", ["429", "500", "502", "503", "504", "reset", "timeout"])
def test_reads_are_retried(grafana: GrafanaEmulator, client, kind: str) -> None:
    grafana.faults.queue(kind, path="/api/search", count=2)
    assert client.get("/api/search", type="dash-db") == []
    assert attempts(grafana, "/api/search") == [kind, kind, None]


@pytest.mark.parametrize("kind", ["502", "reset", "timeout"])
def test_idempotent_writes_are_retried(grafana: GrafanaEmulator, client, kind: str) -> None:
    client.post("/api/folders", {"uid": "f", "title": "F"})
    grafana.faults.queue(kind, method="PUT", after_processing=True)
    client.put("/api/folders/f", {"title": "F2", "version": 1, "overwrite": True})
    assert grafana.grafana.org(1).folders["f"].title == "F2"
    assert len([e for e in grafana.exchanges if e.method == "PUT"]) == 2


@pytest.mark.parametrize("kind", ["500", "502", "504", "reset", "timeout"])
def test_posts_are_not_replayed_blindly(grafana: GrafanaEmulator, client, kind: str) -> None:
    grafana.faults.queue(kind, method="POST", after_processing=True)
    with pytest.raises(AmbiguousWrite):
        client.post("/api/folders", {"uid": "f", "title": "F"})
    assert attempts(grafana, "/api/folders") == [kind]
    assert "f" in grafana.grafana.org(1).folders, "it was applied: a replay would have answered 409"


@pytest.mark.parametrize("kind", ["429", "503"])
def test_posts_are_retried_when_the_server_refused_them(grafana: GrafanaEmulator, client, kind: str) -> None:
    grafana.faults.queue(kind, method="POST")
    assert client.post("/api/folders", {"uid": "f", "title": "F"})["uid"] == "f"
    assert attempts(grafana, "/api/folders") == [kind, None]


def test_retry_after_is_honoured(grafana: GrafanaEmulator, client) -> None:
    grafana.faults.retry_after = 1
    grafana.faults.queue("429", path="/api/search")
    started = time.monotonic()
    client.get("/api/search")
    assert time.monotonic() - started >= 0.9, "waited as long as Grafana asked"


def test_retry_after_is_capped() -> None:
    from urllib3 import HTTPResponse

    from gdash.sync.client import RETRY_AFTER_MAX, RetryPolicy

    retry = RetryPolicy().urllib3()
    assert retry.get_retry_after(HTTPResponse(headers={"Retry-After": "3600"})) == RETRY_AFTER_MAX
    assert retry.get_retry_after(HTTPResponse(headers={"Retry-After": "2"})) == 2


def test_exhausted_retries_and_missing_objects(grafana: GrafanaEmulator, client) -> None:
    grafana.faults.queue("503", path="/api/search", count=10)
    with pytest.raises(HttpError) as error:
        client.get("/api/search")
    assert error.value.status == 503 and "\n" not in error.value.one_line()
    assert client.delete("/api/dashboards/uid/gone") is None, "deleting what is already gone is done"
    with pytest.raises(HttpError) as missing:
        client.get("/api/dashboards/uid/gone")
    assert missing.value.status == 404
