"""False-positive patterns found on real files, each fixed at its root, and the formats gdash lint reads.

Examples are written for these tests in the shapes of real rule files (not copies)."""
from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest

from gdash.errors import Location
from gdash.lint.config import LintConfig
from gdash.lint.engine import lint_files, lint_query, lint_targets, summary
from gdash.lint.metadata import fetch_metric_types, with_metadata
from gdash.lint.metric_types import metric_type
from gdash.lint.sources import AlertTarget, QuerySpec, Targets


def _alert(expr: str, *, for_: str | None = None, annotations: dict | None = None, name: str = "A",
           record: bool = False, language: str = "promql") -> AlertTarget:
    return AlertTarget(name, "prometheus", Location("r.yaml", 1), for_, {},
                       annotations if annotations is not None else {"summary": "s", "runbook_url": "u"},
                       [QuerySpec(None, language, expr, 2)], recording=record)


def _codes(*alerts: AlertTarget, config: LintConfig | None = None) -> list[str]:
    return [f.code for f in lint_targets(Targets([], list(alerts)), config or LintConfig())]


@pytest.mark.parametrize("metric,kind", [
    ("node_vmstat_pgmajfault", "counter"), ("node_netstat_Tcp_RetransSegs", "counter"),
    ("node_netstat_Tcp_CurrEstab", "gauge"), ("container_fs_inodes_total", "gauge"),
    ("promtail_file_bytes_total", "gauge"), ("kubelet_evictions", "counter"), ("kube_pod_info", "gauge"),
    ("kube_pod_container_status_restarts_total", "counter"), ("pg_stat_database_xact_commit", "counter"),
    ("http_requests_total", "counter"), ("myapp_queue_depth", None), ("mongodb_ss_metrics_cursor_timedOut", None),
])
def test_metric_types_come_from_exporter_definitions_and_unknown_stays_unknown(metric, kind):
    assert metric_type(metric, {}) == kind


def test_rate_over_unknown_type_is_silent_and_over_known_gauge_is_flagged():
    assert "PQL002" not in {f.code for f in lint_query("promql", "rate(node_vmstat_pgmajfault[5m])", origin="alert")}
    assert "PQL002" not in {f.code for f in lint_query("promql", "rate(myapp_jobs_done[5m])", origin="alert")}
    assert "PQL002" in {f.code for f in lint_query("promql", "rate(container_memory_working_set_bytes[5m])", origin="alert")}
    assert "PQL003" not in {f.code for f in lint_query("promql", "container_fs_inodes_total > 1e6", origin="alert")}
    assert "PQL003" not in {f.code for f in lint_query(
        "promql", "kube_pod_container_status_restarts_total - kube_pod_container_status_restarts_total offset 10m >= 1",
        origin="alert")}


