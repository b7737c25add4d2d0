"""The CI files users copy work outside this repository: they validate against the schemas GitHub and
GitLab publish (vendored by check-jsonschema), every gdash call in them parses against the real CLI,
nothing leans on this repository's Makefile or .venv, and the action's diff step, run by bash on a
real repository, produces the comment and the `changed` output."""
from __future__ import annotations

import importlib.util
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import click
import jsonschema
import pytest
import yaml

from gdash.cli import main
from gdash.diff.render.markdown import COMMENT_MARKER

from .seed_repo import REPO_ROOT, change_query_and_move_panel, git, seed_repo

ACTION = REPO_ROOT / "action.yml"
WORKFLOW = REPO_ROOT / "examples" / "github" / "gdash.yml"
HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"
SCAFFOLD = REPO_ROOT / "src" / "gdash" / "scaffold" / "files"


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


def load_workflow(path: Path) -> dict:
    """YAML 1.1 reads the key `on` as True; GitHub reads it as the string "on"."""
    document = yaml.safe_load(path.read_text())
    if True in document:
        document["on"] = document.pop(True)
    return document


def schema_errors(document: object, schema_name: str) -> list[str]:
    # Located without importing check_jsonschema (its CLI module needs a newer click than gdash's floor).
    package = Path(importlib.util.find_spec("check_jsonschema").origin).parent
    schema = json.loads((package / "builtin_schemas" / "vendor" / f"{schema_name}.json").read_text())
    return [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(document)]


def action_steps() -> list[dict]:
    return yaml.safe_load(ACTION.read_text())["runs"]["steps"]


@pytest.mark.parametrize("path", [WORKFLOW, SCAFFOLD / "github_workflow.yml"], ids=lambda p: p.name)
def test_github_workflows_validate_against_githubs_schema(path: Path) -> None:
    assert schema_errors(load_workflow(path), "github-workflows") == []


def test_action_validates_and_calls_existing_commands_and_options():
    assert schema_errors(yaml.safe_load(ACTION.read_text()), "github-actions") == []
    steps = action_steps()
    calls = [call for step in steps for call in gdash_calls(step.get("run", ""))]
    assert {c[0] for c in calls} == {"build", "lint", "test", "diff", "preview"}
    for call in calls:
        assert_parses(call)
    assert ["lint", "--format", "github"] in calls
    for step in steps:
        if "run" in step:
            assert "shell" in step, f"composite step {step.get('name')!r} needs `shell:`"
            assert "${{ github.base_ref }}" not in step["run"], "branch names are user input: pass them via env"
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    comment_step = next(s for s in steps if s.get("uses", "").startswith("actions/github-script"))
    assert f"'{COMMENT_MARKER}'" in comment_step["with"]["script"]


def test_example_workflow_uses_the_action_not_this_repositorys_makefile():
    text = WORKFLOW.read_text()
    assert "make " not in text and ".venv" not in text
    [job] = load_workflow(WORKFLOW)["jobs"].values()
    assert any(step.get("uses", "").startswith("gdash-grafana/gdash@") for step in job["steps"])


def test_gitlab_ci_file_validates_against_gitlabs_schema():
    document = yaml.safe_load((SCAFFOLD / "gitlab_ci.yml").read_text())
    assert schema_errors(document, "gitlab-ci") == []
    calls = [call for line in document["gdash"]["script"] for call in gdash_calls(line)]
    assert {"lint", "diff"} <= {c[0] for c in calls}
    for call in calls:
        assert_parses(call)


@pytest.mark.parametrize("path", [HOOKS, SCAFFOLD / "pre-commit-config.yaml"], ids=lambda p: p.name)
def test_pre_commit_hooks_run_real_commands_without_a_committed_build(path: Path):
    document = yaml.safe_load(path.read_text())
    hooks = document if isinstance(document, list) else [h for repo in document["repos"] for h in repo["hooks"]]
    ids = [h["id"] for h in hooks]
    assert "gdash-lint" in ids and "gdash-validate" in ids
    for hook in hooks:
        assert hook["pass_filenames"] is False
        words = shlex.split(hook["entry"])
        assert words[0] == "gdash"
        assert_parses(words[1:])
    # build/ is in the scaffold's .gitignore: a hook comparing a committed build/ must be opt-in only.
    assert "build/" in (SCAFFOLD / "gitignore").read_text()
    assert "gdash-build-check" not in ids or path == HOOKS
    if path == HOOKS:
        assert "commit build/" in path.read_text()


def test_action_diff_step_on_a_real_repository(tmp_path):
    repo = seed_repo(tmp_path)
    git(repo, "remote", "add", "origin", str(repo))
    git(repo, "fetch", "-q", "origin")
    script = next(s for s in action_steps() if s.get("id") == "diff")["run"]
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()

    def run_step() -> tuple[str, str]:
        outputs, summary = tmp_path / "outputs", tmp_path / "summary"
        outputs.write_text("")
        env = {**os.environ, "BASE_REF": "main", "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary),
               "RUNNER_TEMP": str(runner_temp), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        result = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return outputs.read_text(), (runner_temp / "gdash-diff.md").read_text()

    outputs, comment = run_step()
    assert outputs == "changed=false\n" and "No dashboard or alert rule changes" in comment
    change_query_and_move_panel(repo)
    outputs, comment = run_step()
    assert outputs == "changed=true\n"
    assert comment.startswith(COMMENT_MARKER) and "Panel **Status codes** moved" in comment
    assert click.unstyle(comment) == comment
