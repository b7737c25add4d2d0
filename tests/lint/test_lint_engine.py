"""gdash lint end to end: the seed project, the guide's mistakes, suppressions, files, CLI and exit codes."""
from __future__ import annotations

import json

import pytest

from gdash.config import load_config
from gdash.errors import ConfigError
from gdash.lint import exit_code, lint_config, lint_paths, lint_project
from gdash.lint.config import LintConfig, load_lint_config
from gdash.project import load_project

BAD_DASHBOARD = '''
from gdash import Dashboard, Row, datasource_var, prom, query_var, timeseries

dashboard = Dashboard(
    "Bad", uid="bad", description="The seed guide's mistakes.",
    variables=[datasource_var("prometheus"), query_var("job", "label_values(up, job)"),
               query_var("instance", "label_values(up, instance)")],
    rows=[Row("Latency",
        timeseries("p95", prom("histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))"),
                   unit="s", description="p95 latency"),
        timeseries("Requests/s", prom("sum(rate(http_requests_total[5m]))"),  # gdash: ignore[PQL011]
                   unit="reqps", description="requests"),
        timeseries("Broken", prom("sum(rate(http_requests_total[$__rate_interval])"),
                   unit="reqps", description="does not parse"),
    )],
)
'''
GOOD_ALERTS = '''
from gdash import AlertGroup, alert_rule

group = AlertGroup("api", alert_rule(
    "HighLatency", "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
    threshold=1, severity="warning", team="backend", summary="slow", description="p95 above 1 s",
    runbook_url="https://runbooks/latency"), folder="Alerts")
'''


@pytest.fixture
def bad_project(make_project):
    return make_project({"dashboards/bad.py": BAD_DASHBOARD, "alerts/api.py": GOOD_ALERTS, "gdash.yaml": "lint: {}\n"})


def _lint(root, **cli):
    config = load_config(root / "gdash.yaml")
    return lint_project(load_project(root, config), lint_config(config, **cli))


def test_seed_project_lints_without_warnings_or_errors(seed_root):
    findings = _lint(seed_root)
    assert [f for f in findings if f.severity != "info"] == []
    assert exit_code(findings) == 0


def test_guide_mistakes_are_flagged_at_their_python_lines(bad_project):
    findings = _lint(bad_project)
    source = (bad_project / "dashboards/bad.py").read_text().splitlines()
    by_code = {f.code: f for f in findings}
    assert {"PQL005", "PQL011", "PQL001"} <= set(by_code)
    for code, fragment in (("PQL005", "histogram_quantile"), ("PQL001", "Broken")):
        finding = by_code[code]
        assert finding.path == "dashboards/bad.py" and fragment in source[finding.line - 1]
    assert by_code["PQL001"].column == 4 and "unclosed" in by_code["PQL001"].message
    assert exit_code(findings) == 1


def test_inline_comment_suppresses_only_its_line_and_code(bad_project):
    findings = _lint(bad_project)
    flagged_lines = {f.line for f in findings if f.code == "PQL011"}
    source = (bad_project / "dashboards/bad.py").read_text().splitlines()
    assert all("gdash: ignore" not in source[line - 1] for line in flagged_lines)
    assert len(flagged_lines) == 1  # the p95 panel; the Requests/s line carries the comment


def test_config_disable_severity_and_targeted_ignores(bad_project):
    (bad_project / "gdash.yaml").write_text(
        "lint:\n  disable: [PQL005]\n  severity: {PQL001: warning}\n"
        "  ignore:\n    - {dashboard: bad, codes: [PQL011]}\n    - {path: 'alerts/*', codes: [ALR]}\n")
    findings = _lint(bad_project)
    codes = {f.code for f in findings}
    assert "PQL005" not in codes and "PQL011" not in codes
    assert {f.severity for f in findings if f.code == "PQL001"} == {"warning"}
    assert exit_code(findings) == 0 and exit_code(findings, max_warnings=0) == 1


