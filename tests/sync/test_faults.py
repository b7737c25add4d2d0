"""Pushing through latency, 5xx, 429, resets and timeouts: converge, or list exactly what failed."""
from __future__ import annotations

from pathlib import Path

import pytest

from gdash.sync.client import RetryPolicy
from gdash.sync.fingerprint import fingerprint, hash_tag
from gdash.sync.push import PushResult, push
from gdash.testing import Faults, GrafanaEmulator

from .sync_helpers import environment, live_dashboard, make_emulator, synthetic_project


def out_of_date(grafana: GrafanaEmulator, result: PushResult) -> set[str]:
    """Dashboards of the plan whose live version is not what gdash meant to write."""
    stale = set()
    for action in result.plan.actions:
        if action.kind != "dashboard" or action.payload is None:
            continue
        live = live_dashboard(grafana, action.key)
        wanted = hash_tag(action.payload["dashboard"]["tags"])
        if live is None or hash_tag(live.get("tags")) != wanted or fingerprint(live) != wanted:
            stale.add(action.key)
    return stale


@pytest.fixture
def flaky_grafana():
    faults = Faults(rate=0.2, after_processing=0.5, retry_after=0, timeout_seconds=0.5, seed=5)
    emulator = make_emulator(faults)
    with emulator:
        yield emulator
    assert emulator.violations == []


def test_twenty_percent_faults_over_200_dashboards(flaky_grafana: GrafanaEmulator, tmp_path: Path) -> None:
    project = synthetic_project(tmp_path, 200)
    # few retries, so that some objects do fail and the list of failures is checked too
    env = environment(flaky_grafana, timeout=(1.0, 0.3), concurrency=8,
                      retry=RetryPolicy(attempts=2, backoff=0.01, backoff_max=0.05, jitter=0.01))

    first = push(project, env)
    injected = [e for e in flaky_grafana.exchanges if e.fault]
    assert len(injected) >= 25, "the run really went through faults"
    failed = {o.action.key for o in first.failures if o.action.kind == "dashboard"}
    assert failed == out_of_date(flaky_grafana, first), \
        "the failures listed are exactly the dashboards that are not live as pushed"

    # reruns converge even with the faults still on (with the default 5 retries: a verified no-op reads
    # every dashboard, and 2 retries at 20% faults leave ~1% of reads failing)
    env = environment(flaky_grafana, timeout=(1.0, 0.3), concurrency=8)
    for _ in range(5):
        rerun = push(project, env)
        if not rerun.failures:
            break
    assert rerun.failures == []
    assert out_of_date(flaky_grafana, rerun) == set()

    org = flaky_grafana.grafana.org(1)
    assert len(org.dashboards) == 200, "no duplicates, nothing lost"
    assert all(d.version <= 2 for d in org.dashboards.values()), "no dashboard was saved twice by a blind replay"

    flaky_grafana.faults.rate = 0
    flaky_grafana.clear_log()
    final = push(project, env)
    assert final.failures == [] and flaky_grafana.writes() == []


@pytest.mark.parametrize("kind", ["reset", "timeout", "502", "504", "500"])
def test_lost_answer_to_a_save_is_not_replayed(grafana: GrafanaEmulator, tmp_path: Path, kind: str) -> None:
    grafana.faults.timeout_seconds = 0.5
    grafana.faults.queue(kind, method="POST", path="/api/dashboards/db", after_processing=True)
    result = push(synthetic_project(tmp_path, 1), environment(grafana, timeout=(1.0, 0.3)))
    assert result.failures == []
    dashboard = grafana.grafana.org(1).dashboards["dash-0000"]
    assert dashboard.version == 1 and len(dashboard.history) == 1, "the save was recognised, not repeated"


@pytest.mark.parametrize("kind", ["reset", "502", "429", "503"])
def test_save_that_never_arrived_is_sent_again(grafana: GrafanaEmulator, tmp_path: Path, kind: str) -> None:
    grafana.faults.queue(kind, method="POST", path="/api/dashboards/db", after_processing=False)
    result = push(synthetic_project(tmp_path, 1), environment(grafana))
    assert result.failures == []
    posts = [e for e in grafana.exchanges if e.path == "/api/dashboards/db"]
    assert [e.fault for e in posts] == [kind, None]
    assert grafana.grafana.org(1).dashboards["dash-0000"].version == 1


def test_persistent_failure_is_listed_and_others_still_pushed(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    project = synthetic_project(tmp_path, 3, folders=1)
    grafana.faults.queue("500", method="POST", path="/api/dashboards/db", count=3, after_processing=False)
    env = environment(grafana, concurrency=1)
    result = push(project, env)
    assert [o.action.key for o in result.failures] == ["dash-0000"]
    assert "500" in result.failures[0].message
    assert set(grafana.grafana.org(1).dashboards) == {"dash-0001", "dash-0002"}


def test_seed_project_with_alerting_converges_through_faults(flaky_grafana: GrafanaEmulator, seed_project: Path) -> None:
    from gdash.project import load_project

    project = load_project(seed_project)
    env = environment(flaky_grafana, timeout=(1.0, 0.3))
    results = [push(project, env) for _ in range(4)]
    assert results[-1].failures == [], [o.message for o in results[-1].failures]
    flaky_grafana.faults.rate = 0
    flaky_grafana.clear_log()
    final = push(project, env)
    assert final.failures == [] and final.plan.changes == [] and flaky_grafana.writes() == []
    org = flaky_grafana.grafana.org(1)
    assert len(org.rules) == sum(len(g.rules) for g in project.rule_groups)
    assert len(org.contact_points) == sum(len(p["receivers"]) for p in project.contact_points) == 5
    assert org.policy["provenance"] == "api"
