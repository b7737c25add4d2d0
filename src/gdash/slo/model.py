"""``SLO(...)``: a service level objective and everything generated from it.

From a ratio of good to total events (two counter selectors) and an objective over a window,
gdash generates, following the Google SRE workbook's "multiwindow, multi-burn-rate alerts"
(chapter 5, "Alerting on SLOs"):

* two Grafana-managed alert rules: a **page** (critical) when the error budget burns 14.4 times too
  fast over 1 h and 5 min, or 6 times over 6 h and 30 min (2 % / 5 % of a 30-day budget spent), and
  a **ticket** (warning) at 3 times over 1 d and 2 h, or once over 3 d and 6 h (10 % of the budget);
  the short window makes an alert stop soon after the burn does;
* Prometheus recording rules ``slo:sli_error:ratio_rate<window>{slo="..."}`` for every window, in
  ``gdash export prometheus`` (the alert expressions do not need them: Grafana-managed rules
  compute the ratios inline, so they work without a recording-rule pipeline);
* rows of the "Service Level Objectives" dashboard: objective, SLI over the window, error budget
  remaining, burn rates.

The burn-rate factors assume the workbook's 30-day window; other windows keep the same factors
(the share of the budget a page stands for scales with the window).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from grafanalib import core

from ..authoring.alerts import AlertGroup, alert_rule
from ..authoring.dashboard import Row
from ..authoring.panels import stat, timeseries
from ..authoring.queries import prom
from ..authoring.source import caller_location, remember
from ..durations import parse_duration


@dataclass(frozen=True)
class BurnRateWindow:
    long: str
    short: str
    factor: float


# (severity, for, [(long window, short window, burn-rate factor), ...]): SRE workbook, table 5-8
PAGE = ("critical", "2m", (BurnRateWindow("1h", "5m", 14.4), BurnRateWindow("6h", "30m", 6)))
TICKET = ("warning", "15m", (BurnRateWindow("1d", "2h", 3), BurnRateWindow("3d", "6h", 1)))
WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _expr(query: Any, what: str, name: str) -> str:
    text = getattr(query, "expr", query)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"SLO {name!r}: {what} must be prom('<counter selector>') or a PromQL string")
    if "[" in text or "rate(" in text:
        raise ValueError(
            f"SLO {name!r}: {what} is a counter selector such as "
            f"prom('http_requests_total{{job=\"api\"}}'), not a rate: gdash rates it over each window"
        )
    return text.strip()


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


class SLO:
    """A service level objective: ``good`` events / ``total`` events >= ``objective`` over ``window``.

    ``good`` and ``total`` are counter selectors (``prom('http_requests_total{job="api"}')``), rated
    by gdash over each alerting window. ``name`` is lower-case words joined by ``-``; the generated
    rules are ``<Name>FastBurn`` (page) and ``<Name>SlowBurn`` (ticket), labelled ``slo=<name>``.
    """

    def __init__(
        self,
        name: str,
        *,
        objective: float = 0.999,
        window: str = "30d",
        good: Any,
        total: Any,
        description: str = "",
        team: str = "platform",
        runbook_url: str = "",
        folder: str = "SLO alerts",
        labels: dict[str, str] | None = None,
    ):
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"SLO name {name!r} must be lower-case words joined by '-', e.g. 'api-availability'")
        if not isinstance(objective, (int, float)) or not 0 < objective < 1:
            raise ValueError(
                f"SLO {name!r}: objective must be a ratio between 0 and 1 (0.999 = 99.9 %), not {objective!r}"
            )
        try:
            parse_duration(window)
        except (ValueError, TypeError):
            raise ValueError(f"SLO {name!r}: window {window!r} is not a duration such as '30d' or '4w'") from None
        self.name, self.objective, self.window = name, float(objective), window
        self.good, self.total = _expr(good, "good", name), _expr(total, "total", name)
        self.description = description or f"{name}: {objective:.3%} of events are good over {window}"
        self.team, self.runbook_url, self.folder = (
            team,
            runbook_url or f"https://runbooks.example.com/slo#{name}",
            folder,
        )
        self.labels = dict(labels or {})
        self.location = caller_location()
        self.group = self._alert_group()
        self.row = self._row()
        remember(self, self.location)

    @property
    def budget(self) -> float:
        """The error budget: the share of events allowed to be bad (1 - objective)."""
        return round(1 - self.objective, 12)

    def error_ratio(self, window: str) -> str:
        """PromQL for the share of bad events over ``window``."""
        return f"(1 - sum(rate({self.good}[{window}])) / sum(rate({self.total}[{window}])))"

    def burn_rate(self, window: str) -> str:
        """PromQL for how many times faster than allowed the budget burns over ``window``."""
        return f"{self.error_ratio(window)} / {self.budget:g}"

    def alert_expr(self, windows: tuple[BurnRateWindow, ...]) -> str:
        """The long window's burn rate while, for any (long, short, factor), both windows burn faster
        than ``factor``; else 0 (``or vector(0)``: the query always answers, so a healthy service is
        OK rather than "no data", and the alert fires on ``> 0``)."""
        parts = [
            f"({self.burn_rate(w.long)} > {w.factor:g} and {self.burn_rate(w.short)} > {w.factor:g})" for w in windows
        ]
        return " or ".join([*parts, "vector(0)"])

    def _alert_group(self) -> core.AlertGroup:
        rules = []
        for title, (severity, for_, windows), what in (
            (f"{_camel(self.name)}FastBurn", PAGE, "page"),
            (f"{_camel(self.name)}SlowBurn", TICKET, "ticket"),
        ):
            spec = ", ".join(f"{w.factor:g}x over {w.long} and {w.short}" for w in windows)
            rules.append(
                alert_rule(
                    title,
                    self.alert_expr(windows),
                    op="gt",
                    threshold=0,
                    for_=for_,
                    severity=severity,
                    team=self.team,
                    no_data="OK",
                    labels={"slo": self.name, **self.labels},
                    summary=f"SLO {self.name} burns its error budget {{{{ humanize $values.B.Value }}}}x too fast",
                    description=f"{self.description}. The {self.window} error budget ({self.budget:.3%} of events) burns "
                    f"faster than allowed ({spec}); this is a {what}.",
                    runbook_url=self.runbook_url,
                )
            )
        return AlertGroup(f"slo-{self.name}", *rules, folder=self.folder, interval="1m")

    def _row(self) -> core.RowPanel:
        sli = f"sum(rate({self.good}[{self.window}])) / sum(rate({self.total}[{self.window}]))"
        return Row(
            f"SLO {self.name}",
            stat(
                f"{self.name} objective",
                prom(f"vector({self.objective:g})", instant=True),
                unit="percentunit",
                decimals=3,
                graph=False,
                description=f"{self.description}.",
            ),
            stat(
                f"{self.name} SLI ({self.window})",
                prom(sli, instant=True),
                unit="percentunit",
                decimals=3,
                thresholds=[(None, "red"), (self.objective, "green")],
                description=f"Share of good events over the last {self.window}.",
            ),
            stat(
                f"{self.name} error budget remaining",
                prom(f"1 - (1 - ({sli})) / {self.budget:g}", instant=True),
                unit="percentunit",
                decimals=1,
                thresholds=[(None, "red"), (0.25, "orange"), (0.5, "green")],
                description=f"Share of the {self.window} error budget ({self.budget:.3%} of events) not spent yet; "
                "below 0 the objective is missed.",
            ),
            stat(
                f"{self.name} burn rate (1h)",
                prom(self.burn_rate("1h"), instant=True),
                unit="none",
                decimals=2,
                thresholds=[(None, "green"), (1, "orange"), (14.4, "red")],
                description="How many times faster than allowed the budget burns over the last hour; "
                "1 spends exactly the budget over the window, 14.4 (with 5m) pages.",
            ),
            timeseries(
                f"{self.name} burn rate",
                *[prom(self.burn_rate(w), w) for w in ("5m", "1h", "6h", "1d", "3d")],
                unit="none",
                thresholds=[1, 6, 14.4],
                w=24,
                description="Burn rate over the alerting windows. Page: 1h and 5m above 14.4, or 6h and 30m "
                "above 6; ticket: 1d and 2h above 3, or 3d and 6h above 1.",
            ),
        )

    def recording_rules(self) -> dict[str, Any]:
        """A Prometheus rule group recording the error ratio over every alerting window."""
        rules = [
            {"record": f"slo:sli_error:ratio_rate{w}", "expr": self.error_ratio(w), "labels": {"slo": self.name}}
            for w in WINDOWS
        ]
        rules.append(
            {"record": "slo:objective:ratio", "expr": f"vector({self.objective:g})", "labels": {"slo": self.name}}
        )
        return {"name": f"slo-{self.name}-recording", "interval": "1m", "rules": rules}
