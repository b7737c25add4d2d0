"""Conformance of gdash.migration with Grafana's own migration fixtures.

The pairs live in ../shared/grafana/migration (outside the repo, see its SOURCE-grafana12-13.md):
``input/<name>.json`` is what Grafana's backend migrator is fed, ``output/<name>.v42.json`` what
it must produce at schemaVersion 42. Grafana's test resolves datasource names against a fixed
list of test datasources (``apps/dashboard/pkg/migration/testutil/mocks.go``, StandardTestConfig)
and its table panel plugin reports version 12.1.0; the same are passed here.

The fixtures were written by different Grafana commits, which disagree on a few defaults (some
predate the load-time normalisation pass, some the stat panel's newer options). Normalisation
before comparing, applied to both sides alike (docs/migration.md):
  1. JSON numbers compare by value (Go writes 10.0 as 10);
  2. dashboard-level values equal to the defaults Grafana's load-time pass writes (``editable:
     true``, ``graphTooltip: 0``, ``links: []``, ``tags: []``, ``time`` now-6h..now, ``timepicker:
     {}``, ``timezone: ""``, ``weekStart: ""``, ``fiscalYearStartMonth: 0``, empty ``templating``,
     an annotation list holding only the built-in one) count as absent;
  3. stat panel options equal to the stat defaults (``justifyMode``/``textMode: auto``,
     ``wideLayout: true``, ``showPercentChange: false``, ``percentChangeColorMode: standard``) count
     as absent, as does ``options: {}``;
  4. a link's ``targetBlank: false`` counts as absent;
  5. a threshold step's ``value: null`` counts as absent (both mean -Infinity to Grafana), as do
     a panel's ``datasource: null`` (the default datasource either way) and an empty
     ``fieldConfig.overrides`` list;
  6. angular panels Grafana's backend leaves for its frontend to convert on load (type ``graph``,
     ``singlestat``, a ``table`` with ``styles``, or any panel still marked ``autoMigrateFrom``
     one of those) are finished with Grafana's own backend ports of those conversions (steps 13,
     28 and 24), on both sides: some fixture generations convert them in the schema steps, others
     leave them renamed with ``autoMigrateFrom`` (identical inputs, e.g. v4.no-op and v9.no-op,
     come out differently), and what Grafana shows after loading either is the converted panel.
Every pair that still differs is listed below with its reason; a new difference, or a listed one
that now agrees, fails the test.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gdash.migration import DataSource, graph, migrate, singlestat, table
from gdash.migration.frontend_defaults import BUILTIN_ANNOTATION

MIGRATION = Path(__file__).resolve().parents[2] / ".." / "shared" / "grafana" / "migration"

# Grafana's StandardTestConfig (the datasources its migration tests run against)
TEST_DATASOURCES = [
    DataSource(uid="default-ds-uid", type="prometheus", name="Default Test Datasource Name", default=True,
               api_version="v1"),
    DataSource(uid="non-default-test-ds-uid", type="loki", name="Non Default Test Datasource Name", api_version="v1"),
    DataSource(uid="existing-ref-uid", type="prometheus", name="Existing Ref Name", api_version="v1"),
    DataSource(uid="existing-target-uid", type="elasticsearch", name="Existing Target Name", api_version="v2"),
    DataSource(uid="existing-ref", type="prometheus", name="Existing Ref Name", api_version="v1"),
    DataSource(uid="-- Mixed --", type="mixed", name="-- Mixed --", api_version="v1"),
    DataSource(uid="influx-uid", type="influxdb", name="InfluxDB Test Datasource", api_version="v1"),
    DataSource(uid="cloudwatch-uid", type="cloudwatch", name="CloudWatch Test Datasource", api_version="v1"),
    DataSource(uid="-- Grafana --", type="grafana", name="-- Grafana --", api_version="v1"),
]
PLUGIN_VERSION = "12.1.0"

# Pairs no migrator can reproduce: the output was written from another version of the input
# (checked against Grafana's Go migrator and its single-step outputs; docs/migration.md).
MISMATCHED_PAIRS = {
    "v6.pulldowns_and_templating": "the expected annotations hold {uid: 'prometheus'} / {uid: 'loki'} where the input "
                                   "already has refs {uid: 'default-ds-uid', type: 'prometheus'} / {uid: 'loki-uid'}; "
                                   "Go's V6 moves them as they are and MigrateDatasourceNameToRef returns a ref "
                                   "unchanged ({uid: name} is what an unknown name becomes), and no step drops the "
                                   "variables' 'query': the output was written from an input that named datasources",
    "v11.no-op-migration": "the expected annotation list holds a second 'Annotations & Alerts' entry "
                           "({uid: 'grafana'}) that the input (an empty list) does not have; Grafana's own "
                           "single-step output (step 11 is a no-op) already holds it as {datasource: 'grafana'}, "
                           "so it came from another version of the input",
    "v15.no-op-migration": "the expected variable datasource is the name 'prometheus' where the input holds the ref "
                           "{type: 'prometheus'}; Grafana's single-step output keeps the ref and no step 16-42 "
                           "turns a ref into a name: the output was written from an input naming the datasource",
}
# Pairs that contradict another fixture on the same input: written by an intermediate Grafana
# migrator; Grafana's later (.v43.json) generation of each agrees with gdash after normalisation.
CONFLICTING_PAIRS = {
    "v22.table_panel_align": "contradicts v24.table-angular: an angular table style aligned 'auto' becomes "
                             "{id: custom.align, value: ''} and options keep the old footer here, while v24 (the "
                             "step's own fixture, followed) drops the value (the frontend writes undefined) and "
                             "moves the footer into custom.footer; Grafana's later output for this input agrees "
                             "with v24",
    "v28.remove_variable_properties": "contradicts v28.singlestat_and_variable_properties on the identical variable "
                                      "{type: custom, useTags: false}: here useTags is removed, there it is kept; the "
                                      "frontend deletes only truthy tag properties (`if (variable.useTags)`), which "
                                      "the other fixture, v16.empty-rows-and-panels-array and Grafana's later output "
                                      "for this input keep",
}
KNOWN_DIFFERENCES: dict[str, str] = {**MISMATCHED_PAIRS, **CONFLICTING_PAIRS}


def _pairs() -> list[tuple[Path, Path]]:
    if not MIGRATION.is_dir():
        pytest.skip(f"Grafana migration fixtures absent: {MIGRATION} (the shared directory next to the repo)")
    pairs = []
    for output in sorted((MIGRATION / "output").glob("*.v42.json")):
        source = MIGRATION / "input" / (output.name[: -len(".v42.json")] + ".json")
        if source.exists():
            pairs.append((source, output))
    return pairs


def differences(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Paths where ``actual`` differs from ``expected``; numbers compare by value (1 == 1.0)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}"
            if key not in actual:
                found.append(f"{where}: missing (expected {json.dumps(expected[key])[:120]})")
            elif key not in expected:
                found.append(f"{where}: unexpected {json.dumps(actual[key])[:120]}")
            else:
                found += differences(expected[key], actual[key], where)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items, expected {len(expected)}"]
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{path}[{i}]")]
    same_number = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (expected, actual)) \
        and expected == actual
    if not same_number and (type(expected) is not type(actual) or expected != actual):
        return [f"{path}: expected {json.dumps(expected)[:120]}, got {json.dumps(actual)[:120]}"]
    return []


_DASHBOARD_DEFAULTS: dict[str, Any] = {
    "editable": True, "graphTooltip": 0, "links": [], "tags": [], "time": {"from": "now-6h", "to": "now"},
    "timepicker": {}, "timezone": "", "weekStart": "", "fiscalYearStartMonth": 0, "templating": {"list": []},
    "annotations": {"list": [BUILTIN_ANNOTATION]}, "version": 0, "title": "No Title",
}
_STAT_DEFAULTS: dict[str, Any] = {"justifyMode": "auto", "textMode": "auto", "wideLayout": True,
                                  "showPercentChange": False, "percentChangeColorMode": "standard"}


def _normalise_tree(value: Any) -> Any:
    if isinstance(value, list):
        return [_normalise_tree(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _normalise_tree(v) for k, v in value.items()}
    if out.get("targetBlank") is False and "url" in out:
        del out["targetBlank"]
    if "color" in out and "value" in out and out["value"] is None and set(out) <= {"color", "value"}:
        del out["value"]
    return out


def _finish_angular(panel: dict[str, Any]) -> None:
    origin = panel.get("autoMigrateFrom") or panel.get("type")
    if origin == "graph" and panel.get("type") in ("graph", "timeseries"):
        panel.pop("autoMigrateFrom", None)
        graph.graph_to_timeseries_v13(panel)
    elif origin in ("singlestat", "grafana-singlestat-panel"):
        singlestat.singlestat_to_stat(panel, PLUGIN_VERSION)
        singlestat.migrate_panels([panel])
    elif origin == "table-old" or panel.get("type") == "table" and panel.get("styles") is not None:
        table.angular_table_to_table(panel, PLUGIN_VERSION)


def _normalise_panel(panel: Any) -> Any:
    if not isinstance(panel, dict):
        return panel
    _finish_angular(panel)
    options = panel.get("options")
    if panel.get("type") == "stat" and isinstance(options, dict):
        for key, default in _STAT_DEFAULTS.items():
            if key in options and options[key] == default:
                del options[key]
    if panel.get("options") == {}:
        del panel["options"]
    if "datasource" in panel and panel["datasource"] is None:
        del panel["datasource"]
    field_config = panel.get("fieldConfig")
    if isinstance(field_config, dict) and field_config.get("overrides") == []:
        del field_config["overrides"]
    for child in panel.get("panels") or []:
        _normalise_panel(child)
    return panel


def normalise(model: dict[str, Any]) -> dict[str, Any]:
    """Both sides of a comparison, as the module docstring lists."""
    model = _normalise_tree(model)
    for panel in model.get("panels") or []:
        _normalise_panel(panel)
    model = _normalise_tree(model)
    for key, default in _DASHBOARD_DEFAULTS.items():
        if key in model and _normalise_tree(default) == model[key]:
            del model[key]
    return model


def run_pair(source: Path, output: Path) -> list[str]:
    model = json.loads(source.read_text(encoding="utf-8"))
    expected = json.loads(output.read_text(encoding="utf-8"))
    migrated = migrate(model, target=42, datasources=TEST_DATASOURCES, plugin_version=PLUGIN_VERSION)
    return differences(normalise(expected), normalise(migrated))


def test_migration_agrees_with_grafana_fixtures() -> None:
    pairs = _pairs()
    found = {}
    for source, output in pairs:
        diff = run_pair(source, output)
        if diff:
            found[source.stem] = diff
    share = 1 - len(found) / len(pairs)
    reproducible = [s for s, _ in pairs if s.stem not in MISMATCHED_PAIRS]
    reproducible_share = 1 - len(set(found) - set(MISMATCHED_PAIRS)) / len(reproducible)
    report = "\n".join(f"{name}: {KNOWN_DIFFERENCES.get(name, 'NEW')}; {len(diff)} differences, first: {diff[:3]}"
                       for name, diff in sorted(found.items()))
    print(f"\nGrafana migration fixtures: {len(pairs) - len(found)}/{len(pairs)} pairs match ({share:.1%}); "
          f"{len(reproducible) - len(set(found) - set(MISMATCHED_PAIRS))}/{len(reproducible)} of the pairs whose "
          f"output derives from their input ({reproducible_share:.1%})\n{report}")
    unexpected = {name: diff[:5] for name, diff in found.items() if name not in KNOWN_DIFFERENCES}
    now_agreeing = sorted(set(KNOWN_DIFFERENCES) - set(found))
    assert not unexpected, f"new differences from Grafana's fixtures: {json.dumps(unexpected, indent=1)}"
    assert not now_agreeing, f"listed differences that now agree (remove them): {now_agreeing}"
    assert share >= 0.90, f"fixture agreement {share:.1%}"
    assert reproducible_share >= 0.95, f"agreement on reproducible fixtures {reproducible_share:.1%}"
