"""``gdash init``: scaffold a gdash project in an empty or existing repository.

Existing files are never overwritten (they are reported as skipped); ``.gitignore`` is the one
file that is extended, with only the entries it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from ..errors import ConfigError

__all__ = ["InitResult", "SCAFFOLD", "init_project"]

# project path -> template in gdash/scaffold/files (stored without leading dots so that every
# packaging tool ships them)
SCAFFOLD: dict[str, str] = {
    "gdash.yaml": "gdash.yaml",
    "dashboards/example.py": "dashboard_example.py",
    "alerts/example.py": "alert_example.py",
    "alerts/tests/example.yaml": "alert_test_example.yaml",
    ".github/workflows/gdash.yml": "github_workflow.yml",
    ".gitlab-ci.yml": "gitlab_ci.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
}
GITIGNORE = "gitignore"


@dataclass
class InitResult:
    root: Path
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # existed already: left alone
    gitignore_added: list[str] = field(default_factory=list)


def _template(name: str) -> str:
    return files(__package__).joinpath("files", name).read_text(encoding="utf-8")


def init_project(root: Path) -> InitResult:
    """Write the scaffold into ``root`` (created if missing); never replace an existing file."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root} exists and is not a directory", hint="pass a directory to `gdash init`")
    result = InitResult(root=root)
    for relpath, template in SCAFFOLD.items():
        path = root / relpath
        if path.exists() or path.is_symlink():
            result.skipped.append(relpath)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_template(template), encoding="utf-8")
        result.written.append(relpath)
    gitignore = root / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    present = {line.strip() for line in existing.splitlines()}
    template_lines = _template(GITIGNORE).splitlines()
    wanted = [line for line in template_lines if line and not line.startswith("#")]
    result.gitignore_added = [line for line in wanted if line not in present]
    if result.gitignore_added:
        prefix = existing if not existing or existing.endswith("\n") else existing + "\n"
        header = [line for line in template_lines if line.startswith("#")]
        gitignore.write_text(
            prefix + ("\n" if existing else "") + "\n".join([*header, *result.gitignore_added]) + "\n", encoding="utf-8"
        )
    return result
