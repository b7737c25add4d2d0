"""The ``/apis`` resource API of Grafana 12 and 13, over the same store as the legacy API (``grafana.py``).

What is emulated (and where it comes from):

* ``dashboard.grafana.app/v1beta1`` (classic JSON in ``spec``, Grafana 12+) and ``dashboard.grafana.app/v2``
  (elements + layout, Grafana 13+), ``folder.grafana.app/v1`` (Grafana 12+): list (paged with ``limit`` and an
  opaque ``continue`` token), get, create (POST), replace (PUT), delete.
* Optimistic concurrency: a PUT whose ``metadata.resourceVersion`` is not the stored one is answered
  409 Conflict (Kubernetes semantics); ``metadata.generation`` grows when the spec changes, not when only
  metadata does.
* Server-managed annotations (``pkg/apimachinery/utils/meta.go``): ``grafana.app/createdBy`` on create,
  ``grafana.app/updatedBy`` and ``grafana.app/updatedTimestamp`` from the second write on; whatever a
  client sends for them is replaced. Other annotations are the client's: a PUT replaces them all, so
  ``grafana.app/saved-from-ui`` (written by Grafana's frontend on a UI save) disappears when a tool
  writes the object without it.
* Manager annotations ``grafana.app/managedBy`` / ``grafana.app/managerId``: from 13.2 on a write that
  would change the manager of a managed object is refused with 403 and the
  ``ResourceManagerKindConflict`` cause (``pkg/apimachinery/utils/manager_errors.go``).
* Grafana 12.2+ migrates and normalises every v1 spec written (``Grafana.normalize``).
* A dashboard is stored in one version; reading it through the other one answers
  ``status.conversion`` with ``storedVersion`` (the emulator does not convert, so ``failed`` is true and
  the spec is a stub: callers must fetch the stored version, as the field's description says).
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from typing import Any

from .grafana import TIMESTAMP, ApiError, Call, Dashboard, DashboardVersion, Folder, Grafana, Org

DASHBOARD_GROUP = "dashboard.grafana.app"
FOLDER_GROUP = "folder.grafana.app"
MANAGER_KIND = "grafana.app/managedBy"
MANAGER_ID = "grafana.app/managerId"
SAVED_FROM_UI = "grafana.app/saved-from-ui"
FOLDER_ANNOTATION = "grafana.app/folder"
DEFAULT_LIMIT = 500  # what the emulator answers when the client sets no limit
SERVER_ANNOTATIONS = ("grafana.app/createdBy", "grafana.app/updatedBy", "grafana.app/updatedTimestamp")
DASHBOARDS = ("Dashboard", "dashboards", DASHBOARD_GROUP)  # kind, resource, group
FOLDERS = ("Folder", "folders", FOLDER_GROUP)
Handler = Callable[[Org, Call, str], tuple[int, Any]]  # (org, call, apiVersion) -> (status, body)


def namespace_org(namespace: str) -> int | None:
    """``default`` is organisation 1, ``org-<id>`` any other (Grafana's on-prem namespace mapping)."""
    if namespace == "default":
        return 1
    if namespace.startswith("org-") and namespace[4:].isdigit():
        return int(namespace[4:])
    return None


def org_namespace(org_id: int) -> str:
    return "default" if org_id == 1 else f"org-{org_id}"


def status_error(
    code: int,
    reason: str,
    message: str,
    *,
    name: str = "",
    kind: str = "",
    group: str = "",
    causes: list[dict[str, str]] | None = None,
) -> ApiError:
    error = ApiError(code, message)
    details: dict[str, Any] = {k: v for k, v in (("name", name), ("group", group), ("kind", kind)) if v}
    if causes:
        details["causes"] = causes
    error.body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
        **({"details": details} if details else {}),
    }
    return error


