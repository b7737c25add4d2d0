"""Strip what Grafana manages itself (ids, versions, meta) so two models compare by meaning only."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..durations import canonical_duration

# Set by Grafana on save or by "export for sharing"; never part of what the author wrote.
DASHBOARD_NOISE_KEYS = frozenset(
    {"id", "version", "iteration", "meta", "gnetId", "__inputs", "__requires", "__elements"}
)
PANEL_NOISE_KEYS = frozenset({"id", "pluginVersion", "$$hashKey"})
# Added by the alerting provisioning API to each rule; the group already says where the rule lives.
RULE_NOISE_KEYS = frozenset({"id", "orgID", "orgId", "updated", "provenance", "folderUID", "ruleGroup"})


def normalize_dashboard(model: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``model`` without server-managed fields and empty values.

    Accepts a bare dashboard model or Grafana's ``GET /api/dashboards/uid/<uid>`` answer
    (``{"dashboard": ..., "meta": ...}``). Drops the dashboard's ``id``/``version``/``iteration``,
    ``meta``, export-only keys, every panel's ``id``/``pluginVersion``, and keys whose value is
    ``None``, ``[]`` or ``{}`` (Grafana treats those as unset). Key order is irrelevant to equality.
    """
    if "dashboard" in model and isinstance(model["dashboard"], dict) and "panels" not in model:
        model = model["dashboard"]
    # No deep copy first: _drop_empty below rebuilds every dict and list, so nothing is shared.
    result = {k: v for k, v in model.items() if k not in DASHBOARD_NOISE_KEYS}
    for key in ("panels", "rows"):
        if isinstance(result.get(key), list):
            result[key] = [_normalize_panel(p) for p in result[key]]
    return _drop_empty(result)


def _normalize_panel(panel: Any) -> Any:
    if not isinstance(panel, dict):
        return panel
    result = {k: v for k, v in panel.items() if k not in PANEL_NOISE_KEYS}
    if isinstance(result.get("panels"), list):  # a collapsed row keeps its panels inside
        result["panels"] = [_normalize_panel(p) for p in result["panels"]]
    return result


def normalize_pair(
    old: dict[str, Any] | None, new: dict[str, Any] | None, normalize: Callable[[dict[str, Any]], dict[str, Any]]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any]]:
    """Both versions normalized (None stays None: added or removed), plus the latest existing one."""
    if old is None and new is None:
        raise ValueError("nothing to compare: both versions are None")
    old_n = normalize(old) if old is not None else None
    new_n = normalize(new) if new is not None else None
    return old_n, new_n, new_n if new_n is not None else old_n  # type: ignore[return-value]


def normalize_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A copy of one alert rule without API-managed fields, with ``for`` as a canonical duration."""
    result = {k: v for k, v in copy.deepcopy(rule).items() if k not in RULE_NOISE_KEYS}
    if result.get("isPaused") is False:
        del result["isPaused"]
    if isinstance(result.get("for"), str):
        result["for"] = _duration(result["for"])
    return _drop_empty(result)


def normalize_rule_group(group: dict[str, Any]) -> dict[str, Any]:
    """A copy of a provisioning-shape group (``name``, ``folder``, ``interval``, ``rules``), normalized.

    ``orgId`` and ``folderUid`` are dropped: they say where the group is deployed, not what it does.
    """
    result = {k: v for k, v in copy.deepcopy(group).items() if k not in {"orgId", "orgID", "folderUid", "folderUID"}}
    if isinstance(result.get("interval"), str):
        result["interval"] = _duration(result["interval"])
    result["rules"] = [normalize_rule(r) for r in result.get("rules") or []]
    return _drop_empty(result)


def _duration(text: str) -> str:
    """``"5m0s"`` (Grafana's API answer) and ``"5m"`` compare equal; text that is no duration is kept."""
    try:
        return canonical_duration(text)
    except ValueError:
        return text


def _drop_empty(value: Any) -> Any:
    """A copy without keys whose (cleaned) value is None, [] or {}; lists and dicts are new."""
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                item = _drop_empty(item)
                if not item:  # [] or {}
                    continue
            elif item is None:
                continue
            cleaned[key] = item
        return cleaned
    if isinstance(value, list):
        return [_drop_empty(v) if isinstance(v, (dict, list)) else v for v in value]
    return value
