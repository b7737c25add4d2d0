"""gdash.migration's public behaviour: copies, envelopes, legacy layouts, steps 42/43, bad input."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from gdash.errors import ConfigError, Location
from gdash.migration import LATEST, migrate, schema_version_for, unwrap

REPO = Path(__file__).resolve().parents[2]
MIGRATION = REPO / ".." / "shared" / "grafana" / "migration"
HERE = Location("test.json")


def _fixture_input(name: str) -> dict:
    path = MIGRATION / "input" / name
    if not path.exists():
        pytest.skip(f"Grafana migration fixtures absent: {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def _panels(model: dict) -> list[dict]:
    found = []
    for panel in model.get("panels") or []:
        found.append(panel)
        found.extend(panel.get("panels") or [])
    return found


def test_migrate_returns_a_copy_and_never_touches_its_input() -> None:
    model = {"title": "old", "rows": [{"panels": [{"type": "graph", "span": 6, "id": 1}]}], "schemaVersion": 12}
    before = copy.deepcopy(model)
    migrated = migrate(model)
    assert model == before
    assert migrated["schemaVersion"] == LATEST and "rows" not in migrated
    assert migrated["panels"][0]["gridPos"] == {"x": 0, "y": 0, "w": 12, "h": 7}


def test_envelopes_are_unwrapped() -> None:
    bare = {"title": "t", "panels": [], "schemaVersion": 42, "uid": "u"}
    assert unwrap({"dashboard": bare}) is bare
    assert unwrap({"meta": {"folderTitle": "f"}, "dashboard": bare}) is bare
    resource = {"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard", "metadata": {"name": "u"},
                "spec": bare}
    assert unwrap(resource) is bare
    manifest = {"apiVersion": "grafana.integreatly.org/v1beta1", "kind": "GrafanaManifest",  # grafana-operator
                "metadata": {"name": "m"}, "spec": {"instanceSelector": {}, "template": resource}}
    assert unwrap(manifest) is bare
    assert migrate({"dashboard": bare}) == bare  # at the target already: nothing runs


def test_dashboard_without_schema_version_is_treated_as_the_oldest() -> None:
    notes: list[str] = []
    model = {"title": "seed", "rows": [{"title": "Row", "showTitle": True, "panels": [
        {"type": "singlestat", "id": 3, "span": 12, "thresholds": "1,2", "colors": ["green", "orange", "red"]}]}]}
    migrated = migrate(model, notes=notes)
    row, stat = migrated["panels"]
    assert row["type"] == "row" and row["title"] == "Row"
    assert stat["type"] == "stat" and stat["gridPos"]["w"] == 24
    assert stat["fieldConfig"]["defaults"]["thresholds"]["steps"][1] == {"color": "orange", "value": 1}


def test_datasource_names_become_refs_and_export_placeholders_keep_their_plugin_type() -> None:
    notes: list[str] = []
    model = {"title": "x", "schemaVersion": 30, "__inputs": [
        {"name": "DS_PROM", "type": "datasource", "pluginId": "prometheus"}],
        "panels": [{"type": "timeseries", "id": 1, "datasource": "${DS_PROM}",
                    "targets": [{"refId": "A", "expr": "up"}, {"refId": "B", "datasource": "some-name"}]}]}
    panel = migrate(model, notes=notes)["panels"][0]
    assert panel["datasource"] == {"uid": "${DS_PROM}", "type": "prometheus"}
    assert panel["targets"][0]["datasource"] == {"uid": "${DS_PROM}", "type": "prometheus"}
    assert panel["targets"][1]["datasource"] == {"uid": "some-name"}  # unknown names stay uid-only, as in Grafana
    assert any("${DS_PROM}" in note and "prometheus" in note for note in notes)


def test_step_42_hides_from_tooltip_what_is_hidden_from_the_visualisation() -> None:
    migrated = migrate(_fixture_input("v42.hidefrom_tooltip.json"), target=42)
    hidden = [prop["value"] for panel in _panels(migrated)
              for override in (panel.get("fieldConfig") or {}).get("overrides") or []
              for prop in override.get("properties") or [] if prop.get("id") == "custom.hideFrom"]
    assert hidden and all(value.get("tooltip") is True for value in hidden if value.get("viz") is True)


def test_step_43_turns_format_time_into_convert_field_type() -> None:
    model = _fixture_input("v43.convert_format_time_migration.json")
    at_42 = migrate(model, target=42)
    at_43 = migrate(model, target=43)
    ids_42 = [t["id"] for p in _panels(at_42) for t in p.get("transformations") or []]
    ids_43 = [t["id"] for p in _panels(at_43) for t in p.get("transformations") or []]
    assert "formatTime" in ids_42 and "formatTime" not in ids_43 and at_43["schemaVersion"] == 43
    first = next(p for p in _panels(at_43) if p.get("transformations"))["transformations"][0]
    assert first == {"id": "convertFieldType", "options": {"conversions": [
        {"destinationType": "string", "targetField": "timestamp", "dateFormat": "YYYY-MM-DD HH:mm:ss",
         "timezone": "UTC"}]}}


@pytest.mark.parametrize("document, message", [
    ([1, 2], "not a Grafana dashboard"),
    ({"groups": []}, "not a Grafana dashboard"),
    ({"title": "t", "panels": "nope"}, "$.panels: expected a list, got a string"),
    ({"title": "t", "panels": [{"type": "row", "panels": [3]}]}, "$.panels[0].panels[0]: expected an object"),
    ({"title": "t", "templating": {"list": {}}}, "$.templating.list: expected a list"),
    ({"dashboard": {"title": "t", "rows": 5}}, "$.dashboard.rows: expected a list"),
])
def test_bad_documents_end_in_one_line_with_the_json_path(document, message) -> None:
    with pytest.raises(ConfigError) as error:
        migrate(document, location=HERE)
    assert message in str(error.value) and str(error.value).startswith("test.json: ")
    assert "\n" not in str(error.value)


def test_hostile_nesting_is_refused_without_recursion() -> None:
    deep: dict = {"title": "t", "panels": []}
    node = deep
    for _ in range(10_000):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(ConfigError) as error:
        migrate(deep, location=HERE)
    assert "nested deeper than" in str(error.value)


def test_schema_version_for_grafana_majors() -> None:
    assert schema_version_for(11) == 39 and schema_version_for(12) == 42 and schema_version_for(13) == 42
    assert schema_version_for() == LATEST
    with pytest.raises(ConfigError):
        schema_version_for(9)


def test_normalising_twice_changes_nothing_more() -> None:
    """The importer compares two normalised models (the input and gdash's output): normalisation
    must be idempotent on every Grafana fixture and every importer corpus dashboard."""
    paths = sorted((MIGRATION / "input").glob("*.json")) + sorted((REPO / "tests" / "importer" / "corpus").glob("*.json"))
    assert len(paths) > 10
    for path in paths:
        once = migrate(json.loads(path.read_text(encoding="utf-8")), normalize=True, panels=True)
        assert migrate(once, normalize=True, panels=True) == once, path.name


def test_huge_documents_are_refused_with_their_path() -> None:
    from gdash.migration.document import check_depth

    with pytest.raises(ConfigError) as error:
        check_depth({"title": "t", "panels": [{"targets": list(range(50))}]}, HERE, max_values=40)
    assert "$.panels[0].targets: more than 40 JSON values" in str(error.value)


@pytest.mark.parametrize("old_type, new_type", [("graph", "timeseries"), ("singlestat", "stat"), ("table-old", "table")])
def test_a_plugin_change_keeps_what_grafanas_panel_model_keeps(old_type, new_type) -> None:
    # mustKeepProps of Grafana's PanelModel.ts: the migration and the importer share one set
    from gdash.importer.dashboards import import_dashboard
    from gdash.migration import MUST_KEEP_PROPS

    kept = {"maxDataPoints": 100, "interval": "1m", "queryCachingTTL": 60, "description": "d", "repeat": "host"}
    panel = {"type": old_type, "title": "p", "id": 1, "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "targets": [{"refId": "A", "expr": "up"}], "maxPerRow": 4, "nullPointMode": "connected", **kept}
    model = {"title": "t", "uid": "u", "schemaVersion": 16, "panels": [panel]}
    (migrated,) = migrate(model, panels=True)["panels"]
    assert migrated["type"] == new_type and set(kept) <= set(migrated) <= MUST_KEEP_PROPS | {"options"}
    assert {k: migrated[k] for k in kept} == kept and "maxPerRow" not in migrated
    (imported,) = import_dashboard(model, location=HERE).original["panels"]
    assert "maxPerRow" not in imported and "nullPointMode" not in imported and imported["maxDataPoints"] == 100
