"""Metric types from a live Prometheus' metadata API, for the counter rules (``gdash lint --prometheus``)."""

from __future__ import annotations

from dataclasses import replace

from ..livecheck.prometheus import api_get
from .config import LintConfig
from .metric_types import TYPES


def fetch_metric_types(url: str, *, timeout: float = 10.0) -> dict[str, str]:
    """Metric family -> type (counter, gauge, histogram, summary) from ``GET /api/v1/metadata``.

    Families whose targets disagree, or that are ``untyped``/``unknown``, are left out: the rules
    treat them as unknown. One-line :class:`ConfigError` when the server cannot be asked.
    See https://prometheus.io/docs/prometheus/latest/querying/api/#querying-metric-metadata.
    """
    body = api_get(
        url,
        "/api/v1/metadata",
        "metadata",
        lambda body: isinstance(body, dict) and isinstance(body.get("data"), dict),
        timeout=timeout,
    )
    types: dict[str, str] = {}
    for family, entries in sorted(body["data"].items()):
        kinds = {e.get("type") for e in entries if isinstance(e, dict)} if isinstance(entries, list) else set()
        if len(kinds) == 1 and next(iter(kinds)) in TYPES:
            types[str(family)] = str(next(iter(kinds)))
    return types


def with_metadata(config: LintConfig, types: dict[str, str]) -> LintConfig:
    """``config`` whose counter rules use ``types`` (from :func:`fetch_metric_types`) first."""
    return replace(config, settings=replace(config.settings, metadata=dict(types)))
