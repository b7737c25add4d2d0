"""Grafana macro and template-variable substitution for query parsing.

Grafana expands ``$__rate_interval``, ``$var``, ``${var:regex}``, ``[[var]]`` and friends before a
query reaches Prometheus or Loki, so the raw panel text is not valid PromQL/LogQL. We replace every
reference with a placeholder that is valid where it stands — a duration inside ``[...]`` or after
``offset``, a string inside quotes, a label name inside ``{...}`` or ``by (...)``, a number elsewhere —
and keep a map from each character of the rewritten text back to the original, so that a parser
error column points into what the user wrote.

Placeholders are recognisable afterwards: names and strings contain :data:`PLACEHOLDER_MARK`, and a
duration placeholder is ``SENTINEL_DAYS + n`` days, decodable with :meth:`Substituted.variable_for_duration`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import timedelta

PLACEHOLDER_MARK = "gdashvar"
# Durations no real query uses (~270 years); placeholder n is SENTINEL_DAYS + n days.
SENTINEL_DAYS = 99000

_VARIABLE = re.compile(
    r"\$\{(?P<braced>[A-Za-z0-9_.]+)(?::(?P<bfmt>[^}]*))?\}"
    r"|\[\[(?P<bracketed>[A-Za-z0-9_.]+)(?::(?P<kfmt>[^\]]*))?\]\]"
    r"|\$(?P<plain>[A-Za-z0-9_]+)"
)
_GROUPING_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
_IDENT_CHAR = re.compile(r"[A-Za-z0-9_:]")


@dataclass(frozen=True)
class Variable:
    """One macro/variable reference in the original text."""

    name: str  # without `$`, e.g. "__rate_interval", "job"
    start: int
    end: int
    context: str  # "string", "duration", "label", "matcher", "number", "identifier"
    placeholder: str


@dataclass
class Substituted:
    """The parseable text plus what is needed to map back to the original."""

    original: str
    text: str
    # (start in text, start in original, is a placeholder), ascending; a placeholder maps to its variable
    segments: list[tuple[int, int, bool]] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)

    def original_index(self, index: int) -> int:
        index = max(0, min(index, len(self.text)))
        if not self.segments:
            return index
        position = bisect_right(self.segments, (index, float("inf"), True)) - 1
        if position < 0:
            return index
        text_start, original_start, placeholder = self.segments[position]
        return original_start if placeholder else original_start + index - text_start

    def variable_for_duration(self, value: timedelta | None) -> Variable | None:
        """The variable a placeholder duration stands for, if ``value`` is one."""
        if value is None or value.seconds or value.microseconds:
            return None
        n = value.days - SENTINEL_DAYS
        durations = [v for v in self.variables if v.context == "duration"]
        return durations[n] if 0 <= n < len(durations) else None


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of ``index`` in ``text``."""
    before = text[:index]
    line = before.count("\n") + 1
    return line, index - (before.rfind("\n") + 1) + 1


def is_placeholder(value: str) -> bool:
    return PLACEHOLDER_MARK in value


_SCAN = re.compile(
    r"(?P<variable>" + _VARIABLE.pattern + r")"
    r"|(?P<string>\"(?:[^\"\\\n]|\\.)*\"?|'(?:[^'\\\n]|\\.)*'?|`[^`]*`?)"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<bracket>[\[\]{}()])"
)


def substitute(query: str, *, expression_identifiers: bool = False) -> Substituted:
    """Replace Grafana variables in ``query`` with context-appropriate placeholders.

    ``expression_identifiers`` makes a variable standing alone in an expression a metric name
    instead of a number; callers retry with it when the number reading does not parse
    (``sum($metric)`` vs ``x > $threshold``).
    """
    if "$" not in query and "[[" not in query:
        return Substituted(query, query)
    state = _ScanState(query, expression_identifiers)
    for match in _SCAN.finditer(query):
        kind = match.lastgroup
        if kind == "variable":
            state.replace(match, quote=None)
        elif kind == "string":
            for inner in _VARIABLE.finditer(query, match.start() + 1, max(match.start() + 1, match.end() - 1)):
                state.replace(inner, quote=query[match.start()])
        elif kind == "bracket":
            state.bracket(match.group(), match.start())
    return state.result()


class _ScanState:
    def __init__(self, query: str, expression_identifiers: bool):
        self.query = query
        self.expression_identifiers = expression_identifiers
        self.pieces: list[str] = []
        self.segments: list[tuple[int, int, bool]] = [(0, 0, False)]
        self.variables: list[Variable] = []
        self.copied = 0  # original text copied up to here
        self.length = 0  # length of the rewritten text so far
        self.brackets = self.braces = 0
        self.parens: list[int] = []  # positions of the open parens
        self.durations = 0

    def bracket(self, char: str, index: int) -> None:
        if char == "[":
            self.brackets += 1
        elif char == "]":
            self.brackets = max(0, self.brackets - 1)
        elif char == "{":
            self.braces += 1
        elif char == "}":
            self.braces = max(0, self.braces - 1)
        elif char == "(":
            self.parens.append(index)
        elif self.parens:
            self.parens.pop()

    def replace(self, match: re.Match[str], quote: str | None) -> None:
        query = self.query
        start, end = match.span()
        name = match.group("braced") or match.group("bracketed") or match.group("plain")
        context = (
            "string"
            if quote
            else _context(query, start, end, self.brackets, self.braces, self.parens, self.expression_identifiers)
        )
        placeholder = _placeholder(context, len(self.variables), self.durations)
        self.durations += context == "duration"
        self.variables.append(Variable(name, start, end, context, placeholder))
        self.pieces.append(query[self.copied : start])
        self.length += start - self.copied
        self.segments.append((self.length, start, True))
        self.pieces.append(placeholder)
        self.length += len(placeholder)
        self.segments.append((self.length, end, False))
        self.copied = end

    def result(self) -> Substituted:
        self.pieces.append(self.query[self.copied :])
        return Substituted(self.query, "".join(self.pieces), self.segments, self.variables)


def _previous_word(text: str, index: int) -> str:
    end = index
    while end and text[end - 1].isspace():
        end -= 1
    start = end
    while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:end]


def _context(
    query: str,
    start: int,
    end: int,
    brackets: int,
    braces: int,
    parens: list[int],
    expression_identifiers: bool,
) -> str:
    if brackets:
        return "duration"
    before = query[start - 1] if start else ""
    after = query[end] if end < len(query) else ""
    following = query[end:].lstrip()[:1]
    if braces:
        return "label" if following in ("=", "!") or _IDENT_CHAR.match(after or " ") else "matcher"
    if query[:start].rstrip().endswith("|") and following in ("", "|", "[", ")"):
        return "matcher"  # LogQL `| $filters`: a whole label-filter stage
    if parens and _previous_word(query, parens[-1]) in _GROUPING_KEYWORDS:
        return "label"  # by (...), without (...), on (...), group_left (...)
    if _previous_word(query, start) == "offset":
        return "duration"
    glued = bool(before and _IDENT_CHAR.match(before)) or bool(after and _IDENT_CHAR.match(after))
    if glued or following in ("{", "[") or expression_identifiers:
        return "identifier"
    return "number"


def _placeholder(context: str, index: int, duration_index: int) -> str:
    if context == "duration":
        return f"{SENTINEL_DAYS + duration_index}d"
    if context == "number":
        return "1"
    if context == "matcher":
        return f'__{PLACEHOLDER_MARK}{index}__="{PLACEHOLDER_MARK}"'
    return f"__{PLACEHOLDER_MARK}{index}__"
