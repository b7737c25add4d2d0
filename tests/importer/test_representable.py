"""Every value Grafana accepts is representable: the generated code builds, validates and round-trips,
through helper arguments rather than ``extra=`` for the common shapes."""
from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from gdash.errors import Location
from gdash.importer.dashboards import import_dashboard
from gdash.importer.project import dashboard_file, extra_lines

PLUGINS = ["piechart", "heatmap", "histogram", "state-timeline", "status-history", "barchart", "xychart", "nodeGraph",
           "geomap", "canvas", "text", "alertlist", "dashlist", "news"]
DS = {"type": "prometheus", "uid": "${datasource}"}
DS_VARIABLE = {"type": "datasource", "name": "datasource", "query": "prometheus"}


def _dashboard(panels: list[dict[str, Any]], variables: list[dict[str, Any]] | None = None, **keys: Any) -> dict:
    return {"uid": "t", "title": "T", "schemaVersion": 39, "panels": panels,
            "templating": {"list": [DS_VARIABLE, *(variables or [])]}, **keys}


def _import(model: dict, tmp_path: Path):
    imported = import_dashboard(json.loads(json.dumps(model)), location=Location("t.json"))
    return imported, dashboard_file(imported, tmp_path / "t.py", "t.json")


def _query(expr: str = "up", ref_id: str = "A", **keys: Any) -> dict:
    return {"refId": ref_id, "datasource": DS, "expr": expr, **keys}


@pytest.mark.parametrize("kind", PLUGINS)
def test_every_panel_plugin_is_a_panel_call(kind: str, tmp_path: Path) -> None:
    panel = {"type": kind, "title": f"A {kind}", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "options": {"some": {"plugin": "option"}, "legend": {"show": True}},
             "fieldConfig": {"defaults": {"custom": {"lineWidth": 3}, "unit": "bytes"}, "overrides": []}}
    if kind not in ("text", "news", "dashlist", "alertlist"):
        panel["targets"] = [_query()]
    imported, generated = _import(_dashboard([panel]), tmp_path)
    assert generated.lost == []
    assert f'panel(\n            "{kind}",' in generated.source or f'panel("{kind}",' in generated.source
    assert extra_lines(generated.source) == 0, generated.source  # options= and custom= say it all


