"""The one drift policy: live != what gdash last pushed (by anyone else) is a conflict, or with --force a
backed-up overwrite; for every kind, with and without a local change, with and without a push record,
against a Grafana that stores what it was sent and one that normalises dashboards on save (12.2+)."""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from gdash.sync.drift import dashboard_state
from gdash.sync.push import push
from gdash.sync.record import STATE_DIR
from gdash.testing import Faults, GrafanaEmulator

from .sync_helpers import environment, live_dashboard, make_emulator, synthetic_project, ui_edit
from .test_routing import routing_project

OTHER = "glsa_other_client"  # another API client (a script, Terraform) with its own service account


@pytest.fixture(params=["stores-as-sent", "normalises-on-save"])
def any_grafana(request: pytest.FixtureRequest) -> Iterator[GrafanaEmulator]:
    emulator = make_emulator(normalize_on_save=request.param == "normalises-on-save")
    emulator.add_token(OTHER, login="sa-2-terraform")
    with emulator:
        yield emulator
    assert emulator.violations == []


def forget_record(root: Path) -> None:
    """A fresh clone (a CI job): no push record, only what Grafana itself records."""
    shutil.rmtree(root / STATE_DIR, ignore_errors=True)


def verbs(result) -> dict[str, str]:
    return {a.key: a.verb for a in result.plan.actions if a.kind == "dashboard"}


def other_client(grafana: GrafanaEmulator, method: str, path: str, body: object) -> None:
    answer = requests.request(method, grafana.url + path, json=body, timeout=5,
                              headers={"Authorization": f"Bearer {OTHER}"})
    assert answer.status_code < 300, answer.text


def test_normalising_grafana_is_not_mistaken_for_drift(tmp_path: Path) -> None:
    emulator = make_emulator(normalize_on_save=True)
    with emulator:
        project, env = synthetic_project(tmp_path, 3), environment(emulator)
        assert push(project, env).failures == []
        live = live_dashboard(emulator, "dash-0000")
        assert live["editable"] is True and live["panels"][0]["pluginVersion"], "the emulator normalised it"
        assert live != push(project, env, dry_run=True).plan.actions[0].payload["dashboard"]

        emulator.clear_log()
        again = push(project, env)
        assert again.failures == [] and set(verbs(again).values()) == {"unchanged"}
        assert emulator.writes() == []
        forget_record(tmp_path)
        assert set(verbs(push(project, env)).values()) == {"unchanged"}, "no record needed to see convergence"
    assert emulator.violations == []


@pytest.mark.parametrize("record", ["with record", "fresh clone"])
def test_local_change_to_a_dashboard_gdash_pushed_is_an_update(any_grafana: GrafanaEmulator, tmp_path: Path,
                                                                record: str) -> None:
    env = environment(any_grafana)
    assert push(synthetic_project(tmp_path, 2), env).failures == []
    if record == "fresh clone":
        forget_record(tmp_path)
    changed = synthetic_project(tmp_path, 2)
    changed.dashboards[0].model["title"] = "Renamed in code"
    result = push(changed, env)
    assert result.failures == [], [o.message for o in result.failures]
    assert verbs(result) == {"dash-0000": "update", "dash-0001": "unchanged"}
    assert live_dashboard(any_grafana, "dash-0000")["title"] == "Renamed in code"


@pytest.mark.parametrize("local_change", [False, True])
@pytest.mark.parametrize("record", ["with record", "fresh clone"])
def test_ui_edit_is_a_conflict_and_force_restores_it_with_a_backup(any_grafana: GrafanaEmulator, tmp_path: Path,
                                                                   local_change: bool, record: str) -> None:
    env = environment(any_grafana)
    assert push(synthetic_project(tmp_path, 2), env).failures == []
    ui_edit(any_grafana, "dash-0001", title="Tuned by hand")
    if record == "fresh clone":
        forget_record(tmp_path)
    project = synthetic_project(tmp_path, 2)
    if local_change:
        project.dashboards[1].model["panels"][0]["title"] = "Requests per second"

    any_grafana.clear_log()
    refused = push(project, env)
    assert [(o.action.key, o.action.verb) for o in refused.failures] == [("dash-0001", "conflict")]
    message = refused.failures[0].message
    assert "edited in Grafana by admin since gdash pushed it" in message and "--force" in message
    assert '"Tuned by hand" -> "Dashboard 0001"' in message, "the conflict shows the semantic diff"
    assert any_grafana.writes() == [], "nothing is written for a conflict"
    assert live_dashboard(any_grafana, "dash-0001")["title"] == "Tuned by hand"

    forced = push(project, env, force=True)
    assert forced.failures == []
    live = live_dashboard(any_grafana, "dash-0001")
    assert live["title"] == "Dashboard 0001"
    assert (live["panels"][0]["title"] == "Requests per second") is local_change
    backup = tmp_path / ".gdash" / "backups" / "test" / "dash-0001" / "2.json"
    assert json.loads(backup.read_text())["title"] == "Tuned by hand", "the UI edit is kept in the backup"
    assert set(verbs(push(project, env)).values()) == {"unchanged"}, "--force converged"


