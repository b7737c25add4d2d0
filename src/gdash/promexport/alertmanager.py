"""The project's notification routing (contact points + policy tree) as an Alertmanager configuration.

Secrets stay environment placeholders (``${SLACK_CRITICAL_WEBHOOK_URL}``), exactly as in Grafana
provisioning: Alertmanager does not expand them itself, so deployments render the file with
``envsubst`` (see README, "Prometheus and Alertmanager export"). SMTP settings for e-mail receivers
are placeholders too (``${SMTP_SMARTHOST}`` ...).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Location, ProjectError
from ..managed_tree import write_if_changed
from ..model import Project
from ..output import dump_yaml

SMTP_PLACEHOLDERS = {
    "smtp_smarthost": "${SMTP_SMARTHOST}",
    "smtp_from": "${SMTP_FROM}",
    "smtp_auth_username": "${SMTP_AUTH_USERNAME}",
    "smtp_auth_password": "${SMTP_AUTH_PASSWORD}",
}
# Critical alerts silence warnings about the same thing.
INHIBIT_RULES = [{
    "source_matchers": ['severity="critical"'],
    "target_matchers": ['severity="warning"'],
    "equal": ["alertname", "instance"],
}]
_TIMINGS = ("group_by", "group_wait", "group_interval", "repeat_interval")


def alertmanager_config(project: Project) -> dict[str, Any]:
    """An Alertmanager configuration equivalent to the project's Grafana notification routing."""
    if not project.policies:
        raise ProjectError("the project has no notification policy to export",
                           hint="define `policy = Policy(...)` in alerts/notifications.py")
    receivers = [_receiver(point) for point in project.contact_points]
    config: dict[str, Any] = {
        "route": _route(project.policies, root=True),
        "receivers": receivers,
        "inhibit_rules": INHIBIT_RULES,
    }
    if any("email_configs" in receiver for receiver in receivers):
        config["global"] = dict(SMTP_PLACEHOLDERS)
    return config


def _matcher(label: str, op: str, value: str) -> str:
    return f"{label}{op}{json.dumps(value)}"


def _route(route: dict[str, Any], *, root: bool = False) -> dict[str, Any]:
    converted: dict[str, Any] = {"receiver": route["receiver"]}
    if not root and route.get("object_matchers"):
        converted["matchers"] = [_matcher(*matcher) for matcher in route["object_matchers"]]
    if route.get("continue"):
        converted["continue"] = True
    converted.update({key: route[key] for key in _TIMINGS if route.get(key) is not None})
    if route.get("routes"):
        converted["routes"] = [_route(child) for child in route["routes"]]
    return converted


def _receiver(point: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"name": point["name"]}
    for receiver in point["receivers"]:
        kind, settings = receiver["type"], receiver["settings"]
        common = {"send_resolved": not receiver.get("disableResolveMessage", False)}
        if kind == "slack":
            entry = {**common, "api_url": settings["url"]}
            entry.update({target: settings[source] for source, target in
                          (("recipient", "channel"), ("title", "title"), ("text", "text")) if settings.get(source)})
            converted.setdefault("slack_configs", []).append(entry)
        elif kind == "webhook":
            if settings.get("httpMethod", "POST") != "POST":
                raise ProjectError(f"contact point {point['name']!r}: Alertmanager webhooks always POST, "
                                   f"not {settings['httpMethod']}", hint="use http_method='POST' to export it")
            converted.setdefault("webhook_configs", []).append({**common, "url": settings["url"]})
        elif kind == "email":
            for address in filter(None, (a.strip() for a in settings["addresses"].split(";"))):
                converted.setdefault("email_configs", []).append({**common, "to": address})
        else:
            raise ProjectError(f"contact point {point['name']!r}: receiver type {kind!r} has no Alertmanager export",
                               hint="gdash exports slack, webhook and email receivers")
    return converted


EXPORT_HEADER = "# Written by gdash export alertmanager; the next export replaces this file.\n"


def write_alertmanager_config(config: dict[str, Any], out: Path) -> bool:
    """Write ``config`` to ``out`` (True when it changed); never replaces a file gdash did not write.

    The first line marks the file as gdash's (the single-file form of managed_tree's manifest):
    an existing file without it, a symbolic link or a directory is a ConfigError, nothing written.
    """
    if out.is_symlink() or out.is_dir():
        raise ConfigError(f"{out} is a {'symbolic link' if out.is_symlink() else 'directory'}",
                          hint="pass --out with a path to a regular file")
    if out.exists():
        try:
            with out.open("rb") as handle:
                ours = handle.read(len(EXPORT_HEADER)) == EXPORT_HEADER.encode()
        except OSError as exc:
            raise ConfigError(f"cannot read {out}: {exc.strerror}", hint="pass --out with a writable path") from None
        if not ours:
            raise ConfigError("the file exists and was not written by gdash", location=Location(str(out)),
                              hint="move it away, or export into another --out file")
    if out.parent.is_symlink():
        raise ConfigError(f"{out.parent} is a symbolic link; gdash does not write through links",
                          hint="pass --out in a real directory")
    return write_if_changed(out, EXPORT_HEADER + dump_yaml(config))
