"""The schema steps: ``v{N}`` brings a dashboard from schemaVersion N-1 to N, in place.

Behaviour follows Grafana's backend migrator (grafana/grafana
``apps/dashboard/pkg/migration/schemaversion/v{N}.go``, read for this port; the code here is our
own). The larger steps live in their own modules: v13 (graph -> timeseries) in ``graph.py``,
v16 (rows[] -> grid) in ``layout.py``, v24 (angular table) in ``table.py``, v28 (singlestat) in
``singlestat.py``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from . import graph, layout, singlestat, table
from ._util import (
    annotation_list,
    as_dict,
    as_int,
    as_list,
    dicts,
    get_bool,
    get_str,
    is_number,
    js_truthy,
    number_out,
    panels,
    panels_and_row_children,
    parse_float,
    variables,
)
from .datasources import DatasourceIndex, name_to_ref
from .thresholds import threshold_color

Step = Callable[[dict[str, Any], "Context"], None]


class Context:
    """What a step may consult: the datasources names resolve against."""

    def __init__(self, index: DatasourceIndex, plugin_version: str | None = None):
        self.index = index
        self.plugin_version = plugin_version  # what v24/v28 record as a converted panel's pluginVersion


# -- v2 .. v12 --------------------------------------------------------------------------------


def v2(dash: dict[str, Any], ctx: Context) -> None:
    """services.filter -> time/templating; graphite panels -> graph with legend/grid/y_formats."""
    services = dash.get("services")
    if isinstance(services, dict):
        flt = services.get("filter")
        if isinstance(flt, dict):
            if "time" in flt:
                dash["time"] = flt["time"]
            if "list" in flt:
                if not isinstance(dash.get("templating"), dict):
                    dash["templating"] = {}
                dash["templating"]["list"] = flt["list"]
            del dash["services"]
    for panel in panels(dash):
        if panel.get("type") != "graphite":
            continue
        panel["type"] = "graph"
        if isinstance(panel.get("legend"), bool):
            panel["legend"] = {"show": panel["legend"]}
        grid = panel.get("grid")
        if isinstance(grid, dict):
            low = grid.get("min")
            if is_number(low) and low != 0:  # the frontend's `if (grid.min)` skips 0
                grid["leftMin"] = grid.pop("min")
            if "max" in grid:
                grid["leftMax"] = grid.pop("max")
        if "y_format" in panel or "y2_format" in panel:
            formats: list[Any] = [None, None]
            if "y_format" in panel:
                formats[0] = panel.pop("y_format")
            if "y2_format" in panel:
                formats[1] = panel.pop("y2_format")
            panel["y_formats"] = formats


def _noop(dash: dict[str, Any], ctx: Context) -> None:
    """A version bump with nothing to change (Grafana keeps these steps for a gapless history)."""


v3 = v4 = v5 = _noop


def v6(dash: dict[str, Any], ctx: Context) -> None:
    """pulldowns[type=annotations] -> annotations.list; variables get datasource/type defaults."""
    for pulldown in dicts(dash.get("pulldowns")):
        if pulldown.get("type") == "annotations":
            found = pulldown.get("annotations", [])
            kept = [a for a in annotation_list(dash) if a.get("builtIn") == 1]  # added by the load-time pass
            dash["annotations"] = {"list": kept + found if isinstance(found, list) else found}
            break
    dash.pop("pulldowns", None)
    for variable in variables(dash):
        variable.setdefault("datasource", None)
        if variable.get("type") == "filter" or "type" not in variable:
            variable["type"] = "query"
        if "allFormat" in variable and variable["allFormat"] is None:
            del variable["allFormat"]


def v7(dash: dict[str, Any], ctx: Context) -> None:
    """nav[0] -> timepicker."""
    nav = dash.get("nav")
    if isinstance(nav, list) and nav and isinstance(nav[0], dict):
        dash["timepicker"] = nav[0]
    dash.pop("nav", None)


def v8(dash: dict[str, Any], ctx: Context) -> None:
    """Old InfluxDB queries (fields/tags/groupBy) -> select parts."""
    for panel in panels(dash):
        for target in dicts(panel.get("targets")):
            if not all(key in target for key in ("fields", "tags", "groupBy")):
                continue
            if target.get("rawQuery") is True:
                target.pop("fields", None)
                target.pop("fill", None)
                continue
            fields = target.get("fields")
            if isinstance(fields, list):
                select = []
                for field in dicts(fields):
                    parts = []
                    if isinstance(field.get("name"), str):
                        parts.append({"type": "field", "params": [field["name"]]})
                    if isinstance(field.get("func"), str):
                        parts.append({"type": field["func"], "params": []})
                    if isinstance(field.get("mathExpr"), str):
                        parts.append({"type": "math", "params": [field["mathExpr"]]})
                    if isinstance(field.get("asExpr"), str):
                        parts.append({"type": "alias", "params": [field["asExpr"]]})
                    if parts:
                        select.append(parts)
                target["select"] = select
            target.pop("fields", None)
            group_by = target.get("groupBy")
            if isinstance(group_by, list):
                for part in dicts(group_by):
                    if part.get("type") == "time" and isinstance(part.get("interval"), str):
                        part["params"] = [part.pop("interval")]
                    if part.get("type") == "tag" and isinstance(part.get("key"), str):
                        part["params"] = [part.pop("key")]
                if "fill" in target:
                    target["groupBy"] = [*group_by, {"type": "fill", "params": [target.pop("fill")]}]


def v9(dash: dict[str, Any], ctx: Context) -> None:
    """singlestat thresholds "a,b,c" lose their unused first value."""
    for panel in panels(dash):
        if panel.get("type") != "singlestat":
            continue
        thresholds = panel.get("thresholds")
        if isinstance(thresholds, str) and thresholds:
            parts = thresholds.split(",")
            if len(parts) >= 3:
                panel["thresholds"] = ",".join(parts[1:])


def v10(dash: dict[str, Any], ctx: Context) -> None:
    """table style thresholds lose their unused first value."""
    for panel in panels(dash):
        if panel.get("type") != "table":
            continue
        for style in dicts(panel.get("styles")):
            thresholds = style.get("thresholds")
            if isinstance(thresholds, list) and len(thresholds) >= 3:
                style["thresholds"] = thresholds[1:]


v11 = _noop


def v12(dash: dict[str, Any], ctx: Context) -> None:
    """Variable refresh booleans -> 0/1; hideVariable/hideLabel -> hide 2/1."""
    for variable in variables(dash):
        if "refresh" in variable:
            variable["refresh"] = 1 if variable["refresh"] is True else 0
        if get_bool(variable, "hideVariable"):
            variable["hide"] = 2
        elif get_bool(variable, "hideLabel"):
            variable["hide"] = 1


def v13(dash: dict[str, Any], ctx: Context) -> None:
    """graph panels -> timeseries (Grafana's backend port of the graph panel-changed handler)."""
    for panel in panels(dash):
        if panel.get("type") == "graph":
            graph.graph_to_timeseries_v13(panel)


def v14(dash: dict[str, Any], ctx: Context) -> None:
    """sharedCrosshair boolean -> graphTooltip 0/1."""
    dash["graphTooltip"] = 1 if get_bool(dash, "sharedCrosshair") else 0
    dash.pop("sharedCrosshair", None)


v15 = _noop


def v16(dash: dict[str, Any], ctx: Context) -> None:
    """Legacy rows[] -> grid panels with gridPos (row panels where a row was visible)."""
    layout.rows_to_grid(dash)


_FACTORS_24 = (1, 2, 3, 4, 6, 8, 12, 24)


def v17(dash: dict[str, Any], ctx: Context) -> None:
    """minSpan -> maxPerRow (the largest factor of 24 not above 24/minSpan)."""
    for panel in panels(dash):
        if "minSpan" not in panel:
            continue
        span = panel.pop("minSpan")
        if not is_number(span) or span <= 0:
            continue
        most = 24 / span
        bigger = next((i for i, factor in enumerate(_FACTORS_24) if factor > most), -1)
        panel["maxPerRow"] = _FACTORS_24[bigger - 1] if bigger > 0 else 1 if bigger == 0 else 24


_GAUGE_VALUE_KEYS = ("unit", "stat", "decimals", "prefix", "suffix")


def v18(dash: dict[str, Any], ctx: Context) -> None:
    """gauge ``options-gauge`` -> ``options`` with valueOptions and reversed thresholds."""
    for panel in panels(dash):
        old = panel.get("options-gauge")
        if not isinstance(old, dict):
            continue
        options: dict[str, Any] = {"valueOptions": {k: old[k] for k in _GAUGE_VALUE_KEYS if k in old}}
        thresholds = old.get("thresholds")
        if isinstance(thresholds, list) and thresholds:
            options["thresholds"] = list(reversed(thresholds))
        for key, value in old.items():
            if key not in (*_GAUGE_VALUE_KEYS, "thresholds", "options"):
                options[key] = value
        panel["options"] = options
        del panel["options-gauge"]


def _slug(name: str) -> str:
    return re.sub(r" +", "-", re.sub(r"[^a-z0-9_ ]+", "", name.lower()))


def _panel_link(link: dict[str, Any]) -> dict[str, Any]:
    url = get_str(link, "url")
    if not url:
        if get_str(link, "dashboard"):
            url = "dashboard/db/" + _slug(get_str(link, "dashboard"))
        elif get_str(link, "dashUri"):
            url = "dashboard/" + get_str(link, "dashUri")
        else:
            url = "/"
    params = []
    if get_bool(link, "keepTime"):
        params.append("$__url_time_range")
    if get_bool(link, "includeVars"):
        params.append("$__all_variables")
    if get_str(link, "params"):
        params.append(get_str(link, "params"))
    if params:
        url += "?" + "&".join(params)
    result: dict[str, Any] = {"url": url, "title": get_str(link, "title")}
    if get_bool(link, "targetBlank"):
        result["targetBlank"] = True
    return result


def v19(dash: dict[str, Any], ctx: Context) -> None:
    """Panel links (dashboard/dashUri/keepTime/includeVars/params) -> url links."""
    for panel in panels_and_row_children(dash):
        links = panel.get("links")
        if isinstance(links, list) and links:
            panel["links"] = [_panel_link(link) for link in dicts(links)]


_LEGACY_VARIABLES = re.compile(r"(__series_name)|(\$__series_name)|(__value_time)|(__field_name)|(\$__field_name)")
_NEW_VARIABLES = {
    "__series_name": "__series.name",
    "$__series_name": "${__series.name}",
    "__value_time": "__value.time",
    "__field_name": "__field.name",
    "$__field_name": "${__field.name}",
}


def _data_link_urls(options: dict[str, Any], rewrite: Callable[[str], str], *, title: bool) -> None:
    for link in dicts(options.get("dataLinks")):
        if isinstance(link.get("url"), str):
            link["url"] = rewrite(link["url"])
    field_options = options.get("fieldOptions")
    defaults = field_options.get("defaults") if isinstance(field_options, dict) else None
    if not isinstance(defaults, dict):
        return
    if title and isinstance(defaults.get("title"), str):
        defaults["title"] = rewrite(defaults["title"])
    for link in dicts(defaults.get("links")):
        if isinstance(link.get("url"), str):
            link["url"] = rewrite(link["url"])


def v20(dash: dict[str, Any], ctx: Context) -> None:
    """Data-link variables __series_name/__field_name/__value_time -> the dotted syntax."""

    def rewrite(text: str) -> str:
        return _LEGACY_VARIABLES.sub(lambda m: _NEW_VARIABLES[m.group(0)], text)

    for panel in panels(dash):
        if isinstance(panel.get("options"), dict):
            _data_link_urls(panel["options"], rewrite, title=True)


def v21(dash: dict[str, Any], ctx: Context) -> None:
    """Data links: __series.labels -> __field.labels."""

    def rewrite(text: str) -> str:
        return text.replace("__series.labels", "__field.labels")

    for panel in panels_and_row_children(dash):
        if isinstance(panel.get("options"), dict):
            _data_link_urls(panel["options"], rewrite, title=False)


def v22(dash: dict[str, Any], ctx: Context) -> None:
    """Table styles align -> auto."""
    for panel in panels_and_row_children(dash):
        if panel.get("type") == "table":
            for style in dicts(panel.get("styles")):
                style["align"] = "auto"


def v23(dash: dict[str, Any], ctx: Context) -> None:
    """A variable's current value/text become lists when multi, single values when not."""
    for variable in variables(dash):
        current, multi = variable.get("current"), variable.get("multi")
        if "multi" not in variable or not isinstance(current, dict) or not current or not isinstance(multi, bool):
            continue
        current = dict(current)
        if multi:
            if "value" in current and not isinstance(current["value"], list):
                current["value"] = [current["value"]]
                if "text" in current and not isinstance(current["text"], list):
                    current["text"] = [current["text"]]
        else:
            for key in ("value", "text"):
                if isinstance(current.get(key), list):
                    current[key] = current[key][0] if current[key] else ""
        variable["current"] = current


def v24(dash: dict[str, Any], ctx: Context) -> None:
    """Angular table panels (with styles) -> the table panel's fieldConfig."""
    for panel in panels(dash):
        if panel.get("type") == "table" and panel.get("styles") is not None and panel.get("table") != "table2":
            table.angular_table_to_table(panel, ctx.plugin_version)


v25 = _noop


def v26(dash: dict[str, Any], ctx: Context) -> None:
    """text2 panels -> text (options.angular dropped)."""
    for panel in panels_and_row_children(dash):
        if panel.get("type") == "text2":
            panel["type"] = "text"
            if isinstance(panel.get("options"), dict):
                panel["options"].pop("angular", None)


def v27(dash: dict[str, Any], ctx: Context) -> None:
    """Repeated-panel leftovers removed; constant variables get current/options (textbox if shown)."""
    if isinstance(dash.get("panels"), list):
        kept = []
        for panel in dicts(dash["panels"]):
            if "repeatPanelId" in panel or "repeatByRow" in panel:
                continue
            if panel.get("type") == "row" and isinstance(panel.get("panels"), list):
                panel["panels"] = [p for p in dicts(panel["panels"]) if "repeatPanelId" not in p]
            kept.append(panel)
        dash["panels"] = kept
    for variable in variables(dash):
        if variable.get("type") != "constant":
            continue
        query = get_str(variable, "query")
        variable["query"] = query
        current = {"selected": True, "text": query, "value": query}
        variable["current"] = current
        variable["options"] = [dict(current)]
        if is_number(variable.get("hide")) and variable["hide"] in (0, 1):
            variable["type"] = "textbox"


def v28(dash: dict[str, Any], ctx: Context) -> None:
    """singlestat/grafana-singlestat-panel -> stat; variable tag properties removed."""
    singlestat.migrate_panels(dash.get("panels"), ctx.plugin_version)
    for variable in variables(dash):
        for key in ("tags", "tagsQuery", "tagValuesQuery", "useTags"):
            if js_truthy(variable.get(key)):  # the frontend's `if (variable.tags) delete ...`
                del variable[key]


def v29(dash: dict[str, Any], ctx: Context) -> None:
    """Query variables refresh on load at least (1), and their stored options are cleared."""
    for variable in variables(dash):
        if variable.get("type") != "query":
            continue
        if as_int(variable.get("refresh"), 0) not in (1, 2):
            variable["refresh"] = 1
        if isinstance(variable.get("options"), list) and variable["options"]:
            variable["options"] = []


def _go_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return repr(number_out(float(value))) if isinstance(value, float) else str(value)
    return ""


def upgrade_value_mappings(old: list[Any], thresholds: dict[str, Any] | None) -> list[Any]:
    """Legacy value mappings (type 1 value / 2 range) -> the typed mappings of schema 30."""
    if not old:
        return old
    values: dict[str, Any] = {}
    has_values = False
    new: list[Any] = []
    for mapping in dicts(old):
        kind = mapping.get("type")
        if isinstance(kind, str) and kind:  # already a typed mapping: kept as it is
            new.append(mapping)
            continue
        color = None
        if thresholds is not None and isinstance(mapping.get("text"), str):
            number = parse_float(mapping["text"])
            if number is not None:
                color = threshold_color(number, thresholds)
        result: dict[str, Any] = {"text": mapping.get("text")}
        if color is not None:
            result["color"] = color
        legacy = as_int(mapping.get("type"), -1)
        if legacy == 1 and "value" in mapping and mapping["value"] is not None:
            if mapping["value"] == "null":
                new.append({"type": "special", "options": {"match": "null", "result": result}})
            else:
                values[_go_string(mapping["value"])] = result
                has_values = True
        elif legacy == 2:
            low = parse_float(_go_string(mapping.get("from"))) or 0
            high = parse_float(_go_string(mapping.get("to"))) or 0
            new.append(
                {"type": "range", "options": {"from": number_out(low), "to": number_out(high), "result": result}}
            )
    if has_values:
        new.insert(0, {"type": "value", "options": values})
    return new


def v30(dash: dict[str, Any], ctx: Context) -> None:
    """Value mappings -> typed mappings; tooltipOptions -> tooltip (timeseries/xychart)."""
    for panel in panels_and_row_children(dash):
        field_config = panel.get("fieldConfig")
        if isinstance(field_config, dict):
            defaults = field_config.get("defaults")
            if isinstance(defaults, dict) and isinstance(defaults.get("mappings"), list):
                thresholds = defaults.get("thresholds") if isinstance(defaults.get("thresholds"), dict) else None
                defaults["mappings"] = upgrade_value_mappings(defaults["mappings"], thresholds)
            for override in dicts(field_config.get("overrides")):
                for prop in dicts(override.get("properties")):
                    if prop.get("id") == "mappings" and isinstance(prop.get("value"), list):
                        prop["value"] = upgrade_value_mappings(prop["value"], None)
        options = panel.get("options")
        if (
            panel.get("type") in ("timeseries", "xychart", "xychart2")
            and isinstance(options, dict)
            and "tooltipOptions" in options
        ):
            options["tooltip"] = options.pop("tooltipOptions")


def _walk_non_rows(items: Any) -> list[dict[str, Any]]:
    """Panels, recursing into rows instead of yielding them (the v31/v38/v39/v43 walk)."""
    found = []
    for panel in dicts(items):
        if panel.get("type") == "row":
            if isinstance(panel.get("panels"), list):
                found += _walk_non_rows(panel["panels"])
            continue
        found.append(panel)
    return found


def v31(dash: dict[str, Any], ctx: Context) -> None:
    """A merge transformation after every labelsToFields."""
    for panel in _walk_non_rows(dash.get("panels")):
        transformations = panel.get("transformations")
        if not isinstance(transformations, list):
            continue
        if not any(isinstance(t, dict) and t.get("id") == "labelsToFields" for t in transformations):
            continue
        out: list[Any] = []
        for item in transformations:
            out.append(item)
            if isinstance(item, dict) and item.get("id") == "labelsToFields":
                out.append({"id": "merge", "options": {}})
        panel["transformations"] = out


v32 = _noop


def v33(dash: dict[str, Any], ctx: Context) -> None:
    """Panel and query datasource names -> refs ("default" and null panel datasources -> null)."""
    for panel in panels_and_row_children(dash):
        panel["datasource"] = name_to_ref(panel.get("datasource"), ctx.index, default_as_null=True)
        for target in dicts(panel.get("targets")):
            if "datasource" not in target:
                continue
            ref = name_to_ref(target["datasource"], ctx.index, default_as_null=True)
            if ref is not None:
                target["datasource"] = ref


def _cloudwatch_stats(value: Any) -> tuple[list[Any] | None, bool]:
    if not isinstance(value, list):
        return None, False
    if not value:
        return None, True
    return [s for s in value if s is None or isinstance(s, str)], False


def _next_ref_id(targets: list[Any]) -> str:
    used = {t.get("refId") for t in targets if isinstance(t, dict) and isinstance(t.get("refId"), str)}
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    for candidate in letters + [a + b for a in letters for b in letters]:
        if candidate not in used:
            return candidate
    return "X0"


def _split_cloudwatch_targets(panel: dict[str, Any]) -> None:
    targets = panel.get("targets")
    if not isinstance(targets, list):
        return
    kept: list[Any] = []
    extra: list[Any] = []
    for target in targets:
        if not isinstance(target, dict) or not all(
            k in target for k in ("dimensions", "namespace", "region", "metricName")
        ):
            kept.append(target)
            continue
        target.setdefault("metricEditorMode", 0)
        target.setdefault("metricQueryType", 0)
        stats, empty = _cloudwatch_stats(target.get("statistics"))
        if empty:
            del target["statistics"]
            kept.append(target)
            continue
        target.pop("statistics", None)
        stats = stats or []
        if len(stats) <= 1:
            if stats and isinstance(stats[0], str):
                target["statistic"] = stats[0]
            kept.append(target)
            continue
        for i, stat in enumerate(stats):
            query = dict(target)
            if isinstance(stat, str):
                query["statistic"] = stat
            if i == 0:
                kept.append(query)
            else:
                query["refId"] = _next_ref_id(targets + extra)
                extra.append(query)
    panel["targets"] = kept + extra


def v34(dash: dict[str, Any], ctx: Context) -> None:
    """CloudWatch queries and annotations with several statistics -> one per statistic."""
    for panel in panels_and_row_children(dash):
        _split_cloudwatch_targets(panel)
    holder = dash.get("annotations")
    if not isinstance(holder, dict) or not isinstance(holder.get("list"), list):
        return
    listing = holder["list"]
    extra = []
    for i, item in enumerate(listing):
        if not isinstance(item, dict) or not all(
            k in item for k in ("dimensions", "namespace", "region", "prefixMatching", "statistics")
        ):
            continue
        name = get_str(item, "name")
        stats, empty = _cloudwatch_stats(item.get("statistics"))
        if empty:
            del item["statistics"]
            continue
        del item["statistics"]
        stats = stats or []
        if len(stats) <= 1:
            if stats and isinstance(stats[0], str):
                item["statistic"] = stats[0]
            continue
        for j, stat in enumerate(stats):
            copy_ = dict(item)
            if isinstance(stat, str):
                copy_["statistic"] = stat
            if name:
                copy_["name"] = f"{name} - {'null' if stat is None else stat}"
            if j == 0:
                listing[i] = copy_
            else:
                extra.append(copy_)
    if extra:
        holder["list"] = listing + extra


def v35(dash: dict[str, Any], ctx: Context) -> None:
    """Timeseries whose axes are all hidden keep the time axis (a byType time override)."""
    for panel in panels_and_row_children(dash):
        field_config = panel.get("fieldConfig")
        if panel.get("type") != "timeseries" or not isinstance(field_config, dict):
            continue
        defaults = field_config.get("defaults")
        custom = defaults.get("custom") if isinstance(defaults, dict) else None
        if not isinstance(custom, dict) or custom.get("axisPlacement") != "hidden":
            continue
        overrides = as_list(field_config.get("overrides"))
        field_config["overrides"] = [
            *overrides,
            {
                "matcher": {"id": "byType", "options": "time"},
                "properties": [{"id": "custom.axisPlacement", "value": "auto"}],
            },
        ]


def _v36_panel(panel: dict[str, Any], ctx: Context, nested: bool) -> None:
    default = ctx.index.default_ref()
    targets = panel.get("targets")
    if not isinstance(targets, list) or not targets:
        if nested:
            return
        targets = [{"refId": "A"}]
        panel["targets"] = targets
    was_default = False
    current = panel.get("datasource")
    if current is None:
        panel["datasource"] = copy.deepcopy(default)
        was_default = True
    elif not (isinstance(current, dict) and not current):
        panel["datasource"] = name_to_ref(current, ctx.index, default_as_null=False)
    for target in dicts(targets):
        ref = target.get("datasource")
        needs_default = ref is None or (isinstance(ref, dict) and ref.get("uid") is None)
        if needs_default:
            panel_ref = panel.get("datasource")
            if isinstance(panel_ref, dict):
                if get_str(panel_ref, "uid") != "-- Mixed --":
                    target["datasource"] = dict(panel_ref)
                else:
                    target["datasource"] = name_to_ref(ref, ctx.index, default_as_null=False)
        else:
            target["datasource"] = name_to_ref(ref, ctx.index, default_as_null=False)
        if was_default:
            target_ref = target.get("datasource")
            if isinstance(target_ref, dict) and get_str(target_ref, "uid") not in ("", "__expr__"):
                panel["datasource"] = target_ref


def v36(dash: dict[str, Any], ctx: Context) -> None:
    """Datasource refs everywhere: annotation_list, null query-variable datasources, panels and queries."""
    for annotation in annotation_list(dash):
        annotation["datasource"] = name_to_ref(annotation.get("datasource"), ctx.index, default_as_null=False)
    for variable in variables(dash):
        if get_str(variable, "type") == "query" and "datasource" in variable and variable["datasource"] is None:
            variable["datasource"] = ctx.index.default_ref()
    for panel in panels(dash):
        _v36_panel(panel, ctx, nested=False)
        for child in dicts(panel.get("panels")):
            _v36_panel(child, ctx, nested=True)


def v37(dash: dict[str, Any], ctx: Context) -> None:
    """Legends: hidden -> displayMode list + showLegend false; visible -> showLegend true.

    Boolean legends stay as they are: the frontend's step reads ``legend.displayMode`` of a
    boolean (undefined) and its assignment to a boolean is lost, which Grafana's fixtures keep.
    """
    for panel in panels_and_row_children(dash):
        options = panel.get("options")
        legend = options.get("legend") if isinstance(options, dict) else None
        if not isinstance(legend, dict):
            continue
        if legend.get("displayMode") == "hidden" or legend.get("showLegend") is False:
            legend["displayMode"] = "list"
            legend["showLegend"] = False
            continue
        legend["showLegend"] = True


def cell_options(display_mode: str) -> dict[str, Any]:
    """A table's legacy ``displayMode`` -> ``cellOptions`` (schema 38)."""
    if display_mode in ("basic", "gradient-gauge", "lcd-gauge"):
        return {"type": "gauge", "mode": {"gradient-gauge": "gradient", "lcd-gauge": "lcd"}.get(display_mode, "basic")}
    if display_mode in ("color-background", "color-background-solid"):
        return {"type": "color-background", "mode": "gradient" if display_mode == "color-background" else "basic"}
    return {"type": display_mode}


def v38(dash: dict[str, Any], ctx: Context) -> None:
    """Table custom.displayMode -> custom.cellOptions (defaults and overrides)."""
    for panel in _walk_non_rows(dash.get("panels")):
        field_config = panel.get("fieldConfig")
        if panel.get("type") != "table" or not isinstance(field_config, dict):
            continue
        defaults = field_config.get("defaults")
        custom = defaults.get("custom") if isinstance(defaults, dict) else None
        if not isinstance(custom, dict):
            continue
        if "displayMode" in custom:
            mode = custom.pop("displayMode")
            if isinstance(mode, str):
                custom["cellOptions"] = cell_options(mode)
        for override in dicts(field_config.get("overrides")):
            for prop in dicts(override.get("properties")):
                if prop.get("id") == "custom.displayMode":
                    prop["id"] = "custom.cellOptions"
                    if isinstance(prop.get("value"), str):
                        prop["value"] = cell_options(prop["value"])


def v39(dash: dict[str, Any], ctx: Context) -> None:
    """timeSeriesTable refIdToStat -> per-refId {stat} options."""
    for panel in _walk_non_rows(dash.get("panels")):
        for transformation in dicts(panel.get("transformations")):
            options = transformation.get("options")
            if transformation.get("id") != "timeSeriesTable" or not isinstance(options, dict):
                continue
            stats = options.get("refIdToStat")
            if isinstance(stats, dict):
                transformation["options"] = {ref: {"stat": stat} for ref, stat in stats.items()}


def v40(dash: dict[str, Any], ctx: Context) -> None:
    """refresh is always a string ('' unless it was one)."""
    dash["refresh"] = get_str(dash, "refresh")


def v41(dash: dict[str, Any], ctx: Context) -> None:
    """timepicker.time_options removed."""
    if isinstance(dash.get("timepicker"), dict):
        dash["timepicker"].pop("time_options", None)


def _hide_from_tooltip(panel: dict[str, Any]) -> None:
    field_config = panel.get("fieldConfig")
    if isinstance(field_config, dict):
        for override in dicts(field_config.get("overrides")):
            for prop in dicts(override.get("properties")):
                value = prop.get("value")
                if prop.get("id") == "custom.hideFrom" and isinstance(value, dict) and value.get("viz") is True:
                    value["tooltip"] = True
    for child in dicts(panel.get("panels")):
        _hide_from_tooltip(child)


def v42(dash: dict[str, Any], ctx: Context) -> None:
    """A field hidden from the visualisation (hideFrom.viz) is hidden from tooltips too."""
    for panel in panels(dash):
        _hide_from_tooltip(panel)


def _format_time_to_convert(transformation: dict[str, Any]) -> dict[str, Any]:
    options = as_dict(transformation.get("options"))
    conversion: dict[str, Any] = {"destinationType": "string"}
    for old, new in (("timeField", "targetField"), ("outputFormat", "dateFormat"), ("timezone", "timezone")):
        if isinstance(options.get(old), str) and options[old]:
            conversion[new] = options[old]
    return {"id": "convertFieldType", "options": {"conversions": [conversion]}}


def v43(dash: dict[str, Any], ctx: Context) -> None:
    """formatTime transformations -> convertFieldType (destinationType string)."""
    for panel in _walk_non_rows(dash.get("panels")):
        transformations = panel.get("transformations")
        if isinstance(transformations, list) and any(
            isinstance(t, dict) and t.get("id") == "formatTime" for t in transformations
        ):
            panel["transformations"] = [
                _format_time_to_convert(t) if isinstance(t, dict) and t.get("id") == "formatTime" else t
                for t in transformations
            ]


STEPS: dict[int, Step] = {n: globals()[f"v{n}"] for n in range(2, 44)}
