"""Dashboard v2 (Grafana 13's default export: ``elements`` + ``layout``) -> the v1 model.

A v2 spec keeps panels in ``elements`` (by name) and places them through a layout: ``GridLayout``
(x/y/width/height items), ``RowsLayout`` (rows with their own layouts, collapsible, repeatable),
``AutoGridLayout`` (columns and a row height mode) or ``TabsLayout`` (tabs become rows in v1).
Queries are ``DataQuery`` kinds whose ``group`` is the datasource type and ``datasource.name`` its
uid; enums are strings (``hide: hideVariable``, ``refresh: onTimeRangeChanged``, ``cursorSync:
Crosshair``). The result is a v1 model at schemaVersion 42, as Grafana's own conversion
(grafana/grafana ``apps/dashboard/pkg/migration/conversion/v2alpha1_to_v1beta1.go``, read for this
port) produces it; the v1alpha1-era shapes (query ``kind`` = datasource type, ``vizConfig.kind``
= plugin id) are read too. What v1 cannot express is reported in ``notes``.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import ConfigError
from ._util import dicts, is_number

V1_SCHEMA_VERSION = 42
_LEGACY_STRING = "__legacyStringValue"
_HIDE = {"dontHide": 0, "hideLabel": 1, "hideVariable": 2, "inControlsMenu": 0}
_REFRESH = {"never": 0, "onDashboardLoad": 1, "onTimeRangeChanged": 2}
_SORT = {
    "disabled": 0,
    "alphabeticalAsc": 1,
    "alphabeticalDesc": 2,
    "numericalAsc": 3,
    "numericalDesc": 4,
    "alphabeticalCaseInsensitiveAsc": 5,
    "alphabeticalCaseInsensitiveDesc": 6,
    "naturalAsc": 7,
    "naturalDesc": 8,
}
_CURSOR_SYNC = {"Off": 0, "Crosshair": 1, "Tooltip": 2}
_ROW_HEIGHTS = {"short": 5, "standard": 9, "tall": 14}
_GRID_COLUMNS = 24


def _enum(table: dict[str, int], value: Any, default: int) -> int:
    return table.get(value, default) if isinstance(value, str) else default


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _spec(kind: Any) -> dict[str, Any]:
    return _obj(_obj(kind).get("spec"))


def _int(value: Any, default: int = 0) -> int:
    return int(value) if is_number(value) and math.isfinite(value) else default


def _datasource(query: dict[str, Any], explicit: Any = None) -> dict[str, Any] | None:
    """The v1 ``{uid, type}`` of a DataQuery kind (v2: ``group`` + ``datasource.name``)."""
    explicit = _obj(explicit)
    kind = query.get("kind")
    ds_type = query.get("group") if kind == "DataQuery" else kind
    ds_type = ds_type if isinstance(ds_type, str) and ds_type else None
    uid = _obj(query.get("datasource")).get("name") or explicit.get("uid")
    if isinstance(uid, str) and uid:
        ref: dict[str, Any] = {"uid": uid}
        typed = explicit.get("type") if isinstance(explicit.get("type"), str) else ds_type
        if typed:
            ref["type"] = typed
        return ref
    return {"type": ds_type} if ds_type else None


def _target(query_kind: dict[str, Any]) -> dict[str, Any]:
    spec = _spec(query_kind)
    query = _obj(spec.get("query"))
    target: dict[str, Any] = {}
    for key, value in _obj(query.get("spec")).items():
        if key == _LEGACY_STRING:
            if isinstance(value, str):
                target["query"] = value
        else:
            target[key] = value
    target["refId"] = spec.get("refId", "")
    if spec.get("hidden") is True:
        target["hide"] = True
    ref = _datasource(query, spec.get("datasource"))
    if ref is not None:
        target["datasource"] = ref
    return target


def _panel(element: dict[str, Any], grid: dict[str, Any], repeat: Any, notes: list[str]) -> dict[str, Any]:
    panel: dict[str, Any] = {"gridPos": grid}
    repeat = _obj(repeat)
    if repeat.get("value"):
        panel["repeat"] = repeat["value"]
        if repeat.get("direction") in ("h", "v"):
            panel["repeatDirection"] = repeat["direction"]
        if is_number(repeat.get("maxPerRow")):
            panel["maxPerRow"] = repeat["maxPerRow"]
    spec = _spec(element)
    if element.get("kind") == "LibraryPanel":
        library = _obj(spec.get("libraryPanel"))
        panel.update(
            id=_int(spec.get("id")),
            title=spec.get("title", ""),
            type="library-panel-ref",
            libraryPanel={"uid": library.get("uid", ""), "name": library.get("name", "")},
        )
        return panel
    viz = _obj(spec.get("vizConfig"))
    viz_spec = _obj(viz.get("spec"))
    plugin = viz.get("group") if viz.get("kind") == "VizConfig" else viz.get("kind")
    panel.update(id=_int(spec.get("id")), title=spec.get("title", ""), type=plugin or "timeseries")
    version = viz.get("version") if viz.get("kind") == "VizConfig" else viz_spec.get("pluginVersion")
    if isinstance(version, str) and version:
        panel["pluginVersion"] = version
    if spec.get("description"):
        panel["description"] = spec["description"]
    if isinstance(viz_spec.get("options"), dict):
        panel["options"] = viz_spec["options"]
    if isinstance(viz_spec.get("fieldConfig"), dict):
        panel["fieldConfig"] = viz_spec["fieldConfig"]
    if isinstance(spec.get("links"), list) and spec["links"]:
        panel["links"] = spec["links"]
    data = _spec(spec.get("data"))
    queries = list(dicts(data.get("queries")))
    panel["targets"] = [_target(q) for q in queries]
    refs = {
        (t.get("datasource") or {}).get("uid", ""): (t.get("datasource") or {}).get("type") for t in panel["targets"]
    }
    keys = {
        ((t.get("datasource") or {}).get("uid", ""), (t.get("datasource") or {}).get("type")) for t in panel["targets"]
    }
    if len(keys) > 1:
        panel["datasource"] = {"type": "mixed", "uid": "-- Mixed --"}
    elif len(refs) == 1 and panel["targets"] and panel["targets"][0].get("datasource"):
        panel["datasource"] = dict(panel["targets"][0]["datasource"])
    transformations = []
    for item in dicts(data.get("transformations")):
        item_spec = _obj(item.get("spec"))
        transformation: dict[str, Any] = {
            "id": item_spec.get("id") or item.get("kind"),
            "options": item_spec.get("options", {}),
        }
        for key in ("disabled", "filter", "topic"):
            if key in item_spec:
                transformation[key] = item_spec[key]
        transformations.append(transformation)
    if transformations:
        panel["transformations"] = transformations
    for key, value in _obj(data.get("queryOptions")).items():
        if key in (
            "cacheTimeout",
            "maxDataPoints",
            "interval",
            "hideTimeOverride",
            "queryCachingTTL",
            "timeFrom",
            "timeShift",
        ):
            panel[key] = value
        elif key == "timeCompare":
            notes.append(f"panel {panel['title']!r}: queryOptions.timeCompare has no v1 equivalent (dropped)")
    if spec.get("transparent") is True:
        panel["transparent"] = True
    return panel


class _Converter:
    def __init__(self, elements: dict[str, Any], notes: list[str]):
        self.elements = elements
        self.notes = notes
        self.used: set[str] = set()

    def element(self, item_spec: dict[str, Any]) -> dict[str, Any]:
        name = _obj(item_spec.get("element")).get("name")
        if not isinstance(name, str):
            raise ConfigError(
                "$.layout: a layout item's element reference has no name",
                hint='write it {"kind": "ElementReference", "name": "<key of elements>"}',
            )
        if not isinstance(self.elements.get(name), dict):
            raise ConfigError(
                f"$.layout: the layout places element {name!r}, which is not in elements",
                hint="every layout item must name an entry of the dashboard's elements",
            )
        self.used.add(name)
        return self.elements[name]

    def grid_items(self, layout_spec: dict[str, Any], y_offset: int) -> list[dict[str, Any]]:
        panels = []
        for item in dicts(layout_spec.get("items")):
            spec = _obj(item.get("spec"))
            grid = {
                "x": _int(spec.get("x")),
                "y": _int(spec.get("y")) + y_offset,
                "w": _int(spec.get("width"), 12),
                "h": _int(spec.get("height"), 8),
            }
            panels.append(_panel(self.element(spec), grid, spec.get("repeat"), self.notes))
        return panels

    def auto_grid(self, layout_spec: dict[str, Any], y_offset: int) -> list[dict[str, Any]]:
        columns = layout_spec.get("maxColumnCount")
        columns = columns if is_number(columns) and columns > 0 else 3
        width = int(_GRID_COLUMNS / columns)
        mode = layout_spec.get("rowHeightMode")
        height = _ROW_HEIGHTS.get(mode, 9) if isinstance(mode, str) else 9
        if mode == "custom" and is_number(layout_spec.get("rowHeight")) and layout_spec["rowHeight"] > 0:
            height = int((layout_spec["rowHeight"] + 37) // 38)
        panels, x, y = [], 0, y_offset
        for item in dicts(layout_spec.get("items")):
            spec = _obj(item.get("spec"))
            repeat = _obj(spec.get("repeat"))
            if repeat:
                repeat = {**repeat, "direction": "h", "maxPerRow": int(columns)}
            panels.append(_panel(self.element(spec), {"x": x, "y": y, "w": width, "h": height}, repeat, self.notes))
            x += width
            if x >= _GRID_COLUMNS:
                x, y = 0, y + height
        return panels

    def layout(self, layout: dict[str, Any], y_offset: int) -> list[dict[str, Any]]:
        kind, spec = layout.get("kind"), _obj(layout.get("spec"))
        if kind == "GridLayout":
            return self.grid_items(spec, y_offset)
        if kind == "AutoGridLayout":
            return self.auto_grid(spec, y_offset)
        if kind == "RowsLayout":
            return self.rows(list(dicts(spec.get("rows"))), y_offset)
        if kind == "TabsLayout":
            self.notes.append("dashboard v2 tabs have no v1 equivalent: each tab became an expanded row")
            return self.tabs(list(dicts(spec.get("tabs"))), y_offset)
        if layout:
            raise ConfigError(
                f"$.layout: unknown layout kind {kind!r}",
                hint="expected GridLayout, RowsLayout, AutoGridLayout or TabsLayout",
            )
        return []

    @staticmethod
    def _row_panel(spec: dict[str, Any], y: int, collapsed: bool) -> dict[str, Any]:
        row: dict[str, Any] = {
            "type": "row",
            "id": -1,
            "title": spec.get("title", ""),
            "collapsed": collapsed,
            "panels": [],
            "gridPos": {"x": 0, "y": y, "w": _GRID_COLUMNS, "h": 1},
        }
        repeat = _obj(spec.get("repeat"))
        if repeat.get("value"):
            row["repeat"] = repeat["value"]
        return row

    @staticmethod
    def _bottom(panels: list[dict[str, Any]], y: int) -> int:
        return max([y, *(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels if isinstance(p.get("gridPos"), dict))])

    def rows(self, rows: list[dict[str, Any]], y: int) -> list[dict[str, Any]]:
        """A row panel per row (unless its header is hidden); a row's items sit below it (item y + the
        row's y + 1, the inverse of Grafana's v1 -> v2 ``yOffsetInRows``, so v1 -> v2 -> v1 keeps
        every position), inside the row panel when collapsed; rows and tabs nested in a row are
        flattened after it."""
        panels: list[dict[str, Any]] = []
        for row in rows:
            spec = _obj(row.get("spec"))
            inner = _obj(spec.get("layout"))
            hidden = spec.get("hideHeader") is True
            if inner.get("kind") in ("RowsLayout", "TabsLayout"):
                if not hidden:
                    panels.append(self._row_panel(spec, y, False))
                    y += 1
                self.notes.append(
                    f"row {spec.get('title', '')!r}: nested rows/tabs were flattened (v1 rows do not nest)"
                )
                children = self.layout(inner, y)
                panels.extend(children)
                y = self._bottom(children, y)
                continue
            collapsed = spec.get("collapse") is True
            if not hidden:
                row_panel = self._row_panel(spec, y, collapsed)
                if collapsed:
                    row_panel["panels"] = self.layout(inner, y + 1)
                panels.append(row_panel)
                y += 1
            if not collapsed or hidden:
                children = self.layout(inner, y)  # hidden header: where the row starts; else below it
                panels.extend(children)
                y = self._bottom(children, y)
        return panels

    def tabs(self, tabs: list[dict[str, Any]], y: int) -> list[dict[str, Any]]:
        panels: list[dict[str, Any]] = []
        for tab in tabs:
            spec = _obj(tab.get("spec"))
            panels.append(self._row_panel(spec, y, False))
            y += 1
            children = self.layout(_obj(spec.get("layout")), y)
            panels.extend(children)
            y = self._bottom(children, y)
        return panels


def _current(option: Any) -> dict[str, Any]:
    option = _obj(option)
    return {"text": option.get("text", ""), "value": option.get("value", "")}


def _options(options: Any) -> list[dict[str, Any]]:
    found = []
    for option in dicts(options):
        item = {"text": option.get("text", ""), "value": option.get("value", "")}
        if "selected" in option:
            item["selected"] = option["selected"]
        found.append(item)
    return found


def _variable(kind_obj: dict[str, Any], notes: list[str]) -> dict[str, Any] | None:
    kind, spec = kind_obj.get("kind"), _obj(kind_obj.get("spec"))
    common: dict[str, Any] = {
        "name": spec.get("name", ""),
        "hide": _enum(_HIDE, spec.get("hide"), 0),
        "skipUrlSync": spec.get("skipUrlSync") is True,
    }
    for key in ("label", "description"):
        if isinstance(spec.get(key), str):
            common[key] = spec[key]
    if kind == "QueryVariable":
        query = _obj(spec.get("query"))
        query_spec = _obj(query.get("spec"))
        variable = {
            **common,
            "type": "query",
            "multi": spec.get("multi") is True,
            "includeAll": spec.get("includeAll") is True,
            "refresh": _enum(_REFRESH, spec.get("refresh"), 1),
            "sort": _enum(_SORT, spec.get("sort"), 0),
            "regex": spec.get("regex", ""),
            "current": _current(spec.get("current")),
            "options": _options(spec.get("options")),
            "query": query_spec[_LEGACY_STRING]
            if isinstance(query_spec.get(_LEGACY_STRING), str)
            else dict(query_spec),
        }
        for key in ("allValue", "definition", "regexApplyTo", "allowCustomValue"):
            if key in spec:
                variable[key] = spec[key]
        ref = _datasource(query, spec.get("datasource"))
        if ref is not None:
            variable["datasource"] = ref
        return variable
    if kind == "DatasourceVariable":
        variable = {
            **common,
            "type": "datasource",
            "query": spec.get("pluginId", ""),
            "multi": spec.get("multi") is True,
            "includeAll": spec.get("includeAll") is True,
            "refresh": _enum(_REFRESH, spec.get("refresh"), 1),
            "regex": spec.get("regex", ""),
            "current": _current(spec.get("current")),
            "options": _options(spec.get("options")),
        }
        if "allValue" in spec:
            variable["allValue"] = spec["allValue"]
        return variable
    if kind == "CustomVariable":
        variable = {
            **common,
            "type": "custom",
            "query": spec.get("query", ""),
            "multi": spec.get("multi") is True,
            "includeAll": spec.get("includeAll") is True,
            "current": _current(spec.get("current")),
            "options": _options(spec.get("options")),
        }
        if "allValue" in spec:
            variable["allValue"] = spec["allValue"]
        return variable
    if kind == "ConstantVariable":  # hidden, or step 27 would turn it into a textbox
        return {
            **common,
            "type": "constant",
            "hide": 2,
            "query": spec.get("query", ""),
            "current": _current(spec.get("current")),
        }
    if kind == "IntervalVariable":
        return {
            **common,
            "type": "interval",
            "query": spec.get("query", ""),
            "auto": spec.get("auto") is True,
            "auto_min": spec.get("auto_min", "10s"),
            "auto_count": spec.get("auto_count", 30),
            "refresh": 2,
            "current": _current(spec.get("current")),
            "options": _options(spec.get("options")),
        }
    if kind == "TextVariable":
        return {**common, "type": "textbox", "query": spec.get("query", ""), "current": _current(spec.get("current"))}
    if kind == "AdhocVariable":
        variable = {
            **common,
            "type": "adhoc",
            "filters": spec.get("filters", []),
            "baseFilters": spec.get("baseFilters", []),
        }
        ref = _datasource({}, spec.get("datasource"))
        if ref is not None:
            variable["datasource"] = ref
        return variable
    if kind == "GroupByVariable":
        variable = {
            **common,
            "type": "groupby",
            "multi": spec.get("multi") is True,
            "current": _current(spec.get("current")),
            "options": _options(spec.get("options")),
        }
        ref = _datasource({}, spec.get("datasource"))
        if ref is not None:
            variable["datasource"] = ref
        return variable
    if kind == "SwitchVariable":
        current, on, off = spec.get("current", ""), spec.get("enabledValue", ""), spec.get("disabledValue", "")
        return {
            **common,
            "type": "switch",
            "query": "",
            "current": {"text": current, "value": current},
            "options": [
                {"text": on, "value": on, "selected": current == on},
                {"text": off, "value": off, "selected": current == off},
            ],
        }
    notes.append(f"variable of kind {kind!r} has no v1 equivalent (dropped)")
    return None


def _annotation(kind_obj: dict[str, Any]) -> dict[str, Any]:
    spec = _obj(kind_obj.get("spec"))
    annotation: dict[str, Any] = {
        "name": spec.get("name", ""),
        "enable": spec.get("enable") is True,
        "hide": spec.get("hide") is True,
        "iconColor": spec.get("iconColor", ""),
    }
    if spec.get("builtIn") is True:
        annotation.update(builtIn=1, type="dashboard")
    query = _obj(spec.get("query"))
    ref = _datasource(query, spec.get("datasource"))
    if ref is not None:
        annotation["datasource"] = ref
    target = dict(_obj(query.get("spec")))
    if target:
        annotation["target"] = target
    if isinstance(spec.get("filter"), dict):
        annotation["filter"] = spec["filter"]
    if isinstance(spec.get("mappings"), dict) and spec["mappings"]:
        annotation["mappings"] = spec["mappings"]
    for key, value in _obj(spec.get("legacyOptions")).items():
        annotation.setdefault(key, value)
    return annotation


def _spec_of(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    if document.get("kind") == "Dashboard" and isinstance(document.get("spec"), dict):
        return document["spec"], _obj(document.get("metadata"))
    return document, {}


def to_v1(document: dict[str, Any], *, notes: list[str]) -> dict[str, Any]:
    """The v1 model of a v2 spec or a v2 Dashboard resource (``uid`` from ``metadata.name``)."""
    spec, metadata = _spec_of(document)
    elements = _obj(spec.get("elements"))
    converter = _Converter(elements, notes)
    panels = converter.layout(_obj(spec.get("layout")), 0)
    unplaced = sorted(set(elements) - converter.used)
    if unplaced:
        notes.append(f"elements not placed by the layout (dropped, as Grafana does): {', '.join(unplaced)}")
    time = _obj(spec.get("timeSettings"))
    model: dict[str, Any] = {
        "title": spec.get("title", ""),
        "tags": [t for t in spec.get("tags") or [] if isinstance(t, str)],
        "graphTooltip": _enum(_CURSOR_SYNC, spec.get("cursorSync"), 0),
        "schemaVersion": V1_SCHEMA_VERSION,
        "editable": spec.get("editable") is not False,
        "time": {"from": time.get("from") or "now-6h", "to": time.get("to") or "now"},
        "refresh": time.get("autoRefresh") if isinstance(time.get("autoRefresh"), str) else "",
        "fiscalYearStartMonth": _int(time.get("fiscalYearStartMonth")),
        "panels": panels,
        "templating": {"list": [v for v in (_variable(k, notes) for k in dicts(spec.get("variables"))) if v]},
        "annotations": {"list": [_annotation(a) for a in dicts(spec.get("annotations"))]},
        "links": list(dicts(spec.get("links"))),
    }
    if isinstance(metadata.get("name"), str) and metadata["name"]:
        model["uid"] = metadata["name"]
    elif isinstance(spec.get("uid"), str):
        model["uid"] = spec["uid"]
    for key in ("description",):
        if isinstance(spec.get(key), str):
            model[key] = spec[key]
    for key in ("liveNow", "preload"):
        if isinstance(spec.get(key), bool):
            model[key] = spec[key]
    if is_number(spec.get("revision")):
        model["revision"] = spec["revision"]
    for key in ("timezone", "weekStart"):
        if isinstance(time.get(key), str):
            model[key] = time[key]
    timepicker: dict[str, Any] = {}
    if isinstance(time.get("autoRefreshIntervals"), list) and time["autoRefreshIntervals"]:
        timepicker["refresh_intervals"] = time["autoRefreshIntervals"]
    if time.get("hideTimepicker") is True:
        timepicker["hidden"] = True
    if isinstance(time.get("nowDelay"), str):
        timepicker["nowDelay"] = time["nowDelay"]
    if isinstance(time.get("quickRanges"), list) and time["quickRanges"]:
        timepicker["quick_ranges"] = [
            {"display": r.get("display"), "from": r.get("from"), "to": r.get("to")} for r in dicts(time["quickRanges"])
        ]
    if timepicker:
        model["timepicker"] = timepicker
    next_id = max([0, *(p["id"] for p in _flat(panels) if is_number(p.get("id")) and p["id"] > 0)]) + 1
    for panel in _flat(panels):  # row panels Grafana numbers -1: give them real, unique ids
        if not is_number(panel.get("id")) or panel["id"] <= 0:
            panel["id"] = next_id
            next_id += 1
    return model


def _flat(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for panel in panels:
        found.append(panel)
        found.extend(dicts(panel.get("panels")))
    return found
