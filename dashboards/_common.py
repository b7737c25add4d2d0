"""Panels shared by several dashboards (files starting with '_' are helpers, not dashboards)."""
from gdash import prom, stat

UP_DOWN_MAPPINGS = [{"type": "value", "options": {"0": {"text": "DOWN"}, "1": {"text": "UP"}}}]


def up_stat(title: str, expr: str, description: str):
    """A red/green UP/DOWN stat for an exporter's `*_up` metric."""
    return stat(title, prom(expr), unit="none", graph=False, thresholds=[(None, "red"), (1, "green")],
                mappings=UP_DOWN_MAPPINGS, description=description)
