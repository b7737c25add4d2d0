"""Parse a Grafana PromQL query: substitute macros, parse with promql-parser, locate errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import promql_parser

from ..macros import Substituted, substitute
from ..parse_error import QueryParseError
from ..query_limits import check_query


@dataclass
class PromQuery:
    original: str
    substituted: Substituted
    ast: promql_parser.Expr
    # rule helpers' shared results: they may depend on the query text alone, since one parse serves every
    # panel and rule using that text (gdash.lint.context.parse_query)
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def nodes(self) -> list[tuple[promql_parser.Expr, tuple[promql_parser.Expr, ...]]]:
        """Every node with its ancestors, computed once: promql-parser builds Python objects on
        each attribute access, so rules share this instead of walking the tree themselves."""
        from .tree import walk

        return walk(self.ast)

    @cached_property
    def facts(self) -> frozenset[str]:
        """What the tree holds, for rules' preconditions (:attr:`gdash.lint.rules.registry.Rule.needs`):
        its node kinds (``BinaryExpr``, ``Call``...), ``fn:NAME`` per function called, ``comparison``
        (a comparison operator) and ``regex`` (a ``=~``/``!~`` matcher)."""
        from .tree import COMPARISONS, all_matchers

        facts = set()
        for node, _ in self.nodes:
            facts.add(type(node).__name__)
            if isinstance(node, promql_parser.Call):
                facts.add("fn:" + node.func.name)
            elif isinstance(node, promql_parser.BinaryExpr):
                if str(node.op).lower() in COMPARISONS:
                    facts.add("comparison")
            elif isinstance(node, promql_parser.VectorSelector) and "regex" not in facts:
                if any(m.op in _REGEX_OPS for m in all_matchers(node)):
                    facts.add("regex")
        return frozenset(facts)

    @cached_property
    def calls(self) -> list[tuple[str, promql_parser.Call, tuple[promql_parser.Expr, ...]]]:
        """Every function call: (name, node, ancestors)."""
        return [(n.func.name, n, a) for n, a in self.nodes if isinstance(n, promql_parser.Call)]


_REGEX_OPS = (promql_parser.MatchOp.Re, promql_parser.MatchOp.NotRe)


def parse_promql(query: str) -> PromQuery:
    """Parse ``query`` as Grafana would send it; raise :class:`QueryParseError` if it is not PromQL."""
    substituted = substitute(query)
    try:
        check_query(substituted.text)  # linear; promql-parser is quadratic in depth
    except QueryParseError as error:
        raise QueryParseError(
            error.message, query, None if error.index is None else substituted.original_index(error.index)
        ) from None
    try:
        return PromQuery(query, substituted, _parse(substituted.text))
    except QueryParseError as error:
        first_error = error
    if any(v.context == "number" for v in substituted.variables):
        # `sum($metric)`: a lone variable can be a metric name rather than a number.
        retry = substitute(query, expression_identifiers=True)
        try:
            return PromQuery(query, retry, _parse(retry.text))
        except QueryParseError:
            pass
    index = _error_index(substituted.text, first_error.message)
    raise QueryParseError(first_error.message, query, None if index is None else substituted.original_index(index))


def _parse(text: str) -> promql_parser.Expr:
    try:
        return promql_parser.parse(text)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as error:  # the Rust extension raises ValueError, and PanicException on bugs
        raise QueryParseError(str(error) or type(error).__name__, text, None) from None


_QUOTED = re.compile(r"'([^']+)'")


def _error_index(text: str, message: str) -> int | None:
    """Best-effort position of a promql-parser error (its messages carry no positions)."""
    if message.startswith(
        ("unexpected end of input", "no expression found", "unterminated quoted", "escape sequence not terminated")
    ):
        return len(text.rstrip())
    if message.startswith("unclosed left parenthesis"):
        return _unbalanced(text, "(", ")", last_open=True)
    if message.startswith("unexpected right parenthesis"):
        return _unbalanced(text, "(", ")", last_open=False)
    if message.startswith("unexpected right brace"):
        return _unbalanced(text, "{", "}", last_open=False)
    fragments = _QUOTED.findall(message)
    if not fragments:
        fragments = [re.split(r": | for ", message)[-1]] if re.search(r": | for ", message) else []
    for fragment in reversed(fragments):
        pattern = re.escape(fragment)
        if fragment[:1].isalnum() or fragment[:1] == "_":
            pattern = rf"(?<![A-Za-z0-9_:]){pattern}"
        found = re.search(pattern, text)
        if found:
            return found.start()
    return _first_unviable_token(text) if message == "invalid promql query" else None


_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"?|\'(?:[^\'\\]|\\.)*\'?|`[^`]*`?|[A-Za-z_:][\w:]*|[0-9.][\w.]*'
    r"|=~|!~|!=|==|>=|<=|[-+*/%^<>=!@,(){}\[\]]|\S"
)
# Ways to finish a prefix of a valid query: an operand, a string, a label matcher... then closers.
_COMPLETIONS = ("", " x", ' "x"', '="x"', " 1", " (x)", " 5m")


def _first_unviable_token(text: str) -> int | None:
    """Where a generic syntax error is: the first token after which no simple completion parses.

    promql-parser's "invalid promql query" carries no position; a prefix of a valid query can be
    finished by adding an operand and closing brackets, so we binary-search the shortest prefix
    (at token boundaries) that cannot. Used only on that error path."""
    if len(text) > _LOCATE_MAX:  # each probe parses a prefix: keep the error path well under a second
        return None
    tokens = [m.span() for m in _TOKEN.finditer(text)]
    low, high = 0, len(tokens)  # the prefixes through tokens < low are viable; through `high`, not
    while low < high:
        middle = (low + high) // 2
        if _viable(text[: tokens[middle][1]]):
            low = middle + 1
        else:
            high = middle
    return tokens[low][0] if low < len(tokens) else len(text.rstrip())


_LOCATE_MAX = 2000  # characters; longer queries get the message without a position


_SYNTAX_ERRORS = (
    "invalid promql query",
    "unexpected",
    "unclosed",
    "bad number",
    "unterminated",
    "escape sequence",
    "no expression found",
    "invalid syntax",
    "missing unit",
    "not a valid duration",
    "trailing commas",
)


def _viable(prefix: str) -> bool:
    """Whether some completion of ``prefix`` is syntactically valid (type errors do not count)."""
    for completion in _COMPLETIONS:
        candidate = prefix + completion
        closed = candidate + _closers(candidate)
        for tail in ("", " (x)"):
            try:
                _parse(closed + tail)
                return True
            except QueryParseError as error:
                if not error.message.startswith(_SYNTAX_ERRORS):
                    return True
    return False


def _closers(text: str) -> str:
    stack = []
    quote = None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            stack.append({"(": ")", "[": "]", "{": "}"}[char])
        elif char in ")]}" and stack:
            stack.pop()
    return (quote or "") + "".join(reversed(stack))


def _unbalanced(text: str, open_char: str, close_char: str, *, last_open: bool) -> int | None:
    stack: list[int] = []
    quote = None
    for i, ch in enumerate(text):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'`":
            quote = ch
        elif ch == open_char:
            stack.append(i)
        elif ch == close_char:
            if not stack:
                return None if last_open else i
            stack.pop()
    return stack[-1] if last_open and stack else None
