"""The "Service Level Objectives" dashboard: one row per SLO of the project."""

from __future__ import annotations

from collections.abc import Sequence

from ..authoring.dashboard import Dashboard
from ..authoring.source import remember
from ..authoring.variables import datasource_var
from .model import SLO

DASHBOARD_UID = "slos"


def slo_dashboard(slos: Sequence[SLO], *, folder: str = "SLOs") -> object:
    """One dashboard with a row per SLO (objective, SLI, error budget remaining, burn rates)."""
    board = Dashboard(
        "Service Level Objectives",
        uid=DASHBOARD_UID,
        folder=folder,
        description="Objectives, error budgets and burn rates of the SLOs declared with SLO(...) in alerts/*.py.",
        tags=["slo"],
        variables=[datasource_var("prometheus")],
        rows=[slo.row for slo in slos],
        time=("now-7d", "now"),
    )
    return remember(board, slos[0].location)  # built by the loader: point at the first SLO(...)
