"""The model clean-up Grafana's backend migrator runs before the schema steps.

Grafana replays what its frontend does when it loads and saves a dashboard (DashboardModel and
PanelModel constructors, then ``getSaveModel``): defaults are filled in, panels sorted by grid
position, the built-in annotation added, angular panel types renamed (``autoMigrateFrom``), and
default or null values dropped again (grafana/grafana
``apps/dashboard/pkg/migration/frontend_defaults.go``, read for this port).
"""

from __future__ import annotations

from typing import Any

from ..model import BUILTIN_ANNOTATION
from ..panels import dashboard_panels
from ._util import dicts, is_number

# angular panels the frontend swaps for their React successors when it constructs the panel
AUTO_MIGRATE_ANGULAR = {
    "table-old": "table",
    "singlestat": "stat",
    "grafana-singlestat-panel": "stat",
    "grafana-piechart-panel": "piechart",
    "grafana-worldmap-panel": "geomap",
    "natel-discrete-panel": "state-timeline",
}

_PANEL_DEFAULTS: dict[str, Any] = {
    "gridPos": {"x": 0, "y": 0, "h": 3, "w": 6},
    "targets": [{"refId": "A"}],
    "transparent": False,
    "options": {},
    "links": [],
    "fieldConfig": {"defaults": {}, "overrides": []},
    "title": "",
}
_NOT_PERSISTED = (
    "events",
    "isViewing",
    "isEditing",
    "isInView",
    "hasRefreshed",
    "cachedPluginOptions",
    "plugin",
    "queryRunner",
    "replaceVariables",
    "configRev",
    "hasSavedPanelEditChange",
    "getDisplayTitle",
    "dataSupport",
    "key",
    "isNew",
    "refreshWhenInView",
    "scopedVars",
)
_DASHBOARD_NOT_PERSISTED = (
    "events",
    "meta",
    "originalTime",
    "originalTemplating",
    "originalLibraryPanels",
    "panelInEdit",
    "panelInView",
    "getVariablesFromState",
    "formatDate",
    "appEventsSubscription",
    "panelsAffectedByVariableChange",
    "lastRefresh",
    "timeRangeUpdatedDuringEditOrView",
    "originalDashboard",
    "variables",
)
_LEGACY_TABLE_KEYS = ("pageSize", "scroll", "fontSize", "showHeader", "sort")


def graph_target(panel: dict[str, Any]) -> str:
    """The panel a graph becomes: barchart/bargauge (series x-axis), histogram, else timeseries."""
    xaxis = panel.get("xaxis")
    mode = xaxis.get("mode") if isinstance(xaxis, dict) else None
    if mode == "series":
        legend = panel.get("legend")
        return "bargauge" if isinstance(legend, dict) and legend.get("values") is True else "barchart"
    if mode == "histogram":
        return "histogram"
    return "timeseries"


def auto_migrated_type(panel: dict[str, Any]) -> str | None:
    kind = panel.get("type")
    if kind == "graph":
        return graph_target(panel)
    return AUTO_MIGRATE_ANGULAR.get(kind) if isinstance(kind, str) else None


def _grid_key(panel: Any) -> tuple[float, float]:
    grid = panel.get("gridPos") if isinstance(panel, dict) else None
    if not isinstance(grid, dict):
        return (0.0, 0.0)
    y, x = grid.get("y"), grid.get("x")
    return (float(y) if is_number(y) else 0.0, float(x) if is_number(x) else 0.0)


def _sort_by_grid(items: list[Any]) -> list[Any]:
    """By (y, x), missing positions as 0; stable (Go's sort.Slice is an insertion sort for short lists)."""
    return sorted(items, key=_grid_key)


def _ensure_ref_ids(panel: dict[str, Any]) -> None:
    targets = panel.get("targets")
    if not isinstance(targets, list) or not targets:
        return
    if not any(isinstance(t, dict) and t.get("refId") is None for t in targets):
        return
    used = {t["refId"] for t in dicts(targets) if isinstance(t.get("refId"), str)}
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for target in dicts(targets):
        if target.get("refId") is not None:
            continue
        for letter in letters:
            if letter not in used:
                target["refId"] = letter
                used.add(letter)
                break


def _drop_nulls(value: Any) -> None:
    """Nulls go (JSON.stringify of undefined), except a threshold step's ``value: null``, which gdash
    keeps: it is how the step that starts at -Infinity is written in the dashboard schema."""
    if isinstance(value, dict):
        keep_value = set(value) == {"color", "value"}
        for key in [k for k, v in value.items() if v is None and not (keep_value and k == "value")]:
            del value[key]
        for item in value.values():
            _drop_nulls(item)
    elif isinstance(value, list):
        for item in value:
            if item is not None:
                _drop_nulls(item)


