"""The compile cache keeps what recent runs used and removes the rest (gdash.cache.KEEP_RUNS)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cache import CACHE_DIR, KEEP_RUNS, CompileCache
from gdash.cli import main
from gdash.config import load_config

from .test_perf import build_outputs, entries, load, make_project


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def entry_of(root: Path, path: Path) -> str:
    return f"{CompileCache(root, load_config(root / 'gdash.yaml')).key(path)}.entry"


@pytest.mark.parametrize("jobs", [1, 2])
def test_entries_unused_for_keep_runs_are_removed_and_used_ones_kept(tmp_path: Path, jobs: int) -> None:
    root = make_project(tmp_path, files=10)  # 10 files: --jobs 2 compiles them in worker processes
    load(root, jobs=jobs)
    first = entries(root)
    once, busy = root / "dashboards" / "svc_03.py", root / "dashboards" / "svc_05.py"
    original, source = once.read_text(encoding="utf-8"), busy.read_text(encoding="utf-8")
    busy_first = entry_of(root, busy)
    edit(once, original + "# edited once\n")
    load(root, jobs=jobs)
    edited_once = entries(root) - first
    assert len(edited_once) == 1 and entries(root) >= first  # nothing is removed yet
    edit(once, original)  # back: its first entry is used again, the edited one by no later run
    for run in range(KEEP_RUNS):  # every run compiles a new version of one file
        edit(busy, source + f"# edit {run}\n")
        load(root, jobs=jobs)
    kept = entries(root)
    assert not kept & edited_once and busy_first not in kept, "entries no recent run used are removed"
    assert first - {busy_first} <= kept, "entries every run uses are kept"
    assert entry_of(root, busy) in kept
    assert build_outputs(load(root, jobs=jobs)) == build_outputs(load(root, cache=False))


def test_an_entry_the_index_does_not_know_is_kept(tmp_path: Path) -> None:
    """Another process may have written it and not saved its index yet."""
    root = make_project(tmp_path, files=2)
    load(root)
    stranger = root / CACHE_DIR / ("0" * 64 + ".entry")
    stranger.write_bytes(b"{}\n")
    busy = root / "dashboards" / "svc_01.py"
    source = busy.read_text(encoding="utf-8")
    edit(busy, source + "# edit\n")
    load(root)
    assert stranger.exists()
    for run in range(KEEP_RUNS):
        edit(busy, source + f"# edit {run}\n")
        load(root)
    assert not stranger.exists()


def test_an_unchanged_rebuild_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path, files=2)
    load(root)
    index = root / CACHE_DIR / "imports.json"
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    load(root)
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before


def test_cache_clear(tmp_path: Path) -> None:
    root = make_project(tmp_path, files=2)
    load(root)
    result = CliRunner().invoke(main, ["--project", str(root), "cache", "clear"])
    assert result.exit_code == 0 and "removed" in result.output
    assert not (root / CACHE_DIR).exists()
    again = CliRunner().invoke(main, ["--project", str(root), "cache", "clear"])
    assert again.exit_code == 0 and "no compile cache" in again.output
