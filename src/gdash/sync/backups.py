"""Copies of live objects taken before gdash overwrites or deletes them: ``.gdash/backups/<env>/...``."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..output import dump_json, write_if_changed

BACKUP_DIR = Path(".gdash") / "backups"


class Backups:
    def __init__(self, project_root: Path, environment: str):
        self.root = Path(project_root) / BACKUP_DIR / _safe(environment)

    def dashboard(self, live: dict[str, Any]) -> Path:
        """Save a live dashboard model as ``<uid>/<version>.json``."""
        model = live["dashboard"]
        path = self.root / _safe(model["uid"]) / f"{model.get('version', 0)}.json"
        write_if_changed(path, dump_json(model))
        return path

    def rule_group(self, live: dict[str, Any]) -> Path:
        """Save a live rule group as ``rule-groups/<folder uid>/<group>/<content hash>.json``."""
        content = dump_json(live)
        digest = hashlib.sha256(content.encode()).hexdigest()[:12]
        path = self.root / "rule-groups" / _safe(live["folderUid"]) / _safe(live["title"]) / f"{digest}.json"
        write_if_changed(path, content)
        return path


def _safe(name: str) -> str:
    """A file name for any uid or group name (no separators, no dot-only names)."""
    return quote(name, safe=" -_@+").replace(".", "%2E") or "_"
