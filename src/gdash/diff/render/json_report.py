"""Machine-readable diff: the same facts as the text output, as deterministic JSON."""

from __future__ import annotations

from typing import Any

from ...output import dump_json
from ..changes import ABSENT, DashboardDiff, DiffReport, FieldChange, ItemChange, RuleGroupDiff


def report_data(report: DiffReport) -> dict[str, Any]:
    return {
        "base": report.base_label,
        "head": report.head_label,
        "changed": report.changed,
        "dashboards": [
            {"uid": d.uid, "title": d.title, "old_title": d.old_title, "folder": d.folder, **_entry(d)}
            for d in report.dashboards
        ],
        "rule_groups": [{"folder": g.folder, "name": g.name, **_entry(g)} for g in report.rule_groups],
    }


def _entry(diff: DashboardDiff | RuleGroupDiff) -> dict[str, Any]:
    return {
        "status": diff.status,
        "counts": diff.counts(),
        "settings": [_field(c) for c in diff.settings],
        "items": [_item(i) for i in diff.items],
    }


def render_json(report: DiffReport) -> str:
    return dump_json(report_data(report))


def _field(change: FieldChange) -> dict[str, Any]:
    data: dict[str, Any] = {"path": change.path}
    if change.old is not ABSENT:
        data["old"] = change.old
    if change.new is not ABSENT:
        data["new"] = change.new
    if change.words is not None:
        data["words"] = [[s.op, s.text] for s in change.words]
    return data


def _item(item: ItemChange) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "key": item.key,
        "title": item.title,
        "status": item.status,
        "summary": item.summary,
        "layout": item.layout,
        "fields": [_field(c) for c in item.fields],
        "gridPos": dict(zip("xywh", item.grid)) if item.grid else None,
    }
