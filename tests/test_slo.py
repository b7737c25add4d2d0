"""SLOs as code: burn-rate alerts (tested with the real promtool through `gdash test`), recording rules
for the Prometheus export (checked and unit-tested with promtool) and the SLO dashboard."""
from __future__ import annotations

import subprocess
import textwrap

import promql_parser
import pytest
import yaml

from gdash import SLO, prom
from gdash.alerttest import run_alert_tests
from gdash.errors import ProjectError
from gdash.project import load_project

SLO_FILE = """
    from gdash import SLO, prom

    slos = [SLO("checkout", objective=0.999, window="30d", team="shop",
                good=prom('requests_total{job="shop", code!~"5.."}'), total=prom('requests_total{job="shop"}'))]
"""


def _windows(expr: str) -> set[str]:
    """Every range window of a PromQL expression, as written (5m, 1h ...)."""
    found = set()

    def visit(node):
        if isinstance(node, promql_parser.MatrixSelector):
            found.add(f"{int(node.range.total_seconds())}s")
        for name in ("expr", "lhs", "rhs", "param"):
            child = getattr(node, name, None)
            if isinstance(child, promql_parser.Expr):
                visit(child)
        for child in getattr(node, "args", None) or []:
            visit(child)

    visit(promql_parser.parse(expr))
    return found


def _seconds(*windows: str) -> set[str]:
    units = {"m": 60, "h": 3600, "d": 86400}
    return {f"{int(w[:-1]) * units[w[-1]]}s" for w in windows}


def test_page_and_ticket_rules_follow_the_sre_workbook():
    slo = SLO("checkout", good=prom('requests_total{code!~"5.."}'), total=prom("requests_total"), team="shop")
    page, ticket = slo.group.rules
    assert (page.title, page.labels, page.evaluateFor) == (
        "CheckoutFastBurn", {"severity": "critical", "team": "shop", "slo": "checkout"}, "2m")
    assert (ticket.title, ticket.labels["severity"], ticket.evaluateFor) == ("CheckoutSlowBurn", "warning", "15m")
    page_expr, ticket_expr = (rule.triggers[0].expr for rule in slo.group.rules)
    assert _windows(page_expr) == _seconds("1h", "5m", "6h", "30m")
    assert _windows(ticket_expr) == _seconds("1d", "2h", "3d", "6h")
    assert "/ 0.001 > 14.4 and" in page_expr and "/ 0.001 > 6 and" in page_expr and page_expr.endswith("or vector(0)")
    assert "/ 0.001 > 3 and" in ticket_expr and "/ 0.001 > 1 and" in ticket_expr
    assert slo.group.folder == "SLO alerts" and slo.group.name == "slo-checkout"


@pytest.mark.parametrize("burn, pages", [(20, True), (7, True), (5, False), (1, False)])
def test_the_page_fires_within_minutes_above_6x_and_never_below(make_project, burn, pages):
    """A constant burn from the start: both windows of a pair see the same ratio, so the page fires
    after `for: 2m` for any burn over 6 (the 6h/30m pair), and never for less."""
    bad = burn  # of 1000 requests per minute: burn x 0.1 % budget
    root = make_project({"alerts/slo.py": SLO_FILE, "alerts/tests/slo.yaml": f"""
        tests:
          - name: burn {burn}x
            series:
              'requests_total{{job="shop", code="200"}}': 0+{1000 - bad}x600
              'requests_total{{job="shop", code="500"}}': 0+{bad}x600
            expect:
              - rule: CheckoutFastBurn
                at: {"6m" if pages else "10h"}
                firing: {"[{labels: {}}]" if pages else "[]"}
              - rule: CheckoutFastBurn
                at: 1m
                firing: []
    """})
    outcomes = run_alert_tests(load_project(root))
    assert [o.failure for o in outcomes] == [None, None]


def test_prometheus_export_has_the_recording_rules_and_the_alerts_and_passes_promtool(make_project, gdash, tmp_path):
    root = make_project({"alerts/slo.py": SLO_FILE})
    out = tmp_path / "rules"
    result = gdash("export", "prometheus", "--out", str(out), "--check", cwd=root)
    assert result.returncode == 0, result.stderr
    recording = yaml.safe_load((out / "slo-recording-rules.yaml").read_text())
    (group,) = recording["groups"]
    assert [r["record"] for r in group["rules"]] == [f"slo:sli_error:ratio_rate{w}" for w in
                                                   ("5m", "30m", "1h", "2h", "6h", "1d", "3d")] + ["slo:objective:ratio"]
    assert all(r["labels"] == {"slo": "checkout"} for r in group["rules"])
    alerts = yaml.safe_load((out / "slo-alerts.yaml").read_text())
    assert [r["alert"] for g in alerts["groups"] for r in g["rules"]] == ["CheckoutFastBurn", "CheckoutSlowBurn"]

    # the recorded ratio is the share of bad requests (promtool's own unit test runner)
    (tmp_path / "test.yaml").write_text(textwrap.dedent(f"""
        rule_files: [{out / 'slo-recording-rules.yaml'}]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'requests_total{{job="shop", code="200"}}'
                values: 0+3x30
              - series: 'requests_total{{job="shop", code="500"}}'
                values: 0+1x30
            promql_expr_test:
              - expr: slo:sli_error:ratio_rate5m
                eval_time: 20m
                exp_samples:
                  - labels: 'slo:sli_error:ratio_rate5m{{slo="checkout"}}'
                    value: 0.25
    """))
    check = subprocess.run(["promtool", "test", "rules", str(tmp_path / "test.yaml")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_slo_dashboard_has_a_row_per_slo(seed_root):
    project = load_project(seed_root)
    board = project.dashboard("slos")
    rows = [p["title"] for p in board.model["panels"] if p["type"] == "row"]
    assert rows == ["SLO api-availability", "SLO api-latency", "SLO trading-order-success"]
    titles = {p["title"] for p in board.model["panels"]} | {c["title"] for p in board.model["panels"] for c in p.get("panels", [])}
    assert {"api-latency objective", "api-latency SLI (30d)", "api-latency error budget remaining",
            "api-latency burn rate"} <= titles
    assert board.source.path == "alerts/slo.py" and len(project.recording_rules) == 3


@pytest.mark.parametrize("kwargs, message", [
    ({"objective": 1.0}, "objective must be a ratio between 0 and 1"),
    ({"objective": 99.9}, "objective must be a ratio between 0 and 1"),
    ({"window": "a month"}, "is not a duration"),
    ({"good": prom('sum(rate(requests_total[5m]))')}, "is a counter selector"),
    ({"name": "Checkout API"}, "must be lower-case words joined by '-'"),
])
def test_bad_slos_are_one_line_errors(kwargs, message):
    arguments = {"name": "checkout", "good": prom("ok_total"), "total": prom("all_total"), **kwargs}
    with pytest.raises(ValueError) as raised:
        SLO(arguments.pop("name"), **arguments)
    assert message in str(raised.value)


def test_two_slos_of_one_name_are_refused_with_a_location(make_project):
    root = make_project({"alerts/slo.py": SLO_FILE, "alerts/more.py": SLO_FILE})
    with pytest.raises(ProjectError, match="duplicate SLO 'checkout'"):
        load_project(root)
