"""Prometheus-style durations ("1h30m"), the form Grafana's alerting API reads and writes.

Grafana re-serialises every duration it stores (``for: 60m`` comes back as ``1h``), so gdash compares
durations in this canonical form to recognise unchanged rules.
"""

from __future__ import annotations

import re

_UNITS_MS = {
    "y": 365 * 86_400_000,
    "w": 7 * 86_400_000,
    "d": 86_400_000,
    "h": 3_600_000,
    "m": 60_000,
    "s": 1000,
    "ms": 1,
}
_DURATION = re.compile(r"^((\d+)(ms|y|w|d|h|m|s))+$")
_PART = re.compile(r"(\d+)(ms|y|w|d|h|m|s)")


def parse_duration(text: str | int) -> int:
    """Milliseconds in a duration such as ``"5m"``, ``"1h30m"`` or a number of seconds."""
    if isinstance(text, int):
        return text * 1000
    if text == "0":
        return 0
    if not _DURATION.match(text):
        raise ValueError(f"invalid duration {text!r}")
    return sum(int(n) * _UNITS_MS[unit] for n, unit in _PART.findall(text))


def format_duration(ms: int) -> str:
    """The canonical string Prometheus (and so Grafana) prints for a duration."""
    if ms == 0:
        return "0s"
    out = ""
    for unit, size in _UNITS_MS.items():
        if unit in ("y", "w") and ms % size:
            continue  # years and weeks are only used when exact, like prometheus/common/model
        if count := ms // size:
            out += f"{count}{unit}"
            ms -= count * size
    return out


def canonical_duration(text: str | int) -> str:
    """``"5m0s"``, ``"300s"`` and ``"5m"`` all become ``"5m"`` (raises ValueError for non-durations)."""
    return format_duration(parse_duration(text))
