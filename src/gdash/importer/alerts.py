"""Alert rules -> ``AlertGroup(..., alert_rule(...))`` call trees.

Two inputs: Grafana-managed rules (the ``/api/v1/provisioning/alert-rules/export`` document, file
provisioning ``groups:``, or one API rule group as ``gdash pull`` saves it) and Prometheus rule
files (``groups: [{name, rules: [{alert, expr, for, labels, annotations}]}]``).

``alert_rule`` writes one pipeline: A (instant PromQL) -> B (reduce ``last``) -> C (``$B <op> N``).
A Grafana rule in that shape, whether C is a math or a single-evaluator threshold expression
(Grafana's own editor writes the latter; both mean the same), imports as ``alert_rule``, or as
grafanalib's ``AlertRulev9`` with the same pipeline when its labels lack a severity ``alert_rule``
accepts; a rule in any other shape cannot be expressed (``alert_rule`` has no escape hatch) and is
reported, not dropped silently. A Prometheus rule's ``expr > N`` becomes ``expr`` with ``op="gt", threshold=N`` (in ``alert_rule`` or,
without an accepted severity, ``AlertRulev9``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import promql_parser
from grafanalib import core

import gdash

from ..authoring.alerts import rule_uid
from ..compile.alerts import EXPRESSION_KEYS
from ..diff.normalize import normalize_rule_group
from ..errors import ConfigError, Location
from ..lint.query_limits import check_query
from ..model import LOGICAL_UID_PREFIX
from .pysource import Call
from .shape import check_shape

_OPS = {">": "gt", "<": "lt", ">=": "ge", "<=": "le", "==": "eq", "!=": "ne"}
_FLIPPED = {"gt": "lt", "lt": "gt", "ge": "le", "le": "ge", "eq": "eq", "ne": "ne"}
_SYMBOL = {v: k for k, v in _OPS.items()}
_MATH = re.compile(
    r"^\s*\$\{?(?P<ref>[A-Za-z0-9_]+)\}?\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<n>-?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*$"
)
_COMPARISON = re.compile(r"^(?P<lhs>.*?)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<n>-?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*$", re.S)
SEVERITIES = ("critical", "warning", "info")
# Keys Grafana adds to a query model that change nothing for the rule (its editor's state and
# the sampling it injects itself).
_QUERY_NOISE = {"editorMode": None, "intervalMs": 1000, "maxDataPoints": 43200, "legendFormat": "__auto", "hide": False}
_STATE_NAMES = ("NoData", "OK", "Alerting", "Error")
_GRAFANALIB_STATES = {"NoData": "No Data", "OK": "OK", "Alerting": "Alerting", "Error": "Error"}


@dataclass
class ImportedGroup:
    name: str
    folder: str
    tree: Call
    original: dict[str, Any]  # provisioning shape (name, folder, interval, rules) of what was imported
    datasources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # rules that could not be expressed


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _duration_seconds(text: Any) -> Any:
    return f"{text}s" if isinstance(text, int) else text


# --- Grafana-managed rules -------------------------------------------------------------------------


def _condition(rule: dict[str, Any]) -> tuple[str, float] | None:
    """(op, threshold) when the rule is A -> reduce(last) B -> C compares B with a number."""
    data = {item.get("refId"): item for item in rule.get("data") or []}
    if set(data) != {"A", "B", "C"} or rule.get("condition") != "C":
        return None
    reduce_model, compare = data["B"].get("model") or {}, data["C"].get("model") or {}
    if (
        reduce_model.get("type") != "reduce"
        or reduce_model.get("expression") != "A"
        or reduce_model.get("reducer") != "last"
        or (reduce_model.get("settings") or {}).get("mode", "strict") != "strict"
    ):
        return None
    if compare.get("type") == "math":
        match = _MATH.match(compare.get("expression", ""))
        if match and match["ref"] == "B":
            return _OPS[match["op"]], _number(match["n"])
    if compare.get("type") == "threshold" and compare.get("expression") == "B":
        conditions = compare.get("conditions") or []
        if len(conditions) == 1 and "unloadEvaluator" not in conditions[0]:
            evaluator = conditions[0].get("evaluator") or {}
            params = evaluator.get("params") or []
            if evaluator.get("type") in ("gt", "lt") and len(params) >= 1:
                return evaluator["type"], params[0]
    return None


def _query(rule: dict[str, Any]) -> dict[str, Any] | None:
    item = next(i for i in rule["data"] if i.get("refId") == "A")
    model = item.get("model") or {}
    datasource = model.get("datasource") or {}
    if datasource.get("type", "prometheus") != "prometheus" or "expr" not in model:
        return None
    if (item.get("relativeTimeRange") or {}).get("to", 0) != 0:
        return None
    return item


class _Logical:
    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def name(self, uid: str) -> str:
        if uid.startswith(LOGICAL_UID_PREFIX):
            return uid[len(LOGICAL_UID_PREFIX) :]
        if uid not in self.names:
            taken = set(self.names.values())
            self.names[uid] = "prometheus" if "prometheus" not in taken else f"prometheus-{len(taken) + 1}"
        return self.names[uid]


def _grafana_rule(rule: dict[str, Any], logical: _Logical, notes: list[str]) -> Call | str:
    """An ``alert_rule`` call (or, for labels it cannot write, grafanalib's ``AlertRulev9`` with the
    same pipeline), or why the rule cannot be imported."""
    title = rule.get("title", "")
    condition = _condition(rule)
    if condition is None:
        return "its queries are not A -> reduce(last) B -> threshold C"
    item = _query(rule)
    if item is None:
        return "query A is not an instant Prometheus query"
    if rule.get("noDataState", "NoData") not in _STATE_NAMES or rule.get("execErrState", "Error") not in _STATE_NAMES:
        return "its noDataState/execErrState is not one of NoData, OK, Alerting, Error"
    model = item["model"]
    datasource = logical.name(item.get("datasourceUid") or (model.get("datasource") or {}).get("uid") or "prometheus")
    range_seconds = (item.get("relativeTimeRange") or {}).get("from", 600)
    if (rule.get("labels") or {}).get("severity") not in SEVERITIES:
        notes.append(
            f"rule {title!r}: no severity label of {', '.join(SEVERITIES)}; imported as grafanalib's "
            "AlertRulev9 (alert_rule requires one)"
        )
        return _core_rule(rule, model["expr"], condition, datasource, range_seconds)
    labels = dict(rule.get("labels") or {})
    annotations = dict(rule.get("annotations") or {})
    severity = labels.pop("severity")
    required = {
        "team": labels.pop("team", None),
        "summary": annotations.pop("summary", None),
        "description": annotations.pop("description", None),
        "runbook_url": annotations.pop("runbook_url", None),
    }
    missing = [k for k, v in required.items() if v is None]
    if missing:
        notes.append(f"rule {title!r}: no {', '.join(missing)}; imported as empty (fill them in)")
    op, threshold = condition
    kwargs: dict[str, Any] = {
        "op": op,
        "threshold": threshold,
        "for_": _duration_seconds(rule.get("for", "0s")),
        "severity": severity,
        **{k: v or "" for k, v in required.items()},
    }
    if labels:
        kwargs["labels"] = labels
    if annotations:
        kwargs["annotations"] = annotations
    if rule.get("uid") and rule["uid"] != rule_uid(title):
        kwargs["uid"] = rule["uid"]
    if datasource != "prometheus":
        kwargs["datasource"] = datasource
    if range_seconds != 600:
        kwargs["range_seconds"] = range_seconds
    for key, param in (("noDataState", "no_data"), ("execErrState", "exec_error")):
        default = "NoData" if param == "no_data" else "Error"
        if rule.get(key, default) != default:
            kwargs[param] = rule[key]
    return Call("alert_rule", gdash.alert_rule, args=[title, model["expr"]], kwargs=kwargs)


def _core_rule(
    rule: dict[str, Any], expr: str, condition: tuple[str, float], datasource: str, range_seconds: int
) -> Call:
    """The pipeline ``alert_rule`` writes, spelled with grafanalib's classes, for labels of any kind."""
    op, threshold = condition
    query_kwargs: dict[str, Any] = {"ref_id": "A", "instant": True, "datasource": datasource}
    triggers = [
        Call("prom", gdash.prom, args=[expr], kwargs=query_kwargs),
        Call(
            "core.AlertExpression",
            core.AlertExpression,
            module="grafanalib",
            kwargs={"refId": "B", "expression": "A", "expressionType": "reduce", "reduceFunction": "last"},
        ),
        Call(
            "core.AlertExpression",
            core.AlertExpression,
            module="grafanalib",
            kwargs={"refId": "C", "expression": f"$B {_SYMBOL[op]} {threshold:g}", "expressionType": "math"},
        ),
    ]
    kwargs: dict[str, Any] = {
        "title": rule.get("title", ""),
        "uid": rule.get("uid") or rule_uid(rule.get("title", "")),
        "triggers": triggers,
        "condition": "C",
        "evaluateFor": _duration_seconds(rule.get("for", "0s")),
        "labels": dict(rule.get("labels") or {}),
        "annotations": dict(rule.get("annotations") or {}),
        "noDataAlertState": _GRAFANALIB_STATES.get(rule.get("noDataState", "NoData")),
        "errorAlertState": _GRAFANALIB_STATES.get(rule.get("execErrState", "Error")),
        "timeRangeFrom": range_seconds,
    }
    return Call("core.AlertRulev9", core.AlertRulev9, kwargs=kwargs, module="grafanalib")


