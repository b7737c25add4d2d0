"""The rule catalog. Importing this package registers every rule in :data:`RULES`."""
from . import alerts, dashboards, files, live, logql, loki, promql  # noqa: F401  (registration side effects)
from .registry import RULES, Rule, rules_for

__all__ = ["RULES", "Rule", "rules_for"]
