"""Automatic placement on Grafana's 24-column grid, so no dashboard file writes a gridPos by hand."""
from __future__ import annotations

import copy

from grafanalib import core

GRID_WIDTH = 24
ROW_HEIGHT = 1
_FALLBACK_SIZE = (12, 8)


def panel_size(panel: core.Panel) -> tuple[int, int]:
    """A panel's (w, h): an explicit gridPos wins, then the helper's size, then a fallback."""
    if isinstance(panel.gridPos, core.GridPos):
        return panel.gridPos.w, panel.gridPos.h
    if isinstance(panel.gridPos, dict):
        return panel.gridPos["w"], panel.gridPos["h"]
    return getattr(panel, "_gdash_size", _FALLBACK_SIZE)


def _replaced(obj: core.Panel, **changes: object) -> core.Panel:
    """A shallow copy with some attributes replaced (the ``_gdash_*`` ones come along).

    ``copy.copy`` rather than ``attr.evolve``: evolve re-runs ``__init__`` with every attribute's
    validators and converters, on values that already passed them; a tenth of a build's time."""
    placed = copy.copy(obj)
    placed.__dict__.update(changes)
    return placed


def _with_gridpos(panel: core.Panel, x: int, y: int, w: int, h: int) -> core.Panel:
    return _replaced(panel, gridPos=core.GridPos(h=h, w=w, x=x, y=y))


class _Cursor:
    def __init__(self) -> None:
        self.x = 0
        self.y = 0
        self.line_height = 0

    def place(self, panel: core.Panel) -> core.Panel:
        w, h = panel_size(panel)
        w = min(w, GRID_WIDTH)
        if self.x + w > GRID_WIDTH:
            self.new_line()
        placed = _with_gridpos(panel, self.x, self.y, w, h)
        self.x += w
        self.line_height = max(self.line_height, h)
        return placed

    def new_line(self) -> None:
        self.y += self.line_height
        self.x = 0
        self.line_height = 0


def layout(items: list[core.Panel]) -> list[core.Panel]:
    """Flow panels left to right, wrapping at 24 columns; each ``RowPanel`` starts a new line.

    Panels of an expanded row follow the row in the dashboard's panel list (Grafana's model);
    a collapsed row keeps its panels inside it, placed as they will be when it is expanded.
    """
    cursor = _Cursor()
    placed: list[core.Panel] = []
    for item in items:
        if isinstance(item, core.RowPanel):
            cursor.new_line()
            row_y = cursor.y
            cursor.y += ROW_HEIGHT
            children = [cursor.place(panel) for panel in item.panels]
            cursor.new_line()
            row = _with_gridpos(item, 0, row_y, GRID_WIDTH, ROW_HEIGHT)
            if item.collapsed:
                placed.append(_replaced(row, panels=children))
                cursor.y = row_y + ROW_HEIGHT  # hidden panels take no space until the row is expanded
            else:
                placed.append(_replaced(row, panels=[]))
                placed.extend(children)
        else:
            placed.append(cursor.place(item))
    return placed
