"""Panels as seen by a reviewer: which row each sits in, where, and which panel it is across versions.

Panels are matched by a stable identity instead of array position or numeric id: their title
(qualified by row and queries when titles repeat), then — for panels whose title changed — their
type and queries. Matching runs in stages; each stage pairs only keys that are unique on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

QUERY_FIELDS = ("expr", "query", "expression", "rawSql")


@dataclass(eq=False)
class PanelView:
    kind: str  # "panel" or "row"
    title: str
    type: str
    content: dict[str, Any]  # the panel without id, gridPos and (for rows) nested panels
    grid: tuple[int, int, int, int] | None  # x, y, w, h
    row: PanelView | None = None
    children: list[PanelView] = field(default_factory=list)

    @property
    def row_title(self) -> str | None:
        return self.row.title if self.row else None

    @property
    def signature(self) -> str | None:
        """Type plus queries (or text content) — for a row, its panels' titles: recognises a retitled one."""
        if self.kind == "row":
            return "\n".join(["row", *sorted(c.title for c in self.children)]) if self.children else None
        queries = sorted(
            str(t.get(k))
            for t in self.content.get("targets") or []
            if isinstance(t, dict)
            for k in QUERY_FIELDS
            if t.get(k)
        )
        text = (
            (self.content.get("options") or {}).get("content")
            if isinstance(self.content.get("options"), dict)
            else None
        )
        if not queries and not text:
            return None
        return "\n".join([self.type, *queries, str(text or "")])

    @property
    def relative(self) -> tuple[int, int] | None:
        """Position inside its row: inserting a row above does not move the panels below it."""
        if self.grid is None:
            return None
        x, y = self.grid[0], self.grid[1]
        if self.row and self.row.grid:
            y -= self.row.grid[1] + self.row.grid[3]
        return (x, y)

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        first = next((str(t.get(k)) for t in self.content.get("targets") or [] for k in QUERY_FIELDS if t.get(k)), "")
        return f"untitled {self.type or self.kind}" + (f" ({_shorten(first, 40)})" if first else "")


def flatten_panels(model: dict[str, Any]) -> list[PanelView]:
    """Rows and panels in reading order, each panel knowing its row (``None`` at the top level)."""
    views: list[PanelView] = []
    if isinstance(model.get("rows"), list):  # legacy (pre-schemaVersion 16) rows
        for row in model["rows"]:
            row_view = _view(row, "row")
            views.append(row_view)
            views += [_view(p, "panel", row_view) for p in row.get("panels") or []]
    panels = [p for p in model.get("panels") or [] if isinstance(p, dict)]
    ordered = sorted(enumerate(panels), key=lambda ip: (*_xy(ip[1]), ip[0]))
    current_row: PanelView | None = None
    for _, panel in ordered:
        if panel.get("type") == "row":
            current_row = _view(panel, "row")
            views.append(current_row)
            for child in panel.get("panels") or []:  # a collapsed row holds its panels itself
                views.append(_view(child, "panel", current_row))
        else:
            views.append(_view(panel, "panel", current_row))
    return views


def _view(panel: dict[str, Any], kind: str, row: PanelView | None = None) -> PanelView:
    content = {k: v for k, v in panel.items() if k not in {"id", "gridPos", "pluginVersion"}}
    if kind == "row":
        content.pop("panels", None)
    pos = panel.get("gridPos")
    grid: tuple[int, int, int, int] | None = None
    if isinstance(pos, dict):
        grid = tuple(int(pos.get(k) or 0) for k in ("x", "y", "w", "h"))  # type: ignore[assignment]
    view = PanelView(kind, str(panel.get("title") or ""), str(panel.get("type") or kind), content, grid, row)
    if row is not None:
        row.children.append(view)
    return view


def _xy(panel: dict[str, Any]) -> tuple[int, int]:
    pos = panel.get("gridPos") or {}
    return (int(pos.get("y") or 0), int(pos.get("x") or 0))


def match_panels(
    old: list[PanelView], new: list[PanelView]
) -> tuple[list[tuple[PanelView, PanelView]], list[PanelView], list[PanelView]]:
    """Pairs of the same panel, then the removed and the added ones."""
    stages: list[Callable[[PanelView], Hashable | None]] = [
        lambda v: (v.kind, v.title) if v.title else None,
        lambda v: (v.kind, v.title, v.row_title) if v.title else None,
        lambda v: (v.kind, v.title, v.row_title, v.signature),
        lambda v: (v.kind, v.signature) if v.signature else None,
    ]
    pairs: list[tuple[PanelView, PanelView]] = []
    old_left, new_left = list(old), list(new)
    for key in stages:
        old_keys, new_keys = _unique_keys(old_left, key), _unique_keys(new_left, key)
        for k in old_keys.keys() & new_keys.keys():
            pairs.append((old_keys[k], new_keys[k]))
        matched_old = {id(o) for o, _ in pairs}
        matched_new = {id(n) for _, n in pairs}
        old_left = [v for v in old_left if id(v) not in matched_old]
        new_left = [v for v in new_left if id(v) not in matched_new]
    # Identical duplicates (same title, row and queries) pair up in reading order.
    for k in {_dup_key(v) for v in old_left} & {_dup_key(v) for v in new_left}:
        for a, b in zip([v for v in old_left if _dup_key(v) == k], [v for v in new_left if _dup_key(v) == k]):
            pairs.append((a, b))
    matched_old = {id(o) for o, _ in pairs}
    matched_new = {id(n) for _, n in pairs}
    order = {id(v): i for i, v in enumerate(new)}
    pairs.sort(key=lambda p: order[id(p[1])])
    return pairs, [v for v in old if id(v) not in matched_old], [v for v in new if id(v) not in matched_new]


def _dup_key(v: PanelView) -> Hashable:
    return (v.kind, v.title, v.row_title, v.signature)


def _unique_keys(views: list[PanelView], key: Callable[[PanelView], Hashable | None]) -> dict[Hashable, PanelView]:
    seen: dict[Hashable, list[PanelView]] = {}
    for view in views:
        k = key(view)
        if k is not None:
            seen.setdefault(k, []).append(view)
    return {k: vs[0] for k, vs in seen.items() if len(vs) == 1}


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
