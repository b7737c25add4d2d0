"""DATA001: a query returns no series on a live Prometheus (``gdash lint --prometheus URL --check-data``).

The check itself runs in :mod:`gdash.livecheck.data` (it needs the network); this module only
holds the rule's registration and documentation. Like LIVE001 it is registered by the live run
alone (:func:`register`), so offline runs and the rule table list the offline catalog.
"""
from __future__ import annotations

from typing import Any, Iterator

from ..findings import Issue
from .registry import RULES, rule

CODE = "DATA001"
SUMMARY = "query returns no data on the live Prometheus (gdash lint --prometheus URL --check-data)"


def query_has_data(query: Any) -> Iterator[Issue]:
    """A panel query or alert expression returns no series when run against a real Prometheus.

    Checked only with ``gdash lint --prometheus URL --check-data``: gdash runs every PromQL panel
    target and every alert or recording rule expression as an instant query at the current time
    and reports each one that comes back empty, or that Prometheus rejects. Grafana's macros and
    the dashboard's template variables are replaced first: ``$__range`` by the dashboard's default
    time range (the rule's query range for alerts), ``$__interval`` and ``$__rate_interval`` as
    Grafana derives them from that range and ``--scrape-interval``, a variable inside a regex
    matcher (``job=~"$job"``) by ``.*`` (the *All* value), any other variable by its first value
    from Prometheus (or its current/first option for custom and interval variables).

    An empty result means the panel stays blank or the alert can never fire: a metric or label
    value that the service does not expose (``operation="get"`` where the instrumentation records
    ``hit|miss``), a job name that the scrape configuration does not use, or a filter that excludes
    everything. A query that is empty by design while all is well (``up == 0``, ``ALERTS``) should
    carry ``# gdash: ignore[DATA001]`` or end in ``or vector(0)``. Loki queries are not run.
    """
    return iter(())


def register() -> None:
    """Make DATA001 a lint rule for this run (severity, --select/--ignore, suppressions, formats)."""
    if CODE not in RULES:
        rule(CODE, "warning", SUMMARY, "promql")(query_has_data)
