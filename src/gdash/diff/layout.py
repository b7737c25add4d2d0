"""Layout changes summarised as sentences: moved between rows, resized, reordered within a row.

Grafana packs panels upwards, so one panel moving or growing shifts its neighbours. Those shifts are
consequences, not edits: a panel whose coordinates changed only because something else in its row
was added, removed, moved or resized is not reported.
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable

from .panels import PanelView

RowKey = Hashable  # id() of a new-side row, None for the top level


def layout_changes(
    pairs: list[tuple[PanelView, PanelView]], removed: list[PanelView], added: list[PanelView]
) -> dict[int, list[str]]:
    """Sentences per new-side view (keyed by ``id(view)``) for every matched panel or row whose place changed."""
    row_map = {id(o): n for o, n in pairs if o.kind == "row"}
    notes: dict[int, list[str]] = {}
    disturbed_rows: set[RowKey] = set()  # rows whose panels reflowed because of an edit in them

    def new_row_of_old(row: PanelView | None) -> RowKey:
        """Where an old panel's row lives in the new version (a removed row keeps an old-side key)."""
        if row is None:
            return None
        return id(row_map[id(row)]) if id(row) in row_map else ("removed", id(row))

    def row_key(row: PanelView | None) -> RowKey:
        return id(row) if row is not None else None

    stayers: dict[RowKey, list[tuple[PanelView, PanelView]]] = {}
    for old, new in pairs:
        if old.kind == "row":
            continue
        sentences = notes.setdefault(id(new), [])
        if new_row_of_old(old.row) != row_key(new.row):
            sentences.append(f"moved from {_row_name(old.row)} to {_row_name(new.row)}")
            disturbed_rows.update({new_row_of_old(old.row), row_key(new.row)})
        else:
            stayers.setdefault(row_key(new.row), []).append((old, new))
        if old.grid and new.grid and old.grid[2:] != new.grid[2:]:
            sentences.append(f"resized {old.grid[2]}x{old.grid[3]} -> {new.grid[2]}x{new.grid[3]}")
            disturbed_rows.add(row_key(new.row))
    disturbed_rows.update(row_key(v.row) for v in added if v.kind == "panel")
    disturbed_rows.update(new_row_of_old(v.row) for v in removed if v.kind == "panel")

    for row, members in stayers.items():
        if not all(o.relative and n.relative for o, n in members):
            continue
        reordered = _reordered(members)
        for _, new in reordered:
            notes[id(new)].append(_reorder_sentence(new, [n for _, n in members]))
        if reordered or row in disturbed_rows:
            continue
        for old, new in members:  # nothing else explains the shift: the author moved it
            if old.relative != new.relative:
                (ox, oy), (nx, ny) = old.relative, new.relative  # type: ignore[misc]
                notes[id(new)].append(f"moved within {_row_name(new.row)} from (x={ox}, y={oy}) to (x={nx}, y={ny})")

    rows = [(o, n) for o, n in pairs if o.kind == "row" and o.grid and n.grid]
    for _, new in _reordered(rows, by_row=True):
        notes.setdefault(id(new), []).append(_reorder_sentence(new, [n for _, n in rows], rows=True))
    return {k: v for k, v in notes.items() if v}


def _reordered(members: list[tuple[PanelView, PanelView]], by_row: bool = False) -> list[tuple[PanelView, PanelView]]:
    """The pairs outside the longest common reading order: what the author actually moved."""
    old_order = sorted(range(len(members)), key=lambda i: _reading_position(members[i][0], by_row))
    new_order = sorted(range(len(members)), key=lambda i: _reading_position(members[i][1], by_row))
    matcher = difflib.SequenceMatcher(a=old_order, b=new_order, autojunk=False)
    kept = {i for block in matcher.get_matching_blocks() for i in old_order[block.a : block.a + block.size]}
    return [members[i] for i in new_order if i not in kept]


def _reading_position(view: PanelView, is_row: bool) -> tuple[int, int]:
    """Rows read top to bottom on the dashboard; panels left to right, top to bottom in their row."""
    if is_row:
        return (view.grid[1], view.grid[0])  # type: ignore[index]
    x, y = view.relative  # type: ignore[misc]
    return (y, x)


def _reorder_sentence(view: PanelView, siblings: list[PanelView], rows: bool = False) -> str:
    ordered = sorted(siblings, key=lambda v: _reading_position(v, rows))
    index = ordered.index(view)
    where = "first" if index == 0 else f"after '{ordered[index - 1].label}'"
    if rows:
        return f"moved (now {where} among the rows)"
    return f"moved within {_row_name(view.row)} (now {where})"


def _row_name(row: PanelView | None) -> str:
    return f"row '{row.label}'" if row is not None else "the top level"
