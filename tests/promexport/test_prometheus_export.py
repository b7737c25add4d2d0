"""Grafana-managed rules -> Prometheus rules: exact translations checked by the real promtool, clear refusals."""
from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from gdash.project import load_project
from gdash.promexport import TranslationError, prometheus_rule, translate_project

needs_promtool = pytest.mark.skipif(shutil.which("promtool") is None,
                                    reason="promtool not installed (Debian package `prometheus`)")


@pytest.fixture(scope="module")
def seed_rules() -> dict[str, dict]:
    project = load_project(Path(__file__).resolve().parents[2])
    return {rule["title"]: rule for group in project.rule_groups for rule in group.rules}


# A Grafana-managed rule on Loki (LogQL): valid in Grafana, no Prometheus counterpart.
LOKI_RULE = """
from grafanalib import core
from gdash import AlertGroup, alert_rule, loki

common = dict(severity="warning", team="a", summary="s", description="d", runbook_url="https://r.example.com")
many_errors = core.AlertRulev9(
    title="ManyErrors", uid="many-errors", condition="C", labels={"severity": "warning"},
    triggers=[
        loki('sum(count_over_time({job="api"} |= "error" [5m]))', ref_id="A", datasource="loki"),
        core.AlertExpression(refId="B", expression="A", expressionType=core.EXP_TYPE_REDUCE, reduceFunction="last"),
        core.AlertExpression(refId="C", expression="$B > 10", expressionType=core.EXP_TYPE_MATH),
    ],
)
group = AlertGroup("logs", many_errors, alert_rule("Down", "up", op="eq", threshold=0, **common))
"""


def _node(rule: dict, ref: str) -> dict:
    return next(item for item in rule["data"] if item["refId"] == ref)


@needs_promtool
def test_seed_export_passes_promtool_check_rules(tmp_path, seed_root, gdash):
    out = tmp_path / "rules"
    result = gdash("export", "prometheus", "--out", str(out), "--check", cwd=seed_root)
    assert result.returncode == 0, result.stderr
    assert "exported 23 alert rules" in result.stdout and "0 rules skipped" in result.stdout  # 17 + 3 SLOs x 2
    files = sorted(p.name for p in out.glob("*.yaml"))
    assert files == ["backend-alerts.yaml", "infrastructure-alerts.yaml", "slo-alerts.yaml", "slo-recording-rules.yaml",
                     "trading-alerts.yaml"]
    check = subprocess.run(["promtool", "check", "rules", *map(str, sorted(out.glob("*.yaml")))],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 3 rules found" in check.stdout and "SUCCESS: 13 rules found" in check.stdout
    assert "SUCCESS: 6 rules found" in check.stdout and "SUCCESS: 24 rules found" in check.stdout  # SLO alerts, records
    api = yaml.safe_load((out / "backend-alerts.yaml").read_text())["groups"][0]
    assert api["name"] == "api" and api["interval"] == "1m"
    high_error = next(r for r in api["rules"] if r["alert"] == "HighErrorRate")
    # a set operation at the top is parenthesised, so the comparison applies to all of it
    assert high_error["expr"].startswith('((sum by (job) (rate(http_requests_total{job="api", status=~"5.."}[5m])) '
                                         '/ sum by (job) (rate(http_requests_total{job="api"}[5m]))) unless on() (')
    assert high_error["expr"].endswith(")) > 0.05")
    assert high_error["for"] == "5m"
    assert high_error["labels"] == {"severity": "critical", "team": "backend", "grafana_folder": "Backend alerts"}
    assert "{{ humanizePercentage $value }}" in high_error["annotations"]["description"]
    assert next(r for r in api["rules"] if r["alert"] == "ServiceDown")["expr"] == 'up{job="api"} == 0'


@needs_promtool
def test_promtool_check_really_rejects_a_broken_rule_file(tmp_path):
    from gdash.promexport import check_rule_files

    bad = tmp_path / "bad.yaml"
    bad.write_text("groups:\n- name: g\n  rules:\n  - alert: X\n    expr: sum(\n")
    report = check_rule_files([bad])
    assert report and "bad.yaml" in report


def test_rerun_is_stable_and_removes_files_of_vanished_folders(tmp_path, seed_root, gdash):
    out = tmp_path / "rules"
    assert gdash("export", "prometheus", "--out", str(out), cwd=seed_root).returncode == 0
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    (out / "stale.yaml").write_text("groups: []\n")  # not gdash's: kept
    manifest = out / ".gdash-export.json"
    manifest.write_text(manifest.read_text().replace('"files": [', '"files": [\n    "gone.yaml",'))
    (out / "gone.yaml").write_text("groups: []\n")  # gdash's (in the manifest) and no longer produced
    result = gdash("export", "prometheus", "--out", str(out), cwd=seed_root)
    assert result.returncode == 0 and "0 written" in result.stdout and "1 removed" in result.stdout
    assert not (out / "gone.yaml").exists() and (out / "stale.yaml").exists()
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*-alerts.yaml")} == {
        k: v for k, v in mtimes.items() if k.endswith("-alerts.yaml")}


