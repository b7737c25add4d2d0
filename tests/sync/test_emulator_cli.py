"""`python -m gdash.testing` runs the emulator on its own: a user points gdash (or their own tooling)
at it, and it answers like the chosen Grafana release."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from .sync_helpers import require_spec

REPO = Path(__file__).resolve().parents[2]


def _start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "gdash.testing", "--port", "0", *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert "emulator on http://127.0.0.1:" in line, line + process.stderr.read()
    return process, line.split(" on ", 1)[1].split()[0]


def test_standalone_emulator_serves_grafana_13_and_gdash_pushes_to_it(tmp_path: Path) -> None:
    spec_dir = require_spec().parent.parent
    env = {**os.environ, "GRAFANA_TOKEN": "s3cret-token"}
    process, url = _start("--grafana", "13", "--spec-dir", str(spec_dir), "--datasource", "prometheus=prometheus",
                          env=env)
    try:
        headers = {"Authorization": "Bearer s3cret-token"}
        assert requests.get(f"{url}/api/health", timeout=5).json()["version"].startswith("13.")
        listed = requests.get(f"{url}/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards",
                              headers=headers, timeout=5)
        assert listed.status_code == 200 and listed.json()["items"] == []
        assert requests.get(f"{url}/api/search", headers={"Authorization": "Bearer wrong"}, timeout=5).status_code == 401
        init = subprocess.run([sys.executable, "-m", "gdash", "init", str(tmp_path)], capture_output=True, text=True)
        assert init.returncode == 0, init.stderr
        push = subprocess.run([sys.executable, "-m", "gdash", "push", "--url", url], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
        assert push.returncode == 0, push.stdout + push.stderr
        found = requests.get(f"{url}/api/search", params={"type": "dash-db"}, headers=headers, timeout=5).json()
        assert found, "the pushed dashboard is listed"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "s3cret-token" not in out + err


def test_standalone_emulator_without_the_api_descriptions_is_a_usage_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GDASH_GRAFANA_SPECS"}
    result = subprocess.run([sys.executable, "-m", "gdash.testing", "--spec-dir", str(tmp_path)], env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "API descriptions not found" in result.stderr
    assert "Traceback" not in result.stderr
