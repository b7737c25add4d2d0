"""How the plan reads and writes live dashboards: a small interface, and its legacy HTTP API implementation.

The plan and the drift policy only see :class:`LiveDashboard` (the model plus what Grafana recorded
about its last write); a transport produces them. :class:`LegacyDashboards` speaks the HTTP API every
Grafana has (``/api/search``, ``/api/dashboards/uid/...``, the version history); a Grafana 12/13
``/apis`` resource transport implements the same methods (its list carries the models, so ``read``
is rarely needed, and ``last_write_message`` comes from the object's annotations).

Writing goes through :meth:`DashboardTransport.save`, which raises :class:`~gdash.sync.client.AmbiguousWrite`
when it cannot tell whether the write happened; the push then reads the object back and decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

from .client import GrafanaClient, HttpError
from .live import get_dashboard, search_dashboards

HISTORY_PAGE = 20  # versions looked at when searching for gdash's last save


@dataclass
class LiveSummary:
    """What a list of all dashboards tells about one (no model on the legacy API)."""

    uid: str
    title: str
    folder_uid: str = ""
    folder_title: str = ""
    tags: list[str] = field(default_factory=list)
    model: dict[str, Any] | None = None  # a transport whose list carries models fills this in


@dataclass
class LiveDashboard:
    """A live dashboard with the metadata Grafana records about its last write."""

    uid: str
    model: dict[str, Any]
    folder_uid: str = ""
    folder_title: str = ""
    version: int | None = None
    updated_by: str | None = None  # login of the last writer (legacy ``meta.updatedBy``)
    provisioned: bool = False
    last_write_message: str | None = None  # the last save's message when the transport has it for free
    can_save: bool = True  # gdash's permission to save it, when the transport tells (legacy ``meta.canSave``)
    raw: dict[str, Any] | None = None  # the transport's own answer (backups keep the model)


@dataclass
class VersionEntry:
    version: int
    message: str
    created_by: str | None


@dataclass(frozen=True)
class SaveRequest:
    """One dashboard write, as every transport's :meth:`DashboardTransport.save` takes it."""

    uid: str
    model: dict[str, Any]
    folder_uid: str
    base_version: int | None  # the live version the plan saw (None: create); a write over another refuses
    overwrite: bool  # --force: replace whatever is there now
    message: str  # the push message (git commit), kept in Grafana's version history


@dataclass
class SaveResult:
    version: int | None = None


class DashboardTransport(Protocol):
    def identity(self) -> str | None:
        """gdash's own login (what Grafana records as the writer of gdash's saves); None if unknown."""

    def list_dashboards(self) -> dict[str, LiveSummary]:
        """uid -> summary of every dashboard of the organisation."""

    def read(self, uid: str) -> LiveDashboard | None:
        """One live dashboard, or None when it does not exist."""

    def history(self, uid: str) -> list[VersionEntry]:
        """The newest versions first (may be empty when the transport keeps no history)."""

    def version_model(self, uid: str, version: int) -> dict[str, Any] | None:
        """The model as it was saved in ``version``."""

    def save(self, request: SaveRequest) -> SaveResult:
        """Create or update; refuses (HttpError 412) when the live version is not ``request.base_version``."""

    def delete(self, uid: str) -> None:
        """Delete; a missing dashboard is not an error."""


class LegacyDashboards:
    """:class:`DashboardTransport` over Grafana's classic HTTP API (every version since 8)."""

    def __init__(self, client: GrafanaClient):
        self.client = client
        self._identity: tuple[str | None] | None = None

    def identity(self) -> str | None:
        if self._identity is None:
            try:
                user = self.client.get("/api/user")
                self._identity = ((user or {}).get("login") or None,)
            except HttpError:  # e.g. a legacy API key has no user: fall back to the version messages
                self._identity = (None,)
        return self._identity[0]

    def list_dashboards(self) -> dict[str, LiveSummary]:
        return {
            uid: LiveSummary(
                uid,
                hit.get("title", ""),
                hit.get("folderUid", "") or "",
                hit.get("folderTitle", "") or "",
                list(hit.get("tags") or []),
            )
            for uid, hit in search_dashboards(self.client).items()
        }

    def read(self, uid: str) -> LiveDashboard | None:
        doc = get_dashboard(self.client, uid)
        if doc is None:
            return None
        meta = doc.get("meta") or {}
        model = doc["dashboard"]
        return LiveDashboard(
            uid,
            model,
            meta.get("folderUid", "") or "",
            meta.get("folderTitle", "") or "",
            meta.get("version", model.get("version")),
            meta.get("updatedBy") or None,
            bool(meta.get("provisioned")),
            raw=doc,
            can_save=meta.get("canSave", True) is not False,
        )

    def history(self, uid: str) -> list[VersionEntry]:
        try:
            answer = self.client.get(f"/api/dashboards/uid/{quote(uid, safe='')}/versions", limit=HISTORY_PAGE)
        except HttpError as error:
            if error.status in (403, 404):
                return []
            raise
        # Grafana 11 answers a list; 12 wraps it as {"versions": [...], "continueToken": ...}
        entries = answer.get("versions", []) if isinstance(answer, dict) else (answer or [])
        return sorted(
            (VersionEntry(int(e.get("version", 0)), e.get("message") or "", e.get("createdBy")) for e in entries),
            key=lambda e: -e.version,
        )

    def version_model(self, uid: str, version: int) -> dict[str, Any] | None:
        try:
            answer = self.client.get(f"/api/dashboards/uid/{quote(uid, safe='')}/versions/{version}")
        except HttpError as error:
            if error.status in (403, 404):
                return None
            raise
        data = (answer or {}).get("data")
        return data if isinstance(data, dict) else None

    def save(self, request: SaveRequest) -> SaveResult:
        body = dict(request.model)
        if request.base_version is not None:
            body["version"] = request.base_version
        answer = self.client.post(
            "/api/dashboards/db",
            {
                "dashboard": body,
                "folderUid": request.folder_uid,
                "overwrite": request.overwrite,
                "message": request.message,
            },
        )
        return SaveResult((answer or {}).get("version"))

    def delete(self, uid: str) -> None:
        self.client.delete(f"/api/dashboards/uid/{quote(uid, safe='')}")
