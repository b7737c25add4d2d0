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
        "max by (pod) (a) - min by (node) (b)",
        "count by (job) (a) > bool sum by (instance) (b)",
    ], [
        "sum by (job) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m]))",
        "sum by (job) (a) / ignoring (instance) sum by (job, instance) (b)",
        "sum by (job) (a) or sum by (job, le) (b)", "sum(a) / sum(b)", "sum by (job) (a) / scalar(sum(b))",
        "sum by (job) (a) / on (job) sum by (job, instance) (b)", "sum by (job, $by) (a) / sum by (job) (b)",
    ]),
    "PQL018": ("promql", "alert", [
        "sum by (job) (a) * on (instance) group_left sum by (instance, node) (b)",
        "sum by (job) (a) / on (job) sum(b)",
        "sum by (job) (rate(errors_total[5m])) / on (instance) sum by (instance) (up)",
        "sum without (pod) (a) * on (pod) group_left b",
    ], [
        "sum by (instance) (a) * on (instance) group_left (node) node_info",
        "sum by (job, instance) (a) / on (job, instance) sum by (job, instance) (b)",
        "a * on (instance) group_left b",
        "sum without (pod) (a) * on (node) group_left b",
        "sum by (job) (a) or on (instance) b",
    ]),
    "PQL013": ("promql", "panel", [
        'up{job="api", job="web"}', 'up{job="api", job!="api"}', 'up{job="api", job=~"w.*"}', 'up{job="a", job!~"a|b"}',
    ], ['up{job="api", job=~"a.*"}', 'up{job=~"api|web"}', 'up{job="$job", job="api"}', 'up{job="a"} or up{job="b"}']),
    "PQL014": ("promql", "alert", ["x == NaN", "x != NaN", "(x) > nan", "NaN < x"],
               ["x == x", "x > 0", "x != 1", 'x{nan="NaN"} > 0']),
    "PQL015": ("promql", "alert", ["rate(sum(x_total)[5m:])", "increase(sum by (job) (x_total)[1h:5m])",
                                   "irate(max(x_total)[5m:])"],
               ["rate(x_total[5m:])", "sum(rate(x_total[5m]))", "max_over_time(sum(x)[1h:])"]),
    "PQL016": ("promql", "alert", ["delta(http_requests_total[5m])", "deriv(node_vmstat_pgmajfault[5m])",
                                   "predict_linear(errors_total[1h], 3600)"],
               ["delta(node_load1[5m])", "deriv(node_filesystem_avail_bytes[1h])", "delta(myapp_unknown[5m])",
                "increase(http_requests_total[5m])"]),
    "PQL017": ("promql", "panel", ['up{path=~".*"}', 'up{a="b", path=~"(.*)"}', 'rate(x_total{code=~"^.*$"}[5m])'],
               ['up{path=~".+"}', 'up{path=~"/api.*"}', 'up{path!~".*"}', 'up{path=~"$path"}']),
    "LQL010": ("logql", "panel", ['sum(count_over_time({app="a"}[5m]))', 'rate({app="a"} |= "x" [1m])',
                                  'sum by (level) (bytes_over_time({app="a"} | logfmt [10m]))'],
               ['sum(count_over_time({app="a"}[$__auto]))', 'rate({app="a"}[$__interval])', '{app="a"} |= "x"']),
    # Go RE2, not Python re: look-arounds, backreferences and counts over 1000 fail in Loki; \\pL, \\Q...\\E,
    # \\x{41}, (?U) and flag groups in the middle are valid RE2 that Python's re rejects.
    "LQL011": ("logql", "panel", ['{app="a"} |~ "(abc"', '{app="a"} !~ "[a-"', '{app="a"} |~ "ok" or "(x"',
                                  '{app="a"} |~ "error(?!s)"', '{app="a"} |~ `(a)\\1`', '{app="a"} |~ "x{1001}"'],
               ['{app="a"} |~ "a|b"', '{app="a"} |~ "$filter"', '{app="a"} |= "(abc"', '{app="a"} |~ `\\pL+`',
                '{app="a"} |~ `\\Q(literal\\E`', '{app="a"} |~ `\\x{41}`', '{app="a"} |~ "a(?i)b"',
                '{app="a"} |~ "(?U)a+"']),
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
                dict(expr="a > bool 1 or b > 2"), dict(expr="sum by (job) (x) != bool 0")],
               [dict(expr="sum(up == bool 0) > 2"), dict(expr="rate(errors_total[5m]) > 0.1"),
                dict(expr="count(x > bool 1) > 0")]),
    "ALR007": ([dict(expr="irate(errors_total[5m]) > 10"), dict(expr="topk(3, rate(errors_total[5m])) > 1"),
                dict(expr="bottomk(1, up) == 0"), dict(expr="limitk(2, up) == 0")],
               [dict(expr="rate(errors_total[5m]) > 10"), dict(expr="max(rate(errors_total[5m])) > 10"),
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
    "ALR010": ([dict(same=(9,)), dict(same=(9, 20)), dict(same=(1, 2, 3))], [dict(), dict(same=()), dict(name="B")]),
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
    "ALR012": ([dict(for_="1m", group_interval="5m"), dict(for_="30s", group_interval="1m"),
                dict(for_="4m59s", group_interval="5m")],
               [dict(for_="5m", group_interval="5m"), dict(for_="0m", group_interval="5m"), dict(for_="1m"),
                dict(for_="10m", group_interval="1m")]),
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


def _in_folder(folder, uid, title):
    dashboard = _dashboard(uid=uid, title=title)
    dashboard.folder = folder
    return dashboard


_JOB = {"list": [_var("job")]}
_INPUTS = [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}]
_LEGACY_MS = {"id": 2, "type": "graph", "title": "G", "yaxes": [{"format": "milliseconds"}], "targets": []}
_LOKI_VAR = dict(_var("v", "{app=~\".+\"}"), datasource={"type": "loki", "uid": "l"})


def _variables(*variables):
    return [_dashboard(templating={"list": list(variables)})]


# code -> ([bad dashboard lists...], [good dashboard lists...]); each list is linted as one run
DASHBOARD_DEPTH = {
    "DSH016": ([[_dashboard(templating=_JOB, panels=[p])] for p in (
                   _panel('up{job="$jbo"}'), _panel('up{job="${jbo}"}'), _panel("up", title="Latency on $jbo"),
                   _panel('up{job="[[jbo]]"}'))],
               [[_dashboard(templating=_JOB, panels=[p])] for p in (
                   _panel('up{job="$job"}'), _panel("rate(x[$__rate_interval])"), _panel('up{job=~"${job:regex}"}'),
                   _panel('label_replace(up, "a", "$1", "b", "(.*)")'))]
               + [[_dashboard(__inputs=_INPUTS, panels=[_panel("up", title="${DS_PROMETHEUS}")])]]),
    "DSH017": ([[_dashboard(panels=[_panel(unit=u)])] for u in ("seconds", "byte", "percentage")]
               + [[_dashboard(panels=[_LEGACY_MS])]],
               [[_dashboard(panels=[_panel(unit=u)])] for u in ("s", "bytes", "binBps", "percentunit", "suffix:req",
                                                                  "reqps", "none")]),
    "DSH018": ([_variables(_var("v", q)) for q in (
                   'label_values(up{job="api", instance)', "label_values(up, )", "label_values(up, in-stance)",
                   "query_result(sum(rate(x[5m])", "up{")],
               [_variables(_var("v", q)) for q in (
                   'label_values(up{job="api"}, instance)', "label_values(job)", "label_names()", "metrics(node_.*)",
                   "query_result(topk(5, sum by (job) (rate(x[5m]))))", 'up{job="$job"}',
                   {"query": "label_values(up, job)", "refId": "A"})] + [_variables(_LOKI_VAR)]),
    "DSH019": ([[_in_folder("Backend", "a", "API"), _in_folder("Backend", "b", "api")],
                [_in_folder("Backend", "a", "Latency"), _in_folder("Backend", "b", "Latency")],
                [_in_folder("Ops", "a", "Nodes"), _in_folder("Ops", "b", "x"), _in_folder("Ops", "c", "Nodes")],
                [_in_folder("Ops", "a", " Nodes "), _in_folder("Ops", "b", "NODES")],
                [_in_folder("Ops", "a", "N" * 50), _in_folder("Ops", "b", "n" * 50)],
                [_in_folder("Ops", "a", "Node " * 12), _in_folder("Ops", "b", "Node " * 12)]],
               [[_in_folder("Backend", "a", "API"), _in_folder("Frontend", "c", "API")],
                [_in_folder("Backend", "a", "API"), _in_folder("Backend", "a", "API")],  # one uid twice: DSH007
                [_in_folder("Backend", "a", "API"), _in_folder("Backend", "b", "API v2")],
                # slug rules for punctuation differ between Grafana versions: not a clash in all of them
                [_in_folder("Backend", "a", "API (v2)"), _in_folder("Backend", "b", "API v2")],
                [_in_folder("Backend", "a", "API_v2"), _in_folder("Backend", "b", "API-v2")],
                # a slug beyond 50 bytes becomes a UUID of the exact title: case matters again
                [_in_folder("Ops", "a", "Node " * 12), _in_folder("Ops", "b", "NODE " * 12)],
                [_in_folder("Ops", "a", "a/" * 15), _in_folder("Ops", "b", "A/" * 15)]]),
    "DSH020": ([_variables(_var("v", refresh=r)) for r in (0, 1)]
               + [_variables(_var("a", refresh=2), _var("b", refresh=1))],
               [_variables(_var("v", refresh=2)), _variables(_var("v", kind="custom", refresh=0)),
                _variables({"name": "t", "type": "textbox", "query": "x"}), _variables()]),
}


@pytest.mark.parametrize("code", sorted(DASHBOARD_DEPTH))
def test_dashboard_depth_rules(code):
    flagged, clean = DASHBOARD_DEPTH[code]
    for dashboards in flagged:
        assert code in _dash_codes(*dashboards), [d.model for d in dashboards]
    for dashboards in clean:
        assert code not in _dash_codes(*dashboards), [d.model for d in dashboards]


def _rule_file(comment: str) -> str:
    return ("groups:\n  - name: g\n    rules:\n      - alert: A\n"
            f"        expr: up == 0  {comment}\n        for: 5m\n        annotations: {{summary: s}}\n")


LNT002_CASES = (
    ["# gdash: ignore[PLQ011]", "# gdash: ignore[ALR005, ALR999]", "# gdash: ignore[XYZ]", "# gdash:ignore[pql0111]"],
    ["# gdash: ignore[PQL]", "# gdash: ignore[ALR005]", "# gdash: ignore", "# gdash: ignore[alr004, PQL011]",
     "# ignore[PLQ011] is not a gdash comment"],
)


def test_lnt002_unknown_codes_in_ignore_comments(tmp_path):
    flagged, clean = LNT002_CASES
    for i, comment in enumerate(flagged + clean):
        (tmp_path / f"r{i}.yaml").write_text(_rule_file(comment))
        found = [f for f in lint_files([tmp_path / f"r{i}.yaml"], LintConfig(), root=tmp_path) if f.code == "LNT002"]
        assert [f.line for f in found] == ([5] if comment in flagged else []), comment


@pytest.mark.parametrize("raw", [{"disable": ["PLQ011"]}, {"severity": {"ALR999": "info"}},
                                 {"ignore": [{"codes": ["XYZ"], "path": "x"}]}])
def test_lnt002_unknown_codes_in_the_config_are_a_config_error(raw):
    from gdash.errors import ConfigError
    from gdash.lint.config import load_lint_config

    with pytest.raises(ConfigError, match=r"unknown rule code .*\(LNT002\)"):
        load_lint_config(raw)


def _depth_cases(code: str) -> tuple[list, list]:
    if code in QUERY_DEPTH:
        return QUERY_DEPTH[code][2], QUERY_DEPTH[code][3]
    if code == "LNT002":
        return LNT002_CASES
    return (ALERT_DEPTH | DASHBOARD_DEPTH)[code]


def test_every_depth_check_has_a_code_documentation_and_cases():
    """docs/lint.md maps each check of issue #13 §3 to a code: registered, documented in the fixed
    shape, and tested here with several failing and several passing cases."""
    import re
    from pathlib import Path

    from gdash.lint.rules import RULES
    from gdash.lint.rules.registry import SECTIONS

    docs = Path(__file__).parents[2] / "docs"
    text = (docs / "lint.md").read_text(encoding="utf-8")
    table = text[text.index("| Check | Code |"):].split("\n\n", 1)[0]
    codes = re.findall(r"\| \[([A-Z]+\d{3})\]\(rules/\1\.md\) \|$", table, re.MULTILINE)
    assert len(codes) == len(table.splitlines()) - 2 == len(set(codes)) == 24
    for code in codes:
        rule = RULES[code]
        assert list(rule.sections) == list(SECTIONS), code
        assert (docs / "rules" / f"{code}.md").is_file(), code
        assert rule.check.__module__.startswith("gdash.lint.rules."), code
        if rule.online:  # LIVE001: exercised against a live Prometheus in tests/promexport
            continue
        flagged, clean = _depth_cases(code)
        assert len(flagged) >= 3 and len(clean) >= 3, code
    assert RULES["LIVE001"].online
