"""The emulator behaves like Grafana 11.4 on the endpoints gdash uses (checked over real HTTP)."""
from __future__ import annotations

import pytest
import requests

from gdash.testing import GrafanaEmulator

from .sync_helpers import TOKEN


@pytest.fixture
def api(grafana: GrafanaEmulator):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"

    def call(method: str, path: str, **kwargs) -> requests.Response:
        return session.request(method, grafana.url + path, timeout=5, **kwargs)

    return call


def save(api, model: dict, **body) -> requests.Response:
    return api("POST", "/api/dashboards/db", json={"dashboard": model, **body})


def rule(uid: str, **fields) -> dict:
    return {"uid": uid, "title": uid, "orgID": 1, "folderUID": "alerts", "ruleGroup": "g", "condition": "A",
            "noDataState": "NoData", "execErrState": "Error", "for": "300s",
            "data": [{"refId": "A", "datasourceUid": "prom-main", "relativeTimeRange": {"from": 600, "to": 0},
                      "model": {"refId": "A", "expr": "up == 0"}}], **fields}


def test_auth(grafana: GrafanaEmulator) -> None:
    grafana.add_user("admin", "secret", {1: "Admin"})
    assert requests.get(grafana.url + "/api/health").status_code == 200, "health needs no auth"
    assert requests.get(grafana.url + "/api/search").status_code == 401
    assert requests.get(grafana.url + "/api/search", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert requests.get(grafana.url + "/api/search", auth=("admin", "secret")).status_code == 200
    assert requests.get(grafana.url + "/api/search", auth=("admin", "wrong")).status_code == 401
    other_org = {"Authorization": f"Bearer {TOKEN}", "X-Grafana-Org-Id": "7"}
    assert requests.get(grafana.url + "/api/search", headers=other_org).status_code == 401
    grafana.add_token("viewer", role="Viewer")
    answer = requests.post(grafana.url + "/api/folders", json={"title": "x"},
                           headers={"Authorization": "Bearer viewer"})
    assert answer.status_code == 403


def test_dashboard_versions_and_412(api) -> None:
    first = save(api, {"uid": "d1", "title": "One"}, message="first")
    assert first.status_code == 200 and first.json()["version"] == 1
    stale = save(api, {"uid": "d1", "title": "One"})
    assert stale.status_code == 412 and stale.json()["status"] == "version-mismatch"
    assert save(api, {"uid": "d1", "title": "One", "version": 1}).json()["version"] == 2
    assert save(api, {"uid": "d1", "title": "One"}, overwrite=True).json()["version"] == 3
    assert save(api, {"uid": "d3", "title": "One 2"}).status_code == 200
    for title in ("One", "one", " ONE "):  # Grafana compares slugs: lower-cased and trimmed
        clash = save(api, {"uid": "d2", "title": title})
        assert clash.status_code == 412 and clash.json()["status"] == "name-exists", title
    taken_over = save(api, {"uid": "d2", "title": "One"}, overwrite=True)
    assert taken_over.json()["uid"] == "d1", "Grafana saves over the dashboard that had the title"


def test_dashboard_validation(api, grafana: GrafanaEmulator) -> None:
    assert save(api, {"uid": "x" * 41, "title": "Long"}).status_code == 400
    assert save(api, {"uid": "bad uid!", "title": "Bad"}).status_code == 400
    assert save(api, {"uid": "t", "title": ""}).status_code == 400
    missing = save(api, {"uid": "m", "title": "M"}, folderUid="no-such-folder")
    assert missing.status_code == 404
    root = save(api, {"uid": "r", "title": "Root"}, folderUid="")
    assert root.json()["folderUid"] == ""
    meta = api("GET", "/api/dashboards/uid/r").json()["meta"]
    assert meta["folderUid"] == "" and meta["folderTitle"] == "General"
    generated = save(api, {"title": "No uid"}).json()["uid"]
    assert generated and api("GET", f"/api/dashboards/uid/{generated}").status_code == 200


def test_provisioned_dashboards_cannot_be_saved_or_deleted(api, grafana: GrafanaEmulator) -> None:
    org = grafana.grafana.org(1)
    grafana.grafana.save_dashboard(org, {"uid": "p", "title": "Provisioned"}, "", False, "", provisioned=True)
    answer = save(api, {"uid": "p", "title": "Provisioned", "version": 1}, overwrite=True)
    assert answer.status_code == 400 and "provisioned" in answer.json()["message"]
    assert api("DELETE", "/api/dashboards/uid/p").status_code == 400
    assert api("GET", "/api/dashboards/uid/p").json()["meta"]["provisioned"] is True


def test_update_without_folder_moves_to_root(api) -> None:
    api("POST", "/api/folders", json={"uid": "f", "title": "F"})
    save(api, {"uid": "d", "title": "D"}, folderUid="f")
    save(api, {"uid": "d", "title": "D", "version": 1})
    assert api("GET", "/api/dashboards/uid/d").json()["meta"]["folderUid"] == ""


def test_search_paging_and_filters(api) -> None:
    api("POST", "/api/folders", json={"uid": "team", "title": "Team"})
    for i in range(7):
        save(api, {"uid": f"d{i}", "title": f"Dash {i}", "tags": ["even"] if i % 2 == 0 else []},
             folderUid="team" if i < 3 else "")
    pages = [api("GET", "/api/search", params={"type": "dash-db", "limit": 3, "page": p}).json() for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert sorted(h["uid"] for p in pages for h in p) == [f"d{i}" for i in range(7)]
    assert {h["uid"] for h in api("GET", "/api/search", params={"tag": "even"}).json()} == {"d0", "d2", "d4", "d6"}
    in_team = api("GET", "/api/search", params={"folderUIDs": "team", "type": "dash-db"}).json()
    assert {h["uid"] for h in in_team} == {"d0", "d1", "d2"} and in_team[0]["folderTitle"] == "Team"
    folders = api("GET", "/api/search", params={"type": "dash-folder"}).json()
    assert [h["uid"] for h in folders] == ["team"]


def test_nested_folders_and_folder_deletion(api, grafana: GrafanaEmulator) -> None:
    assert api("POST", "/api/folders", json={"uid": "alerts", "title": "Alerts"}).status_code == 200
    child = api("POST", "/api/folders", json={"uid": "child", "title": "Child", "parentUid": "alerts"}).json()
    assert child["parentUid"] == "alerts" and child["parents"][0]["uid"] == "alerts"
    assert [f["uid"] for f in api("GET", "/api/folders").json()] == ["alerts"]
    assert [f["uid"] for f in api("GET", "/api/folders", params={"parentUid": "alerts"}).json()] == ["child"]
    assert api("POST", "/api/folders", json={"uid": "alerts", "title": "Again"}).status_code == 409
    assert api("POST", "/api/folders", json={"title": "Alerts"}).status_code == 409

    assert api("PUT", "/api/v1/provisioning/folder/child/rule-groups/g",
               json={"interval": 60, "rules": [rule("r1", folderUID="child")]}).status_code == 200
    assert api("DELETE", "/api/folders/alerts").status_code == 400, "alert rules inside"
    assert api("DELETE", "/api/folders/alerts", params={"forceDeleteRules": "true"}).status_code == 200
    assert api("GET", "/api/folders/child").status_code == 404
    assert grafana.grafana.org(1).rules == {}


def test_alert_rule_provenance(api) -> None:
    api("POST", "/api/folders", json={"uid": "alerts", "title": "Alerts"})
    created = api("POST", "/api/v1/provisioning/alert-rules", json=rule("locked"))
    assert created.status_code == 201 and created.json()["provenance"] == "api" and created.json()["for"] == "5m"
    stored_query = created.json()["data"][0]
    assert stored_query["model"]["maxDataPoints"] == 43200 and stored_query["model"]["intervalMs"] == 1000, \
        "AlertQuery.PreSave defaults"
    editable = api("POST", "/api/v1/provisioning/alert-rules", json=rule("editable"),
                   headers={"X-Disable-Provenance": "true"})
    assert editable.json()["provenance"] == ""
    unlock = api("PUT", "/api/v1/provisioning/alert-rules/locked", json=rule("locked"),
                 headers={"X-Disable-Provenance": "true"})
    assert unlock.status_code == 400 and "provenance" in unlock.json()["message"]
    assert api("PUT", "/api/v1/provisioning/alert-rules/editable", json=rule("editable")).json()["provenance"] == "api"
    assert api("GET", "/api/v1/provisioning/alert-rules/nope").status_code == 404


def test_rule_group_put_replaces_the_group(api, grafana: GrafanaEmulator) -> None:
    api("POST", "/api/folders", json={"uid": "alerts", "title": "Alerts"})
    path = "/api/v1/provisioning/folder/alerts/rule-groups/my%20group"
    assert api("PUT", path, json={"interval": 60, "rules": [rule("a"), rule("b")]}).status_code == 200
    group = api("GET", path).json()
    assert group["title"] == "my group" and [r["uid"] for r in group["rules"]] == ["a", "b"]
    assert {r["ruleGroup"] for r in group["rules"]} == {"my group"}
    assert api("PUT", path, json={"interval": 120, "rules": [rule("b")]}).json()["interval"] == 120
    assert set(grafana.grafana.org(1).rules) == {"b"}
    assert api("PUT", path, json={"interval": 15, "rules": [rule("b")]}).status_code == 400
    bad = api("PUT", path, json={"interval": 60, "rules": [rule("c", data=[dict(rule("c")["data"][0],
                                                                               datasourceUid="missing")])]})
    assert bad.status_code == 400 and "data source not found" in bad.json()["message"]
    assert set(grafana.grafana.org(1).rules) == {"b"}, "a failed PUT changes nothing"
    assert api("DELETE", path).status_code == 204 and api("GET", path).status_code == 404


def test_rule_group_keeps_the_order_it_was_put_in(api) -> None:
    # Grafana stores each rule's position (rule_group_idx) and answers a group GET in that order;
    # pull --as-python relies on it to write rules in the order the project had them.
    api("POST", "/api/folders", json={"uid": "alerts", "title": "Alerts"})
    path = "/api/v1/provisioning/folder/alerts/rule-groups/g"
    assert api("PUT", path, json={"interval": 60, "rules": [rule("zeta"), rule("alpha"), rule("mu")]}).ok
    assert [r["uid"] for r in api("GET", path).json()["rules"]] == ["zeta", "alpha", "mu"]
    assert api("POST", "/api/v1/provisioning/alert-rules", json=rule("beta")).status_code == 201
    assert [r["uid"] for r in api("GET", path).json()["rules"]] == ["zeta", "alpha", "mu", "beta"], \
        "a rule created on its own joins the end of its group"
    assert api("PUT", path, json={"interval": 60, "rules": [rule("mu"), rule("zeta")]}).ok
    assert [r["uid"] for r in api("GET", path).json()["rules"]] == ["mu", "zeta"]


def test_contact_points_policies_templates(api) -> None:
    point = {"uid": "cp1", "name": "oncall", "type": "email", "settings": {"addresses": "a@example.com"}}
    assert api("POST", "/api/v1/provisioning/contact-points", json=point).status_code == 202
    assert api("GET", "/api/v1/provisioning/contact-points", params={"name": "oncall"}).json()[0]["provenance"] == "api"
    slack = {"uid": "cp2", "name": "chat", "type": "slack", "settings": {"url": "https://hooks.invalid/x"}}
    assert api("POST", "/api/v1/provisioning/contact-points", json=slack).status_code == 202
    assert api("GET", "/api/v1/provisioning/contact-points", params={"name": "chat"}).json()[0]["settings"] == \
        {"url": "[REDACTED]"}, "secure settings never come back in clear"
    tree = {"receiver": "oncall", "routes": [{"receiver": "missing"}]}
    assert api("PUT", "/api/v1/provisioning/policies", json=tree).status_code == 400
    assert api("PUT", "/api/v1/provisioning/policies", json={"receiver": "oncall"}).status_code == 202
    assert api("GET", "/api/v1/provisioning/policies").json()["receiver"] == "oncall"
    template = {"template": '{{ define "t" }}x{{ end }}'}
    assert api("PUT", "/api/v1/provisioning/templates/t", json=template).json()["version"] == "1"
    assert api("GET", "/api/v1/provisioning/templates").json()[0]["name"] == "t"


def test_fault_injection(grafana: GrafanaEmulator) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    grafana.faults.retry_after = 3
    grafana.faults.queue("429")
    limited = requests.get(grafana.url + "/api/search", headers=headers)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    grafana.faults.queue("503")
    assert requests.get(grafana.url + "/api/search", headers=headers).status_code == 503
    grafana.faults.queue("reset")
    with pytest.raises(requests.ConnectionError):
        requests.get(grafana.url + "/api/search", headers=headers)
    grafana.faults.timeout_seconds = 0.5
    grafana.faults.queue("timeout")
    with pytest.raises(requests.ReadTimeout):
        requests.get(grafana.url + "/api/search", headers=headers, timeout=0.2)
    grafana.faults.queue("reset", method="POST", after_processing=True)
    with pytest.raises(requests.ConnectionError):
        requests.post(grafana.url + "/api/folders", json={"uid": "f", "title": "F"}, headers=headers)
    assert "f" in grafana.grafana.org(1).folders, "a fault after processing loses only the answer"
    assert [e.fault for e in grafana.exchanges] == ["429", "503", "reset", "timeout", "reset"]
