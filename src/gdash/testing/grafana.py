"""In-memory Grafana: the semantics of the HTTP endpoints gdash uses, one handler per operationId.

Behaviour follows Grafana 11.4 (pkg/services/dashboards, pkg/api, ngalert provisioning): dashboard
versions and 412 answers, provisioned dashboards, folder uids and nesting, search paging, alert-rule
provenance and the X-Disable-Provenance header. Handlers receive a :class:`Call` and return
``(status, body)`` or raise :class:`ApiError`; the HTTP layer lives in ``server.py``.
"""

from __future__ import annotations

import copy
import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..durations import format_duration, parse_duration
from ..model import BUILTIN_ANNOTATION as BUILT_IN_ANNOTATION
from ..model import grafana_name_key

VERSION = "11.4.0"
# Emulated releases (``GrafanaEmulator(mode=...)``): the version /api/health reports for each mode.
MODES = {"11.4": "11.4.0", "12.2": "12.2.0", "12.3": "12.3.1", "13.0": "13.0.1", "13.2": "13.2.0"}
UID_PATTERN = re.compile(r"^[a-zA-Z0-9\-_]*$")
NO_DATA_STATES = {"Alerting", "NoData", "OK"}
EXEC_ERR_STATES = {"OK", "Alerting", "Error"}
TIMESTAMP = "2026-01-01T00:00:00Z"  # server-managed dates are constant: tests compare bytes
DEFAULT_POLICY = {"receiver": "grafana-default-email", "group_by": ["grafana_folder", "alertname"]}
# Settings Grafana encrypts and answers as "[REDACTED]" (notifier secure fields)
SECURE_SETTINGS = {
    "slack": {"url", "token"},
    "webhook": {"password", "authorization_credentials"},
    "pagerduty": {"integrationKey"},
    "telegram": {"bottoken"},
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, reason: str | None = None):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message}
        if reason:
            self.body["status"] = reason


@dataclass
class Call:
    path: dict[str, str]
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: Any
    user: str = "admin"  # login of the authenticated principal (what Grafana records as updatedBy/createdBy)
    role: str = "Admin"  # its role in the organisation
    identity: str = "user:admin"  # the same principal as Grafana 12+ writes it in grafana.app/updatedBy

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]

    def int_arg(self, name: str, default: int) -> int:
        value = self.arg(name)
        return int(value) if value is not None else default


@dataclass
class Dashboard:
    id: int
    uid: str
    model: dict[str, Any]
    folder_uid: str
    version: int
    provisioned: bool = False
    history: list[DashboardVersion] = field(default_factory=list)  # oldest first
    updated_by: str = "admin"
    # resource (Grafana 12+ /apis) bookkeeping; see testing/apis.py
    api_version: str = "v1"  # the dashboard schema it is stored in: v1 (classic JSON) or v2
    generation: int = 1
    resource_version: str = ""
    annotations: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.model.get("title", "")


@dataclass
class DashboardVersion:
    """One entry of a dashboard's version history (dashboard_version table): who saved what, with which message."""

    id: int
    version: int
    message: str
    created_by: str
    data: dict[str, Any]
    parent_version: int = 0


@dataclass
class Folder:
    id: int
    uid: str
    title: str
    parent_uid: str = ""
    version: int = 1
    generation: int = 1
    resource_version: str = ""
    annotations: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Org:
    id: int
    folders: dict[str, Folder] = field(default_factory=dict)
    dashboards: dict[str, Dashboard] = field(default_factory=dict)
    datasources: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    group_intervals: dict[tuple[str, str], int] = field(default_factory=dict)
    # rule uid -> its position in its group: Grafana keeps the order a group was PUT in (rule_group_idx)
    rule_positions: dict[str, int] = field(default_factory=dict)
    contact_points: dict[str, dict[str, Any]] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULT_POLICY))
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    mute_timings: dict[str, dict[str, Any]] = field(default_factory=dict)


