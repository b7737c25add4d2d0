"""Semantic diff of dashboards: settings, then panels and rows matched by identity, then layout."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .changes import DashboardDiff, FieldChange, ItemChange
from .fields import diff_values
from .layout import layout_changes
from .normalize import normalize_dashboard, normalize_pair
from .panels import PanelView, flatten_panels, match_panels


def diff_dashboards(
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    *,
    old_folder: str | None = None,
    new_folder: str | None = None,
) -> DashboardDiff:
    """Compare two versions of one dashboard model (either may be None: added or removed).

    Both sides are normalized first (see ``normalize_dashboard``), so ids, versions and key order
    never show up. Folders are compared only when both are given.
    """
    old_model, new_model, current = normalize_pair(old, new, normalize_dashboard)
    diff = DashboardDiff(
        uid=str(current.get("uid") or ""),
        title=str(current.get("title") or ""),
        old_title=str(old_model.get("title") or "") if old_model is not None else None,
        folder=new_folder if new_model is not None else old_folder,
        added=old_model is None,
        removed=new_model is None,
    )
    old_views = flatten_panels(old_model) if old_model is not None else []
    new_views = flatten_panels(new_model) if new_model is not None else []
    if old_model is not None and new_model is not None:
        diff.settings = diff_values(_settings(old_model), _settings(new_model))
        if old_folder is not None and new_folder is not None and old_folder != new_folder:
            diff.settings.insert(0, FieldChange("folder", old_folder, new_folder))
    diff.items = diff_panels(old_views, new_views)
    return diff


def diff_panels(old: list[PanelView], new: list[PanelView]) -> list[ItemChange]:
    """Added, removed, changed and moved panels and rows, in the new dashboard's reading order."""
    pairs, removed, added = match_panels(old, new)
    notes = layout_changes(pairs, removed, added)
    items: dict[int, ItemChange] = {}
    for old_view, new_view in pairs:
        fields = diff_values(old_view.content, new_view.content)
        layout = notes.get(id(new_view), [])
        if fields or layout:
            items[id(new_view)] = _item(new_view, fields=fields, layout=layout)
    for view in added:
        items[id(view)] = _item(view, added=True, summary=describe(view))
    ordered = [items[id(v)] for v in new if id(v) in items]
    return ordered + [_item(v, removed=True, summary=describe(v)) for v in removed]


def _item(view: PanelView, **details: Any) -> ItemChange:
    key = f"{view.kind}:{view.title}" if view.title else f"{view.kind}:{view.label}"
    return ItemChange(view.kind, key, view.label, grid=view.grid, **details)


def describe(view: PanelView) -> str:
    """One line for an added or removed panel: its type, where it sits and its size."""
    if view.kind == "row":
        return f"row with {len(view.children)} panel(s)"
    where = f"in row '{view.row.label}'" if view.row else "at the top level"
    size = f", {view.grid[2]}x{view.grid[3]}" if view.grid else ""
    return f"{view.type} {where}{size}"


def _settings(model: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in model.items() if k not in {"panels", "rows"}}


def diff_dashboard_sets(
    old: Mapping[str, dict[str, Any]],
    new: Mapping[str, dict[str, Any]],
    *,
    old_folders: Mapping[str, str] | None = None,
    new_folders: Mapping[str, str] | None = None,
) -> list[DashboardDiff]:
    """Diffs of the dashboards (``uid -> model``) that differ, ordered by folder, title and uid."""
    diffs = []
    for uid in sorted(set(old) | set(new)):
        diff = diff_dashboards(
            old.get(uid),
            new.get(uid),
            old_folder=(old_folders or {}).get(uid),
            new_folder=(new_folders or {}).get(uid),
        )
        if diff.changed:
            diffs.append(diff)
    return sorted(diffs, key=lambda d: (d.folder or "", d.title.lower(), d.uid))
