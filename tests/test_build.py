"""Build output: deterministic bytes, stale files removed, unchanged files untouched, --check."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SEED_PARTS = ("dashboards", "alerts", "gdash.yaml")


def _copy_seed(destination: Path) -> Path:
    destination.mkdir(parents=True)
    for part in SEED_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, destination / part)
    return destination


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_in_different_directories_are_byte_identical(tmp_path, gdash):
    first = _copy_seed(tmp_path / "one")
    second = _copy_seed(tmp_path / "elsewhere" / "two")
    assert gdash("build", "--out", "build", cwd=first, env={"PYTHONHASHSEED": "1"}).returncode == 0
    assert gdash("build", "--out", "build", cwd=second, env={"PYTHONHASHSEED": "2"}).returncode == 0
    one, two = _tree(first / "build"), _tree(second / "build")
    assert one == two
    assert len([p for p in one if p.startswith("dashboards/")]) == 7  # 6 + the SLO dashboard
    assert any(p.startswith("alerts/") for p in one)


def test_output_format_is_sorted_indented_and_newline_terminated(tmp_path, gdash):
    root = _copy_seed(tmp_path / "p")
    gdash("build", "--out", "out", cwd=root)
    text = (root / "out/dashboards/backend/api-performance.json").read_text()
    model = json.loads(text)
    assert text == json.dumps(model, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert model["uid"] == "api-performance" and model["schemaVersion"] == 42


def test_removed_dashboard_files_are_deleted_but_foreign_files_kept(tmp_path, gdash):
    root = _copy_seed(tmp_path / "p")
    assert gdash("build", "--out", "out", cwd=root).returncode == 0
    foreign = root / "out/dashboards/backend/hand-made.json"
    foreign.write_text("{}")
    (root / "dashboards/cache.py").unlink()
    result = gdash("build", "--out", "out", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "removed out/dashboards/backend/cache.json" in result.stdout
    assert not (root / "out/dashboards/backend/cache.json").exists()
    assert foreign.read_text() == "{}"


def test_unchanged_files_keep_their_mtime(tmp_path, gdash):
    root = _copy_seed(tmp_path / "p")
    gdash("build", "--out", "out", cwd=root)
    path = root / "out/dashboards/trading/trading-performance.json"
    os.utime(path, (1_000_000, 1_000_000))
    result = gdash("build", "--out", "out", cwd=root)
    assert "0 written" in result.stdout
    assert path.stat().st_mtime == 1_000_000


def test_check_reports_out_of_date_output(tmp_path, gdash):
    root = _copy_seed(tmp_path / "p")
    assert gdash("build", "--check", "--out", "out", cwd=root).returncode == 1
    gdash("build", "--out", "out", cwd=root)
    assert gdash("build", "--check", "--out", "out", cwd=root).returncode == 0
    api = root / "dashboards/api.py"
    api.write_text(api.read_text().replace('"Requests/s"', '"Requests per second"'))
    result = gdash("build", "--check", "--out", "out", cwd=root)
    assert result.returncode == 1
    assert "out of date: out/dashboards/backend/api-performance.json" in result.stderr


def test_list_shows_dashboards_and_rules(gdash):
    result = gdash("list", "--format", "json", cwd=REPO)
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    api = next(d for d in listing["dashboards"] if d["uid"] == "api-performance")
    assert api["folder"] == "Backend" and api["panels"] > 5 and api["source"].startswith("dashboards/api.py:")
    assert {r["title"] for r in listing["alert_rules"]} >= {"HighErrorRate", "ServiceDown"}


def test_version_and_help(gdash):
    assert gdash("--version").stdout.startswith("gdash, version ")
    help_text = gdash("build", "--help").stdout
    assert "--out" in help_text and "--check" in help_text


def test_a_file_gdash_did_not_write_is_never_overwritten(tmp_path, gdash):
    root = _copy_seed(tmp_path / "p")
    hand_made = root / "out/dashboards/backend/cache.json"
    hand_made.parent.mkdir(parents=True)
    hand_made.write_text("{}")
    result = gdash("build", "--out", "out", cwd=root)
    assert result.returncode == 2
    assert result.stderr.startswith("error: out/dashboards/backend/cache.json: the file exists and was not written by gdash")
    assert hand_made.read_text() == "{}"


def test_build_for_grafana_11_writes_schema_39_and_migrates_back_to_the_default(tmp_path, gdash):
    from gdash.migration import migrate

    root = _copy_seed(tmp_path / "p")
    assert gdash("build", "--out", "out", cwd=root).returncode == 0
    result = gdash("build", "--grafana", "11", "--out", "out11", cwd=root)
    assert result.returncode == 0, result.stderr
    current = json.loads((root / "out/dashboards/backend/api-performance.json").read_text())
    pinned = json.loads((root / "out11/dashboards/backend/api-performance.json").read_text())
    assert pinned["schemaVersion"] == 39 and current["schemaVersion"] == 42
    # what Grafana 12.2+ makes of the Grafana-11 output is exactly the default output: nothing to migrate
    assert migrate(pinned, normalize=False) == current
    assert gdash("build", "--grafana", "9", "--out", "x", cwd=root).returncode == 2
