"""Which HTTP API gdash uses for dashboards and folders: the classic ``/api`` (Grafana 11) or the
``/apis`` resource API (Grafana 12 and 13).

An environment's ``grafana:`` setting decides: ``11``, ``12`` or ``13`` pin it; ``auto`` (the default)
asks ``GET /api/health`` once per run (the answer is cached per url and organisation for the process).
Alerting (rules, contact points, templates, policies) always uses the provisioning API, which is the
same on 11, 12 and 13.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .client import GrafanaClient, SyncError
from .environment import Environment

_detected: dict[tuple[str, int | None], str] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Target:
    major: int  # the Grafana major version gdash talks to
    version: str  # what /api/health said, or the pinned major
    namespace: str

    @property
    def apis(self) -> bool:
        """Dashboards and folders go through /apis (Grafana 12+)."""
        return self.major >= 12

    @property
    def dashboard_v2(self) -> bool:
        """dashboard.grafana.app/v2 is served (Grafana 13+)."""
        return self.major >= 13


def server_version(env: Environment, client: GrafanaClient) -> str:
    key = (env.url, env.org_id)
    with _lock:
        if key in _detected:
            return _detected[key]
    health = client.get("/api/health") or {}
    version = str(health.get("version") or "")
    if not version[:1].isdigit():
        raise SyncError(
            f"{env.url}/api/health reports no Grafana version ({version!r})",
            hint="set `grafana: 11`, `12` or `13` in the environment to choose the API yourself",
        )
    with _lock:
        _detected[key] = version
    return version


def target(env: Environment, client: GrafanaClient) -> Target:
    version = server_version(env, client) if env.grafana == "auto" else env.grafana
    major = int(version.split(".")[0])
    namespace = env.namespace or ("default" if env.org_id in (None, 1) else f"org-{env.org_id}")
    return Target(major, version, namespace)


def forget_detected() -> None:
    """Drop the cached /api/health answers (tests that restart a server on the same url)."""
    with _lock:
        _detected.clear()
