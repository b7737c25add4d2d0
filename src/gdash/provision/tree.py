"""``gdash provision``: the project as a Grafana provisioning directory.

    OUT/dashboards/gdash.yaml                 file providers, one per folder
    OUT/dashboards/<folder>/<uid>.json        bare dashboard models
    OUT/datasources/datasources.yaml          Prometheus/Loki with the uids the dashboards use
    OUT/alerting/<folder>.yaml                rule groups
    OUT/alerting/notifications.yaml           contact points, policies, templates
    OUT/alerting/deleted-rules.yaml           deleteRules for rules removed since an earlier provision

The manifest (``OUT/.gdash-provision.json``) lists the files gdash wrote and the rules it
provisioned, so removed rules become ``deleteRules`` (kept until the rule comes back, which keeps
reruns byte-stable) and stale files are removed without touching anyone else's.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import schemas
from ..compile.documents import alerting_document, notifications_document
from ..config import Config
from ..errors import ConfigError, Location
from ..managed_tree import WriteResult, read_manifest, write_managed_tree
from ..model import Project, folder_slug
from ..output import dump_json, dump_yaml
from ..sync.datasources import rewrite_datasources
from ..validate import Problem, validate_alerting
from .datasources import plan_datasources

MANIFEST = ".gdash-provision.json"
DEFAULT_MOUNT = "/etc/grafana/provisioning"
_GENERAL = "general"
_SECTION_KEYS = {
    "path": None,
    "datasources": None,
    "dashboards": {"disable_deletion", "allow_ui_updates", "update_interval_seconds"},
}


@dataclass
class Provisioned:
    outputs: dict[str, str]
    state: dict[str, Any]
    problems: list[Problem]


def provision_outputs(
    project: Project, config: Config, environment: str | None, previous: dict[str, Any]
) -> Provisioned:
    """Every file of the tree (relpath -> text), the manifest state, and schema problems (if any)."""
    section = config.section("provision")
    _check_keys(section, config)
    mount = str(section.get("path") or DEFAULT_MOUNT).rstrip("/")
    plan = plan_datasources(project, config, environment)
    outputs: dict[str, str] = {}
    problems: list[Problem] = []

    providers = []
    for folder in sorted({d.folder for d in project.dashboards}):
        slug = folder_slug(folder)
        providers.append(
            _provider(folder, slug, f"{mount}/dashboards/{slug}", plan.org_id, section.get("dashboards") or {})
        )
    for dashboard in project.dashboards:
        model = rewrite_datasources(dashboard.model, plan.uids, environment=plan.environment, source=dashboard.source)
        outputs[f"dashboards/{dashboard.relpath}"] = dump_json(model)
    if providers:
        outputs["dashboards/gdash.yaml"] = _checked(
            {"apiVersion": 1, "providers": providers},
            "provisioning-dashboards.schema.json",
            "dashboards/gdash.yaml",
            problems,
        )
    outputs["datasources/datasources.yaml"] = _checked(
        plan.document, "provisioning-datasources.schema.json", "datasources/datasources.yaml", problems
    )

    by_folder = defaultdict(list)
    for group in project.rule_groups:
        rewritten = copy.copy(group)
        rewritten.rules = [
            rewrite_datasources(
                rule,
                plan.uids,
                environment=plan.environment,
                source=group.rule_locations.get(rule["uid"], group.source),
            )
            for rule in group.rules
        ]
        by_folder[folder_slug(group.folder)].append(rewritten)
    for slug, groups in sorted(by_folder.items()):
        document = alerting_document(groups, plan.org_id)
        problems.extend(validate_alerting(document, groups=groups))
        outputs[f"alerting/{slug}.yaml"] = dump_yaml(document)
    notifications = _with_org(notifications_document(project), plan.org_id)
    if len(notifications) > 1:
        problems.extend(validate_alerting(notifications, source=Location("alerting/notifications.yaml")))
        outputs["alerting/notifications.yaml"] = dump_yaml(notifications)

    current = sorted({(plan.org_id, rule["uid"]) for group in project.rule_groups for rule in group.rules})
    # only this org's rules: a tree provisioned for another org says nothing about this one
    # a killed run's rules are "pending" in the manifest (see managed_tree): they may be live already
    pending = previous["pending"] if isinstance(previous.get("pending"), dict) else {}
    earlier = {
        tuple(item)
        for state in (previous, pending)
        for key in ("rules", "deleted_rules")
        for item in (state[key] if isinstance(state.get(key), list) else [])
        if isinstance(item, list) and len(item) == 2 and item[0] == plan.org_id and isinstance(item[1], str)
    }
    deleted = sorted(earlier - set(current))
    if deleted:
        document = {"apiVersion": 1, "deleteRules": [{"orgId": org, "uid": uid} for org, uid in deleted]}
        problems.extend(validate_alerting(document, source=Location("alerting/deleted-rules.yaml")))
        outputs["alerting/deleted-rules.yaml"] = dump_yaml(document)
    state = {"rules": [list(item) for item in current], "deleted_rules": [list(item) for item in deleted]}
    state.update(_deleted_notifications(project, plan.org_id, previous, pending, outputs, problems))
    return Provisioned(outputs, state, problems)


# notification objects provisioned by name: removed ones become delete entries (Grafana's
# provisioning otherwise keeps them), kept in the manifest until they come back
_NAMED = (("templates", "templates", "deleteTemplates"), ("mute_timings", "muteTimes", "deleteMuteTimes"))


def _deleted_notifications(
    project: Project,
    org_id: int,
    previous: dict[str, Any],
    pending: dict[str, Any],
    outputs: dict[str, str],
    problems: list[Problem],
) -> dict[str, Any]:
    state: dict[str, Any] = {}
    document: dict[str, Any] = {"apiVersion": 1}
    for attribute, key, delete_key in _NAMED:
        current = sorted({(org_id, item["name"]) for item in getattr(project, attribute)})
        earlier = {
            tuple(item)
            for source in (previous, pending)
            for name in (key, delete_key)
            for item in (source[name] if isinstance(source.get(name), list) else [])
            if isinstance(item, list) and len(item) == 2 and item[0] == org_id and isinstance(item[1], str)
        }
        deleted = sorted(earlier - set(current))
        state[key], state[delete_key] = [list(item) for item in current], [list(item) for item in deleted]
        if deleted:
            document[delete_key] = [{"orgId": org, "name": name} for org, name in deleted]
    if len(document) > 1:
        problems.extend(validate_alerting(document, source=Location("alerting/deleted-notifications.yaml")))
        outputs["alerting/deleted-notifications.yaml"] = dump_yaml(document)
    return state


def _check_keys(section: dict[str, Any], config: Config) -> None:
    where = Location(str(config.path)) if config.path else None
    for key, value in [("provision", section), ("provision.dashboards", section.get("dashboards") or {})]:
        known = set(_SECTION_KEYS) if key == "provision" else _SECTION_KEYS["dashboards"] or set()
        unknown = sorted(set(value) - known) if isinstance(value, dict) else ["(not a mapping)"]
        if unknown:
            raise ConfigError(
                f"{key} has unknown key {unknown[0]!r}", location=where, hint=f"known keys: {', '.join(sorted(known))}"
            )


def _provider(folder: str, slug: str, path: str, org_id: int, settings: dict[str, Any]) -> dict[str, Any]:
    general = slug == _GENERAL
    provider = {
        "name": f"gdash-{slug}",
        "orgId": org_id,
        "folder": "" if general else folder,
        "type": "file",
        "disableDeletion": bool(settings.get("disable_deletion", False)),
        "allowUiUpdates": bool(settings.get("allow_ui_updates", False)),
        "updateIntervalSeconds": int(settings.get("update_interval_seconds", 30)),
        "options": {"path": path, "foldersFromFilesStructure": False},
    }
    if not general:
        provider["folderUid"] = f"gdash-{slug}"[:40]
    return provider


def _with_org(document: dict[str, Any], org_id: int) -> dict[str, Any]:
    document = copy.deepcopy(document)
    for key in ("contactPoints", "policies", "templates", "muteTimes"):
        for item in document.get(key, []):
            item["orgId"] = org_id
    return document


def validate_document(document: dict[str, Any], schema: str, relpath: str) -> list[Problem]:
    """``document``, to be written at ``relpath``, against ``schema`` (a name in gdash/schemas)."""
    return [
        Problem(Location(relpath), "provisioning", schemas.json_path(error.absolute_path), error.message)
        for error in schemas.errors(schema, document)
    ]


def _checked(document: dict[str, Any], schema: str, relpath: str, problems: list[Problem]) -> str:
    problems.extend(validate_document(document, schema, relpath))
    return dump_yaml(document)


def write_provisioning(
    project: Project, config: Config, out: Path, environment: str | None = None
) -> tuple[WriteResult, list[Problem]]:
    """Write the tree into ``out``; nothing is written when a document fails its schema."""
    provisioned = provision_outputs(project, config, environment, read_manifest(out, MANIFEST))
    if provisioned.problems:
        return WriteResult(), provisioned.problems
    return write_managed_tree(out, provisioned.outputs, manifest=MANIFEST, state=provisioned.state), []