def _panel_defaults(panel: dict[str, Any]) -> None:
    for key, default in _PANEL_DEFAULTS.items():
        if key == "fieldConfig":
            continue
        if panel.get(key) is None:
            panel[key] = _copy(default)
    if "fieldConfig" not in panel:
        panel["fieldConfig"] = {"defaults": {}, "overrides": []}
    elif isinstance(panel["fieldConfig"], dict):
        panel["fieldConfig"].setdefault("defaults", {})
        panel["fieldConfig"].setdefault("overrides", [])
    _ensure_ref_ids(panel)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _same(a: Any, b: Any) -> bool:
    """Equality as the Go port's isEqual: numbers by value, no bool/number confusion."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _unique_ids(dash: dict[str, Any]) -> None:
    everything = list(dashboard_panels(dash))
    ids = [p.get("id") for p in everything]
    taken = [int(i) for i in ids if is_number(i) and 0 < i < 2**53]
    next_id = (max(taken) if taken else 0) + 1
    seen: set[float] = set()
    for panel in everything:
        value = panel.get("id")
        if is_number(value) and 0 < value < 2**53 and value not in seen:
            seen.add(value)
            continue
        panel["id"] = next_id
        next_id += 1


def _cleanup_panel(panel: dict[str, Any], nested: bool) -> None:
    if not nested:
        new_type = auto_migrated_type(panel)
        if new_type:
            panel["autoMigrateFrom"] = panel["type"]
            panel["type"] = new_type
    if panel.get("libraryPanel") is not None:
        kept = {k: panel.get(k) for k in ("id", "title", "gridPos", "libraryPanel")}
        panel.clear()
        panel.update({k: v for k, v in kept.items() if v is not None})
        return
    if panel.get("type") == "row" and panel.get("repeat") == "":
        del panel["repeat"]
    for key in _NOT_PERSISTED:
        panel.pop(key, None)
    _drop_nulls(panel)  # before the defaults, so that a second pass finds nothing more to drop
    for key, default in _PANEL_DEFAULTS.items():
        if key in panel and _same(panel[key], default):
            del panel[key]
    if isinstance(panel.get("transformations"), list) and not panel["transformations"] and not nested:
        del panel["transformations"]
    if panel.get("type") == "table" and panel.get("autoMigrateFrom") != "table-old":
        for key in _LEGACY_TABLE_KEYS:
            panel.pop(key, None)
    if isinstance(panel.get("targets"), list) and not panel["targets"]:
        del panel["targets"]
    field_config = panel.get("fieldConfig")
    defaults = field_config.get("defaults") if isinstance(field_config, dict) else None
    if isinstance(defaults, dict) and defaults.get("custom") == {} and _migrated_singlestat(panel, defaults):
        del defaults["custom"]


def _migrated_singlestat(panel: dict[str, Any], defaults: dict[str, Any]) -> bool:
    if panel.get("autoMigrateFrom") in ("singlestat", "grafana-singlestat-panel"):
        return True
    color = defaults.get("color")
    return (
        isinstance(color, dict)
        and isinstance(color.get("fixedColor"), str)
        and color.get("mode") == "fixed"
        and isinstance(defaults.get("mappings"), list)
    )


def _cleanup_variable(variable: dict[str, Any]) -> None:
    if variable.get("datasource", None) is None:
        variable.pop("datasource", None)
    variable.pop("index", None)
    kind = variable.get("type")
    if kind == "query":
        variable.setdefault("options", [])
    elif kind == "constant":
        variable.pop("options", None)
    elif kind == "datasource":
        variable["options"] = []


def apply(dash: dict[str, Any]) -> None:
    """The load-time defaults (DashboardModel/PanelModel constructors), in place, before the steps."""
    for key, default in (
        ("title", "No Title"),
        ("tags", []),
        ("timezone", ""),
        ("weekStart", ""),
        ("editable", True),
        ("graphTooltip", 0),
        ("time", {"from": "now-6h", "to": "now"}),
        ("timepicker", {}),
        ("schemaVersion", 0),
        ("fiscalYearStartMonth", 0),
        ("links", []),
    ):
        if dash.get(key) is None:
            dash[key] = _copy(default)
    for holder in ("templating", "annotations"):
        if isinstance(dash.get(holder), dict):
            if dash[holder].get("list") is None:
                dash[holder]["list"] = []
        else:
            dash[holder] = {"list": []}
    if isinstance(dash.get("panels"), list):
        dash["panels"] = _sort_by_grid(dash["panels"])
    listing = dash["annotations"].get("list")
    if isinstance(listing, list) and not any(
        isinstance(a, dict) and is_number(a.get("builtIn")) and a["builtIn"] == 1 for a in listing
    ):
        dash["annotations"]["list"] = [_copy(BUILTIN_ANNOTATION), *listing]
    for variable in dicts(dash["templating"].get("list")):
        current = variable.get("current")
        if isinstance(current, dict) and "value" in current:
            value = current["value"]
            if value is None or (isinstance(value, list) and any(v is None for v in value)):
                del current["value"]
    _unique_ids(dash)


def finish(dash: dict[str, Any]) -> None:
    """The save-model clean-up (``getSaveModel``), which Grafana's fixtures show after the schema
    steps: top-level angular panels renamed (``autoMigrateFrom``), defaults and nulls dropped,
    panels sorted, variables given their type's ``options`` shape, the export envelope removed."""
    for panel in list(dashboard_panels(dash)):
        _panel_defaults(panel)
    for key in _DASHBOARD_NOT_PERSISTED:
        dash.pop(key, None)
    if "gnetId" in dash and dash["gnetId"] is None:
        del dash["gnetId"]
    if isinstance(dash.get("panels"), list):
        kept = [p for p in dicts(dash["panels"]) if "repeatPanelId" not in p and "repeatedByRow" not in p]
        for panel in kept:
            _cleanup_panel(panel, nested=False)
            for child in dicts(panel.get("panels")):
                _cleanup_panel(child, nested=True)
        dash["panels"] = _sort_by_grid(kept)
    else:
        dash["panels"] = []
    if dash.get("style") == "dark":
        del dash["style"]
    if dash.get("hideControls") is False:
        del dash["hideControls"]
    if "id" in dash and dash["id"] is None:
        del dash["id"]
    dash.pop("preload", None)
    dash.pop("iteration", None)
    if isinstance(dash.get("templating"), dict):
        _drop_nulls(dash["templating"])
        for variable in dicts(dash["templating"].get("list")):
            _cleanup_variable(variable)
    for panel in list(dashboard_panels(dash)):
        if "datasource" in panel and panel["datasource"] is None:
            del panel["datasource"]
    for key in ("__inputs", "__requires"):  # an export's envelope, not part of the saved model
        dash.pop(key, None)
