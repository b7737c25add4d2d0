"""Build the project as it was at a git ref, without touching the user's checkout.

The ref's files are exported with ``git archive`` into a temporary directory (no worktree is
registered, no index or HEAD changes) and loaded there like any other project.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from ..cache import CACHE_DIR, CompileCache
from ..config import CONFIG_NAME, load_config
from ..diff import DiffReport
from ..errors import ConfigError, GdashError
from ..project import load_project
from .snapshot import Snapshot, compare_snapshots, snapshot_project

WORKING_TREE = "working tree"


def snapshot_working_tree(root: Path, *, debug: bool = False) -> Snapshot:
    return snapshot_project(load_project(root, debug=debug, cache=True, jobs=None), WORKING_TREE)


def _ref_cache(root: Path, project_root: Path) -> CompileCache:
    """The working tree's compile cache, for a ref exported elsewhere: keys hold project-relative
    paths and contents, so a file unchanged since ``ref`` is not compiled again."""
    return CompileCache(
        project_root, load_config(project_root / CONFIG_NAME), directory=Path(root).resolve() / CACHE_DIR
    )


def snapshot_at_ref(root: Path, ref: str, *, debug: bool = False) -> Snapshot:
    """The project under ``root`` as committed at ``ref``; empty if it did not exist there yet."""
    toplevel = _git(root, "rev-parse", "--show-toplevel", what="find the git repository")
    prefix = _git(root, "rev-parse", "--show-prefix", what="find the project inside the repository")
    commit = _resolve(root, ref)
    if prefix and _run(root, "rev-parse", "--verify", "--quiet", f"{commit}:{prefix}").returncode != 0:
        return Snapshot(label=ref)  # the project's directory did not exist at that ref
    with tempfile.TemporaryDirectory(prefix="gdash-ref-") as tmp:
        archive = subprocess.run(
            ["git", "-C", toplevel, "archive", "--format=tar", commit, *([prefix] if prefix else [])],
            capture_output=True,
        )
        if archive.returncode != 0:
            raise ConfigError(
                f"cannot export {ref!r}: {_last_line(archive.stderr.decode(errors='replace'))}",
                hint="check that the repository is intact (`git fsck`)",
            )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        project_root = Path(tmp) / prefix
        if not any((project_root / name).exists() for name in (CONFIG_NAME, "dashboards", "alerts")):
            return Snapshot(label=ref)
        try:
            return snapshot_project(
                load_project(project_root, debug=debug, cache=_ref_cache(root, project_root), jobs=None), ref
            )
        except GdashError as exc:
            exc.message = f"at {ref}: {exc.message}"
            raise


def _resolve(root: Path, ref: str) -> str:
    if ref.startswith("-"):  # would be read as an option by git
        raise ConfigError(f"invalid git ref {ref!r}", hint="pass a branch, tag or commit name")
    result = _run(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if result.returncode != 0 or not result.stdout.strip():
        raise ConfigError(
            f"unknown git ref {ref!r}",
            hint="check the branch, tag or commit name; in CI fetch it first (e.g. `git fetch origin main` "
            "and pass --base origin/main)",
        )
    return result.stdout.strip()


def _git(root: Path, *args: str, what: str) -> str:
    result = _run(root, *args)
    if result.returncode != 0:
        raise ConfigError(
            f"cannot {what}: {_last_line(result.stderr)}", hint=f"run gdash inside a git checkout (project: {root})"
        )
    return result.stdout.strip()


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    except FileNotFoundError:
        raise ConfigError("git is not installed", hint="install git to compare against a git ref") from None


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "git failed"


def diff_refs(root: Path, base: str, head: str | None = None, *, debug: bool = False) -> DiffReport:
    """What changed from git ref ``base`` to ``head`` (default: the working tree, uncommitted edits included)."""
    base_snapshot = snapshot_at_ref(root, base, debug=debug)  # first: git problems are reported before project ones
    head_snapshot = snapshot_at_ref(root, head, debug=debug) if head else snapshot_working_tree(root, debug=debug)
    return compare_snapshots(base_snapshot, head_snapshot)
