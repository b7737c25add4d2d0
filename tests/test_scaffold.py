"""`gdash init`: the scaffold, its promise never to overwrite, and that it builds, lints and tests clean."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from gdash.config import load_config
from gdash.errors import ConfigError
from gdash.lint import lint_config, lint_project
from gdash.project import find_project_root, load_project
from gdash.scaffold import SCAFFOLD, init_project
from gdash.validate import validate_project

REPO = Path(__file__).resolve().parents[1]


def test_init_writes_the_scaffold_and_it_is_clean(tmp_path: Path) -> None:
    result = init_project(tmp_path / "repo")
    assert result.written == list(SCAFFOLD) and result.skipped == []
    assert result.gitignore_added == ["build/", ".gdash/", "__pycache__/"]
    root = tmp_path / "repo"
    project = load_project(root)
    assert [d.uid for d in project.dashboards] == ["example-service"]
    assert [r["title"] for g in project.rule_groups for r in g.rules] == ["TargetDown"]
    assert validate_project(project) == []
    assert lint_project(project, lint_config(load_config(root / "gdash.yaml")), jobs=1) == []
    # generated CI and pre-commit files are valid YAML of the right shape
    workflow = yaml.safe_load((root / ".github/workflows/gdash.yml").read_text())
    assert "pip install gdash-grafana" in str(workflow["jobs"]["dashboards"]["steps"])
    assert yaml.safe_load((root / ".gitlab-ci.yml").read_text())["gdash"]["script"][:3] == [
        "gdash build", "gdash lint", "gdash test"]
    hooks = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    # build/ is ignored, so no hook may compare a committed build/
    assert "build/" in (root / ".gitignore").read_text()
    assert all("build" not in hook["entry"] for hook in hooks)


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed (Debian package `prometheus`)")
def test_scaffold_commands_from_a_subdirectory(tmp_path: Path, gdash) -> None:
    """The CLI end to end, run from a subdirectory: root discovery finds the scaffolded project."""
    root = tmp_path / "repo"
    assert gdash("init", str(root)).returncode == 0
    sub = root / "dashboards"
    for args in (["build"], ["lint"], ["test"]):
        done = gdash(*args, cwd=sub)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert (root / "build/dashboards/examples/example-service.json").is_file()
    assert not (sub / "build").exists()


def test_init_never_overwrites(tmp_path: Path, gdash) -> None:
    (tmp_path / "dashboards").mkdir()
    (tmp_path / "dashboards/example.py").write_text("mine\n")
    (tmp_path / "gdash.yaml").write_text("default_folder: Mine\n")
    (tmp_path / ".gitignore").write_text("node_modules/\nbuild/")
    done = gdash("init", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert f"skipped {tmp_path / 'gdash.yaml'} (exists)" in done.stdout
    assert f"skipped {tmp_path / 'dashboards/example.py'} (exists)" in done.stdout
    assert (tmp_path / "dashboards/example.py").read_text() == "mine\n"
    assert (tmp_path / "gdash.yaml").read_text() == "default_folder: Mine\n"
    gitignore = (tmp_path / ".gitignore").read_text()
    assert gitignore.startswith("node_modules/\nbuild/\n") and gitignore.splitlines().count("build/") == 1
    assert ".gdash/" in gitignore
    second = init_project(tmp_path)
    assert second.written == [] and second.gitignore_added == [] and len(second.skipped) == len(SCAFFOLD)


def test_init_refuses_a_file(tmp_path: Path, gdash) -> None:
    (tmp_path / "f").write_text("x")
    done = gdash("init", str(tmp_path / "f"))
    assert done.returncode == 2 and "is a file" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(ConfigError, match="exists and is not a directory"):
        init_project(tmp_path / "f")


def test_project_root_discovery(tmp_path: Path) -> None:
    (tmp_path / "a/dashboards/x").mkdir(parents=True)
    (tmp_path / "a/alerts").mkdir()
    assert find_project_root(tmp_path / "a/dashboards/x") == (tmp_path / "a").resolve()
    (tmp_path / "a/dashboards/x/gdash.yaml").write_text("{}\n")
    assert find_project_root(tmp_path / "a/dashboards/x") == (tmp_path / "a/dashboards/x").resolve()
    (tmp_path / "b").mkdir()
    assert find_project_root(tmp_path / "b") in (None, *[p for p in (tmp_path / "b").resolve().parents])


def test_dash_c_wins_over_discovery(tmp_path: Path, gdash) -> None:
    init_project(tmp_path / "one")
    init_project(tmp_path / "two")
    (tmp_path / "two/dashboards/example.py").unlink()
    done = gdash("-C", str(tmp_path / "two"), "list", "--format", "json", cwd=tmp_path / "one")
    assert done.returncode == 0, done.stderr
    assert '"dashboards": []' in done.stdout
