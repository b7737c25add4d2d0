"""gdash.livecheck.prometheus.api_get: the one read of Prometheus' API behind LIVE001 and the metadata types."""
from __future__ import annotations

import http.server
import socket
import threading

import pytest

from gdash.errors import ConfigError
from gdash.lint.metadata import fetch_metric_types
from gdash.livecheck import metric_names
from gdash.livecheck.prometheus import api_get


def _server(status: int, payload: bytes):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def answering(request):
    status, payload = request.param
    server = _server(status, payload)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("answering", [(200, b'{"status": "success", "data": ["up"]}')], indirect=True)
def test_accepted_body_is_returned(answering):
    assert api_get(answering, "/api/v1/x", "x", lambda body: body["status"] == "success") == {
        "status": "success", "data": ["up"]}


@pytest.mark.parametrize("answering", [(200, b"<html>not json</html>"), (200, b"[1, 2]"), (503, b"{}")],
                         indirect=True)
@pytest.mark.parametrize("read,api", [(metric_names, "label values"), (fetch_metric_types, "metadata")])
def test_answer_that_is_not_the_api_is_one_line_naming_it(answering, read, api):
    # a non-JSON page, JSON of another shape and a server error all read as "not this API", never a traceback
    with pytest.raises(ConfigError) as error:
        read(answering, timeout=5)
    assert str(error.value).startswith(f"Prometheus at {answering} answered HTTP ")
    assert error.value.one_line().count("\n") == 0 and f"to the {api} API" in str(error.value)
    assert "Prometheus server" in error.value.hint


@pytest.mark.parametrize("read", [metric_names, fetch_metric_types])
@pytest.mark.parametrize("url", ["localhost:9090", "ftp://localhost:9090", "http://"])
def test_url_that_is_not_http_is_refused_before_any_request(read, url):
    with pytest.raises(ConfigError, match=r"invalid Prometheus url") as error:
        read(url)
    assert "http://localhost:9090" in error.value.hint


@pytest.mark.parametrize("read", [metric_names, fetch_metric_types])
def test_nothing_listening_is_connection_failed(read):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"  # closed when the request is made
    with pytest.raises(ConfigError, match=r"^cannot reach Prometheus at .*: connection failed$") as error:
        read(url, timeout=5)
    assert "curl URL/-/ready" in error.value.hint


@pytest.mark.parametrize("read", [metric_names, fetch_metric_types])
def test_silent_server_is_no_answer_within_the_timeout(read):
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        with pytest.raises(ConfigError, match=r"no answer within 0.5 s") as error:
            read(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)
    assert "--prometheus-timeout" in error.value.hint


@pytest.mark.parametrize("code,severity", [("LIVE001", "error"), ("DATA001", "warning")])
def test_online_rules_are_documented_and_never_report_offline(code, severity):
    from gdash.lint.rules import RULES, rules_for
    from gdash.lint.rules.registry import SECTIONS

    rule = RULES[code]
    assert rule.online and rule.severity == severity and rule not in rules_for(rule.scope)
    assert list(rule.sections) == list(SECTIONS)  # the documenting function's docstring is the rule's doc
    assert list(rule.check(object())) == []  # its check is the live client's; offline, nothing
    assert rule.check.__module__ == f"gdash.lint.rules.{'live' if code == 'LIVE001' else 'data'}"
    assert rule.check.__name__ == {"LIVE001": "metric_has_series", "DATA001": "query_has_data"}[code]  # SARIF name
