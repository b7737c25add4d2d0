"""Find and load a gdash project: gdash.yaml, dashboards/*.py and alerts/*.py."""
from .loader import load_project, load_sources
from .root import find_project_root

__all__ = ["find_project_root", "load_project", "load_sources"]
