"""Compile authoring objects (grafanalib models) into Grafana's JSON, deterministically."""
from .alerts import compile_contact_points, compile_inhibit_rules, compile_mute_timings, compile_policy, compile_rule_group
from .dashboards import compile_dashboard, validate_uid

__all__ = ["compile_contact_points", "compile_inhibit_rules", "compile_mute_timings", "compile_policy", "compile_rule_group", "compile_dashboard", "validate_uid"]
