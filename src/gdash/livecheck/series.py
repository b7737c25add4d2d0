"""``gdash lint --prometheus URL``: does every metric a query selects exist on a live Prometheus?

One request (``/api/v1/label/__name__/values``) fetches every metric name Prometheus knows; each
PromQL query of the lint targets (panel targets, ``label_values(...)`` variables, alert queries) is
parsed and every selected metric name looked up. A missing name is a ``LIVE001`` finding with the
closest existing name as a suggestion (typos such as ``http_request_total``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import promql_parser

from ..errors import Location
from ..lint.config import LintConfig, SourceLines, suppressed
from ..lint.engine import query_language
from ..lint.findings import Finding
from ..lint.macros import PLACEHOLDER_MARK
from ..lint.parse_error import QueryParseError
from ..lint.promql import parse_promql
from ..lint.promql.tree import metric_name, walk
from ..lint.sources import Targets, path_targets, project_targets
from ..model import Project
from ..panels import dashboard_panels
from .prometheus import api_get

CODE = "LIVE001"
_LABEL_VALUES = "label_values("


@dataclass(frozen=True)
class _Query:
    text: str
    location: Location
    context: dict[str, Any]  # Finding context: dashboard, panel, ref_id, rule


def metric_names(url: str, *, timeout: float = 10.0) -> set[str]:
    """Every metric name the Prometheus at ``url`` has series for; ConfigError (one line) when unreachable."""
    body = api_get(
        url,
        "/api/v1/label/__name__/values",
        "label values",
        lambda body: isinstance(body, dict) and body.get("status") == "success" and isinstance(body.get("data"), list),
        timeout=timeout,
    )
    return set(body["data"])


def check_live_series(targets: Targets, url: str, *, timeout: float = 10.0) -> list[Finding]:
    """A LIVE001 finding for every selected metric name that ``url`` has no series for."""
    known = metric_names(url, timeout=timeout)
    findings = set()
    for query in _queries(targets):
        try:
            parsed = parse_promql(query.text)
        except QueryParseError:
            continue  # the offline lint reports parse errors
        for node, _ in walk(parsed.ast):
            name = metric_name(node) if isinstance(node, promql_parser.VectorSelector) else None
            if not name or PLACEHOLDER_MARK in name or name in known:
                continue
            close = difflib.get_close_matches(name, known, n=1)
            suggestion = f"; did you mean {close[0]!r}?" if close else ""
            findings.add(
                Finding(
                    CODE,
                    "error",
                    f"metric {name!r} has no series on {url}{suggestion}",
                    query.location.path,
                    query.location.line,
                    **query.context,
                )
            )
    return sorted(findings, key=Finding.sort_key)


def queried_metrics(targets: Targets) -> set[str]:
    """Every metric name that a PromQL query of ``targets`` selects (panels, variables, rules)."""
    names: set[str] = set()
    for query in _queries(targets):
        try:
            parsed = parse_promql(query.text)
        except QueryParseError:
            continue
        names.update(
            name
            for node, _ in walk(parsed.ast)
            if isinstance(node, promql_parser.VectorSelector)
            for name in [metric_name(node)]
            if name and PLACEHOLDER_MARK not in name
        )
    return names


def _queries(targets: Targets) -> Iterator[_Query]:
    for dashboard in targets.dashboards:
        uid = dashboard.model.get("uid")
        variables = {
            v.get("name"): v for v in (dashboard.model.get("templating") or {}).get("list") or [] if isinstance(v, dict)
        }
        for variable in variables.values():
            text = variable.get("query")
            text = text.get("query") if isinstance(text, dict) else text
            if (
                variable.get("type") == "query"
                and isinstance(text, str)
                and text.strip().startswith(_LABEL_VALUES)
                and query_language({}, variable, variables) == "promql"
            ):
                selector = text.strip()[len(_LABEL_VALUES) :].rstrip(") ").rsplit(",", 1)
                if len(selector) == 2:
                    yield _Query(
                        selector[0], dashboard.source, {"dashboard": uid, "panel": f"variable ${variable.get('name')}"}
                    )
        for panel in dashboard_panels(dashboard.model):
            for target in panel.get("targets") or []:
                if (
                    isinstance(target, dict)
                    and isinstance(target.get("expr"), str)
                    and query_language(panel, target, variables) == "promql"
                ):
                    ref_id = target.get("refId")
                    location = (
                        dashboard.target_locations.get((panel.get("id"), ref_id))
                        or dashboard.panel_locations.get(panel.get("id"))
                        or dashboard.source
                    )
                    yield _Query(
                        target["expr"], location, {"dashboard": uid, "panel": panel.get("title"), "ref_id": ref_id}
                    )
    for alert in targets.alerts:
        for spec in alert.queries:
            if spec.language == "promql":
                location = Location(alert.source.path, spec.line) if spec.line else alert.source
                yield _Query(spec.text, location, {"rule": alert.name, "ref_id": spec.ref_id})


def live_lint(
    findings: list[Finding],
    config: LintConfig,
    url: str,
    *,
    project: Project | None = None,
    paths: Iterable[Path] = (),
    root: Path | None = None,
    timeout: float = 10.0,
) -> list[Finding]:
    """``findings`` plus the live series check's, after the lint configuration and inline suppressions."""
    check = partial(check_live_series, url=url, timeout=timeout)
    return with_online_findings(findings, config, CODE, check, project=project, paths=paths, root=root)


def with_online_findings(
    findings: list[Finding],
    config: LintConfig,
    code: str,
    check: Callable[[Targets], list[Finding]],
    *,
    project: Project | None,
    paths: Iterable[Path],
    root: Path | None,
) -> list[Finding]:
    """``findings`` plus those of the online rule ``code`` that ``check`` finds in the project (or
    ``paths``), at the configured severity and without those the configuration or an inline
    comment suppresses; ``check`` is not run when the rule is not enabled."""
    if not config.enabled(code):
        return findings
    paths = list(paths)
    targets = path_targets(paths, root) if paths or project is None else project_targets(project)
    lines = SourceLines(project.root if project is not None else root)
    found = [replace(f, severity=config.severity(code)) for f in check(targets)]
    return sorted(findings + [f for f in found if not suppressed(f, config, lines)], key=Finding.sort_key)
