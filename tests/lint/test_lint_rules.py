"""Every rule in the catalog: one query/dashboard/alert that must be flagged, one that must not."""
from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from gdash.errors import Location
from gdash.lint.config import LintConfig
from gdash.lint.context import Settings
from gdash.lint.engine import lint_query, lint_targets
from gdash.lint.rules import RULES
from gdash.lint.sources import AlertTarget, DashboardTarget, QuerySpec, Targets

SCRAPE_30S = LintConfig(settings=Settings(scrape_interval=timedelta(seconds=30)))

# code -> (language, origin, flagged query, clean query)
QUERY_CASES = {
    "PQL001": ("promql", "panel", "sum(rate(http_requests_total[$__rate_interval])", "sum(rate(http_requests_total[$__rate_interval]))"),
    "PQL002": ("promql", "panel", "rate(node_memory_MemFree_bytes[$__rate_interval])", "rate(node_cpu_seconds_total[$__rate_interval])"),
    "PQL003": ("promql", "panel", 'sum(http_requests_total{job="api"})', 'sum(rate(http_requests_total{job="api"}[$__rate_interval]))'),
    "PQL004": ("promql", "alert", "histogram_quantile(0.9, sum by (job) (rate(x_seconds_bucket[5m])))",
               "histogram_quantile(0.9, sum by (le, job) (rate(x_seconds_bucket[5m])))"),
    "PQL005": ("promql", "alert", "histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))",
               "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"),
    "PQL006": ("promql", "alert", "histogram_quantile(0.9, sum by (le) (rate(x_seconds_sum[5m])))",
               "histogram_quantile(0.9, sum by (le) (rate(x_seconds_bucket[5m])))"),
    "PQL007": ("promql", "alert", "rate(http_requests_total[45s])", "rate(http_requests_total[2m])"),
    "PQL008": ("promql", "panel", 'up{job=~"api"}', 'up{job=~"api|web"}'),
    "PQL009": ("promql", "panel", 'up{job=~"^api$"}', 'up{job=~"api.*"}'),
    "PQL010": ("promql", "panel", "rate(http_requests_total[$__interval])", "rate(http_requests_total[$__rate_interval])"),
    "PQL011": ("promql", "panel", "rate(http_requests_total[5m])", "increase(http_requests_total[24h])"),
    "LQL001": ("logql", "panel", '{job="api"} |= ', '{job="api"} |= "error"'),
    "LQL002": ("logql", "panel", '{job="api"} |= "" | json', '{job="api"} |= "timeout" | json'),
    "LQL003": ("logql", "panel", '{job="api"} | json |= "error"', '{job="api"} |= "error" | json'),
    "LQL004": ("logql", "panel", '{job="api"} | level="error" | logfmt', '{job="api"} | logfmt | level="error"'),
    "LQL005": ("logql", "panel", '{job="api", trace_id="abc"}', '{job="api"} |= "abc"'),
    "LQL006": ("logql", "panel", 'sum(count_over_time({job="api"}[$__range]))', 'sum(count_over_time({job="api"}[$__auto]))'),
}


def _codes(findings) -> set[str]:
    return {f.code for f in findings}


@pytest.mark.parametrize("code", sorted(QUERY_CASES))
def test_query_rule_flags_positive_and_not_negative(code):
    language, origin, flagged, clean = QUERY_CASES[code]
    config = SCRAPE_30S if code == "PQL007" else LintConfig()
    assert code in _codes(lint_query(language, flagged, origin=origin, config=config)), flagged
    assert code not in _codes(lint_query(language, clean, origin=origin, config=config)), clean


def good_dashboard() -> dict:
    """A dashboard that passes every DSH rule."""
    target = {"refId": "A", "expr": 'sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))',
              "datasource": {"type": "prometheus", "uid": "${datasource}"}}
    panel = {"id": 1, "type": "timeseries", "title": "Requests/s", "description": "Requests per second.",
             "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}, "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "fieldConfig": {"defaults": {"unit": "reqps"}}, "targets": [target]}
    second = copy.deepcopy(panel) | {"id": 2, "title": "Errors/s", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8}}
    variables = [{"name": "datasource", "type": "datasource", "query": "prometheus"},
                 {"name": "job", "type": "query", "refresh": 2}, {"name": "instance", "type": "query", "refresh": 2}]
    return {"uid": "api", "title": "API", "panels": [panel, second], "templating": {"list": variables}}


def _mutate(change):
    def build():
        model = good_dashboard()
        change(model)
        return model
    return build


def _set(path, value):
    def change(model):
        target = model
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _duplicate_uid(model):
    model["__second__"] = True  # handled by the test: lints the model twice