def test_cli_select_and_ignore(bad_project):
    assert {f.code for f in _lint(bad_project, select=["PQL001"])} == {"PQL001"}
    assert "PQL001" not in {f.code for f in _lint(bad_project, ignore=["PQL"])}


@pytest.mark.parametrize("raw, fragment", [
    ({"disable": ["NOPE1"]}, "unknown rule code"),
    ({"scrape_interval": "fast"}, "not a duration"),
    ({"ignore": [{"path": "x"}]}, "invalid entry"),
    ({"severity": {"PQL001": "fatal"}}, "is not one of"),
    ({"colour": True}, "unknown key"),
])
def test_bad_lint_config_is_a_config_error(raw, fragment):
    with pytest.raises(ConfigError) as error:
        load_lint_config(raw)
    assert fragment in error.value.message


def test_files_wrapped_dashboard_and_prometheus_rules(tmp_path):
    dashboard = {"uid": "w", "title": "W", "panels": [], "templating": {"list": []}}
    (tmp_path / "wrapped.json").write_text(json.dumps({"dashboard": dashboard, "overwrite": True}))
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "api.yml").write_text(
        "groups:\n"
        "  - name: api\n"
        "    rules:\n"
        "      - alert: HighResponseTime\n"
        "        expr: histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m])) > 0.5\n"
        "        for: 5m\n"
        "        annotations: {summary: slow, runbook_url: r}\n"
        "      - alert: Quiet\n"
        "        expr: rate(http_requests_total[5m]) > 1  # gdash: ignore[ALR]\n"
        "        for: 5m\n"
        "        annotations: {summary: s, runbook_url: r}\n"
        "      - record: job:http_requests:rate5m\n"
        "        expr: sum by (job) (rate(http_requests_total[5m]))\n")
    (tmp_path / "notes.yaml").write_text("just: notes\n")  # unrecognised files in directories are skipped
    findings = lint_paths([tmp_path], LintConfig(), root=tmp_path)
    located = {(f.code, f.path, f.line) for f in findings}
    assert ("DSH015", "wrapped.json", None) in located
    assert ("PQL005", "rules/api.yml", 5) in located
    assert all(f.rule != "Quiet" for f in findings)
    # a named file that is no known format is one LNT001 error finding, not an abort
    named = lint_paths([tmp_path / "notes.yaml"], LintConfig(), root=tmp_path)
    assert [(f.code, f.severity, f.path) for f in named] == [("LNT001", "error", "notes.yaml")]


def test_directory_run_survives_a_broken_file(tmp_path):
    (tmp_path / "bad.yaml").write_text("groups:\n  - name: g\n    rules: [\n")
    (tmp_path / "good.yml").write_text("groups:\n  - name: g\n    rules:\n      - record: job:x:rate5m\n"
                                       "        expr: sum by (job) (rate(x_total[5m]))\n      - alert: A\n"
                                       "        expr: histogram_quantile(0.9, rate(x_bucket[5m])) > 1\n")
    findings = lint_paths([tmp_path], LintConfig(), root=tmp_path)
    bad = [f for f in findings if f.code == "LNT001"]
    assert len(bad) == 1 and bad[0].path == "bad.yaml" and bad[0].message.startswith("cannot read bad.yaml:")
    assert any(f.path == "good.yml" and f.code == "PQL005" for f in findings)


def test_prometheus_operator_loki_crds_and_multi_document(tmp_path):
    (tmp_path / "crds.yaml").write_text(
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: a}\nspec:\n  groups:\n"
        "    - name: g\n      rules:\n        - alert: OperatorRule\n"
        "          expr: histogram_quantile(0.9, rate(x_bucket[5m])) > 1\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: monitoring.coreos.com/v1\n    kind: PrometheusRule\n"
        "    spec:\n      groups:\n        - name: h\n          rules:\n            - alert: InList\n"
        "              expr: histogram_quantile(0.9, rate(y_bucket[5m])) > 1\n")
    findings = lint_paths([tmp_path / "crds.yaml"], LintConfig(), root=tmp_path)
    by_rule = {(f.rule, f.code, f.line) for f in findings}
    assert ("OperatorRule", "PQL005", 9) in by_rule
    assert ("InList", "PQL005", 21) in by_rule


