"""Checks against a live Prometheus (``gdash lint --prometheus URL [--check-data]``)."""

from .data import check_data, data_lint, data_queries, substitute
from .series import CODE, check_live_series, live_lint, metric_names

__all__ = [
    "CODE",
    "check_data",
    "check_live_series",
    "data_lint",
    "data_queries",
    "live_lint",
    "metric_names",
    "substitute",
]
