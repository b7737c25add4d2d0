"""LIVE rules: checks against a live server, run only by ``gdash lint --prometheus URL`` (online-only).

The check itself lives with the live client (:mod:`gdash.livecheck`); registering the rule here gives
it a code, a severity, documentation (``gdash rules LIVE001``) and ``--select``/``--ignore`` like
every other rule. Offline runs never call it.
"""

from __future__ import annotations

from .registry import online_rule

LIVE_SERIES = "LIVE001"


@online_rule(LIVE_SERIES, "error", "metric has no series on the live Prometheus (gdash lint --prometheus URL)")
def metric_has_series() -> None:
    """What: a metric that a query selects has no series on the Prometheus given with ``gdash lint
    --prometheus URL`` (online-only: offline runs never report it).

    Why: the panel shows "No data" and the alert never fires. Typical causes are a typo
    (``http_request_total`` for ``http_requests_total``), an exporter that is not scraped, or a
    metric renamed by an exporter upgrade.

    Bad: ``sum(rate(http_request_total[5m]))`` when Prometheus only has ``http_requests_total``.

    Fix: use the name Prometheus has (the finding suggests the closest one), or scrape the exporter.

    Configure: runs only with ``--prometheus URL`` (and ``--prometheus-timeout``); gdash asks
    ``/api/v1/label/__name__/values`` once per run. With ``--prometheus`` the counter rules also
    read metric types from ``/api/v1/metadata``.
    """
