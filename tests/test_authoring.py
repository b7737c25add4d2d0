"""The authoring helpers: layout, datasources, variables, escape hatch, alert rules, schema errors."""
from __future__ import annotations

from pathlib import Path

from grafanalib import core

from gdash import (
    AlertGroup,
    Dashboard,
    Row,
    alert_rule,
    custom_var,
    datasource_var,
    interval_var,
    loki,
    prom,
    query_var,
    stat,
    table,
    timeseries,
)
from gdash.compile import compile_dashboard, compile_rule_group
from gdash.errors import Location
from gdash.validate import validate_dashboard

HERE = Path(__file__).resolve().parent


def _compile(board):
    return compile_dashboard(board, root=HERE, default_folder="General", fallback=Location("x.py"))


def _grid(compiled):
    return {p["title"]: (p["gridPos"]["x"], p["gridPos"]["y"], p["gridPos"]["w"], p["gridPos"]["h"])
            for p in compiled.model["panels"]}


def test_panels_flow_on_the_24_column_grid_and_rows_start_new_lines():
    board = Dashboard("d", uid="d", rows=[
        Row("r1", stat("s1", prom("up")), stat("s2", prom("up")), timeseries("t1", prom("up")),
            timeseries("t2", prom("up"))),
        Row("r2", table("tab", prom("up"))),
    ])
    grid = _grid(_compile(board))
    assert grid["r1"] == (0, 0, 24, 1)
    assert grid["s1"] == (0, 1, 6, 4) and grid["s2"] == (6, 1, 6, 4) and grid["t1"] == (12, 1, 12, 8)
    assert grid["t2"] == (0, 9, 12, 8)  # wrapped below the tallest panel of the line
    assert grid["r2"] == (0, 17, 24, 1) and grid["tab"] == (0, 18, 24, 8)


def test_collapsed_row_keeps_its_panels_inside_with_ids():
    board = Dashboard("d", uid="d", rows=[Row("r", timeseries("t", prom("up")), collapsed=True), Row("next")])
    model = _compile(board).model
    row = model["panels"][0]
    assert row["collapsed"] is True and [p["title"] for p in row["panels"]] == ["t"]
    assert row["panels"][0]["id"] == 2 and model["panels"][1]["id"] == 3
    assert row["panels"][0]["gridPos"]["y"] == 1  # placed as it will be when expanded
    assert model["panels"][1]["gridPos"]["y"] == 1  # the next row sits right below the collapsed one


def test_explicit_size_is_respected():
    board = Dashboard("d", uid="d", panels=[timeseries("wide", prom("up"), w=24, h=5), stat("s", prom("up"), w=3)])
    grid = _grid(_compile(board))
    assert grid["wide"] == (0, 0, 24, 5) and grid["s"] == (0, 5, 3, 4)


def test_queries_default_to_the_datasource_variable_of_their_type():
    board = Dashboard("d", uid="d", variables=[datasource_var("prometheus", "prom"), datasource_var("loki", "logs")],
                      panels=[timeseries("p", prom("up"), loki('sum(rate({job="x"}[$__auto]))'))])
    panel = _compile(board).model["panels"][0]
    assert [t["datasource"] for t in panel["targets"]] == [
        {"type": "prometheus", "uid": "${prom}"}, {"type": "loki", "uid": "${logs}"}]
    assert panel["datasource"] == {"type": "datasource", "uid": "-- Mixed --"}
    assert [t["refId"] for t in panel["targets"]] == ["A", "B"]


def test_logical_datasource_names_become_portable_uids():
    board = Dashboard("d", uid="d", panels=[timeseries("p", prom("up", datasource="thanos"))])
    panel = _compile(board).model["panels"][0]
    assert panel["targets"][0]["datasource"] == {"type": "prometheus", "uid": "gdash:thanos"}
    assert panel["datasource"] == panel["targets"][0]["datasource"]


def test_without_a_variable_queries_use_the_logical_name_of_their_type():
    board = Dashboard("d", uid="d", panels=[timeseries("p", prom("up"))])
    assert _compile(board).model["panels"][0]["targets"][0]["datasource"]["uid"] == "gdash:prometheus"


