"""Under CI a skipped test fails the run (tests/conftest.py); locally it stays a visible skip."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).with_name("conftest.py")


def _run_suite(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('gdash_tests_conftest', {str(CONFTEST)!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "pytest_runtest_makereport = module.pytest_runtest_makereport\n")
    (tmp_path / "test_tools.py").write_text(
        "import pytest\n"
        "@pytest.mark.skipif(True, reason='promtool not installed')\n"
        "def test_marked(): pass\n"
        "def test_imperative(): pytest.skip('../shared absent')\n"
        "@pytest.mark.xfail(reason='known')\n"
        "def test_xfail(): assert False\n"
        "def test_plain(): assert True\n")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_skips_fail_under_ci(tmp_path):
    result = _run_suite(tmp_path, ci=True)
    assert result.returncode == 1, result.stdout
    assert "install step is missing" in result.stdout and "promtool not installed" in result.stdout
    assert "../shared absent" in result.stdout
    assert "1 xfailed" in result.stdout  # an expected failure is not a missing tool


def test_skips_stay_visible_locally(tmp_path):
    result = _run_suite(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout
    assert "2 skipped" in result.stdout
