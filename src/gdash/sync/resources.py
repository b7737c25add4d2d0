"""A client for Grafana's ``/apis`` resource API (Grafana 12+): dashboards and folders as Kubernetes-style
objects with ``metadata.resourceVersion`` (optimistic concurrency) and ``metadata.generation``.

* ``list`` pages with ``limit`` and ``continue`` and returns many objects per request;
* ``replace`` (PUT) sends the ``resourceVersion`` it was based on: Grafana answers 409 Conflict when the
  object changed meanwhile, and nothing is overwritten (:class:`ResourceConflict`);
* ``create`` (POST) is not idempotent: when its answer is lost, the object is read back by name
  (``confirm_create``), never blindly re-sent;
* ``delete`` treats 404 as done (a retried DELETE).

Errors are Kubernetes ``Status`` objects; their ``message`` becomes the one-line error.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .client import AmbiguousWrite, GrafanaClient, HttpError, SyncError

DASHBOARDS = ("dashboard.grafana.app", "dashboards")
FOLDERS = ("folder.grafana.app", "folders")
DASHBOARD_V1 = "v1beta1"  # classic JSON model in spec (Grafana 12.0+)
DASHBOARD_V2 = "v2"  # elements + layout (Grafana 13+)
FOLDER_VERSION = "v1"
LIST_PAGE = 500

# Annotations (pkg/apimachinery/utils/meta.go; saved-from-ui: public/app/features/apiserver/types.ts)
CREATED_BY = "grafana.app/createdBy"
UPDATED_BY = "grafana.app/updatedBy"
FOLDER = "grafana.app/folder"
MESSAGE = "grafana.app/message"
SAVED_FROM_UI = "grafana.app/saved-from-ui"
MANAGER_KIND = "grafana.app/managedBy"
MANAGER_ID = "grafana.app/managerId"


class ResourceConflict(SyncError):
    """409: the object changed since it was read (or already exists, for a create)."""


class ManagerRefused(SyncError):
    """403 from Grafana 13.2+: the object's manager cannot be changed."""


@dataclass(frozen=True)
class Kind:
    group: str
    version: str
    plural: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"


def dashboard_kind(schema: str = "v1") -> Kind:
    return Kind(DASHBOARDS[0], DASHBOARD_V2 if schema == "v2" else DASHBOARD_V1, DASHBOARDS[1])


FOLDER_KIND = Kind(FOLDERS[0], FOLDER_VERSION, FOLDERS[1])


class ResourceClient:
    """``/apis/<group>/<version>/namespaces/<namespace>/<plural>[/<name>]`` over a :class:`GrafanaClient`."""

    def __init__(self, client: GrafanaClient, namespace: str):
        self.client = client
        self.namespace = namespace

    def path(self, kind: Kind, name: str | None = None) -> str:
        base = f"/apis/{kind.group}/{kind.version}/namespaces/{quote(self.namespace, safe='')}/{kind.plural}"
        return f"{base}/{quote(name, safe='')}" if name else base

    def iter_list(self, kind: Kind, *, limit: int = LIST_PAGE) -> Iterator[dict[str, Any]]:
        token = ""
        while True:
            params: dict[str, Any] = {"limit": limit}
            if token:
                params["continue"] = token
            page = self.client.get(self.path(kind), **params) or {}
            yield from page.get("items") or []
            token = (page.get("metadata") or {}).get("continue") or ""
            if not token:
                return

    def list(self, kind: Kind, *, limit: int = LIST_PAGE) -> dict[str, dict[str, Any]]:
        """name -> object, every page."""
        return {item["metadata"]["name"]: item for item in self.iter_list(kind, limit=limit)}

    def get(self, kind: Kind, name: str) -> dict[str, Any] | None:
        try:
            return self.client.get(self.path(kind, name))
        except HttpError as error:
            if error.status == 404:
                return None
            raise

    def create(self, kind: Kind, body: dict[str, Any], **params: str) -> dict[str, Any]:
        query = "?" + "&".join(f"{k}={quote(v)}" for k, v in params.items()) if params else ""
        try:
            return self.client.post(self.path(kind) + query, body)
        except HttpError as error:
            raise _translated(error, body) from None

    def confirm_create(self, kind: Kind, body: dict[str, Any], error: AmbiguousWrite) -> dict[str, Any]:
        """After an unanswered POST: the object if Grafana created it, else create it (it was never made)."""
        live = self.get(kind, body["metadata"]["name"])
        if live is None:
            return self.create(kind, body)
        wanted = body["metadata"].get("annotations") or {}
        have = live["metadata"].get("annotations") or {}
        if any(have.get(k) != v for k, v in wanted.items() if k not in (MESSAGE,)):
            raise SyncError(
                f"{error.message}; {kind.plural} {body['metadata']['name']!r} exists in Grafana but "
                "is not the one gdash sent"
            )
        return live

    def replace(self, kind: Kind, body: dict[str, Any]) -> dict[str, Any]:
        """PUT; ``body.metadata.resourceVersion`` must be the version the change is based on."""
        try:
            return self.client.put(self.path(kind, body["metadata"]["name"]), body)
        except HttpError as error:
            raise _translated(error, body) from None

    def delete(self, kind: Kind, name: str) -> None:
        self.client.delete(self.path(kind, name))

    def identity(self) -> str | None:
        """Who gdash is, as Grafana writes it in ``grafana.app/createdBy``: learnt from the API with a
        dry-run create (``dryRun=All`` runs admission and returns the object unsaved), never guessed."""
        probe = {
            "apiVersion": FOLDER_KIND.api_version,
            "kind": "Folder",
            "metadata": {"generateName": "gdash-identity-"},
            "spec": {"title": "gdash identity probe"},
        }
        try:
            answer = self.create(FOLDER_KIND, probe, dryRun="All")
        except SyncError:
            return None
        return ((answer or {}).get("metadata", {}).get("annotations") or {}).get(CREATED_BY) or None


def _translated(error: HttpError, body: dict[str, Any]) -> SyncError:
    name = body.get("metadata", {}).get("name", "")
    if error.status == 409:
        return ResourceConflict(error.message)
    if error.status == 403 and "manager" in error.message.lower():
        return ManagerRefused(f"Grafana refuses to change the manager of {name!r}: {error.message.rsplit(': ', 1)[-1]}")
    return error


def annotations(obj: dict[str, Any] | None) -> dict[str, str]:
    return dict(((obj or {}).get("metadata") or {}).get("annotations") or {})


def last_writer(obj: dict[str, Any]) -> str | None:
    """``updatedBy``, or ``createdBy`` while the object has been written only once."""
    notes = annotations(obj)
    return notes.get(UPDATED_BY) or notes.get(CREATED_BY)


def stored_version(obj: dict[str, Any]) -> str:
    """The dashboard version an object is stored in (``status.conversion.storedVersion``), else its own."""
    conversion = (obj.get("status") or {}).get("conversion") or {}
    return conversion.get("storedVersion") or obj.get("apiVersion", "").rsplit("/", 1)[-1]
