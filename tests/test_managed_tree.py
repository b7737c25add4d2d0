"""The managed-tree writer: containment (tampered manifests, symlinks), ownership, umask, kill safety.

Escape tests hash the whole surrounding directory before and after; kill tests fork a child that
SIGKILLs itself at the Nth filesystem operation (managed_tree.KILL_POINT), for every N of one run.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
from pathlib import Path

import pytest

from gdash.build import MANIFEST, write_build
from gdash.errors import ConfigError
from gdash.managed_tree import KILL_POINT, write_managed_tree
from gdash.project import load_project
from gdash.promexport import prometheus_rule_files, translate_project
from gdash.provision import write_provisioning

REPO = Path(__file__).resolve().parents[1]

SMALL_PROJECT = {
    "gdash.yaml": "provision: {datasources: {prometheus: {type: prometheus, url: 'http://p:9090'}}}\n",
    "dashboards/solo.py": """
        from gdash import Dashboard, Row, prom, timeseries
        dashboard = Dashboard("Solo", uid="solo", folder="Elsewhere",
                              rows=[Row("r", timeseries("Up", prom("up")))])
    """,
    "alerts/solo.py": """
        from gdash import AlertGroup, alert_rule
        group = AlertGroup("solo", alert_rule("SoloDown", "up", op="eq", threshold=0, for_="1m",
                           severity="critical", team="t", summary="down", description="down",
                           runbook_url="https://r.example.com"),
                           folder="Solo alerts", interval="1m")
    """,
}


def tree_hash(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (files by content and mode, links by target, directories)."""
    state = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            state[rel] = "link:" + os.readlink(path)
        elif path.is_dir():
            state[rel] = "dir"
        else:
            state[rel] = hashlib.sha256(path.read_bytes()).hexdigest() + oct(path.stat().st_mode)
    return state


def contents(root: Path) -> dict[str, bytes | str]:
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else "dir")
            for p in sorted(root.rglob("*")) if not p.is_symlink()}


@pytest.fixture(scope="module")
def seed():
    return load_project(REPO)


@pytest.fixture
def small(make_project):
    return load_project(make_project(SMALL_PROJECT))


# --- containment -----------------------------------------------------------------------------------

@pytest.mark.parametrize("entry", ["../victim.txt", "../../victim.txt", "ABSOLUTE", "dashboards/../../victim.txt",
                                   "./x", "a//b", "a\\..\\b", 5, None])
def test_tampered_manifest_is_one_line_error_and_nothing_changes(tmp_path, seed, entry):
    out = tmp_path / "site" / "build"
    write_build(seed, out)
    victim = tmp_path / "site" / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "victim.txt").write_text("precious")
    if entry == "ABSOLUTE":
        entry = str(victim)
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"].append(entry)
    (out / MANIFEST).write_text(json.dumps(manifest))
    before = tree_hash(tmp_path)
    with pytest.raises(ConfigError) as caught:
        write_build(seed, out)
    assert MANIFEST in caught.value.one_line() and "\n" not in caught.value.one_line()
    assert tree_hash(tmp_path) == before


def test_tampered_manifest_through_the_cli(tmp_path, gdash):
    root = tmp_path / "p"
    shutil.copytree(REPO / "dashboards", root / "dashboards", ignore=shutil.ignore_patterns("__pycache__"))
    assert gdash("build", "--out", "build", cwd=root).returncode == 0
    (tmp_path / "x").write_text("keep")
    manifest = json.loads((root / "build" / MANIFEST).read_text())
    manifest["files"] += ["../../x", str(tmp_path / "x")]
    (root / "build" / MANIFEST).write_text(json.dumps(manifest))
    before = tree_hash(tmp_path)
    result = gdash("build", "--out", "build", cwd=root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2 and "leaves" in result.stderr
    assert tree_hash(tmp_path) == before


def test_symlinked_subdirectory_is_an_error_not_a_write_through(tmp_path, seed):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mine.txt").write_text("mine")
    out = tmp_path / "build"
    out.mkdir()
    (out / "dashboards").symlink_to(elsewhere, target_is_directory=True)
    before = tree_hash(tmp_path)
    with pytest.raises(ConfigError, match="symbolic link"):
        write_build(seed, out)
    assert tree_hash(tmp_path) == before


def test_symlinked_file_in_manifest_is_not_followed_for_deletion(tmp_path, seed):
    out = tmp_path / "build"
    write_build(seed, out)
    victim = tmp_path / "victim.json"
    victim.write_text("{}")
    target = out / "dashboards" / "backend" / "cache.json"
    target.unlink()
    target.symlink_to(victim)
    before = tree_hash(tmp_path)
    with pytest.raises(ConfigError, match="symbolic link"):
        write_build(seed, out)
    assert tree_hash(tmp_path) == before


def test_outputs_with_hostile_names_are_refused(tmp_path):
    before = tree_hash(tmp_path)
    for name in ["../evil.json", "/tmp/evil.json", "dashboards/" + "x" * 300 + ".json", "a/\udc80.json"]:
        with pytest.raises(ConfigError):
            write_managed_tree(tmp_path / "out", {name: "x"}, manifest=".m.json")
    assert tree_hash(tmp_path) == before


def test_files_get_the_users_umask(tmp_path, seed):
    old = os.umask(0o022)
    try:
        write_build(seed, tmp_path / "build")
    finally:
        os.umask(old)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "build").rglob("*") if p.is_file()}
    dirs = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "build").rglob("*") if p.is_dir()}
    assert modes == {0o644} and dirs == {0o755}


