"""Notification routing: contact points and the notification policy tree.

grafanalib has no models for these, so gdash keeps two small ones. Secrets (webhook URLs, tokens)
are never written into a dashboard-as-code repository: a receiver names the environment variable
that holds them (``url_env=``), compiled as ``${VAR}`` (Grafana interpolates it in provisioning
files; ``gdash push`` resolves it from the environment).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import checks
from .source import remember


@dataclass(frozen=True)
class Receiver:
    type: str
    settings: dict[str, Any]
    secret_envs: dict[str, str] = field(default_factory=dict)  # settings key -> environment variable
    disable_resolve_message: bool = False


def slack(*, url_env: str, channel: str | None = None, title: str | None = None, text: str | None = None) -> Receiver:
    """Slack incoming webhook; the webhook URL comes from environment variable ``url_env``."""
    checks.call("slack", locals())
    settings = {k: v for k, v in {"recipient": channel, "title": title, "text": text}.items() if v}
    return Receiver("slack", settings, {"url": url_env})


def webhook(*, url_env: str, http_method: str = "POST") -> Receiver:
    """A generic webhook; its URL comes from environment variable ``url_env``."""
    checks.call("webhook", locals())
    return Receiver("webhook", {"httpMethod": http_method}, {"url": url_env})


def email(*addresses: str, single_email: bool = False) -> Receiver:
    """E-mail to the given addresses."""
    checks.call("email", locals())
    checks.arguments("email", ("addresses", addresses, checks.items(checks.text(empty=False), "e-mail addresses")))
    return Receiver("email", {"addresses": ";".join(addresses), "singleEmail": single_email})


@dataclass
class ContactPoint:
    name: str
    receivers: list[Receiver]

    def __init__(self, name: str, *receivers: Receiver):
        checks.call("ContactPoint", locals(), skip=["self"])
        checks.arguments("ContactPoint", ("receivers", receivers,
                                          checks.items(checks.instance(Receiver, "slack(...), webhook(...) or email(...)"),
                                                       "receivers")))
        self.name = name
        self.receivers = list(receivers)
        remember(self)


@dataclass
class Route:
    """A child policy: alerts whose labels match ``matchers`` go to ``receiver``."""

    receiver: str
    matchers: dict[str, str] = field(default_factory=dict)
    group_by: list[str] | None = None
    continue_: bool = False
    routes: list["Route"] = field(default_factory=list)
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None

    def __post_init__(self) -> None:
        checks.call("Route", vars(self))
        checks.arguments("Route", ("routes", self.routes, checks.items(checks.instance(Route, "a Route(...)"), "routes")))


@dataclass
class Policy:
    """The root of the notification policy tree (one per organisation)."""

    receiver: str
    group_by: list[str] = field(default_factory=lambda: ["grafana_folder", "alertname"])
    routes: list[Route] = field(default_factory=list)
    group_wait: str = "30s"
    group_interval: str = "5m"
    repeat_interval: str = "4h"

    def __post_init__(self) -> None:
        checks.call("Policy", vars(self))
        checks.arguments("Policy", ("routes", self.routes, checks.items(checks.instance(Route, "a Route(...)"), "routes")),
                         ("group_wait", self.group_wait, checks.duration()),
                         ("group_interval", self.group_interval, checks.duration()),
                         ("repeat_interval", self.repeat_interval, checks.duration()))
        remember(self)
