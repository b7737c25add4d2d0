"""Wrong arguments to the authoring API are caught at the call: file, line, function and parameter (issue 15)."""
from __future__ import annotations

import pytest

from gdash import AlertGroup, Dashboard, Route, prom, timeseries
from gdash.authoring.checks import AuthoringError
from gdash.errors import ProjectError
from gdash.project import load_project

HEAD = ("from gdash import Dashboard, Row, timeseries, stat, prom, loki, query_var, custom_var, alert_rule, "
        "AlertGroup, Route, Policy, ContactPoint, slack\n")

CASES = [
    ("timeseries('a', 'up')", "timeseries(): query 1 must be prom(...) or loki(...), got str 'up'",
     "wrap the query: timeseries(title, prom('up'))"),
    ("timeseries('a', prom('up'), thresholds='80')", "timeseries(): thresholds must be a list of numbers", None),
    ("timeseries('a', prom('up'), w=30)", "timeseries(): w=30 is out of range (1 to 24)", None),
    ("timeseries('a', prom('up'), w=0)", "timeseries(): w=0 is out of range (1 to 24)", None),
    ("timeseries('a', prom('up'), w=True)", "timeseries(): w must be a whole number, got bool True", None),
    ("stat('a', prom('up'), h=-1)", "stat(): h=-1 is out of range", None),
    ("Dashboard('A', uid='a', folder=5)", "Dashboard(): folder must be a string, got int 5", None),
    ("Dashboard('A', uid='a', folder='x' * 300)", "Dashboard(): folder is too long to be a file name", None),
    ("Dashboard('A', uid='a', variables=['job'])", "Dashboard(): variables[0] must be a variable", None),
    ("Dashboard('A', uid='a', tags='prod')", "Dashboard(): tags must be a list of strings, got str 'prod'", None),
    ("Dashboard('A', uid='a', tooltip='none')", "Dashboard(): tooltip must be one of", None),
    ("Dashboard('A', uid='a', extra=5)", "Dashboard(): extra must be a dict (merged into the JSON), got int 5", None),
    ("Dashboard('\\ud800', uid='a')", "Dashboard(): title contains a lone surrogate", None),
    ("timeseries('a', prom('up'), extra={'x': float('nan')})", "timeseries(): extra has nan at x", None),
    ("timeseries('a', prom('up'), extra={1: 'x'})", "timeseries(): extra has a key int 1 at the top", None),
    ("prom(5)", "prom(): expr must be a string, got int 5", None),
    ("loki('{a=\"b\"}', legend=3)", "loki(): legend must be a string, got int 3", None),
    ("Route(receiver='x', matchers=5)", "Route(): matchers must be a dict, got int 5", None),
    ("Route(receiver='x', routes=[5])", "Route(): routes[0] must be a Route(...), got int 5", None),
    ("Policy(receiver='x', repeat_interval='often')", "Policy(): repeat_interval must be a duration", None),
    ("AlertGroup('g', 5)", "AlertGroup(): rules[0] must be an alert_rule(...)", None),
    ("query_var('job', 'label_values(job)', sort='random')", "query_var(): sort must be one of", None),
    ("custom_var('env', [])", "custom_var(): values must not be empty", None),
    ("alert_rule('A', 'up', threshold='5', severity='critical', team='t', summary='s', description='d', "
     "runbook_url='r')", "alert_rule(): threshold must be a number, got str '5'", None),
    ("alert_rule('A', 'up', threshold=5, severity='critical', team='t', summary='s', description='d', "
     "runbook_url='r', no_data='Maybe')", "alert_rule(): no_data must be one of", None),
    ("slack(url_env='not a var')", "slack(): url_env must be an environment variable name", None),
]


@pytest.mark.parametrize("call,message,hint", CASES, ids=[c[0][:40] for c in CASES])
def test_wrong_argument_is_caught_at_the_users_line(make_project, call, message, hint):
    root = make_project({"dashboards/bad.py": HEAD + "\n\nx = " + call + "\n"})
    with pytest.raises(ProjectError) as error:
        load_project(root)
    assert error.value.one_line().startswith(f"dashboards/bad.py:4: {message}"), error.value.one_line()
    if hint:
        assert error.value.hint == hint


def test_self_referencing_extra_is_refused_not_a_recursion():
    extra: dict = {"a": {}}
    extra["a"]["b"] = extra
    with pytest.raises(AuthoringError, match=r"extra contains itself at a.b"):
        Dashboard("A", uid="a", extra=extra)


def test_the_error_points_at_the_callers_file_even_through_a_helper(make_project):
    root = make_project({
        "dashboards/_common.py": "from gdash import timeseries\n\ndef panel(q):\n    return timeseries('t', q)\n",
        "dashboards/d.py": "from gdash import Dashboard\nfrom dashboards._common import panel\n\n"
                           "dashboard = Dashboard('A', uid='a', panels=[panel('up')])\n",
    })
    with pytest.raises(ProjectError, match=r"^dashboards/_common.py:4: timeseries\(\): query 1"):
        load_project(root)


def test_authoring_errors_are_type_errors_for_python_code():
    with pytest.raises(TypeError):
        timeseries("a", "up")
    with pytest.raises(TypeError):
        Route(receiver="x", matchers=5)
    with pytest.raises(TypeError):
        AlertGroup("g", folder="")


def test_valid_calls_are_unchanged():
    panel = timeseries("a", prom("up"), w=24, h=1, thresholds=[(None, "green"), (80, "red")], extra={"x": [1, None]})
    assert panel._gdash_size == (24, 1)
    assert Dashboard("A", uid="a", tags=(t for t in ["b", "a"])).tags == ["a", "b"]  # a generator still works


def test_wrong_argument_through_the_cli(make_project, gdash):
    root = make_project({"dashboards/bad.py": HEAD + "dashboard = Dashboard('A', uid='a', panels=[timeseries('a', 'up')])\n"})
    result = gdash("build", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == ("error: dashboards/bad.py:2: timeseries(): query 1 must be prom(...) or "
                                             "loki(...), got str 'up'")
