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
# Grafana contact point type -> (Alertmanager section, [(Grafana setting, Alertmanager key)]); the keys
# are Alertmanager's receiver configuration (docs: configuration.md, <pagerduty_config> ...).
_OTHER_RECEIVERS = {
    "pagerduty": (
        "pagerduty_configs",
        [("integrationKey", "routing_key"), ("severity", "severity"), ("summary", "description")],
    ),
    "teams": (
        "msteams_configs",
        [("url", "webhook_url"), ("title", "title"), ("message", "text")],
    ),  # Alertmanager >= 0.26
    "opsgenie": (
        "opsgenie_configs",
        [("apiKey", "api_key"), ("apiUrl", "api_url"), ("message", "message"), ("description", "description")],
    ),
    "telegram": (
        "telegram_configs",
        [("bottoken", "bot_token"), ("chatid", "chat_id"), ("message", "message"), ("parse_mode", "parse_mode")],
    ),
    "discord": ("discord_configs", [("url", "webhook_url"), ("title", "title"), ("message", "message")]),
}
_TIMINGS = ("group_by", "group_wait", "group_interval", "repeat_interval")


def alertmanager_config(project: Project) -> dict[str, Any]:
    """An Alertmanager configuration equivalent to the project's Grafana notification routing."""
    if not project.policies:
        raise ProjectError(
            "the project has no notification policy to export",
            hint="define `policy = Policy(...)` in alerts/notifications.py",
        )
    receivers = [_receiver(point) for point in project.contact_points]
    config: dict[str, Any] = {
        "route": _route(project.policies, root=True),
        "receivers": receivers,
    }
    if project.templates:
        config["templates"] = [TEMPLATES_FILE]
    if project.inhibit_rules:
        config["inhibit_rules"] = project.inhibit_rules  # Inhibit(...) in alerts/*.py
    if project.mute_timings:  # Alertmanager 0.24+: time_intervals, referenced by mute_time_intervals
        config["time_intervals"] = [
            {"name": t["name"], "time_intervals": t["time_intervals"]} for t in project.mute_timings
        ]
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
    if route.get("mute_time_intervals"):
        converted["mute_time_intervals"] = list(route["mute_time_intervals"])
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
            entry.update(
                {
                    target: settings[source]
                    for source, target in (("recipient", "channel"), ("title", "title"), ("text", "text"))
                    if settings.get(source)
                }
            )
            converted.setdefault("slack_configs", []).append(entry)
        elif kind == "webhook":
            if settings.get("httpMethod", "POST") != "POST":
                raise ProjectError(
                    f"contact point {point['name']!r}: Alertmanager webhooks always POST, not {settings['httpMethod']}",
                    hint="use http_method='POST' to export it",
                )
            converted.setdefault("webhook_configs", []).append({**common, "url": settings["url"]})
        elif kind in _OTHER_RECEIVERS:
            section, keys = _OTHER_RECEIVERS[kind]
            entry = {
                **common,
                **{target: settings[source] for source, target in keys if settings.get(source) not in (None, "")},
            }
            if kind == "telegram":
                entry["chat_id"] = int(entry["chat_id"])  # Alertmanager wants the chat id as a number
            converted.setdefault(section, []).append(entry)
        elif kind == "email":
            for address in filter(None, (a.strip() for a in settings["addresses"].split(";"))):
                converted.setdefault("email_configs", []).append({**common, "to": address})
        else:
            raise ProjectError(
                f"contact point {point['name']!r}: receiver type {kind!r} has no Alertmanager export",
                hint=f"gdash exports {', '.join(['slack', 'webhook', 'email', *_OTHER_RECEIVERS])} receivers",
            )
    return converted


EXPORT_HEADER = "# Written by gdash export alertmanager; the next export replaces this file.\n"
TEMPLATES_FILE = (
    "gdash-templates.tmpl"  # beside the config; Alertmanager resolves it relative to the config's directory
)
TEMPLATES_HEADER = "{{/* Written by gdash export alertmanager; the next export replaces this file. */}}\n"


def alertmanager_templates(project: Project) -> str | None:
    """The project's notification templates (``templates = {...}`` in alerts/*.py) as one Alertmanager
    template file, or None when there are none. Grafana's notification templates and Alertmanager's
    share the data model (``.Status``, ``.Alerts``, ``.CommonLabels`` ...), so a template that keeps to
    it renders the same in both."""
    if not project.templates:
        return None
    return "".join(f"{{{{/* template {t['name']!r} */}}}}\n{t['template'].rstrip()}\n" for t in project.templates)


def _ours(path: Path, header: str) -> bool:
    """True when ``path`` is absent or a regular file gdash wrote; ConfigError when it is anything else."""
    if path.is_symlink() or path.is_dir():
        raise ConfigError(
            f"{path} is a {'symbolic link' if path.is_symlink() else 'directory'}",
            hint="pass --out with a path to a regular file",
        )
    if not path.exists():
        return False
    try:
        with path.open("rb") as handle:
            ours = handle.read(len(header)) == header.encode()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}", hint="pass --out with a writable path") from None
    if not ours:
        raise ConfigError(
            "the file exists and was not written by gdash",
            location=Location(str(path)),
            hint="move it away, or export into another --out file",
        )
    return True


def write_alertmanager_config(config: dict[str, Any], out: Path, templates: str | None = None) -> bool:
    """Write ``config`` to ``out`` and ``templates`` beside it (True when anything changed); never
    replaces a file gdash did not write. A templates file of an earlier export is removed when the
    project has no templates any more (the Alertmanager side of provisioning's ``deleteTemplates``).

    The first line marks each file as gdash's (the single-file form of managed_tree's manifest):
    an existing file without it, a symbolic link or a directory is a ConfigError, nothing written.
    """
    template_path = out.parent / TEMPLATES_FILE
    _ours(out, EXPORT_HEADER)
    template_exists = _ours(template_path, TEMPLATES_HEADER)
    if out.parent.is_symlink():
        raise ConfigError(
            f"{out.parent} is a symbolic link; gdash does not write through links",
            hint="pass --out in a real directory",
        )
    changed = write_if_changed(out, EXPORT_HEADER + dump_yaml(config))
    if templates is not None:
        changed = write_if_changed(template_path, TEMPLATES_HEADER + templates) or changed
    elif template_exists:
        template_path.unlink()
        changed = True
    return changed
