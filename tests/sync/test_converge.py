"""Exit 0 means converged: a write counts as done only when reading it back shows the plan's folder and
content, whatever fault struck the save (before or after Grafana processed it)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from gdash.sync.drift import dashboard_state
from gdash.sync.push import push
from gdash.testing.faults import ALL_KINDS

from .sync_helpers import environment, make_emulator, synthetic_project


def converged(grafana, result) -> bool:
    """Every dashboard of the plan is live with the plan's content and folder."""
    org = grafana.grafana.org(1)
    for action in result.plan.actions:
        if action.kind != "dashboard" or action.payload is None:
            continue
        live = org.dashboards.get(action.key)
        if live is None or dashboard_state(live.model, live.folder_uid) != action.state:
            return False
    return True


@pytest.mark.parametrize("seed", range(20))
def test_folder_only_move_under_save_faults_never_exits_0_unconverged(tmp_path: Path, seed: int) -> None:
    emulator = make_emulator()
    with emulator:
        env = environment(emulator, timeout=(1.0, 0.3), concurrency=2)
        project = synthetic_project(tmp_path, 4, folders=2)
        assert push(project, env).failures == []
        moved = synthetic_project(tmp_path, 4, folders=2)
        for dashboard in moved.dashboards:  # only the folder changes: the content hash stays the same
            dashboard.folder = "Team 1" if dashboard.folder == "Team 0" else "Team 0"
        rng = random.Random(seed)
        emulator.faults.timeout_seconds = 0.4
        for _ in range(rng.randint(1, 6)):
            emulator.faults.queue(rng.choice(ALL_KINDS), method="POST", path="/api/dashboards/db",
                                  after_processing=rng.random() < 0.5)
        result = push(moved, env)
        assert any(e.fault for e in emulator.exchanges), "faults struck"
        if not result.failures:
            assert converged(emulator, result), "exit 0 although Grafana does not hold the plan"
        failed = {o.action.key for o in result.failures}
        for action in result.plan.actions:
            live = emulator.grafana.org(1).dashboards[action.key]
            if action.key not in failed:
                assert dashboard_state(live.model, live.folder_uid) == action.state, action.key
        final = push(moved, env)
        assert final.failures == [] and converged(emulator, final), "a rerun converges"
    assert emulator.violations == []


def test_save_answered_but_not_applied_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy that answers 200 without passing the save on: the read-back catches it."""
    emulator = make_emulator()
    with emulator:
        env = environment(emulator)
        project = synthetic_project(tmp_path, 1)
        assert push(project, env).failures == []
        moved = synthetic_project(tmp_path, 1)
        moved.dashboards[0].folder = "Elsewhere"
        grafana = emulator.grafana
        original = grafana.op_postDashboard

        def swallow(org, call):
            return 200, {"id": 1, "uid": "dash-0000", "url": "/d/dash-0000/x", "status": "success", "version": 1,
                         "slug": "x", "title": "x", "folderUid": ""}

        grafana.handlers["postDashboard"] = swallow
        result = push(moved, env)
        assert [o.action.key for o in result.failures] == ["dash-0000"]
        assert "read back has another folder" in result.failures[0].message
        grafana.handlers["postDashboard"] = original
        assert push(moved, env).failures == []
