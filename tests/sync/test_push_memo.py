"""A no-op push of a project loaded from the compile cache recalls each dashboard's hash (gdash.cache's
memo) instead of parsing and mapping its model; what it decides must not change."""
from __future__ import annotations

from pathlib import Path

from gdash.project import load_project
from gdash.sync.push import push
from gdash.testing import GrafanaEmulator

from .sync_helpers import DATASOURCES, environment, ui_edit


def test_noop_push_needs_no_model_and_still_catches_a_ui_edit(grafana: GrafanaEmulator, seed_project: Path) -> None:
    env = environment(grafana)
    assert push(load_project(seed_project, cache=True), env).failures == []
    project = load_project(seed_project, cache=True)  # a new run: every dashboard comes from the cache
    result = push(project, env)
    dashboards = [a for a in result.plan.actions if a.kind == "dashboard"]
    assert result.failures == [] and {a.verb for a in dashboards} == {"unchanged"}
    assert len(dashboards) == len(project.dashboards) > 1
    from_cache = [d for d in project.dashboards if d.stored]  # (the SLO dashboard is made in every run)
    assert len(from_cache) > 1 and all(d.identity() is not None for d in from_cache), "a model was parsed"

    edited = project.dashboards[0].uid
    ui_edit(grafana, edited)
    plan = push(load_project(seed_project, cache=True), env, dry_run=True).plan
    assert [a.key for a in plan.actions if a.verb == "conflict"] == [edited]


def test_another_datasource_mapping_is_not_recalled(grafana: GrafanaEmulator, seed_project: Path) -> None:
    assert push(load_project(seed_project, cache=True), environment(grafana)).failures == []
    grafana.add_datasource("prom-other", "Prometheus (other)")
    moved = environment(grafana, datasources={**DATASOURCES, "prometheus": "prom-other"})
    plan = push(load_project(seed_project, cache=True), moved, dry_run=True).plan
    updates = [a for a in plan.actions if a.kind == "dashboard" and a.verb == "update"]
    assert updates, "dashboards that query prometheus must be updated to the new datasource"
    assert all("prom-other" in a.datasources for a in updates)
