"""The contract checker catches what does not match Grafana's OpenAPI description (and nothing else)."""
from __future__ import annotations

import pytest
import requests

from gdash.testing import Contract, GrafanaEmulator

from .sync_helpers import TOKEN, require_spec


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract(require_spec())


def find(contract: Contract, method: str, path: str):
    found = contract.find(method, path)
    assert found is not None, f"{method} {path} not in the spec"
    return found


def test_routing_prefers_literal_segments(contract: Contract) -> None:
    op, params = find(contract, "GET", "/api/v1/provisioning/alert-rules/export")
    assert op.operation_id == "RouteGetAlertRulesExport" and params == {}
    op, params = find(contract, "GET", "/api/v1/provisioning/alert-rules/abc")
    assert op.operation_id == "RouteGetAlertRule" and params == {"UID": "abc"}
    assert contract.find("GET", "/api/no/such/thing") is None
    assert contract.find("PATCH", "/api/dashboards/db") is None


def test_request_body_and_parameters_are_checked(contract: Contract) -> None:
    op, params = find(contract, "POST", "/api/dashboards/db")
    good = {"dashboard": {"title": "x"}, "folderUid": "f", "overwrite": False, "message": "m"}
    assert contract.check_request(op, params, {}, {}, good, "application/json") == []
    bad = contract.check_request(op, params, {}, {}, {"dashboard": ["not", "an", "object"], "overwrite": "yes"},
                                 "application/json")
    assert any("at dashboard" in p and "is not of type 'object'" in p for p in bad)
    assert any("at overwrite" in p for p in bad)
    assert contract.check_request(op, params, {}, {}, good, "text/plain") != []

    search, _ = find(contract, "GET", "/api/search")
    assert contract.check_request(search, {}, {"type": ["dash-db"], "limit": ["5000"], "page": ["2"],
                                               "tag": ["a", "b"]}, {}, None, None) == []
    problems = contract.check_request(search, {}, {"limit": ["many"], "typo": ["1"], "type": ["dashboard"]}, {},
                                      None, None)
    assert len(problems) == 3 and any("undeclared query parameter 'typo'" in p for p in problems)


def test_responses_are_checked(contract: Contract) -> None:
    op, _ = find(contract, "POST", "/api/dashboards/db")
    ok = {"id": 1, "uid": "u", "url": "/d/u/x", "status": "success", "version": 1, "title": "x"}
    assert contract.check_response(op, 200, ok, "application/json") == []
    missing = contract.check_response(op, 200, {"id": 1, "uid": "u"}, "application/json")
    assert any("'version' is a required property" in p for p in missing)
    assert contract.check_response(op, 412, {"message": "m", "status": "version-mismatch"}, "application/json") == []
    assert contract.check_response(op, 412, {"status": "x"}, "application/json") != [], "message is required"
    assert "status not declared" in contract.check_response(op, 409, {"message": "m"}, "application/json")[0]

    rule, _ = find(contract, "DELETE", "/api/v1/provisioning/alert-rules/x")
    assert contract.check_response(rule, 204, None, None) == []
    assert contract.check_response(rule, 204, {"message": "x"}, "application/json") != []
    assert contract.check_response(rule, 401, {"message": "Unauthorized"}, "application/json") == [], \
        "adaptation 7: the auth middleware may answer 401 anywhere"


def test_enum_whitespace_adaptation(contract: Contract) -> None:
    op, params = find(contract, "POST", "/api/v1/provisioning/contact-points")
    body = {"uid": "slack-1", "name": "n", "type": "slack", "settings": {}}
    assert contract.check_request(op, params, {}, {}, body, "application/json") == []
    assert contract.check_request(op, params, {}, {}, dict(body, type="carrier-pigeon"), "application/json") != []


def test_every_emulated_operation_exists_in_the_spec(contract: Contract) -> None:
    ids = {op.operation_id for op in contract._operations}
    emulator = GrafanaEmulator(require_spec())
    assert set(emulator.grafana.handlers) <= ids


def test_emulator_records_violations_and_rejects_the_request(grafana: GrafanaEmulator) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    assert session.get(f"{grafana.url}/api/search", params={"limt": 5}).status_code == 400
    assert session.get(f"{grafana.url}/api/not-an-endpoint").status_code == 404
    assert session.post(f"{grafana.url}/api/dashboards/db", json={"dashboard": "text"}).status_code == 400
    found = list(grafana.violations)
    grafana.violations.clear()  # the fixture would (rightly) fail the test otherwise
    assert len(found) == 3
    assert "undeclared query parameter 'limt'" in found[0]
    assert "no such operation" in found[1]
    assert "at dashboard" in found[2]


def test_requests_are_checked_even_when_a_fault_answers(grafana: GrafanaEmulator) -> None:
    grafana.faults.queue("429")
    answer = requests.get(f"{grafana.url}/api/search", params={"limt": 5}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 429
    found = list(grafana.violations)
    grafana.violations.clear()
    assert found == ["request GET /search: undeclared query parameter 'limt'"]


def test_emulator_responses_are_checked_too(grafana: GrafanaEmulator) -> None:
    grafana.grafana.handlers["getHealth"] = lambda org, call: (200, {"version": 11})  # a broken handler
    requests.get(f"{grafana.url}/api/health")
    found = list(grafana.violations)
    grafana.violations.clear()
    assert found and "response 200 to GET /health" in found[0] and "is not of type 'string'" in found[0]
