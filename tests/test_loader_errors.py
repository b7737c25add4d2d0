"""Every way a user's file can fail is one line with file and line, a hint, and the right exit code."""
from __future__ import annotations

import pytest

GOOD = '''
from gdash import Dashboard, timeseries, prom
dashboard = Dashboard("Good", uid="good", panels=[timeseries("p", prom("up"), description="d")])
'''


def _assert_one_line(result, expected_start: str, code: int) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"error: {expected_start}"), lines
    assert lines[1].startswith("hint: ")
    assert len(lines) == 2


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from gdash import Dashboard\ndashboard = Dashboard(\n", "dashboards/bad.py:2: SyntaxError: "),
        ("from gdash import Dashboard\n\nx = rate(1)\n", "dashboards/bad.py:3: NameError: name 'rate' is not defined"),
        ("import gdash\n", "dashboards/bad.py: defines neither 'dashboard' nor 'dashboards'"),
        ("dashboard = {'title': 'x'}\n", "dashboards/bad.py: 'dashboard' is a dict, expected gdash.Dashboard"),
        ("from gdash import Dashboard\ndashboard = Dashboard('x', uid='a' * 41)\n",
         "dashboards/bad.py:2: dashboard 'x' uid 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is longer than 40 characters"),
        ("from gdash import Dashboard\ndashboard = Dashboard('x', uid='has space')\n",
         "dashboards/bad.py:2: dashboard 'x' uid 'has space' is not a valid uid"),
    ],
    ids=["syntax", "name-error", "missing-export", "wrong-type", "uid-too-long", "uid-bad-chars"],
)
def test_broken_dashboard_file_is_one_line(make_project, gdash, source, expected):
    root = make_project({"dashboards/good.py": GOOD, "dashboards/bad.py": source})
    _assert_one_line(gdash("build", "--out", "out", cwd=root), expected, 1)
    assert not (root / "out").exists(), "a failed build must not write anything"


def test_error_inside_a_helper_called_from_the_file_points_at_the_users_line(make_project, gdash):
    source = '''
    from gdash import Dashboard, timeseries, prom
    dashboard = Dashboard(
        "x", uid="x",
        panels=[timeseries("p", prom("up"), legend_calcs=["nonsense"])],
    )
    '''
    result = gdash("build", cwd=make_project({"dashboards/x.py": source}))
    assert result.returncode == 1
    assert result.stderr.startswith("error: dashboards/x.py:")
    assert "Traceback" not in result.stderr


def test_debug_flag_shows_the_traceback(make_project, gdash):
    root = make_project({"dashboards/bad.py": "x = rate(1)\n"})
    result = gdash("--debug", "build", cwd=root)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "dashboards/bad.py:1: NameError" in result.stderr


def test_duplicate_dashboard_uid_is_rejected(make_project, gdash):
    root = make_project({"dashboards/a.py": GOOD, "dashboards/b.py": GOOD.replace('"Good"', '"Other"')})
    result = gdash("build", cwd=root)
    _assert_one_line(result, "dashboards/b.py:2: duplicate dashboard uid 'good' (also defined at dashboards/a.py:2)", 1)


def test_duplicate_alert_rule_uid_is_rejected(make_project, gdash):
    rule = '''
    from gdash import AlertGroup, alert_rule
    group = AlertGroup("{name}", alert_rule("Down", "up", op="eq", threshold=0, severity="critical", team="t",
                       summary="s", description="d", runbook_url="https://r"))
    '''
    root = make_project({"alerts/a.py": rule.format(name="a"), "alerts/b.py": rule.format(name="b")})
    result = gdash("build", cwd=root)
    _assert_one_line(result, "alerts/b.py:2: duplicate alert rule uid 'down' (also defined at alerts/a.py:2)", 1)


def test_invalid_gdash_yaml_is_a_config_error(make_project, gdash):
    root = make_project({"dashboards/good.py": GOOD, "gdash.yaml": "environments:\n  prod: [unclosed\n"})
    _assert_one_line(gdash("build", cwd=root), "gdash.yaml:", 2)


def test_unknown_gdash_yaml_key_is_a_config_error(make_project, gdash):
    root = make_project({"dashboards/good.py": GOOD, "gdash.yaml": "enviroments: {}\n"})
    _assert_one_line(gdash("build", cwd=root), "gdash.yaml:1: unknown key 'enviroments'", 2)


def test_not_a_project_directory(tmp_path, gdash):
    result = gdash("build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no dashboards/ or alerts/ directory")


def test_helper_modules_are_shared_and_not_exported(make_project, gdash):
    root = make_project({
        "dashboards/_common.py": "from gdash import prom\nUP = prom('up')\n",
        "dashboards/x.py": "from gdash import Dashboard, stat\nfrom dashboards._common import UP\n"
                           "dashboard = Dashboard('x', uid='x', panels=[stat('up', UP, description='d')])\n",
    })
    result = gdash("build", "--out", "out", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "out/dashboards/general/x.json").is_file()
