"""Read what is live in Grafana with as few requests as possible (paged lists, never one GET per object)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .client import GrafanaClient, HttpError

SEARCH_PAGE = 5000  # Grafana's maximum page size for /api/search
FOLDER_PAGE = 1000

PROVISIONING = "/api/v1/provisioning"


@dataclass
class LiveFolders:
    by_uid: dict[str, dict[str, Any]] = field(default_factory=dict)

    def find(self, title: str, parent_uid: str = "") -> str | None:
        return next(
            (uid for uid, f in self.by_uid.items() if f["title"] == title and f.get("parentUid", "") == parent_uid),
            None,
        )

    def title(self, uid: str) -> str:
        return self.by_uid[uid]["title"] if uid in self.by_uid else uid


def search_dashboards(client: GrafanaClient) -> dict[str, dict[str, Any]]:
    """uid -> search hit (title, tags, folderUid) of every dashboard, in pages of 5000."""
    hits: dict[str, dict[str, Any]] = {}
    page = 1
    while True:
        batch = client.get("/api/search", type="dash-db", limit=SEARCH_PAGE, page=page)
        hits.update({hit["uid"]: hit for hit in batch})
        if len(batch) < SEARCH_PAGE:
            return hits
        page += 1


def list_folders(client: GrafanaClient, *, nested: bool = False) -> LiveFolders:
    """Every folder (all levels when ``nested``)."""
    folders = LiveFolders()
    parents = [""]
    while parents:
        parent = parents.pop()
        page = 1
        while True:
            params: dict[str, Any] = {"limit": FOLDER_PAGE, "page": page}
            if parent:
                params["parentUid"] = parent
            batch = client.get("/api/folders", **params)
            for folder in batch:
                folders.by_uid[folder["uid"]] = folder
                if nested:
                    parents.append(folder["uid"])
            if len(batch) < FOLDER_PAGE:
                break
            page += 1
    return folders


def get_dashboard(client: GrafanaClient, uid: str) -> dict[str, Any] | None:
    """``{"dashboard", "meta"}`` of one dashboard, or None when it does not exist."""
    try:
        return client.get(f"/api/dashboards/uid/{uid}")
    except HttpError as error:
        if error.status == 404:
            return None
        raise


def rules_by_group(client: GrafanaClient) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(folder uid, group name) -> live alert rules (one request for all of them)."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for rule in client.get(f"{PROVISIONING}/alert-rules"):
        groups[(rule["folderUID"], rule["ruleGroup"])].append(rule)
    return dict(groups)


def get_rule_group(client: GrafanaClient, folder_uid: str, name: str) -> dict[str, Any] | None:
    try:
        return client.get(rule_group_path(folder_uid, name))
    except HttpError as error:
        if error.status == 404:
            return None
        raise


def rule_group_path(folder_uid: str, name: str) -> str:
    return f"{PROVISIONING}/folder/{quote(folder_uid, safe='')}/rule-groups/{quote(name, safe='')}"
