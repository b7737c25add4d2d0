"""Validate compiled dashboards and alerting documents against the JSON Schemas shipped in gdash."""

from .validator import (
    Problem,
    validate_alerting,
    validate_dashboard,
    validate_project,
)

__all__ = [
    "Problem",
    "validate_alerting",
    "validate_dashboard",
    "validate_project",
]
