"""Which rules run, at which severity, and what is suppressed: gdash.yaml ``lint:``, CLI options, comments.

gdash.yaml::

    lint:
      disable: [DSH005]              # codes (or prefixes such as DSH) switched off everywhere
      severity: {DSH003: warning}    # change a rule's severity
      scrape_interval: 30s           # enables PQL007
      max_log_range: 1d              # LQL006 threshold
      counters: ["myapp_requests"]   # regexes of counters without a _total/_count/_sum/_bucket suffix
      high_cardinality_labels: [tenant_request]   # added to LQL005's list
      loki_rules: ["rules/loki/**"]  # rule files (path globs) whose expressions are LogQL
      ignore:                        # targeted suppressions; each entry needs codes
        - {path: "dashboards/legacy_*.py", codes: [PQL011]}
        - {dashboard: api-overview, codes: [DSH003]}
        - {rule: HighCPUUsage, codes: [ALR005]}

Inline, on the line of the query in the Python source (or YAML rule file): ``# gdash: ignore[PQL003]``;
``# gdash: ignore`` without codes silences every rule on that line.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Location
from .context import Settings
from .findings import SEVERITIES, Finding
from .goregex import compile_go_regex
from .rules import RULES

_KEYS = {
    "counters",
    "disable",
    "severity",
    "scrape_interval",
    "max_log_range",
    "high_cardinality_labels",
    "ignore",
    "loki_rules",
}
DIALECTS = ("prometheus", "loki")
_IGNORE_KEYS = {"path", "dashboard", "rule", "codes"}
_INLINE = re.compile(r"#\s*gdash:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


@dataclass(frozen=True)
class IgnoreEntry:
    codes: tuple[str, ...]
    path: str | None = None
    dashboard: str | None = None
    rule: str | None = None

    def matches(self, finding: Finding) -> bool:
        if not _code_matches(finding.code, self.codes):
            return False
        if self.path is not None and not (
            fnmatch.fnmatch(finding.path, self.path) or finding.path.startswith(self.path.rstrip("/") + "/")
        ):
            return False
        if self.dashboard is not None and finding.dashboard != self.dashboard:
            return False
        return self.rule is None or finding.rule == self.rule


@dataclass(frozen=True)
class LintConfig:
    settings: Settings = field(default_factory=Settings)
    disabled: tuple[str, ...] = ()
    severities: dict[str, str] = field(default_factory=dict)
    ignores: tuple[IgnoreEntry, ...] = ()
    select: tuple[str, ...] = ()  # CLI --select: only these codes/prefixes
    cli_ignore: tuple[str, ...] = ()  # CLI --ignore
    loki_rules: tuple[str, ...] = ()  # gdash.yaml lint.loki_rules: path globs of Loki (LogQL) rule files
    dialect: str | None = None  # CLI --dialect: every rule file is prometheus or loki

    def file_dialect(self, path: str) -> tuple[str, str] | None:
        """(dialect, why) forced for the rule file at ``path`` by --dialect or lint.loki_rules; None: decide per file."""
        if self.dialect:
            return self.dialect, f"--dialect {self.dialect}"
        for pattern in self.loki_rules:
            if fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("*/").rstrip("/") + "/"):
                return "loki", f"lint.loki_rules {pattern!r}"
        return None

    def enabled(self, code: str) -> bool:
        if self.select and not _code_matches(code, self.select):
            return False
        return not _code_matches(code, self.disabled + self.cli_ignore)

    def severity(self, code: str) -> str:
        return self.severities.get(code, RULES[code].severity)

    def with_cli(
        self, select: Iterable[str] = (), ignore: Iterable[str] = (), dialect: str | None = None
    ) -> LintConfig:
        if dialect is not None and dialect not in DIALECTS:
            raise ConfigError(f"--dialect: {dialect!r} is not one of {', '.join(DIALECTS)}")
        return replace(
            self,
            select=_codes(select, "--select", None),
            cli_ignore=_codes(ignore, "--ignore", None),
            dialect=dialect or self.dialect,
        )


def _code_matches(code: str, patterns: Iterable[str]) -> bool:
    return any(code == p or (p and code.startswith(p) and not p[-1].isdigit()) for p in patterns)


def _codes(values: Iterable[str], what: str, location: Location | None) -> tuple[str, ...]:
    codes: list[str] = []
    for value in values:
        for code in str(value).replace(",", " ").split():
            code = code.upper()
            if not any(_code_matches(known, [code]) for known in RULES):
                raise ConfigError(
                    f"{what}: unknown rule code {code!r} (LNT002)",
                    location=location,
                    hint="`gdash rules` lists the codes; a prefix such as PQL selects a family",
                )
            codes.append(code)
    return tuple(codes)


def _duration(value: Any, key: str, location: Location) -> timedelta:
    from .logql.lexer import DURATION  # LogQL's durations; the parser loads only when a setting is given
    from .logql.parser import parse_duration

    text = str(value).strip()
    if not DURATION.fullmatch(text):
        raise ConfigError(
            f"lint.{key}: {value!r} is not a duration", location=location, hint="write e.g. 30s, 1m or 1d"
        )
    try:
        return parse_duration(text)
    except ValueError as error:
        raise ConfigError(f"lint.{key}: {error}", location=location) from None


def load_lint_config(raw: dict[str, Any] | None, config_path: Path | None = None) -> LintConfig:
    """Validate and read gdash.yaml's ``lint:`` mapping (``raw``)."""
    location = Location(str(config_path) if config_path else "gdash.yaml")
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ConfigError("lint: expected a mapping", location=location, hint="see docs/lint.md")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ConfigError(
            f"lint: unknown key {unknown[0]!r}", location=location, hint=f"known keys: {', '.join(sorted(_KEYS))}"
        )
    settings = Settings()
    if raw.get("scrape_interval") is not None:
        settings = replace(settings, scrape_interval=_duration(raw["scrape_interval"], "scrape_interval", location))
    if raw.get("max_log_range") is not None:
        settings = replace(settings, max_log_range=_duration(raw["max_log_range"], "max_log_range", location))
    extra = raw.get("high_cardinality_labels") or []
    if not isinstance(extra, list):
        raise ConfigError("lint.high_cardinality_labels: expected a list of label names", location=location)
    settings = replace(
        settings, high_cardinality_labels=settings.high_cardinality_labels | {str(x).lower() for x in extra}
    )
    counters = raw.get("counters") or []
    if not isinstance(counters, list):
        raise ConfigError("lint.counters: expected a list of metric-name regexes", location=location)
    for pattern in counters:
        try:
            compile_go_regex(str(pattern))  # also bounds nesting (RecursionError) and size
        except re.error as error:
            raise ConfigError(f"lint.counters: invalid regex {pattern!r}: {error}", location=location) from None
    settings = replace(settings, counters=settings.counters + tuple(str(p) for p in counters))
    severities = {}
    for code, severity in (raw.get("severity") or {}).items():
        (code,) = _codes([code], "lint.severity", location)
        if severity not in SEVERITIES:
            raise ConfigError(
                f"lint.severity.{code}: {severity!r} is not one of {', '.join(SEVERITIES)}", location=location
            )
        severities[code] = severity
    ignores = []
    for entry in raw.get("ignore") or []:
        if not isinstance(entry, dict) or not entry.get("codes") or set(entry) - _IGNORE_KEYS:
            raise ConfigError(
                f"lint.ignore: invalid entry {entry!r}",
                location=location,
                hint="each entry is a mapping with codes: [...] and path, dashboard or rule",
            )
        codes = entry["codes"] if isinstance(entry["codes"], list) else [entry["codes"]]
        ignores.append(
            IgnoreEntry(
                _codes(codes, "lint.ignore", location), entry.get("path"), entry.get("dashboard"), entry.get("rule")
            )
        )
    disabled = raw.get("disable") or []
    loki_rules = raw.get("loki_rules") or []
    if not isinstance(loki_rules, list) or not all(isinstance(g, str) for g in loki_rules):
        raise ConfigError(
            "lint.loki_rules: expected a list of path globs",
            location=location,
            hint='e.g. loki_rules: ["rules/loki/**"]',
        )
    return LintConfig(
        settings,
        _codes(disabled if isinstance(disabled, list) else [disabled], "lint.disable", location),
        severities,
        tuple(ignores),
        loki_rules=tuple(loki_rules),
    )


