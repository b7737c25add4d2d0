"""DATA001: a query returns no data on a live Prometheus (``gdash lint --prometheus URL --check-data``).

The check itself lives with the live client (:mod:`gdash.livecheck.data`); registering the rule here
gives it a code, a severity, documentation (``gdash rules DATA001``) and ``--select``/``--ignore``
like every other rule. Offline runs never call it.
"""

from __future__ import annotations

from .registry import online_rule

CODE = "DATA001"


@online_rule(CODE, "warning", "query returns no data on the live Prometheus (gdash lint --prometheus URL --check-data)")
def query_has_data() -> None:
    """What: a panel query or an alert/recording rule expression returns no series when run as an
    instant query against the Prometheus given with ``gdash lint --prometheus URL --check-data``
    (online-only: offline runs never report it), or Prometheus rejects it.

    Why: the panel stays blank, the alert can never fire. Typical causes are a label value the
    service does not record (``operation="get"`` where the instrumentation writes ``hit|miss``), a
    job name the scrape configuration does not use, or a filter that excludes every series; the
    metric itself exists, so LIVE001 does not see it.

    Bad: ``sum(rate(cache_operations_total{operation="get", result="hit"}[5m]))`` when the service
    records ``operation`` as ``hit``, ``miss`` or ``set``.

    Fix: select the label values the service exposes (``docs/metrics.md`` is the seed's contract), or
    make an empty-by-design query say so (``count(up == 0) or vector(0)``).

    Configure: runs only with ``--prometheus URL --check-data``. Macros and variables are replaced
    as Grafana would for the dashboard's default time range: ``$__range``, ``$__interval`` (range /
    1000, at least ``--scrape-interval``), ``$__rate_interval`` (``max($__interval + scrape, 4 x
    scrape)``); a variable in a regex matcher (``job=~"$job"``) becomes ``.*`` (All), any other its
    first value from Prometheus. Prometheus rule files are checked without their top-level threshold
    (``up == 0`` runs as ``up``). Loki queries are not run.
    """
