"""The compile cache keeps what recent runs used and removes the rest (gdash.cache.KEEP_RUNS)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cache import CACHE_DIR, KEEP_RUNS
from gdash.cli import main

from .test_perf import build_outputs, entries, load, make_project


@pytest.mark.parametrize("jobs", [1, 2])
def test_entries_unused_for_keep_runs_are_removed_and_used_ones_kept(tmp_path: Path, jobs: int) -> None:
    root = make_project(tmp_path, files=10)  # 10 files: --jobs 2 compiles them in worker processes
    load(root, jobs=jobs)
    first = entries(root)
    edited = root / "dashboards" / "svc_03.py"
    source = edited.read_text(encoding="utf-8")
    edited.write_text(source + "# an edit\n", encoding="utf-8")
    load(root, jobs=jobs)
    old = first - entries(root)  # nothing is removed yet: the entry before the edit stays for a while
    assert old == set() and len(entries(root)) == len(first) + 1
    edited.write_text(source, encoding="utf-8")  # back: the first entry is used again
    for _ in range(KEEP_RUNS):
        load(root, jobs=jobs)
    kept = entries(root)
    assert kept == first, "the edited version's entry was used by no recent run"
    assert build_outputs(load(root, jobs=jobs)) == build_outputs(load(root, cache=False))


def test_an_entry_the_index_does_not_know_is_kept(tmp_path: Path) -> None:
    """Another process may have written it and not saved its index yet."""
    root = make_project(tmp_path, files=2)
    load(root)
    stranger = root / CACHE_DIR / ("0" * 64 + ".entry")
    stranger.write_bytes(b"{}\n")
    load(root)
    assert stranger.exists()
    for _ in range(KEEP_RUNS):
        load(root)
    assert not stranger.exists()


def test_cache_clear(tmp_path: Path) -> None:
    root = make_project(tmp_path, files=2)
    load(root)
    result = CliRunner().invoke(main, ["--project", str(root), "cache", "clear"])
    assert result.exit_code == 0 and "removed" in result.output
    assert not (root / CACHE_DIR).exists()
    again = CliRunner().invoke(main, ["--project", str(root), "cache", "clear"])
    assert again.exit_code == 0 and "no compile cache" in again.output
