"""Schema validation whose errors name the dashboard, the panel title and the JSON path."""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema

if TYPE_CHECKING:  # imported at run time only to explain invalid documents
    import jsonschema

from ..errors import Location
from ..model import CompiledDashboard, CompiledRuleGroup, Project


@dataclass(frozen=True)
class Problem:
    location: Location | None
    subject: str  # e.g. "dashboard 'API Performance', panel 'Requests/s'"
    path: str  # JSON path, e.g. "$.panels[3].gridPos.w"
    message: str

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}{self.subject}: {self.path}: {self.message}"


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("schemas", name).read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema  # only to explain invalid documents: importing it costs a fast run 50 ms

    schema = _schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


# Where compiled validators are kept between runs (the compile cache directory, set by
# gdash.project.load_project): generating one costs 50-90 ms, loading it back under 1 ms.
_CODE_CACHE: Path | None = None


def use_code_cache(directory: Path | None) -> None:
    global _CODE_CACHE
    _CODE_CACHE = directory


@cache
def _fast_check(name: str):
    """The same schema compiled to Python by fastjsonschema: about 10x faster than jsonschema,
    so valid documents (nearly all of them) cost little; jsonschema then explains invalid ones
    with every error and its path. The dashboard schema only uses keywords both drafts share."""
    return compiled_check(_schema(name), name, _CODE_CACHE)


def compiled_check(schema: dict[str, Any], label: str, code_cache: Path | None, *, use_default: bool = True):
    """fastjsonschema's validator for ``schema`` read as draft-07 (for schemas that only use
    keywords draft-07 shares with their own draft); kept compiled in ``code_cache`` if given.
    ``use_default=False``: the validator does not fill in the schema's defaults (it checks only)."""
    definition = {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}
    if code_cache is None:
        return fastjsonschema.compile(definition, use_default=use_default)
    text = json.dumps(definition, sort_keys=True)
    key = hashlib.sha256(f"{fastjsonschema.VERSION}\0{sys.version}\0{use_default}\0{text}".encode()).hexdigest()
    path = code_cache / f"validator-{key}.marshal"
    try:
        code = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        source = fastjsonschema.compile_to_code(definition, use_default=use_default)
        code = compile(source, f"<fastjsonschema {label}>", "exec")
        from ..cache import write_file

        try:
            write_file(path, marshal.dumps(code))
        except OSError:
            pass
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - code fastjsonschema generated from gdash's own schema
    return next(value for key, value in namespace.items() if key.startswith("validate_") and callable(value))


def is_valid_dashboard_model(model: dict[str, Any]) -> bool:
    return _fast_valid("dashboard.schema.json", model)


def _fast_valid(name: str, document: Any) -> bool:
    """True when ``document`` is valid; False means "let jsonschema look" (it may still be valid)."""
    try:
        _fast_check(name)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def json_path(parts: Iterable[Any]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


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
    if getattr(dashboard, "validated", False) or is_valid_dashboard_model(dashboard.model):
        return []
    problems = []
    errors = sorted(
        _validator("dashboard.schema.json").iter_errors(dashboard.model), key=lambda e: list(e.absolute_path)
    )
    for error in errors:
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
    name = "alerting.schema.json"
    errors: Iterable[Any]
    if cache is not None and cache.known_valid(name, document):
        errors = []
    elif _fast_valid(name, document):
        errors = []
        if cache is not None:
            cache.remember_valid(name, document)
    else:
        errors = _validator(name).iter_errors(document)
    for error in sorted(errors, key=lambda e: list(e.absolute_path)):
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


def alerting_document(groups: list[CompiledRuleGroup], org_id: int = 1) -> dict[str, Any]:
    return {"apiVersion": 1, "groups": [group.to_provisioning(org_id) for group in groups]}


def notifications_document(project: Project) -> dict[str, Any]:
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
