"""The checks experts expect (issue 13 §3): several failing and several passing cases per rule."""
from __future__ import annotations

import pytest

from gdash.errors import Location
from gdash.lint.config import LintConfig
from gdash.lint.engine import lint_files, lint_query, lint_targets
from gdash.lint.gotemplate import TemplateError, check_template
from gdash.lint.sources import AlertTarget, DashboardTarget, QuerySpec, Targets

# code -> (language, origin, [flagged...], [clean...])
QUERY_DEPTH = {
    "PQL012": ("promql", "alert", [
        "sum by (job, instance) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m]))",
        "sum by (job) (a) and sum by (job, le) (b)",
        "sum by (job) (a) * on (instance) group_left sum by (instance, node) (b)",
        "sum by (job) (a) / on (job) sum(b)",
    ], [
        "sum by (job) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m]))",
        "sum by (job) (a) / ignoring (instance) sum by (job, instance) (b)",
        "sum by (job) (a) or sum by (job, le) (b)", "sum(a) / sum(b)", "sum by (job) (a) / scalar(sum(b))",
        "sum by (instance) (a) * on (instance) group_left (node) node_info",
    ]),
    "PQL013": ("promql", "panel", [
        'up{job="api", job="web"}', 'up{job="api", job!="api"}', 'up{job="api", job=~"w.*"}', 'up{job="a", job!~"a|b"}',
    ], ['up{job="api", job=~"a.*"}', 'up{job=~"api|web"}', 'up{job="$job", job="api"}', 'up{job="a"} or up{job="b"}']),
    "PQL014": ("promql", "alert", ["x == NaN", "x != NaN", "(x) > nan"], ["x == x", "x > 0", "x != 1"]),
    "PQL015": ("promql", "alert", ["rate(sum(x_total)[5m:])", "increase(sum by (job) (x_total)[1h:5m])",
                                   "irate(max(x_total)[5m:])"],
               ["rate(x_total[5m:])", "sum(rate(x_total[5m]))", "max_over_time(sum(x)[1h:])"]),
    "PQL016": ("promql", "alert", ["delta(http_requests_total[5m])", "deriv(node_vmstat_pgmajfault[5m])",
                                   "predict_linear(errors_total[1h], 3600)"],
               ["delta(node_load1[5m])", "deriv(node_filesystem_avail_bytes[1h])", "delta(myapp_unknown[5m])",
                "increase(http_requests_total[5m])"]),
    "PQL017": ("promql", "panel", ['up{path=~".*"}', 'up{a="b", path=~"(.*)"}'],
               ['up{path=~".+"}', 'up{path=~"/api.*"}', 'up{path!~".*"}']),
    "LQL010": ("logql", "panel", ['sum(count_over_time({app="a"}[5m]))', 'rate({app="a"} |= "x" [1m])',
                                  'sum by (level) (bytes_over_time({app="a"} | logfmt [10m]))'],
               ['sum(count_over_time({app="a"}[$__auto]))', 'rate({app="a"}[$__interval])', '{app="a"} |= "x"']),
    "LQL011": ("logql", "panel", ['{app="a"} |~ "(abc"', '{app="a"} !~ "[a-"', '{app="a"} |~ "ok" or "(x"'],
               ['{app="a"} |~ "a|b"', '{app="a"} |~ "$filter"', '{app="a"} |= "(abc"']),
}


@pytest.mark.parametrize("code", sorted(QUERY_DEPTH))
def test_query_depth_rules(code):
    language, origin, flagged, clean = QUERY_DEPTH[code]
    for query in flagged:
        assert code in {f.code for f in lint_query(language, query, origin=origin)}, query
    for query in clean:
        assert code not in {f.code for f in lint_query(language, query, origin=origin)}, query


def test_lql010_ignores_alert_rules():
    assert "LQL010" not in {f.code for f in lint_query("logql", 'sum(count_over_time({app="a"}[5m])) > 1', origin="alert")}


def _alert(expr="up == 0", *, name="A", for_="5m", labels=None, annotations=None, kind="prometheus",
           group_interval=None, keep=None, same=()):
    target = AlertTarget(name, kind, Location("r.yaml", 3), for_, labels or {},
                         annotations if annotations is not None else {"summary": "s", "runbook_url": "u"},
                         [QuerySpec(None, "promql", expr, 4)])
    target.group, target.group_interval, target.keep_firing_for, target.same_name_lines = "g", group_interval, keep, same
    return target


def _codes(target) -> set[str]:
    return {f.code for f in lint_targets(Targets([], [target]), LintConfig())}


