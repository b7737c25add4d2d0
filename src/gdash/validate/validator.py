"""Schema validation whose errors name the dashboard, the panel title and the JSON path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import schemas
from ..compile.documents import alerting_document, notifications_document
from ..errors import Location
from ..model import CompiledDashboard, CompiledRuleGroup, Project
from ..schemas import json_path

DASHBOARD_SCHEMA = "dashboard.schema.json"
ALERTING_SCHEMA = "alerting.schema.json"


@dataclass(frozen=True)
class Problem:
    location: Location | None
    subject: str  # e.g. "dashboard 'API Performance', panel 'Requests/s'"
    path: str  # JSON path, e.g. "$.panels[3].gridPos.w"
    message: str

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}{self.subject}: {self.path}: {self.message}"


def is_valid_dashboard_model(model: dict[str, Any]) -> bool:
    return schemas.is_valid(DASHBOARD_SCHEMA, model)


def _panel_at(model: dict[str, Any], parts: list[Any]) -> dict[str, Any] | None:
    """The (innermost) panel a JSON path points into, if any."""
    panel = None
    node: Any = model
    for index, part in enumerate(parts):
        node = node[part]
        if isinstance(part, int) and index > 0 and parts[index - 1] == "panels" and isinstance(node, dict):
            panel = node
    return panel


def validate_dashboard(dashboard: CompiledDashboard) -> list[Problem]:
    # A dashboard kept as its output text was checked when it was compiled (gdash.compile.stored).
    if getattr(dashboard, "validated", False):
        return []
    problems = []
    for error in schemas.errors(DASHBOARD_SCHEMA, dashboard.model):
        parts = list(error.absolute_path)
        panel = _panel_at(dashboard.model, parts)
        subject = f"dashboard {dashboard.title!r}"
        location = dashboard.source
        if panel is not None:
            subject += f", panel {panel.get('title', '')!r}"
            location = dashboard.panel_locations.get(panel.get("id"), location)
        problems.append(Problem(location, subject, json_path(parts), error.message))
    return problems


def _rule_problems(group: CompiledRuleGroup) -> list[Problem]:
    """What a schema cannot say: the condition and expressions refer to queries that exist."""
    problems = []
    for index, rule in enumerate(group.rules):
        ref_ids = {query["refId"] for query in rule.get("data", [])}
        location = group.rule_locations.get(rule.get("uid", ""), group.source)
        subject = f"alert rule {rule.get('title')!r}"
        if rule.get("condition") not in ref_ids:
            problems.append(
                Problem(
                    location,
                    subject,
                    f"$.rules[{index}].condition",
                    f"condition {rule.get('condition')!r} is not one of the rule's refIds {sorted(ref_ids)}",
                )
            )
        for query_index, query in enumerate(rule.get("data", [])):
            source = query["model"].get("expression")
            if query["model"].get("type") in ("reduce", "resample") and source not in ref_ids:
                problems.append(
                    Problem(
                        location,
                        subject,
                        f"$.rules[{index}].data[{query_index}].model.expression",
                        f"expression input {source!r} is not one of the rule's refIds {sorted(ref_ids)}",
                    )
                )
    return problems


def validate_alerting(
    document: dict[str, Any],
    *,
    groups: Iterable[CompiledRuleGroup] = (),
    source: Location | None = None,
    cache: Any = None,
) -> list[Problem]:
    """Validate one alerting provisioning document; ``groups`` give rule locations for messages.

    ``cache`` (a ``gdash.cache.CompileCache``) remembers documents found valid, so an unchanged
    project does not even compile the schema."""
    by_index = {index: group for index, group in enumerate(groups)}
    problems = []
    errors = []
    if cache is None or not cache.known_valid(ALERTING_SCHEMA, document):
        errors = schemas.errors(ALERTING_SCHEMA, document)
        if cache is not None and not errors:
            cache.remember_valid(ALERTING_SCHEMA, document)
    for error in errors:
        parts = list(error.absolute_path)
        location, subject = source, "alerting"
        if len(parts) >= 2 and parts[0] == "groups" and parts[1] in by_index:
            group = by_index[parts[1]]
            location, subject = group.source, f"rule group {group.name!r}"
            if len(parts) >= 4 and parts[2] == "rules":
                rule = group.rules[int(parts[3])]
                location = group.rule_locations.get(rule.get("uid", ""), location)
                subject = f"alert rule {rule.get('title')!r}"
        problems.append(Problem(location, subject, json_path(parts), error.message))
    for group in groups:
        problems.extend(_rule_problems(group))
    return problems


def _policy_problems(project: Project) -> list[Problem]:
    if not project.policies:
        return []
    names = {point["name"] for point in project.contact_points}
    problems = []

    def walk(route: dict[str, Any], path: str) -> None:
        if route["receiver"] not in names:
            problems.append(
                Problem(
                    None,
                    "notification policy",
                    f"{path}.receiver",
                    f"receiver {route['receiver']!r} is not a defined contact point {sorted(names)}",
                )
            )
        for index, child in enumerate(route.get("routes", [])):
            walk(child, f"{path}.routes[{index}]")

    walk(project.policies, "$.policies[0]")
    return problems


def validate_project(project: Project) -> list[Problem]:
    problems: list[Problem] = []
    for dashboard in project.dashboards:
        problems.extend(validate_dashboard(dashboard))
    cache = getattr(project, "compile_cache", None)  # set by load_project when it used one
    problems.extend(validate_alerting(alerting_document(project.rule_groups), groups=project.rule_groups, cache=cache))
    problems.extend(validate_alerting(notifications_document(project), cache=cache))
    problems.extend(_policy_problems(project))
    from .notifications import notification_problems  # inhibition and mute timings against the rules

    problems.extend(notification_problems(project))
    return problems
