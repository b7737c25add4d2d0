"""`--url` without a datasource mapping: each logical datasource resolves to the one live datasource that
matches by uid, then name, then type; none or several is a one-line error listing the candidates."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gdash.cli import main
from gdash.testing import GrafanaEmulator

from .sync_helpers import TOKEN


def push_url(root: Path, grafana: GrafanaEmulator, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), "push", "--url", grafana.url, *args],
                              env={"GRAFANA_TOKEN": TOKEN}, catch_exceptions=False)


def test_unique_type_match_is_used_and_printed(grafana: GrafanaEmulator, seed_project: Path) -> None:
    result = push_url(grafana=grafana, root=seed_project)
    assert result.exit_code == 0, result.output
    assert "datasource 'prometheus' -> uid 'prom-main' ('Prometheus', matched by name)" not in result.stdout
    assert "datasource 'prometheus' -> uid 'prom-main' ('Prometheus', matched by type)" in result.stdout
    rules = grafana.grafana.org(1).rules.values()
    assert {q["datasourceUid"] for r in rules for q in r["data"]} == {"prom-main", "__expr__"}


def test_uid_wins_over_name_and_type(grafana: GrafanaEmulator, seed_project: Path) -> None:
    grafana.add_datasource("prometheus", "Another Prometheus")
    result = push_url(seed_project, grafana, "--dry-run")
    assert "datasource 'prometheus' -> uid 'prometheus' ('Another Prometheus', matched by uid)" in result.stdout


def test_name_match_before_type(grafana: GrafanaEmulator, seed_project: Path) -> None:
    grafana.add_datasource("prom-b", "prometheus")
    result = push_url(seed_project, grafana, "--dry-run")
    assert "datasource 'prometheus' -> uid 'prom-b' ('prometheus', matched by name)" in result.stdout


def test_several_matches_is_an_error_listing_them(grafana: GrafanaEmulator, seed_project: Path) -> None:
    grafana.add_datasource("prom-b", "Prometheus B")
    result = push_url(seed_project, grafana)
    assert result.exit_code == 2
    assert "datasource 'prometheus' has no mapping and 2 datasources" in result.stderr
    assert "'Prometheus' (uid prom-main, prometheus)" in result.stderr and "uid prom-b" in result.stderr
    assert "--datasource prometheus=<uid>" in result.stderr
    assert grafana.writes() == []
    chosen = push_url(seed_project, grafana, "--datasource", "prometheus=prom-b")
    assert chosen.exit_code == 0, chosen.output


def test_no_match_is_an_error(grafana: GrafanaEmulator, seed_project: Path) -> None:
    with grafana.grafana.lock:
        grafana.grafana.org(1).datasources.clear()
    grafana.add_datasource("elastic", "Logs", "elasticsearch")
    result = push_url(seed_project, grafana)
    assert result.exit_code == 2 and "no datasource in" in result.stderr and "'Logs' (uid elastic" in result.stderr
