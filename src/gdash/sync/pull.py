"""``gdash pull``: download live dashboards and alert rules as deterministic JSON (usable as a backup).

Written through the project's one managed-tree writer (:mod:`gdash.managed_tree`, manifest
``.gdash-pull.json``): a pull never overwrites or deletes a file it did not write, and a later pull
removes only files an earlier pull wrote. Names come from the server and are untrusted: uids, folder
titles and group names are reduced to safe file names (no separators, no ``..``, no leading dot, bounded
length) and the paths are checked for containment; two live objects that map to one file name both
survive, each with a suffix derived from its real identity.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..managed_tree import contained, dump_manifest, write_managed_tree
from ..output import dump_json
from .apis_pull import pull_resources
from .environment import Environment
from .live import get_dashboard, get_rule_group, list_folders, rules_by_group, search_dashboards
from .target import target

MANIFEST = ".gdash-pull.json"
LEGACY_MARKER = ".gdash-pull"  # written by earlier versions, which owned every *.json of the directory
_NAME_LIMIT = 80


@dataclass
class PullResult:
    out: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # "<relpath> (<what>): another object had that name"


def safe_name(name: Any, fallback: str = "_") -> str:
    """A file-name component for an untrusted server name: ``[A-Za-z0-9_.-]`` only, no leading dot,
    at most 80 characters; ``..``, ``/`` and the empty name cannot come out of it."""
    text = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(name)).strip("-.")
    text = re.sub(r"\.{2,}", ".", text)
    if len(text) > _NAME_LIMIT:
        text = f"{text[: _NAME_LIMIT - 9]}-{hashlib.sha1(str(name).encode()).hexdigest()[:8]}"
    return text or fallback


def pull_files(
    docs: list[dict[str, Any]], groups: list[dict[str, Any]], folder_titles: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """relpath -> content for live dashboards and rule groups, and the names that had to be disambiguated."""
    claims: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # relpath -> [(identity, what, content)]
    for doc in docs:
        model = {k: v for k, v in doc["dashboard"].items() if k != "id"}
        folder = (doc.get("meta") or {}).get("folderTitle") or "General"
        uid = model.get("uid") or (model.get("metadata") or {}).get("name")  # a v2 resource names it in metadata
        relpath = f"dashboards/{safe_name(folder.lower(), 'general')}/{safe_name(uid)}.json"
        claims[relpath].append((f"dashboard\0{uid}", f"dashboard {uid!r}", dump_json(model)))
    for group in groups:
        group = dict(
            group, rules=[{k: v for k, v in r.items() if k not in ("id", "updated")} for r in group.get("rules") or []]
        )
        folder = folder_titles.get(group.get("folderUid", ""), group.get("folderUid", ""))
        relpath = f"alert-rules/{safe_name(str(folder).lower(), 'general')}/{safe_name(group.get('title'))}.json"
        identity = f"rule-group\0{group.get('folderUid')}\0{group.get('title')}"
        claims[relpath].append((identity, f"rule group {group.get('title')!r}", dump_json(group)))

    files: dict[str, str] = {}
    renamed: list[str] = []
    taken = {relpath for relpath, owners in claims.items() if len(owners) == 1}
    for relpath, owners in sorted(claims.items()):
        if len(owners) == 1:
            files[relpath] = owners[0][2]
            continue
        stem = relpath[: -len(".json")]
        for identity, what, content in sorted(owners):
            unique = f"{stem}~{hashlib.sha1(identity.encode()).hexdigest()[:8]}.json"
            assert unique not in taken
            files[unique] = content
            renamed.append(f"{unique} ({what}): {len(owners)} live objects map to {relpath}")
    return files, renamed


def pull(env: Environment, out: Path) -> PullResult:
    """Write ``out/dashboards/<folder>/<uid>.json`` (models without the instance-specific ``id``) and
    ``out/alert-rules/<folder>/<group>.json`` (API rule groups) through the managed-tree writer."""
    out = Path(out)
    client = env.client()
    try:
        chosen = target(env, client)
        if chosen.apis:  # Grafana 12+: the /apis lists instead of a GET per dashboard
            docs, folders = pull_resources(client, chosen)
        else:
            hits = search_dashboards(client)
            with ThreadPoolExecutor(max_workers=env.concurrency) as pool:
                docs = [d for d in pool.map(lambda uid: get_dashboard(client, uid), sorted(hits)) if d]
            folders = list_folders(client, nested=env.nested_folders)
        live_groups = rules_by_group(client)
        groups = [g for g in (get_rule_group(client, *key) for key in sorted(live_groups)) if g]
    finally:
        client.close()

    files, renamed = pull_files(docs, groups, {uid: f["title"] for uid, f in folders.by_uid.items()})
    _adopt_legacy_pull(out)
    written = write_managed_tree(out, files, manifest=MANIFEST)
    return PullResult(out, written.written, written.unchanged, written.removed, renamed)


def _adopt_legacy_pull(out: Path) -> None:
    """A directory from an earlier gdash pull (text marker, no manifest): its JSON files are pull's own."""
    marker = out / LEGACY_MARKER
    if not marker.is_file() or marker.is_symlink() or (out / MANIFEST).exists():
        return
    owned = []
    for top in ("dashboards", "alert-rules"):
        for path in sorted((out / top).rglob("*.json")) if (out / top).is_dir() else []:
            relpath = path.relative_to(out).as_posix()
            try:
                contained(out, relpath)
            except Exception:  # a link or odd name: not adopted, so never replaced or removed
                continue
            if path.is_file():
                owned.append(relpath)
    (out / MANIFEST).write_text(dump_manifest({"files": owned}), encoding="utf-8")
    marker.unlink()
