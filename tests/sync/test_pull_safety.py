"""Pull takes names from the server: they are sanitised and contained, colliding names both survive, and
only files pull itself wrote are ever replaced or removed."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gdash.errors import ConfigError
from gdash.sync.pull import LEGACY_MARKER, MANIFEST, pull, pull_files, safe_name
from gdash.testing import GrafanaEmulator

from .sync_helpers import environment

HOSTILE = ["../../etc/passwd", "/etc/shadow", "..", ".", ".hidden", "a/../../b", "C:\\windows", "x\0y", "", "é" * 300]


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_name_never_escapes(name: str) -> None:
    safe = safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and "\0" not in safe
    assert safe not in (".", "..") and not safe.startswith(".") and len(safe) <= 80


def test_hostile_names_from_a_server_stay_inside_out(tmp_path: Path) -> None:
    docs = [{"dashboard": {"uid": uid, "title": "t", "id": 3}, "meta": {"folderTitle": folder}}
            for uid, folder in zip(HOSTILE, reversed(HOSTILE))]
    groups = [{"title": "../../../tmp/owned", "folderUid": "../up", "interval": 60, "rules": []}]
    files, _ = pull_files(docs, groups, {"../up": "/abs/olute"})
    out = tmp_path / "out"
    from gdash.managed_tree import write_managed_tree

    write_managed_tree(out, files, manifest=MANIFEST)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(out in p.parents for p in written), "nothing outside --out"
    assert len([p for p in written if p.suffix == ".json" and p.name != MANIFEST]) == len(docs) + 1
    for relpath in files:
        assert ".." not in relpath.split("/") and not relpath.startswith("/")


def test_hostile_folder_and_group_names_end_to_end(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    org = grafana.grafana.org(1)
    api = grafana.grafana
    from gdash.testing.grafana import Folder

    org.folders["f1"] = Folder(901, "f1", "../../outside")
    org.folders["f2"] = Folder(902, "f2", "/etc")
    api.save_dashboard(org, {"uid": "d1", "title": "One"}, "f1", False, "")
    api.save_dashboard(org, {"uid": "d2", "title": "Two"}, "f2", False, "")
    out = tmp_path / "deep" / "out"
    result = pull(environment(grafana), out)
    assert sorted(result.written) == ["dashboards/etc/d2.json", "dashboards/outside/d1.json"]
    assert [p for p in tmp_path.rglob("*.json") if out not in p.parents] == []


def test_colliding_names_both_survive(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    org = grafana.grafana.org(1)
    from gdash.testing.grafana import Folder

    org.folders["ops"] = Folder(903, "ops", "Ops")
    rule = {"title": "r", "condition": "A", "noDataState": "OK", "execErrState": "Error", "for": "5m",
            "data": [{"refId": "A", "datasourceUid": "prom-main", "model": {"expr": "up"}}]}
    for uid, group in (("r1", "cpu/mem"), ("r2", "cpu mem")):
        grafana.grafana._store_rule(org, dict(rule, uid=uid, folderUID="ops", ruleGroup=group), "api")
    result = pull(environment(grafana), tmp_path / "out")
    pulled = sorted(p for p in result.written if p.startswith("alert-rules/"))
    assert len(pulled) == 2 and all(p.startswith("alert-rules/ops/cpu-mem~") for p in pulled)
    titles = {json.loads((tmp_path / "out" / p).read_text())["title"] for p in pulled}
    assert titles == {"cpu/mem", "cpu mem"}, "never merged silently"
    assert len(result.renamed) == 2 and "2 live objects map to alert-rules/ops/cpu-mem.json" in result.renamed[0]
    assert pull(environment(grafana), tmp_path / "out").written == [], "deterministic"


def test_symlink_out_of_the_directory_is_refused(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    org = grafana.grafana.org(1)
    grafana.grafana.save_dashboard(org, {"uid": "d1", "title": "One"}, "", False, "")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / "dashboards")
    with pytest.raises(ConfigError, match="symbolic link"):
        pull(environment(grafana), out)
    assert list(elsewhere.iterdir()) == []


def test_directory_of_an_earlier_pull_is_adopted(grafana: GrafanaEmulator, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "dashboards" / "general").mkdir(parents=True)
    (out / LEGACY_MARKER).write_text("written by gdash pull\n")
    (out / "dashboards" / "general" / "gone.json").write_text("{}")
    (out / "README.md").write_text("mine")
    grafana.grafana.save_dashboard(grafana.grafana.org(1), {"uid": "d1", "title": "One"}, "", False, "")
    result = pull(environment(grafana), out)
    assert result.removed == ["dashboards/general/gone.json"] and result.written == ["dashboards/general/d1.json"]
    assert (out / "README.md").read_text() == "mine" and not (out / LEGACY_MARKER).exists()
