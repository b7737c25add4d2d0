"""Plan and apply folders and dashboards through Grafana's ``/apis`` resource API (Grafana 12+).

One paged list of dashboards (``dashboard.grafana.app/v1beta1``; every dashboard whatever version it is
stored in, with its metadata) and one paged list of folders are the whole read side of a no-op push.
Each dashboard gdash writes carries these annotations:

=============================  ==========================================================================
``grafana.app/managedBy``      ``kubectl`` (Grafana's manager kind for generic API clients)
``grafana.app/managerId``      ``gdash``
``gdash.dev/hash``             content hash of the spec gdash sent (before Grafana normalised it)
``gdash.dev/generation``       the ``metadata.generation`` gdash's write produces
``gdash.dev/writer``           gdash's identity as Grafana records it (learnt with a dry-run create)
``grafana.app/folder``         the folder uid
``grafana.app/message``        the push message (git commit), shown in the version history
=============================  ==========================================================================

so that, from the list alone, a dashboard is

* **unchanged**: ``gdash.dev/hash`` is the local hash, the folder is right and it is not drifted;
* **drifted** (someone changed it after gdash): ``generation`` moved past ``gdash.dev/generation``, or
  ``grafana.app/saved-from-ui`` is set (gdash's writes never carry it, Grafana's frontend adds it on a UI
  save), or ``updatedBy`` is not the identity gdash wrote with. Drift is never decided by comparing the
  stored spec with what gdash sent: Grafana 12.2+ migrates and normalises every spec it stores;
* **orphaned**: managed by gdash but no longer in the project (deleted by ``--prune``);
* **foreign**: managed by another tool (another ``managedBy``/``managerId``): never written.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..diff import DiffReport, diff_dashboards, render
from ..model import CompiledDashboard
from .client import AmbiguousWrite, GrafanaClient, SyncError
from .datasources import referenced_datasources, rewrite_datasources
from .fingerprint import fingerprint, hash_tag, without_hash_tag
from .live import LiveFolders
from .plan import Action, matches
from .resources import (FOLDER, FOLDER_KIND, MANAGER_ID, MANAGER_KIND, MESSAGE, SAVED_FROM_UI, Kind, ManagerRefused,
                        ResourceClient, ResourceConflict, annotations, dashboard_kind, last_writer, stored_version)
from .target import Target

MANAGER = ("kubectl", "gdash")
HASH = "gdash.dev/hash"
GENERATION = "gdash.dev/generation"
WRITER = "gdash.dev/writer"
ROOT_FOLDERS = ("", "General")


def is_resource_action(action: Action) -> bool:
    return isinstance(action.payload, dict) and "resource" in action.payload \
        or isinstance(action.live, dict) and "resource" in action.live


@dataclass
class ApisPlan:
    actions: list[Action] = field(default_factory=list)
    folder_uids: dict[str, str] = field(default_factory=dict)
    live_folders: LiveFolders = field(default_factory=LiveFolders)


def dashboard_schema(dashboard: CompiledDashboard, transport: Target, default: str | None = None) -> str:
    """v2 when the dashboard (or the environment's/project's ``dashboard_schema``) asks for it and Grafana
    serves dashboard v2 (13+); v1 otherwise (Grafana 11 and 12 get the v1 model of the same dashboard)."""
    from ..compile.v2 import effective_schema

    return "v2" if effective_schema(dashboard, default) == "v2" and transport.dashboard_v2 else "v1"


def spec_of(dashboard: CompiledDashboard, model: dict[str, Any], schema: str) -> dict[str, Any]:
    spec = without_hash_tag(model)
    if schema == "v2":
        from ..compile.v2 import to_v2_spec

        return to_v2_spec(spec)
    return spec


def content_hash(spec: dict[str, Any]) -> str:
    return fingerprint(spec)


class ApisPlanner:
    def __init__(self, client: GrafanaClient, transport: Target, *, env_name: str, datasources: dict[str, str],
                 nested_folders: bool, prune: bool, force: bool, only: str | None, message: str, read_all: bool,
                 folder_of: Callable[[CompiledDashboard], str], default_schema: str | None = None):
        self.client = client
        self.transport = transport
        self.resources = ResourceClient(client, transport.namespace)
        self.env_name, self.datasources, self.nested = env_name, datasources, nested_folders
        self.prune, self.force, self.only, self.message, self.read_all = prune, force, only, message, read_all
        self.folder_of = folder_of
        self.default_schema = default_schema
        self.result = ApisPlan()
        self._identity: str | None | bool = False  # False: not asked yet

    def identity(self) -> str | None:
        if self._identity is False:
            self._identity = self.resources.identity()
        return self._identity  # type: ignore[return-value]

    # -- folders ------------------------------------------------------------------------------------

    def plan_folders(self, titles: set[str]) -> None:
        live = self.resources.list(FOLDER_KIND)
        folders = self.result.live_folders
        for name, item in live.items():
            parent = annotations(item).get(FOLDER, "")
            folders.by_uid[name] = {"uid": name, "title": item["spec"].get("title", ""),
                                    **({"parentUid": parent} if parent else {})}
        uids = self.result.folder_uids
        for title in sorted(titles):
            if title in ROOT_FOLDERS:
                uids[title] = ""
                continue
            parts = title.split("/") if self.nested else [title]
            parent = ""
            for depth, part in enumerate(parts, start=1):
                path = "/".join(parts[:depth])
                if path not in uids:
                    uid = folders.find(part, parent)
                    if uid is None:
                        uid = self._new_folder_uid(path)
                        notes = {MANAGER_KIND: MANAGER[0], MANAGER_ID: MANAGER[1], **({FOLDER: parent} if parent else {})}
                        body = {"apiVersion": FOLDER_KIND.api_version, "kind": "Folder",
                                "metadata": {"name": uid, "annotations": notes}, "spec": {"title": part}}
                        payload = {"uid": uid, "title": part, **({"parentUid": parent} if parent else {}),
                                   "resource": body}
                        self.result.actions.append(Action("folder", uid, "create", title=part, payload=payload))
                    uids[path] = uid
                parent = uids[path]

    def _new_folder_uid(self, path: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:40] or "folder"
        taken = set(self.result.live_folders.by_uid) | set(self.result.folder_uids.values())
        if slug in taken:
            slug = f"{slug[:31]}-{hashlib.sha1(path.encode()).hexdigest()[:8]}"
        return slug

    # -- dashboards ---------------------------------------------------------------------------------

    def plan_dashboards(self, dashboards: list[CompiledDashboard]) -> None:
        live = self.resources.list(dashboard_kind("v1"))
        desired = set()
        for dashboard in dashboards:
            desired.add(dashboard.uid)
            self.result.actions.append(self._dashboard_action(dashboard, live.get(dashboard.uid)))
        writes = [a for a in self.result.actions if a.kind == "dashboard" and a.verb in ("create", "update")]
        if writes:  # learnt only when something will be written: a no-op push needs no identity
            writer = self.identity() or ""
            for action in writes:
                action.payload["resource"]["metadata"]["annotations"][WRITER] = writer
        if self.prune:
            for name, item in sorted(live.items()):
                notes = annotations(item)
                ours = (notes.get(MANAGER_KIND), notes.get(MANAGER_ID)) == MANAGER
                legacy = not notes.get(MANAGER_KIND) and hash_tag((item.get("spec") or {}).get("tags"))
                title = (item.get("spec") or {}).get("title", name)
                if name not in desired and (ours or legacy) and matches(self.only, name, title):
                    folder = self.result.live_folders.title(notes.get(FOLDER, "")) if notes.get(FOLDER) else ""
                    self.result.actions.append(Action("dashboard", name, "delete", title, folder,
                                                      live=self._legacy_shape(item)))

    def _dashboard_action(self, dashboard: CompiledDashboard, item: dict[str, Any] | None) -> Action:
        folder_path = self.folder_of(dashboard)
        folder_uid = self.result.folder_uids[folder_path]
        model = rewrite_datasources(dashboard.model, self.datasources, environment=self.env_name,
                                    source=dashboard.source)
        schema = dashboard_schema(dashboard, self.transport, self.default_schema)
        spec = spec_of(dashboard, model, schema)
        digest = content_hash(spec)
        kind = dashboard_kind(schema)
        action = Action("dashboard", dashboard.uid, "create", dashboard.title, folder_path,
                        datasources=referenced_datasources(model))
        notes = {MANAGER_KIND: MANAGER[0], MANAGER_ID: MANAGER[1], HASH: digest, FOLDER: folder_uid,
                 GENERATION: "1", MESSAGE: self.message}
        body = {"apiVersion": kind.api_version, "kind": "Dashboard",
                "metadata": {"name": dashboard.uid, "annotations": notes}, "spec": spec,
                "status": {}}  # required by the schema; the server owns it
        action.payload = {"dashboard": model if schema == "v1" else spec, "folderUid": folder_uid,
                          "resource": body, "schema": schema}
        if item is None:
            return action

        live_notes = annotations(item)
        live = self._legacy_shape(item)
        action.live, action.verb = live, "update"
        action.version = int(item["metadata"].get("generation") or 0)
        body["metadata"]["resourceVersion"] = item["metadata"].get("resourceVersion", "")
        notes[GENERATION] = str(action.version + 1)
        manager = (live_notes.get(MANAGER_KIND), live_notes.get(MANAGER_ID))
        if manager[0] and manager != MANAGER:
            action.verb = "conflict"
            action.reason = (f"managed by {manager[0]} ({manager[1] or 'no id'}) in Grafana; gdash does not take "
                             "over objects another tool manages (remove that manager in Grafana, or give the "
                             "dashboard another uid)")
            return action
        recorded = live_notes.get(HASH)
        placed = live_notes.get(FOLDER, "") == folder_uid and stored_version(item) == kind.version
        if recorded is None:
            tag = hash_tag((item.get("spec") or {}).get("tags"))
            if tag and fingerprint(item.get("spec") or {}) == tag:
                action.reason = "pushed by gdash through the classic API; now managed through /apis"
                return action
            why = ("pushed by gdash through the classic API and changed since" if tag
                   else "exists in Grafana but was not pushed by gdash")
            return self._drifted(action, why, item)
        drift = self.drift(item)
        if drift:
            return self._drifted(action, drift, item)
        if recorded == digest and placed:
            action.verb = "unchanged"
            action.payload = None
        return action

    def drift(self, item: dict[str, Any]) -> str | None:
        """Why a gdash-managed object changed in Grafana since gdash wrote it, from its metadata alone."""
        notes = annotations(item)
        generation = int(item["metadata"].get("generation") or 0)
        expected = int(notes.get(GENERATION) or 0)
        reasons = []
        if notes.get(SAVED_FROM_UI):
            reasons.append(f"saved from Grafana's UI ({notes[SAVED_FROM_UI]}) since gdash pushed it")
        if expected and generation > expected:
            reasons.append(f"changed in Grafana since gdash pushed it (generation {generation}, gdash wrote "
                           f"{expected})")
        writer, ours = last_writer(item), notes.get(WRITER)
        if ours and writer and writer != ours:
            reasons.append(f"last written by {writer}, not by gdash ({ours})")
        return "; ".join(reasons) or None

    def _drifted(self, action: Action, why: str, item: dict[str, Any]) -> Action:
        if self.force:
            action.reason = f"{why}; overwritten because of --force (live version backed up)"
            return action
        action.verb = "conflict"
        action.reason = f"{why}; review with `gdash diff`, then push with --force to overwrite it"
        live_spec = self.live_spec(item)
        if live_spec is not None and action.payload.get("schema") == "v1":
            report = DiffReport(dashboards=[diff_dashboards(without_hash_tag(live_spec),
                                                            without_hash_tag(action.payload["dashboard"]))],
                                base_label="live", head_label="local")
            action.diff = render(report, "text")
        return action

    def live_spec(self, item: dict[str, Any]) -> dict[str, Any] | None:
        """The stored spec: from the list item, or read in its stored version when the list converted it."""
        version = stored_version(item)
        if version == item.get("apiVersion", "").rsplit("/", 1)[-1]:
            return item.get("spec")
        stored = self.resources.get(Kind(dashboard_kind().group, version, "dashboards"), item["metadata"]["name"])
        return (stored or {}).get("spec")

    def _legacy_shape(self, item: dict[str, Any]) -> dict[str, Any]:
        """``{"dashboard", "meta"}`` like the classic API, for backups and diffs; ``resource`` keeps the object."""
        spec = dict(self.live_spec(item) if self.read_all else item.get("spec") or {})
        spec.setdefault("uid", item["metadata"]["name"])
        spec.setdefault("version", item["metadata"].get("generation"))
        folder_uid = annotations(item).get(FOLDER, "")
        title = self.result.live_folders.title(folder_uid) if folder_uid else "General"
        return {"dashboard": spec, "meta": {"folderUid": folder_uid, "folderTitle": title}, "resource": item}


# -- applying ----------------------------------------------------------------------------------------


def write_resource(client: GrafanaClient, transport: Target, action: Action) -> None:
    """Create, replace or delete one folder or dashboard through /apis (push's writer for /apis actions)."""
    resources = ResourceClient(client, transport.namespace)
    if action.verb == "delete":
        resources.delete(dashboard_kind("v1"), action.key)
        return
    body = action.payload["resource"]
    kind = FOLDER_KIND if action.kind == "folder" else dashboard_kind(action.payload.get("schema", "v1"))
    try:
        if action.verb == "create":
            try:
                resources.create(kind, body)
            except AmbiguousWrite as error:
                resources.confirm_create(kind, body, error)
        else:
            resources.replace(kind, body)
    except ResourceConflict as error:
        if action.verb == "create" and action.kind == "folder":
            live = resources.get(kind, action.key)
            if live and live["spec"].get("title") == body["spec"]["title"]:
                return  # created by an earlier, unanswered attempt
        raise SyncError(f"changed in Grafana while pushing (409 Conflict: {error.message.rsplit(': ', 1)[-1]}); "
                        "nothing was overwritten, run the push again to review the change") from None
    except ManagerRefused as error:
        raise SyncError(error.message) from None
