"""Alert unit tests for Grafana-managed rules, run by the real ``promtool test rules``."""

from .format import AlertTest, Expectation, ExpectedAlert, find_test_files, load_tests
from .runner import Outcome, run_alert_tests

__all__ = ["AlertTest", "ExpectedAlert", "Expectation", "Outcome", "find_test_files", "load_tests", "run_alert_tests"]
