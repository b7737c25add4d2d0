"""Recursive-descent LogQL parser following Loki's grammar and its parse-time validation."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta

from ..goregex import compile_go_regex, matches_empty
from ..macros import Substituted, substitute
from ..parse_error import QueryParseError
from ..query_limits import check_query
from . import ast
from .lexer import Token, tokenize

RANGE_OPS = {
    "rate",
    "rate_counter",
    "count_over_time",
    "bytes_rate",
    "bytes_over_time",
    "avg_over_time",
    "sum_over_time",
    "min_over_time",
    "max_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "quantile_over_time",
    "first_over_time",
    "last_over_time",
    "absent_over_time",
}
VECTOR_OPS = {
    "sum",
    "avg",
    "count",
    "max",
    "min",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "sort",
    "sort_desc",
    "approx_topk",
}
_PARAM_VECTOR_OPS = {"topk", "bottomk", "approx_topk"}
_GROUPING_RANGE_OPS = {
    "avg_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "quantile_over_time",
    "rate",
    "rate_counter",
    "max_over_time",
    "min_over_time",
    "first_over_time",
    "last_over_time",
}
_UNWRAP_RANGE_OPS = _GROUPING_RANGE_OPS | {"sum_over_time", "absent_over_time"}
_PLAIN_RANGE_OPS = {"bytes_over_time", "bytes_rate", "count_over_time", "rate", "absent_over_time"}
_PARSERS = {"json", "logfmt", "regexp", "pattern", "unpack"}
_STAGES = _PARSERS | {"line_format", "label_format", "drop", "keep", "decolorize", "distinct", "unwrap"}
_LINE_FILTER_OPS = ("|=", "!=", "|~", "!~", "|>", "!>")
_MATCH_OPS = ("=", "!=", "=~", "!~")
_COMPARISONS = ("==", "!=", ">", ">=", "<", "<=", "=")
_BINARY_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "unless": 2,
    "==": 3,
    "!=": 3,
    ">": 3,
    ">=": 3,
    "<": 3,
    "<=": 3,
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
    "^": 6,
}
_SET_OPS = {"or", "and", "unless"}
_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
    "y": 365 * 86400,
}


@dataclass
class LogQuery:
    """A parsed Grafana LogQL query: the tree plus the macro substitution it was parsed from."""

    original: str
    substituted: Substituted
    ast: ast.Expr


def parse_logql(query: str) -> LogQuery:
    """Parse ``query`` (Grafana macros allowed); raise :class:`QueryParseError` if Loki would reject it."""
    substituted = substitute(query)
    try:
        check_query(substituted.text)  # linear: bounds the parser's recursion and the tree's depth
        return LogQuery(query, substituted, _Parser(substituted.text).parse())
    except QueryParseError as error:
        first_error = error
    if any(v.context == "number" for v in substituted.variables):
        retry = substitute(query, expression_identifiers=True)
        try:
            return LogQuery(query, retry, _Parser(retry.text).parse())
        except QueryParseError:
            pass
    index = None if first_error.index is None else substituted.original_index(first_error.index)
    raise QueryParseError(first_error.message, query, index)


def parse_duration(text: str) -> timedelta:
    """A LogQL/Prometheus duration such as ``1h30m``; ``ValueError`` when it is out of range."""
    seconds = 0.0
    for number, unit in re.findall(r"([0-9.]+)(ns|us|µs|ms|s|m|h|d|w|y)", text):
        seconds += float(number) * _DURATION_UNITS[unit]
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f"duration {text!r} is out of range") from None


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0

    # -- token helpers ---------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tok
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def error(self, message: str, token: Token | None = None) -> QueryParseError:
        token = token or self.tok
        return QueryParseError(message, self.text, token.start)

    def unexpected(self, expecting: str | None = None) -> QueryParseError:
        suffix = f", expecting {expecting}" if expecting else ""
        return self.error(f"syntax error: unexpected {self.tok.describe()}{suffix}")

    def expect_op(self, op: str) -> Token:
        if not self.tok.is_op(op):
            raise self.unexpected(repr(op))
        return self.advance()

    def expect_kind(self, kind: str) -> Token:
        if self.tok.kind != kind:
            raise self.unexpected(kind)
        return self.advance()

    # -- expressions -----------------------------------------------------------------------
    def parse(self) -> ast.Expr:
        if self.tok.kind == "EOF":
            raise self.error("syntax error: empty query")
        expr = self.expression(0)
        if self.tok.kind != "EOF":
            raise self.unexpected()
        return expr

    def expression(self, min_precedence: int) -> ast.Expr:
        left = self.unary()
        while True:
            token = self.tok
            op = token.text if token.kind == "OP" or token.is_word(*_SET_OPS) else None
            precedence = _BINARY_PRECEDENCE.get(op or "")
            if op is None or precedence is None or precedence < min_precedence:
                return left
            self.advance()
            return_bool = False
            if self.tok.is_word("bool"):
                if precedence != 3:
                    raise self.error("bool modifier can only be used on comparison operators")
                return_bool = True
                self.advance()
            matching = self.vector_matching(op)
            right = self.expression(precedence if op == "^" else precedence + 1)
            left = ast.BinaryOp(left.start, right.end, op, left, right, return_bool, matching)
            self.check_binary(left, token)

    def vector_matching(self, op: str) -> ast.VectorMatching | None:
        if not self.tok.is_word("on", "ignoring"):
            return None
        start = self.advance()
        labels = self.label_list()
        matching = ast.VectorMatching(start.start, self.tokens[self.pos - 1].end, start.text == "on", labels)
        if self.tok.is_word("group_left", "group_right"):
            if op in _SET_OPS:
                raise self.error(f"no grouping allowed for {op!r} operation")
            matching.group = self.advance().text
            if self.tok.is_op("("):
                matching.include = self.label_list()
        return matching

    def check_binary(self, node: ast.BinaryOp, token: Token) -> None:
        for side, leg in (("left", node.left), ("right", node.right)):
            if isinstance(leg, ast.LogQuery):
                raise self.error(f"unexpected type for {side} leg of binary operation ({node.op}): log query", token)
            if node.op in _SET_OPS and isinstance(leg, ast.NumberLiteral):
                raise self.error(
                    f"unexpected literal for {side} leg of logical/set binary operation ({node.op})", token
                )

    def unary(self) -> ast.Expr:
        if self.tok.is_op("+", "-") and self.peek().kind == "NUMBER":
            sign = self.advance()
            number = self.advance()
            value = float(number.text)
            return ast.NumberLiteral(sign.start, number.end, -value if sign.text == "-" else value)
        return self.primary()

    def primary(self) -> ast.Expr:
        token = self.tok
        if token.kind == "NUMBER":
            self.advance()
            return ast.NumberLiteral(token.start, token.end, float(token.text))
        if token.is_op("{"):
            return self.log_query(allow_unwrap=False)
        if token.is_op("("):
            self.advance()
            inner = self.expression(0)
            self.expect_op(")")
            return inner
        if token.kind == "IDENT":
            if token.text in RANGE_OPS and self.peek().is_op("("):
                return self.range_aggregation()
            if token.text in VECTOR_OPS and (self.peek().is_op("(") or self.peek().is_word("by", "without")):
                return self.vector_aggregation()
            if token.text == "label_replace":
                return self.label_replace()
            if token.text == "vector":
                return self.vector_literal()
        raise self.unexpected()

    def vector_literal(self) -> ast.VectorLiteral:
        start = self.advance()
        self.expect_op("(")
        negative = self.tok.is_op("-") and bool(self.advance())
        number = self.expect_kind("NUMBER")
        end = self.expect_op(")")
        value = float(number.text)
        return ast.VectorLiteral(start.start, end.end, -value if negative else value)

    def label_replace(self) -> ast.LabelReplace:
        start = self.advance()
        self.expect_op("(")
        expr = self.expression(0)
        if isinstance(expr, ast.LogQuery):
            raise self.error("label_replace needs a metric query, not a log query", start)
        strings = []
        for _ in range(4):
            self.expect_op(",")
            strings.append(self.expect_kind("STRING"))
        end = self.expect_op(")")
        regex = strings[3]
        try:
            compile_go_regex(regex.value)
        except re.error as error:
            raise self.error(f"invalid regex in label_replace: {error}", regex) from None
        return ast.LabelReplace(start.start, end.end, expr, *(s.value for s in strings))

    def grouping(self) -> ast.Grouping | None:
        if not self.tok.is_word("by", "without"):
            return None
        start = self.advance()
        labels = self.label_list()
        return ast.Grouping(start.start, self.tokens[self.pos - 1].end, start.text == "without", labels)

    def label_list(self) -> list[str]:
        self.expect_op("(")
        labels: list[str] = []
        while not self.tok.is_op(")"):
            if labels:
                self.expect_op(",")
            labels.append(self.expect_kind("IDENT").text)
        self.advance()
        return labels

    def vector_aggregation(self) -> ast.VectorAggregation:
        start = self.advance()
        op = start.text
        grouping = self.grouping()
        self.expect_op("(")
        param = None
        if self.tok.kind == "NUMBER" and self.peek().is_op(","):
            param_token = self.advance()
            self.advance()
            param = float(param_token.text)
            if op not in _PARAM_VECTOR_OPS:
                raise self.error(f"unsupported parameter for operation {op}({param_token.text},", param_token)
            if not (math.isfinite(param) and param.is_integer() and param > 0):
                raise self.error(f"invalid parameter {op}({param_token.text},: must be an integer > 0", param_token)
        elif op in _PARAM_VECTOR_OPS:
            if self.tok.kind == "NUMBER" or self.tok.is_op("-"):
                raise self.unexpected("a positive integer parameter")
            if self.tok.kind == "IDENT" and self.peek().is_op(","):
                raise self.unexpected("NUMBER")
            raise self.error(f"parameter required for operation {op}")
        expr = self.expression(0)
        if isinstance(expr, ast.LogQuery):
            raise self.error(f"{op} needs a metric query, not a log query", start)
        end = self.expect_op(")")
        after = self.grouping()
        if grouping and after:
            raise self.error("grouping may be given only once", self.tokens[self.pos - 1])
        grouping = grouping or after
        if grouping and op in ("sort", "sort_desc", "approx_topk"):
            raise self.error(f"grouping not allowed for {op} aggregation", start)
        return ast.VectorAggregation(
            start.start, self.tokens[self.pos - 1].end if after else end.end, op, expr, param, grouping
        )

    # -- range aggregations ----------------------------------------------------------------
    def range_aggregation(self) -> ast.RangeAggregation:
        start = self.advance()
        op = start.text
        self.expect_op("(")
        param = None
        if self.tok.kind == "NUMBER":
            param_token = self.advance()
            self.expect_op(",")
            if op != "quantile_over_time":
                raise self.error(f"parameter {param_token.text} not supported for operation {op}", param_token)
            param = float(param_token.text)
        elif op == "quantile_over_time":
            if not self.tok.is_op("{", "("):
                raise self.unexpected("NUMBER or { or (")
            raise self.error(f"parameter required for operation {op}")
        log, range_, offset, negative = self.log_range()
        end = self.expect_op(")")
        grouping = self.grouping()
        node = ast.RangeAggregation(
            start.start, self.tokens[self.pos - 1].end, op, log, range_, offset, negative, param, grouping
        )
        if grouping and op not in _GROUPING_RANGE_OPS:
            raise self.error(f"grouping not allowed for {op} aggregation", start)
        if node.unwrap and op not in _UNWRAP_RANGE_OPS:
            raise self.error(f"invalid aggregation {op} with unwrap", start)
        if not node.unwrap and op not in _PLAIN_RANGE_OPS:
            raise self.error(f"invalid aggregation {op} without unwrap", start)
        del end
        return node

    def log_range(self) -> tuple[ast.LogQuery, ast.Duration, ast.Duration | None, bool]:
        """The argument of a range aggregation: a log query with a `[range]` before or after its pipeline."""
        if self.tok.is_op("("):
            self.advance()
            if self.tok.is_op("("):
                inner = self.log_range()
                self.expect_op(")")
                return inner
            log = self.log_query(allow_unwrap=True)
            self.expect_op(")")
            range_ = self.range()
            offset, negative = self.offset()
            return log, range_, offset, negative
        log = self.log_query(allow_unwrap=True)
        if not self.tok.is_op("["):
            raise self.unexpected("a range like [5m]")
        range_ = self.range()
        offset, negative = self.offset()
        if not log.stages:
            log.stages = self.pipeline(allow_unwrap=True)
            if log.stages:
                log.end = log.stages[-1].end
        return log, range_, offset, negative

    def range(self) -> ast.Duration:
        open_token = self.expect_op("[")
        token = self.tok
        if token.kind != "DURATION":
            if token.kind == "NUMBER":
                raise self.error("missing unit character in duration", token)
            raise self.unexpected("a duration like 5m")
        self.advance()
        if not self.tok.is_op("]"):
            raise self.error("missing closing ']' in duration")
        self.advance()
        value = self.duration(token)
        if value <= timedelta(0):
            raise self.error("range must be greater than 0", token)
        del open_token
        return ast.Duration(token.start, token.end, value, token.text)

    def offset(self) -> tuple[ast.Duration | None, bool]:
        if not self.tok.is_word("offset"):
            return None, False
        self.advance()
        negative = self.tok.is_op("-") and bool(self.advance())
        token = self.expect_kind("DURATION")
        return ast.Duration(token.start, token.end, self.duration(token), token.text), negative

    def duration(self, token: Token) -> timedelta:
        try:
            return parse_duration(token.text)
        except ValueError as error:
            raise self.error(str(error), token) from None

    # -- log queries -----------------------------------------------------------------------
    def log_query(self, *, allow_unwrap: bool) -> ast.LogQuery:
        if self.tok.is_op("("):
            self.advance()
            inner = self.log_query(allow_unwrap=allow_unwrap)
            self.expect_op(")")
            return inner
        selector = self.selector()
        stages = self.pipeline(allow_unwrap=allow_unwrap)
        return ast.LogQuery(selector.start, stages[-1].end if stages else selector.end, selector, stages)

    def selector(self) -> ast.StreamSelector:
        start = self.expect_op("{")
        matchers: list[ast.Matcher] = []
        while not self.tok.is_op("}"):
            if matchers:
                if not self.tok.is_op(","):
                    raise self.unexpected("} or ,")
                self.advance()
            matchers.append(self.matcher())
        end = self.advance()
        if not matchers:
            raise self.error("syntax error: a stream selector needs at least one matcher", start)
        if not any(_matches_non_empty(m) for m in matchers):
            raise self.error(
                "queries require at least one regexp or equality matcher that does not have an empty-compatible value",
                start,
            )
        return ast.StreamSelector(start.start, end.end, matchers)

    def matcher(self) -> ast.Matcher:
        name = self.expect_kind("IDENT")
        if not self.tok.is_op(*_MATCH_OPS):
            raise self.unexpected("=, !=, =~ or !~")
        op = self.advance().text
        value = self.expect_kind("STRING")
        if op in ("=~", "!~"):
            self.check_regex(value)
        return ast.Matcher(name.start, value.end, name.text, op, value.value)

    def check_regex(self, token: Token) -> None:
        try:
            compile_go_regex(token.value)
        except re.error as error:
            raise self.error(f"invalid regular expression: {error}", token) from None

    def pipeline(self, *, allow_unwrap: bool) -> list[ast.Stage]:
        stages: list[ast.Stage] = []
        while True:
            if self.tok.is_op(*_LINE_FILTER_OPS):
                stage: ast.Stage = self.line_filter()
            elif self.tok.is_op("|"):
                pipe = self.advance()
                stage = self.stage(pipe, allow_unwrap)
            else:
                return stages
            if stages and isinstance(stages[-1], ast.Unwrap) and not isinstance(stage, ast.LabelFilter):
                raise self.error("only label filters may follow unwrap", self.tokens[self.pos - 1])
            if isinstance(stage, ast.Unwrap) and any(isinstance(s, ast.Unwrap) for s in stages):
                raise self.error("unwrap may be used only once", self.tokens[self.pos - 1])
            stages.append(stage)

    def line_filter(self) -> ast.LineFilter:
        op = self.advance()
        values = [self.line_filter_value()]
        while self.tok.is_word("or"):
            self.advance()
            values.append(self.line_filter_value())
        return ast.LineFilter(op.start, self.tokens[self.pos - 1].end, op.text, values)

    def line_filter_value(self) -> tuple[str, str]:
        if self.tok.kind == "STRING":
            return "string", self.advance().value
        if self.tok.is_word("ip") and self.peek().is_op("("):
            return "ip", self.ip_call()
        raise self.unexpected("STRING or ip")

    def ip_call(self) -> str:
        self.advance()
        self.expect_op("(")
        value = self.expect_kind("STRING").value
        self.expect_op(")")
        return value

    def stage(self, pipe: Token, allow_unwrap: bool) -> ast.Stage:
        token = self.tok
        keyword = token.text if token.kind == "IDENT" and token.text in _STAGES else None
        if keyword and self.peek().is_op(*_COMPARISONS, "=~", "!~"):
            keyword = None  # a label that happens to be named like a stage: `| json="x"`
        if keyword is None:
            expr = self.label_filter_or()
            return ast.LabelFilter(pipe.start, expr.end, expr)
        self.advance()
        if keyword in _PARSERS:
            return self.parser_stage(pipe, keyword)
        if keyword in ("line_format",):
            template = self.expect_kind("STRING")
            return ast.FormatStage(pipe.start, template.end, keyword, template=template.value)
        if keyword == "label_format":
            assignments = []
            while True:
                dst = self.expect_kind("IDENT")
                self.expect_op("=")
                if self.tok.kind not in ("IDENT", "STRING"):
                    raise self.unexpected("IDENTIFIER or STRING")
                src = self.advance()
                assignments.append((dst.text, src.value if src.kind == "STRING" else src.text, src.kind == "STRING"))
                if not self.tok.is_op(","):
                    break
                self.advance()
            return ast.FormatStage(pipe.start, self.tokens[self.pos - 1].end, keyword, assignments=assignments)
        if keyword in ("drop", "keep", "distinct"):
            stage = ast.LabelListStage(pipe.start, pipe.end, keyword)
            while True:
                name = self.expect_kind("IDENT")
                if keyword != "distinct" and self.tok.is_op(*_MATCH_OPS):
                    op = self.advance().text
                    value = self.expect_kind("STRING")
                    stage.matchers.append(ast.Matcher(name.start, value.end, name.text, op, value.value))
                else:
                    stage.labels.append(name.text)
                if not self.tok.is_op(","):
                    break
                self.advance()
            stage.end = self.tokens[self.pos - 1].end
            return stage
        if keyword == "decolorize":
            return ast.Decolorize(pipe.start, token.end)
        if not allow_unwrap:
            raise self.error(
                "syntax error: unexpected unwrap (unwrap is only allowed inside a range aggregation)", token
            )
        return self.unwrap(pipe)

    def unwrap(self, pipe: Token) -> ast.Unwrap:
        if self.tok.is_word("duration", "duration_seconds", "bytes") and self.peek().is_op("("):
            conversion = self.advance().text
            self.advance()
            label = self.expect_kind("IDENT")
            end = self.expect_op(")")
            return ast.Unwrap(pipe.start, end.end, label.text, conversion)
        label = self.expect_kind("IDENT")
        return ast.Unwrap(pipe.start, label.end, label.text, None)

    def parser_stage(self, pipe: Token, kind: str) -> ast.ParserStage:
        stage = ast.ParserStage(pipe.start, self.tokens[self.pos - 1].end, kind)
        if kind in ("regexp", "pattern"):
            pattern = self.expect_kind("STRING")
            if kind == "regexp":
                self.check_regex(pattern)
            stage.pattern = pattern.value
            stage.end = pattern.end
            return stage
        if kind == "unpack":
            return stage
        while kind == "logfmt" and self.tok.kind == "FLAG":
            flag = self.advance()
            if flag.text not in ("--strict", "--keep-empty"):
                raise self.error(f"unknown logfmt flag {flag.text}", flag)
            stage.flags.append(flag.text)
        while self.tok.kind == "IDENT" and not self.peek().is_op(*_COMPARISONS[:-1], "=~", "!~"):
            label = self.advance()
            expression = None
            if self.tok.is_op("="):
                self.advance()
                expression = self.expect_kind("STRING").value
            stage.extractions.append((label.text, expression))
            if not self.tok.is_op(","):
                break
            self.advance()
        stage.end = self.tokens[self.pos - 1].end
        return stage

    # -- label filters ---------------------------------------------------------------------
    def label_filter_or(self) -> ast.LabelFilterExpr:
        left = self.label_filter_and()
        while self.tok.is_word("or"):
            self.advance()
            right = self.label_filter_and()
            left = ast.LabelFilterBinary(left.start, right.end, "or", left, right)
        return left

    def label_filter_and(self) -> ast.LabelFilterExpr:
        left = self.label_filter_atom()
        while True:
            if self.tok.is_word("and") or self.tok.is_op(","):
                self.advance()
            elif not (self.tok.kind == "IDENT" and self.peek().is_op(*_COMPARISONS, "=~", "!~")):
                return left
            right = self.label_filter_atom()
            left = ast.LabelFilterBinary(left.start, right.end, "and", left, right)

    def label_filter_atom(self) -> ast.LabelFilterExpr:
        if self.tok.is_op("("):
            self.advance()
            inner = self.label_filter_or()
            self.expect_op(")")
            return inner
        name = self.expect_kind("IDENT")
        if not self.tok.is_op(*_COMPARISONS, "=~", "!~"):
            raise self.unexpected("a label comparison operator")
        op = self.advance().text
        token = self.tok
        if token.kind == "STRING" and op in _MATCH_OPS:
            self.advance()
            if op in ("=~", "!~"):
                self.check_regex(token)
            return ast.LabelPredicate(name.start, token.end, name.text, op, token.value, "string")
        if token.is_word("ip") and op in ("=", "!=") and self.peek().is_op("("):
            value = self.ip_call()
            return ast.LabelPredicate(name.start, self.tokens[self.pos - 1].end, name.text, op, value, "ip")
        if op in ("=~", "!~"):
            raise self.unexpected("STRING")
        negative = self.tok.is_op("-") and bool(self.advance())
        token = self.tok
        kinds = {"NUMBER": "number", "DURATION": "duration", "BYTES": "bytes"}
        if token.kind not in kinds:
            raise self.unexpected("a string, number, duration or byte size")
        self.advance()
        value = ("-" if negative else "") + token.text
        return ast.LabelPredicate(name.start, token.end, name.text, op, value, kinds[token.kind])


def _matches_non_empty(matcher: ast.Matcher) -> bool:
    """True when the matcher cannot match the empty string (Loki requires one such matcher)."""
    if matcher.op == "=":
        return matcher.value != ""
    return matcher.op == "=~" and not matches_empty(matcher.value)
