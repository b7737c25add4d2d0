"""`gdash pull --as-python` never makes a second definition: a dashboard the project defines is regenerated
in its own file (when gdash import owns that file) or the pull refuses naming the file; without --out
it writes to a fresh directory."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gdash.cli import main
from gdash.project import load_project
from gdash.testing import GrafanaEmulator

from .sync_helpers import TOKEN, ui_edit, write_config


def gdash(root: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], env={"GDASH_TEST_TOKEN": TOKEN})


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*.py"))}


def test_hand_written_definitions_are_never_duplicated(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    assert gdash(seed_project, "push", "--env", "test").exit_code == 0
    before = snapshot(seed_project)
    result = gdash(seed_project, "pull", "--env", "test", "--as-python", "--out", str(seed_project))
    assert result.exit_code == 2, result.output
    assert "dashboards/cache.py defines dashboard 'cache' (it was not written by gdash import)" in result.stderr
    assert "alerts/" in result.stderr
    assert snapshot(seed_project) == before, "nothing written"


def test_without_out_a_fresh_directory_is_used(grafana: GrafanaEmulator, seed_project: Path) -> None:
    write_config(seed_project, grafana)
    assert gdash(seed_project, "push", "--env", "test").exit_code == 0
    before = snapshot(seed_project)
    result = gdash(seed_project, "pull", "--env", "test", "--as-python")
    assert result.exit_code == 0, result.output
    fresh = seed_project / "pulled" / "test-python"
    assert (fresh / "dashboards" / "backend_cache.py").is_file()
    assert {k: v for k, v in snapshot(seed_project).items() if not k.startswith("pulled/")} == before


def test_imported_project_is_updated_in_place(grafana: GrafanaEmulator, seed_project: Path, tmp_path: Path) -> None:
    write_config(seed_project, grafana)
    assert gdash(seed_project, "push", "--env", "test").exit_code == 0
    code = tmp_path / "code"
    assert gdash(seed_project, "pull", "--env", "test", "--as-python", "--out", str(code)).exit_code == 0
    files = set(snapshot(code))
    ui_edit(grafana, "cache", title="Cache (tuned in the UI)")
    org = grafana.grafana.org(1)
    grafana.grafana.save_dashboard(org, {"uid": "brand-new", "title": "Brand new", "schemaVersion": 39}, "", False, "")

    result = gdash(seed_project, "pull", "--env", "test", "--as-python", "--out", str(code))
    assert result.exit_code == 0, result.output
    assert set(snapshot(code)) == files | {"dashboards/general_brand_new.py"}, "no second file for cache"
    assert "Cache (tuned in the UI)" in (code / "dashboards" / "backend_cache.py").read_text()
    project = load_project(code)
    uids = [d.uid for d in project.dashboards]
    assert sorted(uids) == sorted(set(uids)) and "brand-new" in uids, "the next build has no duplicate uid"


def test_import_live_is_the_pull_into_a_directory_that_is_no_project(
    grafana: GrafanaEmulator, seed_project: Path, tmp_path: Path
) -> None:
    from gdash.importer import import_live

    from .sync_helpers import environment

    write_config(seed_project, grafana)
    assert gdash(seed_project, "push", "--env", "test").exit_code == 0
    pulled = tmp_path / "pulled"
    assert gdash(seed_project, "pull", "--env", "test", "--as-python", "--out", str(pulled)).exit_code == 0
    report = import_live(environment(grafana), tmp_path / "imported")
    assert len(report.written) == len(snapshot(pulled)) > 0
    assert snapshot(tmp_path / "imported") == snapshot(pulled)