class _Metadata(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = {"status": "success", "data": {
            "myapp_jobs": [{"type": "gauge", "help": "", "unit": ""}],
            "myapp_done": [{"type": "counter", "help": "", "unit": ""}],
            "odd": [{"type": "counter"}, {"type": "gauge"}],
            "raw": [{"type": "untyped"}]}}
        payload = json.dumps(body).encode()
        self.send_response(200 if self.path == "/api/v1/metadata" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def test_prometheus_metadata_api_decides_metric_types():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Metadata)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        types = fetch_metric_types(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
    assert types == {"myapp_done": "counter", "myapp_jobs": "gauge"}  # conflicting and untyped left out
    config = with_metadata(LintConfig(), types)
    assert "PQL002" in {f.code for f in lint_query("promql", "rate(myapp_jobs[5m])", origin="alert", config=config)}
    assert "PQL002" not in {f.code for f in lint_query("promql", "rate(myapp_done[5m])", origin="alert", config=config)}


@pytest.mark.parametrize("expr,for_", [
    ("increase(backup_failures_total[1h]) > 0", None), ("vector(1)", None),
    ("changes(node_network_up[2m]) > 2", None), ("probe_ssl_earliest_cert_expiry - time() < 86400 * 7", None),
    ("kubelet_certificate_manager_client_ttl_seconds < 604800", None), ("node_load1 > 10", "0m"),
    ('ALERTS{severity="info"} == 1', None), ("absent(up{job=\"api\"})", None),
    ('node_md_disks{state="failed", job="node"} > 0', None), ('sum by (pod) (kube_pod_status_phase{phase="Failed"}) > 0', None),
])
def test_explicit_for_and_event_style_alerts_are_not_alr003(expr, for_):
    assert "ALR003" not in _codes(_alert(expr, for_=for_))


@pytest.mark.parametrize("expr", ["node_load1 > 10", "rate(errors_total[5m]) > 1", "avg(cpu_ratio) by (job) > 0.9",
                                  "node_textfile_scrape_error == 1", 'node_md_disks{state="active"} > 0',
                                  'node_md_disks{state="failed"} > 2', 'kube_pod_status_phase{phase="Failed"} < 1'])
def test_threshold_alert_without_for_key_is_alr003(expr):
    assert "ALR003" in _codes(_alert(expr))


@pytest.mark.parametrize("expr", [
    "min by (namespace) (max_over_time(ready[5m]) == 0)", "(up == 0) * on (instance) group_left() node_info",
    "max without (rev) (a unless b) * (c != d)", "count by (c) (x) unless on (c) count by (c) (y)",
    "group by (ns) (ALERTS == 1)", "vector(1)",
    'pg_general_index_info_pg_relation_size{indexrelname=~".*ccnew.*"}', 'last_over_time(x{reason=~"OOM.*"}[5m])',
])
def test_nested_comparisons_filters_and_dead_mans_switches_are_not_alr001(expr):
    assert "ALR001" not in _codes(_alert(expr, for_="5m"))


def test_alr001_still_flags_unfiltered_and_bool_comparisons():
    assert "ALR001" in _codes(_alert("sum by (job) (rate(errors_total[5m]))", for_="5m"))
    assert "ALR001" in _codes(_alert("up == bool 0", for_="5m"))
    for scoped_only in ['up{job=~"api.*"}', 'x{reason=~".*"}', 'x{reason="OOM"}', 'x{reason=~"$r"}',
                        'sum(x{reason=~"OOM.*"})']:  # identity, match-all, equality, variable, aggregated
        assert "ALR001" in _codes(_alert(scoped_only, for_="5m")), scoped_only


@pytest.mark.parametrize("expr", ["time() - container_last_seen > 60", "time() - max by (instance) (x) > 1",
                                  "100 * (1 - x)"])
def test_scalar_minus_vector_keeps_labels(expr):
    assert "ALR002" not in _codes(_alert(expr, for_="5m", annotations={"summary": "{{ $labels.instance }}"}))


def test_aggregation_dropping_a_template_label_is_still_alr002():
    assert "ALR002" in _codes(_alert("sum by (job) (up) == 0", for_="5m", annotations={"summary": "{{ $labels.instance }}"}))


def test_group_left_info_metric_is_not_a_histogram_input_and_recording_names_are():
    query = ("histogram_quantile(0.99, sum(rate(x_seconds_bucket[5m])) by (instance, le) "
             "* on (instance) group_left (node) max by (instance, node) (node_name_info))")
    assert "PQL004" not in {f.code for f in lint_query("promql", query, origin="recording")}
    assert "PQL006" not in {f.code for f in lint_query(
        "promql", "histogram_quantile(0.9, job:http_request_duration_seconds_bucket:rate5m)", origin="recording")}


def _lint_file(tmp_path: Path, name: str, text: str, config: LintConfig | None = None, skipped=None):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text)
    return lint_files([tmp_path], config or LintConfig(), root=tmp_path, skipped=skipped)


LOKI_CRD = """apiVersion: loki.grafana.com/v1
kind: AlertingRule
metadata: {name: app}
spec:
  tenantID: app
  groups:
    - name: app
      rules:
        - alert: Panics
          expr: '{app="api"} |= "panic"'
          for: 1m
          annotations: {summary: s, runbook_url: u}
"""


def test_loki_crd_is_read_as_logql_and_a_log_query_rule_is_lql007(tmp_path):
    findings = _lint_file(tmp_path, "crd.yaml", LOKI_CRD)
    assert [f.code for f in findings] == ["LQL007"]


def test_loki_rule_file_is_detected_and_the_parse_finding_names_the_dialect(tmp_path):
    text = ("groups:\n  - name: g\n    rules:\n      - alert: Errors\n        expr: 'sum(rate({app=\"api\"} |= \"error\" [5m])) > 1'\n"
            "        for: 5m\n        annotations: {summary: s, runbook_url: u}\n"
            "      - alert: Broken\n        expr: 'sum(rate({app=\"api\"} |= \"error\" [5m]) > 1'\n"
            "        for: 5m\n        annotations: {summary: s, runbook_url: u}\n")
    findings = _lint_file(tmp_path, "loki.yaml", text)
    assert [f.code for f in findings] == ["LQL001"]
    assert "[dialect loki (detected: LogQL log pipeline)]" in findings[0].message and findings[0].line == 9
    forced = _lint_file(tmp_path, "loki.yaml", text, LintConfig().with_cli(dialect="prometheus"))
    assert {f.code for f in forced} == {"PQL001"} and "dialect prometheus (--dialect prometheus)" in forced[0].message


def test_loki_rules_globs_choose_the_dialect_and_loki_checks_apply(tmp_path):
    text = ("namespace: tenant-a\ngroups:\n  - name: g\n    rules:\n      - record: api_errors\n"
            "        expr: 'sum(rate({app=~\".+\"}[5m]))'\n")
    assert _lint_file(tmp_path, "rules/loki/r.yaml", text) == []  # valid PromQL too: read as Prometheus
    findings = _lint_file(tmp_path, "rules/loki/r.yaml", text, LintConfig(loki_rules=("rules/loki/**",)))
    assert sorted(f.code for f in findings) == ["LQL008", "LQL009"]


def test_configmap_embedded_rule_file_and_dashboard_are_linted_at_their_lines(tmp_path):
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules}\ndata:\n  api.rules.yaml: |\n    groups:\n"
            "      - name: g\n        rules:\n          - alert: Up\n            expr: 'sum(up'\n            for: 1m\n"
            "  board.json: '{\"uid\": \"b\", \"title\": \"B\", \"panels\": [{\"id\": 1, \"type\": \"stat\", \"title\": \"\"}]}'\n"
            "  run.sh: 'echo hi: there: x'\n")
    findings = _lint_file(tmp_path, "cm.yaml", text)
    assert ("PQL001", 10) in {(f.code, f.line) for f in findings}
    assert "DSH004" in {f.code for f in findings}


