"""The compiled project: what every capability (build, lint, push, provision, diff, import) works on.

Dashboards and rules are kept as plain JSON-ready dicts (the exact bytes gdash writes), plus a
source map back to the user's Python so findings can point at a file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Location

if TYPE_CHECKING:  # not at run time: gdash.config imports yaml, which commands that need no config skip
    from .config import Config

# Logical datasource names are written into compiled models as this placeholder uid, so that an
# environment's `datasources:` mapping can rewrite them (see gdash.sync.datasources.rewrite_datasources).
LOGICAL_UID_PREFIX = "gdash:"

# The annotation every dashboard Grafana saves carries ("Annotations & Alerts"): gdash emits it,
# the migration adds it as Grafana's load does, and the emulator adds it on save as Grafana 12.2+ does.
BUILTIN_ANNOTATION = {
    "builtIn": 1,
    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
    "enable": True,
    "hide": True,
    "iconColor": "rgba(0, 211, 255, 1)",
    "name": "Annotations & Alerts",
    "type": "dashboard",
}


@dataclass
class CompiledDashboard:
    uid: str
    title: str
    folder: str
    model: dict[str, Any]
    source: Location
    # panel id -> where the panel was declared; (panel id, refId) -> where the query was written
    panel_locations: dict[int | None, Location] = field(default_factory=dict)
    target_locations: dict[tuple[int, str], Location] = field(default_factory=dict)
    schema: str | None = None  # "v2": written as a dashboard v2 resource where Grafana reads it (compile/v2.py)

    @property
    def relpath(self) -> str:
        """Path of the dashboard file inside a build's ``dashboards/`` directory."""
        return f"{folder_slug(self.folder)}/{self.uid}.json"


@dataclass
class CompiledRuleGroup:
    """One Grafana-managed alert rule group in file-provisioning shape (see compile.alerts)."""

    name: str
    folder: str
    interval: str
    rules: list[dict[str, Any]]
    source: Location
    rule_locations: dict[str, Location] = field(default_factory=dict)  # rule uid -> location

    def to_provisioning(self, org_id: int = 1) -> dict[str, Any]:
        return {
            "orgId": org_id,
            "name": self.name,
            "folder": self.folder,
            "interval": self.interval,
            "rules": self.rules,
        }


@dataclass
class Project:
    root: Path
    config: Config
    dashboards: list[CompiledDashboard]
    rule_groups: list[CompiledRuleGroup]
    contact_points: list[dict[str, Any]] = field(default_factory=list)
    policies: dict[str, Any] | None = None
    templates: list[dict[str, Any]] = field(default_factory=list)
    mute_timings: list[dict[str, Any]] = field(default_factory=list)  # provisioning muteTimes
    inhibit_rules: list[dict[str, Any]] = field(default_factory=list)  # Alertmanager shape (Grafana has none)
    recording_rules: list[dict[str, Any]] = field(default_factory=list)  # Prometheus rule groups (SLOs)

    def dashboard(self, uid: str) -> CompiledDashboard:
        return next(d for d in self.dashboards if d.uid == uid)


def grafana_name_key(title: str) -> str:
    """What Grafana compares when it refuses a second dashboard of the same name in a folder.

    Grafana matches the title's slug, not the title (``getExistingDashboardByTitleAndFolder``,
    pkg/services/dashboards/database/database.go: ``slug=?``; HTTP 412 name-exists). Its slug
    algorithm (pkg/infra/slugify) has changed between versions: commit c265af27 turns every run of
    punctuation into one ``-``, 2f8c2782 drops ``, . ( ) ? ' "`` and hex-encodes the rest, a later
    one separates hex codes by dashes; all of them lower-case and trim, and the newer ones replace a
    slug longer than 50 bytes by a UUID of the exact title. The key is what every version agrees
    on, so a clash it shows is refused by any Grafana: the title lower-cased and trimmed, or, when
    its slug could exceed 50 bytes in some version, the exact trimmed title.
    """
    title = title.strip()
    longest_slug = sum(1 if c.isascii() and (c.isalnum() or c in " -_") else 4 if c.isascii() else 10 for c in title)
    return title.lower() if longest_slug <= 50 else title


def folder_slug(folder: str) -> str:
    """Folder title -> directory name used in build output (stable, filesystem-safe)."""
    import re

    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", folder.strip().lower()).strip("-")
    return slug or "general"
