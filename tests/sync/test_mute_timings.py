"""Mute timings through the push plan: created before the policy tree that names them, left alone when
unchanged, updated, and refused as drift when edited in Grafana outside gdash."""
from __future__ import annotations

from pathlib import Path

from gdash.config import Config
from gdash.model import Project
from gdash.sync.push import push
from gdash.testing import GrafanaEmulator

from .sync_helpers import environment

NIGHTS = [{"times": [{"start_time": "22:00", "end_time": "24:00"}, {"start_time": "00:00", "end_time": "07:00"}],
           "location": "Europe/Berlin"}]


def muted_project(root: Path, intervals: list | None = None) -> Project:
    return Project(
        root=root, config=Config(), dashboards=[], rule_groups=[],
        contact_points=[{"orgId": 1, "name": "oncall", "receivers": [
            {"uid": "oncall-0", "type": "email", "settings": {"addresses": "oncall@example.com"},
             "disableResolveMessage": False}]}],
        policies={"orgId": 1, "receiver": "oncall", "group_by": ["alertname"],
                  "routes": [{"receiver": "oncall", "object_matchers": [["severity", "=", "warning"]],
                              "mute_time_intervals": ["nights"]}]},
        mute_timings=[{"orgId": 1, "name": "nights", "time_intervals": intervals or NIGHTS}],
    )


def test_mute_timings_are_pushed_before_the_policy_then_left_alone_then_updated(grafana: GrafanaEmulator,
                                                                               tmp_path: Path) -> None:
    env = environment(grafana)
    first = push(muted_project(tmp_path), env)
    assert first.failures == []
    org = grafana.grafana.org(1)
    assert org.mute_timings["nights"]["time_intervals"] == NIGHTS and org.mute_timings["nights"]["provenance"] == "api"
    writes = [(e.method, e.path) for e in grafana.writes()]
    assert writes.index(("POST", "/api/v1/provisioning/mute-timings")) < writes.index(("PUT", "/api/v1/provisioning/policies"))
    assert org.policy["routes"][0]["mute_time_intervals"] == ["nights"]

    grafana.clear_log()
    assert push(muted_project(tmp_path), env).plan.changes == []
    assert grafana.writes() == []

    weekends = [{"weekdays": ["saturday", "sunday"]}]
    changed = push(muted_project(tmp_path, weekends), env)
    assert changed.failures == []
    assert [(e.method, e.path) for e in grafana.writes()] == [("PUT", "/api/v1/provisioning/mute-timings/nights")]
    assert org.mute_timings["nights"]["time_intervals"] == weekends and org.mute_timings["nights"]["version"] == "2"


def test_a_mute_timing_edited_in_grafana_is_drift_not_overwritten(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    env = environment(grafana)
    assert push(muted_project(tmp_path), env).failures == []
    org = grafana.grafana.org(1)
    org.mute_timings["nights"]["time_intervals"] = [{"weekdays": ["monday"]}]  # an edit in the UI
    org.mute_timings["nights"]["provenance"] = ""
    result = push(muted_project(tmp_path), env)
    (action,) = [a for a in result.plan.actions if a.kind == "mute-timing"]
    assert action.verb == "conflict" and "--force" in action.reason
    assert org.mute_timings["nights"]["time_intervals"] == [{"weekdays": ["monday"]}]


def test_the_emulator_like_grafana_refuses_a_route_naming_an_unknown_mute_timing(grafana: GrafanaEmulator,
                                                                                 tmp_path: Path) -> None:
    project = muted_project(tmp_path)
    project.mute_timings = []
    result = push(project, environment(grafana))
    assert any("mute time interval 'nights' does not exist" in f.message for f in result.failures)
