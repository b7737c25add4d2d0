"""The rule registry: every check has a code, a default severity, a summary and documentation."""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable, Iterable

from ..findings import SEVERITIES, Issue

SCOPES = ("promql", "logql", "dashboard", "alert", "file")


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    summary: str
    scope: str  # promql, logql (one query), dashboard (one model), alert (one alert rule)
    check: Callable[..., Iterable[Issue]]
    on_parse_error: bool = False  # query rules normally run only on queries that parsed

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or self.summary)


RULES: dict[str, Rule] = {}


def rule(code: str, severity: str, summary: str, scope: str, *, on_parse_error: bool = False):
    """Register the decorated check; its docstring is the rule's documentation (`gdash rules CODE`)."""
    assert severity in SEVERITIES and scope in SCOPES and code not in RULES, code

    def register(check: Callable[..., Iterable[Issue]]):
        RULES[code] = Rule(code, severity, summary, scope, check, on_parse_error)
        return check

    return register


def rules_for(scope: str) -> list[Rule]:
    return [r for r in RULES.values() if r.scope == scope]
