"""Alert rules on Grafana 11, 12 and 13: the provisioning API is unchanged; ``keep_firing_for`` and
``missing_series_evals_to_resolve`` are authored once and written under each API's own names."""
from __future__ import annotations

from pathlib import Path

import pytest

from gdash import alert_rule
from gdash.authoring.alerts import AlertGroup
from gdash.authoring.checks import AuthoringError
from gdash.compile.alerts import api_rule, compile_rule_group
from gdash.compile.documents import alerting_document
from gdash.config import Config
from gdash.errors import Location
from gdash.model import Project
from gdash.promexport.rules import prometheus_rule
from gdash.sync.push import push
from gdash.validate.validator import validate_alerting

from .apis_helpers import make_apis_emulator
from .sync_helpers import environment, make_emulator


def _rule(**extra):
    return alert_rule("QueueBacklog", "sum(queue_depth)", threshold=100, severity="warning", team="core",
                      summary="s", description="d", runbook_url="https://runbooks.invalid/q", **extra)


def _project(root: Path, **extra) -> Project:
    group = compile_rule_group(AlertGroup("queues", _rule(**extra), folder="Queues"), root=root,
                               fallback=Location("alerts/queues.py", 1))
    return Project(root=root, config=Config(), dashboards=[], rule_groups=[group])


def test_authoring_writes_file_provisioning_names(tmp_path: Path) -> None:
    group = _project(tmp_path, keep_firing_for="10m", missing_series_evals_to_resolve=3).rule_groups[0]
    rule = group.rules[0]
    assert rule["keepFiringFor"] == "10m" and rule["missing_series_evals_to_resolve"] == 3
    assert validate_alerting(alerting_document([group]), groups=[group]) == []
    api = api_rule(rule, 12)
    assert api["keep_firing_for"] == "10m" and api["missingSeriesEvalsToResolve"] == 3
    assert "keepFiringFor" not in api and "missing_series_evals_to_resolve" not in api
    assert "keep_firing_for" not in api_rule(rule, 11), "Grafana 11.4's API has neither field"
    assert prometheus_rule(rule, folder="Queues")["keep_firing_for"] == "10m"
    plain = _project(tmp_path).rule_groups[0].rules[0]
    assert "keepFiringFor" not in plain and "missing_series_evals_to_resolve" not in plain


@pytest.mark.parametrize("bad", [{"keep_firing_for": "soon"}, {"missing_series_evals_to_resolve": 0},
                                 {"missing_series_evals_to_resolve": True}])
def test_bad_values_are_refused_when_authoring(bad: dict) -> None:
    with pytest.raises(AuthoringError, match=r"alert_rule\(\): (keep_firing_for|missing_series_evals_to_resolve)"):
        _rule(**bad)


@pytest.mark.parametrize("mode", ["12.2", "13.2"])
def test_push_on_grafana_12_and_13_sets_the_fields_and_reruns_are_no_ops(tmp_path: Path, mode: str) -> None:
    emulator = make_apis_emulator(mode)
    with emulator:
        project = _project(tmp_path, keep_firing_for="600s", missing_series_evals_to_resolve=3)
        env = environment(emulator)
        assert not push(project, env).failures
        rule = next(iter(emulator.grafana.org(1).rules.values()))
        assert rule["keep_firing_for"] == "10m" and rule["missingSeriesEvalsToResolve"] == 3
        assert rule["provenance"] == "api", "provenance unchanged on 12/13"
        again = push(project, env)
        assert [a.verb for a in again.plan.actions if a.kind == "rule-group"] == ["unchanged"]
        assert emulator.violations == []


def test_push_on_grafana_11_leaves_the_fields_out(tmp_path: Path) -> None:
    emulator = make_emulator()
    with emulator:
        project = _project(tmp_path, keep_firing_for="10m", missing_series_evals_to_resolve=3)
        env = environment(emulator)
        assert not push(project, env).failures
        rule = next(iter(emulator.grafana.org(1).rules.values()))
        assert "keep_firing_for" not in rule and "missingSeriesEvalsToResolve" not in rule
        assert [a.verb for a in push(project, env).plan.actions if a.kind == "rule-group"] == ["unchanged"]
        assert emulator.violations == []


def test_emulator_refuses_a_zero_count_like_grafana(tmp_path: Path) -> None:
    emulator = make_apis_emulator("12.2")
    with emulator:
        project = _project(tmp_path, missing_series_evals_to_resolve=3)
        project.rule_groups[0].rules[0]["missing_series_evals_to_resolve"] = 0  # bypassing the authoring check
        result = push(project, environment(emulator))
        assert any("must be greater than 0" in o.message for o in result.failures)
