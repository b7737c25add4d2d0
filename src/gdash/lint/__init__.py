"""Offline linting of PromQL/LogQL queries, dashboards and alert rules (see ``gdash rules``).

Library entry points (the CLI's ``gdash lint`` is a thin wrapper around them)::

    config = lint_config(project.config, select=["PQL"], ignore=["PQL008"])
    findings = lint_project(project, config)          # compiled dashboards and alert rules
    findings = lint_paths([Path("legacy/")], config)  # existing JSON/YAML files
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..config import Config
from ..model import Project
from .config import LintConfig, load_lint_config
from .engine import exit_code, lint_files, lint_targets, summary
from .findings import Finding
from .output import FORMATS, render
from .sources import project_targets

__all__ = [
    "FORMATS",
    "Finding",
    "LintConfig",
    "exit_code",
    "lint_config",
    "lint_paths",
    "lint_project",
    "render",
    "summary",
]


def lint_config(
    config: Config, *, select: Iterable[str] = (), ignore: Iterable[str] = (), dialect: str | None = None
) -> LintConfig:
    """The lint configuration from gdash.yaml's ``lint:`` section plus CLI ``--select``/``--ignore``/``--dialect``."""
    return load_lint_config(config.lint, config.path).with_cli(select, ignore, dialect)


def lint_project(project: Project, config: LintConfig, *, jobs: int = 1) -> list[Finding]:
    """Lint a loaded project's compiled dashboards and alert rules; findings point at the Python source."""
    return lint_targets(project_targets(project), config, root=project.root, jobs=jobs)


def lint_paths(
    paths: Iterable[Path],
    config: LintConfig,
    *,
    root: Path | None = None,
    jobs: int = 1,
    skipped: list[str] | None = None,
) -> list[Finding]:
    """Lint existing dashboard JSON, alerting provisioning files, rule files (Prometheus, Loki, Mimir/Cortex
    ruler, Operator CRDs, ConfigMaps) or directories; files that hold neither go to ``skipped``."""
    return lint_files(list(paths), config, root=root, jobs=jobs, skipped=skipped)
