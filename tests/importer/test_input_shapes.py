"""gdash import checks the shape of what it reads before walking it (importer/schemas/input.schema.json)."""
from __future__ import annotations

import json

import pytest

from gdash.errors import ConfigError
from gdash.importer import import_paths

PANEL = {"type": "timeseries", "title": "p", "targets": [{"expr": "up", "refId": "A"}]}


@pytest.mark.parametrize("document,path", [
    ({"title": "d", "panels": [PANEL, "not a panel"]}, "panels[1]: expected a mapping, got \"not a panel\""),
    ({"title": "d", "panels": [{**PANEL, "targets": "up"}]}, "panels[0].targets: expected a list"),
    ({"title": "d", "panels": [{**PANEL, "fieldConfig": {"defaults": {"custom": {"stacking": "normal"}}}}]},
     "panels[0].fieldConfig.defaults.custom.stacking: expected a mapping"),
    ({"dashboard": {"title": "d", "templating": {"list": [{"type": "datasource", "query": {}}]}}, "meta": {}},
     "dashboard.templating.list[0]"),
    ({"title": "d", "panels": [{"type": "row", "panels": [{"gridPos": {"w": "wide"}}]}]},
     "panels[0].panels[0].gridPos.w: expected a whole number"),
])
def test_a_dashboard_of_the_wrong_shape_is_one_line(tmp_path, document, path):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document))
    with pytest.raises(ConfigError) as error:
        import_paths([source], dashboards_dir=tmp_path / "d", alerts_dir=tmp_path / "a")
    assert error.value.one_line().startswith("in.json: not a dashboard gdash can read: " + path), error.value.one_line()
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("document,message", [
    ({"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up", "labels": [1]}]}]},
     "not a Prometheus rule file gdash can read: groups[0].rules[0].labels: expected a mapping"),
    ({"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up"}, {"expr": "x"}]}]},
     "groups[0].rules[1]"),
    ({"groups": [{"name": "g", "rules": [{"title": "t", "data": "x"}]}]},
     "not a Grafana alert rules document gdash can read: groups[0].rules[0].data: expected a list"),
])
def test_rules_of_the_wrong_shape_are_one_line(tmp_path, document, message):
    source = tmp_path / "rules.json"
    source.write_text(json.dumps(document))
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        import_paths([source], dashboards_dir=tmp_path / "d", alerts_dir=tmp_path / "a")


def test_extra_may_replace_a_dict_with_a_value():
    # grafanalib 0.7's own merge recursed into the dict and failed; gdash's rule: the value replaces it
    from gdash import prom, timeseries
    from gdash.grafanalib_ext import to_json

    panel = to_json(timeseries("t", prom("up"), extra={"fieldConfig": {"defaults": "x"}, "options": {"legend": None}}))
    assert panel["fieldConfig"]["defaults"] == "x" and panel["options"]["legend"] is None
