"""What rules look at: one query, one dashboard, or one alert rule, normalised across sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..panels import dashboard_panels
from .metric_types import metric_type
from .parse_error import QueryParseError
from .promql import PromQuery, parse_promql

if TYPE_CHECKING:
    from .logql import LogQuery


@dataclass(frozen=True)
class Settings:
    """Facts from gdash.yaml's ``lint:`` section that rules need."""

    counters: tuple[str, ...] = ()  # full-match regexes of counter names without a counter suffix (lint.counters)
    metadata: Mapping[str, str] = field(default_factory=dict)  # metric family -> type (Prometheus /api/v1/metadata)
    scrape_interval: timedelta | None = None
    max_log_range: timedelta = timedelta(days=1)
    high_cardinality_labels: frozenset[str] = frozenset(
        {
            "trace_id",
            "traceid",
            "span_id",
            "user_id",
            "userid",
            "request_id",
            "session_id",
            "pod_ip",
            "client_ip",
            "uuid",
        }
    )

    def metric_type(self, metric: str) -> str | None:
        """counter, gauge, histogram, summary or None (unknown): see :mod:`gdash.lint.metric_types`."""
        return metric_type(metric, self.metadata, self.counters)


@dataclass
class QueryContext:
    language: str  # "promql" or "logql"
    text: str
    origin: str  # "panel", "alert" or "recording"
    settings: Settings = field(default_factory=Settings)
    ref_id: str | None = None
    parsed: PromQuery | LogQuery | None = None
    error: QueryParseError | None = None
    panel_type: str | None = None  # dashboard queries: the panel's type (timeseries, stat, table...)

    @classmethod
    def parse(
        cls, language: str, text: str, origin: str, settings: Settings, ref_id: str | None = None
    ) -> QueryContext:
        context = cls(language, text, origin, settings, ref_id)
        context.parsed, context.error = parse_query(language, text)
        return context

    @property
    def prom(self) -> PromQuery:
        """``parsed`` as a PromQL query: PQL rules run only on queries that parsed."""
        assert isinstance(self.parsed, PromQuery), "a PromQL rule ran on an unparsed query"
        return self.parsed

    @property
    def logql(self) -> LogQuery:
        """``parsed`` as a LogQL query: LQL rules run only on queries that parsed."""
        from .logql import LogQuery

        assert isinstance(self.parsed, LogQuery), "a LogQL rule ran on an unparsed query"
        return self.parsed


# Small on purpose: a repeated expression is usually near its twin (a stat and a graph panel, the
# dashboards of one file, Loki detection then lint); keeping thousands of parsed trees alive costs
# more in memory and garbage collection than re-parsing the rare far repeats (measured: +20 % CPU
# for 40,000 distinct dashboard queries with 16,384 entries, none with 256).
@lru_cache(maxsize=256)
def parse_query(language: str, text: str) -> tuple[PromQuery | LogQuery | None, QueryParseError | None]:
    """The parsed query or its parse error, remembered per (language, text): the same expression in
    several panels, dashboards or rules is parsed once, and the rules' shared results on its tree
    (:attr:`PromQuery.derived`, which depend on the text alone) are computed once."""
    try:
        if language == "promql":
            return parse_promql(text), None
        from .logql import parse_logql  # loaded with the first LogQL query

        return parse_logql(text), None
    except QueryParseError as error:
        return None, error


@dataclass
class AlertContext:
    """A Grafana-managed or Prometheus alerting/recording rule."""

    name: str
    kind: str  # "grafana" or "prometheus"
    for_: str | None
    labels: dict[str, Any]
    annotations: dict[str, Any]
    queries: list[QueryContext]
    expressions: list[dict[str, Any]] = field(default_factory=list)  # Grafana server-side expressions
    recording: bool = False
    settings: Settings = field(default_factory=Settings)
    dialect: str | None = None  # rule files: "loki (Loki AlertingRule)", "prometheus (default)"...
    group: str | None = None
    group_interval: Any = None  # as written in the file
    keep_firing_for: Any = None
    same_name_lines: tuple[int, ...] = ()  # other rules of the group with this name


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str:
    """Strings and numbers as text; anything else (a malformed file's dict, list, null) as ""."""
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


@dataclass
class DashboardContext:
    """One dashboard model. Files can hold anything, so rules read it only through these helpers,
    which skip values of the wrong type instead of failing on them."""

    model: dict[str, Any]
    wrapped: bool = False  # the file held {"dashboard": {...}} (HTTP API shape)
    uid_also_in: tuple[str, ...] = ()  # other places defining a dashboard with the same uid
    folder: str | None = None
    title_also_in: tuple[str, ...] = ()  # other dashboards with the same title in the same folder

    def top_panels(self) -> list[dict[str, Any]]:
        return [p for p in as_list(self.model.get("panels")) if isinstance(p, dict)]

    def panels(self) -> list[dict[str, Any]]:
        """Every panel, including those nested in collapsed rows."""
        return list(dashboard_panels(self.model))

    def variables(self) -> dict[str, dict[str, Any]]:
        variables = as_list(as_dict(self.model.get("templating")).get("list"))
        return {as_text(v.get("name")): v for v in variables if isinstance(v, dict)}


def panel_id(panel: dict[str, Any]) -> int | str | None:
    value = panel.get("id")
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def panel_targets(panel: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in as_list(panel.get("targets")) if isinstance(t, dict)]
