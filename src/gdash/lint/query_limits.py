"""Bounds on a PromQL/LogQL query before any parser sees it: one linear scan.

promql-parser's cost grows with the square of the tree's depth (a chain of 800 ``+`` takes about a
second, 6,000 nested parentheses tens of seconds), and recursive-descent parsers and tree walkers
exhaust the Python stack on deep nesting. So every query is scanned once, in linear time, for
its bracket nesting, its number of operators and of LogQL pipeline stages, and refused with a
clear error beyond :data:`MAX_NESTING` / :data:`MAX_OPERATORS` / :data:`MAX_STAGES`, far above what hand-written queries need (the
kube-prometheus and awesome-prometheus-alerts rules stay under 10 levels and 40 operators).
"""

from __future__ import annotations

import re

from .parse_error import QueryParseError

MAX_NESTING = 64
MAX_OPERATORS = 200
MAX_STAGES = 200  # LogQL pipeline stages (`|=`, `| json`, ...): the parser is linear, but slow per token

# strings (unterminated ones run to the end), brackets, words, binary operators; anything else is skipped
_SCAN = re.compile(
    r'"(?:[^"\\\n]|\\.)*"?|\'(?:[^\'\\\n]|\\.)*\'?|`[^`]*`?|(?P<open>[(\[{])|(?P<close>[)\]}])'
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_:]*)|(?P<op>==|!=|>=|<=|[-+*/%^<>])|(?P<pipe>\|)",
    re.DOTALL,
)
_WORD_OPERATORS = frozenset({"and", "or", "unless", "atan2"})


def _surely_within_limits(text: str) -> bool:
    """True when counting characters (C-speed upper bounds of what the scan counts) already shows
    every limit is kept; most queries are decided here."""
    if text.count("(") + text.count("[") + text.count("{") > MAX_NESTING or text.count("|") > MAX_STAGES:
        return False
    lower = text.lower()
    operators = sum(text.count(char) for char in "-+*/%^<>=!") + sum(lower.count(w) for w in _WORD_OPERATORS)
    return operators <= MAX_OPERATORS


def check_query(text: str) -> None:
    """Raise :class:`QueryParseError` when ``text`` nests deeper or has more operators than allowed."""
    if not _surely_within_limits(text):
        _scan(text)


def _scan(text: str) -> None:
    depth = 0
    operators = 0
    stages = 0
    braces = 0  # inside {...}: label matchers, whose `=`/`!=` are not operators
    for match in _SCAN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            braces += match.group() == "{"
            if depth > MAX_NESTING:
                raise QueryParseError(f"the query nests brackets deeper than {MAX_NESTING} levels", text, match.start())
        elif kind == "close":
            depth = max(0, depth - 1)
            braces = max(0, braces - (match.group() == "}"))
        elif braces:
            continue
        elif kind == "pipe":
            stages += 1
            if stages > MAX_STAGES:
                raise QueryParseError(f"the query has more than {MAX_STAGES} pipeline stages", text, match.start())
        elif kind == "op" or (kind == "word" and match.group().lower() in _WORD_OPERATORS):
            operators += 1
            if operators > MAX_OPERATORS:
                raise QueryParseError(
                    f"the query has more than {MAX_OPERATORS} operators; split it (e.g. into recording rules)",
                    text,
                    match.start(),
                )