def test_skipped_files_are_listed_and_counted(tmp_path):
    (tmp_path / "values.yaml").write_text("replicas: 3\n")
    skipped: list[str] = []
    findings = _lint_file(tmp_path, "rules.yaml", "groups: []\n", skipped=skipped)
    assert skipped == ["rules.yaml", "values.yaml"]
    assert summary(findings, len(skipped)).endswith("2 files skipped (not a dashboard or rule file)")


def test_cli_verbose_lists_skipped_files_and_json_stays_valid(tmp_path, run_gdash=None):
    import subprocess
    import sys

    (tmp_path / "values.yaml").write_text("replicas: 3\n")
    (tmp_path / "bad.yaml").write_text("groups: [\n")
    result = subprocess.run([sys.executable, "-m", "gdash", "lint", str(tmp_path), "--format", "json", "--verbose"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert [f["code"] for f in json.loads(result.stdout)] == ["LNT001"]
    assert "skipped" in result.stderr and "values.yaml" in result.stderr


@pytest.mark.parametrize("expr,unit,flagged", [
    ("histogram_quantile(0.9, sum by (le) (rate(x_seconds_bucket[5m])))", "", True),
    ("sum(container_memory_working_set_bytes)", "", True),
    ("sum(rate(node_network_receive_bytes_total[5m]))", "", True),
    ("sum(rate(container_cpu_usage_seconds_total[5m]))", "", False),  # cores
    ("go_goroutines", "", False), ("count(up)", "", False), ("sum(kube_pod_status_phase{phase=\"Running\"})", "", False),
    ("sum(container_memory_working_set_bytes)", "bytes", False),
])
def test_dsh006_flags_missing_units_only_where_values_have_one(expr, unit, flagged):
    from gdash.lint.sources import DashboardTarget

    panel = {"id": 1, "type": "timeseries", "title": "P", "fieldConfig": {"defaults": {"unit": unit} if unit else {}},
             "targets": [{"refId": "A", "expr": expr}]}
    found = lint_targets(Targets([DashboardTarget({"uid": "d", "title": "D", "panels": [panel]}, Location("d.json"))], []),
                         LintConfig())
    assert ("DSH006" in {f.code for f in found}) is flagged


def test_dsh006_reads_units_from_field_overrides_and_dsh009_allows_graph_and_gauge_pairs():
    from gdash.lint.sources import DashboardTarget

    overrides = [{"matcher": {"id": "byRegexp", "options": "/read/"}, "properties": [{"id": "unit", "value": "Bps"}]}]
    graph = {"id": 1, "type": "timeseries", "title": "Disk", "fieldConfig": {"defaults": {}, "overrides": overrides},
             "targets": [{"refId": "A", "expr": "rate(node_disk_read_bytes_total[5m])"}]}
    gauge = {"id": 2, "type": "gauge", "title": "Disk", "fieldConfig": {"defaults": {"unit": "percent"}},
             "targets": [{"refId": "A", "expr": "100 * x_ratio"}]}
    codes = {f.code for f in lint_targets(Targets([DashboardTarget(
        {"uid": "d", "title": "D", "panels": [graph, gauge]}, Location("d.json"))], []), LintConfig())}
    assert "DSH006" not in codes and "DSH009" not in codes


def test_kubernetes_list_kinds_such_as_configmaplist_are_read(tmp_path):
    text = ("apiVersion: v1\nkind: ConfigMapList\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: d}\n"
            "    data:\n      d.json: '{\"uid\": \"d\", \"title\": \"D\", \"panels\": [{\"id\": 1, \"type\": \"stat\"}]}'\n")
    assert "DSH004" in {f.code for f in _lint_file(tmp_path, "list.yaml", text)}


GRAFANA_EXPORT = {
    "apiVersion": 1,
    "groups": [{
        "orgId": 1, "name": "api", "folder": "Backend", "interval": "1m",
        "rules": [{
            "uid": "abc", "title": "Errors", "condition": "B", "for": "5min",
            "annotations": {"summary": "{{ $labels.job }"}, "labels": {"severity": "page"},
            "data": [
                {"refId": "A", "datasourceUid": "prom", "relativeTimeRange": {"from": 600, "to": 0},
                 "model": {"expr": "sum by (job) (rate(errors_total[5m])", "datasource": {"type": "prometheus", "uid": "prom"}}},
                {"refId": "B", "datasourceUid": "__expr__", "model": {"type": "threshold", "expression": "A"}},
            ],
        }],
    }],
}


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_grafana_alerting_export_files_in_json_and_yaml(tmp_path, suffix):
    import yaml

    text = json.dumps(GRAFANA_EXPORT, indent=2) if suffix == ".json" else yaml.safe_dump(GRAFANA_EXPORT)
    findings = _lint_file(tmp_path, f"export{suffix}", text)
    codes = {f.code for f in findings}
    assert {"PQL001", "ALR008", "ALR011"} <= codes, codes  # query syntax, template syntax, `for` duration
    assert all(f.rule == "Errors" for f in findings)


def test_gdash_rules_prints_a_rule_with_its_sections_and_marks_online_rules():
    import subprocess
    import sys

    listing = subprocess.run([sys.executable, "-m", "gdash", "rules"], capture_output=True, text=True, check=True).stdout
    assert "LIVE001" in listing and "[online only]" in listing and "LQL007" in listing
    page = subprocess.run([sys.executable, "-m", "gdash", "rules", "ALR008"], capture_output=True, text=True,
                          check=True).stdout
    assert page.startswith("ALR008 (error, alert)") and "Failing example:" in page and "Measured precision:" in page


_LEGACY = {"title": "Legacy", "uid": "legacy", "schemaVersion": 14, "rows": [{"title": "Traffic", "panels": [
    {"id": 1, "type": "graph", "title": "Requests", "span": 12, "datasource": "Prometheus",
     "targets": [{"refId": "A", "expr": "rate(http_requests_total[5m]"}]}]}]}


def _v2_dashboard() -> dict:
    query = {"kind": "PanelQuery", "spec": {"refId": "A", "query": {
        "kind": "DataQuery", "group": "prometheus", "version": "v0", "datasource": {"name": "prom"},
        "spec": {"expr": "sum(rate(http_requests_total[5m]"}}}}
    panel = {"kind": "Panel", "spec": {"id": 1, "title": "Checkout rps", "data": {"kind": "QueryGroup", "spec": {
        "queries": [query]}}, "vizConfig": {"kind": "VizConfig", "group": "timeseries", "spec": {}}}}
    item = {"kind": "GridLayoutItem", "spec": {"x": 0, "y": 0, "width": 24, "height": 8,
                                                "element": {"kind": "ElementReference", "name": "panel-1"}}}
    return {"apiVersion": "dashboard.grafana.app/v2", "kind": "Dashboard", "metadata": {"name": "v2"},
            "spec": {"title": "V2", "elements": {"panel-1": panel},
                     "layout": {"kind": "GridLayout", "spec": {"items": [item]}}}}


def test_a_directory_of_every_format_gives_findings_for_every_file(tmp_path, gdash):
    """Issue 13's done-when: one `gdash lint DIR` over all the formats; each file yields findings,
    each the one its broken part deserves, and one unreadable file stops nothing."""
    import yaml

    bad_rule = {"alert": "Up", "expr": "sum(up", "for": "5m"}
    rules = {"groups": [{"name": "g", "rules": [bad_rule]}]}
    files = {
        "dashboard.json": json.dumps({"uid": "d", "title": "D", "panels": [{"id": 1, "type": "timeseries", "title": ""}]}),
        "wrapped.json": json.dumps({"dashboard": {"uid": "w", "title": "W", "panels": []}, "overwrite": True}),
        "legacy-rows.json": json.dumps(_LEGACY),
        "v2.json": json.dumps(_v2_dashboard()),
        "prometheus.yaml": yaml.safe_dump(rules),
        "mimir.yaml": yaml.safe_dump({"namespace": "tenant", **rules}),
        "multi.yaml": "groups: []\n---\n" + yaml.safe_dump(rules),
        "operator.yaml": yaml.safe_dump({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                                         "metadata": {"name": "p"}, "spec": rules}),
        "loki-crd.yaml": LOKI_CRD,
        "list.yaml": yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "metadata": {"name": "p"},
             "spec": rules}]}),
        "configmap.yaml": yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                                          "data": {"rules.yaml": yaml.safe_dump(rules)}}),
        "grafana-export.json": json.dumps(GRAFANA_EXPORT),
        "grafana-export.yaml": yaml.safe_dump(GRAFANA_EXPORT),
        "loki-ruler.yaml": yaml.safe_dump({"namespace": "tenant", "groups": [{"name": "g", "rules": [
            {"alert": "E", "expr": 'sum(rate({app="a"} |= "x" [5m])) > 1', "for": "5m"},
            {"record": "errors", "expr": 'sum(rate({app="a"} |= "error" [5m]))'}]}]}),
        "broken.yaml": "groups: [\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "latin1.yaml").write_bytes("groups: [] # caf\xe9\n".encode("latin-1"))  # not UTF-8: unreadable
    (tmp_path / "values.yaml").write_text("replicas: 3\n")
    expected = {name: "PQL001" for name in files} | {
        "dashboard.json": "DSH004", "wrapped.json": "DSH015", "loki-crd.yaml": "LQL007", "loki-ruler.yaml": "LQL008",
        "broken.yaml": "LNT001", "latin1.yaml": "LNT001"}
    skipped: list[str] = []
    findings = lint_files([tmp_path], LintConfig(), root=tmp_path, skipped=skipped)
    by_file: dict[str, set[str]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, set()).add(finding.code)
    assert {name: code for name, code in expected.items() if code not in by_file.get(name, set())} == {}
    assert set(by_file) == set(expected) and skipped == ["values.yaml"]
    assert {f.panel for f in findings if f.path in ("legacy-rows.json", "v2.json") and f.code == "PQL001"} == {
        "Requests", "Checkout rps"}  # the queries inside rows[] and v2 elements, named by their panel

    cli = gdash("lint", "--format", "json", str(tmp_path), cwd=tmp_path)  # the command finishes: one document
    assert cli.returncode == 1 and cli.stderr == ""
    assert {o["path"] for o in json.loads(cli.stdout)} == set(expected)


