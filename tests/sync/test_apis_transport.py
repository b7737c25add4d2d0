"""push / diff / pull / prune through the /apis resource API of Grafana 12 and 13 (emulator modes)."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from gdash.config import Config
from gdash.errors import ConfigError
from gdash.project import load_project
from gdash.sync.apis_transport import GENERATION, HASH, MANAGER, WRITER
from gdash.sync.compare import diff_live
from gdash.sync.environment import resolve_environment
from gdash.sync.pull import pull
from gdash.sync.push import push
from gdash.sync.resources import (
    FOLDER,
    FOLDER_KIND,
    MANAGER_ID,
    MANAGER_KIND,
    SAVED_FROM_UI,
    ResourceClient,
    dashboard_kind,
)
from gdash.testing import GrafanaEmulator

from .apis_helpers import APIS_MODES, apis_calls, legacy_dashboard_calls, make_apis_emulator
from .sync_helpers import environment, make_emulator, synthetic_project, ui_edit


@pytest.fixture(params=APIS_MODES)
def grafana(request: pytest.FixtureRequest) -> Iterator[GrafanaEmulator]:
    """Grafana 12.2 and 13.2; every /apis request and response is checked against the OpenAPI 3 snapshots."""
    emulator = make_apis_emulator(request.param)
    with emulator:
        yield emulator
    assert emulator.violations == [], "requests or responses broke Grafana's API contract"


def ui_save(grafana: GrafanaEmulator, uid: str, title: str = "Edited in the UI") -> None:
    with grafana.grafana.lock:
        grafana.apis.ui_save(grafana.grafana.org(1), uid, lambda model: model.update(title=title))


def test_push_uses_apis_and_a_rerun_is_a_verified_no_op(grafana: GrafanaEmulator, seed_project: Path) -> None:
    project = load_project(seed_project)
    env = environment(grafana)
    first = push(project, env)
    assert not first.failures, [o.message for o in first.failures]
    org = grafana.grafana.org(1)
    assert set(org.dashboards) == {d.uid for d in project.dashboards}
    assert not [c for c in legacy_dashboard_calls(grafana) if not c.startswith("GET")], \
        "dashboards and folders are written through /apis only"
    assert any(c.startswith("POST /apis/dashboard.grafana.app/") for c in apis_calls(grafana))
    stored = org.dashboards["api-performance"]
    assert (stored.annotations[MANAGER_KIND], stored.annotations[MANAGER_ID]) == MANAGER
    assert stored.annotations[WRITER] == "service-account:gdash-ci", "identity learnt from the API"
    assert stored.annotations[GENERATION] == "1" and HASH in stored.annotations
    assert all(f.annotations.get(MANAGER_KIND) == "kubectl" for f in org.folders.values())
    if grafana.grafana.at_least(12, 2):
        assert {p.get("pluginVersion") for p in stored.model["panels"] if p["type"] != "row"} == {"12.2.0"}, \
            "the emulator normalises what it stores like Grafana 12.2"

    grafana.clear_log()
    second = push(project, env)
    assert second.plan.counts()["update"] == 0 and second.plan.counts()["create"] == 0
    assert grafana.writes() == []
    assert len(grafana.exchanges) <= 30, "folders, dashboards and alerting together"
    dashboard_reads = [c for c in apis_calls(grafana) if "/dashboards" in c]
    assert dashboard_reads == ["GET /apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards"], \
        "one list tells unchanged dashboards apart: no GET per dashboard, no identity probe"


def test_ui_edit_is_detected_and_force_overwrites(grafana: GrafanaEmulator, seed_project: Path) -> None:
    project = load_project(seed_project)
    env = environment(grafana)
    assert not push(project, env).failures
    ui_save(grafana, "cache")
    result = push(project, env)
    conflict = next(a for a in result.plan.actions if a.key == "cache")
    assert conflict.verb == "conflict" and "saved from Grafana's UI" in conflict.reason
    assert "generation 2, gdash wrote 1" in conflict.reason and "last written by user:alice" in conflict.reason
    assert "Edited in the UI" in conflict.diff
    assert grafana.grafana.org(1).dashboards["cache"].title == "Edited in the UI", "nothing was overwritten"
    assert [o.action.key for o in result.failures] == ["cache"]

    forced = push(project, env, force=True)
    assert not forced.failures
    stored = grafana.grafana.org(1).dashboards["cache"]
    assert stored.title != "Edited in the UI" and SAVED_FROM_UI not in stored.annotations
    assert (seed_project / ".gdash" / "backups" / "test" / "cache").is_dir(), "the UI version was backed up"
    assert push(project, env).plan.counts()["conflict"] == 0


def test_legacy_api_save_moves_the_generation(grafana: GrafanaEmulator, seed_project: Path) -> None:
    project = load_project(seed_project)
    env = environment(grafana)
    assert not push(project, env).failures
    ui_edit(grafana, "system-overview")  # a save through /api/dashboards/db by user:admin
    action = next(a for a in push(project, env, dry_run=True).plan.actions if a.key == "system-overview")
    assert action.verb == "conflict" and "generation 2, gdash wrote 1" in action.reason


def test_metadata_only_write_by_someone_else_is_detected_by_updated_by(grafana: GrafanaEmulator,
                                                                        seed_project: Path) -> None:
    project = load_project(seed_project)
    env = environment(grafana)
    assert not push(project, env).failures
    grafana.add_token("other-token", identity="user:bob")
    other = ResourceClient(environment(grafana, credentials=_bearer("other-token")).client(), "default")
    live = other.get(dashboard_kind(), "cache")
    elsewhere = next(uid for uid in grafana.grafana.org(1).folders if uid != live["metadata"]["annotations"][FOLDER])
    live["metadata"]["annotations"][FOLDER] = elsewhere  # moved: metadata only, the generation stays
    other.replace(dashboard_kind(), live)
    assert grafana.grafana.org(1).dashboards["cache"].generation == 1
    action = next(a for a in push(project, env, dry_run=True).plan.actions if a.key == "cache")
    assert action.verb == "conflict" and "last written by user:bob" in action.reason

    live = other.get(dashboard_kind(), "system-overview")
    live["metadata"]["labels"] = {"team": "bob"}  # nothing gdash owns changed
    other.replace(dashboard_kind(), live)
    action = next(a for a in push(project, env, dry_run=True).plan.actions if a.key == "system-overview")
    assert action.verb == "unchanged", "same content and folder: converged, whoever wrote it last"


def test_change_between_plan_and_write_is_a_409_and_nothing_is_overwritten(grafana: GrafanaEmulator,
                                                                           seed_project: Path) -> None:
    project = load_project(seed_project)
    env = environment(grafana)
    assert not push(project, env).failures
    for dashboard in project.dashboards:
        if dashboard.uid == "cache":
            dashboard.model["description"] = "changed locally"
    result = push(project, env, on_plan=lambda plan: ui_save(grafana, "cache", "Racing UI edit"))
    failure = next(o for o in result.failures if o.action.key == "cache")
    assert "409 Conflict" in failure.message and "nothing was overwritten" in failure.message
    assert grafana.grafana.org(1).dashboards["cache"].title == "Racing UI edit"


def test_other_manager_is_refused(grafana: GrafanaEmulator, seed_project: Path) -> None:
    project = load_project(seed_project)
    env = environment(grafana)
    assert not push(project, env).failures
    stored = grafana.grafana.org(1).dashboards["cache"]
    stored.annotations.update({MANAGER_KIND: "terraform", MANAGER_ID: "stack-7"})
    next(d for d in project.dashboards if d.uid == "cache").model["description"] = "changed locally"
    action = next(a for a in push(project, env, dry_run=True).plan.actions if a.key == "cache")
    assert action.verb == "conflict" and "managed by terraform (stack-7)" in action.reason
    forced = push(project, env, force=True)
    failure = next(o for o in forced.failures if o.action.key == "cache")
    assert "managed by terraform (stack-7)" in failure.message, "even --force never takes over another tool's object"
    assert stored.annotations[MANAGER_KIND] == "terraform" and stored.model.get("description") != "changed locally"


def test_grafana_13_2_refuses_to_change_the_manager(seed_project: Path) -> None:
    emulator = make_apis_emulator("13.2")
    with emulator:
        client = ResourceClient(environment(emulator).client(), "default")
        body = {"apiVersion": "folder.grafana.app/v1", "kind": "Folder",
                "metadata": {"name": "tf", "annotations": {MANAGER_KIND: "terraform", MANAGER_ID: "stack-7"}},
                "spec": {"title": "Terraform's"}}
        created = client.create(FOLDER_KIND, body)
        created["metadata"]["annotations"].update({MANAGER_KIND: "kubectl", MANAGER_ID: "gdash"})
        with pytest.raises(Exception, match="Grafana refuses to change the manager of 'tf'"):
            client.replace(FOLDER_KIND, created)
        assert emulator.violations == []
    older = make_apis_emulator("12.2")
    with older:
        client = ResourceClient(environment(older).client(), "default")
        created = client.create(FOLDER_KIND, body)
        created["metadata"]["annotations"].update({MANAGER_KIND: "kubectl", MANAGER_ID: "gdash"})
        assert client.replace(FOLDER_KIND, created)["metadata"]["annotations"][MANAGER_KIND] == "kubectl"


def test_prune_deletes_only_what_gdash_manages(grafana: GrafanaEmulator, seed_project: Path) -> None:
    project = load_project(seed_project)
    env = environment(grafana)
    assert not push(project, env).failures
    stranger = ResourceClient(environment(grafana).client(), "default")
    stranger.create(dashboard_kind(), {"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard",
                                       "metadata": {"name": "hand-made"}, "spec": {"title": "Hand made"},
                                       "status": {}})
    project.dashboards = [d for d in project.dashboards if d.uid != "cache"]
    result = push(project, env, prune=True)
    assert [(a.key, a.verb) for a in result.plan.changes if a.kind == "dashboard"] == [("cache", "delete")]
    assert not result.failures
    assert "cache" not in grafana.grafana.org(1).dashboards and "hand-made" in grafana.grafana.org(1).dashboards
    assert any(c.startswith("DELETE /apis/dashboard.grafana.app/v1beta1/") for c in apis_calls(grafana))


def test_diff_and_pull_through_apis(grafana: GrafanaEmulator, seed_project: Path, tmp_path: Path) -> None:
    project = load_project(seed_project)
    env = environment(grafana)
    assert not push(project, env).failures
    assert diff_live(project, env).dashboards == []
    ui_save(grafana, "cache")
    report = diff_live(project, env)
    assert [d.uid for d in report.dashboards] == ["cache"]

    grafana.clear_log()
    result = pull(env, tmp_path / "pulled")
    assert legacy_dashboard_calls(grafana) == [], "pull reads the /apis lists"
    files = sorted(p.relative_to(tmp_path / "pulled").as_posix() for p in (tmp_path / "pulled").rglob("*.json")
                   if p.parts[-2] != "alert-rules" and "dashboards" in p.parts)
    assert len(files) == len(project.dashboards)
    cache = json.loads(next((tmp_path / "pulled").rglob("cache.json")).read_text())
    assert cache["title"] == "Edited in the UI" and cache["uid"] == "cache"
    assert result.written


def test_auto_detection_and_pinning(seed_project: Path) -> None:
    legacy = make_apis_emulator("12.2")
    with legacy:
        project = load_project(seed_project)
        assert not push(project, dataclasses.replace(environment(legacy), grafana="11")).failures
        assert apis_calls(legacy) == [], "grafana: 11 keeps the classic API even on a newer server"
        assert legacy.violations == []
    with make_apis_emulator("12.2") as fresh:
        assert not push(project, environment(fresh)).failures
        assert apis_calls(fresh) and [e.path for e in fresh.exchanges].count("/api/health") == 1
    eleven = make_emulator()  # Grafana 11.4
    with eleven:
        assert not push(project, environment(eleven)).failures
        assert apis_calls(eleven) == [] and eleven.violations == []


def test_environment_grafana_setting(tmp_path: Path) -> None:
    def env(value: object):
        config = Config(raw={"environments": {"e": {"url": "http://g:3000", "token_env": "T", "grafana": value}}},
                        path=tmp_path / "gdash.yaml")
        return resolve_environment(config, "e", environ={"T": "x"})

    assert env("auto").grafana == "auto" and env(13).grafana == "13" and env("12.2").grafana == "12"
    with pytest.raises(ConfigError, match="grafana: 10 is not a supported target"):
        env(10)


def test_noop_push_of_1000_dashboards_takes_at_most_30_requests(tmp_path: Path) -> None:
    emulator = make_apis_emulator("13.2")
    with emulator:
        project = synthetic_project(tmp_path, 1000)
        env = environment(emulator)
        assert not push(project, env).failures
        emulator.clear_log()
        result = push(project, env)
        assert result.plan.counts()["unchanged"] == 1000 + 0 and not result.failures
        assert len(emulator.exchanges) <= 30, [f"{e.method} {e.path}" for e in emulator.exchanges]
        assert emulator.writes() == []

        ui_save(emulator, "dash-0777")
        emulator.clear_log()
        caught = push(project, env, dry_run=True)
        assert [a.key for a in caught.plan.actions if a.verb == "conflict"] == ["dash-0777"]
        assert len(emulator.exchanges) <= 30
        assert emulator.violations == []


def _bearer(token: str):
    from gdash.sync.client import BearerToken

    return BearerToken(token)


def test_cli_push_diff_pull_through_apis(grafana: GrafanaEmulator, seed_project: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gdash.cli import main

    from .sync_helpers import TOKEN, write_config

    config = write_config(seed_project, grafana)
    raw = yaml.safe_load(config.read_text())
    raw["environments"]["test"]["grafana"] = "auto"
    config.write_text(yaml.safe_dump(raw))

    def run(*args: str):
        return CliRunner().invoke(main, ["-C", str(seed_project), *args], env={"GDASH_TEST_TOKEN": TOKEN},
                                  catch_exceptions=False)

    first = run("push", "--env", "test")
    assert first.exit_code == 0, first.output
    assert "create    dashboard cache" in first.output
    again = run("push", "--env", "test")
    assert again.exit_code == 0 and "nothing to do" in again.output
    ui_save(grafana, "cache")
    diff = run("diff", "--env", "test")
    assert "cache" in diff.output and "Edited in the UI" in diff.output
    refused = run("push", "--env", "test")
    assert refused.exit_code == 1 and "saved from Grafana's UI" in refused.output
    pulled = run("pull", "--env", "test", "--out", str(tmp_path / "pulled"))
    assert pulled.exit_code == 0, pulled.output
    assert apis_calls(grafana) and not [c for c in legacy_dashboard_calls(grafana) if not c.startswith("GET")]
