"""``gdash pull``: download live dashboards and alert rules as deterministic JSON (usable as a backup)."""
from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model import folder_slug
from ..output import dump_json, write_if_changed
from .environment import Environment
from .apis_pull import pull_resources
from .live import get_dashboard, get_rule_group, list_folders, rules_by_group, search_dashboards
from .target import target

MARKER = ".gdash-pull"


@dataclass
class PullResult:
    out: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def pull(env: Environment, out: Path) -> PullResult:
    """Write ``out/dashboards/<folder>/<uid>.json`` (models without the instance-specific ``id``) and
    ``out/alert-rules/<folder>/<group>.json`` (API rule groups); files of objects no longer live are removed.

    ``out`` must be empty or an earlier pull's directory (marked by ``.gdash-pull``): gdash never
    overwrites files it did not write.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ConfigError(f"{out} is not empty and was not written by gdash pull",
                          hint="choose an empty or new directory with --out")
    client = env.client()
    try:
        chosen = target(env, client)
        if chosen.apis:  # Grafana 12+: one paged list instead of a GET per dashboard
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

    files: dict[str, str] = {}
    for doc in docs:
        model = {k: v for k, v in doc["dashboard"].items() if k != "id"}
        folder = doc["meta"].get("folderTitle") or "General"
        uid = doc["meta"].get("name") or model["uid"]
        files[f"dashboards/{folder_slug(folder)}/{uid}.json"] = dump_json(model)
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for group in groups:
        group = dict(group, rules=[{k: v for k, v in r.items() if k not in ("id", "updated")} for r in group["rules"]])
        folder = folders.title(group["folderUid"])
        files[f"alert-rules/{folder_slug(folder)}/{folder_slug(group['title'])}.json"] = dump_json(group)

    result = PullResult(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by gdash pull; files here are replaced by the next pull\n")
    for relpath, content in sorted(files.items()):
        (result.written if write_if_changed(out / relpath, content) else result.unchanged).append(relpath)
    for path in sorted(out.rglob("*.json")):
        relpath = path.relative_to(out).as_posix()
        if relpath not in files:
            path.unlink()
            result.removed.append(relpath)
    return result