def test_alertmanager_export_never_overwrites_a_foreign_file(tmp_path, gdash):
    foreign = tmp_path / "alertmanager.yml"
    foreign.write_text("route: {receiver: mine}\n")
    before = tree_hash(tmp_path)
    result = gdash("export", "alertmanager", "--out", str(foreign), cwd=REPO)
    assert result.returncode == 2 and "was not written by gdash" in result.stderr
    assert tree_hash(tmp_path) == before
    link = tmp_path / "link.yml"
    link.symlink_to(foreign)
    assert gdash("export", "alertmanager", "--out", str(link), cwd=REPO).returncode == 2
    assert tree_hash(tmp_path) == {**before, "link.yml": f"link:{foreign}"}
    ours = tmp_path / "ours.yml"
    assert gdash("export", "alertmanager", "--out", str(ours), cwd=REPO).returncode == 0
    assert gdash("export", "alertmanager", "--out", str(ours), cwd=REPO).returncode == 0


def test_preview_never_deletes_a_file_it_did_not_write(tmp_path):
    from gdash.review.preview.site import write_preview
    from gdash.review.snapshot import Snapshot

    head = Snapshot("head", dashboards={"a": {"uid": "a", "title": "A", "panels": []}}, folders={"a": "General"})
    out = tmp_path / "preview"
    write_preview(head, out)
    mine = out / "dashboards" / "my-notes.html"
    mine.write_text("mine")
    write_preview(Snapshot("empty"), out)
    assert mine.read_text() == "mine" and not (out / "dashboards" / "a.html").exists()


# --- kill at any moment ----------------------------------------------------------------------------

def _build(project, out):
    write_build(project, out)


def _provision(project, out):
    result, problems = write_provisioning(project, project.config, out)
    assert not problems


def _export(project, out):
    write_managed_tree(out, prometheus_rule_files(translate_project(project)[0]), manifest=".gdash-export.json")


def _killed_at(n: int, run, project, out: Path) -> bool:
    """Run ``run(project, out)`` in a child that SIGKILLs itself at operation ``n``; True if it was killed."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            KILL_POINT.arm(n)
            run(project, out)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0
    return False


@pytest.mark.parametrize("run", [_build, _provision, _export], ids=["build", "provision", "export"])
def test_kill_at_every_operation_then_rerun_is_byte_identical(tmp_path, seed, small, run):
    # clean references: A then B (the same project rerun), and A, B, then A again (another project),
    # or A, A if the killed run of B changed nothing yet
    references = {}
    for name, sequence in (("b", [seed, small]), ("ba", [seed, small, seed]), ("aa", [seed, seed])):
        for project in sequence:
            run(project, tmp_path / f"clean-{name}")
        references[name] = contents(tmp_path / f"clean-{name}")
    n = 0
    while True:
        n += 1
        out = tmp_path / f"killed-{n}"
        run(seed, out)
        if not _killed_at(n, run, small, out):
            break
        same, other = tmp_path / f"same-{n}", tmp_path / f"other-{n}"
        shutil.copytree(out, same, symlinks=True)
        shutil.copytree(out, other, symlinks=True)
        run(small, same)
        run(seed, other)
        assert contents(same) == references["b"], f"rerun after a kill at operation {n}"
        assert contents(other) in (references["ba"], references["aa"]), f"another project after a kill at operation {n}"
        for path in (out, same, other):
            shutil.rmtree(path)
    assert n > 10  # every operation of the run was a kill point
