"""Durations in Prometheus' canonical form, as Grafana's alerting API writes them."""
from __future__ import annotations

import pytest

from gdash.durations import canonical_duration, parse_duration


@pytest.mark.parametrize(("text", "canonical"), [
    ("300s", "5m"), ("5m0s", "5m"), ("90m", "1h30m"), ("0", "0s"), ("0s", "0s"), ("7d", "1w"), ("8d", "8d"),
    ("14d", "2w"), ("1500ms", "1s500ms"), ("365d", "1y"), (60, "1m"),
])
def test_canonical_duration(text, canonical: str) -> None:
    assert canonical_duration(text) == canonical


@pytest.mark.parametrize("text", ["5 m", "m", "5x", "", "1.5h"])
def test_invalid_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)