ALERT_DEPTH = {
    "ALR006": ([dict(expr="rate(errors_total[5m]) > bool 0.1"), dict(expr="(up == bool 0)"),
                dict(expr="a > bool 1 or b > 2")],
               [dict(expr="sum(up == bool 0) > 2"), dict(expr="rate(errors_total[5m]) > 0.1"),
                dict(expr="count(x > bool 1) > 0")]),
    "ALR007": ([dict(expr="irate(errors_total[5m]) > 10"), dict(expr="topk(3, rate(errors_total[5m])) > 1"),
                dict(expr="bottomk(1, up) == 0")],
               [dict(expr="rate(errors_total[5m]) > 10"),
                dict(expr="x * on (pod) group_left (owner) topk by (pod) (1, kube_pod_owner) > 0")]),
    "ALR008": ([dict(annotations={"summary": "{{ $labels.instance }"}),
                dict(annotations={"summary": "{{ if gt $value 1.0 }}high"}),
                dict(annotations={"description": "{{ $label.instance }}"}),
                dict(labels={"team": "{{ humanise $value }}"}), dict(annotations={"summary": '{{ "open }}'})],
               [dict(annotations={"summary": "{{ $labels.instance }} at {{ $value | humanizePercentage }}"}),
                dict(annotations={"summary": '{{ with query "up" }}{{ . | first | value }}{{ end }}'}),
                dict(annotations={"summary": "{{ $values.B.Value }}"}, kind="grafana"),
                dict(annotations={"summary": "{{ myGrafanaFunc $value }}"}, kind="grafana")]),
    "ALR009": ([dict(labels={"current": "{{ $value }}"}), dict(labels={"v": "{{ $value | humanize }}"}),
                dict(labels={"v": "{{ .Value }}"})],
               [dict(labels={"severity": "warning"}), dict(annotations={"summary": "{{ $value }}"}),
                dict(labels={"instance": "{{ $labels.instance }}"})]),
    "ALR010": ([dict(same=(9,)), dict(same=(9, 20))], [dict(), dict(same=())]),
    "ALR011": ([dict(for_="5min"), dict(for_="300"), dict(for_="1m30"), dict(group_interval="1 m"),
                dict(keep="soon")],
               [dict(for_="5m"), dict(for_="1h30m"), dict(for_="0"), dict(group_interval="30s"), dict(keep="10m")]),
    "ALR013": ([dict(expr='absent(sum by (job) (up{job="api"}))', annotations={"summary": "{{ $labels.job }}"}),
                dict(expr='absent(up{job="api"})', annotations={"summary": "{{ $labels.instance }}"}),
                dict(expr='absent(up{job=~"api"})', labels={"team": "{{ $labels.job }}"}),
                dict(expr='absent_over_time(up{job=~"a.*"}[5m])', annotations={"summary": "{{ $labels.job }}"})],
               [dict(expr='absent(up{job="api"})', annotations={"summary": "{{ $labels.job }} is gone"}),
                dict(expr='absent_over_time(up{job="api", env="prod"}[5m])', annotations={"summary": "{{ $labels.env }}"}),
                dict(expr="absent(up)", annotations={"summary": "no up series"}),
                dict(expr="up == 0", annotations={"summary": "{{ $labels.instance }}"})]),
    "ALR012": ([dict(for_="1m", group_interval="5m"), dict(for_="30s", group_interval="1m")],
               [dict(for_="5m", group_interval="5m"), dict(for_="0m", group_interval="5m"), dict(for_="1m")]),
}


@pytest.mark.parametrize("code", sorted(ALERT_DEPTH))
def test_alert_depth_rules(code):
    flagged, clean = ALERT_DEPTH[code]
    for case in flagged:
        assert code in _codes(_alert(**case)), case
    for case in clean:
        assert code not in _codes(_alert(**case)), case


def test_duplicate_alert_names_come_from_the_rule_file(tmp_path):
    (tmp_path / "r.yaml").write_text(
        "groups:\n  - name: g\n    rules:\n"
        "      - alert: High\n        expr: x > 1\n        for: 5m\n        labels: {severity: warning}\n"
        "      - alert: High\n        expr: x > 2\n        for: 5m\n        labels: {severity: critical}\n"
        "      - alert: Low\n        expr: x < 1\n        for: 5m\n"
        "      - alert: Low\n        expr: x < 0\n        for: 5m\n"
        "      - record: job:x:sum\n        expr: sum by (job) (x{a=\"1\"})\n"
        "      - record: job:x:sum\n        expr: sum by (job) (x{a=\"2\"})\n")
    found = {(f.code, f.line) for f in lint_files([tmp_path], LintConfig(), root=tmp_path) if f.code == "ALR010"}
    assert found == {("ALR010", 12), ("ALR010", 15)}  # the Low twins; severity twins and recording rules are fine


@pytest.mark.parametrize("text", ["{{ end }}", "{{ else }}", "{{ range $x }}{{ break }}", "{{ break }}", "{{ }}",
                                  "{{ define x }}{{ end }}", "{{ (a }}", "{{ a) }}"])
def test_template_checker_rejects(text):
    with pytest.raises(TemplateError):
        check_template(text, functions=None)


