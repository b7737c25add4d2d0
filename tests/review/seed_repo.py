"""A throwaway git repository holding a copy of the seed project, for review tests."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
           "PATH": "/usr/bin:/bin:/usr/local/bin"}

QUERY_OLD = "count(sum by (route) (rate(http_requests_total{{{SELECTOR}}}[$__rate_interval])) > 0)"
QUERY_NEW = "count(sum by (route) (rate(http_requests_total{{{SELECTOR}}}[5m])) > 0)"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=GIT_ENV).stdout.strip()


def seed_repo(tmp: Path) -> Path:
    """The seed project committed once on branch ``main``."""
    repo = tmp / "repo"
    repo.mkdir()
    for name in ("gdash.yaml", "dashboards", "alerts"):
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "seed")
    return repo


def change_query_and_move_panel(repo: Path) -> None:
    """The review scenario: one query edited ("Routes serving traffic" now uses a fixed 5m range) and
    one panel ("Status codes") moved from row "Traffic" to row "Errors and latency"."""
    path = repo / "dashboards" / "api.py"
    source = path.read_text()
    assert QUERY_OLD in source, "seed dashboards/api.py changed: update the review scenario"
    source = source.replace(QUERY_OLD, QUERY_NEW)
    start = source.index('            timeseries(\n                "Status codes"')
    end = source.index('        ),\n        Row(\n            "Errors and latency"')
    moved = source[start:end]
    source = source[:start] + source[end:]
    anchor = '            "Errors and latency",\n'
    assert source.count(anchor) == 1
    path.write_text(source.replace(anchor, anchor + moved))
