"""Schema step 16: the legacy ``rows[]`` layout (12-column spans, pixel heights) -> the 24-column grid.

Row panels are emitted when any row is collapsed, repeated or shows its title; panels of a
collapsed row go inside its row panel. Placement packs panels left to right and wraps, as
Grafana's ``upgradeToGridLayout`` does (grafana/grafana
``apps/dashboard/pkg/migration/schemaversion/v16.go`` and ``DashboardMigrator.ts``).
"""

from __future__ import annotations

import math
from typing import Any

from ._util import as_float, as_int, dicts, get_bool, get_str

GRID_COLUMNS = 24
DEFAULT_SPAN = 4.0
DEFAULT_ROW_HEIGHT = 250.0
CELL_HEIGHT = 30.0
CELL_MARGIN = 8.0
MIN_PANEL_HEIGHT = CELL_HEIGHT * 3


_LIMIT = 1e9  # absurd sizes are capped, so hostile input cannot overflow the grid arithmetic


def grid_height(pixels: float) -> int:
    return int(math.ceil(min(max(pixels, MIN_PANEL_HEIGHT), _LIMIT) / (CELL_HEIGHT + CELL_MARGIN)))


class _RowArea:
    def __init__(self, height: int, y: int):
        self.area = [0] * GRID_COLUMNS
        self.y = y
        self.height = height

    def add(self, grid: dict[str, int]) -> None:
        for i in range(grid["x"], min(grid["x"] + grid["w"], GRID_COLUMNS)):
            self.area[i] = max(self.area[i], grid["y"] + grid["h"] - self.y)

    def position(self, width: int) -> tuple[int, int]:
        for _ in range(10_000):  # a wrap always frees the row; the bound only guards hostile input
            start = end = 0
            found = False
            for i in range(GRID_COLUMNS - 1, -1, -1):
                if self.height - self.area[i] > 0:
                    if not found:
                        end, found = i, True
                    elif i < GRID_COLUMNS - 1 and self.area[i] <= self.area[i + 1]:
                        start = i
                    else:
                        break
                else:
                    break
            if found and end - start >= width - 1:
                return start, max(self.area[start : end + 1])
            self.y += self.height
            self.area = [0] * GRID_COLUMNS
        return 0, 0


def _max_panel_id(rows: list[dict[str, Any]]) -> int:
    ids = [as_int(p.get("id"), 0) for row in rows for p in dicts(row.get("panels"))]
    return max([0, *ids])


def rows_to_grid(dash: dict[str, Any]) -> None:
    rows = dash.get("rows")
    if not isinstance(rows, list):
        return
    if not rows:
        del dash["rows"]
        return
    row_list = list(dicts(rows))
    y = 0
    next_id = _max_panel_id(row_list) + 1
    out = list(dash["panels"]) if isinstance(dash.get("panels"), list) else []
    show_rows = any(get_bool(r, "collapse") or get_bool(r, "showTitle") or get_str(r, "repeat") for r in row_list)
    for row in row_list:
        if row.get("repeatIteration") is not None:
            continue
        height = as_float(row.get("height"))
        row_height = grid_height(DEFAULT_ROW_HEIGHT if height is None else height)
        collapsed = get_bool(row, "collapse")
        children = list(dicts(row.get("panels")))
        for panel in children:
            if "id" not in panel:
                panel["id"] = next_id
                next_id += 1
        row_panel: dict[str, Any] | None = None
        if show_rows:
            row_panel = {
                "id": next_id,
                "type": "row",
                "title": get_str(row, "title"),
                "repeat": get_str(row, "repeat"),
                "panels": [],
                "gridPos": {"x": 0, "y": y, "w": GRID_COLUMNS, "h": row_height},
            }
            if "collapse" in row:
                row_panel["collapsed"] = collapsed
            next_id += 1
            y += 1
        area = _RowArea(row_height, y)
        for panel in children:
            span = as_float(panel.get("span"))
            span = span if span else DEFAULT_SPAN  # the frontend's `panel.span || DEFAULT_PANEL_SPAN`: 0 too
            if "minSpan" in panel:
                min_span = as_float(panel["minSpan"])
                if min_span is not None and min_span > 0:
                    panel["minSpan"] = int(min(GRID_COLUMNS, GRID_COLUMNS / 12 * min_span))
            width = int(math.floor(max(-_LIMIT, min(span, _LIMIT)) * GRID_COLUMNS / 12))
            panel_height = row_height
            if "height" in panel:
                pixels = as_float(panel["height"])
                if pixels is not None:
                    panel_height = grid_height(pixels)
            x, dy = area.position(width)
            y = area.y
            panel["gridPos"] = {"x": x, "y": y + dy, "w": width, "h": panel_height}
            area.add(panel["gridPos"])
            panel.pop("span", None)
            if row_panel is not None and collapsed:
                row_panel["panels"].append(panel)
            else:
                out.append(panel)
        if row_panel is not None:
            out.append(row_panel)
        if row_panel is None or not collapsed:
            y += row_height
    dash["panels"] = out
    del dash["rows"]
