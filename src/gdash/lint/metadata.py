"""Metric types from a live Prometheus' metadata API, for the counter rules (``gdash lint --prometheus``)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import requests

from ..errors import ConfigError
from .config import LintConfig
from .metric_types import TYPES


def fetch_metric_types(url: str, *, timeout: float = 10.0) -> dict[str, str]:
    """Metric family -> type (counter, gauge, histogram, summary) from ``GET /api/v1/metadata``.

    Families whose targets disagree, or that are ``untyped``/``unknown``, are left out: the rules
    treat them as unknown. One-line :class:`ConfigError` when the server cannot be asked.
    See https://prometheus.io/docs/prometheus/latest/querying/api/#querying-metric-metadata.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"invalid Prometheus url {url!r}", hint="use the server's root url, e.g. http://localhost:9090"
        )
    try:
        response = requests.get(url.rstrip("/") + "/api/v1/metadata", timeout=(min(timeout, 5.0), timeout))
        body = response.json()
    except requests.Timeout:
        raise ConfigError(
            f"cannot reach Prometheus at {url}: no answer within {timeout:g} s",
            hint="check the url, or raise --prometheus-timeout",
        ) from None
    except requests.RequestException as error:
        reason = "connection failed" if isinstance(error, requests.ConnectionError) else type(error).__name__
        raise ConfigError(
            f"cannot reach Prometheus at {url}: {reason}",
            hint="check the url and that Prometheus is running (`curl URL/-/ready`)",
        ) from None
    except ValueError:
        body = {}
    data = body.get("data") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(data, dict):
        raise ConfigError(
            f"Prometheus at {url} answered HTTP {response.status_code} to the metadata API",
            hint=f"is {url} a Prometheus server (or a Prometheus-compatible API root)?",
        )
    types: dict[str, str] = {}
    for family, entries in sorted(data.items()):
        kinds = {e.get("type") for e in entries if isinstance(e, dict)} if isinstance(entries, list) else set()
        if len(kinds) == 1 and next(iter(kinds)) in TYPES:
            types[str(family)] = str(next(iter(kinds)))
    return types


def with_metadata(config: LintConfig, types: dict[str, str]) -> LintConfig:
    """``config`` whose counter rules use ``types`` (from :func:`fetch_metric_types`) first."""
    return replace(config, settings=replace(config.settings, metadata=dict(types)))
