"""The rule registry: every check has a code, a default severity, a summary and documentation."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..findings import SEVERITIES, Issue

SCOPES = ("promql", "logql", "dashboard", "alert", "file")
# Every rule's documentation (its docstring) has these sections, each a paragraph starting "Label:".
SECTIONS = ("What", "Why", "Bad", "Fix", "Configure")
_SECTION = re.compile(r"^(" + "|".join(SECTIONS) + r"):\s*", re.MULTILINE)


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    summary: str
    scope: str  # promql, logql (one query), dashboard (one model), alert (one alert rule)
    check: Callable[..., Iterable[Issue]]
    on_parse_error: bool = False  # query rules normally run only on queries that parsed
    online: bool = False  # needs a live server (gdash lint --prometheus URL); never runs offline
    # promql rules: run only on queries whose facts (PromQuery.facts: node kinds, "fn:NAME", "regex")
    # include one of these; empty: always run. A cheap precondition instead of a walk that finds nothing.
    needs: frozenset[str] = frozenset()

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or self.summary)

    @property
    def sections(self) -> dict[str, str]:
        """The documentation's sections (What, Why, Bad, Fix, Configure) as text, in that order."""
        parts = _SECTION.split(self.doc)
        found = {parts[i]: " ".join(parts[i + 1].split()) for i in range(1, len(parts) - 1, 2)}
        return {name: found[name][:1].upper() + found[name][1:] for name in SECTIONS if found.get(name)}

    @property
    def hint(self) -> str:
        """The short fix hint findings carry: the first sentence of the Fix section."""
        fix = self.sections.get("Fix", "")
        match = re.match(r"(.+?[.!])(\s|$)", fix)
        return (match.group(1) if match else fix).strip()


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    severity: str,
    summary: str,
    scope: str,
    *,
    on_parse_error: bool = False,
    online: bool = False,
    needs: Iterable[str] = (),
):
    """Register the decorated check; its docstring is the rule's documentation (`gdash rules CODE`).
    ``needs``: the query facts without which the check finds nothing (see :attr:`Rule.needs`)."""
    assert severity in SEVERITIES and scope in SCOPES and code not in RULES, code

    def register(check: Callable[..., Iterable[Issue]]):
        RULES[code] = Rule(code, severity, summary, scope, check, on_parse_error, online, frozenset(needs))
        return check

    return register


def online_rule(code: str, severity: str, summary: str, scope: str = "promql"):
    """Register an online-only rule (``gdash lint --prometheus URL``): its check lives with the live
    client (:mod:`gdash.livecheck`), so offline runs never report it; the decorated function only
    documents it (its docstring, as for every rule)."""

    def register(documented: Callable[..., object]):
        @functools.wraps(documented)  # its name, module and docstring: the rule's, as for every rule
        def offline(_: object) -> Iterator[Issue]:
            return iter(())

        rule(code, severity, summary, scope, online=True)(offline)
        return documented

    return register


def rules_for(scope: str) -> list[Rule]:
    """The offline rules of ``scope`` (online rules run through their own live check)."""
    return [r for r in RULES.values() if r.scope == scope and not r.online]
