"""``gdash pull --as-python``: live dashboards and rule groups as gdash Python, never a second definition.

A live object the target project already defines (same dashboard uid; same folder and rule-group
name) is regenerated in the file that defines it when the import machinery can own that file (a file
``gdash import`` wrote that defines exactly that object, or for alerts exactly that folder's groups);
otherwise the pull refuses, naming every file it would have to change, and writes nothing. Objects the
project does not define get new files (``dashboards/<folder>_<uid>.py``, ``alerts/<folder>.py``), and an
existing file with other content is never replaced without ``--force``.

The notification routing (contact points of every modelled receiver type, the policy tree, mute
timings, templates) becomes ``alerts/notifications.py``, secrets as environment variable names
(gdash.importer.notifications); a project that defines its routing in a file ``gdash import`` did
not write is refused when the pull would write beside it.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Location
from ..importer.alerts import import_rule_groups
from ..importer.dashboards import import_dashboard
from ..importer.notifications import notifications_source
from ..importer.project import ImportedFile, ImportReport, alerts_file, dashboard_file, module_name, write_files
from ..model import Project, folder_slug
from .environment import Environment
from .fingerprint import without_hash_tag
from .live import PROVISIONING, get_dashboard, get_rule_group, list_folders, rules_by_group, search_dashboards

GENERATED_MARK = "by `gdash import`"  # in the docstring of every file the importer writes


def pull_as_python(
    env: Environment,
    out: Path,
    *,
    project: Project | None = None,
    force: bool = False,
    names_from: Project | None = None,
) -> ImportReport:
    """Write the live objects of ``env`` as Python under ``out`` (see the module docstring).

    ``project`` is the project under ``out`` (if any); ``names_from`` the project whose receivers'
    environment variable names the pulled contact points reuse (default: ``project``)."""
    out = Path(out)
    client = env.client()
    try:
        hits = search_dashboards(client)
        with ThreadPoolExecutor(max_workers=env.concurrency) as pool:
            docs = [d for d in pool.map(lambda uid: get_dashboard(client, uid), sorted(hits)) if d]
        folders = list_folders(client, nested=env.nested_folders)
        groups = [g for g in (get_rule_group(client, *key) for key in sorted(rules_by_group(client))) if g]
        routing: list[Any] = [
            client.get(f"{PROVISIONING}/{what}") or default
            for what, default in (("contact-points", []), ("policies", {}), ("mute-timings", []), ("templates", []))
        ]
    finally:
        client.close()

    root = project.root if project is not None else out
    defined_dashboards = {d.uid: root / d.source.path for d in project.dashboards} if project else {}
    defined_groups = {(g.folder, g.name): root / g.source.path for g in project.rule_groups} if project else {}
    per_file: dict[Path, int] = defaultdict(int)
    for path in list(defined_dashboards.values()) + list(defined_groups.values()):
        per_file[path] += 1

    origin = f"Grafana ({env.name})"
    new: list[ImportedFile] = []
    in_place: list[ImportedFile] = []
    refusals: list[str] = []
    for doc in docs:
        folder = (doc.get("meta") or {}).get("folderTitle") or "General"
        imported = import_dashboard(without_hash_tag(doc["dashboard"]), location=Location(origin), folder=folder)
        existing = defined_dashboards.get(imported.uid)
        if existing is None:
            name = module_name(f"{folder_slug(folder)}_{imported.uid}")
            new.append(dashboard_file(imported, out / "dashboards" / f"{name}.py", origin))
        elif per_file[existing] == 1 and _generated(existing):
            in_place.append(dashboard_file(imported, existing, origin))
        else:
            why = "it defines other objects too" if per_file[existing] > 1 else "it was not written by gdash import"
            refusals.append(f"{_shown(existing, root)} defines dashboard {imported.uid!r} ({why})")

    by_folder: dict[str, list] = defaultdict(list)
    for group in groups:
        folder = folders.title(group.get("folderUid", ""))
        by_folder[folder].extend(import_rule_groups(group, location=Location(origin), folder=folder))
    for folder, imported_groups in sorted(by_folder.items()):
        owners = {defined_groups[(folder, g.name)] for g in imported_groups if (folder, g.name) in defined_groups}
        if not owners:
            new.append(alerts_file(imported_groups, out / "alerts" / f"{module_name(folder_slug(folder))}.py", origin))
            continue
        [owner] = owners if len(owners) == 1 else [None]
        names_in_owner = {name for (f, name), path in defined_groups.items() if path == owner}
        if (
            owner is not None
            and _generated(owner)
            and names_in_owner == {g.name for g in imported_groups}
            and per_file[owner] == len(names_in_owner)
        ):
            in_place.append(alerts_file(imported_groups, owner, origin))
        else:
            for path in sorted(p for p in owners if p is not None) or sorted(owners - {None}):
                refusals.append(
                    f"{_shown(path, root)} defines rule groups of folder {folder!r} "
                    "(it cannot be regenerated as that folder's alerts file)"
                )
            if owner is None:
                refusals.append(
                    f"rule groups of folder {folder!r} are defined in several files: "
                    + ", ".join(sorted(_shown(p, root) for p in owners))
                )
    notifications = out / "alerts" / "notifications.py"
    generated = notifications_source(*routing, project=names_from or project, path=notifications, origin=origin)
    if generated is not None:
        source, notes, lost = generated
        imported_file = ImportedFile(notifications, source, "notification routing", [], notes, lost)
        defines_routing = project is not None and bool(project.contact_points or project.policies)
        if not defines_routing or not out.resolve().is_relative_to(root.resolve()):
            new.append(imported_file)
        elif notifications.exists() and _generated(notifications):
            in_place.append(imported_file)
        else:
            refusals.append(
                "the project defines notification routing (contact points, policy) in files gdash import did not write"
            )
    if refusals:
        raise ConfigError(
            f"pull --as-python would define objects a second time: {'; '.join(sorted(set(refusals)))}",
            hint="edit those files by hand (see `gdash diff --env`), or pull into another --out",
        )
    report = write_files(new, force=force)
    updated = write_files(in_place, force=True)  # the project's own definitions, regenerated in place
    report.files += updated.files
    report.written += updated.written
    report.unchanged += updated.unchanged
    return report


def _generated(path: Path) -> bool:
    try:
        return GENERATED_MARK in path.read_text(encoding="utf-8")[:2000]
    except OSError:
        return False


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