def test_grafana_alerting_provisioning_file(tmp_path):
    (tmp_path / "alerts.yaml").write_text(
        "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: g\n    folder: f\n    interval: 1m\n    rules:\n"
        "      - uid: a\n        title: Errors\n        condition: B\n"
        "        annotations: {summary: s, runbook_url: r}\n        data:\n"
        "          - refId: A\n            datasourceUid: prom\n"
        "            model: {expr: 'sum(rate(errors_total[5m]) by (job)', datasource: {type: prometheus, uid: prom}}\n"
        "          - refId: B\n            datasourceUid: __expr__\n            model: {type: threshold, expression: A}\n")
    codes = {(f.code, f.line) for f in lint_paths([tmp_path / "alerts.yaml"], LintConfig(), root=tmp_path)}
    assert ("PQL001", 9) in codes and ("ALR003", 9) in codes


def test_cli_exit_codes_and_formats(bad_project, seed_root, gdash):
    result = gdash("lint", cwd=bad_project)
    assert result.returncode == 1
    assert "dashboards/bad.py:" in result.stdout and " PQL005 warning " in result.stdout
    assert "lint: " in result.stderr
    as_json = json.loads(gdash("lint", "--format", "json", "--select", "PQL005", cwd=bad_project).stdout)
    assert [(f["code"], f["panel"], f["refId"], f["dashboard"]) for f in as_json] == [("PQL005", "p95", "A", "bad")]
    assert gdash("lint", "--ignore", "PQL001", "--ignore", "PQL004", cwd=bad_project).returncode == 0
    assert gdash("lint", "--ignore", "PQL001", "--max-warnings", "0", cwd=bad_project).returncode == 1
    unknown = gdash("lint", "--select", "XYZ999", cwd=bad_project)
    assert unknown.returncode == 2 and unknown.stderr.startswith("error: ") and "Traceback" not in unknown.stderr
    assert gdash("lint", cwd=seed_root).returncode == 0


def test_cli_rules_lists_and_documents(gdash, tmp_path):
    listing = gdash("rules", cwd=tmp_path)
    assert listing.returncode == 0 and "PQL004  error" in listing.stdout
    doc = gdash("rules", "lql002", cwd=tmp_path)
    assert doc.returncode == 0 and doc.stdout.startswith("LQL002 (warning, logql)") and "every line" in doc.stdout
    assert gdash("rules", "NOPE", cwd=tmp_path).returncode == 2


def test_parallel_lint_matches_serial(bad_project, monkeypatch):
    from gdash.lint import engine

    config = load_config(bad_project / "gdash.yaml")
    project = load_project(bad_project, config)
    project.dashboards = project.dashboards * (engine.PARALLEL_THRESHOLD + 1)  # enough for the process pool
    serial = lint_project(project, lint_config(config), jobs=1)
    pools = []
    real_pool_map = engine._pool_map
    monkeypatch.setattr(engine, "_pool_map", lambda *a, **k: pools.append(a[2]) or real_pool_map(*a, **k))
    assert lint_project(project, lint_config(config), jobs=2) == serial
    assert pools == [2]
    assert any(f.code == "DSH007" for f in serial)  # and the copies share a uid


