"""Find and load a gdash project: gdash.yaml, dashboards/*.py and alerts/*.py."""

from __future__ import annotations

from typing import Any

from .root import find_project_root

__all__ = ["find_project_root", "load_project"]


def __getattr__(name: str) -> Any:  # the loader (and grafanalib under it) only when a project is loaded
    if name == "load_project":
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'gdash.project' has no attribute {name!r}")
