"""Test support: an in-process Grafana emulator checked against Grafana's OpenAPI description."""

from .contract import Contract
from .faults import Faults
from .server import Exchange, GrafanaEmulator

__all__ = ["Contract", "Exchange", "Faults", "GrafanaEmulator"]