def test_threshold_and_flipped_math_and_set_operators_translate_exactly(seed_rules):
    rule = copy.deepcopy(seed_rules["HighErrorRate"])
    _node(rule, "C")["model"]["expression"] = "0.05 <= ${B}"
    assert prometheus_rule(rule, folder="F")["expr"].endswith(" >= 0.05")
    _node(rule, "C")["model"] = {"refId": "C", "type": "threshold", "expression": "B",
                                 "conditions": [{"evaluator": {"type": "within_range", "params": [0.05, 0.5]}}]}
    assert prometheus_rule(rule, folder="F")["expr"].endswith(") > 0.05 < 0.5")
    _node(rule, "A")["model"]["expr"] = "up or absent(up)"
    _node(rule, "C")["model"] = {"refId": "C", "type": "math", "expression": "$B < 1"}
    assert prometheus_rule(rule, folder="F")["expr"] == "(up or absent(up)) < 1"
    # math directly on the instant query (no reduce) is the same filter
    rule["data"] = [item for item in rule["data"] if item["refId"] != "B"]
    rule["annotations"] = {"summary": "{{ $values.A.Value }} on {{ $values.A.Labels.job }}"}
    _node(rule, "C")["model"]["expression"] = "$A > 2"
    translated = prometheus_rule(rule, folder="F")
    assert translated["expr"] == "(up or absent(up)) > 2"
    assert translated["annotations"] == {"summary": "{{ $value }} on {{ $labels.job }}"}


@pytest.mark.parametrize("change, reason", [
    (lambda r: _node(r, "A").update(datasourceUid="gdash:loki", model={**_node(r, "A")["model"],
                                                                     "datasource": {"type": "loki", "uid": "gdash:loki"}}),
     "query A uses a loki datasource"),
    (lambda r: _node(r, "B")["model"].update(reducer="mean"), "reducer 'mean' (mode 'strict') on B"),
    (lambda r: _node(r, "B")["model"].update(settings={"mode": "dropNN"}), "reducer 'last' (mode 'dropNN') on B"),
    (lambda r: _node(r, "A")["model"].update(instant=False, range=True), "query A is a range query"),
    (lambda r: _node(r, "A")["model"].update(expr="rate(x[$__interval])"), "Grafana variable $__interval"),
    (lambda r: _node(r, "C")["model"].update(type="classic_conditions", conditions=[]), "classic conditions"),
    (lambda r: _node(r, "C")["model"].update(expression="$B > 1 && $B < 3"), "is not `$REF <comparison> <number>`"),
    (lambda r: r["annotations"].update(summary="{{ $values.C.Value }}"), "an annotation reads $values.C"),
    (lambda r: r.update(isPaused=True), "it is paused"),
])
def test_rules_without_exact_translation_are_refused_with_the_reason(seed_rules, change, reason):
    rule = copy.deepcopy(seed_rules["HighErrorRate"])
    change(rule)
    with pytest.raises(TranslationError) as error:
        prometheus_rule(rule, folder="F")
    assert error.value.message.startswith("alert rule 'HighErrorRate' has no exact Prometheus translation: ")
    assert reason in error.value.message and error.value.hint


def test_export_skips_untranslatable_rules_and_says_why(tmp_path, make_project, gdash):
    root = make_project({"alerts/logs.py": LOKI_RULE})
    project = load_project(root)
    translated, refused = translate_project(project)
    assert [t.title for t in translated] == ["Down"]
    assert len(refused) == 1 and refused[0].location.path == "alerts/logs.py"
    result = gdash("export", "prometheus", "--out", str(tmp_path / "out"), cwd=root)
    assert result.returncode == 0, result.stderr
    assert "skipped: alerts/logs.py:" in result.stderr
    assert ("alert rule 'ManyErrors' has no exact Prometheus translation: query A uses a loki datasource"
            in result.stderr)
    assert "exported 1 alert rules" in result.stdout and "1 rules skipped" in result.stdout


@needs_promtool
def test_export_prometheus_is_a_library_call_the_cli_only_prints(tmp_path, seed_root):
    from gdash.promexport import export_prometheus

    project = load_project(seed_root)
    first = export_prometheus(project, tmp_path / "rules", check=True)
    assert first.check_report is None and first.tree.written and not first.tree.unchanged
    assert {p.name for p in (tmp_path / "rules").glob("*.yaml")} == set(first.tree.written)
    again = export_prometheus(project, tmp_path / "rules")
    assert not again.tree.written and sorted(again.tree.unchanged) == sorted(first.tree.written)
    exported = {r["alert"] for f in (tmp_path / "rules").glob("*.yaml") for g in yaml.safe_load(f.read_text())["groups"]
                for r in g["rules"] if "alert" in r}  # the SLO recording rules are "record"s
    assert exported == {t.prometheus["alert"] for t in first.translated}
