"""The CI examples stay runnable: every gdash call in them parses against the real CLI, and the
workflow's diff step, run by bash on a real repository, produces the comment and the `changed` output."""
from __future__ import annotations

import os
import shlex
import subprocess

import click
import yaml

from gdash.cli import main
from gdash.diff.render.markdown import COMMENT_MARKER

from .seed_repo import REPO_ROOT, change_query_and_move_panel, git, seed_repo

WORKFLOW = REPO_ROOT / "examples" / "github" / "gdash.yml"
HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"


def gdash_calls(script: str) -> list[list[str]]:
    calls = []
    for line in script.splitlines():
        words = shlex.split(line.strip().split(">")[0], comments=True) if "gdash " in line else []
        for index, word in enumerate(words):
            if word.endswith("gdash") and index + 1 < len(words):
                calls.append(words[index + 1:])
    return calls


def assert_parses(args: list[str]) -> None:
    """Fails with click's usage error if the command or one of its options does not exist."""
    with main.make_context("gdash", [], resilient_parsing=True) as parent:
        command = main.get_command(parent, args[0])
        assert command is not None, f"no such command: gdash {args[0]}"
        command.make_context(args[0], list(args[1:]), parent=parent)


def workflow_steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    [job] = workflow["jobs"].values()
    return job["steps"]


def test_workflow_calls_existing_commands_and_options():
    steps = workflow_steps()
    calls = [call for step in steps for call in gdash_calls(step.get("run", ""))]
    assert {c[0] for c in calls} == {"lint", "diff", "preview"}
    for call in calls:
        assert_parses(call)
    assert ["lint", "--format", "github"] in calls
    assert any(s.get("uses", "").startswith("actions/upload-artifact") and s["with"]["path"] == "build/preview" for s in steps)
    assert any("make dashboards" in s.get("run", "") for s in steps)
    comment_step = next(s for s in steps if s.get("uses", "").startswith("actions/github-script"))
    assert f"'{COMMENT_MARKER}'" in comment_step["with"]["script"]


def test_pre_commit_hooks_run_real_commands():
    hooks = yaml.safe_load(HOOKS.read_text())
    assert [h["id"] for h in hooks] == ["gdash-lint", "gdash-build-check"]
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        words = shlex.split(hook["entry"])
        assert words[0] == "gdash"
        assert_parses(words[1:])
    assert hooks[1]["entry"] == "gdash build --check"


def test_workflow_diff_step_on_a_real_repository(tmp_path):
    repo = seed_repo(tmp_path)
    git(repo, "remote", "add", "origin", str(repo))
    git(repo, "fetch", "-q", "origin")
    (repo / ".venv").symlink_to(REPO_ROOT / ".venv")
    script = next(s for s in workflow_steps() if s.get("id") == "diff")["run"]

    def run_step() -> tuple[str, str]:
        outputs, summary = tmp_path / "outputs", tmp_path / "summary"
        outputs.write_text("")
        env = {**os.environ, "BASE_REF": "main", "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary)}
        result = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return outputs.read_text(), (repo / "gdash-diff.md").read_text()

    outputs, comment = run_step()
    assert outputs == "changed=false\n" and "No dashboard or alert rule changes" in comment
    change_query_and_move_panel(repo)
    outputs, comment = run_step()
    assert outputs == "changed=true\n"
    assert comment.startswith(COMMENT_MARKER) and "Panel **Status codes** moved" in comment
    assert click.unstyle(comment) == comment
