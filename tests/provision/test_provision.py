"""`gdash provision`: the provisioning tree, its schemas, datasource uids, safety and stable reruns."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from gdash.config import load_config
from gdash.errors import ConfigError
from gdash.project import load_project
from gdash.provision import MANIFEST, provision_outputs, write_provisioning
from gdash.provision.tree import validate_document
from gdash.validate import validate_alerting

CONFIG = """
provision:
  path: /grafana/prov
  dashboards: {update_interval_seconds: 10}
  datasources:
    prometheus: {type: prometheus, url: "http://prometheus:9090"}
environments:
  prod:
    url: https://grafana.example.com
    token_env: GRAFANA_PROD_TOKEN
    org_id: 3
    datasources: {prometheus: prom-prod-uid}
"""

DASHBOARD = """
from gdash import Dashboard, datasource_var, prom, timeseries

dashboard = Dashboard(
    "Service {n}", uid="svc-{n}", folder="{folder}",
    variables=[datasource_var("prometheus")],
    panels=[timeseries("Requests", prom("sum(rate(http_requests_total[5m]))")),
            timeseries("Pinned", prom("up", datasource="prometheus"))],
)
"""

ALERTS = """
from gdash import AlertGroup, alert_rule

def rule(title):
    return alert_rule(title, "up", op="eq", threshold=0, severity="critical", team="a",
                      summary="s", description="d", runbook_url="https://runbooks.example.com")

