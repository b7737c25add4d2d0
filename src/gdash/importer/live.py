"""``gdash pull --as-python``: what is live in Grafana, as a gdash project's Python files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import Location
from ..model import folder_slug
from ..sync.environment import Environment
from ..sync.fingerprint import without_hash_tag
from ..sync.live import get_dashboard, get_rule_group, list_folders, rules_by_group, search_dashboards
from .alerts import import_rule_groups
from .dashboards import import_dashboard
from .project import ImportReport, alerts_file, dashboard_file, module_name, write_files


def import_live(env: Environment, root: Path, *, force: bool = False) -> ImportReport:
    """Write ``root/dashboards/<folder>_<uid>.py`` (with ``folder=`` set) and ``root/alerts/<folder>.py``
    (that folder's rule groups) for every dashboard and Grafana-managed rule group in ``env``."""
    client = env.client()
    try:
        hits = search_dashboards(client)
        with ThreadPoolExecutor(max_workers=env.concurrency) as pool:
            docs = [d for d in pool.map(lambda uid: get_dashboard(client, uid), sorted(hits)) if d]
        folders = list_folders(client, nested=env.nested_folders)
        groups = [g for g in (get_rule_group(client, *key) for key in sorted(rules_by_group(client))) if g]
    finally:
        client.close()
    origin = f"Grafana ({env.name})"
    files = []
    for doc in docs:
        folder = doc.get("meta", {}).get("folderTitle") or "General"
        # the hash tag is gdash push's own bookkeeping, not part of the dashboard
        imported = import_dashboard(without_hash_tag(doc["dashboard"]), location=Location(origin), folder=folder)
        name = module_name(f"{folder_slug(folder)}_{imported.uid}")
        files.append(dashboard_file(imported, root / "dashboards" / f"{name}.py", origin))
    by_folder: dict[str, list] = {}
    for group in groups:
        folder = folders.title(group.get("folderUid", ""))
        by_folder.setdefault(folder, []).extend(import_rule_groups(group, location=Location(origin), folder=folder))
    for folder, imported_groups in sorted(by_folder.items()):
        files.append(alerts_file(imported_groups, root / "alerts" / f"{module_name(folder_slug(folder))}.py", origin))
    return write_files(files, force=force)
