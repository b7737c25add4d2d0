"""Checks against a live Prometheus (``gdash lint --prometheus URL``)."""
from .series import CODE, check_live_series, live_lint, metric_names, register_rule

__all__ = ["CODE", "check_live_series", "live_lint", "metric_names", "register_rule"]
