"""Grafana-managed alert rules -> equivalent Prometheus alerting rules.

A Grafana rule is a small pipeline: an instant PromQL query ``A``, a ``reduce`` to one value per
series (``B``), and a ``math``/``threshold`` expression (``C``, the condition) that is non-zero when
the rule fires. For an instant query, ``last`` of the single sample is the sample itself, and
``$B > 0.05`` keeps exactly the series a PromQL filter ``A > 0.05`` keeps, with the same labels and
value. That is the whole translation; anything else (range queries, other reducers, classic
conditions, recovery thresholds, other datasources) has no exact PromQL counterpart and is refused
with a message naming the rule and the reason.

Not translated, by design: ``noDataState``/``execErrState`` (Grafana's own handling of an empty or
failing query has no Prometheus equivalent); the exported rule covers the series the query returns.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import promql_parser

from ..errors import Location, ProjectError
from ..lint.query_limits import check_query
from ..model import LOGICAL_UID_PREFIX, CompiledRuleGroup, Project, folder_slug
from ..output import dump_yaml

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_COMPARISON = r">=|<=|==|!=|>|<"
_MATH = re.compile(rf"^\s*\$\{{?(?P<ref>\w+)\}}?\s*(?P<op>{_COMPARISON})\s*(?P<num>{_NUMBER})\s*$")
_MATH_FLIPPED = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<op>{_COMPARISON})\s*\$\{{?(?P<ref>\w+)\}}?\s*$")
_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}
_THRESHOLD_OPS = {"gt": ">", "lt": "<"}
_GRAFANA_MACRO = re.compile(r"\$(?:__\w+|\{[^}]*\})")
_VALUES_REF = re.compile(r"\$values\.(?P<ref>\w+)\.(?P<field>Value|Labels)\b")
_SET_OPERATORS = {"and", "or", "unless"}


class TranslationError(ProjectError):
    """A Grafana-managed rule has no exact Prometheus translation."""


@dataclass(frozen=True)
class TranslatedRule:
    title: str
    group: CompiledRuleGroup
    prometheus: dict[str, Any]
    location: Location


def prometheus_rule(rule: dict[str, Any], *, folder: str, location: Location | None = None) -> dict[str, Any]:
    """The Prometheus alerting rule equivalent to Grafana rule ``rule``; TranslationError if none is exact."""
    title = rule.get("title", "?")

    def refuse(reason: str, hint: str) -> TranslationError:
        return TranslationError(
            f"alert rule {title!r} has no exact Prometheus translation: {reason}", location=location, hint=hint
        )

    if rule.get("isPaused"):
        raise refuse("it is paused", "unpause it (isPaused) to export or test it")
    nodes = {item["refId"]: item for item in rule.get("data", [])}
    condition = nodes.get(rule.get("condition"))
    if condition is None:
        raise refuse(f"its condition {rule.get('condition')!r} is not one of its queries", "fix `condition`")
    input_ref, comparisons = _condition(condition["model"], refuse)
    value_refs, expr = _instant_promql(nodes, input_ref, refuse)
    translated: dict[str, Any] = {
        "alert": title,
        "expr": _compare(expr, comparisons),
        "labels": {**rule.get("labels", {}), "grafana_folder": folder},
        "annotations": {
            key: _annotation(value, value_refs, refuse) for key, value in rule.get("annotations", {}).items()
        },
    }
    if rule.get("for") and rule["for"] not in ("0", "0s", "0m"):
        translated["for"] = rule["for"]
    if rule.get("keepFiringFor") and rule["keepFiringFor"] not in ("0", "0s", "0m"):
        translated["keep_firing_for"] = rule["keepFiringFor"]  # Prometheus 2.42+ has the same setting
    return translated


def _condition(model: dict[str, Any], refuse) -> tuple[str, list[tuple[str, str]]]:
    """(ref the condition reads, [(operator, number), ...] all of which must hold) — or 'or' of two for outside_range."""
    kind = model.get("type")
    if kind == "math":
        text = str(model.get("expression", ""))
        match = _MATH.match(text)
        flipped = _MATH_FLIPPED.match(text)
        if match:
            return match["ref"], [(match["op"], match["num"])]
        if flipped:
            return flipped["ref"], [(_FLIP[flipped["op"]], flipped["num"])]
        raise refuse(
            f"math condition {text!r} is not `$REF <comparison> <number>`",
            "write the condition as e.g. `$B > 0.05` (gdash.alert_rule does)",
        )
    if kind == "threshold":
        conditions = model.get("conditions") or []
        if len(conditions) != 1 or conditions[0].get("unloadEvaluator"):
            raise refuse(
                "threshold with a recovery threshold or several conditions",
                "use a single threshold without a recovery threshold",
            )
        evaluator = conditions[0].get("evaluator") or {}
        params = [repr(float(p)) for p in evaluator.get("params") or []]
        ref = str(model.get("expression", ""))
        kind_of = evaluator.get("type")
        if kind_of in _THRESHOLD_OPS and params:
            return ref, [(_THRESHOLD_OPS[kind_of], params[0])]
        if kind_of == "within_range" and len(params) == 2:
            return ref, [(">", params[0]), ("<", params[1])]
        raise refuse(f"threshold type {kind_of!r}", "use a gt, lt or within_range threshold, or a math condition")
    if kind == "classic_conditions":
        raise refuse(
            "classic conditions evaluate whole queries, not series",
            "use reduce + math (gdash.alert_rule) instead of classic conditions",
        )
    raise refuse(
        f"its condition is a {kind or 'query'} node, not a math or threshold expression",
        "make the condition a math expression such as `$B > 0.05`",
    )


def _instant_promql(nodes: dict[str, Any], ref: str, refuse) -> tuple[set[str], str]:
    """Follow the condition's input through an optional ``reduce last`` to an instant PromQL query."""
    value_refs = {ref}
    node = nodes.get(ref)
    if node is None:
        raise refuse(f"the condition reads ${ref}, which is not one of its queries", "fix the expression")
    model = node["model"]
    if model.get("type") == "reduce":
        mode = (model.get("settings") or {}).get("mode", "strict")
        if model.get("reducer") != "last" or mode not in ("", "strict"):
            raise refuse(
                f"reducer {model.get('reducer')!r} (mode {mode!r}) on {ref}",
                "reduce an instant query with `last` (strict mode), the one reducer that keeps each sample as is",
            )
        ref = str(model.get("expression", ""))
        value_refs.add(ref)
        node = nodes.get(ref)
        if node is None:
            raise refuse(
                f"reduce {model['refId']} reads {ref!r}, which is not one of its queries", "fix the expression"
            )
        model = node["model"]
    if model.get("type") in ("math", "resample", "classic_conditions", "threshold", "reduce"):
        raise refuse(f"{ref} is a {model['type']} expression, not a query", "reduce a PromQL query directly")
    uid = str(node.get("datasourceUid") or "")
    kind = (model.get("datasource") or {}).get("type") or (
        uid[len(LOGICAL_UID_PREFIX) :] if uid.startswith(LOGICAL_UID_PREFIX) else None
    )
    if kind != "prometheus":
        raise refuse(
            f"query {ref} uses a {kind or 'non-Prometheus'} datasource",
            "only PromQL queries against a Prometheus datasource translate into Prometheus rules",
        )
    if not model.get("instant") or model.get("range"):
        raise refuse(f"query {ref} is a range query", "make the alert query instant (gdash.alert_rule does)")
    expr = str(model.get("expr", ""))
    if macro := _GRAFANA_MACRO.search(expr):
        raise refuse(
            f"query {ref} uses Grafana variable {macro.group(0)}",
            "write plain PromQL in alert queries (Prometheus does not expand Grafana variables)",
        )
    try:
        check_query(expr)  # bounded before the (quadratic) parser
        parsed = promql_parser.parse(expr)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as error:  # the Rust extension raises ValueError, and PanicException on bugs
        raise refuse(f"query {ref} is not valid PromQL ({error})", "fix the query (see `gdash lint`)") from None
    needs_parens = isinstance(parsed, promql_parser.BinaryExpr) and str(parsed.op).lower() in _SET_OPERATORS
    return value_refs, f"({expr})" if needs_parens else expr