# --- Prometheus rule files ---------------------------------------------------------------------------


def split_comparison(expr: str) -> tuple[str, str, float] | None:
    """``sum(x) > 0.05`` -> (``sum(x)``, ``gt``, 0.05): a top-level comparison with a number, no ``bool``."""
    try:
        check_query(expr)  # bounded before the (quadratic) parser
        tree = promql_parser.parse(expr)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # noqa: BLE001 - ValueError for bad input, PanicException (a BaseException) on bugs
        return None
    if not isinstance(tree, promql_parser.BinaryExpr) or str(tree.op) not in _OPS:
        return None
    if tree.modifier is not None and tree.modifier.return_bool:
        return None
    match = _COMPARISON.match(expr.strip())
    if isinstance(tree.rhs, promql_parser.NumberLiteral) and match:
        return match["lhs"].strip(), _OPS[match["op"]], _number(match["n"])
    reverse = re.match(r"^\s*(?P<n>-?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<rhs>.*)$", expr, re.S)
    if isinstance(tree.lhs, promql_parser.NumberLiteral) and reverse:
        return reverse["rhs"].strip(), _FLIPPED[_OPS[reverse["op"]]], _number(reverse["n"])
    return None


def _prometheus_rule(rule: dict[str, Any], notes: list[str]) -> Call:
    title = str(rule["alert"])
    expr = str(rule.get("expr", "")).strip()
    split = split_comparison(expr)
    if split is None:
        # A Prometheus alert fires for every series its expression returns; "> 0" is only the same
        # for expressions whose results are positive (absent(), count(), ... == 1): say so.
        notes.append(f"rule {title!r}: expr has no top-level comparison with a number; imported as `> 0` (check it)")
        split = (expr, "gt", 0)
    query, op, threshold = split
    labels = {str(k): str(v) for k, v in (rule.get("labels") or {}).items()}
    annotations = {str(k): str(v) for k, v in (rule.get("annotations") or {}).items()}
    if labels.get("severity") not in SEVERITIES:
        notes.append(
            f"rule {title!r}: no severity label of {', '.join(SEVERITIES)}; imported as grafanalib's "
            "AlertRulev9 (alert_rule requires one)"
        )
        grafana_shaped = {
            "title": title,
            "for": str(rule.get("for", "0s")),
            "labels": labels,
            "annotations": annotations,
        }
        return _core_rule(grafana_shaped, query, (op, threshold), "prometheus", 600)
    severity = labels.pop("severity")
    required = {
        "team": labels.pop("team", None),
        "summary": annotations.pop("summary", None),
        "description": annotations.pop("description", None),
        "runbook_url": annotations.pop("runbook_url", None) or annotations.pop("runbook", None),
    }
    missing = [k for k, v in required.items() if v is None]
    if missing:
        notes.append(f"rule {title!r}: no {', '.join(missing)}; imported as empty (fill them in)")
    kwargs: dict[str, Any] = {
        "op": op,
        "threshold": threshold,
        "for_": str(rule.get("for", "0s")),
        "severity": severity,
        **{k: v or "" for k, v in required.items()},
    }
    if labels:
        kwargs["labels"] = labels
    if annotations:
        kwargs["annotations"] = annotations
    return Call("alert_rule", gdash.alert_rule, args=[title, query], kwargs=kwargs)


