"""`gdash test`: alert unit tests for Grafana-managed rules, run by the real `promtool test rules`."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gdash.alerttest import load_tests, run_alert_tests
from gdash.errors import ConfigError
from gdash.project import load_project
from gdash.promexport import TranslationError

needs_promtool = pytest.mark.skipif(shutil.which("promtool") is None,
                                    reason="promtool not installed (Debian package `prometheus`)")

RULES = """
from gdash import AlertGroup, alert_rule

group = AlertGroup(
    "api",
    alert_rule("HighErrorRate",
               'sum by (job) (rate(http_requests_total{{status=~"5.."}}[5m])) / sum by (job) (rate(http_requests_total[5m]))',
               op="gt", threshold={threshold}, for_="5m", severity="critical", team="backend",
               summary="errors on {{{{ $labels.job }}}}", description="{{{{ humanizePercentage $values.B.Value }}}}",
               runbook_url="https://runbooks.example.com"),
    folder="Backend alerts",
)
"""

SIX_PERCENT = """
tests:
  - name: fires at 6 %
    series:
      'http_requests_total{job="api", status="500"}': 0+6x30
      'http_requests_total{job="api", status="200"}': 0+94x30
    expect:
      - rule: HighErrorRate
        at: 10m
        firing:
          - labels: {job: api}
            annotations: {description: 6%}
"""


def _project(make_project, threshold: float = 0.05, tests: str = SIX_PERCENT) -> Path:
    return make_project({"alerts/api.py": RULES.format(threshold=threshold), "alerts/tests/api.yaml": tests})


@needs_promtool
def test_seed_alert_tests_pass(seed_root, gdash):
    result = gdash("test", cwd=seed_root)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    tests, expectations = summary.split(" alert tests, ")
    assert int(tests) >= 10 and summary.endswith(", 0 failed")
    names = {t.name for path in sorted((seed_root / "alerts/tests").glob("*.yaml")) for t in load_tests(path, path.name)}
    assert {"HighErrorRate fires when 6 % of requests fail for 5 minutes", "HighErrorRate stays quiet at 4 % errors",
            "ServiceDown fires only after being down for its 1 minute",
            "DbConnectionSaturation fires at 85 % of max connections"} <= names


@needs_promtool
def test_tests_catch_a_changed_threshold_and_report_in_alert_terms(make_project, gdash):
    assert gdash("test", cwd=_project(make_project, threshold=0.05)).returncode == 0
    root = _project(make_project, threshold=0.07)
    result = gdash("test", cwd=root)
    assert result.returncode == 1
    assert result.stderr.strip() == ('FAIL alerts/tests/api.yaml:7: fires at 6 %: HighErrorRate at 10m: '
                                     'expected firing {job="api"} with description=\'6%\'; got no alert firing')
    assert result.stdout.strip() == "1 alert tests, 1 expectations: 0 passed, 1 failed"


@needs_promtool
def test_wrong_annotation_and_unexpected_alert_are_reported_with_what_fired(make_project):
    tests = SIX_PERCENT.replace("{description: 6%}", "{description: 7%}") + """
  - name: quiet while pending
    series:
      'http_requests_total{job="api", status="500"}': 0+6x30
      'http_requests_total{job="api", status="200"}': 0+94x30
    expect:
      - rule: HighErrorRate
        at: 7m
        firing: []
"""
    outcomes = run_alert_tests(load_project(_project(make_project, tests=tests)))
    assert [o.failure for o in outcomes] == [
        "expected firing {job=\"api\"} with description='7%'; got firing {job=\"api\"} with description='6%'",
        'expected no alert firing; got firing {job="api"}',
    ]
    assert [str(o.expectation.location) for o in outcomes] == ["alerts/tests/api.yaml:7", "alerts/tests/api.yaml:18"]


@pytest.mark.parametrize("broken, message, line", [
    ("0+6x30", "series http_requests_total{job=\"api\", status=\"500\"}: '0+6y30' is not a sample", 4),
    ("at: 10m", "at '10 minutes' is not a duration", 8),
    ("rule: HighErrorRate", "no alert rule titled 'HighErorRate'", 7),
    ("'http_requests_total{job=\"api\", status=\"500\"}'", "series 'sum(http_requests_total)' is not a metric with labels", 4),
    ("expect:", "a test has unknown key 'expects'", 2),
])
def test_malformed_test_files_are_one_line_errors_with_a_line(make_project, gdash, broken, message, line):
    replacement = {"0+6x30": "0+6y30", "at: 10m": "at: 10 minutes", "rule: HighErrorRate": "rule: HighErorRate",
                   "expect:": "expects:"}.get(broken, "'sum(http_requests_total)'")
    root = _project(make_project, tests=SIX_PERCENT.replace(broken, replacement, 1))
    result = gdash("test", cwd=root)
    assert result.returncode == 2, result.stderr
    first, hint = result.stderr.splitlines()[:2]
    assert first == f"error: alerts/tests/api.yaml:{line}: {message}"
    assert hint.startswith("hint: ") and "Traceback" not in result.stderr


def test_rule_without_exact_translation_cannot_be_tested(make_project):
    root = _project(make_project)
    source = (root / "alerts/api.py").read_text().replace('runbook_url="https://runbooks.example.com")',
                                                          'runbook_url="https://runbooks.example.com", '
                                                          'description="{{ $values.C.Value }}")')
    (root / "alerts/api.py").write_text(source.replace('description="{{ humanizePercentage $values.B.Value }}",', ""))
    with pytest.raises(TranslationError) as error:
        run_alert_tests(load_project(root))
    assert str(error.value.location) == "alerts/tests/api.yaml:7"
    assert error.value.message.startswith("cannot test 'HighErrorRate' (defined at alerts/api.py:")
    assert "an annotation reads $values.C" in error.value.message


def test_no_test_files_is_a_clear_error(make_project):
    root = make_project({"alerts/api.py": RULES.format(threshold=0.05)})
    with pytest.raises(ConfigError, match="no alert tests found"):
        run_alert_tests(load_project(root))


def test_missing_promtool_is_a_one_line_error(make_project, gdash, tmp_path):
    root = _project(make_project)
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = gdash("test", cwd=root, env={"PATH": str(empty)})
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["error: promtool is not installed (not found on PATH)",
                                          "hint: install it, e.g. `apt-get install prometheus`"]


@needs_promtool
def test_sample_interval_is_taken_from_the_file_and_overridable_per_test(make_project):
    down = """
  - name: {name}
    {interval}series:
      'up{{job="api", instance="a:1"}}': 1 1 0 0 0 0 0 0
    expect:
      - rule: ServiceDown
        at: 2m
        firing: [{firing}]
"""
    tests = ("interval: 30s\ntests:" + down.format(name="30 s samples, down from 1m, firing at 2m", interval="",
                                                   firing="{labels: {job: api, instance: 'a:1'}}")
             + down.format(name="1 m samples, down from 2m, pending at 2m", interval="interval: 1m\n    ", firing=""))
    root = make_project({"alerts/api.py": RULES.format(threshold=0.05).replace('"HighErrorRate"', '"Unused"') + """
from gdash import alert_rule as _rule
group.rules.append(_rule("ServiceDown", "up", op="eq", threshold=0, for_="1m", severity="critical", team="p",
                         summary="s", description="d", runbook_url="https://runbooks.example.com"))
""", "alerts/tests/api.yaml": tests})
    loaded = load_tests(root / "alerts/tests/api.yaml", "api.yaml")
    assert [t.interval for t in loaded] == ["30s", "1m"]
    assert [o.failure for o in run_alert_tests(load_project(root))] == [None, None]
