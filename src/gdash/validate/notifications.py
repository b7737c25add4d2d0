"""Inhibition rules and mute timings checked against the project's alert rules.

An alert carries its rule's static labels plus ``alertname`` (the rule title) and
``grafana_folder``; a label it does not have matches as the empty string (Alertmanager's and
Grafana's matcher semantics). A matcher that no rule can satisfy is an error: the inhibition or
the mute timing would silently never apply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import Project
from .validator import Problem

if TYPE_CHECKING:
    from ..lint.goregex import GoRegex

_MATCHER = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)(=~|!~|!=|=)(".*")$')


def rule_labels(project: Project) -> list[dict[str, str]]:
    """The static label set of every alert rule (what a notification of it carries at least)."""
    return [
        {
            **{k: str(v) for k, v in (rule.get("labels") or {}).items()},
            "alertname": rule["title"],
            "grafana_folder": group.folder,
        }
        for group in project.rule_groups
        for rule in group.rules
    ]


def compile_go_regex(pattern: str) -> GoRegex:
    # Imported here: importing any gdash.lint module runs gdash.lint's __init__ (every rule), which
    # a build whose project has no regex matcher to check should not pay for.
    from ..lint.goregex import compile_go_regex as compile_regex

    return compile_regex(pattern)


def _matches(labels: dict[str, str], label: str, op: str, value: str) -> bool:
    actual = labels.get(label, "")
    if op in ("=", "!="):
        return (actual == value) == (op == "=")
    return bool(compile_go_regex(value).fullmatch(actual)) == (op == "=~")  # checked valid in _inhibit_problems


def _parse(matcher: str) -> tuple[str, str, str]:
    label, op, quoted = _MATCHER.match(matcher).groups()  # type: ignore[union-attr]  # gdash wrote it
    return label, op, json.loads(quoted)


def _matching(rules: list[dict[str, str]], matchers: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [labels for labels in rules if all(_matches(labels, *m) for m in matchers)]


def _describe(matchers: list[tuple[str, str, str]]) -> str:
    return "{" + ", ".join(f"{label}{op}{json.dumps(value)}" for label, op, value in matchers) + "}"


def notification_problems(project: Project) -> list[Problem]:
    """Inhibition rules that never inhibit, routes whose mute timings never apply, unknown mute timings."""
    problems = list(_mute_timing_references(project))
    rules = rule_labels(project)
    if not rules:
        return problems  # a notifications-only project: nothing to check the matchers against
    for index, inhibit in enumerate(project.inhibit_rules):
        problems.extend(_inhibit_problems(rules, inhibit, f"$.inhibit_rules[{index}]"))
    if project.policies:
        problems.extend(_route_problems(rules, project.policies, [], "$.policies[0]"))
    return problems


def _inhibit_problems(rules: list[dict[str, str]], inhibit: dict[str, Any], path: str) -> Iterator[Problem]:
    source = [_parse(m) for m in inhibit["source_matchers"]]
    target = [_parse(m) for m in inhibit["target_matchers"]]
    subject = f"Inhibit(source={_describe(source)}, target={_describe(target)})"
    for side, matchers in (("source", source), ("target", target)):
        for label, op, value in matchers:
            if op in ("=~", "!~"):
                try:
                    compile_go_regex(value)
                except re.error as error:
                    yield Problem(
                        None,
                        subject,
                        f"{path}.{side}_matchers",
                        f"{label}{op}{json.dumps(value)[:60]} is not a valid regular expression ({error})",
                    )
                    return
    sources, targets = _matching(rules, source), _matching(rules, target)
    for side, matched, matchers in (("source", sources, source), ("target", targets, target)):
        if not matched:
            yield Problem(
                None,
                subject,
                f"{path}.{side}_matchers",
                f"{side} {_describe(matchers)} matches no alert rule's labels; "
                "check the label values against alerts/*.py",
            )
    if not sources or not targets:
        return
    equal = inhibit.get("equal") or []

    def compatible(a: dict[str, str], b: dict[str, str]) -> bool:
        # a label both rules set statically must agree; one set by the query's series may
        return a is not b and all(a[label] == b[label] for label in equal if label in a and label in b)

    if not any(compatible(s, t) for s in sources for t in targets):
        yield Problem(
            None,
            subject,
            f"{path}.equal",
            f"never inhibits anything: every source rule and target rule differ in {equal} "
            f"(sources: {sorted(s['alertname'] for s in sources)}, targets: {sorted(t['alertname'] for t in targets)})",
        )


def _route_problems(
    rules: list[dict[str, str]], route: dict[str, Any], inherited: list[tuple[str, str, str]], path: str
) -> Iterator[Problem]:
    matchers = inherited + [(label, op, value) for label, op, value in route.get("object_matchers") or []]
    if route.get("mute_time_intervals") and not _matching(rules, matchers):
        yield Problem(
            None,
            "notification policy",
            f"{path}.object_matchers",
            f"route to {route['receiver']!r} {_describe(matchers)} matches no alert rule's labels, so its "
            f"mute timings {route['mute_time_intervals']} never apply",
        )
    for index, child in enumerate(route.get("routes") or []):
        yield from _route_problems(rules, child, matchers, f"{path}.routes[{index}]")


def _mute_timing_references(project: Project) -> Iterator[Problem]:
    known = {timing["name"] for timing in project.mute_timings}

    def walk(route: dict[str, Any], path: str) -> Iterator[Problem]:
        for name in route.get("mute_time_intervals") or []:
            if name not in known:
                yield Problem(
                    None,
                    "notification policy",
                    f"{path}.mute_time_intervals",
                    f"mute timing {name!r} is not defined {sorted(known)}; add MuteTiming({name!r}, ...) "
                    "to mute_timings",
                )
        for index, child in enumerate(route.get("routes") or []):
            yield from walk(child, f"{path}.routes[{index}]")

    if project.policies:
        yield from walk(project.policies, "$.policies[0]")
