"""Compile authoring objects (grafanalib models) into Grafana's JSON, deterministically."""

from __future__ import annotations

from typing import Any

__all__ = [
    "alerting_document",
    "compile_contact_points",
    "compile_inhibit_rules",
    "compile_mute_timings",
    "compile_policy",
    "compile_rule_group",
    "compile_dashboard",
    "notifications_document",
    "validate_uid",
]

_MODULES = {
    "alerting_document": "documents",
    "notifications_document": "documents",
    "compile_contact_points": "alerts",
    "compile_inhibit_rules": "alerts",
    "compile_mute_timings": "alerts",
    "compile_policy": "alerts",
    "compile_rule_group": "alerts",
    "compile_dashboard": "dashboards",
    "validate_uid": "dashboards",
}


def __getattr__(name: str) -> Any:  # the compilers import grafanalib: only when something compiles
    if name in _MODULES:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
