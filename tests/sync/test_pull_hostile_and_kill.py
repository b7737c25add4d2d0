"""gdash pull against a hostile Grafana (the surrounding tree hashed before and after), and killed at every
filesystem operation (issue 15); test_pull_safety.py covers the name sanitising itself.

Names come from the server (dashboard uids, folder and group titles): none may make pull write or
delete outside its --out directory; the surrounding tree is hashed before and after.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cli import main
from gdash.errors import GdashError
from gdash.managed_tree import KILL_POINT
from gdash.sync.pull import pull
from gdash.testing import GrafanaEmulator

from .sync_helpers import TOKEN, environment, write_config


def tree_hash(root: Path) -> dict[str, str]:
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel] = "dir"
    return found


def _pushed(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    result = CliRunner().invoke(main, ["-C", str(seed_project), "push", "--env", "test"],
                                env={"GDASH_TEST_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output


HOSTILE_UIDS = ["../../../escape", "/tmp/gdash-escape", "a/../../../escape", "..", ".", "a\\..\\..\\escape",
                "x" * 300, "nul\0byte"]


@pytest.mark.parametrize("uid", HOSTILE_UIDS)
def test_hostile_dashboard_uid_writes_nothing_outside(grafana: GrafanaEmulator, seed_project: Path, tmp_path: Path,
                                                      uid: str) -> None:
    _pushed(grafana, seed_project)
    grafana.grafana.org(1).dashboards["cache"].model["uid"] = uid  # what the server answers, not its key
    surroundings = tmp_path / "surroundings"
    out = surroundings / "deep" / "er" / "pulled"
    (surroundings / "deep" / "keep.txt").parent.mkdir(parents=True)
    (surroundings / "deep" / "keep.txt").write_text("keep")
    before = tree_hash(tmp_path)
    try:
        pull(environment(grafana), out)
    except GdashError as error:
        assert "\n" not in error.one_line()
    after = {k: v for k, v in tree_hash(tmp_path).items() if not k.startswith("surroundings/deep/er/pulled")}
    before = {k: v for k, v in before.items() if not k.startswith("surroundings/deep/er/pulled")}
    assert after == {**before, "surroundings/deep/er": "dir"} or after == before
    assert not Path("/tmp/gdash-escape.json").exists()


@pytest.mark.parametrize("title", ["../../..", "/etc", "a/b/../../..", "\0"])
def test_hostile_folder_and_group_titles_stay_inside(grafana: GrafanaEmulator, seed_project: Path, tmp_path: Path,
                                                     title: str) -> None:
    _pushed(grafana, seed_project)
    org = grafana.grafana.org(1)
    for folder in org.folders.values():
        folder.title = title
    out = tmp_path / "pulled"
    before = tree_hash(tmp_path)
    try:
        pull(environment(grafana), out)
    except GdashError:
        pass
    outside = {k: v for k, v in tree_hash(tmp_path).items() if not k.startswith("pulled")}
    assert outside == {k: v for k, v in before.items() if not k.startswith("pulled")}


def _killed_pull(n: int, grafana: GrafanaEmulator, out: Path) -> bool:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            KILL_POINT.arm(n)
            pull(environment(grafana), out)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0
    return False


def test_pull_killed_at_every_operation_then_rerun_is_byte_identical(grafana: GrafanaEmulator, seed_project: Path,
                                                                     tmp_path: Path) -> None:
    _pushed(grafana, seed_project)
    first = tmp_path / "first"
    pull(environment(grafana), first)
    org = grafana.grafana.org(1)
    del org.dashboards["cache"]  # the next pull removes one file and rewrites another
    org.dashboards["api-performance"].model["title"] = "API Performance (edited)"
    clean = tmp_path / "clean"
    shutil.copytree(first, clean)
    pull(environment(grafana), clean)
    reference = tree_hash(clean)
    n = 0
    while True:
        n += 1
        out = tmp_path / f"killed-{n}"
        shutil.copytree(first, out)
        if not _killed_pull(n, grafana, out):
            break
        pull(environment(grafana), out)
        assert tree_hash(out) == reference, f"rerun after a kill at operation {n}"
        shutil.rmtree(out)
    assert n > 3  # the run had kill points (its writes go through gdash.managed_tree)
