"""Semantic diff of Grafana-managed alert rule groups (file-provisioning shape).

Rules are matched by ``uid`` (then by title, for a rule whose uid changed). Threshold evaluators are
shown as conditions (``> 0.05``) rather than ``{"type": "gt", "params": [0.05]}``, so a changed
threshold reads ``data[C].model.conditions[0].evaluator: "> 0.05" -> "> 0.1"``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .changes import ItemChange, RuleGroupDiff
from .fields import diff_values
from .normalize import normalize_pair, normalize_rule_group

_EVALUATORS = {
    "gt": "> {0}",
    "lt": "< {0}",
    "eq": "== {0}",
    "ne": "!= {0}",
    "within_range": "between {0} and {1} (exclusive)",
    "outside_range": "outside {0} and {1} (exclusive)",
    "within_range_included": "between {0} and {1}",
    "outside_range_included": "outside {0} and {1}",
}


def diff_rule_groups(old: dict[str, Any] | None, new: dict[str, Any] | None) -> RuleGroupDiff:
    """Compare two versions of one rule group (``{name, folder, interval, rules: [...]}``; either may be None)."""
    old_group, new_group, current = normalize_pair(old, new, normalize_rule_group)
    diff = RuleGroupDiff(
        folder=str(current.get("folder") or ""),
        name=str(current.get("name") or ""),
        added=old_group is None,
        removed=new_group is None,
    )
    old_rules = [_readable(r) for r in (old_group or {}).get("rules", [])]
    new_rules = [_readable(r) for r in (new_group or {}).get("rules", [])]
    if old_group is not None and new_group is not None:
        diff.settings = diff_values(_settings(old_group), _settings(new_group))
    pairs, removed, added = _match_rules(old_rules, new_rules)
    for old_rule, new_rule in pairs:
        fields = diff_values(old_rule, new_rule)
        if fields:
            diff.items.append(ItemChange("rule", _key(new_rule), _title(new_rule), fields=fields))
    diff.items += [ItemChange("rule", _key(r), _title(r), added=True, summary=describe_rule(r)) for r in added]
    diff.items += [ItemChange("rule", _key(r), _title(r), removed=True, summary=describe_rule(r)) for r in removed]
    return diff


def diff_rule_group_sets(old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> list[RuleGroupDiff]:
    """Diffs of the groups (matched by folder and name) that differ, ordered by folder and name."""
    old_by = {(g.get("folder", ""), g.get("name", "")): g for g in old}
    new_by = {(g.get("folder", ""), g.get("name", "")): g for g in new}
    diffs = [diff_rule_groups(old_by.get(k), new_by.get(k)) for k in sorted(set(old_by) | set(new_by))]
    return [d for d in diffs if d.changed]


def describe_rule(rule: dict[str, Any]) -> str:
    """One line: what the rule evaluates and for how long it must hold."""
    parts = []
    for query in rule.get("data") or []:
        model = query.get("model") or {}
        if model.get("expr"):
            parts.append(f"{query.get('refId')}: {' '.join(str(model['expr']).split())}")
        for condition in model.get("conditions") or []:
            if isinstance(condition.get("evaluator"), str):
                parts.append(f"{query.get('refId')}: {condition['evaluator']}")
    if rule.get("for"):
        parts.append(f"for {rule['for']}")
    return "; ".join(parts)


def _readable(rule: dict[str, Any]) -> dict[str, Any]:
    rule = copy.deepcopy(rule)
    for query in rule.get("data") or []:
        for condition in (query.get("model") or {}).get("conditions") or []:
            evaluator = condition.get("evaluator") if isinstance(condition, dict) else None
            if (
                isinstance(evaluator, dict)
                and set(evaluator) <= {"type", "params"}
                and evaluator.get("type") in _EVALUATORS
            ):
                params = [_number(p) for p in evaluator.get("params") or []] + ["?", "?"]
                condition["evaluator"] = _EVALUATORS[evaluator["type"]].format(*params)
    return rule


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _match_rules(old: list[dict], new: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    pairs: list[tuple[dict, dict]] = []
    old_left, new_left = list(old), list(new)
    for field_name in ("uid", "title"):
        new_by = _unique(new_left, field_name)
        for key, rule in _unique(old_left, field_name).items():
            if key in new_by:
                pairs.append((rule, new_by[key]))
        old_left = [r for r in old_left if not any(r is o for o, _ in pairs)]
        new_left = [r for r in new_left if not any(r is n for _, n in pairs)]
    order = {id(r): i for i, r in enumerate(new)}
    pairs.sort(key=lambda p: order[id(p[1])])
    return pairs, old_left, new_left


def _unique(rules: list[dict], field_name: str) -> dict[str, dict]:
    seen: dict[str, list[dict]] = {}
    for rule in rules:
        if rule.get(field_name):
            seen.setdefault(str(rule[field_name]), []).append(rule)
    return {k: v[0] for k, v in seen.items() if len(v) == 1}


def _settings(group: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in group.items() if k != "rules"}


def _key(rule: dict[str, Any]) -> str:
    return f"rule:{rule.get('uid') or rule.get('title')}"


def _title(rule: dict[str, Any]) -> str:
    return str(rule.get("title") or rule.get("uid") or "untitled rule")