def _dash_findings(panels, variables=()):
    from gdash.lint.sources import DashboardTarget

    model = {"uid": "d", "title": "D", "panels": panels, "templating": {"list": list(variables)}}
    return {f.code for f in lint_targets(Targets([DashboardTarget(model, Location("d.json"))], []), LintConfig())}


def test_generated_rows_with_zero_width_and_untitled_text_panels_are_fine():
    row = {"id": 1, "type": "row", "title": "R", "gridPos": {"x": 0, "y": 0, "w": 0, "h": 1}}
    text = {"id": 2, "type": "text", "gridPos": {"x": 0, "y": 1, "w": 24, "h": 2}, "options": {"content": "# Notes"}}
    assert not {"DSH011", "DSH004"} & _dash_findings([row, text])
    wide = {"id": 3, "type": "stat", "title": "S", "gridPos": {"x": 20, "y": 3, "w": 8, "h": 2}, "targets": []}
    assert "DSH011" in _dash_findings([wide])
    untitled = {"id": 4, "type": "table", "gridPos": {"x": 0, "y": 5, "w": 8, "h": 2}, "targets": []}
    assert "DSH004" in _dash_findings([untitled])


@pytest.mark.parametrize("unit,flagged", [("seconds", True), ("Bytes", True), ("MS", True), ("percentage", True),
                                          ("/ sec", False), ("errps", False), ("connections", False), ("s", False)])
