"""gdash import checks the shape of rule documents before walking them (importer/schemas/input.schema.json)."""
from __future__ import annotations

import json

import pytest

from gdash.errors import ConfigError
from gdash.importer import import_paths


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
    from grafanalib import core

    from gdash import prom, timeseries
    from gdash.grafanalib_ext import modern_panel, to_json

    panel = modern_panel(timeseries("t", prom("up"), extra={"fieldConfig": {"defaults": "x"}}))
    assert panel["fieldConfig"]["defaults"] == "x"
    panel = to_json(core.TimeSeries(title="t", extraJson={"fieldConfig": {"defaults": "x"}}))  # grafanalib's merge
    assert panel["fieldConfig"]["defaults"] == "x"