def test_values_grafana_accepts_build_validate_and_round_trip(tmp_path: Path) -> None:
    panels = [
        {"type": "timeseries", "title": 'Quotes " and \\ back\\slash \x00 nul """ triple', "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
         "fieldConfig": {"defaults": {"unit": None, "min": "0", "max": "100", "decimals": "2",
                                      "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                                                                    {"color": "red", "value": "80"}]}},
                         "overrides": []},
         "targets": [_query("rate(x[5m])", "query one"), _query("up", "b.2")]},
        {"type": "stat", "title": "No unit", "gridPos": {"x": 12, "y": 0, "w": 6, "h": 4},
         "fieldConfig": {"defaults": {"unit": None, "noValue": "n/a", "thresholds": None}},
         "targets": [{"expr": "up", "datasource": {"uid": "$datasource"}}]},  # no refId, no type: as Grafana loads it
        {"type": "gauge", "title": "Infinite", "gridPos": {"x": 18, "y": 0, "w": 6, "h": 4},
         "fieldConfig": {"defaults": {"max": float("inf"), "thresholds": {"steps": [{"color": "blue"}]}}},
         "targets": [_query()]},
    ]
    imported, generated = _import(_dashboard(panels, description="C:\\temp \"x\""), tmp_path)
    assert generated.lost == []
    ast.parse(generated.source)  # valid Python, whatever the strings held
    assert "inf" not in generated.source  # JSON has no Infinity: null, as Grafana's save writes it
    assert 'ref_id="query one"' in generated.source
    assert "unit=None" in generated.source and 'no_value="n/a"' in generated.source
    assert extra_lines(generated.source) == 0, generated.source


def test_layout_is_rows_and_sizes_with_positions_only_where_the_flow_differs(tmp_path: Path) -> None:
    def ts(title: str, x: int, y: int, w: int, h: int) -> dict:
        return {"type": "timeseries", "title": title, "gridPos": {"x": x, "y": y, "w": w, "h": h}, "targets": [_query()]}

    panels = [
        {"type": "row", "title": "Stacked", "collapsed": False, "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}, "panels": []},
        ts("tall", 0, 1, 12, 16), ts("top right", 12, 1, 12, 8), ts("bottom right", 12, 9, 12, 8),
        ts("next line", 0, 17, 24, 8),
        {"type": "row", "title": "Gap", "collapsed": False, "gridPos": {"x": 0, "y": 30, "w": 24, "h": 1}, "panels": []},
    ]
    imported, generated = _import(_dashboard(panels), tmp_path)
    assert generated.lost == []
    positioned = [call for row in imported.tree.kwargs["rows"] for call in row.args[1:]
                  if "x" in call.kwargs or "y" in call.kwargs]
    assert [(c.args[0], c.kwargs.get("x"), c.kwargs.get("y")) for c in positioned] == [("bottom right", 12, 9)]
    assert imported.tree.kwargs["rows"][1].kwargs == {"y": 30}  # the row below a gap says where it is
    assert "gridPos" not in generated.source


def test_variables_are_helper_calls(tmp_path: Path) -> None:
    variables = [
        {"type": "query", "name": "job", "datasource": DS, "query": "label_values(up, job)", "refresh": 2, "sort": 1,
         "multi": True, "includeAll": True},
        {"type": "custom", "name": "env", "query": "prod,staging"},
        {"type": "interval", "name": "step", "query": "1m,5m", "auto": True, "auto_count": 10, "auto_min": "1m"},
        {"type": "textbox", "name": "filter", "query": ".*", "label": "Filter"},
        {"type": "constant", "name": "cluster", "query": "eu-1", "hide": 2},
        {"type": "adhoc", "name": "Filters", "datasource": DS},
    ]
    imported, generated = _import(_dashboard([], variables), tmp_path)
    assert generated.lost == []
    for helper in ("datasource_var(", "query_var(", "custom_var(", "interval_var(", "textbox(", "constant(", "adhoc("):
        assert helper in generated.source
    assert "templating" not in generated.source


def test_a_build_that_does_not_validate_is_not_exact(tmp_path: Path) -> None:
    variables = [{"type": "custom", "name": "my-var", "query": "a,b"}]  # a name gdash's schema refuses
    imported, generated = _import(_dashboard([], variables), tmp_path)
    assert any(line.startswith("invalid: $.templating.list[1].name") for line in generated.lost), generated.lost


def test_python_literals_are_always_valid() -> None:
    from gdash.importer.pysource import module_source

    values = ['a "quoted" \\ back\\slash', "nul \x00 and \x1b escape", '""" triple', "'single'", "line\nbreak",
              float("nan"), float("inf"), -float("inf"), 2**70, None, True]
    source = module_source('Title with """ and \\ and \x00', [("values", values)])
    namespace: dict = {}
    exec(compile(source, "<generated>", "exec"), namespace)  # noqa: S102 - the code under test
    got = namespace["values"]
    assert got[:5] == values[:5] and got[6:] == values[6:] and got[5] != got[5]  # NaN is NaN
    assert namespace["__doc__"] == 'Title with """ and \\ and \x00'


def test_a_dashboard_v2_export_imports_builds_and_round_trips(tmp_path: Path) -> None:
    # Grafana 13's default export (elements + layout), converted to v1 by gdash.migration first
    export = Path(__file__).resolve().parents[1] / "migration" / "corpus" / "v2-dashboard.json"
    imported = import_dashboard(json.loads(export.read_text()), location=Location(export.name))
    generated = dashboard_file(imported, tmp_path / "checkout_v2.py", export.name)
    assert generated.lost == []
    assert generated.panels >= 4 and "templating" not in generated.source and "elements" not in generated.source
    assert "Row(" in generated.source and "query_var(" in generated.source
