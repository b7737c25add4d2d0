"""Frontend panel-option migrations: the angular heatmap's options and pre-7.0 gauge/stat options."""
from __future__ import annotations

import json
from pathlib import Path

from gdash.migration import migrate
from gdash.migration.heatmap import angular_options

REAL = Path(__file__).resolve().parents[1] / "importer" / "corpus" / "real"


def _only_panel(model: dict) -> dict:
    migrated = migrate({"schemaVersion": 42, "panels": [model]}, panels=True, normalize=False)
    [panel] = migrated["panels"]
    return panel


ANGULAR_HEATMAP = {
    "id": 3,
    "type": "heatmap",
    "title": "latency",
    "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
    "dataFormat": "timeseries",
    "xBucketSize": "1m",
    "yBucketNumber": 20,
    "cards": {"cardPadding": 0, "cardRound": 3},
    "color": {"mode": "opacity", "scale": "linear", "cardColor": "#ff0000", "min": 9, "max": 1},
    "yAxis": {"show": False, "format": "ms", "decimals": 1, "min": "0", "max": None, "width": "40"},
    "reverseYBuckets": True,
    "tooltipDecimals": "2",
    "yBucketBound": "upper",
    "hideZeroBuckets": True,
    "legend": {"show": False},
    "tooltip": {"show": True, "showHistogram": True},
    "highlightCards": True,
    "xAxis": {"show": True},
}


def test_angular_heatmap_becomes_react_heatmap_options() -> None:
    panel = _only_panel(ANGULAR_HEATMAP)
    options = panel["options"]
    assert options["calculate"] is True
    assert options["calculation"] == {"xBuckets": {"mode": "size", "value": "1m"},
                                      "yBuckets": {"mode": "count", "value": "20"}}
    assert options["cellGap"] == 1 and options["cellRadius"] == 3  # padding 0 -> Grafana's minimum of 1
    assert options["color"]["mode"] == "opacity" and options["color"]["scale"] == "linear"
    assert options["color"]["fill"] == "#ff0000"
    assert (options["color"]["min"], options["color"]["max"], options["color"]["reverse"]) == (1, 9, True)
    assert options["yAxis"] == {"axisPlacement": "hidden", "reverse": True, "axisWidth": 40, "min": "0",
                                "unit": "ms", "decimals": 1}
    assert options["cellValues"] == {"decimals": 2}
    assert options["rowsFrame"] == {"layout": "ge"}
    assert options["filterValues"] == {"le": 1e-9}
    assert options["legend"] == {"show": False}
    assert options["tooltip"] == {"show": True, "yHistogram": True}
    for key in ("cards", "color", "dataFormat", "yAxis", "xBucketSize", "legend", "tooltip", "xAxis"):
        assert key not in panel  # the angular keys are gone
    assert panel["gridPos"] == ANGULAR_HEATMAP["gridPos"] and panel["title"] == "latency"


def test_heatmap_buckets_log_scale_and_spectrum_scheme() -> None:
    panel = _only_panel({
        "type": "heatmap",
        "yAxis": {"logBase": 2, "splitFactor": 3},
        "color": {"mode": "spectrum", "colorScheme": "interpolateRdYlGn"},
    })
    options = panel["options"]
    assert options["calculation"]["yBuckets"] == {"mode": "count", "value": "3", "scale": {"type": "log", "log": 2}}
    assert options["color"]["scheme"] == "RdYlGn" and options["color"]["mode"] == "scheme"
    assert options["cellGap"] == 2 and "filterValues" not in options


def test_pre_bucketed_heatmap_does_not_calculate() -> None:
    options = _only_panel({"type": "heatmap", "dataFormat": "tsbuckets", "xBucketSize": 10})["options"]
    assert options["calculate"] is False and options["calculation"] == {}


def test_heatmap_with_react_options_keeps_them_and_loses_dead_angular_keys() -> None:
    react = {"calculate": False, "color": {"mode": "scheme", "scheme": "Blues"}}
    panel = _only_panel({"type": "heatmap", "options": react, "cards": {}, "color": {"mode": "opacity"}})
    assert panel["options"] == react and "cards" not in panel and "color" not in panel


def test_heatmap_options_match_what_grafana_saved_in_a_real_dashboard() -> None:
    # the caddy dashboard (corpus/real) was saved by Grafana 10.2 with both shapes side by side
    model = json.loads((REAL / "jsonnet-libs-caddy-overview.json").read_text())
    [heatmap] = [p for p in model["panels"] if p.get("type") == "heatmap"]
    assert angular_options(heatmap) == heatmap["options"]


