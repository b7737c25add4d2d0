"""Copies of live objects taken before gdash overwrites or deletes them: ``.gdash/backups/<env>/...``."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..managed_tree import write_inside  # no symlink out of the project, no `..` from a hostile server
from ..output import dump_json

BACKUP_DIR = Path(".gdash") / "backups"


class Backups:
    def __init__(self, project_root: Path, environment: str):
        self.project_root = Path(project_root)
        self.prefix = f"{BACKUP_DIR.as_posix()}/{_safe(environment)}"
        self.root = self.project_root / self.prefix

    def dashboard(self, live: dict[str, Any]) -> Path:
        """Save a live dashboard model as ``<uid>/<version>.json``."""
        model = live["dashboard"]
        relpath = f"{self.prefix}/{_safe(str(model['uid']))}/{_safe(str(model.get('version', 0)))}.json"
        return write_inside(self.project_root, relpath, dump_json(model))

    def rule_group(self, live: dict[str, Any]) -> Path:
        """Save a live rule group as ``rule-groups/<folder uid>/<group>/<content hash>.json``."""
        content = dump_json(live)
        digest = hashlib.sha256(content.encode()).hexdigest()[:12]
        relpath = f"{self.prefix}/rule-groups/{_safe(str(live['folderUid']))}/{_safe(str(live['title']))}/{digest}.json"
        return write_inside(self.project_root, relpath, content)

    def object(self, kind: str, key: str, live: Any) -> Path:
        """Save any other live object (folder, contact point, template, policy) as ``<kind>/<key>/<hash>.json``."""
        content = dump_json(live)
        digest = hashlib.sha256(content.encode()).hexdigest()[:12]
        return write_inside(self.project_root, f"{self.prefix}/{_safe(kind)}/{_safe(key)}/{digest}.json", content)


def _safe(name: str) -> str:
    """A file name for any uid or group name (no separators, no dot-only names)."""
    return quote(name, safe=" -_@+").replace(".", "%2E") or "_"