# --- documents -----------------------------------------------------------------------------------------


def is_prometheus_rules(document: Any) -> bool:
    groups = document.get("groups") if isinstance(document, dict) else None
    return isinstance(groups, list) and any(
        isinstance(r, dict) and ("alert" in r or "record" in r)
        for g in groups
        if isinstance(g, dict)
        for r in _listed(g.get("rules"))
    )


def _listed(value: Any) -> list[Any]:
    """A document's list, or nothing (detection only: check_shape reports a wrong type)."""
    return value if isinstance(value, list) else []


def is_grafana_rules(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    groups = document["groups"] if isinstance(document.get("groups"), list) else [document]
    return any(
        isinstance(r, dict) and "data" in r and "title" in r
        for g in groups
        if isinstance(g, dict)
        for r in _listed(g.get("rules"))
    )


def _group_call(name: str, rules: list[Call], folder: str, interval: str) -> Call:
    kwargs: dict[str, Any] = {"folder": folder}
    if interval != "1m":
        kwargs["interval"] = interval
    return Call("AlertGroup", gdash.AlertGroup, args=[name, *rules], kwargs=kwargs)


def import_rule_groups(document: Any, *, location: Location, folder: str | None = None) -> list[ImportedGroup]:
    """Import every group of a Grafana or Prometheus rules document."""
    if is_prometheus_rules(document):
        check_shape(document, "prometheus_rules", location)
        return [_import_prometheus_group(g, location, folder) for g in document["groups"]]
    if not is_grafana_rules(document):
        raise ConfigError(
            "not an alert rules document (no groups with rules)",
            location=location,
            hint="pass a Grafana alert rule export/provisioning file or a Prometheus rule file",
        )
    check_shape(document, "grafana_rules", location)
    groups = document["groups"] if isinstance(document.get("groups"), list) else [document]
    return [_import_grafana_group(g, location, folder) for g in groups]


def _import_grafana_group(group: dict[str, Any], location: Location, folder: str | None) -> ImportedGroup:
    name = group.get("name") or group.get("title") or "rules"
    folder = folder or group.get("folder") or "Alerts"
    interval = _duration_seconds(group.get("interval", "1m"))
    notes: list[str]
    logical, notes, skipped, calls, kept = _Logical(), [], [], [], []
    for rule in group.get("rules") or []:
        result = _grafana_rule(rule, logical, notes)
        if isinstance(result, str):
            skipped.append(f"rule {rule.get('title', '')!r} ({location}): {result}")
        else:
            calls.append(result)
            kept.append(rule)
    original = {"name": name, "folder": folder, "interval": interval, "rules": kept}
    return ImportedGroup(
        name,
        folder,
        _group_call(name, calls, folder, interval),
        original,
        {v: k for k, v in logical.names.items()},
        notes,
        skipped,
    )


def _import_prometheus_group(group: dict[str, Any], location: Location, folder: str | None) -> ImportedGroup:
    name = str(group.get("name", "rules"))
    notes: list[str]
    notes, skipped, calls = [], [], []
    for rule in group.get("rules") or []:
        if "record" in rule:
            skipped.append(f"recording rule {rule['record']!r} ({location}): gdash manages alert rules only")
            continue
        calls.append(_prometheus_rule(rule, notes))
    folder = folder or "Alerts"
    interval = str(group.get("interval", "1m"))
    return ImportedGroup(name, folder, _group_call(name, calls, folder, interval), {}, {}, notes, skipped)


# --- the round trip for Grafana rules -------------------------------------------------------------------


def _canonical_item(item: dict[str, Any]) -> dict[str, Any]:
    item = copy.deepcopy(item)
    model = item.get("model") or {}
    kind = model.get("type")
    if item.get("datasourceUid") in ("__expr__", "-100") or (model.get("datasource") or {}).get("type") == "__expr__":
        kept = {k: model[k] for k in EXPRESSION_KEYS.get(str(kind), ()) if k in model}
        if kind == "reduce" and (kept.get("settings") or {}).get("mode", "strict") == "strict":
            kept.pop("settings", None)
        if kind == "threshold" and len(kept.get("conditions") or []) == 1:  # same meaning as the math form
            evaluator = kept["conditions"][0].get("evaluator") or {}
            if "unloadEvaluator" not in kept["conditions"][0] and evaluator.get("type") in ("gt", "lt"):
                kind, kept = (
                    "math",
                    {
                        "expression": f"${kept.get('expression')} {_SYMBOL[evaluator['type']]} "
                        f"{float(evaluator['params'][0])}"
                    },
                )
        if kind == "math":
            match = _MATH.match(kept.get("expression", ""))
            if match:
                kept["expression"] = f"${match['ref']} {match['op']} {float(match['n'])}"
        return {"refId": item.get("refId"), "model": {"type": kind, **kept}}
    model = {k: v for k, v in model.items() if _QUERY_NOISE.get(k, object()) != v and k not in ("editorMode", "refId")}
    model.setdefault("instant", False)
    model.setdefault("range", not model["instant"])
    item.pop("queryType", None)  # "" in exports: the query type is the model's business
    return {**item, "model": model}


def canonical_rule_group(group: dict[str, Any], datasources: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A provisioning-shape group in the form the round trip compares: ``normalize_rule_group``,
    then expression models reduced to the keys their type means (as gdash compiles them), threshold
    expressions written as the equivalent math, Grafana's injected query defaults dropped, empty
    labels/annotations dropped, logical datasources resolved with ``datasources``."""
    group = normalize_rule_group(group)
    mapping = datasources or {}
    for rule in group.get("rules", []):
        rule["data"] = [_canonical_item(item) for item in rule.get("data", [])]
        for item in rule["data"]:
            for holder, key in ((item, "datasourceUid"), (item.get("model", {}).get("datasource") or {}, "uid")):
                value = holder.get(key)
                if isinstance(value, str) and value.startswith(LOGICAL_UID_PREFIX):
                    holder[key] = mapping.get(value[len(LOGICAL_UID_PREFIX) :], value)
        for key in ("labels", "annotations"):
            rule[key] = {k: v for k, v in (rule.get(key) or {}).items() if v != ""}
        rule.setdefault("noDataState", "NoData")
        rule.setdefault("execErrState", "Error")
    return normalize_rule_group(group)