class ResourceApi:
    """Handlers for the ``/apis`` operations, keyed ``<group>/<version>:<operationId>``."""

    def __init__(self, grafana: Grafana):
        self.grafana = grafana
        self.handlers: dict[str, Callable[[Org, Call], tuple[int, Any]]] = {}
        if grafana.at_least(12):
            self._register(DASHBOARDS, "v1beta1", self._dashboards("v1"))
            self._register(FOLDERS, "v1", self._folders())
        if grafana.at_least(13):
            self._register(DASHBOARDS, "v2", self._dashboards("v2"))

    def _register(self, kind: tuple[str, str, str], version: str, verbs: dict[str, Handler]) -> None:
        """``verbs`` (list, get, create, replace, delete) as the operations ``<verb><Kind>`` of the group version."""
        name, _, group = kind
        for verb, fn in verbs.items():

            def handler(
                org: Org, call: Call, fn: Handler = fn, api_version: str = f"{group}/{version}"
            ) -> tuple[int, Any]:
                return fn(self._namespace(org, call), call, api_version)

            self.handlers[f"{group}/{version}:{verb}{name}"] = handler

    def _namespace(self, org: Org, call: Call) -> Org:
        wanted = namespace_org(call.path.get("namespace", ""))
        if wanted is None:
            raise status_error(404, "NotFound", f"namespace {call.path.get('namespace')!r} not found")
        if wanted != org.id:
            raise status_error(
                403,
                "Forbidden",
                f"namespace {call.path['namespace']} is not the organisation of the request ({org_namespace(org.id)})",
            )
        return org

    # -- shared --------------------------------------------------------------------------------

    def _metadata(self, org: Org, obj: Dashboard | Folder) -> dict[str, Any]:
        return {
            "name": obj.uid,
            "namespace": org_namespace(org.id),
            "uid": f"k8s-{obj.id:08d}",
            "resourceVersion": obj.resource_version,
            "generation": obj.generation,
            "creationTimestamp": TIMESTAMP,
            "labels": dict(obj.labels),
            "annotations": dict(obj.annotations),
        }

    def _page(self, items: list[Any], call: Call) -> tuple[list[Any], dict[str, Any]]:
        limit = call.int_arg("limit", 0) or DEFAULT_LIMIT
        token = call.arg("continue") or ""
        start = 0
        if token:
            try:
                start = int(json.loads(base64.urlsafe_b64decode(token.encode()))["offset"])
            except (ValueError, KeyError, TypeError):
                raise status_error(410, "Expired", "the continue token is not valid (expired or mangled)") from None
        page = items[start : start + limit]
        meta: dict[str, Any] = {"resourceVersion": self._list_version()}
        if start + limit < len(items):
            meta["continue"] = base64.urlsafe_b64encode(json.dumps({"offset": start + limit}).encode()).decode()
            meta["remainingItemCount"] = len(items) - start - limit
        return page, meta

    def _list_version(self) -> str:
        orgs = self.grafana.orgs.values()
        versions = [int(d.resource_version or 0) for org in orgs for d in org.dashboards.values()] + [
            int(f.resource_version or 0) for org in orgs for f in org.folders.values()
        ]
        return str(max(versions, default=1))

    def _check_write(
        self, existing: Dashboard | Folder | None, meta: dict[str, Any], name: str, kind: str, group: str
    ) -> None:
        """resourceVersion (409) and, from 13.2 on, the manager-identity refusal (403)."""
        if existing is None:
            return
        sent = meta.get("resourceVersion")
        if sent and sent != existing.resource_version:
            raise status_error(
                409,
                "Conflict",
                f'Operation cannot be fulfilled on {kind} "{name}": the object '
                "has been modified; please apply your changes to the latest "
                "version and try again",
                name=name,
                kind=kind,
                group=group,
            )
        new = meta.get("annotations") or {}
        old_kind, old_id = existing.annotations.get(MANAGER_KIND), existing.annotations.get(MANAGER_ID)
        if (
            self.grafana.at_least(13, 2)
            and old_kind
            and (new.get(MANAGER_KIND), new.get(MANAGER_ID)) != (old_kind, old_id)
        ):
            raise status_error(
                403,
                "Forbidden",
                f"Cannot change resource manager kind from {old_kind!r} (identity {old_id!r}) to "
                f"{new.get(MANAGER_KIND, '')!r} (identity {new.get(MANAGER_ID, '')!r}); remove the existing "
                "manager first, then add the new one",
                causes=[{"type": "ResourceManagerKindConflict", "field": f"metadata.annotations[{MANAGER_KIND}]"}],
            )

    @staticmethod
    def _body(call: Call) -> tuple[dict[str, Any], dict[str, Any]]:
        body = call.body if isinstance(call.body, dict) else {}
        meta = body.get("metadata") or {}
        spec = body.get("spec")
        if not isinstance(spec, dict):
            raise status_error(400, "BadRequest", "spec is required")
        return meta, spec

    @staticmethod
    def _client_annotations(meta: dict[str, Any]) -> dict[str, str]:
        return {k: str(v) for k, v in (meta.get("annotations") or {}).items() if k not in SERVER_ANNOTATIONS}

    @staticmethod
    def _annotate(obj: Dashboard | Folder, meta: dict[str, Any]) -> dict[str, str]:
        """A write's annotations: the server's own kept, every other one the client's (a PUT replaces them all)."""
        annotations = ResourceApi._client_annotations(meta)
        obj.annotations = {**{k: v for k, v in obj.annotations.items() if k in SERVER_ANNOTATIONS}, **annotations}
        return annotations

    def _reads(
        self,
        kind: tuple[str, str, str],
        objects: Callable[[Org], dict[str, Any]],
        as_resource: Callable[[Org, Any, str], dict[str, Any]],
    ) -> dict[str, Handler]:
        """The list (paged, by name) and get handlers of a kind whose objects of an org are ``objects(org)``."""

        def list_(org: Org, call: Call, api_version: str) -> tuple[int, Any]:
            page, meta = self._page(sorted(objects(org).values(), key=lambda o: o.uid), call)
            return 200, {
                "kind": f"{kind[0]}List",
                "apiVersion": api_version,
                "metadata": meta,
                "items": [as_resource(org, o, api_version) for o in page],
            }

        def get(org: Org, call: Call, api_version: str) -> tuple[int, Any]:
            return 200, as_resource(org, _find(objects(org), call.path["name"], kind), api_version)

        return {"list": list_, "get": get}

    # -- dashboards -------------------------------------------------------------------------------

    def _dashboards(self, version: str) -> dict[str, Callable[..., tuple[int, Any]]]:
        def as_resource(org: Org, d: Dashboard, api_version: str) -> dict[str, Any]:
            body: dict[str, Any] = {
                "kind": "Dashboard",
                "apiVersion": api_version,
                "metadata": self._metadata(org, d),
                "status": {},
            }
            if d.api_version == version:
                spec = copy.deepcopy(d.model)
                if version == "v1":
                    spec.pop("id", None)
                body["spec"] = spec
            else:
                body["spec"] = _stub_spec(version, d.title)
                body["status"] = {
                    "conversion": {
                        "failed": True,
                        "storedVersion": _stored_name(d.api_version),
                        "error": "the emulator does not convert between dashboard versions; fetch the stored version",
                    }
                }
            return body

        def create(org: Org, call: Call, api_version: str) -> tuple[int, Any]:
            meta, spec = self._body(call)
            name = meta.get("name") or meta.get("generateName", "") + self.grafana.new_uid()
            if name in org.dashboards:
                raise _already_exists(name, DASHBOARDS)
            dashboard = Dashboard(next(self.grafana._ids), name, {}, "", 1)
            self._store(org, dashboard, meta, spec, version, call, created=True)
            if call.arg("dryRun") != "All":
                org.dashboards[name] = dashboard
            return 201, as_resource(org, dashboard, api_version)

        def replace(org: Org, call: Call, api_version: str) -> tuple[int, Any]:
            meta, spec = self._body(call)
            name = call.path["name"]
            if meta.get("name") not in (None, name):
                raise status_error(400, "BadRequest", "metadata.name does not match the name in the path")
            dashboard = self._find_dashboard(org, name)
            if dashboard.provisioned:
                raise status_error(403, "Forbidden", "provisioned dashboard cannot be changed through the API")
            self._check_write(dashboard, meta, name, "dashboards", DASHBOARD_GROUP)
            self._store(org, dashboard, meta, spec, version, call, created=False)
            return 200, as_resource(org, dashboard, api_version)

        def delete(org: Org, call: Call, api_version: str) -> tuple[int, Any]:
            dashboard = self._find_dashboard(org, call.path["name"])
            if dashboard.provisioned:
                raise status_error(403, "Forbidden", "provisioned dashboard cannot be deleted")
            del org.dashboards[dashboard.uid]
            return 200, _deleted(dashboard.uid, DASHBOARDS, uid=f"k8s-{dashboard.id:08d}")

        reads = self._reads(DASHBOARDS, lambda org: org.dashboards, as_resource)
        return {**reads, "create": create, "replace": replace, "delete": delete}

    def _find_dashboard(self, org: Org, name: str) -> Dashboard:
        return _find(org.dashboards, name, DASHBOARDS)

    def _store(
        self,
        org: Org,
        dashboard: Dashboard,
        meta: dict[str, Any],
        spec: dict[str, Any],
        version: str,
        call: Call,
        *,
        created: bool,
    ) -> None:
        annotations = self._client_annotations(meta)  # stored by _annotate once the write is admitted
        folder = annotations.get(FOLDER_ANNOTATION, "")
        if folder and folder not in org.folders:
            raise status_error(400, "BadRequest", f"folder {folder!r} not found")
        title = (spec.get("title") or "").strip()
        if not title:
            raise status_error(400, "BadRequest", "dashboard title is required")
        if version == "v1":
            spec = self.grafana.normalize(spec)
            spec = {k: v for k, v in spec.items() if k not in ("id",)}
            spec["uid"] = dashboard.uid
        clash = next(
            (d for d in org.dashboards.values() if d is not dashboard and d.folder_uid == folder and d.title == title),
            None,
        )
        if clash is not None:
            raise status_error(
                409,
                "Conflict",
                f"another dashboard in folder {folder or 'General'!r} is titled {title!r} ({clash.uid})",
            )
        spec_changed = created or _comparable(spec) != _comparable(dashboard.model) or dashboard.api_version != version
        self._annotate(dashboard, meta)
        dashboard.labels = {k: str(v) for k, v in (meta.get("labels") or {}).items()}
        dashboard.folder_uid = folder
        dashboard.api_version = version
        dashboard.updated_by = call.user
        if spec_changed or created:
            dashboard.version = 1 if created else dashboard.version + 1
        dashboard.model = dict(spec, **({"version": dashboard.version} if version == "v1" else {}))
        if spec_changed or created:
            dashboard.history.append(
                DashboardVersion(
                    next(self.grafana._version_ids),
                    dashboard.version,
                    annotations.get("grafana.app/message", ""),
                    call.user,
                    copy.deepcopy(dashboard.model),
                    dashboard.version - 1,
                )
            )
        self.grafana.touch(dashboard, call.identity, created=created, spec_changed=spec_changed)

    # -- folders --------------------------------------------------------------------------------

    def _folders(self) -> dict[str, Callable[..., tuple[int, Any]]]:
        def as_resource(org: Org, f: Folder, api_version: str) -> dict[str, Any]:
            metadata = self._metadata(org, f)
            if f.parent_uid:
                metadata["annotations"][FOLDER_ANNOTATION] = f.parent_uid
            return {
                "kind": "Folder",
                "apiVersion": api_version,
                "metadata": metadata,
                "spec": {"title": f.title},
                "status": {},
            }

        def create(org: Org, call: Call, api_version: str) -> tuple[int, Any]:
            meta, spec = self._body(call)
            name = meta.get("name") or meta.get("generateName", "") + self.grafana.new_uid()
            title = (spec.get("title") or "").strip()
            annotations = self._client_annotations(meta)
            parent = annotations.get(FOLDER_ANNOTATION, "")
            if not title:
                raise status_error(400, "BadRequest", "folder title is required")
            if name in org.folders or name in org.dashboards:
                raise _already_exists(name, FOLDERS)
            if parent and parent not in org.folders:
                raise status_error(400, "BadRequest", f"parent folder {parent!r} not found")
            if any(f.title == title and f.parent_uid == parent for f in org.folders.values()):
                raise status_error(
                    409, "Conflict", "a folder with the same name already exists in the current location"
                )
            folder = Folder(next(self.grafana._ids), name, title, parent)
            if call.arg("dryRun") != "All":  # a dry run is admitted and answered, never stored
                org.folders[name] = folder
            folder.annotations = annotations
            folder.labels = {k: str(v) for k, v in (meta.get("labels") or {}).items()}
            self.grafana.touch(folder, call.identity, created=True)
            return 201, as_resource(org, folder, api_version)

        def replace(org: Org, call: Call, api_version: str) -> tuple[int, Any]:
            meta, spec = self._body(call)
            folder = self._find_folder(org, call.path["name"])
            self._check_write(folder, meta, folder.uid, "folders", FOLDER_GROUP)
            title = (spec.get("title") or "").strip() or folder.title
            changed = title != folder.title
            self._annotate(folder, meta)
            folder.title = title
            folder.version += 1
            self.grafana.touch(folder, call.identity, created=False, spec_changed=changed)
            return 200, as_resource(org, folder, api_version)

        def delete(org: Org, call: Call, api_version: str) -> tuple[int, Any]:
            folder = self._find_folder(org, call.path["name"])
            if any(d.folder_uid == folder.uid for d in org.dashboards.values()) or any(
                f.parent_uid == folder.uid for f in org.folders.values()
            ):
                raise status_error(409, "Conflict", f"folder {folder.uid} is not empty")
            del org.folders[folder.uid]
            return 200, _deleted(folder.uid, FOLDERS)

        reads = self._reads(FOLDERS, lambda org: org.folders, as_resource)
        return {**reads, "create": create, "replace": replace, "delete": delete}

    def _find_folder(self, org: Org, name: str) -> Folder:
        return _find(org.folders, name, FOLDERS)

    # -- what a person does in the UI -----------------------------------------------------------------

    def ui_save(
        self, org: Org, uid: str, change: Callable[[dict[str, Any]], None], *, user: str = "user:alice"
    ) -> None:
        """A save from Grafana's dashboard editor: the frontend PUTs the resource back with the annotations
        it read, adds ``grafana.app/saved-from-ui`` (the Grafana version) and the server sets ``updatedBy``."""
        dashboard = self._find_dashboard(org, uid)
        model = copy.deepcopy(dashboard.model)
        change(model)
        meta = {
            "annotations": {**dashboard.annotations, SAVED_FROM_UI: f"Grafana v{self.grafana.version} (emulator)"},
            "labels": dashboard.labels,
            "resourceVersion": dashboard.resource_version,
        }
        self._check_write(dashboard, meta, uid, "dashboards", DASHBOARD_GROUP)
        login = user.split(":", 1)[-1]
        self._store(
            org,
            dashboard,
            meta,
            model,
            dashboard.api_version,
            Call({}, {}, {}, None, user=login, identity=user),
            created=False,
        )


