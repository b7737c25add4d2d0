"""``gdash pull --as-python``: what is live in Grafana, as a gdash project's Python files."""

from __future__ import annotations

from pathlib import Path

from ..sync.environment import Environment
from .project import ImportReport


def import_live(env: Environment, root: Path, *, force: bool = False) -> ImportReport:
    """Write ``root/dashboards/<folder>_<uid>.py`` (with ``folder=`` set) and ``root/alerts/<folder>.py``
    (that folder's rule groups) for every dashboard and Grafana-managed rule group in ``env``: the
    pull of :func:`gdash.sync.pull_python.pull_as_python` into a directory that is no project."""
    from ..sync.pull_python import pull_as_python  # the sync package imports the importer's modules

    return pull_as_python(env, root, force=force)
