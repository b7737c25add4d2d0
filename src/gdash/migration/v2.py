"""Dashboard v2 (Grafana 13: ``elements`` + ``layout``) -> the v1 model."""
from __future__ import annotations

from typing import Any

from ..errors import ConfigError


def to_v1(spec: dict[str, Any], *, notes: list[str]) -> dict[str, Any]:
    raise ConfigError("dashboard v2 input is not supported yet", hint="export the dashboard as v1 (classic) JSON")