def test_variables_have_current_model_defaults():
    board = Dashboard("d", uid="d", variables=[
        datasource_var(), query_var("job", "label_values(up, job)"),
        custom_var("env", ["prod", "staging"]), interval_var()])
    variables = {v["name"]: v for v in _compile(board).model["templating"]["list"]}
    assert variables["job"]["refresh"] == 2 and variables["job"]["sort"] == 1
    assert variables["job"]["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    assert variables["env"]["current"] == {"selected": True, "text": "prod", "value": "prod"}
    assert [o["value"] for o in variables["env"]["options"]] == ["prod", "staging"]
    assert variables["interval"]["auto"] is True


def test_extra_escape_hatch_wins_over_cleanup():
    board = Dashboard("d", uid="d", panels=[
        timeseries("p", prom("up"), extra={"maxDataPoints": 500, "options": {"legend": {"showLegend": False}}})])
    panel = _compile(board).model["panels"][0]
    assert panel["maxDataPoints"] == 500
    assert panel["options"]["legend"]["showLegend"] is False and panel["options"]["legend"]["displayMode"] == "list"


def test_plain_grafanalib_dashboards_are_modernised():
    board = core.Dashboard(title="legacy", uid="legacy", panels=[
        core.Stat(title="s", targets=[core.Target(expr="up", refId="A")], gridPos=core.GridPos(h=4, w=6, x=0, y=0))])
    compiled = _compile(board)
    assert compiled.model["schemaVersion"] == 42 and "rows" not in compiled.model
    panel = compiled.model["panels"][0]
    assert "span" not in panel and "maxDataPoints" not in panel
    assert panel["fieldConfig"]["defaults"]["thresholds"]["steps"][0] == {"color": "green", "value": None}
    assert validate_dashboard(compiled) == []


def test_schema_error_names_dashboard_panel_and_path():
    board = Dashboard("Broken", uid="broken", panels=[
        timeseries("fine", prom("up")), timeseries("bad one", prom("up"), extra={"gridPos": {"w": 30}})])
    problems = validate_dashboard(_compile(board))
    assert len(problems) == 1
    text = str(problems[0])
    assert "dashboard 'Broken', panel 'bad one'" in text and "$.panels[1].gridPos.w" in text
    assert "30 is greater than the maximum of 24" in text
    assert problems[0].location.path.endswith("test_authoring.py")


def test_alert_rule_compiles_to_the_provisioning_pipeline():
    group = AlertGroup("g", alert_rule("HighCPUUsage", "cpu_percent", threshold=80, severity="warning", team="t",
                                       summary="s", description="d", runbook_url="https://r"), folder="F")
    compiled = compile_rule_group(group, root=HERE, fallback=Location("x.py"))
    rule = compiled.rules[0]
    assert rule["uid"] == "high-cpu-usage" and rule["condition"] == "C" and rule["for"] == "5m"
    assert [q["refId"] for q in rule["data"]] == ["A", "B", "C"]
    assert rule["data"][0]["datasourceUid"] == "gdash:prometheus" and rule["data"][0]["model"]["instant"] is True
    assert rule["data"][1]["model"] == {"refId": "B", "type": "reduce", "expression": "A", "reducer": "last",
                                        "datasource": {"type": "__expr__", "uid": "__expr__"}}
    assert rule["data"][2]["model"]["expression"] == "$B > 80"
    assert rule["noDataState"] == "NoData" and rule["execErrState"] == "Error"
    assert compiled.rule_locations["high-cpu-usage"].path.endswith("test_authoring.py")


def test_fast_schema_check_agrees_with_jsonschema_on_valid_and_broken_models():
    import copy
    import random

    from gdash.project import load_project
    from gdash.schemas import validator
    from gdash.validate.validator import is_valid_dashboard_model

    models = [d.model for d in load_project(HERE.parent).dashboards]
    rng = random.Random(7)
    breakages = [None, 30, -1, "x", {}, [], True, 1.5]
    checked = {True: 0, False: 0}
    for _ in range(300):
        model = copy.deepcopy(rng.choice(models))
        places = []  # every (container, key) in the model: break one of them

        def collect(node, places=places):
            for key, child in (node.items() if isinstance(node, dict) else enumerate(node)):
                places.append((node, key))
                if isinstance(child, (dict, list)):
                    collect(child, places)

        collect(model)
        node, key = rng.choice(places)
        node[key] = rng.choice(breakages)
        expected = not list(validator("dashboard.schema.json").iter_errors(model))
        assert is_valid_dashboard_model(model) == expected, (key, node)
        checked[expected] += 1
    assert checked[True] and checked[False]