group = AlertGroup("g", *[rule(t) for t in {titles!r}], folder="Team alerts")
"""


def _project(make_project, titles=("FirstDown", "SecondDown"), dashboards=(("1", "Team A"), ("2", "Team B"))) -> Path:
    files = {"gdash.yaml": CONFIG, "alerts/rules.py": ALERTS.format(titles=list(titles))}
    files.update({f"dashboards/svc{n}.py": DASHBOARD.format(n=n, folder=folder) for n, folder in dashboards})
    return make_project(files)


def _load(root: Path):
    return load_project(root, load_config(root / "gdash.yaml"))


def _snapshot(root: Path) -> dict[str, tuple[bytes | None, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None, p.stat().st_mtime_ns)
            for p in sorted([root, *root.rglob("*")])}


def test_seed_tree_has_bare_dashboards_providers_datasources_and_alerting(tmp_path, seed_root, gdash):
    out = tmp_path / "prov"
    result = gdash("provision", "--out", str(out), "--env", "prod", cwd=seed_root)
    assert result.returncode == 0, result.stderr
    assert "provisioned 7 dashboards and 23 alert rules" in result.stdout  # 6 + the SLO dashboard; 17 + 6 SLO alerts
    dashboards = sorted(p.relative_to(out).as_posix() for p in out.glob("dashboards/*/*.json"))
    assert "dashboards/backend/api-performance.json" in dashboards and len(dashboards) == 7
    for path in out.glob("dashboards/*/*.json"):
        model = json.loads(path.read_text())
        assert "dashboard" not in model and "panels" in model and model["uid"] == path.stem  # bare model
        assert "gdash:" not in path.read_text()
    providers = yaml.safe_load((out / "dashboards/gdash.yaml").read_text())["providers"]
    backend = next(p for p in providers if p["folder"] == "Backend")
    assert backend["type"] == "file" and backend["folderUid"] == "gdash-backend"
    assert backend["options"] == {"path": "/etc/grafana/provisioning/dashboards/backend", "foldersFromFilesStructure": False}
    assert {"disableDeletion", "allowUiUpdates", "updateIntervalSeconds", "orgId", "name"} <= set(backend)
    datasources = {d["type"]: d for d in yaml.safe_load((out / "datasources/datasources.yaml").read_text())["datasources"]}
    assert datasources["prometheus"]["uid"] == "prometheus-prod" and datasources["prometheus"]["isDefault"]
    assert datasources["loki"]["uid"] == "loki-prod" and datasources["loki"]["url"] == "http://loki:3100"
    rules = yaml.safe_load((out / "alerting/backend-alerts.yaml").read_text())
    query = rules["groups"][0]["rules"][0]["data"][0]
    assert query["datasourceUid"] == "prometheus-prod" and query["model"]["datasource"]["uid"] == "prometheus-prod"
    notifications = yaml.safe_load((out / "alerting/notifications.yaml").read_text())
    assert {"contactPoints", "policies"} <= set(notifications)
    assert "${SLACK_CRITICAL_WEBHOOK_URL}" in (out / "alerting/notifications.yaml").read_text()
    assert not list(out.glob(".gdash-staging-*"))


def test_every_written_document_passes_its_schema(tmp_path, make_project):
    root = _project(make_project)
    project = _load(root)
    assert write_provisioning(project, project.config, tmp_path / "out", "prod")[1] == []
    out = tmp_path / "out"
    assert validate_document(yaml.safe_load((out / "dashboards/gdash.yaml").read_text()), "provisioning-dashboards.schema.json", "d") == []
    assert validate_document(yaml.safe_load((out / "datasources/datasources.yaml").read_text()),
                             "provisioning-datasources.schema.json", "d") == []
    assert validate_alerting(yaml.safe_load((out / "alerting/team-alerts.yaml").read_text())) == []
    # the schemas do reject what Grafana would: a provider without options.path, a datasource without url
    broken = yaml.safe_load((out / "dashboards/gdash.yaml").read_text())
    del broken["providers"][0]["options"]["path"]
    assert [p.path for p in validate_document(broken, "provisioning-dashboards.schema.json", "d")] == ["$.providers[0].options"]
    datasources = yaml.safe_load((out / "datasources/datasources.yaml").read_text())
    del datasources["datasources"][0]["url"]
    assert validate_document(datasources, "provisioning-datasources.schema.json", "d")[0].message == "'url' is a required property"


def test_environment_sets_uids_and_org_everywhere(tmp_path, make_project):
    root = _project(make_project)
    project = _load(root)
    outputs = provision_outputs(project, project.config, "prod", {"files": []}).outputs
    dashboard = json.loads(outputs["dashboards/team-a/svc-1.json"])
    pinned = next(p for p in dashboard["panels"] if p["title"] == "Pinned")
    assert pinned["targets"][0]["datasource"]["uid"] == "prom-prod-uid"
    assert dashboard["templating"]["list"][0]["current"]["value"] == "prom-prod-uid"
    providers = yaml.safe_load(outputs["dashboards/gdash.yaml"])["providers"]
    assert [(p["folder"], p["orgId"], p["options"]["path"], p["updateIntervalSeconds"]) for p in providers] == [
        ("Team A", 3, "/grafana/prov/dashboards/team-a", 10), ("Team B", 3, "/grafana/prov/dashboards/team-b", 10)]
    alerting = yaml.safe_load(outputs["alerting/team-alerts.yaml"])
    assert alerting["groups"][0]["orgId"] == 3
    assert alerting["groups"][0]["rules"][0]["data"][0]["datasourceUid"] == "prom-prod-uid"
    default = provision_outputs(project, project.config, None, {"files": []}).outputs
    assert yaml.safe_load(default["datasources/datasources.yaml"])["datasources"][0]["uid"] == "prometheus"


def test_rerun_without_change_keeps_every_byte_and_mtime(tmp_path, make_project, gdash):
    root = _project(make_project)
    out = tmp_path / "out"
    assert gdash("provision", "--out", str(out), cwd=root).returncode == 0
    before = _snapshot(out)
    result = gdash("provision", "--out", str(out), cwd=root)
    assert result.returncode == 0, result.stderr
    assert "0 written" in result.stdout
    assert _snapshot(out) == before


def test_removed_rules_become_delete_rules_and_stale_files_go(tmp_path, make_project, gdash):
    root = _project(make_project)
    out = tmp_path / "out"
    assert gdash("provision", "--out", str(out), cwd=root).returncode == 0
    foreign = out / "dashboards/team-b/hand-made.json"
    foreign.write_text("{}")
    _project(make_project, titles=("FirstDown",), dashboards=(("1", "Team A"),))
    (root / "dashboards/svc2.py").unlink()
    result = gdash("provision", "--out", str(out), cwd=root)
    assert result.returncode == 0, result.stderr
    assert f"removed {out}/dashboards/team-b/svc-2.json" in result.stdout
    assert not (out / "dashboards/team-b/svc-2.json").exists() and foreign.read_text() == "{}"
    deleted = yaml.safe_load((out / "alerting/deleted-rules.yaml").read_text())
    assert deleted == {"apiVersion": 1, "deleteRules": [{"orgId": 1, "uid": "second-down"}]}
    assert validate_alerting(deleted) == []
    kept = yaml.safe_load((out / "alerting/team-alerts.yaml").read_text())
    assert [r["uid"] for r in kept["groups"][0]["rules"]] == ["first-down"]
    # the deletion stays (byte-stable reruns) until the rule comes back
    before = _snapshot(out)
    assert gdash("provision", "--out", str(out), cwd=root).returncode == 0
    assert _snapshot(out) == before
    _project(make_project, titles=("FirstDown", "SecondDown"), dashboards=(("1", "Team A"),))
    assert gdash("provision", "--out", str(out), cwd=root).returncode == 0
    assert not (out / "alerting/deleted-rules.yaml").exists()
    assert json.loads((out / MANIFEST).read_text())["deleted_rules"] == []


def test_never_overwrites_a_file_gdash_did_not_write(tmp_path, make_project, gdash):
    root = _project(make_project)
    out = tmp_path / "out"
    (out / "datasources").mkdir(parents=True)
    (out / "datasources/datasources.yaml").write_text("# mine\n")
    result = gdash("provision", "--out", str(out), cwd=root)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {out}/datasources/datasources.yaml: ")
    assert "was not written by gdash" in result.stderr and "Traceback" not in result.stderr
    assert (out / "datasources/datasources.yaml").read_text() == "# mine\n"
    assert not (out / "dashboards").exists() and not (out / MANIFEST).exists()  # nothing half-written


def test_configuration_errors_are_one_line(tmp_path, make_project, gdash):
    root = _project(make_project)
    (root / "gdash.yaml").write_text(CONFIG.replace('prometheus: {type: prometheus, url: "http://prometheus:9090"}', "{}"))
    result = gdash("provision", "--out", str(tmp_path / "o"), cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == ("error: gdash.yaml: datasource 'prometheus' is used but "
                                             "provision.datasources.prometheus has no url")
    assert result.stderr.splitlines()[1].startswith("hint: add `provision: {datasources: {prometheus:")
    (root / "gdash.yaml").write_text(CONFIG)
    result = gdash("provision", "--out", str(tmp_path / "o"), "--env", "nope", cwd=root)
    assert result.returncode == 2 and "environment 'nope' is not defined" in result.stderr
    (root / "gdash.yaml").write_text(CONFIG.replace("datasources: {prometheus: prom-prod-uid}",
                                                    "datasource: {prometheus: prom-prod-uid}"))
    result = gdash("provision", "--out", str(tmp_path / "o"), "--env", "prod", cwd=root)
    assert result.returncode == 2 and "gdash.yaml:12: environments.prod: unknown key 'datasource'" in result.stderr
    assert not (tmp_path / "o").exists()


def test_unknown_provision_keys_are_rejected(make_project):
    root = _project(make_project)
    (root / "gdash.yaml").write_text(CONFIG.replace("dashboards: {update_interval_seconds: 10}", "dashboards: {interval: 10}"))
    with pytest.raises(ConfigError, match="gdash.yaml:4: provision.dashboards: unknown key 'interval'"):
        _load(root)  # the config schema refuses it before anything is compiled


def test_staging_is_cleaned_up_when_a_move_fails(tmp_path, make_project, monkeypatch):
    root = _project(make_project)
    project = _load(root)
    out = tmp_path / "out"
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_provisioning(project, project.config, out)
    assert calls and not list(out.glob(".gdash-staging-*")) and not (out / MANIFEST).exists()


def test_deletions_never_cross_organisations(make_project):
    root = _project(make_project)
    project = _load(root)
    previous = {"files": [], "rules": [[1, "gone-in-org-1"], [3, "gone-in-org-3"]], "deleted_rules": [[3, "older"]]}
    provisioned = provision_outputs(project, project.config, "prod", previous)  # prod is org 3
    assert yaml.safe_load(provisioned.outputs["alerting/deleted-rules.yaml"])["deleteRules"] == [
        {"orgId": 3, "uid": "gone-in-org-3"}, {"orgId": 3, "uid": "older"}]
    assert provisioned.state["deleted_rules"] == [[3, "gone-in-org-3"], [3, "older"]]
