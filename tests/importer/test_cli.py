"""`gdash import` and `gdash pull --as-python` as users run them; lint of the generated code."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from gdash.importer import import_paths
from gdash.lint import exit_code, lint_paths, lint_project
from gdash.lint.config import load_lint_config
from gdash.project import load_project

CORPUS = Path(__file__).resolve().parent / "corpus"
SPEC = Path(__file__).resolve().parents[2] / ".." / "shared" / "grafana" / "api-spec-v11.4.0" / "api-merged.json"
TOKEN = "glsa_import_test_0123456789"


def test_import_command_writes_project_files_and_lists_the_escape_hatch(gdash, tmp_path: Path) -> None:
    (tmp_path / "dashboards").mkdir()
    result = gdash("import", str(CORPUS / "links-and-variables.json"), str(CORPUS / "alerts-prometheus-rules.yaml"),
                   cwd=tmp_path)
    assert result.returncode == 1  # the Prometheus file has a recording rule gdash cannot keep: said, not hidden
    out = result.stdout
    assert "wrote dashboards/rabbitmq_queues.py: dashboard 'Queues / RabbitMQ' (rabbitmq-queues); round trip exact" in out
    assert "  extra: dashboard: links" in out and "  extra: variable 'vhost': current.text, current.value" in out
    assert 'time_shift="1d"' in (tmp_path / "dashboards" / "rabbitmq_queues.py").read_text()  # a helper argument
    assert "wrote alerts/alerts_prometheus_rules.py: alert groups node, paging; translated from Prometheus rules" in out
    assert "lost: recording rule 'instance:node_cpu:rate5m'" in result.stderr
    assert result.stderr.rstrip().endswith("error: 1 thing(s) could not be expressed in gdash code (listed as lost: above)")
    built = gdash("build", "--out", "build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    model = json.loads((tmp_path / "build" / "dashboards" / "general" / "rabbitmq-queues.json").read_text())
    assert model["panels"][2]["timeShift"] == "1d"


def test_import_refuses_to_overwrite_a_different_file(gdash, tmp_path: Path) -> None:
    target = tmp_path / "dashboards" / "node_exporter_hosts.py"
    target.parent.mkdir()
    target.write_text("# my own dashboard\n")
    result = gdash("import", str(CORPUS / "node-exporter.json"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {Path('dashboards/node_exporter_hosts.py')}: dashboards/node_exporter_hosts.py already exists",
        "hint: pass --force to replace it, or --out to write somewhere else",
    ]
    assert target.read_text() == "# my own dashboard\n"
    forced = gdash("import", "--force", "--folder", "Hosts", str(CORPUS / "node-exporter.json"), cwd=tmp_path)
    assert forced.returncode == 0 and 'folder="Hosts",' in target.read_text()


def test_bad_input_is_one_line_with_location(gdash, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "x",\n  "panels": [}\n')
    result = gdash("import", str(broken), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {broken}:2: invalid JSON") and "Traceback" not in result.stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"title": "x", "schemaVersion": 14, "rows": [{"panels": "three"}]}))
    result = gdash("import", str(wrong), cwd=tmp_path)
    assert result.returncode == 2 and "$.rows[0].panels: expected a list, got a string" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2 and "Traceback" not in result.stderr
    assert not (tmp_path / "dashboards").exists()  # nothing half-written


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.iterdir() if p.is_file()))
def test_generated_code_lints_no_worse_than_its_input(name: str, tmp_path: Path) -> None:
    config = load_lint_config({}, None)
    import_paths([CORPUS / name], dashboards_dir=tmp_path / "dashboards", alerts_dir=tmp_path / "alerts")
    before = lint_paths([CORPUS / name], config)
    after = lint_project(load_project(tmp_path), config)
    errors = Counter(f.code for f in after if f.severity == "error")
    assert errors <= Counter(f.code for f in before if f.severity == "error"), [str(f) for f in after]
    assert exit_code(after) <= exit_code(before)
    # warnings may differ: e.g. an export placeholder ${DS_PROMETHEUS} becomes a logical datasource
    assert len(after) <= len(before) + 1


def test_pull_as_python_from_a_live_grafana(gdash, seed_root: Path, tmp_path: Path, monkeypatch) -> None:
    if not SPEC.is_file():
        pytest.skip(f"Grafana's OpenAPI description is not available at {SPEC}")
    from gdash.importer import roundtrip_differences
    from gdash.sync.client import BearerToken
    from gdash.sync.environment import Environment
    from gdash.sync.push import push
    from gdash.testing import GrafanaEmulator

    for name in ("SLACK_CRITICAL_WEBHOOK_URL", "SLACK_WARNINGS_WEBHOOK_URL", "TRADING_ALERT_WEBHOOK_URL", "DEADMANS_SWITCH_URL"):
        monkeypatch.setenv(name, "https://hooks.invalid/x")
    seed = load_project(seed_root)
    with GrafanaEmulator(SPEC.resolve()) as grafana:
        grafana.add_token(TOKEN)
        grafana.add_datasource("prom-main", "Prometheus")
        grafana.add_datasource("loki-main", "Loki", "loki")
        env = Environment(name="test", url=grafana.url, credentials=BearerToken(TOKEN),
                          datasources={"prometheus": "prom-main", "loki": "loki-main"})
        assert not push(seed, env).failures
        result = gdash("pull", "--url", grafana.url, "--as-python", "--out", str(tmp_path / "code"),
                       cwd=tmp_path, env={"GRAFANA_TOKEN": TOKEN})
        assert grafana.violations == []
    assert result.returncode == 0, result.stderr
    assert "wrote " in result.stdout and "lost:" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr
    code = tmp_path / "code"
    assert (code / "dashboards" / "trading_trading_performance.py").is_file()
    assert 'folder="Trading",' in (code / "dashboards" / "trading_trading_performance.py").read_text()
    pulled = load_project(code)
    assert [d.uid for d in pulled.dashboards] == [d.uid for d in seed.dashboards]
    for original, again in zip(seed.dashboards, pulled.dashboards):
        assert again.folder == original.folder
        assert roundtrip_differences(original.model, again.model) == []
    assert {(g.folder, g.name) for g in pulled.rule_groups} == {(g.folder, g.name) for g in seed.rule_groups}
    for original, again in zip(seed.rule_groups, pulled.rule_groups):
        assert again.rules == original.rules  # prom-main is imported back as the logical "prometheus"


def test_docs_before_after_example_is_what_the_command_does(gdash, tmp_path: Path) -> None:
    section = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text()
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, re.S)
    before = next(body for kind, body in blocks if kind == "json")
    printed = next(body for kind, body in blocks if kind == "" and body.startswith("wrote "))
    after = next(body for kind, body in blocks if kind == "python")
    (tmp_path / "checkout.json").write_text(before)
    result = gdash("import", "checkout.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == printed
    assert (tmp_path / "dashboards" / "checkout.py").read_text() == after
