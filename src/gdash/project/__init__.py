"""Find and load a gdash project: gdash.yaml, dashboards/*.py and alerts/*.py."""
from .loader import load_project, load_sources

__all__ = ["load_project", "load_sources"]
