"""DSH rules: dashboard structure and grafana/dashboard-linter's dashboard-level checks."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterator

from ...model import LOGICAL_UID_PREFIX
from ..context import DashboardContext, as_dict, as_list, as_text, panel_id, panel_targets
from ..findings import Issue
from .registry import rule

GRID_WIDTH = 24
MAX_UID_LENGTH = 40
_VARIABLE_REF = re.compile(r"^\$\{?([A-Za-z0-9_]+)(?::[^}]*)?\}?$|^\[\[([A-Za-z0-9_]+)\]\]$")
_NO_QUERY_PANELS = {"row", "text", "news", "dashlist", "alertlist", "annolist", "welcome", "gettingstarted"}
_UNIT_PANELS = {"timeseries", "graph", "stat", "gauge", "bargauge", "singlestat", "heatmap"}
_QUERY_TYPES = ("prometheus", "loki")


def _datasource_type(panel: dict[str, Any], target: dict[str, Any]) -> str | None:
    for source in (target.get("datasource"), panel.get("datasource")):
        kind = as_text(as_dict(source).get("type"))
        if kind:
            return kind
    return "prometheus" if "expr" in target else None


def _datasource_variables(context: DashboardContext) -> dict[str, str]:
    """Datasource template variables, and the datasource inputs of a dashboard exported for sharing
    (``__inputs``, ``${DS_PROMETHEUS}``): name -> plugin type."""
    found = {name: as_text(v.get("query")) for name, v in context.variables().items() if v.get("type") == "datasource"}
    for item in as_list(context.model.get("__inputs")):
        if isinstance(item, dict) and item.get("type") == "datasource":
            found[as_text(item.get("name"))] = as_text(item.get("pluginId"))
    return found


def _query_panels(context: DashboardContext) -> Iterator[dict[str, Any]]:
    for panel in context.panels():
        if as_text(panel.get("type")) not in _NO_QUERY_PANELS:
            yield panel


def _used_types(context: DashboardContext) -> set[str]:
    return {
        _datasource_type(panel, target)
        for panel in _query_panels(context)
        for target in panel_targets(panel) or [{}]
    } & set(_QUERY_TYPES)


@rule("DSH001", "warning", "no datasource template variable for the queried datasource type", "dashboard")
def datasource_variable_missing(context: DashboardContext) -> Iterator[Issue]:
    """A dashboard querying Prometheus (or Loki) should have a template variable of type
    ``datasource`` for that plugin, so viewers can switch clusters/environments and panels do not
    hard-code one datasource (grafana/dashboard-linter's template-datasource rule). A dashboard
    exported for sharing may declare the datasource as an import input (``__inputs``) instead.
    """
    available = set(_datasource_variables(context).values())
    for kind in sorted(_used_types(context) - available):
        yield Issue(f"dashboard queries {kind} but has no datasource template variable of type {kind!r}")


def _uses_variable_or_logical(source: Any, variables: dict[str, str]) -> bool:
    if source is None:
        return True  # inherits the panel's / dashboard's default
    uid = source.get("uid") if isinstance(source, dict) else source
    if not isinstance(uid, str) or uid in ("-- Mixed --", "-- Dashboard --", "__expr__", "-- Grafana --"):
        return True
    if uid.startswith(LOGICAL_UID_PREFIX):
        return True  # gdash logical name, mapped per environment
    match = _VARIABLE_REF.match(uid)
    return bool(match and (match.group(1) or match.group(2)) in variables)


@rule("DSH002", "warning", "panel or query datasource does not use the datasource variable", "dashboard")
def datasource_not_variable(context: DashboardContext) -> Iterator[Issue]:
    """Panels and their queries should point at the datasource template variable
    (``{"uid": "${datasource}"}``) or a gdash logical datasource, not a fixed uid, so the dashboard
    works in every environment (dashboard-linter's panel-datasource rule).
    """
    variables = _datasource_variables(context)
    for panel in _query_panels(context):
        sources = [("panel", panel.get("datasource"))] + [
            (f"query {as_text(t.get('refId')) or '?'}", t.get("datasource")) for t in panel_targets(panel)
        ]
        for what, source in sources:
            if isinstance(source, str) and not source.startswith("$"):
                continue  # a datasource name: DSH013 reports it
            if not _uses_variable_or_logical(source, variables):
                yield Issue(f"{what} uses fixed datasource {source!r}; use the datasource variable", panel_id=panel_id(panel))


@rule("DSH003", "info", "`job` or `instance` template variable missing", "dashboard")
def job_instance_variables(context: DashboardContext) -> Iterator[Issue]:
    """Prometheus dashboards conventionally let viewers narrow panels by ``job`` and ``instance``
    (dashboard-linter's template-job and template-instance rules).
    """
    if "prometheus" not in _used_types(context):
        return
    variables = context.variables()
    for name in ("job", "instance"):
        if name not in variables:
            yield Issue(f"dashboard has no {name!r} template variable")


@rule("DSH004", "warning", "panel has no title", "dashboard")
def panel_title(context: DashboardContext) -> Iterator[Issue]:
    """Every panel needs a title; an untitled panel cannot be told apart in alerts, links and search."""
    for panel in context.panels():
        if panel.get("type") != "row" and not as_text(panel.get("title")).strip():
            kind = as_text(panel.get("type")) or "untyped"
            yield Issue(f"{kind} panel {panel_id(panel)} has no title", panel_id=panel_id(panel))


@rule("DSH005", "info", "panel has no description", "dashboard")
def panel_description(context: DashboardContext) -> Iterator[Issue]:
    """A description (shown as the panel's ⓘ tooltip) tells the viewer what the graph means and what
    "bad" looks like (dashboard-linter's panel-title-description rule). Text panels are exempt.
    """
    for panel in _query_panels(context):
        if not as_text(panel.get("description")).strip():
            yield Issue("panel has no description", panel_id=panel_id(panel))


@rule("DSH006", "warning", "panel has no unit", "dashboard")
def panel_units(context: DashboardContext) -> Iterator[Issue]:
    """Time series, stat, gauge and similar panels should set ``fieldConfig.defaults.unit`` (``s``,
    ``bytes``, ``percentunit``, ``reqps``, ``none``...) so values are scaled and labelled
    (dashboard-linter's panel-units rule).
    """
    for panel in _query_panels(context):
        if as_text(panel.get("type")) in _UNIT_PANELS:
            defaults = as_dict(as_dict(panel.get("fieldConfig")).get("defaults"))
            if not as_text(defaults.get("unit")) and not as_text(panel.get("format")):
                yield Issue("panel has no unit (fieldConfig.defaults.unit)", panel_id=panel_id(panel))


@rule("DSH007", "error", "dashboard uid used by more than one dashboard", "dashboard")
def duplicate_uid(context: DashboardContext) -> Iterator[Issue]:
    """A dashboard uid identifies it in Grafana: two dashboards with one uid overwrite each other
    on every push, so only one of them survives.
    """
    if context.uid_also_in:
        yield Issue(f"uid {as_text(context.model.get('uid'))!r} is also used by {', '.join(context.uid_also_in)}")


@rule("DSH008", "error", "duplicate panel id", "dashboard")
def duplicate_panel_ids(context: DashboardContext) -> Iterator[Issue]:
    """Panel ids identify panels in links (``viewPanel=3``), library panels and alert annotations;
    Grafana misbehaves when two panels share one.
    """
    counts = Counter(panel_id(p) for p in context.panels() if panel_id(p) is not None)
    for duplicate, count in sorted(counts.items(), key=lambda item: str(item[0])):
        if count > 1:
            yield Issue(f"panel id {duplicate} is used by {count} panels", panel_id=duplicate)


def _rows(context: DashboardContext) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Panels grouped by the row they appear under (collapsed rows hold theirs in ``panels``)."""
    current, members = "(top)", []
    for panel in context.top_panels():
        if panel.get("type") == "row":
            yield current, members
            current = as_text(panel.get("title")) or "row"
            members = [p for p in as_list(panel.get("panels")) if isinstance(p, dict)]
        else:
            members.append(panel)
    yield current, members


@rule("DSH009", "warning", "duplicate panel title within a row", "dashboard")
def duplicate_titles(context: DashboardContext) -> Iterator[Issue]:
    """Two panels with the same title in one row are indistinguishable to viewers and in links."""
    for row, panels in _rows(context):
        seen: dict[str, Any] = {}
        for panel in panels:
            title = as_text(panel.get("title")).strip()
            if title and title in seen:
                yield Issue(f"panel title {title!r} appears more than once in row {row!r}", panel_id=panel_id(panel))
            seen.setdefault(title, panel_id(panel))


def _grid(panel: dict[str, Any]) -> tuple[int, int, int, int] | None:
    grid = panel.get("gridPos")
    if not isinstance(grid, dict):
        return None
    values = [grid.get(k, 0) for k in ("x", "y", "w", "h")]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return None
    return tuple(int(v) for v in values)  # type: ignore[return-value]


@rule("DSH010", "warning", "overlapping panels", "dashboard")
def overlapping_panels(context: DashboardContext) -> Iterator[Issue]:
    """Panels whose ``gridPos`` rectangles overlap are pushed around by Grafana at load time, so the
    layout differs from what the code says.
    """
    # Each panel is reported once, naming the first earlier panel it overlaps. Earlier panels are
    # found through a grid of cells (4 columns x 8 rows): two rectangles of positive integer size
    # that overlap share a cell, so each panel is compared only with the few panels around it and
    # the check is linear in the number of panels. Panels of zero or negative size (where the
    # overlap test means something else) and huge ones are compared with every panel instead.
    placed: list[tuple[dict[str, Any], tuple[int, int, int, int]]] = []
    cells: dict[tuple[int, int], list[int]] = {}
    odd: list[int] = []  # indexes of degenerate or huge panels
    for panel in context.top_panels():
        grid = _grid(panel)
        if grid is None:
            continue
        x, y, w, h = grid
        index = len(placed)
        covered = _cells(x, y, w, h)
        candidates = set(odd)
        if covered is None:
            candidates.update(range(index))
        else:
            for cell in covered:
                candidates.update(cells.get(cell, ()))
        for other_index in sorted(candidates):
            other, (ox, oy, ow, oh) = placed[other_index]
            if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                yield Issue(f"panel {as_text(panel.get('title'))!r} overlaps panel {as_text(other.get('title'))!r}",
                            panel_id=panel_id(panel))
                break
        placed.append((panel, grid))
        if covered is None:
            odd.append(index)
        else:
            for cell in covered:
                cells.setdefault(cell, []).append(index)


_CELL_W, _CELL_H, _MAX_CELLS = 4, 8, 4096


def _cells(x: int, y: int, w: int, h: int) -> list[tuple[int, int]] | None:
    """The grid cells a rectangle covers; None when it is degenerate or covers too many."""
    if w <= 0 or h <= 0:
        return None
    columns = range(x // _CELL_W, (x + w - 1) // _CELL_W + 1)
    rows = range(y // _CELL_H, (y + h - 1) // _CELL_H + 1)
    if len(columns) * len(rows) > _MAX_CELLS:
        return None
    return [(column, row) for column in columns for row in rows]


@rule("DSH011", "error", "panel outside the 24-column grid", "dashboard")
def out_of_grid(context: DashboardContext) -> Iterator[Issue]:
    """Grafana's grid is 24 columns wide; ``x`` and ``y`` must be >= 0, ``w`` and ``h`` >= 1 and
    ``x + w`` <= 24.
    """
    for panel in context.panels():
        grid = _grid(panel)
        if grid is None:
            continue
        x, y, w, h = grid
        if x < 0 or y < 0 or w < 1 or h < 1 or x + w > GRID_WIDTH:
            yield Issue(f"gridPos x={x} y={y} w={w} h={h} is outside the 24-column grid", panel_id=panel_id(panel))


@rule("DSH012", "error", "dashboard uid longer than 40 characters", "dashboard")
def uid_too_long(context: DashboardContext) -> Iterator[Issue]:
    """Grafana rejects dashboard uids longer than 40 characters, so the push (or provisioning)
    of this dashboard fails. Choose a shorter, stable uid.
    """
    uid = as_text(context.model.get("uid"))
    if len(uid) > MAX_UID_LENGTH:
        yield Issue(f"uid {uid!r} is {len(uid)} characters long (maximum {MAX_UID_LENGTH})")


@rule("DSH013", "warning", "datasource referenced by name instead of uid", "dashboard")
def datasource_by_name(context: DashboardContext) -> Iterator[Issue]:
    """Since Grafana 8.3 datasources are referenced as ``{"type": ..., "uid": ...}``; a bare name
    string breaks when the datasource is renamed and differs between instances.
    """
    for panel in context.panels():
        sources = [panel.get("datasource")] + [t.get("datasource") for t in panel_targets(panel)]
        for source in sources:
            if isinstance(source, str) and not source.startswith(("$", "[[")) and source not in ("-- Mixed --",):
                yield Issue(f"datasource referenced by name {source!r}; use {{\"type\": ..., \"uid\": ...}}",
                            panel_id=panel_id(panel))
                break


@rule("DSH014", "warning", "panel has no queries", "dashboard")
def empty_panel(context: DashboardContext) -> Iterator[Issue]:
    """A graph, stat or table panel without targets renders "No data" forever."""
    for panel in _query_panels(context):
        if panel.get("libraryPanel"):
            continue
        if not panel_targets(panel):
            yield Issue("panel has no queries", panel_id=panel_id(panel))


@rule("DSH015", "error", "dashboard file wrapped in {\"dashboard\": ...}", "dashboard")
def wrapped_dashboard(context: DashboardContext) -> Iterator[Issue]:
    """``{"dashboard": {...}, "overwrite": true}`` is the body of Grafana's HTTP API. File
    provisioning expects the bare dashboard model: with the wrapper Grafana finds no title or
    panels and silently skips the file. Write the inner object only.
    """
    if context.wrapped:
        yield Issue('the file wraps the dashboard in {"dashboard": ...} (HTTP API shape); '
                    "file provisioning needs the bare dashboard model")