def test_react_heatmap_without_angular_keys_is_left_alone() -> None:
    panel = {"type": "heatmap", "title": "new", "options": {}}
    assert _only_panel(panel) == panel


OLD_GAUGE = {
    "type": "gauge",
    "title": "temp",
    "pluginVersion": "6.7.3",
    "options": {
        "orientation": "auto",
        "showThresholdMarkers": True,
        "fieldOptions": {
            "calcs": ["max"],
            "values": False,
            "limit": 5,
            "defaults": {"unit": "percent", "title": "Temperature",
                         "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None}]}},
            "overrides": [{"matcher": {"id": "byName", "options": "a"}, "properties": []}],
        },
    },
}


def test_gauge_field_options_move_to_field_config_and_reduce_options() -> None:
    panel = _only_panel(OLD_GAUGE)
    assert panel["options"] == {"orientation": "auto", "showThresholdMarkers": True,
                                "reduceOptions": {"calcs": ["max"], "values": False, "limit": 5}}
    defaults = panel["fieldConfig"]["defaults"]
    assert defaults["unit"] == "percent" and (defaults["min"], defaults["max"]) == (0, 100)  # < 8.0
    assert defaults["displayName"] == "Temperature" and "title" not in defaults  # < 7.1
    assert defaults["thresholds"]["steps"] == [{"color": "green", "value": None}]
    assert panel["fieldConfig"]["overrides"] == OLD_GAUGE["options"]["fieldOptions"]["overrides"]


def test_stat_value_options_of_grafana_6_1() -> None:
    panel = _only_panel({
        "type": "stat",
        "options": {
            "valueOptions": {"unit": "bytes", "decimals": 2, "stat": "avg"},
            "minValue": 1,
            "maxValue": 9,
            "thresholds": [{"index": 1, "value": 50, "color": "red"}, {"index": 0, "value": None, "color": "green"}],
            "valueMappings": [{"id": 0, "type": 1, "value": "1", "text": "one"}],
        },
    })
    assert panel["options"] == {"reduceOptions": {"calcs": ["mean"]}}
    defaults = panel["fieldConfig"]["defaults"]
    # Grafana's chain moves the root thresholds list as it is (index kept, not sorted) and makes
    # its first step -Infinity; thresholds bring the threshold colour mode
    assert defaults == {"unit": "bytes", "decimals": 2, "min": 1, "max": 9, "color": {"mode": "thresholds"},
                        "mappings": [{"id": 0, "type": 1, "value": "1", "text": "one"}],
                        "thresholds": {"mode": "absolute", "steps": [{"index": 1, "value": None, "color": "red"},
                                                                     {"index": 0, "value": None, "color": "green"}]}}


def test_gauge_of_grafana_6_5_gets_threshold_steps_and_a_fixed_colour() -> None:
    panel = _only_panel({
        "type": "bargauge",
        "pluginVersion": "6.5.0",
        "options": {"fieldOptions": {"defaults": {"color": "#abcdef"},
                                     "thresholds": [{"color": "green", "value": None}], "override": {}}},
    })
    defaults = panel["fieldConfig"]["defaults"]
    assert defaults["color"] == {"mode": "fixed", "fixedColor": "#abcdef"}
    assert defaults["thresholds"] == {"mode": "absolute", "steps": [{"color": "green", "value": None}]}
    assert panel["fieldConfig"]["overrides"] == [] and "fieldOptions" not in panel["options"]


def test_modern_gauge_is_untouched() -> None:
    panel = {"type": "gauge", "options": {"reduceOptions": {"calcs": ["last"]}},
             "fieldConfig": {"defaults": {"unit": "percent"}, "overrides": []}}
    assert _only_panel(panel) == panel


def test_gauge_of_grafana_6_2_moves_root_thresholds_and_mappings_into_the_field() -> None:
    panel = _only_panel({
        "type": "gauge",
        "pluginVersion": "6.2.0",
        "options": {
            "thresholds": [{"index": 1, "value": 80, "color": "red"}, {"index": 0, "value": 5, "color": "green"}],
            "fieldOptions": {"calcs": ["last"], "mappings": [{"type": 1, "value": "0", "text": "off"}]},
        },
    })
    defaults = panel["fieldConfig"]["defaults"]
    assert defaults["thresholds"] == {"mode": "absolute", "steps": [{"value": None, "color": "green"},
                                                                    {"value": 80, "color": "red"}]}
    assert defaults["mappings"] == [{"type": 1, "value": "0", "text": "off"}]
    assert panel["options"]["reduceOptions"] == {"calcs": ["last"]} and "fieldOptions" not in panel["options"]
