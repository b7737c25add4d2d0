"""Which real datasource uid each logical name gets, and the ``datasources.yaml`` that creates them.

Settings come from gdash.yaml::

    provision:
      datasources:                     # logical name -> how Grafana reaches it
        prometheus: {type: prometheus, url: http://prometheus:9090}
        loki: {type: loki, url: http://loki:3100}

With ``--env NAME`` the uids are the environment's ``datasources:`` mapping (the same one
``gdash push`` uses) and the org is its ``org_id``; without, each logical name is its own uid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..errors import ConfigError, Location
from ..model import LOGICAL_UID_PREFIX, Project

_TYPES = ("prometheus", "loki")
_SETTING_KEYS = {"type", "url", "name", "default", "json_data"}


@dataclass(frozen=True)
class DatasourcePlan:
    environment: str
    org_id: int
    uids: dict[str, str]  # logical name -> uid
    document: dict[str, Any]  # datasources.yaml


def logical_names(project: Project) -> set[str]:
    """Logical datasource names the project's dashboards and rules reference (``gdash:<name>``)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and node.startswith(LOGICAL_UID_PREFIX):
            found.add(node[len(LOGICAL_UID_PREFIX) :])

    walk([d.model for d in project.dashboards] + [g.rules for g in project.rule_groups])
    return found


def _variable_types(project: Project) -> set[str]:
    """Datasource types that dashboards pick through a datasource variable (they need a default of that type)."""
    return {
        variable.get("query")
        for d in project.dashboards
        for variable in (d.model.get("templating") or {}).get("list") or []
        if variable.get("type") == "datasource"
    }


def plan_datasources(project: Project, config: Config, environment: str | None) -> DatasourcePlan:
    where = Location(str(config.path)) if config.path else None
    settings = config.section("provision").get("datasources") or {}
    if not isinstance(settings, dict):
        raise ConfigError(
            "provision.datasources must map logical names to settings",
            location=where,
            hint="e.g. `prometheus: {type: prometheus, url: http://prometheus:9090}`",
        )
    org_id, mapping = 1, {}
    if environment is not None:
        raw = config.environment(environment)
        org_id, mapping = int(raw.get("org_id") or 1), dict(raw.get("datasources") or {})
    names = sorted(logical_names(project) | set(settings) | (_variable_types(project) & set(_TYPES)))
    uids = {name: str(mapping.get(name, name)) for name in names}
    entries = [_entry(name, settings.get(name), uids[name], org_id, where) for name in names]
    for kind in {entry["type"] for entry in entries}:
        same = [entry for entry in entries if entry["type"] == kind]
        if not any(entry["isDefault"] for entry in same) and kind == "prometheus":
            same[0]["isDefault"] = True
    if sum(entry["isDefault"] for entry in entries) > 1:
        raise ConfigError(
            "more than one datasource has `default: true`",
            location=where,
            hint="Grafana allows one default datasource per organisation",
        )
    return DatasourcePlan(environment or "default", org_id, uids, {"apiVersion": 1, "datasources": entries})


def _entry(name: str, settings: Any, uid: str, org_id: int, where: Location | None) -> dict[str, Any]:
    settings = settings or {}
    if not isinstance(settings, dict) or sorted(set(settings) - _SETTING_KEYS):
        raise ConfigError(
            f"provision.datasources.{name} has unknown settings",
            location=where,
            hint=f"known keys: {', '.join(sorted(_SETTING_KEYS))}",
        )
    kind = settings.get("type") or (name if name in _TYPES else None)
    if not kind or not settings.get("url"):
        missing = "url" if kind else "type and url"
        raise ConfigError(
            f"datasource {name!r} is used but provision.datasources.{name} has no {missing}",
            location=where,
            hint=f"add `provision: {{datasources: {{{name}: {{type: {kind or 'prometheus'}, "
            f"url: http://...}}}}}}` to gdash.yaml",
        )
    entry = {
        "name": str(settings.get("name") or name),
        "type": kind,
        "uid": uid,
        "orgId": org_id,
        "access": "proxy",
        "url": str(settings["url"]),
        "isDefault": bool(settings.get("default", False)),
        "editable": False,
    }
    if settings.get("json_data"):
        entry["jsonData"] = settings["json_data"]
    return entry
