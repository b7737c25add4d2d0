"""A compiled project reduced to what review compares: dashboard models and rule groups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..compile.stored import same_output
from ..diff import DiffReport, diff_dashboard_sets, diff_rule_group_sets
from ..model import CompiledDashboard, Project


@dataclass
class Snapshot:
    label: str  # what the reader calls this version: a git ref or "working tree"
    dashboards: dict[str, dict[str, Any]] = field(default_factory=dict)  # uid -> dashboard model
    folders: dict[str, str] = field(default_factory=dict)  # uid -> folder title
    rule_groups: list[dict[str, Any]] = field(default_factory=list)  # provisioning shape
    compiled: dict[str, CompiledDashboard] = field(default_factory=dict)  # uid -> what the models came from


class _Models(Mapping):
    """uid -> model, each parsed from the compiled output only when looked up."""

    def __init__(self, dashboards: dict[str, CompiledDashboard]) -> None:
        self._dashboards = dashboards

    def __getitem__(self, uid: str) -> dict[str, Any]:
        return self._dashboards[uid].model

    def __iter__(self) -> Iterator[str]:
        return iter(self._dashboards)

    def __len__(self) -> int:
        return len(self._dashboards)


def snapshot_project(project: Project, label: str) -> Snapshot:
    compiled = {d.uid: d for d in project.dashboards}
    return Snapshot(
        label=label,
        dashboards=_Models(compiled),  # type: ignore[arg-type]
        folders={d.uid: d.folder for d in project.dashboards},
        rule_groups=[g.to_provisioning() for g in project.rule_groups],
        compiled=compiled,
    )


def compare_snapshots(base: Snapshot, head: Snapshot) -> DiffReport:
    """What changed from ``base`` to ``head``, dashboards and alert rules alike.

    Dashboards whose compiled output is byte-identical on both sides (in the same folder) are
    left out before any model is parsed or normalised: usually all but a few."""
    same = {
        uid
        for uid in base.compiled.keys() & head.compiled.keys()
        if base.folders.get(uid) == head.folders.get(uid) and same_output(base.compiled[uid], head.compiled[uid])
    }
    old = {uid: base.dashboards[uid] for uid in base.dashboards if uid not in same}
    new = {uid: head.dashboards[uid] for uid in head.dashboards if uid not in same}
    return DiffReport(
        dashboards=diff_dashboard_sets(old, new, old_folders=base.folders, new_folders=head.folders),
        rule_groups=diff_rule_group_sets(base.rule_groups, head.rule_groups),
        base_label=base.label,
        head_label=head.label,
    )
