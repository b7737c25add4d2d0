"""Find the project a command run from a subdirectory belongs to, the way git finds ``.git``."""

from __future__ import annotations

from pathlib import Path

# gdash.config.CONFIG_NAME, not imported from there: gdash.config imports yaml, and the CLI starts
# without it (tests/test_perf.py checks the two agree).
CONFIG_NAME = "gdash.yaml"


def is_project_root(directory: Path) -> bool:
    """A directory holding gdash.yaml, or both dashboards/ and alerts/."""
    return (directory / CONFIG_NAME).is_file() or (
        (directory / "dashboards").is_dir() and (directory / "alerts").is_dir()
    )


def find_project_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` that is a project root, or None."""
    start = Path(start).resolve()
    for directory in (start, *start.parents):
        if is_project_root(directory):
            return directory
    return None
