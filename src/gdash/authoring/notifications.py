"""Notification routing: contact points and the notification policy tree.

grafanalib has no models for these, so gdash keeps two small ones. Secrets (webhook URLs, tokens)
are never written into a dashboard-as-code repository: a receiver names the environment variable
that holds them (``url_env=``), compiled as ``${VAR}`` (Grafana interpolates it in provisioning
files; ``gdash push`` resolves it from the environment).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
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


def _settings(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "")}


def pagerduty(*, routing_key_env: str, severity: str = "critical", summary: str | None = None) -> Receiver:
    """PagerDuty Events API v2; the integration (routing) key comes from environment variable ``routing_key_env``."""
    checks.call("pagerduty", locals())
    return Receiver("pagerduty", _settings(severity=severity, summary=summary), {"integrationKey": routing_key_env})


def teams(*, url_env: str, title: str | None = None, message: str | None = None) -> Receiver:
    """Microsoft Teams incoming webhook (Workflows or connector URL from ``url_env``).

    Alertmanager export needs Alertmanager 0.26 or later (``msteams_configs``).
    """
    checks.call("teams", locals())
    return Receiver("teams", _settings(title=title, message=message), {"url": url_env})


def opsgenie(
    *,
    api_key_env: str,
    api_url: str = "https://api.opsgenie.com/",
    message: str | None = None,
    description: str | None = None,
) -> Receiver:
    """Opsgenie alerts API; the API key comes from ``api_key_env`` (EU accounts: api_url='https://api.eu.opsgenie.com/')."""
    checks.call("opsgenie", locals())
    return Receiver(
        "opsgenie", _settings(apiUrl=api_url, message=message, description=description), {"apiKey": api_key_env}
    )


def telegram(
    *, bot_token_env: str, chat_id: int | str, message: str | None = None, parse_mode: str | None = None
) -> Receiver:
    """A Telegram bot posting to ``chat_id``; the bot token comes from ``bot_token_env``."""
    checks.call("telegram", locals())
    if not str(chat_id).lstrip("-").isdigit():
        raise ValueError(f"telegram chat_id must be a number (e.g. -1001234567890), not {chat_id!r}")
    if parse_mode not in (None, "HTML", "Markdown", "MarkdownV2"):
        raise ValueError(f"telegram parse_mode must be HTML, Markdown or MarkdownV2, not {parse_mode!r}")
    return Receiver(
        "telegram", _settings(chatid=str(chat_id), message=message, parse_mode=parse_mode), {"bottoken": bot_token_env}
    )


def discord(*, url_env: str, title: str | None = None, message: str | None = None) -> Receiver:
    """A Discord channel webhook; its URL comes from environment variable ``url_env``."""
    checks.call("discord", locals())
    return Receiver("discord", _settings(title=title, message=message), {"url": url_env})


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
        checks.arguments(
            "ContactPoint",
            (
                "receivers",
                receivers,
                checks.items(checks.instance(Receiver, "slack(...), webhook(...) or email(...)"), "receivers"),
            ),
        )
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
    routes: list[Route] = field(default_factory=list)
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    mute_timings: list[str] = field(default_factory=list)  # names of MuteTiming(...)s that silence this route

    def __post_init__(self) -> None:
        checks.call("Route", vars(self))
        checks.arguments(
            "Route", ("routes", self.routes, checks.items(checks.instance(Route, "a Route(...)"), "routes"))
        )


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
        checks.arguments(
            "Policy",
            ("routes", self.routes, checks.items(checks.instance(Route, "a Route(...)"), "routes")),
            ("group_wait", self.group_wait, checks.duration()),
            ("group_interval", self.group_interval, checks.duration()),
            ("repeat_interval", self.repeat_interval, checks.duration()),
        )
        remember(self)


# --- inhibition (Alertmanager) ----------------------------------------------------------------
Matchers = Mapping[str, "str | Sequence[str]"]


def _matchers(what: str, matchers: Matchers) -> tuple[tuple[str, str, str], ...]:
    """``{"severity": "critical", "alertname": ["A", "B"]}`` -> ((label, op, value), ...), sorted.

    A string is an equality matcher; a list of values matches any of them (``=~"A|B"``).
    """
    if not isinstance(matchers, Mapping) or not matchers:
        raise ValueError(f"{what} must be a non-empty dict of label -> value (or list of values)")
    result = []
    for label, value in matchers.items():
        if not isinstance(label, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", label):
            raise ValueError(f"{what}: {label!r} is not a label name")
        if isinstance(value, str):
            result.append((label, "=", value))
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
            result.append((label, "=~", "|".join(re.escape(v) for v in value)))
        else:
            raise ValueError(f"{what}: the value of {label!r} must be a string or a non-empty list of strings")
    return tuple(sorted(result))


@dataclass
class Inhibit:
    """While an alert matching ``source`` fires, alerts matching ``target`` are not notified.

    ``equal`` names labels whose values must be the same on both (``instance``: the same host).
    Alertmanager only: Grafana-managed alerting has no inhibition, so the seed rules avoid
    double pages by design there (see docs/notifications.md).
    """

    source: tuple[tuple[str, str, str], ...]
    target: tuple[tuple[str, str, str], ...]
    equal: list[str]

    def __init__(self, *, source: Matchers, target: Matchers, equal: Iterable[str] = ()):
        self.source = _matchers("Inhibit source", source)
        self.target = _matchers("Inhibit target", target)
        self.equal = list(equal)
        if any(not isinstance(label, str) or not label for label in self.equal):
            raise ValueError("Inhibit equal must be a list of label names")
        remember(self)


# --- mute timings ----------------------------------------------------------------------------
_WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _ranges(what: str, items: Iterable[str], parse) -> list[str]:
    """Check ``a`` / ``a:b`` items with ``parse`` (ValueError with ``what`` on a bad one)."""
    checked = []
    for item in items:
        if not isinstance(item, str) or not item:
            raise ValueError(f"{what}: {item!r} is not a string")
        parts = item.lower().split(":")
        if len(parts) > 2:
            raise ValueError(f"{what}: {item!r} is not a value or a start:end range")
        values = [parse(part) for part in parts]
        if len(values) == 2 and values[0] > values[1] and not (values[0] < 0 <= values[1]):
            raise ValueError(f"{what}: range {item!r} ends before it starts")
        checked.append(item.lower())
    return checked


def _named(names: tuple[str, ...], what: str, low: int):
    def parse(part: str) -> int:
        if part in names:
            return names.index(part) + low
        if part.isdigit() and what == "months" and 1 <= int(part) <= 12:
            return int(part)
        raise ValueError(f"{what}: {part!r} is not one of {', '.join(names)}")

    return parse


def _day(part: str) -> int:
    if re.fullmatch(r"-?[0-9]+", part) and 1 <= abs(int(part)) <= 31:
        return int(part)
    raise ValueError(f"days_of_month: {part!r} is not a day 1..31 (or -31..-1 counting from the month's end)")


def _year(part: str) -> int:
    if re.fullmatch(r"[0-9]{4}", part):
        return int(part)
    raise ValueError(f"years: {part!r} is not a four-digit year")


@dataclass(frozen=True)
class TimeInterval:
    """When a mute timing applies: all given fields must match (an empty field matches always).

    ``times`` are ``(start, end)`` pairs in ``HH:MM`` (end exclusive, ``24:00`` allowed);
    ``weekdays`` (``monday``, ``monday:friday``), ``days_of_month`` (``1``, ``1:7``, ``-1`` = last),
    ``months`` (``january``, ``1:3``), ``years`` (``2025:2026``); ``location`` an IANA time zone.
    The fields and their semantics are Alertmanager's ``time_intervals`` (Grafana's mute timings
    use the same model).
    """

    times: tuple[tuple[str, str], ...] = ()
    weekdays: tuple[str, ...] = ()
    days_of_month: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    location: str | None = None

    def __post_init__(self) -> None:
        times = tuple(tuple(pair) for pair in self.times)
        for pair in times:
            if len(pair) != 2 or not all(isinstance(t, str) and _TIME.match(t) for t in pair):
                raise ValueError(f"times: {pair!r} is not a (start, end) pair of HH:MM times")
            if _minutes(pair[0]) >= _minutes(pair[1]):
                raise ValueError(
                    f"times: {pair[0]}-{pair[1]} ends before it starts; split a range over "
                    "midnight in two, e.g. ('22:00', '24:00') and ('00:00', '06:00')"
                )
        object.__setattr__(self, "times", times)
        object.__setattr__(
            self, "weekdays", tuple(_ranges("weekdays", self.weekdays, _named(_WEEKDAYS, "weekdays", 0)))
        )
        object.__setattr__(self, "days_of_month", tuple(_ranges("days_of_month", self.days_of_month, _day)))
        object.__setattr__(self, "months", tuple(_ranges("months", self.months, _named(_MONTHS, "months", 1))))
        object.__setattr__(self, "years", tuple(_ranges("years", self.years, _year)))
        if self.location is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(self.location)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"location {self.location!r} is not an IANA time zone (e.g. 'Europe/Berlin', 'UTC')"
                ) from None

    def to_json(self) -> dict[str, Any]:
        """The interval in Alertmanager's (and Grafana's provisioning) shape."""
        data: dict[str, Any] = {}
        if self.times:
            data["times"] = [{"start_time": start, "end_time": end} for start, end in self.times]
        for key in ("weekdays", "days_of_month", "months", "years"):
            if getattr(self, key):
                data[key] = list(getattr(self, key))
        if self.location:
            data["location"] = self.location
        return data


@dataclass
class MuteTiming:
    """A named set of time intervals during which the routes that reference it send nothing.

    ``MuteTiming("nights", times=[("22:00", "24:00"), ("00:00", "07:00")], location="Europe/Berlin")``
    is one interval; pass several ``TimeInterval(...)`` for a union. Reference it from a route with
    ``Route(..., mute_timings=["nights"])``.
    """

    name: str
    intervals: list[TimeInterval]

    def __init__(self, name: str, *intervals: TimeInterval, **interval: Any):
        if not isinstance(name, str) or not name.strip():
            raise ValueError("MuteTiming needs a name")
        if interval:
            fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in interval.items()}
            intervals = (*intervals, TimeInterval(**fields))
        if not intervals:
            raise ValueError(f"MuteTiming {name!r} has no time interval: it would mute nothing")
        self.name = name
        self.intervals = list(intervals)
        remember(self)
