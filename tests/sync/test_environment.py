"""Selecting the target: gdash.yaml environments, --url + GRAFANA_TOKEN, and one-line errors for every mistake."""
from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cli import main
from gdash.config import Config
from gdash.errors import ConfigError
from gdash.sync.client import BasicAuth, BearerToken, SyncError
from gdash.sync.environment import resolve_environment
from gdash.sync.live import search_dashboards
from gdash.testing import GrafanaEmulator

from .sync_helpers import TOKEN, write_config

PROD = {"url": "https://grafana.example.com", "token_env": "PROD_TOKEN", "org_id": 3, "folder": "Ops",
        "datasources": {"prometheus": "prom-prod"}, "tls": {"ca_cert": "/etc/ssl/ca.pem"}, "timeout": 20,
        "concurrency": 4}


def config(**environments) -> Config:
    return Config(path=Path("gdash.yaml"), raw={"environments": environments})


def test_environment_from_config() -> None:
    env = resolve_environment(config(prod=PROD), "prod", environ={"PROD_TOKEN": "t0k"},
                              datasources={"loki": "loki-prod"})
    assert (env.name, env.url, env.org_id, env.folder, env.concurrency) == ("prod", PROD["url"], 3, "Ops", 4)
    assert env.datasources == {"prometheus": "prom-prod", "loki": "loki-prod"}
    assert env.verify == "/etc/ssl/ca.pem" and env.timeout == (10.0, 20.0)
    assert isinstance(env.credentials, BearerToken)


def test_basic_auth_and_ad_hoc_url() -> None:
    basic = dict(PROD, token_env=None, user="admin", password_env="PROD_PASSWORD")
    env = resolve_environment(config(prod=basic), "prod", environ={"PROD_PASSWORD": "pw"})
    assert isinstance(env.credentials, BasicAuth)
    adhoc = resolve_environment(Config(), url="http://localhost:3000/", environ={"GRAFANA_TOKEN": "t"})
    assert (adhoc.url, adhoc.name) == ("http://localhost:3000", "localhost-3000")


@pytest.mark.parametrize(
    ("name", "url", "environ", "raw", "message"),
    [
        ("staging", None, {}, {"prod": PROD}, "environment 'staging' is not defined in gdash.yaml"),
        ("prod", None, {}, {"prod": PROD},
         "environment variable PROD_TOKEN (token_env of environment 'prod') is not set"),
        ("prod", None, {}, {"prod": dict(PROD, token_env=None, user="admin", password_env="PROD_PASSWORD")},
         "environment variable PROD_PASSWORD (password_env of environment 'prod') is not set"),
        (None, "http://localhost:3000", {}, {}, "environment variable GRAFANA_TOKEN is not set"),
        ("prod", "http://localhost:3000", {}, {"prod": PROD}, "exactly one of --env NAME or --url URL"),
        (None, None, {}, {}, "exactly one of --env NAME or --url URL"),
        (None, "localhost:3000", {"GRAFANA_TOKEN": "t"}, {}, "invalid Grafana url 'localhost:3000'"),
        (None, "http://admin:hunter2@localhost:3000", {"GRAFANA_TOKEN": "t"}, {},
         "the Grafana url contains credentials"),
        ("prod", None, {"PROD_TOKEN": "t"}, {"prod": dict(PROD, colour="red")}, "unknown key 'colour'"),
        ("prod", None, {}, {"prod": {"url": "https://g"}}, "environment 'prod' has no credentials"),
    ],
)
def test_configuration_mistakes_are_one_line_errors(name, url, environ, raw, message) -> None:
    with pytest.raises(ConfigError) as error:
        resolve_environment(config(**raw), name, url, environ=environ)
    assert message in error.value.one_line() and "\n" not in error.value.one_line()
    assert error.value.hint and "hunter2" not in error.value.one_line()


def cli(root: Path, *args: str, **env: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], env=env, catch_exceptions=False)


def assert_one_line_error(result, exit_code: int, *needles: str) -> None:
    assert result.exit_code == exit_code, result.output
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("retrying ")]
    assert len(lines) == 2 and lines[0].startswith("error: ") and lines[1].startswith("hint: "), result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0]


def test_unreachable_url_is_a_one_line_error(seed_project: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = cli(seed_project, "push", "--url", f"http://127.0.0.1:{port}", GRAFANA_TOKEN="t")
    assert_one_line_error(result, 1, "connection refused", f"127.0.0.1:{port}")


def test_wrong_token_is_a_one_line_error_with_an_auth_hint(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    result = cli(seed_project, "push", "--env", "test", GDASH_TEST_TOKEN="glsa_wrong")
    assert_one_line_error(result, 1, "Grafana rejected the credentials (401")
    assert "$GDASH_TEST_TOKEN" in result.stderr and "glsa_wrong" not in result.output
    assert grafana.writes() == []


def test_viewer_token_gets_a_permission_hint(grafana: GrafanaEmulator, seed_project: Path) -> None:
    grafana.add_token("glsa_viewer", role="Viewer")
    write_config(seed_project, grafana)
    result = cli(seed_project, "push", "--env", "test", GDASH_TEST_TOKEN="glsa_viewer")
    assert result.exit_code == 1
    assert "permission denied (403" in result.stderr and "Editor" in result.stderr
    assert grafana.grafana.org(1).dashboards == {}


def test_not_a_grafana_server(tmp_path: Path) -> None:
    class NotGrafana(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>hello</html>")

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), NotGrafana)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = resolve_environment(Config(), url=f"http://127.0.0.1:{server.server_port}",
                                  environ={"GRAFANA_TOKEN": "t"})
        with pytest.raises(SyncError) as error:
            search_dashboards(env.client())
        assert "is not JSON" in error.value.one_line() and "without /api" in error.value.hint
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def tls_server(tmp_path: Path):
    """An HTTPS server with a self-signed certificate that no CA bundle trusts."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_tls_failure_is_a_one_line_error(tls_server: str, seed_project: Path) -> None:
    result = cli(seed_project, "push", "--url", tls_server, GRAFANA_TOKEN=TOKEN)
    assert_one_line_error(result, 1, "TLS verification failed for", tls_server)
    assert "ca_cert" in result.stderr