def _compare(expr: str, comparisons: list[tuple[str, str]]) -> str:
    return expr + "".join(f" {op} {number}" for op, number in comparisons)


def _annotation(text: str, value_refs: set[str], refuse) -> str:
    """Grafana's ``$values.B.Value`` is Prometheus' ``$value`` when B carries the query's sample."""

    def replace(match: re.Match) -> str:
        if match["ref"] not in value_refs:
            raise refuse(
                f"an annotation reads $values.{match['ref']}, which Prometheus has no value for",
                f"use $values.{sorted(value_refs)[0]}.Value (the query's value) in annotations",
            )
        return "$value" if match["field"] == "Value" else "$labels"

    return _VALUES_REF.sub(replace, text)


def translate_project(project: Project) -> tuple[list[TranslatedRule], list[TranslationError]]:
    """Every rule's translation, and the refusals for rules that have none."""
    translated, refused = [], []
    for group in project.rule_groups:
        for rule in group.rules:
            location = group.rule_locations.get(rule["uid"], group.source)
            try:
                translated.append(
                    TranslatedRule(
                        rule["title"], group, prometheus_rule(rule, folder=group.folder, location=location), location
                    )
                )
            except TranslationError as error:
                refused.append(error)
    return translated, refused


def prometheus_rule_files(translated: list[TranslatedRule]) -> dict[str, str]:
    """``<folder-slug>.yaml`` -> Prometheus rule file content (groups keep their name and interval)."""
    by_folder: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for item in translated:
        groups = by_folder[folder_slug(item.group.folder)]
        group = groups.setdefault(
            item.group.name, {"name": item.group.name, "interval": item.group.interval, "rules": []}
        )
        group["rules"].append(item.prometheus)
    return {
        f"{slug}.yaml": dump_yaml({"groups": [groups[name] for name in sorted(groups)]})
        for slug, groups in sorted(by_folder.items())
    }