def test_ui_save_without_changes_is_not_drift(any_grafana: GrafanaEmulator, tmp_path: Path) -> None:
    env = environment(any_grafana)
    assert push(synthetic_project(tmp_path, 1), env).failures == []
    org = any_grafana.grafana.org(1)
    current = org.dashboards["dash-0000"]
    any_grafana.grafana.save_dashboard(org, dict(current.model), current.folder_uid, False, "", user="admin")
    forget_record(tmp_path)
    changed = synthetic_project(tmp_path, 1)
    changed.dashboards[0].model["title"] = "New title"
    result = push(changed, env)
    assert result.failures == [] and verbs(result) == {"dash-0000": "update"}


def test_ui_move_to_another_folder_is_drift(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    env = environment(grafana)
    project = synthetic_project(tmp_path, 2)
    assert push(project, env).failures == []
    org = grafana.grafana.org(1)
    other = next(uid for uid in org.folders if uid != org.dashboards["dash-0000"].folder_uid)
    current = org.dashboards["dash-0000"]
    grafana.grafana.save_dashboard(org, dict(current.model), other, False, "", user="admin")
    refused = push(project, env)
    assert [o.action.key for o in refused.failures] == ["dash-0000"]
    assert "now in folder" in refused.failures[0].message
    assert push(project, env, force=True).failures == []
    assert org.dashboards["dash-0000"].folder_uid == current.folder_uid


def test_dashboard_never_pushed_by_gdash_is_foreign(any_grafana: GrafanaEmulator, tmp_path: Path) -> None:
    org = any_grafana.grafana.org(1)
    any_grafana.grafana.save_dashboard(org, {"uid": "dash-0000", "title": "Hand made"}, "", False, "")
    result = push(synthetic_project(tmp_path, 1), environment(any_grafana))
    assert [o.action.verb for o in result.failures] == ["conflict"]
    assert "was not pushed by gdash" in result.failures[0].message


def test_alert_rule_group_changed_by_another_api_client(grafana: GrafanaEmulator, seed_project: Path) -> None:
    from gdash.project import load_project

    grafana.add_token(OTHER, login="sa-2-terraform")
    env = environment(grafana)
    project = load_project(seed_project)
    assert push(project, env).failures == []
    org = grafana.grafana.org(1)
    rule = next(r for r in org.rules.values() if r["ruleGroup"] == "hosts")
    group = {"title": "hosts", "folderUid": rule["folderUID"], "interval": 120,
             "rules": [r for r in org.rules.values() if r["ruleGroup"] == "hosts"]}
    other_client(grafana, "PUT", f"/api/v1/provisioning/folder/{rule['folderUID']}/rule-groups/hosts", group)

    grafana.clear_log()
    refused = push(project, env)
    assert [(o.action.kind, o.action.verb) for o in refused.failures] == [("rule-group", "conflict")]
    assert "changed in Grafana since gdash pushed it" in refused.failures[0].message
    assert grafana.writes() == []
    assert push(project, env, dry_run=True).failures, "a dry run predicts the refusal"

    assert push(project, env, force=True).failures == []
    backups = list((seed_project / ".gdash" / "backups" / "test" / "rule-groups").rglob("*.json"))
    assert any(json.loads(b.read_text())["interval"] == 120 for b in backups), "the other client's group is kept"
    assert push(project, env).plan.changes == [], "converged after --force"


def test_routing_changed_by_another_api_client(grafana: GrafanaEmulator, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAT_HOOK", "https://hooks.slack.invalid/x")
    grafana.add_token(OTHER, login="sa-2-terraform")
    env = environment(grafana)
    assert push(routing_project(tmp_path), env).failures == []
    other_client(grafana, "PUT", "/api/v1/provisioning/templates/summary", {"template": '{{ define "summary" }}x{{ end }}'})
    other_client(grafana, "PUT", "/api/v1/provisioning/contact-points/oncall-0",
                 {"uid": "oncall-0", "name": "oncall", "type": "email", "settings": {"addresses": "boss@example.com"}})
    refused = push(routing_project(tmp_path), env)
    assert sorted((o.action.kind, o.action.verb) for o in refused.failures) == [
        ("contact-point", "conflict"), ("template", "conflict")]
    assert "boss@example.com" in next(o.message for o in refused.failures if o.action.kind == "contact-point")
    assert push(routing_project(tmp_path), env, force=True).failures == []
    org = grafana.grafana.org(1)
    assert org.contact_points["oncall-0"]["settings"]["addresses"] == "oncall@example.com"
    assert "v1" in org.templates["summary"]["template"]
    backups = [p.read_text() for p in (tmp_path / ".gdash" / "backups" / "test").rglob("*.json")]
    assert any("boss@example.com" in b for b in backups) and any("}}x{{" in b for b in backups)
    assert not any("hooks.slack.invalid" in b for b in backups), "backups never hold secrets"


def test_policy_edited_outside_gdash_without_record(grafana: GrafanaEmulator, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """No record, and Grafana marks the policy as not written through the provisioning API: drift."""
    monkeypatch.setenv("CHAT_HOOK", "https://hooks.slack.invalid/x")
    env = environment(grafana)
    assert push(routing_project(tmp_path), env).failures == []
    forget_record(tmp_path)
    org = grafana.grafana.org(1)
    org.policy = dict(org.policy, group_by=["cluster"], provenance="")  # saved in the UI
    refused = push(routing_project(tmp_path), env)
    assert [(o.action.kind, o.action.verb) for o in refused.failures] == [("policy", "conflict")]
    assert "not written through the provisioning API" in refused.failures[0].message


def test_folder_renamed_in_grafana_is_drift(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    env = environment(grafana)
    project = synthetic_project(tmp_path, 2, folders=1)
    assert push(project, env).failures == []
    org = grafana.grafana.org(1)
    folder = next(iter(org.folders.values()))
    folder.title = "Renamed by hand"
    refused = push(project, env)
    assert [(o.action.kind, o.action.verb) for o in refused.failures] == [("folder", "conflict")]
    assert "renamed in Grafana to 'Renamed by hand'" in refused.failures[0].message
    assert len(org.folders) == 1, "no second folder is created next to the renamed one"
    assert push(project, env, force=True).failures == []
    assert folder.title == "Team 0" and len(org.folders) == 1


def test_failed_read_is_reported_on_its_object_and_the_rest_is_planned(tmp_path: Path) -> None:
    emulator = make_emulator(Faults())
    with emulator:
        env = environment(emulator)
        project = synthetic_project(tmp_path, 5)
        assert push(project, env).failures == []
        changed = synthetic_project(tmp_path, 5)
        changed.dashboards[4].model["title"] = "Changed"
        emulator.faults.queue("503", method="GET", path="/api/dashboards/uid/dash-0002", count=50)
        result = push(changed, env)
        assert [(o.action.key, o.action.verb) for o in result.failures] == [("dash-0002", "error")]
        assert "could not read the live dashboard" in result.failures[0].message
        assert verbs(result)["dash-0004"] == "update" and live_dashboard(emulator, "dash-0004")["title"] == "Changed"
        dry = push(changed, env, dry_run=True)
        assert [o.action.key for o in dry.failures] == ["dash-0002"], "a dry run fails the same way"


def test_dashboard_state_ignores_what_grafana_adds_but_not_what_people_change() -> None:
    from gdash.testing.grafana import normalize_v1_dashboard

    sent = {"uid": "a", "title": "A", "tags": ["x", "gdash-hash:1234"],
            "panels": [{"id": 1, "type": "timeseries", "title": "P", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}}]}
    stored = normalize_v1_dashboard(sent)
    assert stored != sent and dashboard_state(stored) == dashboard_state(sent)
    for edit in ({"editable": False}, {"graphTooltip": 1}, {"title": "B"}):
        assert dashboard_state(dict(stored, **edit)) != dashboard_state(sent), edit
    moved = json.loads(json.dumps(stored))
    moved["panels"][0]["gridPos"]["y"] = 8
    assert dashboard_state(moved) != dashboard_state(sent)
    assert dashboard_state(sent, "f1") != dashboard_state(sent, "f2"), "the folder is part of the state"


def test_ui_edit_by_the_same_login_is_still_drift(any_grafana: GrafanaEmulator, tmp_path: Path) -> None:
    """gdash signs in as the admin user a person also uses in the UI: the version message tells them apart."""
    from gdash.sync.client import BasicAuth

    any_grafana.add_user("admin", "admin-password", {1: "Admin"})
    env = environment(any_grafana, credentials=BasicAuth("admin", "admin-password"))
    assert push(synthetic_project(tmp_path, 1), env).failures == []
    forget_record(tmp_path)
    assert verbs(push(synthetic_project(tmp_path, 1), env)) == {"dash-0000": "unchanged"}
    ui_edit(any_grafana, "dash-0000", title="Edited by the admin")
    forget_record(tmp_path)
    refused = push(synthetic_project(tmp_path, 1), env)
    assert [o.action.verb for o in refused.failures] == ["conflict"]
    changed = synthetic_project(tmp_path, 1)
    changed.dashboards[0].model["title"] = "Changed in code"
    assert [o.action.verb for o in push(changed, env).failures] == ["conflict"], "regardless of local change"
