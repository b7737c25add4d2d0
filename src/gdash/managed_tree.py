"""Writing a directory gdash manages next to files it does not: staged, manifest-tracked, contained.

The one writer of ``gdash build``, ``provision``, ``export``, ``preview`` (and ``pull``).

Containment: every path (from the caller's outputs or from the manifest, which is committed and so
untrusted) must be a plain relative path inside ``out`` with no ``..``, no absolute part and no
symbolic link on the way; anything else is a one-line :class:`ConfigError` raised before anything
is written or deleted.

Ownership: the manifest lists the files gdash wrote plus any state the caller keeps (e.g.
provisioned rule uids); only files in it are ever replaced without asking or removed.

Kill safety (SIGKILL between any two filesystem operations): changed files are written into a
staging directory inside ``out`` (same filesystem) and moved into place with ``os.replace``.
Before the first move, an *intent* manifest lists every file this run may create (earlier files
plus new ones) and keeps the earlier state, with this run's state under ``"pending"``; the final
manifest replaces it atomically at the end. So the next run (of the same or another project)
sees every file the killed run could have left and removes what it does not produce, and
callers that derive state from earlier runs (provision's ``deleteRules``) treat the pending state
as if the killed run had finished. Leftover staging directories and temp files are removed first.

Unchanged files are not touched, so a rerun with no change keeps every byte and mtime. Files get
the user's umask (created with mode 0666 & ~umask, as ``open()`` would).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import safeload
from .errors import ConfigError, Location

STAGING_PREFIX = ".gdash-staging-"
TEMP_PREFIX = ".gdash-tmp-"
_NAME_MAX = 255  # bytes in one path component on Linux/macOS file systems


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class KillPoint:
    """Test harness: SIGKILL this process at the Nth filesystem change (``GDASH_KILL_AT=N``).

    Every mutating filesystem call of this module goes through :meth:`step`, so a test can kill
    a run at each of its operations in turn and check what the next run makes of the debris.
    """

    def __init__(self) -> None:
        self.count = 0
        value = os.environ.get("GDASH_KILL_AT", "")
        self.kill_at: int | None = int(value) if value.isdigit() else None

    def arm(self, n: int | None) -> None:
        self.count, self.kill_at = 0, n

    def step(self) -> None:
        self.count += 1
        if self.kill_at is not None and self.count >= self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


KILL_POINT = KillPoint()


def contained(root: Path, relpath: Any, *, source: Location | None = None, checked: set[str] | None = None) -> Path:
    """``root / relpath`` after checking it stays inside ``root`` and passes through no symlink.

    ``checked``: paths (below ``root``) already found not to be links in this run, so that the
    directories thousands of outputs share are looked at once; the set is filled as paths pass."""
    what = f"path {relpath!r}"
    if not isinstance(relpath, str) or not relpath:
        raise ConfigError(f"{what} is not a file path", location=source, hint=_TAMPER_HINT)
    parts = relpath.split("/")
    if (
        PurePosixPath(relpath).is_absolute()
        or "\\" in relpath
        or "\0" in relpath
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ConfigError(f"{what} leaves {root}", location=source, hint=_TAMPER_HINT)
    checked = set() if checked is None else checked
    base, prefix = os.fspath(root), ""
    for part in parts:
        try:
            too_long = len(part.encode("utf-8")) > _NAME_MAX
        except UnicodeEncodeError:
            raise ConfigError(f"{what} is not valid UTF-8", location=source, hint=_TAMPER_HINT) from None
        if too_long:
            raise ConfigError(
                f"{what}: the name {part[:40]!r}... is longer than {_NAME_MAX} bytes",
                location=source,
                hint="use a shorter title, folder or uid",
            )
        prefix = f"{prefix}/{part}" if prefix else part
        if prefix in checked:
            continue
        if os.path.islink(os.path.join(base, prefix)):
            raise ConfigError(
                f"{root / prefix} is a symbolic link; gdash does not write through links",
                location=source,
                hint="replace the link with a real directory, or choose another output directory",
            )
        checked.add(prefix)
    return root / relpath


_TAMPER_HINT = "every path gdash manages is relative and inside its output directory; restore the file or delete it"


def read_manifest(out: Path, name: str, *, checked: set[str] | None = None) -> dict[str, Any]:
    """The manifest of an earlier run, or an empty one (no run yet, or unreadable).

    Its ``files`` are checked (see :func:`contained`): a tampered entry is a ConfigError.
    """
    if not (out / name).is_file():
        return {"files": []}
    try:
        manifest = safeload.load_json(safeload.read_text(out / name), str(out / name))  # bounded: untrusted
    except safeload.InputError:
        return {"files": []}
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return {"files": []}
    where = Location(str(out / name))
    for relpath in manifest["files"]:
        contained(out, relpath, source=where, checked=checked)
    return manifest


def write_managed_tree(
    out: Path, outputs: Mapping[str, str], *, manifest: str, state: dict[str, Any] | None = None
) -> WriteResult:
    """Make ``out`` hold ``outputs`` (relpath -> text): write changes, remove files gdash wrote earlier that are gone."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} exists and is not a directory", hint="choose another --out")
    checked: set[str] = set()
    targets = {relpath: contained(out, relpath, checked=checked) for relpath in sorted(outputs)}
    earlier = read_manifest(out, manifest, checked=checked)
    previous = set(earlier["files"])
    _remove_debris(out)
    result = WriteResult()
    changed: dict[str, bytes] = {}
    for relpath, target in targets.items():
        data = outputs[relpath].encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            result.unchanged.append(relpath)
            continue
        if (target.exists() or target.is_symlink()) and relpath not in previous:
            raise ConfigError(
                "the file exists and was not written by gdash",
                location=Location(str(target)),
                hint="move it away, or write into another --out directory",
            )
        if target.is_dir():
            raise ConfigError(
                "a directory is in the way of a file gdash writes",
                location=Location(str(target)),
                hint="move it away, or write into another --out directory",
            )
        changed[relpath] = data
    stale = sorted(previous - set(outputs))
    final = dump_manifest({**(state or {}), "files": sorted(outputs)})
    if changed or stale:
        _mkdir(out)
        intent = {key: value for key, value in earlier.items() if key != "pending"}
        intent.update(files=sorted(previous | set(outputs)), pending=state or {})
        write_if_changed(out / manifest, dump_manifest(intent), _step=True)
    if changed:
        KILL_POINT.step()
        staging = Path(_mkdtemp(out))
        for index, data in enumerate(changed.values()):
            _create(staging / str(index), data)
        for index, relpath in enumerate(changed):
            _mkdir(targets[relpath].parent)
            KILL_POINT.step()
            os.replace(staging / str(index), targets[relpath])
            result.written.append(relpath)
        KILL_POINT.step()
        shutil.rmtree(staging)
    for relpath in stale:
        path = out / relpath
        if path.is_file() and not path.is_symlink():
            KILL_POINT.step()
            path.unlink()
            result.removed.append(relpath)
        remove_empty_parents(path.parent, out)
    _mkdir(out)
    write_if_changed(out / manifest, final, _step=True)
    return result