def test_dsh017_flags_misspelt_ids_not_custom_suffixes(unit, flagged):
    panel = {"id": 1, "type": "timeseries", "title": "P", "fieldConfig": {"defaults": {"unit": unit}}, "targets": []}
    assert ("DSH017" in _dash_findings([panel])) is flagged


def test_datasource_variables_are_resolved_for_their_plugin_type():
    loki_ds = {"name": "datasource", "type": "datasource", "query": "loki"}
    loki_var = {"name": "cluster", "type": "query", "datasource": {"uid": "$datasource"}, "refresh": 2,
                "query": "label_values({}, cluster)"}
    logs = {"id": 1, "type": "logs", "title": "Logs", "datasource": {"uid": "$datasource"},
            "targets": [{"refId": "A", "expr": '{app="a"}'}]}
    codes = _dash_findings([logs], [loki_ds, loki_var])
    assert "DSH018" not in codes and "DSH001" not in codes
    prom_ds = {"name": "datasource", "type": "datasource", "query": "prometheus"}
    prom_var = dict(loki_var, query="label_values(up{, cluster)")
    assert "DSH018" in _dash_findings([], [prom_ds, prom_var])


def test_counter_totals_in_stat_and_table_panels_and_increase_per_interval_are_fine():
    def panel(kind, expr):
        return {"id": 1, "type": kind, "title": "P", "fieldConfig": {"defaults": {"unit": "short"}},
                "targets": [{"refId": "A", "expr": expr}]}
    assert "PQL003" not in _dash_findings([panel("stat", "sum(errors_total)")])
    assert "PQL003" not in _dash_findings([panel("table", "sum by (job) (errors_total)")])
    assert "PQL003" in _dash_findings([panel("timeseries", "sum(errors_total)")])
    assert "PQL010" not in _dash_findings([panel("barchart", "sum(increase(errors_total[$__interval]))")])
    assert "PQL010" in _dash_findings([panel("timeseries", "sum(rate(errors_total[$__interval]))")])
