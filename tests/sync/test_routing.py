"""Contact points, notification templates and the policy tree: created, updated, left alone."""
from __future__ import annotations

from pathlib import Path

import pytest

from gdash.config import Config
from gdash.errors import ConfigError
from gdash.model import Project
from gdash.sync.push import push
from gdash.testing import GrafanaEmulator

from .sync_helpers import environment

HOOK = "https://hooks.slack.invalid/T000/B000/SECRETSECRET"


def routing_project(root: Path, *, address: str = "oncall@example.com", template: str = "v1") -> Project:
    return Project(
        root=root, config=Config(), dashboards=[], rule_groups=[],
        contact_points=[
            {"orgId": 1, "name": "oncall", "receivers": [
                {"uid": "oncall-0", "type": "email", "settings": {"addresses": address},
                 "disableResolveMessage": False}]},
            {"orgId": 1, "name": "chat", "receivers": [
                {"uid": "chat-0", "type": "slack", "settings": {"recipient": "#alerts", "url": "${CHAT_HOOK}"},
                 "disableResolveMessage": False}]},
        ],
        policies={"orgId": 1, "receiver": "oncall", "group_by": ["alertname"], "group_wait": None,
                  "routes": [{"receiver": "chat", "object_matchers": [["severity", "=", "warning"]]}]},
        templates=[{"orgId": 1, "name": "summary", "template": f'{{{{ define "summary" }}}}{template}{{{{ end }}}}'}],
    )


def test_routing_is_created_then_left_alone_then_updated(grafana: GrafanaEmulator, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAT_HOOK", HOOK)
    env = environment(grafana)
    first = push(routing_project(tmp_path), env)
    assert first.failures == []
    org = grafana.grafana.org(1)
    assert org.contact_points["chat-0"]["settings"]["url"] == HOOK, "the secret is resolved from the environment"
    assert org.policy["routes"][0]["receiver"] == "chat" and "group_wait" not in org.policy
    assert org.templates["summary"]["provenance"] == "api"
    assert HOOK not in first.plan.render()

    grafana.clear_log()
    assert push(routing_project(tmp_path), env).plan.changes == [], "redacted secrets do not count as changes"
    assert grafana.writes() == []

    changed = push(routing_project(tmp_path, address="sre@example.com", template="v2"), env)
    assert changed.failures == []
    assert [(e.method, e.path) for e in grafana.writes()] == [
        ("PUT", "/api/v1/provisioning/contact-points/oncall-0"),
        ("PUT", "/api/v1/provisioning/templates/summary"),
    ]
    assert org.contact_points["oncall-0"]["settings"]["addresses"] == "sre@example.com"
    assert org.templates["summary"]["version"] == "2" and "v2" in org.templates["summary"]["template"]

    monkeypatch.setenv("CHAT_HOOK", HOOK + "-rotated")
    grafana.clear_log()
    assert push(routing_project(tmp_path, address="sre@example.com", template="v2"), env).plan.changes == []
    rotated = push(routing_project(tmp_path, address="sre@example.com", template="v2"), env, force=True)
    assert [a.key for a in rotated.plan.changes] == ["chat-0"], "--force re-sends the contact points with secrets"
    assert org.contact_points["chat-0"]["settings"]["url"] == HOOK + "-rotated"


def test_missing_secret_variable_is_a_one_line_error(grafana: GrafanaEmulator, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAT_HOOK", raising=False)
    with pytest.raises(ConfigError) as error:
        push(routing_project(tmp_path), environment(grafana))
    assert "1 secret environment variable not set: CHAT_HOOK (contact point chat)" in error.value.one_line()
    assert grafana.writes() == []
