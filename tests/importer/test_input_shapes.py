"""gdash import checks the shape of what it reads before walking it (gdash/importer/shape.py, one
schema gdash/schemas/import-input.schema.json for dashboards and rule documents)."""
from __future__ import annotations

import json

import pytest

from gdash.errors import ConfigError
from gdash.importer import import_paths

_PANEL = {"type": "timeseries", "title": "p", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}}
_RULES_HINT, _DASHBOARD_HINT = "promtool check rules", "Share > Export"


@pytest.mark.parametrize("document,message,hint", [
    ({"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up", "labels": [1]}]}]},
     "$.groups[0].rules[0].labels: expected an object, got a list (not a Prometheus rule file gdash can read)",
     _RULES_HINT),
    ({"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up"}, {"expr": "x"}]}]},
     "$.groups[0].rules[1]", _RULES_HINT),
    ({"groups": [{"name": "g", "rules": [{"title": "t", "data": "x"}]}]},
     '$.groups[0].rules[0].data: expected a list, got a string ("x") (not a Grafana alert rules document gdash',
     "Alerting > Alert rules > Export"),
    ({"title": "t", "panels": [{**_PANEL, "targets": ["up"]}]},
     '$.panels[0].targets[0]: expected an object, got a string ("up") (not a Grafana dashboard', _DASHBOARD_HINT),
    ({"title": "t", "panels": [{**_PANEL, "gridPos": {"x": True}}]}, "$.panels[0].gridPos.x: expected a number or a string",
     _DASHBOARD_HINT),
    ({"title": "t", "panels": [{"type": "row", "panels": [{**_PANEL, "fieldConfig": {"defaults": {"unit": 3}}}]}]},
     "$.panels[0].panels[0].fieldConfig.defaults.unit: expected a string, got a number (3)", _DASHBOARD_HINT),
    ({"title": "t", "uid": "a b", "panels": []},
     '$.uid: "a b" is not a dashboard uid Grafana accepts (1 to 40 of A-Z a-z 0-9 _ -)', _DASHBOARD_HINT),
    ({"title": "t", "templating": {"list": [{"type": "custom"}]}},
     "$.templating.list[0].name: missing: every variable has a name and a type", _DASHBOARD_HINT),
    ({"title": "t", "templating": {"list": [{"name": "", "type": "custom"}]}},
     "$.templating.list[0].name: missing: every variable has a name and a type", _DASHBOARD_HINT),
    ({"title": "t", "templating": {"list": [{"name": "ds", "type": "datasource"}]}},
     "$.templating.list[0].query: missing: a datasource variable names its type here", _DASHBOARD_HINT),
    ({"title": "t", "tags": ["a", 1]}, "$.tags[1]: expected a string, got a number (1)", _DASHBOARD_HINT),
    ({"title": "t", "panels": [_PANEL] * 5001}, "$.panels: more than 5000 panels", _DASHBOARD_HINT),
])
def test_input_of_the_wrong_shape_is_one_line_with_file_path_what_and_fix(tmp_path, document, message, hint):
    source = tmp_path / "input.json"
    source.write_text(json.dumps(document))
    with pytest.raises(ConfigError) as error:
        import_paths([source], dashboards_dir=tmp_path / "d", alerts_dir=tmp_path / "a")
    assert message in str(error.value) and str(error.value).startswith(f"{source.name}: $.")
    assert hint in (error.value.hint or "") and "\n" not in str(error.value)
    assert not (tmp_path / "d").exists() and not (tmp_path / "a").exists()


def test_null_is_unset_in_a_dashboard(tmp_path):
    source = tmp_path / "dash.json"
    source.write_text(json.dumps({"title": "t", "uid": None, "tags": None, "links": None,
                                  "panels": [{**_PANEL, "targets": None, "options": None, "links": [None]}]}))
    import_paths([source], dashboards_dir=tmp_path / "d", alerts_dir=tmp_path / "a")
    assert list((tmp_path / "d").iterdir())
    # but not an item of a list the importer walks
    source.write_text(json.dumps({"title": "t", "templating": {"list": [None]}}))
    with pytest.raises(ConfigError, match=r"\$\.templating\.list\[0\]: expected an object, got null"):
        import_paths([source], dashboards_dir=tmp_path / "d2", alerts_dir=tmp_path / "a")


def test_extra_may_replace_a_dict_with_a_value():
    # grafanalib 0.7's own merge recursed into the dict and failed; gdash's rule: the value replaces it
    from grafanalib import core

    from gdash import prom, timeseries
    from gdash.grafanalib_ext import modern_panel, to_json

    panel = modern_panel(timeseries("t", prom("up"), extra={"fieldConfig": {"defaults": "x"}}))
    assert panel["fieldConfig"]["defaults"] == "x"
    panel = to_json(core.TimeSeries(title="t", extraJson={"fieldConfig": {"defaults": "x"}}))  # grafanalib's merge
    assert panel["fieldConfig"]["defaults"] == "x"
