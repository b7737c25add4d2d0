"""Grafana-managed alert rules on grafanalib's ``AlertRulev9`` and ``AlertGroup``.

``alert_rule`` writes the pipeline Grafana's own editor builds: query ``A`` (an instant PromQL
query), ``B`` reduces it to one value per series (``last``), ``C`` compares it with the threshold
(a math expression such as ``$B > 0.05``) and is the condition. Keeping to this one shape is what
lets ``gdash test`` translate a rule into a Prometheus rule exactly.
"""

from __future__ import annotations

import re
from typing import Any

from grafanalib import core

from . import checks
from .queries import prom
from .source import remember

_OPERATORS = {"gt": ">", "lt": "<", "ge": ">=", "le": "<=", "eq": "==", "ne": "!="}
# Rule settings grafanalib's AlertRulev9 has no field for, kept on the rule object for compile/alerts.py
EXTRA_ATTR = "_gdash_rule_extra"
_STATES = {
    "NoData": core.ALERTRULE_STATE_DATA_NODATA,
    "OK": core.ALERTRULE_STATE_DATA_OK,
    "Alerting": core.ALERTRULE_STATE_DATA_ALERTING,
    "Error": core.ALERTRULE_STATE_DATA_ERROR,
}


def rule_uid(title: str) -> str:
    """A stable uid from a rule title: ``HighCPUUsage`` -> ``high-cpu-usage``."""
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", title)  # CPUUsage -> CPU-Usage
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", words)
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")


def alert_rule(
    title: str,
    expr: str,
    *,
    op: str = "gt",
    threshold: float,
    for_: str = "5m",
    severity: str,
    team: str,
    summary: str,
    description: str,
    runbook_url: str,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    uid: str | None = None,
    datasource: str = "prometheus",
    range_seconds: int = 600,
    no_data: str = "NoData",
    exec_error: str = "Error",
    keep_firing_for: str | None = None,
    missing_series_evals_to_resolve: int | None = None,
) -> core.AlertRulev9:
    """A rule that fires when ``expr`` ``op`` ``threshold`` holds for ``for_``.

    ``op`` is one of gt, lt, ge, le, eq, ne. ``severity`` is ``critical`` or ``warning``.
    ``keep_firing_for`` (a duration such as ``"10m"``) keeps a firing instance firing that long after its
    condition stops holding; ``missing_series_evals_to_resolve`` (an integer >= 1; Grafana's default is 2)
    is how many evaluations a firing instance's series may be missing before Grafana resolves it
    (Grafana 12+; Grafana 11 has no such setting and gdash leaves it out there).
    """
    checks.call("alert_rule", locals())
    if op not in _OPERATORS:
        raise ValueError(f"alert_rule {title!r}: op must be one of {', '.join(_OPERATORS)}, not {op!r}")
    if severity not in ("critical", "warning", "info"):
        raise ValueError(f"alert_rule {title!r}: severity must be critical, warning or info, not {severity!r}")
    extra: dict[str, Any] = {}  # keep_firing_for / missing_series_evals_to_resolve: checked by checks.call
    if keep_firing_for is not None:
        extra["keepFiringFor"] = keep_firing_for
    if missing_series_evals_to_resolve is not None:
        extra["missing_series_evals_to_resolve"] = missing_series_evals_to_resolve
    query = prom(expr, ref_id="A", instant=True, datasource=datasource)
    rule = core.AlertRulev9(
        title=title,
        uid=uid or rule_uid(title),
        triggers=[
            query,
            core.AlertExpression(
                refId="B",
                expression="A",
                expressionType=core.EXP_TYPE_REDUCE,
                reduceFunction=core.EXP_REDUCER_FUNC_LAST,
            ),
            core.AlertExpression(
                refId="C", expression=f"$B {_OPERATORS[op]} {threshold:g}", expressionType=core.EXP_TYPE_MATH
            ),
        ],
        condition="C",
        evaluateFor=for_,
        labels={"severity": severity, "team": team, **(labels or {})},
        annotations={"summary": summary, "description": description, "runbook_url": runbook_url, **(annotations or {})},
        noDataAlertState=_STATES[no_data],
        errorAlertState=_STATES[exec_error],
        timeRangeFrom=range_seconds,
    )
    if extra:
        setattr(rule, EXTRA_ATTR, extra)
    return remember(rule)


def AlertGroup(name: str, *rules: core.AlertRulev9, folder: str = "Alerts", interval: str = "1m") -> core.AlertGroup:  # noqa: N802
    """A rule group: rules evaluated together every ``interval`` and stored in ``folder``."""
    checks.call("AlertGroup", locals())
    checks.arguments(
        "AlertGroup",
        ("rules", rules, checks.items(checks.instance(core.AlertRulev9, "an alert_rule(...)"), "alert rules")),
    )
    return remember(core.AlertGroup(name=name, rules=list(rules), folder=folder, evaluateInterval=interval))
