"""The ``/apis`` dashboard transport (Grafana 12 and 13): :class:`~gdash.sync.transport.DashboardTransport`
over the resource API, so push, diff and prune run the one drift policy of :mod:`gdash.sync.drift`.

One paged list (``dashboard.grafana.app/v1beta1``, every dashboard whatever version it is stored in, with
its spec and metadata) is the whole read side of a no-op push: each listed dashboard comes back as an
:class:`ApisLiveDashboard` that already carries its model, so the planner reads nothing else. Each
dashboard gdash writes carries these annotations:

=============================  ==========================================================================
``grafana.app/managedBy``      ``kubectl`` (Grafana's manager kind for generic API clients)
``grafana.app/managerId``      ``gdash``
``gdash.dev/hash``             content hash of the model gdash sent (before Grafana normalised it)
``gdash.dev/generation``       the ``metadata.generation`` gdash's write produces
``gdash.dev/writer``           gdash's identity as Grafana records it (learnt with a dry-run create)
``grafana.app/folder``         the folder uid
``grafana.app/message``        the push message (git commit), shown in the version history
=============================  ==========================================================================

From the metadata alone the transport tells the drift policy, per dashboard:

* ``verified_hash``: the hash gdash wrote, when nothing shows anyone else wrote since; the policy then
  calls the dashboard converged when it equals the local hash, and gdash's own ("ours") otherwise;
* ``drift``: why someone else changed it since gdash's write: ``generation`` moved past
  ``gdash.dev/generation``; ``grafana.app/saved-from-ui`` is set (Grafana's frontend adds it on a UI save,
  gdash's writes never carry it); ``updatedBy`` is not ``gdash.dev/writer``; or another tool manages it
  (``managedBy``/``managerId``), which gdash never takes over (Grafana 13.2 refuses that too).

Drift is never decided by comparing the stored spec with what gdash sent: Grafana 12.2+ migrates and
normalises every v1 spec it stores.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .client import AmbiguousWrite, GrafanaClient, HttpError, SyncError
from .fingerprint import fingerprint, hash_tag
from .live import LiveFolders
from .resources import (
    FOLDER,
    FOLDER_KIND,
    MANAGER_ID,
    MANAGER_KIND,
    MESSAGE,
    SAVED_FROM_UI,
    Kind,
    ManagerRefused,
    ResourceClient,
    ResourceConflict,
    annotations,
    dashboard_kind,
    last_writer,
    stored_version,
)
from .target import Target
from .transport import LiveDashboard, LiveSummary, SaveRequest, SaveResult, VersionEntry

MANAGER = ("kubectl", "gdash")
HASH = "gdash.dev/hash"
GENERATION = "gdash.dev/generation"
WRITER = "gdash.dev/writer"
CLASSIC_FILE_PROVISIONING = "classic-file-provisioning"


@dataclass
class ApisLiveDashboard(LiveDashboard):
    """A listed or read resource, with what its metadata says about who wrote it last."""

    title: str = ""
    tags: list[str] = field(default_factory=list)
    verified_hash: str | None = None  # gdash's hash, when the metadata shows nobody else wrote since
    drift: str | None = None  # why the metadata shows someone else changed it
    foreign: bool = False  # managed by another tool: never written
    resource: dict[str, Any] | None = None
    stored: str = "v1beta1"  # the version it is stored in


def drift_reasons(item: dict[str, Any]) -> list[str]:
    """Why a gdash-managed object changed in Grafana since gdash wrote it, from its metadata alone."""
    notes = annotations(item)
    generation = int(item["metadata"].get("generation") or 0)
    expected = int(notes.get(GENERATION) or 0)
    reasons = []
    if notes.get(SAVED_FROM_UI):
        reasons.append(f"saved from Grafana's UI ({notes[SAVED_FROM_UI]}) since gdash pushed it")
    if expected and generation > expected:
        reasons.append(f"changed in Grafana since gdash pushed it (generation {generation}, gdash wrote {expected})")
    writer, ours = last_writer(item), notes.get(WRITER)
    if ours and writer and writer != ours:
        reasons.append(f"last written by {writer}, not by gdash ({ours})")
    return reasons


class ApisDashboards:
    """Dashboards and folders through ``/apis``; ``schema_of(uid)`` says which dashboards go out as v2."""

    def __init__(self, client: GrafanaClient, target: Target, *, schema_of: Callable[[str], str] = lambda uid: "v1"):
        self.client = client
        self.target = target
        self.major = target.major
        self.resources = ResourceClient(client, target.namespace)
        self.schema_of = schema_of
        self._identity: tuple[str | None] | None = None
        self._items: dict[str, dict[str, Any]] = {}  # uid -> last listed/read/written object
        self._sent: dict[str, dict[str, Any]] = {}  # uid -> v1 model sent in this run (v2: what the spec came from)
        self._folders: LiveFolders | None = None
        self._listed: dict[str, ApisLiveDashboard] = {}  # from the last list, each served once by read()

    # -- DashboardTransport -----------------------------------------------------------------------

    def identity(self) -> str | None:
        """Learnt from Grafana (a dry-run create answers ``createdBy``), once per run, only when needed."""
        if self._identity is None:
            self._identity = (self.resources.identity(),)
        return self._identity[0]

    def list_dashboards(self) -> dict[str, LiveSummary]:
        """Every dashboard with its model: one paged list, plus one list of each other version dashboards
        are stored in (Grafana 13: v2), so no dashboard is read on its own."""
        items = {item["metadata"]["name"]: item for item in self.resources.iter_list(dashboard_kind("v1"))}
        others = sorted({stored_version(item) for item in items.values()} - {dashboard_kind("v1").version})
        for version in others:
            for item in self.resources.iter_list(Kind(dashboard_kind().group, version, "dashboards")):
                name = item["metadata"]["name"]
                if name in items and stored_version(items[name]) == version:
                    items[name] = item
        self._listed = {uid: self._live(item) for uid, item in items.items()}
        return dict(self._listed)  # type: ignore[arg-type]  # each carries its model

    def read(self, uid: str) -> LiveDashboard | None:
        """The listed object the first time a listed dashboard is read (the plan judges each one from the
        list: no request); a fresh GET otherwise (read-back after a save, a dashboard not listed)."""
        listed = self._listed.pop(uid, None)
        if listed is not None:
            return listed
        item = self.resources.get(dashboard_kind("v1"), uid)
        if item is not None and stored_version(item) != item.get("apiVersion", "").rsplit("/", 1)[-1]:
            item = self.resources.get(Kind(dashboard_kind().group, stored_version(item), "dashboards"), uid)
        return self._live(item) if item is not None else None

    def history(self, uid: str) -> list[VersionEntry]:
        return []  # the resource metadata says who wrote last; no history needs reading

    def version_model(self, uid: str, version: int) -> dict[str, Any] | None:
        return None

    def save(self, request: SaveRequest) -> SaveResult:
        uid, model, folder_uid, base_version = request.uid, request.model, request.folder_uid, request.base_version
        existing = self._items.get(uid) if base_version is not None else None
        if existing is None and base_version is not None:
            existing = self.resources.get(dashboard_kind("v1"), uid)
        if existing is not None:
            manager = (annotations(existing).get(MANAGER_KIND), annotations(existing).get(MANAGER_ID))
            if manager[0] and manager != MANAGER:
                raise SyncError(
                    f"managed by {manager[0]} ({manager[1] or 'no id'}) in Grafana; gdash does not take "
                    "over objects another tool manages"
                )
        schema = "v2" if self.schema_of(uid) == "v2" and self.target.dashboard_v2 else "v1"
        sent = {k: v for k, v in model.items() if k not in ("id", "version")}
        spec = sent
        if schema == "v2":
            from ..compile.v2 import to_v2_spec

            spec = to_v2_spec(sent)
        generation = int(existing["metadata"].get("generation") or 0) + 1 if existing is not None else 1
        notes = {
            MANAGER_KIND: MANAGER[0],
            MANAGER_ID: MANAGER[1],
            HASH: fingerprint(sent),
            FOLDER: folder_uid,
            GENERATION: str(generation),
            WRITER: self.identity() or "",
            MESSAGE: request.message,
        }
        kind = dashboard_kind(schema)
        metadata: dict[str, Any] = {"name": uid, "annotations": notes}
        if existing is not None:
            metadata["labels"] = dict(existing["metadata"].get("labels") or {})
            if not request.overwrite:  # --force replaces whatever is there now; otherwise 409 if it changed
                metadata["resourceVersion"] = existing["metadata"].get("resourceVersion", "")
        body = {
            "apiVersion": kind.api_version,
            "kind": "Dashboard",
            "metadata": metadata,
            "spec": spec,
            "status": {},
        }  # required by the schema; the server owns it
        self._sent[uid] = sent
        self._listed.pop(uid, None)
        try:
            answer = self.resources.replace(kind, body) if existing is not None else self.resources.create(kind, body)
        except ResourceConflict as error:
            raise SyncError(
                f"changed in Grafana while pushing (409 Conflict: {error.message.rsplit(': ', 1)[-1]}); "
                "nothing was overwritten, run the push again to review the change"
            ) from None
        except ManagerRefused as error:
            raise SyncError(error.message) from None
        except HttpError as error:
            if error.status == 404 and existing is not None:
                raise SyncError("deleted in Grafana while pushing (404); run the push again") from None
            raise
        if isinstance(answer, dict) and answer.get("metadata"):
            self._items[uid] = answer
        return SaveResult(int(((answer or {}).get("metadata") or {}).get("generation") or generation))

    def delete(self, uid: str) -> None:
        self.resources.delete(dashboard_kind("v1"), uid)
        self._items.pop(uid, None)
        self._listed.pop(uid, None)

    # -- folders (push and plan use these when the transport has them) ------------------------------------

    def list_folders(self, *, nested: bool = False) -> LiveFolders:
        folders = LiveFolders()
        for item in self.resources.iter_list(FOLDER_KIND):
            parent = annotations(item).get(FOLDER, "")
            folders.by_uid[item["metadata"]["name"]] = {
                "uid": item["metadata"]["name"],
                "title": item["spec"].get("title", ""),
                **({"parentUid": parent} if parent else {}),
            }
        self._folders = folders
        return folders

    def create_folder(self, payload: dict[str, Any]) -> None:
        """POST a folder (manager annotations set); an unanswered or 409 create is confirmed by reading it."""
        notes = {MANAGER_KIND: MANAGER[0], MANAGER_ID: MANAGER[1]}
        if payload.get("parentUid"):
            notes[FOLDER] = payload["parentUid"]
        body = {
            "apiVersion": FOLDER_KIND.api_version,
            "kind": "Folder",
            "metadata": {"name": payload["uid"], "annotations": notes},
            "spec": {"title": payload["title"]},
        }
        try:
            self.resources.create(FOLDER_KIND, body)
        except AmbiguousWrite as error:
            self.resources.confirm_create(FOLDER_KIND, body, error)
        except ResourceConflict:
            live = self.resources.get(FOLDER_KIND, payload["uid"])
            if live is None or live["spec"].get("title") != payload["title"]:
                raise SyncError(
                    f"folder uid {payload['uid']} is taken by folder {(live or {}).get('spec', {}).get('title')!r}"
                ) from None

    # -- helpers -----------------------------------------------------------------------------------

    def _folder_title(self, uid: str) -> str:
        if not uid:
            return "General"
        if self._folders is None:
            self.list_folders()
        return self._folders.title(uid) if self._folders else uid

    def _live(self, item: dict[str, Any]) -> ApisLiveDashboard:
        uid = item["metadata"]["name"]
        self._items[uid] = item
        notes = annotations(item)
        stored = stored_version(item)
        spec = item.get("spec") or {}
        model = dict(spec)
        recorded = notes.get(HASH)
        sent = self._sent.get(uid)
        if stored == "v2" and sent is not None and recorded == fingerprint(sent):
            model = copy.deepcopy(sent)  # read back in the run that wrote it: the v1 model its spec came from
        elif stored != "v2":
            model.setdefault("uid", uid)
        folder_uid = notes.get(FOLDER, "")
        manager = (notes.get(MANAGER_KIND), notes.get(MANAGER_ID))
        live = ApisLiveDashboard(
            uid,
            model,
            folder_uid,
            self._folder_title(folder_uid),
            int(item["metadata"].get("generation") or 0),
            last_writer(item),
            provisioned=manager[0] == CLASSIC_FILE_PROVISIONING,
            raw={
                "dashboard": dict(model, uid=uid, version=item["metadata"].get("generation")),
                "meta": {"folderUid": folder_uid, "folderTitle": self._folder_title(folder_uid)},
            },
            title=spec.get("title", uid),
            tags=list(spec.get("tags") or []),
            resource=item,
            stored=stored,
        )
        if manager[0] and manager != MANAGER and manager[0] != CLASSIC_FILE_PROVISIONING:
            live.foreign = True
            live.drift = (
                f"managed by {manager[0]} ({manager[1] or 'no id'}) in Grafana; gdash does not take over "
                "objects another tool manages (remove that manager in Grafana, or give the dashboard "
                "another uid)"
            )
        elif recorded is None:
            tag = hash_tag(spec.get("tags"))
            if tag and fingerprint(spec) == tag:  # pushed by gdash through the classic API, unchanged since
                live.verified_hash = tag
        else:
            reasons = drift_reasons(item)
            if reasons:
                live.drift = "; ".join(reasons)
            else:
                live.verified_hash = recorded
        return live


def dashboard_transport(env: Any, project: Any = None) -> Callable[[GrafanaClient], Any]:
    """The transport for an environment: ``/apis`` on Grafana 12+, the classic API before
    (``grafana: auto`` asks ``/api/health`` once per run)."""
    from ..compile.v2 import effective_schema, project_schema
    from .target import target
    from .transport import LegacyDashboards

    schemas = {}
    if project is not None:
        default = env.dashboard_schema or project_schema(project.config)
        schemas = {d.uid: effective_schema(d, default) for d in project.dashboards}

    def make(client: GrafanaClient) -> Any:
        chosen = target(env, client)
        if chosen.apis:
            return ApisDashboards(client, chosen, schema_of=lambda uid: schemas.get(uid, "v1"))
        return LegacyDashboards(client)

    return make
