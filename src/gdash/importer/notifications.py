"""Live notification routing as gdash Python: contact points (every receiver type gdash models),
the notification policy tree, mute timings and notification templates.

Secrets are never written: Grafana shows a secure setting as ``[REDACTED]`` (or not at all), so
each one becomes an environment variable reference (``url_env="SLACK_CRITICAL_WEBHOOK_URL"``).
The variable's name is the one the project already uses for that receiver when it defines it,
the one a ``${VAR}`` placeholder names, or else ``<CONTACT POINT>_<SETTING>`` (``PAGER_ROUTING_KEY``).
Like every imported file, the generated text is run and compiled, and what differs from the live
objects is reported as lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..authoring import notifications as authoring
from ..compile.alerts import compile_contact_points, compile_mute_timings, compile_policy
from ..model import Project
from .compare import differences
from .pysource import Call, module_source

# Grafana contact point type -> (factory, {secure setting: env keyword}, {setting: keyword}); the
# inverse of the factories in gdash.authoring.notifications
_RECEIVERS: dict[str, tuple[Callable[..., authoring.Receiver], dict[str, str], dict[str, str]]] = {
    "slack": (authoring.slack, {"url": "url_env"}, {"recipient": "channel", "title": "title", "text": "text"}),
    "pagerduty": (
        authoring.pagerduty,
        {"integrationKey": "routing_key_env"},
        {"severity": "severity", "summary": "summary"},
    ),
    "teams": (authoring.teams, {"url": "url_env"}, {"title": "title", "message": "message"}),
    "opsgenie": (
        authoring.opsgenie,
        {"apiKey": "api_key_env"},
        {"apiUrl": "api_url", "message": "message", "description": "description"},
    ),
    "telegram": (
        authoring.telegram,
        {"bottoken": "bot_token_env"},
        {"chatid": "chat_id", "message": "message", "parse_mode": "parse_mode"},
    ),
    "discord": (authoring.discord, {"url": "url_env"}, {"title": "title", "message": "message"}),
    "webhook": (authoring.webhook, {"url": "url_env"}, {"httpMethod": "http_method"}),
}
_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_ROUTE_TIMINGS = ("group_by", "group_wait", "group_interval", "repeat_interval")
GRAFANA_POLICY_DEFAULTS = {"group_wait": "30s", "group_interval": "5m", "repeat_interval": "4h"}


def _call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Call:
    return Call(func.__name__, func, list(args), kwargs)


def _constant(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper() or "SECRET"


def known_secret_envs(project: Project | None) -> dict[tuple[str, str], dict[str, str]]:
    """(contact point name, receiver uid) -> {setting: environment variable} of the project's receivers."""
    known: dict[tuple[str, str], dict[str, str]] = {}
    for point in project.contact_points if project is not None else []:
        for receiver in point["receivers"]:
            envs = {
                key: match.group(1)
                for key, value in receiver["settings"].items()
                if isinstance(value, str) and (match := _PLACEHOLDER.match(value))
            }
            known[(point["name"], receiver["uid"])] = envs
            known.setdefault((point["name"], receiver["type"]), envs)  # a receiver pushed under another uid
    return known


def _receiver(
    live: dict[str, Any], known: dict[tuple[str, str], dict[str, str]], notes: list[str], used: set[str]
) -> Call | None:
    kind, name = live.get("type"), str(live.get("name"))
    settings = live.get("settings") or {}
    if live.get("disableResolveMessage"):
        notes.append(
            f"contact point {name!r} ({kind}): disableResolveMessage is not modelled, resolve messages are sent"
        )
    if kind == "email":
        addresses = [a.strip() for a in str(settings.get("addresses", "")).replace(",", ";").split(";") if a.strip()]
        single = {"single_email": True} if settings.get("singleEmail") else {}
        return _call(authoring.email, *addresses, **single)
    if kind not in _RECEIVERS:
        notes.append(f"contact point {name!r}: receiver type {kind!r} has no gdash helper, not imported")
        return None
    factory, secrets, plain = _RECEIVERS[kind]
    envs = known.get((name, str(live.get("uid")))) or known.get((name, str(kind))) or {}
    kwargs: dict[str, Any] = {}
    for key, keyword in secrets.items():
        value = settings.get(key)
        match = _PLACEHOLDER.match(value) if isinstance(value, str) else None
        variable = envs.get(key) or (match.group(1) if match else None)
        if variable is None:
            setting = _constant(keyword.removesuffix("_env"))
            variable = f"{_constant(name)}_{setting}"
            if variable in used:  # a second receiver of the same contact point
                variable = f"{_constant(name)}_{_constant(str(kind))}_{setting}"
        used.add(variable)
        kwargs[keyword] = variable
    kwargs.update({keyword: settings[key] for key, keyword in plain.items() if settings.get(key) not in (None, "")})
    ignored = sorted(set(settings) - set(secrets) - set(plain))
    if ignored:
        notes.append(f"contact point {name!r} ({kind}): settings {', '.join(ignored)} are not modelled, not imported")
    return _call(factory, **kwargs)


