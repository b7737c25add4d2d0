"""Validate compiled dashboards and alerting documents against the JSON Schemas shipped in gdash."""

from .validator import (
    Problem,
    alerting_document,
    notifications_document,
    validate_alerting,
    validate_dashboard,
    validate_project,
)

__all__ = [
    "Problem",
    "alerting_document",
    "notifications_document",
    "validate_alerting",
    "validate_dashboard",
    "validate_project",
]