SERVER_ANNOTATIONS = ("grafana.app/createdBy", "grafana.app/updatedBy", "grafana.app/updatedTimestamp")


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class Grafana:
    """The state of one Grafana server (all organisations) and its endpoint handlers."""

    def __init__(self, mode: str = "11.4", *, normalize_on_save: bool = False) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown Grafana mode {mode!r} (one of {', '.join(MODES)})")
        self.mode = mode
        self.version = MODES[mode]
        self.major, self.minor = (int(part) for part in mode.split("."))
        # Grafana 12.2+: v1 dashboards are normalised on every write (either API)
        self.normalize_on_save = normalize_on_save or self.at_least(12, 2)
        self._version_ids = itertools.count(1)
        self.lock = threading.RLock()
        self.orgs: dict[int, Org] = {1: Org(1)}
        self._ids = itertools.count(1)
        self._generated_uids = itertools.count(1)
        self._resource_versions = itertools.count(1000)
        self.handlers: dict[str, Callable[[Org, Call], tuple[int, Any]]] = {
            name.removeprefix("op_"): getattr(self, name) for name in dir(self) if name.startswith("op_")
        }

    def org(self, org_id: int) -> Org:
        return self.orgs.setdefault(org_id, Org(org_id))

    def new_uid(self) -> str:
        return f"gen{next(self._generated_uids):06d}"

    def at_least(self, major: int, minor: int = 0) -> bool:
        return (self.major, self.minor) >= (major, minor)

    def touch(self, obj: Dashboard | Folder, identity: str, *, created: bool, spec_changed: bool = True) -> None:
        """Server-side metadata of a write (both APIs share it): resourceVersion, generation, who and when.

        ``createdBy`` alone is present after the first write, ``updatedBy``/``updatedTimestamp`` from the
        second on (pkg/apimachinery/utils/meta.go names the annotations)."""
        obj.resource_version = str(next(self._resource_versions))
        if created:
            obj.generation = 1
            obj.annotations = {k: v for k, v in obj.annotations.items() if k not in SERVER_ANNOTATIONS}
            obj.annotations["grafana.app/createdBy"] = identity
        else:
            if spec_changed:
                obj.generation += 1
            obj.annotations["grafana.app/updatedBy"] = identity
            obj.annotations["grafana.app/updatedTimestamp"] = TIMESTAMP
        obj.labels["grafana.app/deprecatedInternalID"] = str(obj.id)

    def normalize(self, model: dict[str, Any]) -> dict[str, Any]:
        """What Grafana 12.2+ does to every v1 dashboard written through either API (see
        :func:`normalize_v1_dashboard`), so the stored model differs from what was sent."""
        return normalize_v1_dashboard(model) if self.normalize_on_save else model

    # -- health, datasources -------------------------------------------------------------

    def op_getHealth(self, org: Org, call: Call) -> tuple[int, Any]:
        return 200, {"commit": "emulator", "database": "ok", "version": self.version}

    def op_getDataSourceByUID(self, org: Org, call: Call) -> tuple[int, Any]:
        ds = org.datasources.get(call.path["uid"])
        if ds is None:
            raise ApiError(404, "Data source not found")
        return 200, dict(ds)

    # -- folders ---------------------------------------------------------------------------

    def _folder_json(self, org: Org, folder: Folder) -> dict[str, Any]:
        body = {
            "id": folder.id,
            "uid": folder.uid,
            "orgId": org.id,
            "title": folder.title,
            "url": f"/dashboards/f/{folder.uid}/{slugify(folder.title)}",
            "hasAcl": False,
            "canSave": True,
            "canEdit": True,
            "canAdmin": True,
            "canDelete": True,
            "createdBy": "admin",
            "created": TIMESTAMP,
            "updatedBy": "admin",
            "updated": TIMESTAMP,
            "version": folder.version,
        }
        if folder.parent_uid:
            body["parentUid"] = folder.parent_uid
            body["parents"] = [self._folder_json(org, p) for p in self._ancestors(org, folder)]
        return body

    def _ancestors(self, org: Org, folder: Folder) -> list[Folder]:
        chain: list[Folder] = []
        while folder.parent_uid:
            folder = org.folders[folder.parent_uid]
            chain.insert(0, folder)
        return chain

    def op_getFolders(self, org: Org, call: Call) -> tuple[int, Any]:
        parent = call.arg("parentUid", "")
        folders = sorted((f for f in org.folders.values() if f.parent_uid == parent), key=lambda f: f.title.lower())
        hits = []
        for f in _page(folders, call.int_arg("limit", 1000), call.int_arg("page", 1)):
            hit = {"id": f.id, "uid": f.uid, "title": f.title}
            if f.parent_uid:
                hit["parentUid"] = f.parent_uid
            hits.append(hit)
        return 200, hits

    def op_getFolderByUID(self, org: Org, call: Call) -> tuple[int, Any]:
        return 200, self._folder_json(org, self._folder(org, call.path["folder_uid"]))

    def _folder(self, org: Org, uid: str) -> Folder:
        if uid not in org.folders:
            raise ApiError(404, "folder not found", "not-found")
        return org.folders[uid]

    def op_createFolder(self, org: Org, call: Call) -> tuple[int, Any]:
        body = call.body or {}
        title = (body.get("title") or "").strip()
        if not title:
            raise ApiError(400, "folder name cannot be empty")
        uid = body.get("uid") or self.new_uid()
        _check_uid(uid)
        parent = body.get("parentUid") or ""
        if parent and parent not in org.folders:
            raise ApiError(400, "parent folder not found")
        if uid in org.folders or uid in org.dashboards:
            raise ApiError(409, "a folder with the same uid already exists")
        if any(f.title == title and f.parent_uid == parent for f in org.folders.values()):
            raise ApiError(409, "a folder with the same name already exists in the current location")
        folder = org.folders[uid] = Folder(next(self._ids), uid, title, parent)
        folder.annotations = {"grafana.app/folder": parent} if parent else {}
        self.touch(folder, call.identity, created=True)
        return 200, self._folder_json(org, folder)

    def op_updateFolder(self, org: Org, call: Call) -> tuple[int, Any]:
        folder = self._folder(org, call.path["folder_uid"])
        body = call.body or {}
        if not body.get("overwrite") and body.get("version") != folder.version:
            raise ApiError(412, "the folder has been changed by someone else", "version-mismatch")
        if body.get("title"):
            folder.title = body["title"]
        folder.version += 1
        self.touch(folder, call.identity, created=False)
        return 200, self._folder_json(org, folder)

    def op_deleteFolder(self, org: Org, call: Call) -> tuple[int, Any]:
        folder = self._folder(org, call.path["folder_uid"])
        doomed = {folder.uid} | {f.uid for f in org.folders.values() if folder in self._ancestors(org, f)}
        has_rules = any(r["folderUID"] in doomed for r in org.rules.values())
        if has_rules and call.arg("forceDeleteRules", "false") != "true":
            raise ApiError(400, "folder cannot be deleted: folder contains alert rules")
        for uid in doomed:
            del org.folders[uid]
        org.dashboards = {k: d for k, d in org.dashboards.items() if d.folder_uid not in doomed}
        org.rules = {k: r for k, r in org.rules.items() if r["folderUID"] not in doomed}
        return 200, {"id": folder.id, "title": folder.title, "message": f"Folder {folder.title} deleted"}

    # -- dashboards ------------------------------------------------------------------------

    def op_postDashboard(self, org: Org, call: Call) -> tuple[int, Any]:
        body = call.body or {}
        model = body.get("dashboard")
        if not isinstance(model, dict):
            raise ApiError(400, "bad request data")
        if self.at_least(13) and _is_v2(model):
            raise ApiError(
                400, "dashboard v2 cannot be saved through /api/dashboards/db; use /apis/dashboard.grafana.app/v2"
            )
        dashboard = self.save_dashboard(
            org,
            model,
            body.get("folderUid") or "",
            bool(body.get("overwrite")),
            body.get("message") or "",
            user=call.user,
            identity=call.identity,
        )
        slug = slugify(dashboard.title)
        return 200, {
            "id": dashboard.id,
            "uid": dashboard.uid,
            "url": f"/d/{dashboard.uid}/{slug}",
            "status": "success",
            "version": dashboard.version,
            "slug": slug,
            "title": slug,
            "folderUid": dashboard.folder_uid,
        }

    def save_dashboard(
        self,
        org: Org,
        model: dict[str, Any],
        folder_uid: str,
        overwrite: bool,
        message: str,
        provisioned: bool = False,
        *,
        user: str = "admin",
        identity: str | None = None,
    ) -> Dashboard:
        """Grafana's save rules (dashboard service + store), including its 400/404/412 answers.

        ``user`` is the login Grafana records as ``updatedBy`` and as the version's ``createdBy``;
        ``identity`` the same principal as the resource API writes it (default ``user:<login>``).
        """
        identity = identity or f"user:{user}"
        model = self.normalize(copy.deepcopy(model))
        title = (model.get("title") or "").strip()
        if not title:
            raise ApiError(400, "Dashboard title cannot be empty")
        uid = model.get("uid") or ""
        _check_uid(uid)
        if folder_uid and folder_uid not in org.folders:
            raise ApiError(404, "folder not found", "not-found")
        existing = org.dashboards.get(uid) if uid else None
        if existing is None and model.get("id"):
            existing = next((d for d in org.dashboards.values() if d.id == model["id"]), None)
            if existing is None:
                raise ApiError(404, "Dashboard not found", "not-found")
        name = grafana_name_key(title)  # Grafana compares slugs (see grafana_name_key)
        same_title = next(
            (
                d
                for d in org.dashboards.values()
                if d.folder_uid == folder_uid and grafana_name_key(d.title) == name and d is not existing
            ),
            None,
        )
        if same_title is not None:
            if not overwrite:
                raise ApiError(412, "A dashboard with the same name in the folder already exists", "name-exists")
            existing = same_title  # Grafana saves over the dashboard that had the title, under its uid
        if existing is not None:
            if existing.provisioned and not provisioned:
                raise ApiError(400, "Cannot save provisioned dashboard")
            if existing.api_version == "v2" and self.at_least(13):
                raise ApiError(
                    400,
                    "dashboard api version not supported, use "
                    f"/apis/dashboard.grafana.app/v2/namespaces/default/dashboards/{existing.uid}",
                )
            if model.get("version", 0) != existing.version and not overwrite:
                raise ApiError(412, "The dashboard has been changed by someone else", "version-mismatch")
            existing.version += 1
            existing.folder_uid = folder_uid
            existing.model = model
            existing.updated_by = user
            existing.annotations["grafana.app/folder"] = folder_uid
            self.touch(existing, identity, created=False)
        else:
            existing = Dashboard(
                next(self._ids), uid or self.new_uid(), model, folder_uid, 1, provisioned, updated_by=user
            )
            existing.annotations = {"grafana.app/folder": folder_uid}
            self.touch(existing, identity, created=True)
            org.dashboards[existing.uid] = existing
        model.update(id=existing.id, uid=existing.uid, version=existing.version)
        existing.history.append(
            DashboardVersion(
                next(self._version_ids), existing.version, message, user, copy.deepcopy(model), existing.version - 1
            )
        )
        return existing

    def _dashboard(self, org: Org, uid: str) -> Dashboard:
        if uid not in org.dashboards:
            raise ApiError(404, "Dashboard not found", "not-found")
        return org.dashboards[uid]

    def op_getDashboardByUID(self, org: Org, call: Call) -> tuple[int, Any]:
        dashboard = self._dashboard(org, call.path["uid"])
        if dashboard.api_version == "v2" and self.at_least(13):
            # Grafana 13 answers 406 for a dashboard stored as v2 (the classic API cannot represent it)
            raise ApiError(
                406,
                "dashboard api version not supported, use "
                f"/apis/dashboard.grafana.app/v2/namespaces/default/dashboards/{dashboard.uid}",
            )
        slug = slugify(dashboard.title)
        meta = {
            "type": "db",
            "canSave": call.role != "Viewer",
            "canEdit": call.role != "Viewer",
            "canAdmin": call.role == "Admin",
            "canStar": True,
            "canDelete": True,
            "slug": slug,
            "url": f"/d/{dashboard.uid}/{slug}",
            "expires": "0001-01-01T00:00:00Z",
            "created": TIMESTAMP,
            "updated": TIMESTAMP,
            "updatedBy": dashboard.updated_by,
            "createdBy": dashboard.history[0].created_by if dashboard.history else "admin",
            "version": dashboard.version,
            "hasAcl": False,
            "isFolder": False,
            "folderUid": dashboard.folder_uid,
            "provisioned": dashboard.provisioned,
            "provisionedExternalId": "",
        }
        if dashboard.folder_uid:
            folder = org.folders[dashboard.folder_uid]
            meta.update(
                folderId=folder.id,
                folderTitle=folder.title,
                folderUrl=f"/dashboards/f/{folder.uid}/{slugify(folder.title)}",
            )
        else:
            meta.update(folderId=0, folderTitle="General", folderUrl="")
        return 200, {"dashboard": copy.deepcopy(dashboard.model), "meta": meta}

    def _version_json(self, dashboard: Dashboard, entry: DashboardVersion, *, data: bool) -> dict[str, Any]:
        body = {
            "id": entry.id,
            "dashboardId": dashboard.id,
            "uid": dashboard.uid,
            "version": entry.version,
            "parentVersion": entry.parent_version,
            "restoredFrom": 0,
            "created": TIMESTAMP,
            "createdBy": entry.created_by,
            "message": entry.message,
        }
        if data:
            body["data"] = copy.deepcopy(entry.data)
        return body

    def op_getDashboardVersionsByUID(self, org: Org, call: Call) -> tuple[int, Any]:
        """Newest first, without the models (Grafana's GetDashboardVersions); ``start`` skips entries."""
        dashboard = self._dashboard(org, call.path["uid"])
        entries = list(reversed(dashboard.history))[call.int_arg("start", 0) :]
        limit = call.int_arg("limit", 0)
        return 200, [self._version_json(dashboard, e, data=False) for e in entries[: limit or None]]

    def op_getDashboardVersionByUID(self, org: Org, call: Call) -> tuple[int, Any]:
        """One version with its model; the path parameter is the version number (pkg/api/dashboard.go)."""
        dashboard = self._dashboard(org, call.path["uid"])
        wanted = call.path["DashboardVersionID"]
        entry = next((e for e in dashboard.history if str(e.version) == wanted), None)
        if entry is None:
            raise ApiError(404, "Dashboard version not found", "not-found")
        return 200, self._version_json(dashboard, entry, data=True)

    def op_getSignedInUser(self, org: Org, call: Call) -> tuple[int, Any]:
        return 200, {
            "id": 1,
            "uid": f"u-{call.user}",
            "login": call.user,
            "name": call.user,
            "email": f"{call.user}@localhost",
            "orgId": org.id,
            "isGrafanaAdmin": False,
            "isDisabled": False,
            "isExternal": False,
            "theme": "",
            "createdAt": TIMESTAMP,
            "updatedAt": TIMESTAMP,
            "authLabels": [],
        }

    def op_getDataSources(self, org: Org, call: Call) -> tuple[int, Any]:
        return 200, [dict(ds) for _, ds in sorted(org.datasources.items())]

    def op_deleteDashboardByUID(self, org: Org, call: Call) -> tuple[int, Any]:
        dashboard = self._dashboard(org, call.path["uid"])
        if dashboard.provisioned:
            raise ApiError(400, "provisioned dashboard cannot be deleted")
        del org.dashboards[dashboard.uid]
        return 200, {
            "uid": dashboard.uid,
            "title": dashboard.title,
            "id": dashboard.id,
            "message": f"Dashboard {dashboard.title} deleted",
        }

    def op_search(self, org: Org, call: Call) -> tuple[int, Any]:
        kind = call.arg("type")
        text = (call.arg("query") or "").lower()
        tags = set(call.query.get("tag", []))
        folder_uids = set(call.query.get("folderUIDs", []))
        uids = set(call.query.get("dashboardUIDs", []))
        hits: list[dict[str, Any]] = []
        if kind in (None, "dash-folder") and not tags:
            for f in org.folders.values():
                hits.append(
                    {
                        "id": f.id,
                        "uid": f.uid,
                        "title": f.title,
                        "uri": f"db/{slugify(f.title)}",
                        "url": f"/dashboards/f/{f.uid}/{slugify(f.title)}",
                        "slug": "",
                        "type": "dash-folder",
                        "tags": [],
                        "isStarred": False,
                        "sortMeta": 0,
                    }
                )
        if kind in (None, "dash-db"):
            for d in org.dashboards.values():
                hit = {
                    "id": d.id,
                    "uid": d.uid,
                    "title": d.title,
                    "uri": f"db/{slugify(d.title)}",
                    "url": f"/d/{d.uid}/{slugify(d.title)}",
                    "slug": "",
                    "type": "dash-db",
                    "tags": list(d.model.get("tags") or []),
                    "isStarred": False,
                    "sortMeta": 0,
                }
                if d.folder_uid:
                    folder = org.folders[d.folder_uid]
                    hit.update(
                        folderId=folder.id,
                        folderUid=folder.uid,
                        folderTitle=folder.title,
                        folderUrl=f"/dashboards/f/{folder.uid}/{slugify(folder.title)}",
                    )
                hits.append(hit)
        hits = [
            h
            for h in hits
            if text in h["title"].lower()
            and tags <= set(h["tags"])
            and (not uids or h["uid"] in uids)
            and (not folder_uids or h.get("folderUid", "general") in folder_uids)
        ]
        hits.sort(key=lambda h: (h["type"] != "dash-folder", h["title"].lower(), h["uid"]))
        limit = min(call.int_arg("limit", 1000) or 1000, 5000)
        return 200, _page(hits, limit, call.int_arg("page", 1))

    # -- alerting provisioning -------------------------------------------------------------

    def _provenance(self, call: Call) -> str:
        return "" if "x-disable-provenance" in call.headers else "api"

    @staticmethod
    def _check_provenance(stored: str, new: str) -> None:
        if stored and stored != new:
            raise ApiError(400, f"cannot change provenance from '{stored}' to '{new}'")

    def _validate_rule(self, org: Org, rule: dict[str, Any]) -> None:
        for key in ("title", "condition", "data", "noDataState", "execErrState", "for", "folderUID", "ruleGroup"):
            if rule.get(key) in (None, "", []):
                raise ApiError(400, f"invalid alert rule: {key} is required")
        if rule.get("uid"):
            _check_uid(rule["uid"])
        if rule["folderUID"] not in org.folders:
            raise ApiError(400, f"invalid alert rule: folder {rule['folderUID']} does not exist")
        if rule["noDataState"] not in NO_DATA_STATES or rule["execErrState"] not in EXEC_ERR_STATES:
            raise ApiError(400, "invalid alert rule: unknown noDataState or execErrState")
        refs = {q.get("refId") for q in rule["data"]}
        if rule["condition"] not in refs:
            raise ApiError(400, f"invalid alert rule: condition {rule['condition']} does not exist in data")
        for query in rule["data"]:
            ds = query.get("datasourceUid")
            if ds != "__expr__" and ds not in org.datasources:
                raise ApiError(
                    400, f"invalid alert rule: failed to build query '{query.get('refId')}': data source not found"
                )
        try:
            rule["for"] = format_duration(parse_duration(rule["for"]))
        except ValueError:
            raise ApiError(400, f"invalid alert rule: invalid duration {rule['for']!r}") from None
        if not self.at_least(12):  # Grafana 11.4 does not know these fields and ignores them
            rule.pop("keep_firing_for", None)
            rule.pop("missingSeriesEvalsToResolve", None)
        if rule.get("keep_firing_for"):
            try:
                rule["keep_firing_for"] = format_duration(parse_duration(rule["keep_firing_for"]))
            except ValueError:
                raise ApiError(400, f"invalid alert rule: invalid duration {rule['keep_firing_for']!r}") from None
        evals = rule.get("missingSeriesEvalsToResolve")
        if evals is not None and (not isinstance(evals, int) or evals <= 0):
            # ngalert models.AlertRule validation
            raise ApiError(400, "invalid alert rule: field `missing_series_evals_to_resolve` must be greater than 0")
        for query in rule["data"]:  # ngalert's AlertQuery.PreSave and its JSON encoding
            model = query.setdefault("model", {})
            if not model.get("maxDataPoints"):
                model["maxDataPoints"] = 43200
            if "intervalMs" not in model:
                model["intervalMs"] = 1000
            query.setdefault("queryType", "")
            if not query.get("relativeTimeRange"):
                query["relativeTimeRange"] = {"from": 0, "to": 0}

    def _store_rule(
        self, org: Org, rule: dict[str, Any], provenance: str, position: int | None = None
    ) -> dict[str, Any]:
        rule = copy.deepcopy(rule)
        rule.pop("updated", None)
        rule["orgID"] = org.id
        self._validate_rule(org, rule)
        old = org.rules.get(rule.get("uid") or "")
        if old:
            self._check_provenance(old.get("provenance", ""), provenance)
            rule["id"] = old["id"]
        else:
            rule["uid"] = rule.get("uid") or self.new_uid()
            rule["id"] = next(self._ids)
        rule.setdefault("annotations", {})
        rule.setdefault("labels", {})
        rule.setdefault("isPaused", False)
        rule.update(provenance=provenance, updated=TIMESTAMP)
        if position is None and not old:
            position = 1 + max(
                (
                    org.rule_positions.get(r["uid"], 0)
                    for r in org.rules.values()
                    if (r["folderUID"], r["ruleGroup"]) == (rule["folderUID"], rule["ruleGroup"])
                ),
                default=0,
            )
        if position is not None:
            org.rule_positions[rule["uid"]] = position
        org.rules[rule["uid"]] = rule
        org.group_intervals.setdefault((rule["folderUID"], rule["ruleGroup"]), 60)
        return copy.deepcopy(rule)

    def op_RouteGetAlertRules(self, org: Org, call: Call) -> tuple[int, Any]:
        return 200, [copy.deepcopy(r) for _, r in sorted(org.rules.items())]

    def op_RouteGetAlertRule(self, org: Org, call: Call) -> tuple[int, Any]:
        return 200, copy.deepcopy(self._rule(org, call.path["UID"]))

    def _rule(self, org: Org, uid: str) -> dict[str, Any]:
        if uid not in org.rules:
            raise ApiError(404, "rule not found")
        return org.rules[uid]

    def op_RoutePostAlertRule(self, org: Org, call: Call) -> tuple[int, Any]:
        if (call.body or {}).get("uid") in org.rules:
            raise ApiError(400, "a rule with this UID already exists")
        return 201, self._store_rule(org, call.body or {}, self._provenance(call))

    def op_RoutePutAlertRule(self, org: Org, call: Call) -> tuple[int, Any]:
        self._rule(org, call.path["UID"])
        return 200, self._store_rule(org, dict(call.body or {}, uid=call.path["UID"]), self._provenance(call))

    def _group_rules(self, org: Org, folder_uid: str, group: str) -> list[dict[str, Any]]:
        return sorted(
            (r for r in org.rules.values() if r["folderUID"] == folder_uid and r["ruleGroup"] == group),
            key=lambda r: (org.rule_positions.get(r["uid"], 0), r["uid"]),
        )

    def op_RouteGetAlertRuleGroup(self, org: Org, call: Call) -> tuple[int, Any]:
        folder_uid, group = call.path["FolderUID"], call.path["Group"]
        rules = self._group_rules(org, folder_uid, group)
        if not rules:
            raise ApiError(404, "rule group not found")
        return 200, {
            "title": group,
            "folderUid": folder_uid,
            "interval": org.group_intervals[(folder_uid, group)],
            "rules": copy.deepcopy(rules),
        }

    def op_RoutePutAlertRuleGroup(self, org: Org, call: Call) -> tuple[int, Any]:
        folder_uid, group = call.path["FolderUID"], call.path["Group"]
        body = call.body or {}
        if folder_uid not in org.folders:
            raise ApiError(400, f"folder {folder_uid} does not exist")
        interval = body.get("interval", 0)
        if interval <= 0 or interval % 10:
            raise ApiError(400, f"invalid rule group interval {interval}: must be a positive multiple of 10s")
        provenance = self._provenance(call)
        incoming = [dict(r, folderUID=folder_uid, ruleGroup=group) for r in body.get("rules", [])]
        for rule in incoming:
            other = org.rules.get(rule.get("uid") or "")
            if other and (other["folderUID"], other["ruleGroup"]) != (folder_uid, group):
                raise ApiError(400, f"rule {rule['uid']} belongs to another rule group")
        snapshot, positions = copy.deepcopy(org.rules), dict(org.rule_positions)
        try:
            kept = {
                self._store_rule(org, rule, provenance, position)["uid"]
                for position, rule in enumerate(incoming, start=1)
            }
            for old in self._group_rules(org, folder_uid, group):
                if old["uid"] not in kept:
                    self._check_provenance(old.get("provenance", ""), provenance)
                    del org.rules[old["uid"]]
                    org.rule_positions.pop(old["uid"], None)
        except ApiError:
            org.rules, org.rule_positions = snapshot, positions  # the group is replaced in one transaction
            raise
        if kept:
            org.group_intervals[(folder_uid, group)] = interval
        return 200, {
            "title": group,
            "folderUid": folder_uid,
            "interval": interval,
            "rules": copy.deepcopy(self._group_rules(org, folder_uid, group)),
        }

    def op_RouteDeleteAlertRuleGroup(self, org: Org, call: Call) -> tuple[int, Any]:
        rules = self._group_rules(org, call.path["FolderUID"], call.path["Group"])
        if not rules:
            raise ApiError(404, "rule group not found")
        for rule in rules:
            self._check_provenance(rule.get("provenance", ""), "api")
            del org.rules[rule["uid"]]
            org.rule_positions.pop(rule["uid"], None)
        return 204, None

    def op_RouteGetContactpoints(self, org: Org, call: Call) -> tuple[int, Any]:
        name = call.arg("name")
        points = sorted(org.contact_points.values(), key=lambda p: (p["name"], p["uid"]))
        return 200, [_redacted(p) for p in points if name is None or p["name"] == name]

    def _store_contact_point(self, org: Org, point: dict[str, Any], provenance: str) -> dict[str, Any]:
        if not point.get("name"):
            raise ApiError(400, "invalid contact point: name is required")
        if not isinstance(point.get("settings"), dict):
            raise ApiError(400, "invalid contact point: settings are required")
        point = dict(copy.deepcopy(point), provenance=provenance)
        point.setdefault("disableResolveMessage", False)
        org.contact_points[point["uid"]] = point
        return copy.deepcopy(point)

    def op_RoutePostContactpoints(self, org: Org, call: Call) -> tuple[int, Any]:
        point = dict(call.body or {})
        point["uid"] = point.get("uid") or self.new_uid()
        _check_uid(point["uid"])
        if point["uid"] in org.contact_points:
            raise ApiError(400, "contact point with this UID already exists")
        return 202, self._store_contact_point(org, point, self._provenance(call))

    def op_RoutePutContactpoint(self, org: Org, call: Call) -> tuple[int, Any]:
        uid = call.path["UID"]
        if uid not in org.contact_points:
            raise ApiError(400, f"contact point {uid} not found")
        self._check_provenance(org.contact_points[uid]["provenance"], self._provenance(call))
        self._store_contact_point(org, dict(call.body or {}, uid=uid), self._provenance(call))
        return 202, {}

    def op_RouteGetPolicyTree(self, org: Org, call: Call) -> tuple[int, Any]:
        return 200, copy.deepcopy(org.policy)

    def op_RoutePutPolicyTree(self, org: Org, call: Call) -> tuple[int, Any]:
        policy = copy.deepcopy(call.body or {})
        policy.pop("provenance", None)
        known = {p["name"] for p in org.contact_points.values()} | {DEFAULT_POLICY["receiver"]}
        missing = sorted(_receivers(policy) - known)
        if missing or not policy.get("receiver"):
            raise ApiError(400, f"invalid policy tree: receiver {', '.join(missing) or '(none)'} does not exist")
        unknown = sorted(_mute_timing_names(policy) - set(org.mute_timings))
        if unknown:  # Grafana validates the tree against the org's mute timings
            raise ApiError(400, f"invalid policy tree: mute time interval {unknown[0]!r} does not exist")
        self._check_provenance(org.policy.get("provenance", ""), self._provenance(call))
        org.policy = dict(policy, provenance=self._provenance(call))
        return 202, {}

    def op_RouteGetTemplates(self, org: Org, call: Call) -> tuple[int, Any]:
        return 200, [copy.deepcopy(t) for _, t in sorted(org.templates.items())]

    def op_RoutePutTemplate(self, org: Org, call: Call) -> tuple[int, Any]:
        name, body = call.path["name"], call.body or {}
        if not body.get("template"):
            raise ApiError(400, "invalid template: template is required")
        old = org.templates.get(name)
        if old:
            self._check_provenance(old["provenance"], self._provenance(call))
            if body.get("version") and body["version"] != old["version"]:
                raise ApiError(409, "template version conflict")
        version = str(int(old["version"]) + 1) if old else "1"
        org.templates[name] = {
            "name": name,
            "template": body["template"],
            "provenance": self._provenance(call),
            "version": version,
        }
        return 202, copy.deepcopy(org.templates[name])

    def op_RouteGetMuteTimings(self, org: Org, call: Call) -> tuple[int, Any]:
        return 200, [copy.deepcopy(t) for _, t in sorted(org.mute_timings.items())]

    def _store_mute_timing(self, org: Org, name: str, body: dict[str, Any], provenance: str) -> dict[str, Any]:
        intervals = body.get("time_intervals")
        if not isinstance(intervals, list):
            raise ApiError(400, "invalid mute timing: time_intervals must be a list")
        old = org.mute_timings.get(name)
        version = str(int(old["version"]) + 1) if old else "1"
        org.mute_timings[name] = {
            "name": name,
            "time_intervals": copy.deepcopy(intervals),
            "provenance": provenance,
            "version": version,
        }
        return copy.deepcopy(org.mute_timings[name])

    def op_RoutePostMuteTiming(self, org: Org, call: Call) -> tuple[int, Any]:
        body = call.body or {}
        name = body.get("name")
        if not name:
            raise ApiError(400, "invalid mute timing: name is required")
        if name in org.mute_timings:
            raise ApiError(400, f"a mute timing with name {name!r} already exists")
        return 201, self._store_mute_timing(org, name, body, self._provenance(call))

    def op_RoutePutMuteTiming(self, org: Org, call: Call) -> tuple[int, Any]:
        name, body = call.path["name"], call.body or {}
        old = org.mute_timings.get(name)
        if old is None:
            raise ApiError(400, f"mute timing {name!r} not found")
        self._check_provenance(old["provenance"], self._provenance(call))
        if body.get("version") and body["version"] != old["version"]:
            raise ApiError(409, "mute timing version conflict")
        return 202, self._store_mute_timing(org, name, body, self._provenance(call))


