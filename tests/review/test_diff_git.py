"""`gdash diff --base GITREF` on a real git repository holding a copy of the seed project."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cli import main
from gdash.review.gitref import diff_refs, snapshot_at_ref

from .seed_repo import change_query_and_move_panel, git, seed_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    repo = seed_repo(tmp_path_factory.mktemp("review"))
    change_query_and_move_panel(repo)
    return repo


def gdash(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gdash.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_done_when_markdown_names_exactly_the_query_change_and_the_move(repo):
    result = gdash("diff", "--base", "main", "--format", "markdown", cwd=repo)
    assert result.returncode == 0, result.stderr
    comment = result.stdout
    assert comment.startswith("<!-- gdash-diff -->")
    assert "| API Performance | Backend | 0 | 0 | 1 | 1 |" in comment
    change_lines = [line for line in comment.splitlines() if line.startswith(("- ", "  - "))]
    assert change_lines == [
        "- Panel **Routes serving traffic** changed",
        '  - query A (`targets[A].expr`): `count(sum by (route) (rate(http_requests_total{job=~"$job", route=~"$route"}[`'
        "~~`$__rate_interval`~~**`5m`**`])) > 0)`",
        "- Panel **Status codes** moved from row 'Traffic' to row 'Errors and latency'",
    ]
    assert comment.count("<details>") == 1 and "Alert rule group" not in comment  # nothing else is mentioned
    assert len(comment) < 1500  # a short comment a reviewer reads at a glance


def test_text_and_json_formats_and_exit_code(repo):
    text = gdash("diff", "--base", "main", "--exit-code", cwd=repo)
    assert text.returncode == 1, text.stderr
    assert "      > panel 'Status codes' moved from row 'Traffic' to row 'Errors and latency'" in text.stdout
    assert "[[-$__rate_interval-]{+5m+}]" in text.stdout
    data = json.loads(gdash("diff", "--base", "main", "--format", "json", cwd=repo).stdout)
    [dashboard] = data["dashboards"]
    assert (dashboard["uid"], dashboard["counts"]) == ("api-performance", {"added": 0, "changed": 1, "moved": 1, "removed": 0})
    assert [i["status"] for i in dashboard["items"]] == ["changed", "moved"]
    assert data["rule_groups"] == [] and data["base"] == "main" and data["head"] == "working tree"


def test_no_change_prints_nothing_and_exits_zero(tmp_path):
    repo = seed_repo(tmp_path)
    result = gdash("diff", "--base", "main", "--exit-code", cwd=repo)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert git(repo, "status", "--porcelain") == ""  # the checkout is left untouched


def test_head_ref_and_alert_threshold_change(tmp_path):
    repo = seed_repo(tmp_path)
    rules = repo / "alerts" / "api.py"
    assert rules.read_text().count('op="gt", threshold=0.05,') == 1, "seed alerts/api.py changed: update this test"
    rules.write_text(rules.read_text().replace('op="gt", threshold=0.05,', 'op="gt", threshold=0.1,'))
    git(repo, "commit", "-q", "-am", "raise threshold")
    rules.write_text(rules.read_text().replace("threshold=0.1,", "threshold=0.2,"))  # uncommitted: not in --head main
    report = diff_refs(repo, "main~1", "main")
    assert report.dashboards == []
    [group] = report.rule_groups
    [rule] = group.items
    assert (rule.title, rule.status) == ("HighErrorRate", "changed")
    [change] = rule.fields
    assert (change.path, change.old, change.new) == ("data[C].model.expression", "$B > 0.05", "$B > 0.1")
    runner = CliRunner()
    out = runner.invoke(main, ["-C", str(repo), "diff", "--base", "main", "--format", "markdown"])
    assert out.exit_code == 0, out.output
    assert "expression C (`data[C].model.expression`): `$B > `~~`0.1`~~**`0.2`**" in out.output


def test_project_missing_at_base_shows_everything_added(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README").write_text("before gdash\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    (tmp_path / "seed").mkdir()
    seeded = seed_repo(tmp_path / "seed")
    for name in ("gdash.yaml", "dashboards", "alerts"):
        (seeded / name).rename(repo / name)
    assert snapshot_at_ref(repo, "main").dashboards == {}
    report = diff_refs(repo, "main")
    assert {d.status for d in report.dashboards} == {"added"} and len(report.dashboards) >= 6
    assert {g.status for g in report.rule_groups} == {"added"}


def test_unknown_ref_and_not_a_repository_are_one_line_errors(repo, tmp_path):
    result = gdash("diff", "--base", "no-such-branch", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "error: unknown git ref 'no-such-branch'"
    assert result.stderr.splitlines()[1].startswith("hint: ")
    (tmp_path / "plain").mkdir()
    outside = gdash("diff", "--base", "main", cwd=tmp_path / "plain")
    assert outside.returncode == 2 and outside.stderr.startswith("error: cannot find the git repository")
    assert "Traceback" not in outside.stderr + result.stderr
    missing = gdash("diff", cwd=repo)
    assert missing.returncode == 2 and "needs --base" in missing.stderr
    option = gdash("diff", "--base=--output=/tmp/x", cwd=repo)
    assert option.returncode == 2 and option.stderr.startswith("error: invalid git ref '--output=/tmp/x'")
    both = gdash("diff", "--base", "main", "--env", "prod", cwd=repo)
    assert both.returncode == 2 and "use one pair" in both.stderr.splitlines()[0]


def test_project_in_a_subdirectory_of_the_repository(tmp_path):
    repo = seed_repo(tmp_path)
    project = repo / "ops" / "grafana"
    project.mkdir(parents=True)
    for name in ("gdash.yaml", "dashboards", "alerts"):
        (repo / name).rename(project / name)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "move into ops/grafana")
    change_query_and_move_panel(project)
    report = diff_refs(project, "main")
    [dashboard] = report.dashboards
    assert [(i.title, i.status) for i in dashboard.items] == [("Routes serving traffic", "changed"), ("Status codes", "moved")]
    before_the_move = diff_refs(project, "main~1", "main")  # ops/grafana did not exist yet: all of it is new
    assert {d.status for d in before_the_move.dashboards} == {"added"} and len(before_the_move.dashboards) >= 6


def test_broken_file_at_base_names_the_ref_file_and_line(tmp_path):
    repo = seed_repo(tmp_path)
    api = repo / "dashboards" / "api.py"
    good = api.read_text()
    api.write_text(good + "\nraise RuntimeError('boom')\n")
    git(repo, "commit", "-q", "-am", "broken")
    api.write_text(good)
    result = gdash("diff", "--base", "main", cwd=repo)
    assert result.returncode == 1
    line = good.count("\n") + 2
    assert result.stderr.splitlines()[0] == f"error: dashboards/api.py:{line}: at main: RuntimeError: boom"


def test_docs_sample_comment_is_what_gdash_prints(repo):
    section = (Path(__file__).resolve().parents[2] / "docs" / "review.md").read_text()
    quoted = [line for line in section.splitlines() if line.startswith(">")]
    sample = "\n".join(line[2:] if line.startswith("> ") else line[1:] for line in quoted) + "\n"
    assert gdash("diff", "--base", "main", "--format", "markdown", cwd=repo).stdout == sample


def test_reordering_panels_in_the_source_is_reported_as_a_move_only(tmp_path):
    repo = seed_repo(tmp_path)
    api = repo / "dashboards" / "api.py"
    source = api.read_text()
    first = source.index('            stat(\n                "Requests/s",')
    second = source.index('            stat(\n                "Error ratio (5xx)",')
    third = source.index('            stat(\n                "p95 latency",')
    api.write_text(source[:first] + source[second:third] + source[first:second] + source[third:])
    [dashboard] = diff_refs(repo, "main").dashboards
    assert [(i.title, i.status, i.fields) for i in dashboard.items] == [("Error ratio (5xx)", "moved", [])]
    assert dashboard.items[0].layout == ["moved within row 'Overview' (now first)"]