def inline_ignores(line: str) -> tuple[str, ...] | None:
    """Codes silenced by a ``# gdash: ignore[...]`` comment on ``line``; () means all; None means no comment."""
    match = _INLINE.search(line)
    if not match:
        return None
    return tuple(c.strip().upper() for c in (match.group(1) or "").split(",") if c.strip())


def unknown_inline_codes(text: str) -> list[tuple[int, str]]:
    """(line, code) for every code in a ``# gdash: ignore[...]`` comment of ``text`` that names no rule."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for code in inline_ignores(line) or ():
            if not any(_code_matches(known, [code]) for known in RULES):
                found.append((number, code))
    return found


class SourceLines:
    """Reads source lines for inline suppressions, each file once."""

    def __init__(self, root: Path | None):
        self.root = root
        self._cache: dict[str, list[str]] = {}

    def line(self, path: str, number: int | None) -> str:
        if not number:
            return ""
        if path not in self._cache:
            file = Path(path) if self.root is None or Path(path).is_absolute() else self.root / path
            try:
                self._cache[path] = file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._cache[path] = []
        lines = self._cache[path]
        return lines[number - 1] if 0 < number <= len(lines) else ""


def suppressed(finding: Finding, config: LintConfig, lines: SourceLines) -> bool:
    if any(entry.matches(finding) for entry in config.ignores):
        return True
    codes = inline_ignores(lines.line(finding.path, finding.line))
    return codes is not None and (not codes or _code_matches(finding.code, codes))
