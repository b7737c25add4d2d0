"""Alert rule groups and notification routing -> Grafana's alerting file-provisioning shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grafanalib import core

from ..authoring.alerts import EXTRA_ATTR, rule_uid
from ..authoring.notifications import ContactPoint, Inhibit, MuteTiming, Policy, Route
from ..authoring.queries import PROMETHEUS, datasource_ref
from ..durations import format_duration, parse_duration
from ..errors import Location, ProjectError
from ..grafanalib_ext import EXPRESSION_DATASOURCE_UID, modern_target, to_json
from ..model import LOGICAL_UID_PREFIX, CompiledRuleGroup
from .dashboards import validate_uid
from .locations import relative_location

_LEGACY_STATES = {"No Data": "NoData"}
# grafanalib writes every expression option whatever its type, plus the intervalMs/maxDataPoints
# that Grafana injects itself; keep only what each expression type means.
EXPRESSION_KEYS = {
    "reduce": ("expression", "reducer", "settings"),
    "math": ("expression",),
    "resample": ("expression", "window", "downsampler", "upsampler"),
    "classic_conditions": ("conditions",),
    "threshold": ("expression", "conditions"),
}


def _query(item: dict[str, Any]) -> dict[str, Any]:
    model = item["model"]
    datasource = model.get("datasource") or datasource_ref(PROMETHEUS, None)
    if datasource.get("uid") is None:  # alert rules cannot use dashboard variables
        datasource = {"type": datasource["type"], "uid": f"{LOGICAL_UID_PREFIX}{datasource['type']}"}
    model = modern_target({**model, "datasource": datasource})
    return {
        "refId": item["refId"],
        "datasourceUid": datasource["uid"],
        "relativeTimeRange": item["relativeTimeRange"],
        "model": model,
    }


def _expression(item: dict[str, Any]) -> dict[str, Any]:
    model = item["model"]
    kind = model["type"]
    kept = {key: model[key] for key in EXPRESSION_KEYS.get(kind, ()) if key in model}
    if kind == "reduce" and kept.get("settings", {}).get("mode") == "strict":
        kept.pop("settings")
    return {
        "refId": item["refId"],
        "datasourceUid": EXPRESSION_DATASOURCE_UID,
        "model": {
            "refId": item["refId"],
            "type": kind,
            "datasource": {"type": "__expr__", "uid": EXPRESSION_DATASOURCE_UID},
            **kept,
        },
    }


def _rule(rule: core.AlertRulev9) -> dict[str, Any]:
    raw = to_json(rule)
    alert = raw["grafana_alert"]
    data = [
        _expression(item) if item.get("datasourceUid") in ("-100", EXPRESSION_DATASOURCE_UID) else _query(item)
        for item in alert["data"]
    ]
    return {
        "uid": raw["uid"],
        "title": alert["title"],
        "condition": alert["condition"],
        "data": data,
        "noDataState": _LEGACY_STATES.get(alert["no_data_state"], alert["no_data_state"]),
        "execErrState": alert["exec_err_state"],
        "for": raw["for"],
        "labels": raw["labels"],
        "annotations": raw["annotations"],
        "isPaused": False,
        # file-provisioning names (AlertRuleExport in Grafana's
        # pkg/services/ngalert/api/tooling/definitions/provisioning_alert_rules.go); see api_rule() for the API's
        **getattr(rule, EXTRA_ATTR, {}),
    }


# File provisioning and the provisioning HTTP API name two rule settings differently (Grafana source:
# AlertRuleExport `keepFiringFor` / `missing_series_evals_to_resolve`, ProvisionedAlertRule
# `keep_firing_for` / `missingSeriesEvalsToResolve`); a wrong name is silently ignored by Grafana.
FILE_TO_API_NAMES = {
    "keepFiringFor": "keep_firing_for",
    "missing_series_evals_to_resolve": "missingSeriesEvalsToResolve",
}
# Neither field is in Grafana 11.4's API description (ProvisionedAlertRule of api-spec-v11.4.0); both are in
# the provisioning API of Grafana 12+.
API_SINCE_MAJOR = {"keep_firing_for": 12, "missingSeriesEvalsToResolve": 12}


def api_rule(rule: dict[str, Any], grafana_major: int | None = None) -> dict[str, Any]:
    """A compiled (file-provisioning shaped) rule with the provisioning API's field names; fields the
    target Grafana does not know are left out (it would ignore them and every push would be an update)."""
    result = {}
    for key, value in rule.items():
        name = FILE_TO_API_NAMES.get(key, key)
        if grafana_major is not None and grafana_major < API_SINCE_MAJOR.get(name, 0):
            continue
        result[name] = format_duration(parse_duration(value)) if name == "keep_firing_for" else value
    return result


def compile_rule_group(group: core.AlertGroup, *, root: Path, fallback: Location) -> CompiledRuleGroup:
    source = relative_location(group, root, fallback)
    compiled = CompiledRuleGroup(
        name=group.name, folder=group.folder, interval=group.evaluateInterval, rules=[], source=source
    )
    for rule in group.rules:
        location = relative_location(rule, root, source)
        if not isinstance(rule, core.AlertRulev9):
            raise ProjectError(
                f"alert group {group.name!r} holds a {type(rule).__name__}, expected a Grafana-managed rule",
                location=location,
                hint="build rules with gdash.alert_rule(...) or grafanalib's AlertRulev9",
            )
        uid = validate_uid(rule.uid, f"alert rule {rule.title!r}", location)
        compiled.rules.append(_rule(rule))
        compiled.rule_locations[uid] = location
    return compiled


def compile_contact_points(points: list[ContactPoint]) -> list[dict[str, Any]]:
    compiled = []
    for point in points:
        receivers = []
        for index, receiver in enumerate(point.receivers):
            settings = dict(receiver.settings)
            settings.update({key: f"${{{env}}}" for key, env in receiver.secret_envs.items()})
            receivers.append(
                {
                    "uid": f"{rule_uid(point.name)[:36]}-{index}",
                    "type": receiver.type,
                    "settings": settings,
                    "disableResolveMessage": receiver.disable_resolve_message,
                }
            )
        compiled.append({"orgId": 1, "name": point.name, "receivers": receivers})
    return sorted(compiled, key=lambda p: p["name"])


def _route(route: Route) -> dict[str, Any]:
    compiled: dict[str, Any] = {
        "receiver": route.receiver,
        "object_matchers": [[label, "=", value] for label, value in sorted(route.matchers.items())],
    }
    if route.continue_:
        compiled["continue"] = True
    for key in ("group_by", "group_wait", "group_interval", "repeat_interval"):
        if getattr(route, key) is not None:
            compiled[key] = getattr(route, key)
    if route.mute_timings:
        compiled["mute_time_intervals"] = list(route.mute_timings)
    if route.routes:
        compiled["routes"] = [_route(child) for child in route.routes]
    return compiled


def compile_mute_timings(timings: list[MuteTiming]) -> list[dict[str, Any]]:
    """Mute timings in file-provisioning shape (``muteTimes``), sorted by name."""
    return sorted(
        (
            {"orgId": 1, "name": timing.name, "time_intervals": [i.to_json() for i in timing.intervals]}
            for timing in timings
        ),
        key=lambda t: t["name"],
    )


def compile_inhibit_rules(rules: list[Inhibit]) -> list[dict[str, Any]]:
    """Inhibition rules in Alertmanager's shape (``source_matchers``/``target_matchers``/``equal``)."""
    import json

    def matchers(items: tuple[tuple[str, str, str], ...]) -> list[str]:
        return [f"{label}{op}{json.dumps(value)}" for label, op, value in items]

    compiled = []
    for rule in rules:
        entry: dict[str, Any] = {"source_matchers": matchers(rule.source), "target_matchers": matchers(rule.target)}
        if rule.equal:
            entry["equal"] = list(rule.equal)
        compiled.append(entry)
    return compiled


def compile_policy(policy: Policy) -> dict[str, Any]:
    return {
        "orgId": 1,
        "receiver": policy.receiver,
        "group_by": policy.group_by,
        "group_wait": policy.group_wait,
        "group_interval": policy.group_interval,
        "repeat_interval": policy.repeat_interval,
        "routes": [_route(route) for route in policy.routes],
    }
