"""SLOs as code: ``SLO(...)`` in alerts/*.py -> burn-rate alerts, recording rules and a dashboard (docs/slo.md)."""

from __future__ import annotations

from .dashboard import DASHBOARD_UID, slo_dashboard
from .model import PAGE, SLO, TICKET, WINDOWS, BurnRateWindow

RECORDING_RULES_FILE = "slo-recording-rules.yaml"


__all__ = [
    "DASHBOARD_UID",
    "PAGE",
    "RECORDING_RULES_FILE",
    "SLO",
    "TICKET",
    "WINDOWS",
    "BurnRateWindow",
    "slo_dashboard",
]
