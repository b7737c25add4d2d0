"""The compile cache: ``.gdash/cache/`` holds each source file's compiled, validated output.

One module, used by every command that loads a project (``build``, ``lint``, ``diff --base`` for
both refs, ``push``): :func:`gdash.project.load_project` asks it for a source file's entry and
stores what it compiled. Safe to delete at any time (``rm -rf .gdash/cache``); set
``GDASH_NO_CACHE=1`` to bypass it.

The key of a source file (``dashboards/*.py`` or ``alerts/*.py``) is a SHA-256 over

* the file's project-relative path and bytes, and those of every project module it imports,
  directly or through other project modules (``from dashboards._common import ...``);
* ``gdash.yaml`` (its bytes and the configuration gdash read);
* gdash's version and the size and mtime of every file of the installed gdash package (an
  edited development checkout invalidates too), grafanalib's and attrs' versions, Python's.

A file gets no key, and is compiled as if there were no cache, when its output could depend on
anything else: it (or a project module it imports) reads files, the environment, the clock or
randomness (``open``, ``os.environ``, ``Path.read_text``, ``time``, ``random``, ...), imports a
third-party module other than gdash/grafanalib/attrs, uses a relative or dynamic import, or
cannot be parsed. Entries whose output is not plain JSON (or points outside the project) are
not stored. Entries are content-addressed and written atomically, so concurrent runs and
different git refs (``diff --base``) share them safely.

Entry format (``<key>.entry``): one line of JSON (the compiled metadata: uids, titles, folders,
source locations, rule groups, contact points, policy, templates), then each dashboard's output
text, addressed by byte offset, so a build copies bytes without parsing a model.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Location
from .model import CompiledDashboard, CompiledRuleGroup

CACHE_DIR = Path(".gdash") / "cache"
FORMAT = 3
KEEP_RUNS = 20  # entries no run of the last KEEP_RUNS used are removed (see prune)
ENTRY_SUFFIX = ".entry"
SCAN_INDEX = "imports.json"
DISABLE_ENV = "GDASH_NO_CACHE"

# Calls and attributes through which a file's output can depend on more than its source.
_IMPURE_NAMES = frozenset(
    {
        "open",
        "exec",
        "eval",
        "compile",
        "__import__",
        "input",
        "globals",
        "environ",
        "getenv",
        "putenv",
        "read_text",
        "read_bytes",
        "glob",
        "rglob",
        "iterdir",
        "listdir",
        "scandir",
        "walk",
        "import_module",
        "argv",
        "srcFilePath",  # grafanalib's SqlTarget reads this file
    }
)
_IMPURE_MODULES = frozenset(
    {
        "builtins",
        "importlib",
        "io",
        "fileinput",
        "glob",
        "pathlib",
        "shutil",
        "tempfile",
        "random",
        "secrets",
        "uuid",
        "time",
        "datetime",
        "calendar",
        "zoneinfo",
        "socket",
        "subprocess",
        "urllib",
        "http",
        "platform",
        "getpass",
        "sqlite3",
        "dbm",
        "shelve",
        "pickle",
        "marshal",
        "ctypes",
        "multiprocessing",
        "threading",
        "asyncio",
        "signal",
        "inspect",
    }
)
_TRUSTED_PACKAGES = frozenset({"gdash", "grafanalib", "attr", "attrs", "__future__", "typing", "typing_extensions"})


@dataclass
class FileResult:
    """Everything one source file contributes to a project, compiled."""

    relpath: str
    dashboards: list[CompiledDashboard] = field(default_factory=list)
    groups: list[CompiledRuleGroup] = field(default_factory=list)
    contact_points: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    policy: tuple[dict[str, Any], Location] | None = None
    templates: dict[str, str] = field(default_factory=dict)
    mute_timings: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    inhibit_rules: list[dict[str, Any]] = field(default_factory=list)
    slos: list[tuple[Any, Location]] = field(default_factory=list)  # gdash.SLO objects (such files are not stored)
    cached: bool = False  # read from the cache (not compiled in this run)


@dataclass(frozen=True)
class _Scan:
    imports: tuple[str, ...]
    impure: str | None  # why the file's output may depend on more than its source


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") in ("", "0")


class CompileCache:
    """The cache of one project (``root``) as configured by ``config``."""

    def __init__(self, root: Path, config: Any, *, directory: Path | None = None) -> None:
        self.root = Path(root).resolve()
        self.directory = Path(directory) if directory is not None else self.root / CACHE_DIR
        self._base = _base_key(config)
        self._scans: dict[str, _Scan] = {}
        self._index_loaded = False
        self._resolved: dict[str, list[Path] | None] = {}
        # Last use of each entry, import scan and valid document, by run number (one per loading
        # of a project through this cache: build, lint, push, each ref of diff --base).
        self._run = 1
        self._dirty = False  # the index needs writing (a run that changes nothing writes nothing)
        self._entries: dict[str, int] = {}
        self._scan_runs: dict[str, int] = {}
        self._valid: dict[str, int] = {}
        self._memo: dict[str, str] = {}

    # --- keys ------------------------------------------------------------------------------------
    def key(self, path: Path) -> str | None:
        """The key of source file ``path``, or None when its output may depend on anything else."""
        self._load_index()
        closure: dict[str, bytes] = {}
        pending = [Path(path).resolve()]
        while pending:
            current = pending.pop()
            relpath = _relative(current, self.root)
            if relpath is None:
                return None
            if relpath in closure:
                continue
            try:
                data = current.read_bytes()
            except OSError:
                return None
            closure[relpath] = data
            scan = self._scan(data)
            if scan.impure:
                return None
            for module in scan.imports:
                if module not in self._resolved:
                    self._resolved[module] = self._resolve(module)
                resolved = self._resolved[module]
                if resolved is None:
                    return None
                pending.extend(resolved)
        digest = hashlib.sha256(self._base)
        own = _relative(Path(path).resolve(), self.root)
        assert own is not None  # the first file of the closure, checked above
        for relpath in [own, *sorted(closure)]:
            digest.update(f"\0{relpath}\0{len(closure[relpath])}\0".encode())
            digest.update(closure[relpath])
        return digest.hexdigest()

    def _resolve(self, module: str) -> list[Path] | None:
        """Project files a module name stands for ([] for trusted non-project modules), None if untrusted."""
        parts = module.split(".")
        top = parts[0]
        if (self.root / top).is_dir() or (self.root / f"{top}.py").is_file():
            found: list[Path] = []
            for depth in range(1, len(parts) + 1):
                base = self.root.joinpath(*parts[:depth])
                if base.with_suffix(".py").is_file():
                    found.append(base.with_suffix(".py"))
                    break  # the rest names attributes of that module
                if (base / "__init__.py").is_file():
                    found.append(base / "__init__.py")
                elif not base.is_dir():
                    break  # ``from dashboards._common import up_stat``: up_stat is an attribute
            return found
        if top in _TRUSTED_PACKAGES:
            return []
        if top in sys.stdlib_module_names and top not in _IMPURE_MODULES:
            return []
        return None

    def _scan(self, data: bytes) -> _Scan:
        digest = hashlib.sha256(data).hexdigest()
        scan = self._scans.get(digest)
        if scan is None:
            scan = self._scans[digest] = _scan_source(data)
        self._touch(self._scan_runs, digest)
        return scan

    def _touch(self, last_use: dict[str, int], key: str) -> None:
        """Record that this run uses ``key``. The index is rewritten for it only when ``key`` is new
        or its last use is half of :data:`KEEP_RUNS` runs old: so an unchanged rebuild writes
        nothing, runs are counted by the index writes, and what is in use is never pruned."""
        before = last_use.get(key)
        last_use[key] = self._run
        if before is None or self._run - before >= KEEP_RUNS // 2:
            self._dirty = True

    def _load_index(self) -> None:
        if self._index_loaded:
            return
        self._index_loaded = True
        index = self._read_index()
        self._run = index["run"] + 1
        self._scans, self._scan_runs = index["scans"], index["scan_runs"]
        self._entries, self._valid, self._memo = index["entries"], index["valid"], index["memo"]

    def _read_index(self) -> dict[str, Any]:
        """The index on disk (an empty one when it is absent, unreadable or of another format)."""
        index: dict[str, Any] = {"run": 0, "scans": {}, "scan_runs": {}, "entries": {}, "valid": {}, "memo": {}}
        try:
            raw = json.loads((self.directory / SCAN_INDEX).read_text(encoding="utf-8"))
            if raw.get("format") == FORMAT:
                index["run"] = int(raw["run"])
                for digest, (imports, impure, run) in raw["scans"].items():
                    index["scans"][digest] = _Scan(tuple(imports), impure)
                    index["scan_runs"][digest] = int(run)
                index["entries"] = {str(k): int(v) for k, v in raw["entries"].items()}
                index["valid"] = {str(k): int(v) for k, v in raw["valid"].items()}
                index["memo"] = {str(k): str(v) for k, v in raw["memo"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {"run": 0, "scans": {}, "scan_runs": {}, "entries": {}, "valid": {}, "memo": {}}
        return index

    def used(self, keys: list[str]) -> None:
        """Mark the entries of ``keys`` used by this run (compiled in a worker, or read)."""
        self._load_index()
        for key in keys:
            self._touch(self._entries, key)

    def save_index(self) -> None:
        """Write the index: the import scans of the files seen (so a warm run parses no Python), the
        documents found valid, what was derived from outputs (:meth:`remember`) and when each was
        last used; then :meth:`prune`. Merged with the index on disk, which another run (another
        ref of ``diff --base``, a concurrent build) may have written meanwhile."""
        if not self._index_loaded or not self._dirty:
            return
        disk = self._read_index()
        run = max(self._run, disk["run"])
        scans = {**disk["scans"], **self._scans}
        scan_runs = _latest(disk["scan_runs"], self._scan_runs)
        entries, valid = _latest(disk["entries"], self._entries), _latest(disk["valid"], self._valid)
        memo = {**disk["memo"], **self._memo}
        self._prune(entries, run)
        keep = [digest for digest, last in scan_runs.items() if run - last < KEEP_RUNS and digest in scans]
        data = json.dumps(
            {
                "format": FORMAT,
                "run": run,
                "scans": {d: [list(scans[d].imports), scans[d].impure, scan_runs[d]] for d in sorted(keep)},
                "entries": dict(sorted(entries.items())),
                "valid": {d: last for d, last in sorted(valid.items()) if run - last < KEEP_RUNS},
                "memo": {
                    k: v for k, v in sorted(memo.items()) if k.split("@", 1)[0].removesuffix(ENTRY_SUFFIX) in entries
                },
            },
            sort_keys=True,
        )
        write_file(self.directory / SCAN_INDEX, data.encode("utf-8"))
        self._dirty = False

    def _prune(self, entries: dict[str, int], run: int) -> None:
        """Remove the entries no run of the last :data:`KEEP_RUNS` used (``entries``: last use by
        entry name, updated in place). An entry the index does not know yet (another process wrote
        it and has not saved its index) counts as used now."""
        try:
            names = [e.name for e in os.scandir(self.directory) if e.name.endswith(ENTRY_SUFFIX)]
        except OSError:
            return
        present = {name[: -len(ENTRY_SUFFIX)] for name in names}
        for key in list(entries):
            if key not in present:
                del entries[key]
        for key in present:
            last = entries.setdefault(key, run)
            if run - last >= KEEP_RUNS:
                try:
                    self.entry_path(key).unlink()
                except FileNotFoundError:
                    pass
                except OSError:
                    continue  # a read-only cache: keep it
                del entries[key]

    def known_valid(self, schema: str, document: Any) -> bool:
        """True when ``document`` was found valid against ``schema`` before (with this gdash)."""
        self._load_index()
        digest = _document_digest(self._base, schema, document)
        if digest not in self._valid:
            return False
        self._touch(self._valid, digest)
        return True

    def remember_valid(self, schema: str, document: Any) -> None:
        self._load_index()
        self._touch(self._valid, _document_digest(self._base, schema, document))
        try:
            self.save_index()
        except OSError:
            pass

    def recall(self, purpose: str, source: str, extra: Any) -> str | None:
        """A value derived before (with this gdash) from the dashboard output ``source`` (see
        :meth:`gdash.compile.stored.StoredDashboard.identity`) and the JSON-able ``extra``."""
        self._load_index()
        return self._memo.get(self._memo_key(purpose, source, extra))

    def remember(self, purpose: str, source: str, extra: Any, value: str) -> None:
        """Keep ``value`` for :meth:`recall` (saved with :meth:`save_index`)."""
        self._load_index()
        key = self._memo_key(purpose, source, extra)
        if self._memo.get(key) != value:
            self._memo[key] = value
            self._dirty = True

    def _memo_key(self, purpose: str, source: str, extra: Any) -> str:
        # The entry's name leads, so that pruning an entry can drop what was derived from it.
        data = json.dumps([purpose, extra], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return f"{source}:{hashlib.sha256(self._base + data.encode()).hexdigest()[:32]}"

    # --- entries ---------------------------------------------------------------------------------
    def entry_path(self, key: str) -> Path:
        return self.directory / f"{key}{ENTRY_SUFFIX}"

    def load(self, key: str) -> FileResult | None:
        """The stored result for ``key``, or None (absent, unreadable, or from another format)."""
        from .compile.stored import StoredDashboard, loads

        path = self.entry_path(key)
        try:
            with open(path, "rb") as handle:
                header_line = handle.readline()
            header = loads(header_line)
            if header.get("format") != FORMAT:
                return None
            start = len(header_line)
            result = FileResult(relpath=header["relpath"], cached=True)
            for item in header["dashboards"]:
                result.dashboards.append(
                    StoredDashboard(
                        item["uid"],
                        item["title"],
                        item["folder"],
                        None,
                        _location(item["source"]),
                        where=(str(path), start + item["offset"], item["length"]),
                        locations=(item["panels"], item["targets"]),
                    )
                )
            for item in header["groups"]:
                result.groups.append(
                    CompiledRuleGroup(
                        name=item["name"],
                        folder=item["folder"],
                        interval=item["interval"],
                        rules=item["rules"],
                        source=_location(item["source"]),
                        rule_locations={uid: Location(p, line) for uid, p, line in item["rule_locations"]},
                    )
                )
            result.contact_points = [(point, _location(where)) for point, where in header["contact_points"]]
            result.policy = (header["policy"][0], _location(header["policy"][1])) if header["policy"] else None
            result.templates = header["templates"]
            result.mute_timings = [(timing, _location(where)) for timing, where in header["mute_timings"]]
            result.inhibit_rules = header["inhibit_rules"]
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None
        return result

    def store(self, key: str, result: FileResult, texts: list[str]) -> FileResult:
        """Write ``result`` (``texts``: its dashboards' output) under ``key``; returns the result as
        read back from the entry (dashboards addressed in the file), or ``result`` itself when it
        cannot be stored faithfully (not plain JSON, or locations outside the project)."""
        from .output import orjson_safe

        blobs = [text.encode("utf-8") for text in texts]
        offsets, position = [], 0
        for blob in blobs:
            offsets.append(position)
            position += len(blob)
        header = {
            "format": FORMAT,
            "relpath": result.relpath,
            "dashboards": [
                {
                    "uid": d.uid,
                    "title": d.title,
                    "folder": d.folder,
                    "source": _pair(d.source),
                    "panels": [[panel_id, *_pair(where)] for panel_id, where in d.panel_locations.items()],
                    "targets": [
                        [panel_id, ref, *_pair(where)] for (panel_id, ref), where in d.target_locations.items()
                    ],
                    "offset": offset,
                    "length": len(blob),
                }
                for d, offset, blob in zip(result.dashboards, offsets, blobs)
            ],
            "groups": [
                {
                    "name": g.name,
                    "folder": g.folder,
                    "interval": g.interval,
                    "rules": g.rules,
                    "source": _pair(g.source),
                    "rule_locations": [[uid, *_pair(where)] for uid, where in g.rule_locations.items()],
                }
                for g in result.groups
            ],
            "contact_points": [[point, _pair(where)] for point, where in result.contact_points],
            "policy": [result.policy[0], _pair(result.policy[1])] if result.policy else None,
            "templates": result.templates,
            "mute_timings": [[timing, _pair(where)] for timing, where in result.mute_timings],
            "inhibit_rules": result.inhibit_rules,
        }
        if not orjson_safe(header) or not _inside(header):
            return result
        line = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        if b"\n" in line[:-1]:  # pragma: no cover - json.dumps escapes newlines inside strings
            return result
        try:
            write_file(self.entry_path(key), line + b"".join(blobs))
        except OSError:
            return result  # a read-only checkout: compile without a cache
        return self.load(key) or result


def clear(root: Path) -> bool:
    """Remove the compile cache of the project at ``root``; False when there was none."""
    import shutil

    directory = Path(root) / CACHE_DIR
    if not directory.is_dir():
        return False
    shutil.rmtree(directory)
    return True


def _latest(*runs: dict[str, int]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for last_use in runs:
        for key, run in last_use.items():
            merged[key] = max(run, merged.get(key, run))
    return merged


def _document_digest(base: bytes, schema: str, document: Any) -> str:
    data = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr)
    return hashlib.sha256(base + schema.encode() + b"\0" + data.encode("utf-8")).hexdigest()


def _pair(location: Location | None) -> list[Any]:
    return [location.path, location.line] if location is not None else [None, None]


def _location(pair: list[Any]) -> Any:  # Location, or None where the compiled object had none
    return Location(pair[0], pair[1]) if pair[0] is not None else None


def _inside(header: dict[str, Any]) -> bool:
    """Every location is project-relative (a path outside the project depends on where it is)."""
    paths = [header["relpath"]]
    for d in header["dashboards"]:
        paths += [d["source"][0], *(p[1] for p in d["panels"]), *(t[2] for t in d["targets"])]
    for g in header["groups"]:
        paths += [g["source"][0], *(r[1] for r in g["rule_locations"])]
    paths += [where[0] for _, where in header["contact_points"] + header["mute_timings"]]
    return all(p is None or (isinstance(p, str) and not p.startswith(("..", "/"))) for p in paths)


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def _scan_source(data: bytes) -> _Scan:
    """The modules a file imports, and why its output could depend on more than its source."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return _Scan((), "it does not parse")
    imports: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                return _Scan((), "relative import")
            imports.append(node.module)
            imports += [f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Name) and node.id in _IMPURE_NAMES:
            return _Scan((), f"uses {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in _IMPURE_NAMES:
            return _Scan((), f"uses .{node.attr}")
        elif isinstance(node, ast.keyword) and node.arg in _IMPURE_NAMES:
            return _Scan((), f"uses {node.arg}=")
    for module in imports:
        if module.split(".")[0] in _IMPURE_MODULES:
            return _Scan((), f"imports {module}")
    return _Scan(tuple(dict.fromkeys(imports)), None)


def _base_key(config: Any) -> bytes:
    """What every key shares: format, gdash (version and code), libraries, Python, gdash.yaml."""
    import gdash

    digest = hashlib.sha256()
    versions = [FORMAT, gdash.__version__, sys.version, sys.implementation.cache_tag]
    digest.update(repr(versions).encode())
    digest.update(_code_fingerprint())
    config_path = getattr(config, "path", None)
    if config_path is not None:
        try:
            digest.update(Path(config_path).read_bytes())
        except OSError:
            digest.update(b"\0no config file")
    digest.update(repr(getattr(config, "raw", config)).encode())
    return digest.digest()


_CODE_FINGERPRINT: bytes | None = None


def _code_fingerprint() -> bytes:
    """Size and mtime of every code and schema file of gdash, grafanalib and attrs (found without
    importing them: an upgrade, or an edit of a development checkout, changes every key)."""
    global _CODE_FINGERPRINT
    if _CODE_FINGERPRINT is None:
        from importlib.util import find_spec

        stats = []
        for package in ("gdash", "grafanalib", "attr"):
            spec = find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                stats.append(f"{package}: absent")
                continue
            top = list(spec.submodule_search_locations)[0]
            for directory, dirs, files in os.walk(top):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                for name in sorted(files):
                    if name.endswith((".py", ".json", ".pyi")):
                        path = os.path.join(directory, name)
                        stat = os.stat(path)
                        stats.append(f"{package}/{os.path.relpath(path, top)}:{stat.st_size}:{stat.st_mtime_ns}")
        _CODE_FINGERPRINT = hashlib.sha256("\n".join(stats).encode()).digest()
    return _CODE_FINGERPRINT


def write_file(path: Path, data: bytes) -> None:
    """Write a file of the cache atomically (creating the directory, git-ignored, on first use)."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Like .pytest_cache: git ignores the cache even where .gitignore does not mention it.
        (path.parent / ".gitignore").write_text(
            "# created by gdash: the compile cache, safe to delete\n*\n", encoding="utf-8"
        )
    tmp = path.parent / f".tmp-{secrets.token_hex(6)}"
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