def _dashboard(**model) -> DashboardTarget:
    base = {"uid": "d", "title": "D", "panels": [], "templating": {"list": []}}
    base.update(model)
    return DashboardTarget(base, Location("d.json"))


def _panel(expr="up", title="P", unit="s", **extra):
    panel = {"id": 1, "type": "timeseries", "title": title, "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "fieldConfig": {"defaults": {"unit": unit}}, "targets": [{"refId": "A", "expr": expr}]}
    panel.update(extra)
    return panel


def _dash_codes(*dashboards) -> set[str]:
    return {f.code for f in lint_targets(Targets(list(dashboards), []), LintConfig())}


def _var(name, query="label_values(up, job)", refresh=2, kind="query"):
    return {"name": name, "type": kind, "query": query, "refresh": refresh}


def test_dsh016_undefined_variables():
    job = {"list": [_var("job")]}
    for bad in [_panel('up{job="$jbo"}'), _panel('up{job="${jbo}"}'), _panel("up", title="Latency on $jbo"),
                _panel('up{job="[[jbo]]"}')]:
        assert "DSH016" in _dash_codes(_dashboard(templating=job, panels=[bad])), bad
    for good in [_panel('up{job="$job"}'), _panel("rate(x[$__rate_interval])"), _panel('up{job=~"${job:regex}"}'),
                 _panel('label_replace(up, "a", "$1", "b", "(.*)")')]:
        assert "DSH016" not in _dash_codes(_dashboard(templating=job, panels=[good])), good
    inputs = [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}]
    assert "DSH016" not in _dash_codes(_dashboard(__inputs=inputs, panels=[_panel("up", title="${DS_PROMETHEUS}")]))


def test_dsh017_unknown_units():
    for bad in ["seconds", "byte", "percentage"]:
        assert "DSH017" in _dash_codes(_dashboard(panels=[_panel(unit=bad)])), bad
    legacy = {"id": 2, "type": "graph", "title": "G", "yaxes": [{"format": "milliseconds"}], "targets": []}
    assert "DSH017" in _dash_codes(_dashboard(panels=[legacy]))
    for good in ["s", "bytes", "binBps", "percentunit", "suffix:req", "reqps", "none"]:
        assert "DSH017" not in _dash_codes(_dashboard(panels=[_panel(unit=good)])), good


def test_dsh018_variable_queries():
    for bad in ['label_values(up{job="api", instance)', "label_values(up, )", "label_values(up, in-stance)",
                "query_result(sum(rate(x[5m])", "up{"]:
        assert "DSH018" in _dash_codes(_dashboard(templating={"list": [_var("v", bad)]})), bad
    for good in ['label_values(up{job="api"}, instance)', "label_values(job)", "label_names()", "metrics(node_.*)",
                 "query_result(topk(5, sum by (job) (rate(x[5m]))))", 'up{job="$job"}',
                 {"query": "label_values(up, job)", "refId": "A"}]:
        assert "DSH018" not in _dash_codes(_dashboard(templating={"list": [_var("v", good)]})), good
    loki = dict(_var("v", "{app=~\".+\"}"), datasource={"type": "loki", "uid": "l"})
    assert "DSH018" not in _dash_codes(_dashboard(templating={"list": [loki]}))


def test_dsh019_duplicate_titles_in_one_folder():
    a, b = _dashboard(uid="a", title="API"), _dashboard(uid="b", title="api")
    a.folder = b.folder = "Backend"
    assert "DSH019" in _dash_codes(a, b)
    c = _dashboard(uid="c", title="API")
    c.folder = "Frontend"
    a2 = _dashboard(uid="a", title="API")
    a2.folder = "Backend"
    assert "DSH019" not in _dash_codes(a2, c)
    same_uid = _dashboard(uid="a", title="API")
    same_uid.folder = "Backend"
    assert "DSH019" not in _dash_codes(a2, same_uid)  # one uid twice: DSH007


def test_dsh020_variable_refresh():
    for bad in (0, 1):
        assert "DSH020" in _dash_codes(_dashboard(templating={"list": [_var("v", refresh=bad)]}))
    assert "DSH020" not in _dash_codes(_dashboard(templating={"list": [_var("v", refresh=2)]}))
    assert "DSH020" not in _dash_codes(_dashboard(templating={"list": [_var("v", kind="custom", refresh=0)]}))


def test_lnt002_unknown_codes_in_ignore_comments(tmp_path):
    (tmp_path / "r.yaml").write_text(
        "groups:\n  - name: g\n    rules:\n      - alert: A  # gdash: ignore[PLQ011, ALR005]\n"
        "        expr: up == 0  # gdash: ignore[PQL]\n        for: 5m\n        annotations: {summary: s}\n")
    findings = [f for f in lint_files([tmp_path], LintConfig(), root=tmp_path) if f.code == "LNT002"]
    assert [(f.line, "PLQ011" in f.message) for f in findings] == [(4, True)]
