"""``gdash lint --prometheus URL --check-data``: does every panel query and alert expression return data?

Each PromQL panel target and alert/recording rule expression is run as an instant query
(``/api/v1/query``) after Grafana's macros and the dashboard's template variables have been
replaced the way Grafana would for the dashboard's default time range (see :func:`substitute`).
An empty result, or an error, is a ``DATA001`` finding (rule documentation: gdash.lint.rules.data).

Grafana's interval arithmetic that this follows (public/app/features/dashboard and the Prometheus
datasource's ``$__rate_interval`` doc): ``$__interval`` is the range divided by the panel's data
points, never below the scrape interval; ``$__rate_interval`` is
``max($__interval + scrape interval, 4 * scrape interval)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import requests

from ..durations import parse_duration
from ..errors import ConfigError, Location
from ..lint.config import LintConfig
from ..lint.engine import query_language
from ..lint.findings import Finding
from ..lint.rules.data import CODE
from ..lint.sources import Targets
from ..model import Project
from ..panels import dashboard_panels
from .series import metric_names, with_online_findings

DEFAULT_RANGE = 6 * 3600  # Grafana's default dashboard time range: now-6h
DATA_POINTS = 1000  # a typical panel width in pixels: Grafana's maxDataPoints default
_VARIABLE = re.compile(
    r"\$\{(?P<braced>[A-Za-z0-9_.]+)(?::[^}]*)?\}|\[\[(?P<bracketed>[A-Za-z0-9_.]+)(?::[^\]]*)?\]\]"
    r"|\$(?P<plain>[A-Za-z0-9_]+)"
)
_LABEL_VALUES = re.compile(
    r"^\s*label_values\(\s*(?:(?P<selector>.*?)\s*,\s*)?(?P<label>[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$", re.S
)
_RELATIVE = re.compile(r"^now-(\d+[smhdwy])(?:/\w)?$")


@dataclass(frozen=True)
class DataQuery:
    """One query to run: the text as written, where it is, what to call it in a finding."""

    text: str
    location: Location
    what: str  # "panel 'Hit ratio' query A", "alert 'HighErrorRate' query A"
    context: dict[str, Any]
    range_seconds: int = DEFAULT_RANGE
    variables: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Intervals:
    range_seconds: int
    interval_seconds: int
    rate_interval_seconds: int

    @classmethod
    def for_range(cls, range_seconds: int, scrape_seconds: int) -> Intervals:
        interval = max(scrape_seconds, range_seconds // DATA_POINTS)
        return cls(range_seconds, interval, max(interval + scrape_seconds, 4 * scrape_seconds))


def _seconds(text: str, fallback: int) -> int:
    try:
        return max(1, parse_duration(text) // 1000)
    except (ValueError, TypeError, AttributeError):
        return fallback


def dashboard_range(model: dict[str, Any]) -> int:
    """The dashboard's default time range in seconds (``time.from`` = ``now-6h`` -> 21600)."""
    start = str(((model.get("time") or {}).get("from")) or "")
    match = _RELATIVE.match(start)
    return _seconds(match.group(1), DEFAULT_RANGE) if match else DEFAULT_RANGE


def _in_regex_matcher(text: str, index: int) -> bool:
    """True when ``index`` lies inside the quoted value of a ``=~`` or ``!~`` matcher."""
    quote = text.rfind('"', 0, index)
    return quote >= 2 and text[quote - 2 : quote] in ("=~", "!~") and text.count('"', 0, quote) % 2 == 0


