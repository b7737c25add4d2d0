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


def _evolve(panel: core.Panel, **changes: object) -> core.Panel:
    """A shallow copy with some attributes replaced, keeping what gdash attached to the panel
    (size, position, location, JSON).

    ``copy.copy`` rather than ``attr.evolve``: evolve re-runs ``__init__`` with every attribute's
    validators and converters, on values that already passed them; a tenth of a build's time."""
    evolved = copy.copy(panel)
    evolved.__dict__.update(changes)
    return evolved


def _with_gridpos(panel: core.Panel, x: int, y: int, w: int, h: int) -> core.Panel:
    return _evolve(panel, gridPos=core.GridPos(h=h, w=w, x=x, y=y))


class Cursor:
    """Where the next panel goes: left to right along a line, a new line below the line's lowest panel.

    A panel with an explicit position (``x=``/``y=`` on a helper, for layouts a flow cannot give,
    e.g. two short panels stacked beside a tall one) is put there, and the flow continues after it.
    """

    def __init__(self) -> None:
        self.x = 0
        self.y = 0
        self.bottom = 0  # the lowest edge of the panels placed since the last new line

    def next_position(self, w: int) -> tuple[int, int]:
        """Where a panel ``w`` wide would flow to (without placing it)."""
        w = min(w, GRID_WIDTH)
        if self.x + w > GRID_WIDTH:
            return 0, max(self.bottom, self.y)
        return self.x, self.y

    def place(self, panel: core.Panel) -> core.Panel:
        w, h = panel_size(panel)
        w = min(w, GRID_WIDTH)
        explicit = getattr(panel, "_gdash_pos", None)
        if explicit is not None:
            x, y = explicit
            x = self.next_position(w)[0] if x is None else x
            y = self.next_position(w)[1] if y is None else y
        else:
            x, y = self.next_position(w)
        if y != self.y and explicit is None:
            self.new_line()
        placed = _with_gridpos(panel, x, y, w, h)
        self.x, self.y = x + w, y
        self.bottom = max(self.bottom, y + h)
        return placed

    def new_line(self) -> None:
        self.y = max(self.bottom, self.y)
        self.x = 0
        self.bottom = self.y


def layout(items: list[core.Panel]) -> list[core.Panel]:
    """Flow panels left to right, wrapping at 24 columns; each ``RowPanel`` starts a new line.

    Panels of an expanded row follow the row in the dashboard's panel list (Grafana's model);
    a collapsed row keeps its panels inside it, placed as they will be when it is expanded.
    """
    cursor = Cursor()
    placed: list[core.Panel] = []
    for item in items:
        if isinstance(item, core.RowPanel):
            cursor.new_line()
            explicit = getattr(item, "_gdash_pos", None)
            row_y = explicit[1] if explicit is not None and explicit[1] is not None else cursor.y
            cursor.y = cursor.bottom = row_y + ROW_HEIGHT
            children = [cursor.place(panel) for panel in item.panels]
            cursor.new_line()
            row = _with_gridpos(item, 0, row_y, GRID_WIDTH, ROW_HEIGHT)
            if item.collapsed:
                placed.append(_evolve(row, panels=children))
                cursor.y = cursor.bottom = row_y + ROW_HEIGHT  # hidden panels take no space until expanded
            else:
                placed.append(_evolve(row, panels=[]))
                placed.extend(children)
        else:
            placed.append(cursor.place(item))
    return placed