DASHBOARD_CASES = {
    "DSH001": _set(("templating", "list"), [{"name": "job", "type": "query"}, {"name": "instance", "type": "query"}]),
    "DSH002": lambda m: m["panels"][0].update(datasource={"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}),
    "DSH003": lambda m: m["templating"]["list"].pop(2),
    "DSH004": lambda m: m["panels"][0].update(title=""),
    "DSH005": lambda m: m["panels"][0].pop("description"),
    "DSH006": lambda m: m["panels"][0].update(fieldConfig={"defaults": {}}, targets=[
        {"refId": "A", "expr": "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[$__rate_interval])))",
         "datasource": {"type": "prometheus", "uid": "${datasource}"}}]),
    "DSH007": _duplicate_uid,
    "DSH008": lambda m: m["panels"][1].update(id=1),
    "DSH009": lambda m: m["panels"][1].update(title="Requests/s"),
    "DSH010": lambda m: m["panels"][1].update(gridPos={"x": 6, "y": 4, "w": 12, "h": 8}),
    "DSH011": lambda m: m["panels"][1].update(gridPos={"x": 18, "y": 0, "w": 12, "h": 8}),
    "DSH012": lambda m: m.update(uid="x" * 41),
    "DSH013": lambda m: m["panels"][0].update(datasource="Prometheus"),
    "DSH014": lambda m: m["panels"][0].update(targets=[]),
    "DSH015": lambda m: None,  # the wrapper is a property of the file: see the test
}


def _lint_dashboards(*targets: DashboardTarget):
    return lint_targets(Targets(list(targets), []), LintConfig())


@pytest.mark.parametrize("code", sorted(DASHBOARD_CASES))
def test_dashboard_rule_flags_positive_and_not_negative(code):
    model = _mutate(DASHBOARD_CASES[code])()
    duplicate = model.pop("__second__", False)
    targets = [DashboardTarget(model, Location("a.json"), wrapped=code == "DSH015")]
    if duplicate:
        targets.append(DashboardTarget(copy.deepcopy(model), Location("b.json")))
    flagged = _lint_dashboards(*targets)
    assert code in _codes(flagged)
    clean = _lint_dashboards(DashboardTarget(good_dashboard(), Location("a.json")))
    assert clean == []


def test_exported_dashboard_inputs_count_as_datasource_variables():
    model = good_dashboard()
    model["templating"]["list"] = model["templating"]["list"][1:]
    for panel in model["panels"]:
        panel["datasource"] = panel["targets"][0]["datasource"] = {"type": "prometheus", "uid": "${DS_PROM}"}
    assert {"DSH001", "DSH002"} <= _codes(_lint_dashboards(DashboardTarget(copy.deepcopy(model), Location("a.json"))))
    model["__inputs"] = [{"name": "DS_PROM", "type": "datasource", "pluginId": "prometheus"}]
    assert not {"DSH001", "DSH002"} & _codes(_lint_dashboards(DashboardTarget(model, Location("a.json"))))


def test_panel_findings_carry_panel_title_and_location():
    model = good_dashboard()
    model["panels"][0]["targets"][0]["expr"] = "rate(http_requests_total[5m])"
    target = DashboardTarget(model, Location("dashboards/api.py", 3), panel_locations={1: Location("dashboards/api.py", 10)},
                             target_locations={(1, "A"): Location("dashboards/api.py", 12)})
    (finding,) = _lint_dashboards(target)
    assert (finding.code, finding.path, finding.line, finding.panel, finding.ref_id, finding.dashboard) == (
        "PQL011", "dashboards/api.py", 12, "Requests/s", "A", "api")


def alert(expr: str | None = "sum by (job) (rate(errors_total[5m])) > 1", *, for_: str | None = "5m",
          annotations: dict | None = None, labels: dict | None = None, recording: bool = False) -> AlertTarget:
    annotations = {"summary": "Errors on {{ $labels.job }}", "runbook_url": "https://runbooks/x"} if annotations is None else annotations
    return AlertTarget("Errors", "prometheus", Location("rules.yaml", 4), for_, labels or {}, annotations,
                       [QuerySpec(None, "promql", expr, 5)] if expr else [], recording=recording)


ALERT_CASES = {
    "ALR001": (alert("sum by (job) (rate(errors_total[5m]))"), alert()),
    "ALR002": (alert(annotations={"summary": "{{ $labels.instance }} fails", "runbook_url": "r"}), alert()),
    "ALR003": (alert(for_=None), alert(for_="5m")),
    "ALR004": (alert(annotations={"runbook_url": "r"}), alert()),
    "ALR005": (alert(annotations={"summary": "s"}), alert()),
}


@pytest.mark.parametrize("code", sorted(ALERT_CASES))
def test_alert_rule_flags_positive_and_not_negative(code):
    flagged, clean = ALERT_CASES[code]
    assert code in _codes(lint_targets(Targets([], [flagged]), LintConfig()))
    assert lint_targets(Targets([], [clean]), LintConfig()) == []


def test_every_catalog_rule_has_cases_and_documentation():
    catalog = {code: r for code, r in RULES.items() if r.check.__module__.startswith("gdash.lint.rules.")}
    covered = set(QUERY_CASES) | set(DASHBOARD_CASES) | set(ALERT_CASES) | {"LNT001"}  # LNT001: test_lint_engine
    covered |= {"LQL007", "LQL008", "LQL009"}  # Loki ruler checks: test_lint_real_shapes
    covered |= {"PQL012", "PQL018", "PQL013", "PQL014", "PQL015", "PQL016", "PQL017", "LQL010", "LQL011", "ALR006", "ALR007",
                "ALR008", "ALR009", "ALR010", "ALR011", "ALR012", "ALR013", "DSH016", "DSH017", "DSH018", "DSH019", "DSH020",
                "LNT002"}  # test_lint_depth
    assert covered == {code for code, r in catalog.items() if not r.online}  # LIVE001: tests/promexport
    for rule in catalog.values():
        assert rule.summary and len(rule.doc.split()) >= 12, rule.code


def test_grafana_threshold_condition_counts_as_comparison():
    target = alert("sum by (job) (rate(errors_total[5m]))")
    target.kind, target.expressions = "grafana", [{"type": "threshold", "expression": "A"}]
    assert "ALR001" not in _codes(lint_targets(Targets([], [target]), LintConfig()))


def test_absent_alert_needs_no_for_or_comparison():
    codes = _codes(lint_targets(Targets([], [alert('absent(up{job="api"})', for_=None)]), LintConfig()))
    assert not {"ALR001", "ALR003"} & codes


def test_recording_rules_skip_alert_only_checks():
    target = alert("sum by (job) (rate(errors_total[5m]))", for_=None, annotations={}, recording=True)
    assert lint_targets(Targets([], [target]), LintConfig()) == []


@pytest.mark.parametrize("expr, kept", [
    ("sum without (instance) (rate(x_total[5m])) > 1", False),
    ("rate(x_total[5m]) > 1", True),
    ("sum by (instance) (rate(x_total[5m])) > 1", True),
    ("max by (job) (x) * on (job) group_left (instance) max by (job, instance) (y) > 1", True),
    ("count(up) > 1", False),
])
def test_template_label_survival(expr, kept):
    target = alert(expr, annotations={"summary": "{{ $labels.instance }}", "runbook_url": "r"})
    assert ("ALR002" in _codes(lint_targets(Targets([], [target]), LintConfig()))) is not kept


@pytest.mark.parametrize("query, flagged", [
    ('{job="api"} | level="error" | regexp `(?P<level>\\w+)`', True),
    ('{job="api"} | level="error" | regexp `(?P<other>\\w+)`', False),  # the parser does not define it
    ('{job="api"} | label_format level=lvl | level="error" | json', False),  # defined by label_format
    ('{job="api", level="error"} | level="error" | json', False),  # a stream label
    ('{job="api"} | json | level="error" | logfmt', False),  # an earlier parser may define it
])
def test_label_filter_before_parser_cases(query, flagged):
    assert ("LQL004" in _codes(lint_query("logql", query))) is flagged


def test_variables_are_not_mistaken_for_literals_or_counters():
    for query in ('up{job=~"$job"}', "rate($metric[$__rate_interval])", 'sum(${metric}{job="a"})',
                  'histogram_quantile($q, sum by (le) (rate(x_bucket[$__rate_interval])))'):
        assert lint_query("promql", query) == [], query


def test_docs_rule_table_is_current():
    from pathlib import Path

    from gdash.lint.catalog import markdown_table

    page = (Path(__file__).resolve().parents[2] / "docs" / "lint.md").read_text(encoding="utf-8")
    assert markdown_table() in page, "regenerate the table in docs/lint.md with `python -m gdash.lint.catalog`"


def test_rule_pages_render_for_every_code():
    from gdash.lint.catalog import render_rule_page, rule_codes

    assert "LNT001" in rule_codes() and rule_codes() == sorted(rule_codes())
    for code in rule_codes():
        page = render_rule_page(code)
        assert page.startswith(f"# {code}: ") and "## How to disable" in page and f"ignore[{code}]" in page
