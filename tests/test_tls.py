"""tls.ca_cert and tls.verify in gdash.yaml win over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (issue 15).

requests lets those variables override a Session's ``verify``; gdash passes its setting with every
request, so the variables apply only when gdash.yaml leaves verification at its default.
"""
from __future__ import annotations

import json
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from gdash.config import Config
from gdash.sync.client import SyncError
from gdash.sync.environment import resolve_environment


def _certificate(directory: Path, name: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


class _Json(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def https(tmp_path: Path):
    """(url, the server's own certificate, an unrelated certificate)."""
    cert, key = _certificate(tmp_path, "server")
    other, _ = _certificate(tmp_path, "other")
    server = HTTPServer(("127.0.0.1", 0), _Json)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_port}", cert, other
    server.shutdown()
    server.server_close()


def _get(url: str, tls: dict | None) -> object:
    settings = {"url": url, "token_env": "T", "retries": 0}
    if tls is not None:
        settings["tls"] = tls
    env = resolve_environment(Config(raw={"environments": {"e": settings}}), "e", environ={"T": "token"})
    client = env.client()
    try:
        return client.get("/api/health")
    finally:
        client.close()


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_cert_wins_over_the_bundle_variables(https, monkeypatch, variable):
    url, cert, other = https
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv(variable, str(other))  # a bundle that does not trust the server
    assert _get(url, {"ca_cert": str(cert)}) == {"ok": True}
    assert _get(url, {"verify": False}) == {"ok": True}
    with pytest.raises(SyncError, match="TLS verification failed"):  # no tls: the variable applies
        _get(url, None)


def test_bundle_variable_applies_when_gdash_yaml_says_nothing(https, monkeypatch):
    url, cert, _ = https
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    assert _get(url, None) == {"ok": True}
    assert _get(url, {"verify": True}) == {"ok": True}


def test_missing_ca_cert_file_is_one_line(https, tmp_path, monkeypatch):
    url, _, _ = https
    with pytest.raises(SyncError) as error:
        _get(url, {"ca_cert": str(tmp_path / "missing.pem")})
    assert "\n" not in error.value.one_line() and "ca_cert" in error.value.hint
