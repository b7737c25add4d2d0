"""Human-readable rule documentation for `gdash rules` and the README."""
from __future__ import annotations

from ..errors import ConfigError
from .rules import RULES


def rule_table() -> str:
    """One line per rule: code, default severity, scope, summary."""
    return "".join(f"{r.code}  {r.severity:<7}  {r.scope:<9}  {r.summary}\n" for r in sorted(RULES.values(), key=lambda r: r.code))


def describe_rule(code: str) -> str:
    rule = RULES.get(code.upper())
    if rule is None:
        raise ConfigError(f"unknown rule code {code!r}", hint="`gdash rules` lists every code")
    return f"{rule.code} ({rule.severity}, {rule.scope}): {rule.summary}\n\n{rule.doc}\n"


def rule_codes() -> list[str]:
    """Every registered rule code, sorted."""
    return sorted(RULES)


def render_rule_page(code: str) -> str:
    """One markdown page for a rule (for the docs site): title, severity, scope and documentation."""
    rule = RULES.get(code.upper())
    if rule is None:
        raise ConfigError(f"unknown rule code {code!r}", hint="`gdash rules` lists every code")
    return (f"# {rule.code}: {rule.summary}\n\n*Default severity:* {rule.severity} · *scope:* {rule.scope}\n\n"
            f"{rule.doc}\n\n## How to disable\n\n`# gdash: ignore[{rule.code}]` on the line, "
            f"`lint: {{disable: [{rule.code}]}}` in gdash.yaml, or `--ignore {rule.code}`.\n")


def markdown_table() -> str:
    """The README's rule table (regenerate with `python -m gdash.lint.catalog`)."""
    rows = ["| Code | Severity | Checks |", "| --- | --- | --- |"]
    rows += [f"| {r.code} | {r.severity} | {r.summary.replace('|', chr(92) + '|')} |" for r in sorted(RULES.values(), key=lambda r: r.code)]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown_table(), end="")
