"""Dashboard v2 (Grafana 13 exports) -> the v1 model gdash authors."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from gdash.errors import ConfigError
from gdash.migration import kind_of, migrate, unwrap

HERE = Path(__file__).resolve().parent
V2_API = HERE.parents[1] / ".." / "shared" / "grafana" / "apis" / "dashboard.grafana.app-v2.json"
SPEC = "com.github.grafana.grafana.apps.dashboard.pkg.apis.dashboard.v2.DashboardSpec"


def _resource() -> dict:
    return json.loads((HERE / "corpus" / "v2-dashboard.json").read_text(encoding="utf-8"))


def _any_values(node):
    """One adaptation: Grafana's generator describes free-form values (Go ``interface{}``, e.g. a
    query's ``spec`` entries or panel ``options``) as ``additionalProperties: {type: object}``; they
    hold strings and numbers too, so those become ``{}`` (any value)."""
    if isinstance(node, dict):
        return {k: ({} if k == "additionalProperties" and v == {"type": "object"} else _any_values(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_any_values(v) for v in node]
    return node


def test_the_authored_v2_dashboard_matches_grafanas_v2_openapi_schema() -> None:
    if not V2_API.exists():
        pytest.skip(f"Grafana OpenAPI descriptions absent: {V2_API}")
    api = json.loads(V2_API.read_text(encoding="utf-8"))
    schema = {"$ref": f"#/components/schemas/{SPEC}", "components": _any_values(api["components"])}
    jsonschema.validate(_resource()["spec"], schema)


def test_v2_resource_and_bare_spec_are_detected() -> None:
    resource = _resource()
    assert kind_of(unwrap(resource)) == "v2" and kind_of(unwrap(resource["spec"])) == "v2"
    assert migrate(resource["spec"])["panels"] == migrate(resource)["panels"]


def test_v2_becomes_the_v1_model() -> None:
    notes: list[str] = []
    model = migrate(_resource(), notes=notes)
    assert model["schemaVersion"] == 42 and model["uid"] == "checkout-v2" and model["title"] == "Checkout (v2)"
    assert model["graphTooltip"] == 1 and model["tags"] == ["shop", "checkout"]
    # timeSettings
    assert model["time"] == {"from": "now-3h", "to": "now"} and model["refresh"] == "1m"
    assert model["timezone"] == "utc" and model["weekStart"] == "monday"
    assert model["timepicker"] == {"refresh_intervals": ["30s", "1m", "5m"]}
    # RowsLayout of GridLayouts: rows become row panels, items sit below their row
    layout = [(p["type"], p["title"], p["gridPos"]["y"], p["gridPos"].get("x")) for p in model["panels"]]
    assert layout == [("row", "Traffic", 0, 0), ("timeseries", "Requests", 1, 0), ("stat", "Errors", 1, 16),
                      ("row", "Latency", 9, 0), ("row", "Logs", 10, 0), ("logs", "Slow requests", 11, 0)]
    latency = model["panels"][3]
    assert latency["collapsed"] is True and latency["repeat"] == "instance"
    assert [(p["title"], p["gridPos"]) for p in latency["panels"]] == [
        ("Latency p$quantile", {"x": 0, "y": 10, "w": 24, "h": 9})]
    ids = [p["id"] for p in model["panels"]] + [p["id"] for p in latency["panels"]]
    assert len(ids) == len(set(ids)) and all(i > 0 for i in ids)
    # panels: plugin, queries with {uid, type}, hidden query, mixed datasource, options, transformations
    requests, errors = model["panels"][1], model["panels"][2]
    assert requests["targets"] == [{"expr": 'sum(rate(http_requests_total{job="$job", instance=~"$instance"}'
                                            '[$__rate_interval]))', "legendFormat": "rps", "refId": "A",
                                    "datasource": {"uid": "prom-main", "type": "prometheus"}}]
    assert requests["datasource"] == {"uid": "prom-main", "type": "prometheus"} and requests["interval"] == "1m"
    assert requests["fieldConfig"]["defaults"]["unit"] == "reqps" and requests["pluginVersion"] == "13.0.0"
    assert errors["datasource"] == {"type": "mixed", "uid": "-- Mixed --"}
    assert errors["targets"][1]["hide"] is True and errors["targets"][1]["datasource"]["type"] == "loki"
    assert errors["transformations"] == [{"id": "organize", "options": {"excludeByName": {"Time": True}}}]
    assert errors["description"] == "5xx per second"
    # variables: typed kinds and string enums -> v1 types and numbers
    instance, quantile, job = model["templating"]["list"]
    assert (instance["type"], instance["refresh"], instance["sort"], instance["multi"], instance["hide"]) == \
        ("query", 2, 1, True, 0)
    assert instance["datasource"] == {"uid": "prom-main", "type": "prometheus"}
    assert instance["query"]["query"] == 'label_values(up{job="checkout"}, instance)'
    assert (quantile["type"], quantile["hide"], quantile["current"]) == ("custom", 1, {"text": "0.99", "value": "0.99"})
    assert (job["type"], job["hide"], job["query"]) == ("constant", 2, "checkout")
    # annotations: built-in flag and DataQuery datasource
    builtin, deploys = model["annotations"]["list"]
    assert builtin["builtIn"] == 1 and builtin["type"] == "dashboard"
    assert deploys["datasource"] == {"uid": "prom-main", "type": "prometheus"}
    assert deploys["target"] == {"expr": "changes(deploy_timestamp[5m]) > 0"}


def test_v2_queries_are_linted_like_v1(tmp_path) -> None:
    from gdash.lint import lint_paths
    from gdash.lint.config import LintConfig

    resource = _resource()
    query = resource["spec"]["elements"]["panel-3"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]["spec"]
    query["expr"] = "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))"
    (tmp_path / "v2.json").write_text(json.dumps(resource))
    findings = lint_paths([tmp_path / "v2.json"], LintConfig(), root=tmp_path)
    assert any(f.panel == "Latency p$quantile" and f.severity == "error" for f in findings), [str(f) for f in findings]


def test_v2_layout_naming_a_missing_element_is_one_config_error() -> None:
    resource = _resource()
    resource["spec"]["layout"]["spec"]["rows"][0]["spec"]["layout"]["spec"]["items"][0]["spec"]["element"]["name"] = "nope"
    with pytest.raises(ConfigError) as error:
        migrate(resource)
    assert "element 'nope'" in str(error.value)


def test_v2_element_reference_without_a_name_says_so() -> None:
    resource = _resource()  # e.g. {"kind": "ElementReference", "spec": {"uid": ...}}, a shape no Grafana writes
    item = resource["spec"]["layout"]["spec"]["rows"][0]["spec"]["layout"]["spec"]["items"][0]["spec"]
    item["element"] = {"kind": "ElementReference", "spec": {"uid": item["element"]["name"]}}
    with pytest.raises(ConfigError) as error:
        migrate(resource)
    assert "element reference has no name" in str(error.value) and "None" not in str(error.value)
