"""``gdash pull`` on Grafana 12+: dashboards and folders from the ``/apis`` lists.

A v1 dashboard is written as its classic JSON model; a dashboard stored as v2 (Grafana 13) is read in
its stored version and written as the v2 resource (``apiVersion``, ``kind``, ``metadata.name``, ``spec``),
the shape Grafana 13 exports and ``gdash push`` sends back unchanged.
"""

from typing import Any

from .client import GrafanaClient
from .live import LiveFolders
from .resources import FOLDER, FOLDER_KIND, Kind, ResourceClient, annotations, dashboard_kind, stored_version
from .target import Target


def pull_resources(client: GrafanaClient, transport: Target) -> tuple[list[dict[str, Any]], LiveFolders]:
    """``[{"dashboard": model, "meta": {"folderTitle", "name"}}]`` and the folders, in name order."""
    resources = ResourceClient(client, transport.namespace)
    folders = LiveFolders()
    for name, item in resources.list(FOLDER_KIND).items():
        parent = annotations(item).get(FOLDER, "")
        folders.by_uid[name] = {
            "uid": name,
            "title": item["spec"].get("title", ""),
            **({"parentUid": parent} if parent else {}),
        }
    docs = []
    for name, item in sorted(resources.list(dashboard_kind("v1")).items()):
        version = stored_version(item)
        folder_uid = annotations(item).get(FOLDER, "")
        meta = {"name": name, "folderTitle": folders.title(folder_uid) if folder_uid else "General"}
        if version == "v1beta1" or version == item.get("apiVersion", "").rsplit("/", 1)[-1]:
            model = dict(item["spec"])
            model.setdefault("uid", name)
        else:
            stored = resources.get(Kind(dashboard_kind().group, version, "dashboards"), name)
            if stored is None:
                continue
            model = {
                "apiVersion": stored["apiVersion"],
                "kind": "Dashboard",
                "metadata": {"name": name},
                "spec": stored["spec"],
            }
        docs.append({"dashboard": model, "meta": meta})
    return docs, folders
