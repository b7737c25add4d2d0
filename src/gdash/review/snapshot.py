"""A compiled project reduced to what review compares: dashboard models and rule groups."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..diff import DiffReport, diff_dashboard_sets, diff_rule_group_sets
from ..model import Project


@dataclass
class Snapshot:
    label: str  # what the reader calls this version: a git ref or "working tree"
    dashboards: dict[str, dict[str, Any]] = field(default_factory=dict)  # uid -> dashboard model
    folders: dict[str, str] = field(default_factory=dict)  # uid -> folder title
    rule_groups: list[dict[str, Any]] = field(default_factory=list)  # provisioning shape


def snapshot_project(project: Project, label: str) -> Snapshot:
    return Snapshot(
        label=label,
        dashboards={d.uid: d.model for d in project.dashboards},
        folders={d.uid: d.folder for d in project.dashboards},
        rule_groups=[g.to_provisioning() for g in project.rule_groups],
    )


def compare_snapshots(base: Snapshot, head: Snapshot) -> DiffReport:
    """What changed from ``base`` to ``head``, dashboards and alert rules alike."""
    return DiffReport(
        dashboards=diff_dashboard_sets(base.dashboards, head.dashboards, old_folders=base.folders, new_folders=head.folders),
        rule_groups=diff_rule_group_sets(base.rule_groups, head.rule_groups),
        base_label=base.label,
        head_label=head.label,
    )
