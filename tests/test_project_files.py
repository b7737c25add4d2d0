"""Whatever dashboards/*.py and alerts/*.py do, gdash ends with exit code 0, 1 or 2 and one line (issue 15)."""
from __future__ import annotations

import re

import pytest

from gdash.errors import ProjectError
from gdash.project import load_project

GOOD = "from gdash import Dashboard\ndashboard = Dashboard('A', uid='a')\n"

BROKEN = [
    ("import sys\nsys.exit(3)\n", "SystemExit: sys.exit(3) was called", 2),
    ("raise SystemExit\n", "SystemExit: sys.exit() was called", 1),
    ("raise BaseException('odd')\n", "BaseException: odd", 1),
    ("raise GeneratorExit\n", "GeneratorExit", 1),
    ("raise KeyboardInterrupt\n", "KeyboardInterrupt", 1),
    ("class E(Exception):\n    def __str__(self):\n        raise ValueError\n\nraise E()\n",
     "E: <the exception's message cannot be shown>", 5),
    ("def f():\n    return f()\n\nf()\n", "RecursionError: maximum recursion depth exceeded", 2),
    ("raise ValueError('x' * 100000 + '\\nsecond line')\n", "ValueError: xxx", 1),
    ("x = '\0'\n", "(cannot compile: ValueError|SyntaxError): source code string cannot contain null bytes", None),
    ("x = " + "(" * 300 + ")" * 300 + "\n", "SyntaxError", 1),
    # compile time: objects the user built make gdash's compiler fail
    ("from grafanalib import core\nfrom gdash import Dashboard\n"
     "class P(core.TimeSeries):\n    def to_json_data(self):\n        raise RuntimeError('mine')\n"
     "dashboard = Dashboard('A', uid='a', panels=[P(title='p')])\n", "cannot compile: RuntimeError: mine", 6),
]


@pytest.mark.parametrize("source,message,line", BROKEN)
def test_broken_dashboard_file_is_one_line(make_project, source, message, line):
    root = make_project({"dashboards/bad.py": source})
    with pytest.raises(ProjectError) as error:
        load_project(root)
    text = error.value.one_line()
    where = f"dashboards/bad.py:{line}: " if line else "dashboards/bad.py: "
    assert re.match(re.escape(where) + (message if message.startswith("(") else re.escape(message)), text), text
    assert "\n" not in text and len(text) < 400


def test_sys_exit_in_an_alert_file_through_the_cli(make_project, gdash):
    root = make_project({"dashboards/ok.py": GOOD, "alerts/bad.py": "import sys\nsys.exit(3)\n"})
    result = gdash("validate", cwd=root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "error: alerts/bad.py:2: SystemExit: sys.exit(3) was called"
    assert "Traceback" not in result.stderr


def test_huge_output_is_cut_and_goes_to_stderr(make_project, gdash):
    root = make_project({"dashboards/loud.py": "print('x' * 5_000_000)\n" + GOOD})
    result = gdash("list", "--format", "json", cwd=root)
    assert result.returncode == 0
    assert result.stdout.startswith("{")  # stdout stays gdash's own (machine-readable) output
    assert len(result.stderr) < 10_000 and "more characters of output not shown" in result.stderr


def test_more_than_26_queries_get_ref_ids(make_project):
    root = make_project({"dashboards/many.py": "from gdash import Dashboard, timeseries, prom\n"
                                                "dashboard = Dashboard('A', uid='a', panels=[timeseries('t', "
                                                "*[prom(f'up{{i=\"{i}\"}}') for i in range(30)])])\n"})
    panel = load_project(root).dashboards[0].model["panels"][0]
    ref_ids = [t["refId"] for t in panel["targets"]]
    assert ref_ids[:2] == ["A", "B"] and ref_ids[26:28] == ["AA", "AB"] and len(set(ref_ids)) == 30


def test_templates_must_be_text(make_project):
    root = make_project({"alerts/t.py": "templates = {1: 'x'}\n"})
    with pytest.raises(ProjectError, match="'templates' entry 1 is not text -> text"):
        load_project(root)
