"""The rule catalog. Importing this package registers every rule in :data:`RULES`."""

from . import (  # noqa: F401  (registration side effects)
    alert_checks,
    alerts,
    dashboard_checks,
    dashboards,
    data,
    files,
    live,
    logql,
    loki,
    promql,
    promql_semantics,
)
from .registry import RULES, Rule, rules_for

__all__ = ["RULES", "Rule", "rules_for"]
