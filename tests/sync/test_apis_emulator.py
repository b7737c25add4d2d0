"""The /apis emulator and its OpenAPI 3 contract: Kubernetes semantics gdash relies on, checked directly."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from gdash.sync.client import HttpError
from gdash.sync.resources import (
    CREATED_BY,
    FOLDER_KIND,
    UPDATED_BY,
    ResourceClient,
    ResourceConflict,
    dashboard_kind,
    last_writer,
)
from gdash.testing.contract import ApisContract

from .apis_helpers import make_apis_emulator
from .sync_helpers import REPO, TOKEN, environment, make_emulator, ui_edit

APIS = REPO / ".." / "shared" / "grafana" / "apis"


@pytest.fixture(scope="module")
def v1beta1() -> ApisContract:
    return ApisContract(APIS / "dashboard.grafana.app-v1beta1.json")


def test_operations_are_keyed_by_group_and_version() -> None:
    ids = set()
    for name in ("dashboard.grafana.app-v1beta1.json", "dashboard.grafana.app-v2.json", "folder.grafana.app-v1.json"):
        ids |= {op.operation_id for op in ApisContract(APIS / name).operations}
    assert {"dashboard.grafana.app/v1beta1:listDashboard", "dashboard.grafana.app/v2:listDashboard",
            "folder.grafana.app/v1:replaceFolder"} <= ids


def test_requests_and_responses_are_checked(v1beta1: ApisContract) -> None:
    op, params = v1beta1.find("GET", "/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards")
    assert params == {"namespace": "default"}
    assert v1beta1.check_request(op, params, {"limit": ["500"], "continue": ["x"]}, {}, None, None) == []
    problems = v1beta1.check_request(op, params, {"limit": ["many"], "limt": ["5"]}, {}, None, None)
    assert any("'many' is not a valid integer" in p for p in problems)
    assert any("undeclared query parameter 'limt'" in p for p in problems)
    create, params = v1beta1.find("POST", "/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards")
    good = {"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard", "metadata": {"name": "a"},
            "spec": {"title": "A"}, "status": {}}
    assert v1beta1.check_request(create, params, {}, {}, good, "application/json") == []
    bad = dict(good, metadata={"name": "a", "annotations": {"n": 1}})
    assert any("at metadata/annotations/n" in p for p in v1beta1.check_request(create, params, {}, {}, bad,
                                                                                "application/json"))
    conflict = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 409, "reason": "Conflict",
                "message": "m", "metadata": {}}
    assert v1beta1.check_response(create, 409, conflict, "application/json") == [], "adaptation A4"
    assert v1beta1.check_response(create, 409, {"code": "409"}, "application/json") != []
    assert "status not declared" in v1beta1.check_response(create, 204, None, None)[0]


def test_apis_are_absent_in_11_4_mode() -> None:
    emulator = make_emulator()
    with emulator:
        answer = requests.get(f"{emulator.url}/apis/folder.grafana.app/v1/namespaces/default/folders",
                              headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 404
        emulator.violations.clear()
    with make_apis_emulator("12.2") as twelve:
        assert not [op for op in twelve.apis.handlers if "/v2:" in op], "dashboard v2 is served from 13 on"


@pytest.fixture
def client() -> ResourceClient:
    emulator = make_apis_emulator("13.2")
    with emulator:
        yield ResourceClient(environment(emulator).client(), "default")
        assert emulator.violations == []


def _dashboard(name: str, title: str, **annotations: str) -> dict:
    return {"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard",
            "metadata": {"name": name, "annotations": dict(annotations)}, "spec": {"title": title}, "status": {}}


def test_paged_list_with_continue(client: ResourceClient) -> None:
    for i in range(7):
        client.create(dashboard_kind(), _dashboard(f"d{i}", f"D {i}"))
    pages = client.client.get(client.path(dashboard_kind()), limit=3)
    assert len(pages["items"]) == 3 and pages["metadata"]["continue"]
    assert sorted(client.list(dashboard_kind(), limit=3)) == [f"d{i}" for i in range(7)]
    with pytest.raises(HttpError) as expired:
        client.client.get(client.path(dashboard_kind()), limit=3, **{"continue": "garbage"})
    assert expired.value.status == 410


def test_resource_version_generation_and_writers(client: ResourceClient) -> None:
    created = client.create(dashboard_kind(), _dashboard("a", "A"))
    notes = created["metadata"]["annotations"]
    assert created["metadata"]["generation"] == 1
    assert notes[CREATED_BY] == "service-account:gdash-ci" and UPDATED_BY not in notes, \
        "createdBy alone until a second write"
    created["spec"]["title"] = "A2"
    updated = client.replace(dashboard_kind(), created)
    assert updated["metadata"]["generation"] == 2 and last_writer(updated) == "service-account:gdash-ci"
    assert updated["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]
    updated["metadata"]["labels"] = {"team": "x"}
    relabelled = client.replace(dashboard_kind(), updated)
    assert relabelled["metadata"]["generation"] == 2, "metadata-only writes keep the generation"
    with pytest.raises(ResourceConflict):
        client.replace(dashboard_kind(), created)  # based on an old resourceVersion: 409, nothing written
    assert client.get(dashboard_kind(), "a")["spec"]["title"] == "A2"
    with pytest.raises(ResourceConflict):
        client.create(dashboard_kind(), _dashboard("a", "again"))
    client.delete(dashboard_kind(), "a")
    client.delete(dashboard_kind(), "a")  # a repeated DELETE is done, not an error
    assert client.get(dashboard_kind(), "a") is None


def test_identity_comes_from_a_dry_run(client: ResourceClient) -> None:
    assert client.identity() == "service-account:gdash-ci"
    assert client.list(FOLDER_KIND) == {}, "a dry run stores nothing"


def test_both_apis_share_one_store(seed_project: Path) -> None:
    emulator = make_apis_emulator("12.2")
    with emulator:
        client = ResourceClient(environment(emulator).client(), "default")
        client.create(dashboard_kind(), _dashboard("shared", "Shared"))
        legacy = requests.get(f"{emulator.url}/api/dashboards/uid/shared", headers={"Authorization": f"Bearer {TOKEN}"})
        assert legacy.json()["dashboard"]["title"] == "Shared"
        assert legacy.json()["dashboard"]["editable"] is True, "Grafana 12.2 normalises what it stores"
        ui_edit(emulator, "shared")
        live = client.get(dashboard_kind(), "shared")
        assert live["spec"]["title"] == "Edited in the UI" and live["metadata"]["generation"] == 2
        assert live["metadata"]["annotations"][UPDATED_BY] == "user:admin"
        assert emulator.violations == []


def test_namespace_must_be_the_requests_organisation() -> None:
    emulator = make_apis_emulator("12.2")
    with emulator:
        answer = requests.get(f"{emulator.url}/apis/folder.grafana.app/v1/namespaces/org-2/folders",
                              headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 403 and answer.json()["kind"] == "Status"
        assert emulator.violations == []


def test_both_contracts_share_one_parameter_and_body_check(v1beta1: ApisContract) -> None:
    from gdash.testing import Contract

    from .sync_helpers import require_spec

    legacy = Contract(require_spec())
    search, _ = legacy.find("GET", "/api/search")
    listing, params = v1beta1.find("GET", "/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards")
    for contract, op, path in ((legacy, search, {}), (v1beta1, listing, params)):
        where = f"request GET {op.template}"
        assert contract.check_request(op, path, {"limit": ["1", "2"]}, {}, None, None) == [
            f"{where}: query parameter 'limit': given 2 times but is not an array"]
        assert contract.check_request(op, path, {"limit": ["1"]}, {}, {"a": 1}, "application/json") == [
            f"{where}: a body was sent but the operation declares none"]
    create, params = v1beta1.find("POST", "/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards")
    save, _ = legacy.find("POST", "/api/dashboards/db")
    for contract, op, path in ((legacy, save, {}), (v1beta1, create, params)):
        assert contract.check_request(op, path, {}, {}, None, None) == [
            f"request POST {op.template}: missing required JSON body"]