def substitute(text: str, intervals: Intervals, values: Callable[[str], str | None]) -> str:
    """``text`` with Grafana's macros and template variables replaced.

    ``values(name)`` gives a variable's single value (None: unknown); inside a regex matcher every
    variable is ``.*``, Grafana's *All* for Prometheus without a custom all value.
    """
    macros = {
        "__rate_interval": f"{intervals.rate_interval_seconds}s",
        "__interval": f"{intervals.interval_seconds}s",
        "__interval_ms": str(intervals.interval_seconds * 1000),
        "__range": f"{intervals.range_seconds}s",
        "__range_s": str(intervals.range_seconds),
        "__range_ms": str(intervals.range_seconds * 1000),
        "__auto": f"{intervals.interval_seconds}s",
    }

    def replace_one(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bracketed") or match.group("plain")
        if name in macros:
            return macros[name]
        if _in_regex_matcher(text, match.start()):
            return ".*"
        value = values(name)
        return match.group(0) if value is None else value

    return _VARIABLE.sub(replace_one, text)


class Prometheus:
    """The few HTTP API calls the check needs, each failing as a one-line ConfigError."""

    def __init__(self, url: str, timeout: float):
        metric_names(url, timeout=timeout)  # validates the url and that it is a Prometheus (one line on failure)
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self.session.get(self.url + path, params=params, timeout=(min(self.timeout, 5.0), self.timeout))
            body = response.json()
        except requests.RequestException as error:
            raise ConfigError(
                f"Prometheus at {self.url} stopped answering: {type(error).__name__}",
                hint="check that it is still running, or raise --prometheus-timeout",
            ) from None
        except ValueError:
            body = {"status": "error", "error": f"HTTP {response.status_code}, not JSON"}
        return body if isinstance(body, dict) else {"status": "error", "error": "unexpected answer"}

    def instant(self, expr: str) -> tuple[int, str | None]:
        """(number of series or samples, error text or None)."""
        body = self._get("/api/v1/query", {"query": expr})
        if body.get("status") != "success":
            return 0, str(body.get("error") or "query failed")
        data = body.get("data") or {}
        result = data.get("result")
        if data.get("resultType") in ("scalar", "string"):
            return 1, None
        return (len(result) if isinstance(result, list) else 0), None

    def label_values(self, label: str, selector: str | None) -> list[str]:
        params: dict[str, Any] = {"match[]": selector} if selector else {}
        body = self._get(f"/api/v1/label/{label}/values", params)
        data = body.get("data") if body.get("status") == "success" else None
        return sorted(v for v in data if isinstance(v, str)) if isinstance(data, list) else []


def data_queries(targets: Targets) -> Iterator[DataQuery]:
    """Every PromQL panel target and rule expression of ``targets``."""
    for dashboard in targets.dashboards:
        model = dashboard.model
        uid = model.get("uid")
        listed = [v for v in (model.get("templating") or {}).get("list") or [] if isinstance(v, dict)]
        variables: dict[str, dict[str, Any]] = {str(v.get("name")): v for v in listed}
        for panel in dashboard_panels(model):
            for target in panel.get("targets") or []:
                if not (
                    isinstance(target, dict)
                    and isinstance(target.get("expr"), str)
                    and target["expr"].strip()
                    and not target.get("hide")
                    and query_language(panel, target, variables) == "promql"
                ):
                    continue
                ref_id = target.get("refId")
                panel_id = panel.get("id")
                location = (
                    (dashboard.target_locations.get((panel_id, str(ref_id))) if isinstance(panel_id, int) else None)
                    or (dashboard.panel_locations.get(panel_id) if isinstance(panel_id, int) else None)
                    or dashboard.source
                )
                yield DataQuery(
                    target["expr"],
                    location,
                    f"panel {panel.get('title')!r} query {ref_id}",
                    {"dashboard": uid, "panel": panel.get("title"), "ref_id": ref_id},
                    dashboard_range(model),
                    tuple(listed),
                )
    for alert in targets.alerts:
        kind = "recording rule" if alert.recording else "alert"
        for spec in alert.queries:
            if spec.language != "promql":
                continue
            location = Location(alert.source.path, spec.line) if spec.line else alert.source
            what = f"{kind} {alert.name!r}" + (f" query {spec.ref_id}" if spec.ref_id else "")
            text = spec.text
            if alert.kind == "prometheus" and not alert.recording:
                # a Prometheus alert's expression holds its threshold and is empty while all is well:
                # what must have data is the expression being compared
                text, stripped = without_threshold(text)
                what += " (without its threshold)" if stripped else ""
            yield DataQuery(text, location, what, {"rule": alert.name, "ref_id": spec.ref_id}, 600)


_COMPARISONS = {">", "<", ">=", "<=", "==", "!="}


def without_threshold(expr: str) -> tuple[str, bool]:
    """``X > 0.05`` -> (``X``, True): the top-level comparison with a number removed (``bool`` kept)."""
    import promql_parser

    try:
        node = promql_parser.parse(expr)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # the Rust extension raises ValueError, and PanicException on bugs
        return expr, False
    while isinstance(node, promql_parser.ParenExpr):
        node = node.expr
    if not (
        isinstance(node, promql_parser.BinaryExpr)
        and str(node.op) in _COMPARISONS
        and not (node.modifier is not None and node.modifier.return_bool)
    ):
        return expr, False
    # cut the original text (promql_parser's printer does not re-escape string literals), and
    # accept the cut only if it parses to the comparison's other side
    text = expr.strip()
    while text.startswith("(") and text.endswith(")") and _parses_as(text[1:-1], node):
        text = text[1:-1].strip()
    for pattern, side in ((_TRAILING, node.lhs), (_LEADING, node.rhs)):
        match = pattern.match(text)
        if match and _parses_as(match.group("expr"), side):
            return match.group("expr").strip(), True
    return expr, False


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_TRAILING = re.compile(rf"^(?P<expr>.*?)\s*(?:>=|<=|==|!=|>|<)\s*{_NUMBER}\s*$", re.S)
_LEADING = re.compile(rf"^\s*{_NUMBER}\s*(?:>=|<=|==|!=|>|<)\s*(?P<expr>.*)$", re.S)


def _parses_as(text: str, node: Any) -> bool:
    import promql_parser

    try:
        return str(promql_parser.parse(text)) == str(node)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:
        return False


class _Resolver:
    """Single values of a dashboard's variables, asked of Prometheus once per variable."""

    def __init__(self, prometheus: Prometheus, variables: Iterable[dict[str, Any]], intervals: Intervals):
        self.prometheus = prometheus
        self.variables = {v.get("name"): v for v in variables}
        self.intervals = intervals
        self.cache: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        if name not in self.cache:
            self.cache[name] = None  # a variable that refers to itself resolves to nothing
            self.cache[name] = self._resolve(self.variables.get(name))
        return self.cache[name]

    def _resolve(self, variable: dict[str, Any] | None) -> str | None:
        if variable is None:
            return None
        current = (variable.get("current") or {}).get("value")
        current = current[0] if isinstance(current, list) and current else current
        kind = variable.get("type")
        if kind == "query":
            query = variable.get("query")
            query = query.get("query") if isinstance(query, dict) else query
            match = _LABEL_VALUES.match(query) if isinstance(query, str) else None
            if match:
                selector = match.group("selector")
                selector = substitute(selector, self.intervals, self) if selector else None
                found = self.prometheus.label_values(match.group("label"), selector)
                return found[0] if found else None
        if isinstance(current, str) and current and not current.startswith("$"):
            return current
        options = [o.get("value") for o in variable.get("options") or [] if isinstance(o, dict)]
        if not options and kind in ("custom", "interval") and isinstance(variable.get("query"), str):
            options = [part.strip() for part in variable["query"].split(",") if part.strip()]
        options = [o for o in options if isinstance(o, str) and o != "$__all"]
        return options[0] if options else None


def check_data(targets: Targets, url: str, *, timeout: float = 10.0, scrape_interval: str = "15s") -> list[Finding]:
    """A DATA001 finding (warning) for every query of ``targets`` that returns no series on ``url``."""
    prometheus = Prometheus(url, timeout)
    scrape = _seconds(scrape_interval, 15)
    findings = set()
    resolvers: dict[tuple[Any, str, int], _Resolver] = {}  # one per dashboard: variables resolve once
    for query in data_queries(targets):
        intervals = Intervals.for_range(query.range_seconds, scrape)
        key = (query.context.get("dashboard"), query.location.path, query.range_seconds)
        if key not in resolvers:
            resolvers[key] = _Resolver(prometheus, query.variables, intervals)
        resolver = resolvers[key]
        expr = substitute(query.text, intervals, resolver)
        count, error = prometheus.instant(expr)
        if error:
            message = f"{query.what} fails on {url}: {error}"
        elif count == 0:
            message = f"{query.what} returns no data on {url}"
        else:
            continue
        findings.add(Finding(CODE, "warning", message, query.location.path, query.location.line, **query.context))
    return sorted(findings, key=Finding.sort_key)


def data_lint(
    findings: list[Finding],
    config: LintConfig,
    url: str,
    *,
    project: Project | None = None,
    paths: Iterable[Path] = (),
    root: Path | None = None,
    timeout: float = 10.0,
    scrape_interval: str = "15s",
) -> list[Finding]:
    """``findings`` plus the data check's, after the lint configuration and inline suppressions."""
    paths = list(paths)
    if not paths and project is None:
        raise ValueError("data_lint needs a project or paths")
    check = partial(check_data, url=url, timeout=timeout, scrape_interval=scrape_interval)
    return with_online_findings(findings, config, CODE, check, project=project, paths=paths, root=root)
