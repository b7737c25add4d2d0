"""The push record: what gdash last wrote to each object of one environment (``.gdash/state/<env>.json``).

One entry per object, ``"<kind>/<key>"`` -> ``{"digest", "version", "folder"}``: the digest of the object's
comparable state right after gdash wrote it (see :mod:`gdash.sync.drift`), the version Grafana gave it
(dashboards) and its folder. The drift policy uses it to tell "the code changed" from "someone changed
Grafana". It holds no secrets (contact-point digests exclude secret settings). A record for another
url is ignored. Written through :func:`gdash.managed_tree.write_inside` (contained in the project).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..managed_tree import write_inside
from ..output import dump_json

STATE_DIR = Path(".gdash") / "state"


@dataclass(frozen=True)
class RecordEntry:
    digest: str
    version: int | None = None
    folder: str | None = None


class PushRecord:
    def __init__(self, project_root: Path, environment: str, url: str):
        self.project_root = Path(project_root)
        self.relpath = f"{STATE_DIR.as_posix()}/{quote(environment, safe='-_@+').replace('.', '%2E') or '_'}.json"
        self.url = url
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        path = self.project_root / self.relpath
        try:
            data = json.loads(path.read_text()) if path.is_file() and not path.is_symlink() else {}
        except (OSError, ValueError):
            data = {}  # an unreadable record is no record: the policy falls back to Grafana's metadata
        if isinstance(data, dict) and data.get("url") == url and isinstance(data.get("objects"), dict):
            self._entries = {k: v for k, v in data["objects"].items() if isinstance(v, dict) and "digest" in v}

    def get(self, kind: str, key: str) -> RecordEntry | None:
        entry = self._entries.get(f"{kind}/{key}")
        if entry is None:
            return None
        return RecordEntry(str(entry["digest"]), entry.get("version"), entry.get("folder"))

    def put(self, kind: str, key: str, digest: str, *, version: int | None = None, folder: str | None = None) -> None:
        entry: dict[str, Any] = {"digest": digest}
        if version is not None:
            entry["version"] = version
        if folder is not None:
            entry["folder"] = folder
        with self._lock:
            self._entries[f"{kind}/{key}"] = entry
            self._dirty = True

    def forget(self, kind: str, key: str) -> None:
        with self._lock:
            if self._entries.pop(f"{kind}/{key}", None) is not None:
                self._dirty = True

    def save(self) -> None:
        with self._lock:
            if not self._dirty:
                return
            write_inside(
                self.project_root,
                self.relpath,
                dump_json({"url": self.url, "objects": dict(sorted(self._entries.items()))}),
            )
            self._dirty = False
