"""Dashboard v2: the same authoring objects written as elements + layout, validated against Grafana's v2
OpenAPI description, pushed through dashboard.grafana.app/v2 and pulled back unchanged."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import requests
import yaml
from click.testing import CliRunner

from gdash import Dashboard
from gdash.authoring.checks import AuthoringError
from gdash.build import build_outputs
from gdash.cli import main
from gdash.compile.v2 import to_v2_spec
from gdash.project import load_project
from gdash.sync.pull import pull
from gdash.sync.push import push
from gdash.testing.contract import ApisContract

from .apis_helpers import apis_calls, make_apis_emulator
from .sync_helpers import REPO, TOKEN, environment

V2_SPEC = REPO / ".." / "shared" / "grafana" / "apis" / "dashboard.grafana.app-v2.json"


@pytest.fixture(scope="module")
def v2_contract() -> ApisContract:
    return ApisContract(V2_SPEC)


def test_every_seed_dashboard_is_a_valid_v2_spec(v2_contract: ApisContract) -> None:
    project = load_project(REPO)
    for dashboard in project.dashboards:
        spec = to_v2_spec(dashboard.model)
        assert v2_contract.schema_errors("DashboardSpec", spec) == [], dashboard.uid
        panels = [p for p in dashboard.model["panels"] if p["type"] != "row"]
        panels += [c for p in dashboard.model["panels"] if p["type"] == "row" for c in p.get("panels", [])]
        assert sorted(spec["elements"]) == sorted(f"panel-{p['id']}" for p in panels)
        rows = [p["title"] for p in dashboard.model["panels"] if p["type"] == "row"]
        if rows:
            assert spec["layout"]["kind"] == "RowsLayout"
            assert [r["spec"]["title"] for r in spec["layout"]["spec"]["rows"] if not r["spec"].get("hideHeader")] == rows
        variables = {v["name"]: v for v in dashboard.model["templating"]["list"]}
        assert [v["spec"]["name"] for v in spec["variables"]] == list(variables)
        assert spec["timeSettings"]["from"] == dashboard.model["time"]["from"]


def test_the_v2_contract_rejects_what_grafana_would(v2_contract: ApisContract) -> None:
    spec = to_v2_spec(load_project(REPO).dashboards[0].model)
    wrong_kind = json.loads(json.dumps(spec))
    wrong_kind["layout"]["kind"] = "Grid"
    assert v2_contract.schema_errors("DashboardSpec", wrong_kind)
    no_title = {k: v for k, v in spec.items() if k != "title"}
    assert any("'title' is a required property" in e for e in v2_contract.schema_errors("DashboardSpec", no_title))
    element = next(iter(spec["elements"].values()))
    element["spec"]["data"]["spec"]["queries"][0]["spec"].pop("refId")
    assert v2_contract.schema_errors("DashboardSpec", spec)


def test_schema_v2_on_a_dashboard_and_in_the_build(tmp_path: Path) -> None:
    board = Dashboard("Q", uid="q", schema="v2")
    assert board._gdash_schema == "v2"
    with pytest.raises(AuthoringError, match=r"Dashboard\(\): schema must be one of None, 'v1', 'v2'"):
        Dashboard("Q", uid="q", schema="v3")
    project = load_project(REPO)
    project.dashboards[0].schema = "v2"
    outputs = build_outputs(project)
    first = json.loads(outputs[f"dashboards/{project.dashboards[0].relpath}"])
    assert first["apiVersion"] == "dashboard.grafana.app/v2" and first["metadata"]["name"] == project.dashboards[0].uid
    assert "panels" not in first["spec"] and first["spec"]["elements"]
    second = json.loads(outputs[f"dashboards/{project.dashboards[1].relpath}"])
    assert "panels" in second and "apiVersion" not in second
    project.config.raw["dashboard_schema"] = "v2"
    assert all("apiVersion" in json.loads(text) for path, text in build_outputs(project).items()
               if path.startswith("dashboards/"))


def test_v2_round_trips_through_push_and_pull_on_grafana_13(seed_project: Path, tmp_path: Path) -> None:
    emulator = make_apis_emulator("13.2")
    with emulator:
        project = load_project(seed_project)
        env = dataclasses.replace(environment(emulator), dashboard_schema="v2")
        assert not push(project, env).failures
        creates = [c for c in apis_calls(emulator) if c.startswith("POST /apis/dashboard.grafana.app/")]
        assert creates and all("/v2/" in c for c in creates)
        org = emulator.grafana.org(1)
        assert {d.api_version for d in org.dashboards.values()} == {"v2"}
        legacy = requests.get(f"{emulator.url}/api/dashboards/uid/cache", headers={"Authorization": f"Bearer {TOKEN}"})
        assert legacy.status_code == 406 and "api version not supported" in legacy.json()["message"]

        emulator.clear_log()
        again = push(project, env)
        assert again.plan.counts()["create"] == again.plan.counts()["update"] == 0 and emulator.writes() == []

        pulled = pull(env, tmp_path / "pulled")
        assert pulled.written
        cache = json.loads(next((tmp_path / "pulled").rglob("cache.json")).read_text())
        assert cache["apiVersion"] == "dashboard.grafana.app/v2" and cache["metadata"] == {"name": "cache"}
        sent = next(a for a in push(project, env, dry_run=True).plan.actions if a.key == "cache")
        assert sent.verb == "unchanged"
        assert cache["spec"] == org.dashboards["cache"].model, "pull writes the stored v2 spec unchanged"
        assert cache["spec"]["elements"] and cache["spec"]["layout"]["kind"] == "RowsLayout"

        with emulator.grafana.lock:
            emulator.apis.ui_save(org, "cache", lambda spec: spec.update(title="Edited in v2"))
        conflict = next(a for a in push(project, env).plan.actions if a.key == "cache")
        assert conflict.verb == "conflict" and "saved from Grafana's UI" in conflict.reason
        assert emulator.violations == []


def test_v2_is_pushed_as_v1_where_grafana_has_no_dashboard_v2(seed_project: Path) -> None:
    emulator = make_apis_emulator("12.2")
    with emulator:
        project = load_project(seed_project)
        env = dataclasses.replace(environment(emulator), dashboard_schema="v2")
        assert not push(project, env).failures
        assert {d.api_version for d in emulator.grafana.org(1).dashboards.values()} == {"v1"}
        assert not [c for c in apis_calls(emulator) if "/dashboard.grafana.app/v2/" in c]
        assert emulator.violations == []


def test_legacy_api_refuses_v2_on_grafana_13() -> None:
    emulator = make_apis_emulator("13.2")
    with emulator:
        v2 = {"title": "x", "elements": {}, "layout": {"kind": "GridLayout", "spec": {"items": []}}}
        answer = requests.post(f"{emulator.url}/api/dashboards/db", json={"dashboard": v2},
                               headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 400 and "dashboard.grafana.app/v2" in answer.json()["message"]
        assert emulator.violations == []


def test_provision_writes_v1_and_says_so(seed_project: Path, tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / "gdash.yaml").read_text())
    (seed_project / "gdash.yaml").write_text(yaml.safe_dump({**config, "dashboard_schema": "v2"}))
    result = CliRunner().invoke(main, ["-C", str(seed_project), "provision", "--out", str(tmp_path / "prov")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "dashboard cache asks for schema v2; provisioning files are written as v1" in result.output
    cache = json.loads(next((tmp_path / "prov").rglob("cache.json")).read_text())
    assert "panels" in cache and "elements" not in cache


def test_bad_dashboard_schema_setting_is_a_one_line_error(seed_project: Path) -> None:
    (seed_project / "gdash.yaml").write_text(yaml.safe_dump({"dashboard_schema": "v3"}))
    result = CliRunner().invoke(main, ["-C", str(seed_project), "build", "--out", str(seed_project / "out")])
    assert result.exit_code != 0 and "gdash.yaml:1: dashboard_schema: 'v3' is not one of v1, v2" in result.output
    assert "Traceback" not in result.output
