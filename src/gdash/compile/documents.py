"""A compiled project's alerting provisioning documents: the files Grafana reads, as validated and written."""

from __future__ import annotations

from typing import Any

from ..model import CompiledRuleGroup, Project


def alerting_document(groups: list[CompiledRuleGroup], org_id: int = 1) -> dict[str, Any]:
    """The alert rules file (``apiVersion: 1``, ``groups``) of ``groups``."""
    return {"apiVersion": 1, "groups": [group.to_provisioning(org_id) for group in groups]}


def notifications_document(project: Project) -> dict[str, Any]:
    """The notifications file: contact points, policy tree, templates and mute timings that are set."""
    document: dict[str, Any] = {"apiVersion": 1}
    if project.contact_points:
        document["contactPoints"] = project.contact_points
    if project.policies:
        document["policies"] = [project.policies]
    if project.templates:
        document["templates"] = project.templates
    if project.mute_timings:
        document["muteTimes"] = project.mute_timings
    return document
