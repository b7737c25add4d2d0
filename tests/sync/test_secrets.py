"""A sentinel token must never appear in stdout, stderr, log files or backups, whatever happens."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gdash.sync.client import BasicAuth, BearerToken
from gdash.testing import GrafanaEmulator

from .sync_helpers import SECRETS, TOKEN, copy_seed_project, ui_edit, write_config

SENTINEL = "glsa_SENTINEL_7f3a9c_do_not_leak"
WRONG = "glsa_WRONG_SENTINEL_51b2_do_not_leak"


def gdash(root: Path, *args: str, token: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **SECRETS, "GDASH_TEST_TOKEN": token, "GRAFANA_TOKEN": token}
    return subprocess.run([sys.executable, "-m", "gdash.cli", "-C", str(root), *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_sentinel_token_never_leaks(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    grafana.add_token(SENTINEL)
    root = copy_seed_project(tmp_path / "project")
    write_config(root, grafana)
    log = tmp_path / "sync.log"
    runs = [gdash(root, "push", "--env", "test", "--log-file", str(log), token=SENTINEL)]
    ui_edit(grafana, "cache")
    source = root / "dashboards" / "cache.py"
    source.write_text(source.read_text().replace('"Cache"', '"Cache v2"', 1))
    grafana.faults.queue("reset", method="GET", count=2)
    grafana.faults.queue("502", method="POST", count=1)
    grafana.faults.queue("429", method="GET", count=1)
    runs.append(gdash(root, "push", "--env", "test", "--log-file", str(log), token=SENTINEL))  # conflict
    runs.append(gdash(root, "push", "--env", "test", "--force", "--log-file", str(log), token=SENTINEL))
    runs.append(gdash(root, "diff", "--env", "test", "--log-file", str(log), token=SENTINEL))
    runs.append(gdash(root, "pull", "--env", "test", "--out", str(tmp_path / "pulled"), "--log-file", str(log),
                      token=SENTINEL))
    runs.append(gdash(root, "push", "--url", grafana.url, "--datasource", "prometheus=prom-main",
                      "--datasource", "loki=loki-main", "--log-file", str(log), token=SENTINEL))
    runs.append(gdash(root, "push", "--env", "test", "--log-file", str(log), token=WRONG))  # 401

    assert [r.returncode for r in runs] == [0, 1, 0, 0, 0, 0, 1], [(r.returncode, r.stderr) for r in runs]
    assert "Grafana rejected the credentials (401" in runs[-1].stderr
    assert "Retrying" in log.read_text(), "the log really records the retries"
    backups = list((root / ".gdash").rglob("*.json"))
    assert backups, "the forced push wrote a backup"
    files = [log, *backups, *(tmp_path / "pulled").rglob("*.json")]
    for secret in (SENTINEL, WRONG, *SECRETS.values()):  # tokens, and the contact points' webhook urls
        for run in runs:
            assert secret not in run.stdout and secret not in run.stderr
        for path in files:
            assert secret not in path.read_text(), path


def test_credentials_are_redacted_from_reprs() -> None:
    assert SENTINEL not in repr(BearerToken(SENTINEL)) and SENTINEL not in str(BearerToken(SENTINEL))
    assert SENTINEL not in repr(BasicAuth("admin", SENTINEL))


def test_environment_repr_hides_the_token(grafana: GrafanaEmulator) -> None:
    from .sync_helpers import environment

    env = environment(grafana)
    assert TOKEN not in repr(env) and TOKEN not in str(env)
