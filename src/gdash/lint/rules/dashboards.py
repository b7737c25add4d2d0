"""DSH rules: dashboard structure and grafana/dashboard-linter's dashboard-level checks."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

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


def datasource_kind(source: Any, variables: dict[str, dict[str, Any]]) -> str:
    """The plugin type of a datasource reference: its ``type``, or the type a datasource variable
    (``{"uid": "$datasource"}``, ``"${ds}"``) selects (the variable's ``query``); "" when unknown."""
    kind = as_text(as_dict(source).get("type"))
    if kind:
        return kind
    uid = as_dict(source).get("uid") if isinstance(source, dict) else source
    if isinstance(uid, str) and uid.startswith(("$", "[[")):
        name = uid.strip("$[]{}").split(":")[0]
        variable = as_dict(variables.get(name))
        if variable.get("type") == "datasource":
            return as_text(variable.get("query"))
    return ""


def _datasource_type(
    panel: dict[str, Any], target: dict[str, Any], variables: dict[str, dict[str, Any]] | None = None
) -> str | None:
    for source in (target.get("datasource"), panel.get("datasource")):
        kind = datasource_kind(source, variables or {})
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
    variables = context.variables()
    return set(_QUERY_TYPES).intersection(
        {
            _datasource_type(panel, target, variables)
            for panel in _query_panels(context)
            for target in panel_targets(panel) or [{}]
        }
    )


@rule("DSH001", "warning", "no datasource template variable for the queried datasource type", "dashboard")
def datasource_variable_missing(context: DashboardContext) -> Iterator[Issue]:
    """What: A dashboard queries Prometheus (or Loki) but has no ``datasource`` template variable for
    that plugin type.

    Why: Viewers cannot switch clusters or environments, and panels end up hard-coding one
    datasource (grafana/dashboard-linter's template-datasource rule).

    Bad: A dashboard whose panels use ``{"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}`` and no
    datasource variable.

    Fix: Add a datasource variable (gdash: ``datasource_var("prometheus")``) and point panels at
    ``${datasource}``.

    Configure: A dashboard exported for sharing may declare the datasource as an import input
    (``__inputs``) instead.
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
    """What: A panel or query points at a fixed datasource uid instead of the datasource variable or a
    gdash logical datasource.

    Why: The dashboard then works in one environment only (dashboard-linter's panel-datasource
    rule).

    Bad: ``"datasource": {"type": "prometheus", "uid": "abc123"}``

    Fix: Use ``{"type": "prometheus", "uid": "${datasource}"}`` or a gdash logical datasource name.

    Configure: Mixed, dashboard and expression datasources are accepted.
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
                yield Issue(
                    f"{what} uses fixed datasource {source!r}; use the datasource variable", panel_id=panel_id(panel)
                )


@rule("DSH003", "info", "`job` or `instance` template variable missing", "dashboard")
def job_instance_variables(context: DashboardContext) -> Iterator[Issue]:
    """What: A Prometheus dashboard without a ``job`` or an ``instance`` template variable.

    Why: Viewers conventionally narrow panels by job and instance (dashboard-linter's template-job
    and template-instance rules).

    Bad: A node dashboard with only a ``datasource`` variable.

    Fix: Add ``query_var("job", "label_values(up, job)")`` and an ``instance`` variable.

    Configure: Informational; disable it for dashboards that are not per-job (``lint: {ignore:
    [{dashboard: UID, codes: [DSH003]}]}``).
    """
    if "prometheus" not in _used_types(context):
        return
    variables = context.variables()
    for name in ("job", "instance"):
        if name not in variables:
            yield Issue(f"dashboard has no {name!r} template variable")


@rule("DSH004", "warning", "panel has no title", "dashboard")
def panel_title(context: DashboardContext) -> Iterator[Issue]:
    """What: A panel (other than a row) without a title.

    Why: An untitled panel cannot be told apart in alerts, links, search and the panel menu.

    Bad: ``{"type": "timeseries", "title": ""}``

    Fix: Give every panel a title that says what it shows.

    Configure: Rows and text panels (headers, notes) are exempt.
    """
    for panel in context.panels():
        if panel.get("type") not in ("row", "text") and not as_text(panel.get("title")).strip():
            kind = as_text(panel.get("type")) or "untyped"
            yield Issue(f"{kind} panel {panel_id(panel)} has no title", panel_id=panel_id(panel))


@rule("DSH005", "info", "panel has no description", "dashboard")
def panel_description(context: DashboardContext) -> Iterator[Issue]:
    """What: A query panel without a description.

    Why: The description (the panel's info tooltip) tells viewers what the graph means and what
    "bad" looks like (dashboard-linter's panel-title-description rule).

    Bad: A timeseries panel with only a title.

    Fix: Set ``description="Requests per second, by status; 5xx above 1 % pages."``.

    Configure: Informational; text and row panels are exempt.
    """
    for panel in _query_panels(context):
        if not as_text(panel.get("description")).strip():
            yield Issue("panel has no description", panel_id=panel_id(panel))


_MAPPED_PANELS = {"stat", "gauge", "bargauge", "singlestat", "state-timeline", "status-history"}
_COUNT_QUERY = re.compile(r"^\s*(count|count_values|group)\s*(\(|by|without)", re.IGNORECASE)


def panel_unit(panel: dict[str, Any]) -> str:
    """The unit Grafana uses for ``panel``, read where that panel type keeps it: ``fieldConfig.defaults.unit``
    (every current panel), ``yaxes[0].format`` (legacy ``graph``), ``format`` (legacy ``singlestat``),
    ``options.yAxis.unit`` / ``yAxis.format`` (``heatmap``, new and legacy)."""
    kind = as_text(panel.get("type"))
    unit = as_text(as_dict(as_dict(panel.get("fieldConfig")).get("defaults")).get("unit"))
    if unit:
        return unit
    if kind == "graph":
        axes = [a for a in as_list(panel.get("yaxes")) if isinstance(a, dict)]
        return as_text(axes[0].get("format")) if axes else ""
    if kind == "singlestat":
        return as_text(panel.get("format"))
    if kind == "heatmap":
        return as_text(as_dict(as_dict(panel.get("options")).get("yAxis")).get("unit")) or as_text(
            as_dict(panel.get("yAxis")).get("format")
        )
    return ""


def _override_units(panel: dict[str, Any]) -> bool:
    """Units set per series by field overrides (``properties: [{id: unit, value: Bps}]``)."""
    for override in as_list(as_dict(panel.get("fieldConfig")).get("overrides")):
        for prop in as_list(as_dict(override).get("properties")):
            if isinstance(prop, dict) and prop.get("id") == "unit" and as_text(prop.get("value")):
                return True
    return False


# Metric-name parts that carry a physical unit (Prometheus naming conventions): without a panel
# unit Grafana shows 0.0034 for 3.4 ms and 1234567890 for 1.15 GiB.
_UNIT_NAME = re.compile(r"_(bytes|seconds|ratio|percent|celsius|meters|volts|amperes|joules|watts|hertz|grams)(_|$)")


def _carries_unit(panel: dict[str, Any]) -> bool:
    """A query selects a metric whose name carries a unit; ``rate()`` of a ``*_seconds_total``
    counter is seconds per second (cores, utilisation): dimensionless, so it does not count."""
    for target in panel_targets(panel):
        expr = target.get("expr")
        if not isinstance(expr, str):
            continue
        for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
            name = match.group(0)
            unit = _UNIT_NAME.search(name)
            if unit and not (unit.group(1) == "seconds" and "_seconds_total" in name):
                return True
    return False


def _maps_values(panel: dict[str, Any]) -> bool:
    """Stat-like panels whose value mappings replace the numbers by text (UP/DOWN): no unit is shown."""
    if as_text(panel.get("type")) not in _MAPPED_PANELS:
        return False
    defaults = as_dict(as_dict(panel.get("fieldConfig")).get("defaults"))
    return bool(as_list(defaults.get("mappings")) or as_list(panel.get("valueMaps")) or as_list(panel.get("rangeMaps")))


def _counts_things(panel: dict[str, Any]) -> bool:
    """Every query is ``count(...)``: a plain number of things, which Grafana shows right without a unit."""
    exprs = [t.get("expr") for t in panel_targets(panel)]
    return bool(exprs) and all(isinstance(e, str) and _COUNT_QUERY.match(e) for e in exprs)


@rule("DSH006", "warning", "panel has no unit", "dashboard")
def panel_units(context: DashboardContext) -> Iterator[Issue]:
    """What: a time series, stat, gauge, bar gauge, heatmap (or legacy graph/singlestat) panel
    without a unit, read where Grafana reads it for that panel type, whose query selects a metric
    whose name carries a unit (``_bytes``, ``_seconds``, ``_ratio``...).

    Why: without a unit Grafana cannot scale (``1.2 GB``, ``350 ms``) or label the values, so a
    viewer must guess whether ``0.35`` is seconds or a ratio (dashboard-linter's panel-units rule).

    Bad: a ``timeseries`` panel of ``rate(http_request_duration_seconds_sum[5m])`` with no
    ``fieldConfig.defaults.unit``.

    Fix: set the unit: ``fieldConfig.defaults.unit: "s"`` (``bytes``, ``percentunit``, ``reqps``,
    ``none``...); in gdash, ``unit="s"``.

    Configure: the unit is read from ``fieldConfig.defaults.unit``, legacy ``graph``
    ``yaxes[0].format``, ``singlestat`` ``format`` and heatmap ``options.yAxis.unit`` /
    ``yAxis.format``, and units set per series by field overrides count. Not flagged: panels whose
    metrics carry no unit (counts, queue lengths; ``rate()`` of ``*_seconds_total``, which is
    cores), stat-like panels whose value mappings replace numbers by text (UP/DOWN), and panels that
    only ``count(...)`` things — Grafana's default number format is right for those.
    """
    for panel in _query_panels(context):
        if as_text(panel.get("type")) in _UNIT_PANELS and not panel_unit(panel):
            if _maps_values(panel) or _counts_things(panel) or _override_units(panel) or not _carries_unit(panel):
                continue
            yield Issue(
                "panel has no unit (fieldConfig.defaults.unit) for a query of a metric with a unit",
                panel_id=panel_id(panel),
            )


@rule("DSH007", "error", "dashboard uid used by more than one dashboard", "dashboard")
def duplicate_uid(context: DashboardContext) -> Iterator[Issue]:
    """What: Two dashboards in the run share one uid.

    Why: A uid identifies a dashboard in Grafana: the two overwrite each other on every push, so
    only one survives.

    Bad: ``dashboards/api.py`` and ``dashboards/api_v2.py`` both with ``uid="api"``.

    Fix: Give each dashboard its own stable uid.

    Configure: Cannot be configured away usefully; fix the uids.
    """
    if context.uid_also_in:
        yield Issue(f"uid {as_text(context.model.get('uid'))!r} is also used by {', '.join(context.uid_also_in)}")


@rule("DSH008", "error", "duplicate panel id", "dashboard")
def duplicate_panel_ids(context: DashboardContext) -> Iterator[Issue]:
    """What: Two panels of one dashboard share a panel id.

    Why: Panel ids identify panels in links (``viewPanel=3``), library panels and alert annotations;
    Grafana misbehaves when two share one.

    Bad: Two panels with ``"id": 3``.

    Fix: Give each panel a unique id (gdash assigns them when you do not).

    Configure: None.
    """
    counts = Counter(panel_id(p) for p in context.panels() if panel_id(p) is not None)
    for duplicate, count in sorted(counts.items(), key=lambda item: str(item[0])):
        if count > 1:
            yield Issue(f"panel id {duplicate} is used by {count} panels", panel_id=duplicate)


def _rows(context: DashboardContext) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Panels grouped by the row they appear under (collapsed rows hold theirs in ``panels``)."""
    members: list[dict[str, Any]]
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
    """What: Two panels of the same type with the same title in one row.

    Why: They are indistinguishable to viewers and in links.

    Bad: Two ``Latency`` panels in the row ``API``.

    Fix: Name what differs: ``Latency p50`` and ``Latency p99``.

    Configure: Panels in different rows may share titles, and so may panels of different types (a
    gauge beside a graph of the same quantity, a common pairing).
    """
    for row, panels in _rows(context):
        seen: dict[tuple[str, str], Any] = {}
        for panel in panels:
            title = as_text(panel.get("title")).strip()
            key = (title, as_text(panel.get("type")))
            if title and key in seen:
                yield Issue(f"panel title {title!r} appears more than once in row {row!r}", panel_id=panel_id(panel))
            seen.setdefault(key, panel_id(panel))


def _grid(panel: dict[str, Any]) -> tuple[int, int, int, int] | None:
    grid = panel.get("gridPos")
    if not isinstance(grid, dict):
        return None
    values = [grid.get(k, 0) for k in ("x", "y", "w", "h")]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return None
    if panel.get("type") == "row":
        # Grafana draws a row one unit high across the grid whatever its gridPos says (DashboardGrid's
        # layout forces w=24, h=1 for rows; its own legacy migration writes h = the old row height).
        return 0, int(values[1]), GRID_WIDTH, 1
    return tuple(int(v) for v in values)  # type: ignore[return-value]


@rule("DSH010", "warning", "overlapping panels", "dashboard")
def overlapping_panels(context: DashboardContext) -> Iterator[Issue]:
    """What: Panels whose ``gridPos`` rectangles overlap.

    Why: Grafana pushes overlapping panels around at load time, so the layout differs from what the
    code says.

    Bad: ``{"x": 0, "y": 0, "w": 12, "h": 8}`` and ``{"x": 6, "y": 4, "w": 12, "h": 8}``

    Fix: Move or resize one of them (gdash's automatic layout never overlaps).

    Configure: None.
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
                yield Issue(
                    f"panel {as_text(panel.get('title'))!r} overlaps panel {as_text(other.get('title'))!r}",
                    panel_id=panel_id(panel),
                )
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
    """What: A panel whose ``gridPos`` lies outside Grafana's 24-column grid.

    Why: ``x``/``y`` must be >= 0, ``w``/``h`` >= 1 and ``x + w`` <= 24; Grafana otherwise clamps or
    moves the panel.

    Bad: ``{"x": 18, "w": 12}``

    Fix: Keep ``x + w <= 24``.

    Configure: rows are checked for ``y`` only: Grafana draws a row across the whole grid, so
    generators that write ``w: 0`` for rows are right.
    """
    for panel in context.panels():
        grid = _grid(panel)
        if grid is None:
            continue
        x, y, w, h = grid
        if panel.get("type") == "row":  # Grafana lays rows out full width at x=0, whatever x/w say
            bad = y < 0
        else:
            bad = x < 0 or y < 0 or w < 1 or h < 1 or x + w > GRID_WIDTH
        if bad:
            yield Issue(f"gridPos x={x} y={y} w={w} h={h} is outside the 24-column grid", panel_id=panel_id(panel))


@rule("DSH012", "error", "dashboard uid longer than 40 characters", "dashboard")
def uid_too_long(context: DashboardContext) -> Iterator[Issue]:
    """What: A dashboard uid longer than 40 characters.

    Why: Grafana rejects such uids, so the push or provisioning of the dashboard fails.

    Bad: ``uid="backend-api-latency-and-error-rates-by-region"``

    Fix: Choose a shorter, stable uid.

    Configure: None.
    """
    uid = as_text(context.model.get("uid"))
    if len(uid) > MAX_UID_LENGTH:
        yield Issue(f"uid {uid!r} is {len(uid)} characters long (maximum {MAX_UID_LENGTH})")


@rule("DSH013", "warning", "datasource referenced by name instead of uid", "dashboard")
def datasource_by_name(context: DashboardContext) -> Iterator[Issue]:
    """What: A datasource referenced by its name (a string) instead of ``{"type", "uid"}``.

    Why: Names break when the datasource is renamed and differ between instances; Grafana 8.3+
    references datasources by uid.

    Bad: ``"datasource": "Prometheus"``

    Fix: Write ``{"type": "prometheus", "uid": "${datasource}"}``.

    Configure: Variables (``$ds``) and ``-- Mixed --`` are accepted.
    """
    for panel in context.panels():
        sources = [panel.get("datasource")] + [t.get("datasource") for t in panel_targets(panel)]
        for source in sources:
            if isinstance(source, str) and not source.startswith(("$", "[[")) and source not in ("-- Mixed --",):
                yield Issue(
                    f'datasource referenced by name {source!r}; use {{"type": ..., "uid": ...}}',
                    panel_id=panel_id(panel),
                )
                break


@rule("DSH014", "warning", "panel has no queries", "dashboard")
def empty_panel(context: DashboardContext) -> Iterator[Issue]:
    """What: A graph, stat or table panel without any query.

    Why: It renders "No data" for ever.

    Bad: ``{"type": "stat", "title": "Errors", "targets": []}``

    Fix: Add the query, or use a text panel.

    Configure: Library panels (whose queries live in the library) are exempt.
    """
    for panel in _query_panels(context):
        if panel.get("libraryPanel"):
            continue
        if not panel_targets(panel):
            yield Issue("panel has no queries", panel_id=panel_id(panel))


@rule("DSH015", "error", 'dashboard file wrapped in {"dashboard": ...}', "dashboard")
def wrapped_dashboard(context: DashboardContext) -> Iterator[Issue]:
    """What: A dashboard file wrapped in ``{"dashboard": ..., "overwrite": true}``.

    Why: That is the body of Grafana's HTTP API. File provisioning expects the bare model: with the
    wrapper Grafana finds no title or panels and silently skips the file.

    Bad: ``{"dashboard": {"title": "API"}, "overwrite": true}``

    Fix: Write the inner object only.

    Configure: None.
    """
    if context.wrapped:
        yield Issue(
            'the file wraps the dashboard in {"dashboard": ...} (HTTP API shape); '
            "file provisioning needs the bare dashboard model"
        )
