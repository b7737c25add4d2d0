"""Legacy dashboards: Grafana's own migrations (graph -> timeseries, singlestat -> stat, schema 30/33/37/38)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdash.errors import ConfigError, Location
from gdash.importer.dashboards import import_dashboard
from gdash.importer.migrate import migrate_dashboard

CORPUS = Path(__file__).resolve().parent / "corpus"
HERE = Location("test.json")


def _legacy() -> dict:
    return json.loads((CORPUS / "legacy-graph-singlestat.json").read_text())


def test_graph_becomes_timeseries_as_grafana_migrates_it() -> None:
    notes: list[str] = []
    model = migrate_dashboard(_legacy(), HERE, notes)
    requests, connections, up, latency = model["panels"]
    assert requests["type"] == "timeseries" and "yaxes" not in requests and "legend" not in requests
    defaults = requests["fieldConfig"]["defaults"]
    assert defaults["unit"] == "reqps" and defaults["min"] == 0
    assert defaults["custom"]["fillOpacity"] == 10 and defaults["custom"]["lineWidth"] == 2
    assert requests["options"]["legend"] == {"calcs": ["max", "mean", "lastNotNull"], "displayMode": "table",
                                             "placement": "bottom", "showLegend": True}
    assert requests["options"]["tooltip"] == {"mode": "multi", "sort": "desc"}
    assert requests["fieldConfig"]["overrides"][0]["matcher"] == {"id": "byName", "options": "errors"}
    assert connections["options"]["legend"]["showLegend"] is False
    assert connections["fieldConfig"]["defaults"]["custom"]["spanNulls"] is True
    assert connections["fieldConfig"]["defaults"]["thresholds"]["steps"] == [
        {"color": "green", "value": None}, {"color": "red", "value": 1000}]
    assert any("graph migrated to timeseries" in note for note in notes)


def test_singlestat_becomes_stat_with_thresholds_mappings_and_reducer() -> None:
    model = migrate_dashboard(_legacy(), HERE)
    up, latency = model["panels"][2:]
    assert up["type"] == "stat" and up["options"]["colorMode"] == "background"
    assert up["options"]["graphMode"] == "none" and up["options"]["reduceOptions"]["calcs"] == ["lastNotNull"]
    assert up["fieldConfig"]["defaults"]["mappings"] == [
        {"type": "value", "options": {"0": {"text": "DOWN"}}}, {"type": "value", "options": {"1": {"text": "UP"}}}]
    assert up["fieldConfig"]["defaults"]["thresholds"]["steps"] == [
        {"color": "#d44a3a", "value": None}, {"color": "rgba(237, 129, 40, 0.89)", "value": 0.5},
        {"color": "#299c46", "value": 1}]
    assert latency["options"]["graphMode"] == "area" and latency["options"]["reduceOptions"]["calcs"] == ["mean"]
    assert latency["fieldConfig"]["defaults"]["decimals"] == 2 and latency["fieldConfig"]["defaults"]["unit"] == "s"


def test_string_datasources_become_refs_and_export_placeholders_become_logical_datasources() -> None:
    model = migrate_dashboard(_legacy(), HERE)
    assert model["panels"][0]["targets"][0]["datasource"] == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
    assert model["annotations"]["list"][0]["datasource"] == {"type": "grafana", "uid": "-- Grafana --"}
    imported = import_dashboard(_legacy(), location=HERE)
    assert imported.datasources == {"prometheus": "${DS_PROMETHEUS}"}
    assert "datasource=" not in repr(imported.tree.kwargs["panels"][0].args[1].kwargs)  # the default: gdash:prometheus


def test_old_models_migrate_and_non_dashboards_are_refused_with_a_hint() -> None:
    old = migrate_dashboard({"title": "x", "schemaVersion": 14, "rows": [
        {"title": "r", "collapse": True, "panels": [{"type": "graph", "id": 1, "span": 4}]}]}, HERE)
    row = old["panels"][0]
    assert old["schemaVersion"] == 42 and row["type"] == "row" and row["collapsed"] is True
    assert row["panels"][0]["type"] == "timeseries" and row["panels"][0]["gridPos"]["w"] == 8
    with pytest.raises(ConfigError) as other:
        import_dashboard({"groups": []}, location=HERE)
    assert "not a Grafana dashboard" in str(other.value) and "Export" in other.value.hint


def test_schema_38_table_display_mode_and_37_hidden_legend() -> None:
    model = {"title": "t", "uid": "t", "schemaVersion": 36, "panels": [
        {"type": "table", "title": "a", "fieldConfig": {"defaults": {"custom": {"displayMode": "color-background"}}}},
        {"type": "timeseries", "title": "b", "options": {"legend": {"displayMode": "hidden", "placement": "bottom"}}},
    ]}
    table, series = migrate_dashboard(model, HERE)["panels"]
    # schema 38 as Grafana writes it: color-background is the gradient mode
    assert table["fieldConfig"]["defaults"]["custom"] == {"cellOptions": {"type": "color-background", "mode": "gradient"}}
    assert series["options"]["legend"] == {"displayMode": "list", "placement": "bottom", "showLegend": False}


def _v2_query(expr: str, uid: str | None) -> dict:
    query: dict = {"kind": "DataQuery", "group": "prometheus", "version": "v0", "spec": {"expr": expr}}
    if uid:
        query["datasource"] = {"name": uid}
    return {"kind": "PanelQuery", "spec": {"refId": "A", "query": query}}


def _v2_with_queries(*uids: str | None) -> dict:
    elements = {
        f"panel-{i}": {"kind": "Panel", "spec": {
            "id": i, "title": f"P{i}", "vizConfig": {"kind": "VizConfig", "group": "timeseries", "spec": {}},
            "data": {"kind": "QueryGroup", "spec": {"queries": [_v2_query(f"up{i}", uid)]}}}}
        for i, uid in enumerate(uids, start=1)}
    items = [{"kind": "GridLayoutItem", "spec": {"x": 0, "y": 8 * i, "width": 12, "height": 8,
                                                 "element": {"kind": "ElementReference", "name": name}}}
             for i, name in enumerate(elements)]
    variable = {"kind": "QueryVariable", "spec": {
        "name": "job", "query": {"kind": "DataQuery", "group": "prometheus", "spec": {"query": "label_values(job)"}}}}
    return {"apiVersion": "dashboard.grafana.app/v2", "kind": "Dashboard", "metadata": {"name": "v2-ds"},
            "spec": {"title": "v2", "elements": elements, "variables": [variable],
                     "layout": {"kind": "GridLayout", "spec": {"items": items}}}}


def test_v2_queries_that_name_no_datasource_use_the_default_one_of_their_type() -> None:
    # Grafana 13 exports a query whose datasource is the default one without datasource.name; the v1
    # model then has {"type": "prometheus"} (as Grafana's v2->v1 conversion writes it), which gdash
    # builds as the logical datasource named after the type: the helpers' default, no extra= needed
    imported = import_dashboard(_v2_with_queries(None), location=HERE)
    assert imported.unexpressed == [] and imported.escapes == [] and imported.datasources == {}
    [panel] = imported.tree.kwargs["panels"]
    assert "datasource" not in panel.args[1].kwargs
    assert "datasource" not in imported.tree.kwargs["variables"][0].kwargs


def test_a_real_uid_beside_the_default_datasource_gets_its_own_logical_name() -> None:
    imported = import_dashboard(_v2_with_queries(None, "prom-a"), location=HERE)
    assert imported.unexpressed == [] and imported.escapes == []
    assert imported.datasources == {"prometheus-2": "prom-a"}  # "prometheus" stays the type's default
    default, pinned = imported.tree.kwargs["panels"]
    assert "datasource" not in default.args[1].kwargs and pinned.args[1].kwargs["datasource"] == "prometheus-2"
