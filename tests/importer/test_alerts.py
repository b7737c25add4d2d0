"""Alert rules -> gdash alert code: Grafana exports (round trip) and Prometheus rule files (translation)."""
from __future__ import annotations

from pathlib import Path

import yaml

from gdash.importer import import_paths
from gdash.importer.alerts import split_comparison
from gdash.project import load_project

CORPUS = Path(__file__).resolve().parent / "corpus"


def _import(paths: list[Path], root: Path):
    return import_paths(paths, dashboards_dir=root / "dashboards", alerts_dir=root / "alerts")


def test_seed_alert_provisioning_files_round_trip(seed_root: Path, tmp_path: Path) -> None:
    from gdash.build import build_outputs

    seed = load_project(seed_root)
    outputs = build_outputs(seed)
    paths = []
    for relpath, content in outputs.items():
        if relpath.startswith("alerts/"):
            path = tmp_path / "in" / Path(relpath).name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            paths.append(path)
    report = _import(paths, tmp_path / "project")
    assert report.lost == [] and all(f.notes == [] for f in report.files)
    again = load_project(tmp_path / "project")
    assert [g.to_provisioning() for g in again.rule_groups] == [g.to_provisioning() for g in seed.rule_groups]


def test_grafana_export_round_trip_and_unexpressible_rule_is_reported(tmp_path: Path) -> None:
    report = _import([CORPUS / "alerts-grafana-export.yaml"], tmp_path)
    [imported] = report.files
    # Grafana's editor writes C as a threshold expression; alert_rule writes the same test as math.
    assert "CheckoutErrorRatioHigh" in imported.source and "threshold=0.02" in imported.source
    assert 'uid="ddx8k2m9q1fk0a"' in imported.source  # a uid that is not derived from the title is kept
    assert 'range_seconds=900' in imported.source and 'no_data="OK"' in imported.source
    assert imported.datasources == {"prometheus": "P1809F7CD0C75ACF3"}
    assert imported.lost == ["rule 'CheckoutClassicCondition' (alerts-grafana-export.yaml): "
                             "its queries are not A -> reduce(last) B -> threshold C"]
    assert any("CheckoutLatencyHigh" in note and "description, runbook_url" in note for note in imported.notes)
    batch, group = load_project(tmp_path).rule_groups
    rules = {r["title"]: r for r in group.rules}
    assert set(rules) == {"CheckoutErrorRatioHigh", "CheckoutLatencyHigh"}
    # no severity alert_rule accepts: the same pipeline through grafanalib's AlertRulev9, labels kept as they are
    assert "core.AlertRulev9(" in imported.source and "from grafanalib import core\n" in imported.source
    [nightly] = batch.rules
    assert nightly["labels"] == {"owner": "data-team"} and nightly["noDataState"] == "Alerting"
    assert nightly["data"][2]["model"]["expression"] == "$B >= 90000" and batch.interval == "5m"
    latency = rules["CheckoutLatencyHigh"]
    assert latency["data"][2]["model"]["expression"] == "$B > 1.5" and latency["for"] == "10m"
    assert latency["labels"] == {"severity": "warning", "team": "payments", "service": "checkout"}
    assert latency["data"][0]["relativeTimeRange"] == {"from": 900, "to": 0}


def test_prometheus_rules_become_alert_rules(tmp_path: Path) -> None:
    report = _import([CORPUS / "alerts-prometheus-rules.yaml"], tmp_path)
    [imported] = report.files
    assert imported.lost == [
        "recording rule 'instance:node_cpu:rate5m' (alerts-prometheus-rules.yaml): gdash manages alert rules only",
    ]
    assert any("ExporterAbsent" in n and "imported as `> 0`" in n for n in imported.notes)
    assert any("PageOnCall" in n and "AlertRulev9" in n for n in imported.notes)
    group, paging = load_project(tmp_path).rule_groups
    [page] = paging.rules
    assert page["labels"] == {"severity": "page"} and paging.interval == "30s"
    assert page["data"][0]["model"]["expr"] == "vector(1)" and page["data"][2]["model"]["expression"] == "$B > 0"
    rules = {r["title"]: r for r in group.rules}
    full = rules["NodeFilesystemAlmostFull"]
    assert full["data"][0]["model"]["expr"] == ('100 * node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} '
                                                '/ node_filesystem_size_bytes{fstype!~"tmpfs|overlay"}')
    assert full["data"][2]["model"]["expression"] == "$B < 10" and full["for"] == "15m"
    assert rules["NodeDown"]["data"][2]["model"]["expression"] == "$B == 0"
    restarts = rules["TooManyRestarts"]  # "5 < x" is "x > 5"
    assert restarts["data"][0]["model"]["expr"] == "increase(kube_pod_container_status_restarts_total[1h])"
    assert restarts["data"][2]["model"]["expression"] == "$B > 5"


def test_split_comparison_only_splits_top_level_number_comparisons() -> None:
    assert split_comparison("rate(x[5m]) > 0.5") == ("rate(x[5m])", "gt", 0.5)
    assert split_comparison("(a > 1) and b") is None
    assert split_comparison("up == bool 0") is None
    assert split_comparison("a > b") is None
    assert split_comparison("1 >= sum(x)") == ("sum(x)", "le", 1)


def test_generated_alert_code_is_valid_python_and_deterministic(tmp_path: Path) -> None:
    one = _import([CORPUS / "alerts-grafana-export.yaml"], tmp_path / "one").files[0].source
    two = _import([CORPUS / "alerts-grafana-export.yaml"], tmp_path / "two").files[0].source
    assert one == two and one.startswith('"""Alert rules imported from alerts-grafana-export.yaml')
    assert "from gdash import AlertGroup, alert_rule, prom\n" in one
    assert yaml.safe_load((CORPUS / "alerts-grafana-export.yaml").read_text())["groups"][0]["folder"] == "Checkout"
    assert 'folder="Checkout"' in one