def _route(live: dict[str, Any], notes: list[str]) -> Call:
    matchers = {}
    for label, op, value in live.get("object_matchers") or []:
        if op == "=":
            matchers[label] = value
        else:
            notes.append(f"route to {live.get('receiver')!r}: matcher {label}{op}{value!r} is not modelled (only =)")
    kwargs: dict[str, Any] = {"matchers": matchers} if matchers else {}
    kwargs.update({key: live[key] for key in _ROUTE_TIMINGS if live.get(key)})
    if live.get("continue"):
        kwargs["continue_"] = True
    if live.get("mute_time_intervals"):
        kwargs["mute_timings"] = list(live["mute_time_intervals"])
    if live.get("routes"):
        kwargs["routes"] = [_route(child, notes) for child in live["routes"]]
    return _call(authoring.Route, live.get("receiver"), **kwargs)


def _interval(live: dict[str, Any]) -> Call:
    kwargs: dict[str, Any] = {}
    if live.get("times"):
        kwargs["times"] = tuple((t["start_time"], t["end_time"]) for t in live["times"])
    for key in ("weekdays", "days_of_month", "months", "years"):
        if live.get(key):
            kwargs[key] = tuple(live[key])
    if live.get("location"):
        kwargs["location"] = live["location"]
    return _call(authoring.TimeInterval, **kwargs)


def notifications_tree(
    points: list[dict[str, Any]],
    policy: dict[str, Any] | None,
    mute_timings: list[dict[str, Any]],
    templates: list[dict[str, Any]],
    known: dict[tuple[str, str], dict[str, str]],
) -> tuple[list[tuple[str, Any]], list[str]]:
    """(module assignments, notes) for the live routing objects."""
    notes: list[str] = []
    by_name: dict[str, list[Call]] = {}
    used: set[str] = set()
    for live in sorted(points, key=lambda p: (str(p.get("name")), str(p.get("uid")))):
        receiver = _receiver(live, known, notes, used)
        if receiver is not None:
            by_name.setdefault(str(live.get("name")), []).append(receiver)
    assignments: list[tuple[str, Any]] = []
    if templates:
        assignments.append(
            ("templates", {t["name"]: t["template"] for t in sorted(templates, key=lambda t: t["name"])})
        )
    if by_name:
        assignments.append(
            ("contact_points", [_call(authoring.ContactPoint, name, *receivers) for name, receivers in by_name.items()])
        )
    if mute_timings:
        assignments.append(
            (
                "mute_timings",
                [
                    _call(authoring.MuteTiming, t["name"], *[_interval(i) for i in t.get("time_intervals") or []])
                    for t in sorted(mute_timings, key=lambda t: t["name"])
                ],
            )
        )
    if by_name and policy and policy.get("receiver"):  # Grafana's default tree routes to no imported point
        kwargs: dict[str, Any] = {key: policy[key] for key in _ROUTE_TIMINGS if policy.get(key)}
        if policy.get("routes"):
            kwargs["routes"] = [_route(child, notes) for child in policy["routes"]]
        assignments.append(("policy", _call(authoring.Policy, receiver=policy["receiver"], **kwargs)))
    return assignments, notes


def _canonical_points(points: list[dict[str, Any]]) -> list[Any]:
    """Contact points as comparable (name, type, public settings) rows; secure settings as their placeholder."""
    rows = []
    for point in points:
        kind = point["type"]
        secure = set(_RECEIVERS.get(kind, (None, {}, {}))[1])
        rows.append(
            {
                "name": point["name"],
                "type": kind,
                "settings": {
                    k: ("<secret>" if k in secure else v) for k, v in point["settings"].items() if v not in (None, "")
                },
            }
        )
    return sorted(rows, key=lambda r: (r["name"], r["type"], str(r["settings"])))


def _canonical_route(route: dict[str, Any], *, root: bool = False) -> dict[str, Any]:
    kept = {k: v for k, v in route.items() if k not in ("orgId", "provenance") and v not in (None, [], False, "")}
    if root:
        kept = {**GRAFANA_POLICY_DEFAULTS, **kept}
    if kept.get("routes"):
        kept["routes"] = [_canonical_route(child) for child in kept["routes"]]
    return kept


def notifications_source(
    points: list[dict[str, Any]],
    policy: dict[str, Any] | None,
    mute_timings: list[dict[str, Any]],
    templates: list[dict[str, Any]],
    *,
    project: Project | None,
    path: Path,
    origin: str,
) -> tuple[str, list[str], list[str]] | None:
    """(source, notes, round-trip differences) of ``alerts/notifications.py``; None when there is nothing."""
    from .project import _run_source

    assignments, notes = notifications_tree(points, policy, mute_timings, templates, known_secret_envs(project))
    if not assignments:
        return None
    source = module_source(
        f"Notification routing imported from {origin} by `gdash import`; secrets are environment variables.",
        assignments,
    )
    values = _run_source(source, str(path))
    lost: list[str] = []
    compiled_points = [
        {"name": p["name"], **r}
        for p in compile_contact_points(values.get("contact_points", []))
        for r in p["receivers"]
    ]
    modelled = [p for p in points if p.get("type") in _RECEIVERS or p.get("type") == "email"]
    lost += differences(_canonical_points(modelled), _canonical_points(compiled_points), "contact_points")
    if "policy" in values:
        lost += differences(
            _canonical_route(policy or {}, root=True),
            _canonical_route(compile_policy(values["policy"]), root=True),
            "policy",
        )
    timings = compile_mute_timings(values.get("mute_timings", []))
    expected = sorted(
        ({"name": t["name"], "time_intervals": t.get("time_intervals") or []} for t in mute_timings), key=str
    )
    lost += differences(
        expected, sorted(({k: t[k] for k in ("name", "time_intervals")} for t in timings), key=str), "mute_timings"
    )
    return source, notes, lost