def test_split_rule_file_gives_the_same_findings_and_lines(tmp_path, monkeypatch):
    from gdash.lint import engine

    groups = []
    for g in range(6):
        rules = []
        for r in range(5):
            expr = "rate(node_memory_free_bytes[5m]) > 1" if r == 2 else "sum(rate(x_total[5m])) > 1"
            suppress = "  # gdash: ignore[PQL002]" if (g, r) == (3, 2) else ""
            rules.append(f"      - alert: A{g}_{r}\n        expr: {expr}{suppress}\n        for: 5m\n"
                         f"        annotations:\n          summary: s\n          runbook_url: r\n")
        groups.append(f"  - name: g{g}\n    rules:\n" + "".join(rules))
    path = tmp_path / "rules.yaml"
    path.write_text("# comment\ngroups:\n" + "".join(groups))
    whole = lint_paths([path], LintConfig(), root=tmp_path, jobs=1)
    monkeypatch.setattr(engine, "SPLIT_FILE_BYTES", 0)
    split = lint_paths([path], LintConfig(), root=tmp_path, jobs=2)
    assert split == whole
    assert len(whole) == 5 and {f.code for f in whole} == {"PQL002"}  # 6 groups, one suppressed
    lines = path.read_text().splitlines()
    assert all("node_memory_free_bytes" in lines[f.line - 1] for f in whole)


def test_split_rule_file_falls_back_on_unusual_layout():
    from gdash.lint.sources import split_rule_file

    text = "groups:\n- name: a\n  rules: []\n- name: b\n  rules: []\nextra: 1\n"
    assert split_rule_file(text, 2) == [(text, 0)]
    chunks = split_rule_file("groups:\n- name: a\n  rules: []\n- name: b\n  rules: []\n", 2)
    assert [offset for _, offset in chunks] == [0, 2]


def test_legacy_dashboard_queries_are_linted_with_their_panel(tmp_path):
    """A schemaVersion 14 dashboard with rows[] and graph/singlestat panels goes through the migration:
    the query inside the row's graph is linted and the finding names the panel."""
    legacy = {"title": "Legacy", "uid": "legacy", "schemaVersion": 14, "rows": [
        {"title": "Traffic", "showTitle": True, "panels": [
            {"id": 1, "type": "graph", "title": "Requests", "span": 6, "datasource": "Prometheus",
             "targets": [{"refId": "A", "expr": "rate(http_requests_total[5m]"}]},
            {"id": 2, "type": "singlestat", "title": "Up", "span": 6, "datasource": "Prometheus",
             "targets": [{"refId": "A", "expr": "sum(up)"}]}]}]}
    (tmp_path / "legacy.json").write_text(json.dumps(legacy))
    findings = lint_paths([tmp_path / "legacy.json"], LintConfig(), root=tmp_path)
    broken = [f for f in findings if f.panel == "Requests" and f.ref_id == "A"]
    assert broken and broken[0].severity == "error", [str(f) for f in findings]
    assert not [f for f in findings if f.code == "LNT001"]


@pytest.mark.parametrize("rules, pooled", [(15, False), (25, True)])
def test_alert_rules_count_less_than_dashboards_for_the_pool(tmp_path, monkeypatch, rules, pooled):
    """An alert rule holds one query: ALERTS_PER_TARGET of them weigh one dashboard when deciding
    whether worker processes pay off (findings are the same either way)."""
    from gdash.lint import engine

    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(engine, "ALERTS_PER_TARGET", 10)
    body = "".join(f"      - alert: A{i}\n        expr: rate(node_memory_free_bytes[5m]) > {i}\n" for i in range(rules))
    path = tmp_path / "rules.yaml"
    path.write_text("groups:\n  - name: g\n    rules:\n" + body)
    serial = lint_paths([path], LintConfig(), root=tmp_path, jobs=1)
    pools = []
    real_pool_map = engine._pool_map
    monkeypatch.setattr(engine, "_pool_map", lambda *a, **k: pools.append(a[2]) or real_pool_map(*a, **k))
    assert lint_paths([path], LintConfig(), root=tmp_path, jobs=2) == serial
    assert pools == ([2] if pooled else [])
    assert sum(f.code == "PQL002" for f in serial) == rules
