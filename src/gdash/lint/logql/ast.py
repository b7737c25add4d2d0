"""LogQL syntax tree. Every node keeps ``start``/``end`` offsets into the (substituted) query text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta


@dataclass
class Node:
    start: int
    end: int


@dataclass
class Matcher(Node):
    name: str
    op: str  # = != =~ !~
    value: str


@dataclass
class StreamSelector(Node):
    matchers: list[Matcher]


@dataclass
class LineFilter(Node):
    op: str  # |= != |~ !~ |> !>
    values: list[tuple[str, str]]  # ("string" | "ip", value); several when joined by `or`


@dataclass
class ParserStage(Node):
    kind: str  # json, logfmt, regexp, pattern, unpack
    pattern: str | None = None  # regexp/pattern expression
    flags: list[str] = field(default_factory=list)  # --strict, --keep-empty
    extractions: list[tuple[str, str | None]] = field(default_factory=list)  # label, expression

    def defined_labels(self) -> set[str] | None:
        """Labels this parser is known to create; ``None`` when it can create any label."""
        if self.kind in ("regexp", "pattern") and self.pattern is not None:
            import re

            expression = r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>" if self.kind == "regexp" else r"<([A-Za-z_][A-Za-z0-9_]*)>"
            return set(re.findall(expression, self.pattern)) - {"_"}
        if self.extractions:
            return {label for label, _ in self.extractions}
        return None


@dataclass
class LabelPredicate(Node):
    name: str
    op: str  # = != =~ !~ == > >= < <=
    value: str
    value_kind: str  # string, ip, number, duration, bytes


@dataclass
class LabelFilterBinary(Node):
    op: str  # and, or
    left: LabelFilterExpr
    right: LabelFilterExpr


LabelFilterExpr = LabelPredicate | LabelFilterBinary


@dataclass
class LabelFilter(Node):
    expr: LabelFilterExpr

    def predicates(self) -> Iterator[LabelPredicate]:
        stack: list[LabelFilterExpr] = [self.expr]
        while stack:
            node = stack.pop()
            if isinstance(node, LabelFilterBinary):
                stack.extend((node.right, node.left))
            else:
                yield node


@dataclass
class FormatStage(Node):
    kind: str  # line_format, label_format
    template: str | None = None
    assignments: list[tuple[str, str, bool]] = field(default_factory=list)  # dst, src, src is a template


@dataclass
class LabelListStage(Node):
    kind: str  # drop, keep, distinct
    labels: list[str] = field(default_factory=list)
    matchers: list[Matcher] = field(default_factory=list)


@dataclass
class Decolorize(Node):
    pass


@dataclass
class Unwrap(Node):
    label: str
    conversion: str | None  # duration, duration_seconds, bytes


Stage = LineFilter | ParserStage | LabelFilter | FormatStage | LabelListStage | Decolorize | Unwrap


@dataclass
class LogQuery(Node):
    selector: StreamSelector
    stages: list[Stage]


@dataclass
class Duration(Node):
    value: timedelta
    text: str


@dataclass
class Grouping(Node):
    without: bool
    labels: list[str]


@dataclass
class RangeAggregation(Node):
    op: str
    log: LogQuery
    range: Duration
    offset: Duration | None = None
    offset_negative: bool = False
    param: float | None = None
    grouping: Grouping | None = None

    @property
    def unwrap(self) -> Unwrap | None:
        return next((s for s in self.log.stages if isinstance(s, Unwrap)), None)


@dataclass
class NumberLiteral(Node):
    value: float


@dataclass
class VectorAggregation(Node):
    op: str
    expr: Expr
    param: float | None = None
    grouping: Grouping | None = None


@dataclass
class VectorMatching(Node):
    on: bool  # on(...) vs ignoring(...)
    labels: list[str]
    group: str | None = None  # group_left, group_right
    include: list[str] = field(default_factory=list)


@dataclass
class BinaryOp(Node):
    op: str
    left: Expr
    right: Expr
    return_bool: bool = False
    matching: VectorMatching | None = None


@dataclass
class LabelReplace(Node):
    expr: Expr
    destination: str
    replacement: str
    source: str
    regex: str


@dataclass
class VectorLiteral(Node):
    value: float


Expr = LogQuery | RangeAggregation | VectorAggregation | BinaryOp | NumberLiteral | LabelReplace | VectorLiteral


def walk(node: Expr) -> Iterator[Expr]:
    """Every expression node, depth first (log queries included, pipeline stages not)."""
    yield node
    if isinstance(node, RangeAggregation):
        yield node.log
    elif isinstance(node, (VectorAggregation, LabelReplace)):
        yield from walk(node.expr)
    elif isinstance(node, BinaryOp):
        yield from walk(node.left)
        yield from walk(node.right)