def _find(objects: dict[str, Any], name: str, kind: tuple[str, str, str]) -> Any:
    """``objects[name]``, or Kubernetes' 404 ``<resource>.<group> "<name>" not found``."""
    _, resource, group = kind
    if name not in objects:
        raise status_error(
            404, "NotFound", f'{resource}.{group} "{name}" not found', name=name, kind=resource, group=group
        )
    return objects[name]


def _already_exists(name: str, kind: tuple[str, str, str]) -> ApiError:
    _, resource, group = kind
    return status_error(
        409, "AlreadyExists", f'{resource}.{group} "{name}" already exists', name=name, kind=resource, group=group
    )


def _deleted(name: str, kind: tuple[str, str, str], **details: str) -> dict[str, Any]:
    """The ``Status`` a delete answers."""
    _, resource, group = kind
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": name, "group": group, "kind": resource, **details},
    }


def _comparable(model: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in model.items() if k not in ("id", "version")}


def _stored_name(api_version: str) -> str:
    return "v1beta1" if api_version == "v1" else api_version


def _stub_spec(version: str, title: str) -> dict[str, Any]:
    if version == "v1":
        return {"title": title}
    return {
        "title": title,
        "tags": [],
        "links": [],
        "preload": False,
        "cursorSync": "Off",
        "annotations": [],
        "variables": [],
        "elements": {},
        "layout": {"kind": "GridLayout", "spec": {"items": []}},
        "timeSettings": {
            "from": "now-6h",
            "to": "now",
            "autoRefresh": "",
            "autoRefreshIntervals": [],
            "hideTimepicker": False,
            "fiscalYearStartMonth": 0,
        },
    }
