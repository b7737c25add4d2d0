"""The CI files users copy work outside this repository: they validate against the schemas GitHub and
GitLab publish (vendored by check-jsonschema), call only gdash commands and options that exist, and
never lean on this repository's Makefile or .venv."""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import click
import jsonschema
import pytest
import yaml

from gdash.cli import main

REPO = Path(__file__).resolve().parents[1]
SCAFFOLD = REPO / "src" / "gdash" / "scaffold" / "files"


def _schema(name: str) -> dict:
    return json.loads(resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(f"{name}.json").read_text())


def _load_workflow(text: str) -> object:
    """YAML 1.1 reads the key `on` as True; GitHub reads it as the string "on"."""
    document = yaml.safe_load(text)
    if isinstance(document, dict) and True in document:
        document["on"] = document.pop(True)
    return document


def _errors(document: object, schema_name: str) -> list[str]:
    validator = jsonschema.Draft7Validator(_schema(schema_name))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def _gdash_invocations(text: str) -> list[list[str]]:
    """Every `gdash ...` command line in shell snippets, split into words (quotes and $vars dropped)."""
    found = []
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for match in re.finditer(r"(?<![\w./-])gdash((?: +[^\s;&|>\"'$`)]+)+)", code):
        found.append(match.group(1).split())
    return found


def _assert_commands_exist(text: str, where: str) -> None:
    invocations = _gdash_invocations(text)
    assert invocations, f"{where} runs no gdash command"
    for words in invocations:
        command: click.Command = main
        ctx = click.Context(main)
        for word in words:
            if word.startswith("-"):
                names = {opt for param in command.params for opt in getattr(param, "opts", [])}
                assert word.split("=")[0] in names | {"-h", "--help"}, f"{where}: `gdash {' '.join(words)}`: no option {word}"
            elif isinstance(command, click.Group):
                sub = command.get_command(ctx, word)
                assert sub is not None, f"{where}: `gdash {' '.join(words)}`: no command {word!r}"
                command = sub


@pytest.mark.parametrize("path", [REPO / "examples" / "github" / "gdash.yml", SCAFFOLD / "github_workflow.yml"],
                         ids=lambda p: p.name)
def test_github_workflows_validate_against_githubs_schema(path: Path) -> None:
    assert _errors(_load_workflow(path.read_text()), "github-workflows") == []


def test_composite_action_validates_and_runs_real_commands() -> None:
    text = (REPO / "action.yml").read_text()
    action = yaml.safe_load(text)
    assert _errors(action, "github-actions") == []
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert "shell" in step, f"composite step {step.get('name')!r} needs `shell:`"
            assert "${{ github.base_ref }}" not in step["run"], "branch names are user input: pass them via env"
    _assert_commands_exist("\n".join(step.get("run", "") for step in action["runs"]["steps"]), "action.yml")


def test_example_workflow_uses_the_action_not_this_repositorys_makefile() -> None:
    text = (REPO / "examples" / "github" / "gdash.yml").read_text()
    assert "make " not in text and ".venv" not in text
    uses = [step.get("uses", "") for step in yaml.safe_load(text)["jobs"]["dashboards"]["steps"]]
    assert any(u.startswith("gdash-grafana/gdash@") for u in uses)


def test_gitlab_ci_file_validates_against_gitlabs_schema() -> None:
    text = (SCAFFOLD / "gitlab_ci.yml").read_text()
    document = yaml.safe_load(text)
    assert _errors(document, "gitlab-ci") == []
    _assert_commands_exist("\n".join(document["gdash"]["script"]), "gitlab_ci.yml")
    assert "gdash lint" in text and "gdash diff" in text


@pytest.mark.parametrize("path", [REPO / ".pre-commit-hooks.yaml", SCAFFOLD / "pre-commit-config.yaml"],
                         ids=lambda p: p.name)
def test_pre_commit_hooks_run_real_commands_without_a_committed_build(path: Path) -> None:
    document = yaml.safe_load(path.read_text())
    hooks = document if isinstance(document, list) else [h for repo in document["repos"] for h in repo["hooks"]]
    assert hooks
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= hook.keys()
        _assert_commands_exist(hook["entry"], f"{path.name}:{hook['id']}")
    default_ids = [h["id"] for h in hooks if h["id"] != "gdash-build-check"]
    assert "gdash-lint" in default_ids and "gdash-validate" in default_ids


def test_command_finder_catches_a_wrong_command() -> None:
    with pytest.raises(AssertionError, match="no command 'biuld'"):
        _assert_commands_exist("run: gdash biuld --out x", "probe")
    with pytest.raises(AssertionError, match="no option --formt"):
        _assert_commands_exist("gdash lint --formt github", "probe")
