"""Helpers for the /apis tests: emulators in Grafana 12/13 modes and request accounting."""
from __future__ import annotations

from typing import Any

from gdash.sync.resources import ResourceClient
from gdash.sync.target import forget_detected
from gdash.testing import Faults, GrafanaEmulator

from .sync_helpers import TOKEN, environment, require_spec

APIS_MODES = ("12.2", "13.2")


def make_apis_emulator(mode: str, faults: Faults | None = None) -> GrafanaEmulator:
    forget_detected()
    emulator = GrafanaEmulator(require_spec(), faults, mode=mode)
    emulator.add_token(TOKEN, identity="service-account:gdash-ci")
    emulator.add_datasource("prom-main", "Prometheus")
    emulator.add_datasource("loki-main", "Loki", "loki")
    return emulator


def apis_calls(grafana: GrafanaEmulator) -> list[str]:
    return [f"{e.method} {e.path}" for e in grafana.exchanges if e.path.startswith("/apis/")]


def legacy_dashboard_calls(grafana: GrafanaEmulator) -> list[str]:
    return [f"{e.method} {e.path}" for e in grafana.exchanges
            if e.path.startswith(("/api/dashboards", "/api/search", "/api/folders"))]


def resources(grafana: GrafanaEmulator, **env: Any) -> ResourceClient:
    return ResourceClient(environment(grafana, **env).client(), "default")