def dump_manifest(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_if_changed(path: Path, content: str, *, _step: bool = False) -> bool:
    """Atomically write ``content`` unless the file already holds it (keeping its mtime).

    Returns True when the file was written. The temp file is created next to ``path`` with the
    user's umask and is named ``.gdash-tmp-*`` so that a killed run's leftover can be recognised.
    """
    data = content.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}"
    try:
        if _step:
            KILL_POINT.step()
        _create(tmp, data)
        if _step:
            KILL_POINT.step()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def write_inside(root: Path, relpath: str, content: str) -> Path:
    """Write one file at ``root/relpath`` (checked by :func:`contained`); for writers without a manifest (backups)."""
    path = contained(root, relpath)
    write_if_changed(path, content)
    return path


def remove_empty_parents(directory: Path, stop: Path) -> None:
    while directory != stop and directory.is_dir() and not directory.is_symlink() and not any(directory.iterdir()):
        KILL_POINT.step()
        directory.rmdir()
        directory = directory.parent


def _create(path: Path, data: bytes) -> None:
    """A new file (never through a link) with mode 0666 minus the umask, like ``open(path, "w")``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _mkdtemp(out: Path) -> str:
    while True:
        path = out / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
        try:
            path.mkdir()  # 0777 minus the umask; it only ever holds files about to be moved into place
            return str(path)
        except FileExistsError:
            continue


def _mkdir(directory: Path) -> None:
    if not directory.is_dir():
        KILL_POINT.step()
        directory.mkdir(parents=True, exist_ok=True)


def _remove_debris(out: Path) -> None:
    """Staging directories and temp files a killed run left in ``out``."""
    if not out.is_dir():
        return
    for entry in sorted(out.iterdir()):
        if entry.name.startswith(STAGING_PREFIX) and entry.is_dir() and not entry.is_symlink():
            KILL_POINT.step()
            shutil.rmtree(entry)
        elif entry.name.startswith(TEMP_PREFIX) and (entry.is_file() or entry.is_symlink()):
            KILL_POINT.step()
            entry.unlink()
