"""Writing a directory gdash manages next to files it does not: staged, manifest-tracked, stable.

Used by ``gdash build``, ``gdash provision`` and ``gdash export``.

Changed files are written into a staging directory inside ``out`` (same filesystem) and moved into
place with ``os.replace``; unchanged files are not touched, so a rerun with no change keeps every
byte and mtime (the staging directory is only created when something changed). The manifest lists
the files gdash wrote plus any state the caller keeps (e.g. provisioned rule uids); only files in
it are ever replaced without asking or removed.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, Location
from .output import dump_json, write_if_changed


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def read_manifest(out: Path, name: str) -> dict[str, Any]:
    """The manifest of an earlier run, or an empty one (no run yet, or unreadable)."""
    try:
        manifest = json.loads((out / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"files": []}
    return manifest if isinstance(manifest, dict) and isinstance(manifest.get("files"), list) else {"files": []}


def write_managed_tree(out: Path, outputs: dict[str, str], *, manifest: str, state: dict[str, Any] | None = None) -> WriteResult:
    """Make ``out`` hold ``outputs`` (relpath -> text): write changes, remove files gdash wrote earlier that are gone."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} exists and is not a directory", hint="choose another --out")
    previous = set(read_manifest(out, manifest)["files"])
    result = WriteResult()
    changed = {}
    for relpath, content in sorted(outputs.items()):
        target = out / relpath
        data = content.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            result.unchanged.append(relpath)
            continue
        if target.exists() and relpath not in previous:
            raise ConfigError("the file exists and was not written by gdash", location=Location(str(target)),
                              hint="move it away, or provision into another --out directory")
        changed[relpath] = data
    if changed:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".gdash-staging-", dir=out))
        try:
            for index, (relpath, data) in enumerate(changed.items()):
                (staging / str(index)).write_bytes(data)
            for index, relpath in enumerate(changed):
                (out / relpath).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / str(index), out / relpath)
                result.written.append(relpath)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    for relpath in sorted(previous - set(outputs)):
        stale = out / relpath
        if stale.is_file():
            stale.unlink()
            result.removed.append(relpath)
            remove_empty_parents(stale.parent, out)
    out.mkdir(parents=True, exist_ok=True)
    write_if_changed(out / manifest, dump_json({**(state or {}), "files": sorted(outputs)}))
    return result


def remove_empty_parents(directory: Path, stop: Path) -> None:
    while directory != stop and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