def _is_v2(model: dict[str, Any]) -> bool:
    return "elements" in model and "layout" in model and "panels" not in model


# Defaults Grafana fills into a v1 dashboard when it loads or migrates one (DashboardModel's constructor in
# public/app/features/dashboard/state/DashboardModel.ts; the backend migration of 12.2+ does the same on
# save): the editable flag, tooltip mode, fiscal year, built-in annotation, empty links and per-panel
# fieldConfig/options, and the plugin version of each panel; keys whose value is null are dropped.
NORMALIZED_PLUGIN_VERSION = "12.2.0"


def normalize_v1_dashboard(model: dict[str, Any]) -> dict[str, Any]:
    """What a Grafana 12.2+ stores for a v1 dashboard it was sent: defaults added, nulls removed."""
    model = {k: v for k, v in copy.deepcopy(model).items() if v is not None}
    model.setdefault("editable", True)
    model.setdefault("graphTooltip", 0)
    model.setdefault("fiscalYearStartMonth", 0)
    model.setdefault("links", [])
    annotations = model.setdefault("annotations", {}).setdefault("list", [])
    if not any(isinstance(a, dict) and a.get("builtIn") == 1 for a in annotations):
        annotations.insert(0, copy.deepcopy(BUILT_IN_ANNOTATION))

    def panel(p: Any) -> Any:
        if not isinstance(p, dict):
            return p
        p = {k: v for k, v in p.items() if v is not None}
        if p.get("type") != "row":
            p.setdefault("fieldConfig", {"defaults": {}, "overrides": []})
            p.setdefault("options", {})
            p["pluginVersion"] = NORMALIZED_PLUGIN_VERSION
        if isinstance(p.get("panels"), list):
            p["panels"] = [panel(c) for c in p["panels"]]
        return p

    model["panels"] = [panel(p) for p in model.get("panels") or []]
    return model


def _mute_timing_names(route: dict[str, Any]) -> set[str]:
    names = set(route.get("mute_time_intervals") or []) | set(route.get("active_time_intervals") or [])
    for child in route.get("routes", []):
        names |= _mute_timing_names(child)
    return names


def _check_uid(uid: str) -> None:
    if len(uid) > 40:
        raise ApiError(400, "uid too long, max 40 characters")
    if not UID_PATTERN.match(uid):
        raise ApiError(400, "uid contains illegal characters")


def _page(items: list[Any], limit: int, page: int) -> list[Any]:
    start = (max(page, 1) - 1) * limit
    return items[start : start + limit]


def _receivers(route: dict[str, Any]) -> set[str]:
    names = {route["receiver"]} if route.get("receiver") else set()
    for child in route.get("routes", []):
        names |= _receivers(child)
    return names


def _redacted(point: dict[str, Any]) -> dict[str, Any]:
    point = copy.deepcopy(point)
    secure = SECURE_SETTINGS.get(point["type"], set())
    point["settings"] = {k: "[REDACTED]" if k in secure else v for k, v in point["settings"].items()}
    return point
