"""Where each panel is drawn: Grafana's gridPos, with collapsed rows shown expanded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...diff.panels import PanelView, flatten_panels

GRID_COLUMNS = 24
UNPLACED_SIZE = (GRID_COLUMNS, 8)  # legacy panels without gridPos are stacked full width


@dataclass
class Box:
    view: PanelView
    x: int
    y: int
    w: int
    h: int


def layout_boxes(model: dict[str, Any]) -> list[Box]:
    """Boxes in reading order. A collapsed row's panels are placed under it, like Grafana does on
    expanding the row, and everything below moves down by their height."""
    boxes: list[Box] = []
    placed: dict[int, Box] = {}
    shift = 0
    cursor = 0
    for view in flatten_panels(model):
        x, y, w, h = view.grid or (0, cursor, *UNPLACED_SIZE)
        row = view.row
        if row is not None and row.content.get("collapsed") and id(row) in placed and view.grid:
            first = min(c.grid[1] for c in row.children if c.grid)
            y = placed[id(row)].y + 1 + (y - first)
        else:
            y += shift
        box = Box(view, x, y, w, h)
        boxes.append(box)
        placed[id(view)] = box
        cursor = max(cursor, y + h)
        if view.kind == "row" and view.content.get("collapsed") and view.children:
            grids = [c.grid for c in view.children if c.grid]
            if grids:
                shift += max(g[1] + g[3] for g in grids) - min(g[1] for g in grids)
    return boxes
