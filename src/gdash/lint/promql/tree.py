"""Walking promql-parser syntax trees, and the label/comparison facts the PQL/ALR rules need."""

from __future__ import annotations

import re

import promql_parser as pp

from ..macros import line_and_column
from .parse import PromQuery

COMPARISONS = {"==", "!=", ">", "<", ">=", "<="}
RATE_FUNCTIONS = {"rate", "irate", "increase"}
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")


def _aggregate_children(node: pp.AggregateExpr) -> list[pp.Expr]:
    return [c for c in (node.param, node.expr) if c is not None]


_CHILDREN = {
    pp.AggregateExpr: _aggregate_children,
    pp.BinaryExpr: lambda node: [node.lhs, node.rhs],
    pp.Call: lambda node: list(node.args),
    pp.MatrixSelector: lambda node: [node.vector_selector],
    pp.ParenExpr: lambda node: [node.expr],
    pp.SubqueryExpr: lambda node: [node.expr],
    pp.UnaryExpr: lambda node: [node.expr],
}


def children(node: pp.Expr) -> list[pp.Expr]:
    get = _CHILDREN.get(type(node))
    return get(node) if get else []


_LAST_WALK: list = [None, None]  # (node, result): rules walk one query's tree one after the other


def walk(node: pp.Expr) -> list[tuple[pp.Expr, tuple[pp.Expr, ...]]]:
    """Every node with the chain of its ancestors (outermost first), depth first.

    The last tree walked is remembered (by identity: promql-parser builds new Python objects on
    every attribute access, so only a tree held by its caller is ever found again)."""
    if _LAST_WALK[0] is node:
        return _LAST_WALK[1]
    found = _walk(node)
    _LAST_WALK[0], _LAST_WALK[1] = node, found
    return found


def _walk(node: pp.Expr) -> list[tuple[pp.Expr, tuple[pp.Expr, ...]]]:
    found: list[tuple[pp.Expr, tuple[pp.Expr, ...]]] = []
    stack: list[tuple[pp.Expr, tuple[pp.Expr, ...]]] = [(node, ())]
    while stack:
        current, ancestors = stack.pop()
        found.append((current, ancestors))
        get = _CHILDREN.get(type(current))
        if get:
            below = ancestors + (current,)
            stack.extend((child, below) for child in reversed(get(current)))
    return found


def op_name(node: pp.BinaryExpr | pp.AggregateExpr) -> str:
    return str(node.op).lower()


def function_name(node: pp.Expr) -> str | None:
    return node.func.name if isinstance(node, pp.Call) else None


def metric_name(selector: pp.VectorSelector) -> str | None:
    if selector.name:
        return selector.name
    for matcher in all_matchers(selector):
        if matcher.name == "__name__" and matcher.op == pp.MatchOp.Equal:
            return matcher.value
    return None


def all_matchers(selector: pp.VectorSelector) -> list[pp.Matcher]:
    matchers = list(selector.matchers.matchers)
    for group in selector.matchers.or_matchers:
        matchers.extend(group)
    return matchers


def strip_parens(node: pp.Expr) -> pp.Expr:
    while isinstance(node, pp.ParenExpr):
        node = node.expr
    return node


def is_scalar(node: pp.Expr) -> bool:
    """True for expressions of scalar type: numbers, ``time()``, ``scalar(...)`` and arithmetic of them."""
    node = strip_parens(node)
    if isinstance(node, pp.NumberLiteral):
        return True
    if isinstance(node, pp.Call):
        return node.func.return_type == pp.ValueType.Scalar
    if isinstance(node, pp.UnaryExpr):
        return is_scalar(node.expr)
    if isinstance(node, pp.BinaryExpr):
        return is_scalar(node.lhs) and is_scalar(node.rhs)
    return False


def returns_bool(node: pp.BinaryExpr) -> bool:
    return node.modifier is not None and bool(node.modifier.return_bool)


def has_comparison(node: pp.Expr) -> bool:
    """True when the expression filters the series it returns, which is what makes an alert fire
    selectively: a comparison without ``bool`` anywhere in it (also nested inside ``sum(...)``, ``*``,
    ``or`` or a function), a set filter (``and``/``unless``), ``absent()``, or ``topk``-like selection."""
    for current, _ in walk(node):
        if isinstance(current, pp.BinaryExpr):
            op = op_name(current)
            if (op in COMPARISONS and not returns_bool(current)) or op in ("and", "unless"):
                return True
        elif isinstance(current, pp.Call) and function_name(current) in ("absent", "absent_over_time"):
            return True  # fires only when the series is missing
        elif isinstance(current, pp.AggregateExpr) and op_name(current) in ("topk", "bottomk", "limitk"):
            return True
    return False


def is_constant_vector(node: pp.Expr) -> bool:
    """``vector(1)`` and friends: an expression that selects no series (dead man's switches, always firing on purpose)."""
    return not any(isinstance(n, pp.VectorSelector) for n, _ in walk(node))


def surviving_labels(node: pp.Expr) -> tuple[str, frozenset[str]]:
    """Which labels the result can carry: ("only", S) means just S; ("except", S) all but S."""
    node = strip_parens(node)
    if isinstance(node, pp.AggregateExpr):
        if op_name(node) in ("topk", "bottomk", "limitk", "limit_ratio"):
            return surviving_labels(node.expr)
        modifier = node.modifier
        labels = frozenset(modifier.labels) if modifier is not None else frozenset()
        if modifier is not None and modifier.type == pp.AggModifierType.Without:
            kind, inner = surviving_labels(node.expr)
            return (kind, inner - labels) if kind == "only" else ("except", inner | labels)
        return "only", labels
    if isinstance(node, pp.BinaryExpr):
        left, right = strip_parens(node.lhs), strip_parens(node.rhs)
        if is_scalar(left) or isinstance(left, pp.StringLiteral):
            return surviving_labels(right)  # `time() - x`, `100 * x`: a scalar and a vector keep the vector's labels
        matching = node.modifier.matching if node.modifier is not None else None
        card = node.modifier.card if node.modifier is not None else None
        if card in (pp.VectorMatchCardinality.ManyToOne, pp.VectorMatchCardinality.OneToMany):
            # group_left/group_right: the "many" side's labels plus those copied from the "one" side
            many = left if card == pp.VectorMatchCardinality.ManyToOne else right
            kind, labels = surviving_labels(many)
            assert node.modifier is not None  # card came from it
            copied = frozenset(node.modifier.group_labels or ())
            return (kind, labels | copied) if kind == "only" else (kind, labels - copied)
        if (
            matching is not None
            and matching.type == pp.LabelModifierType.Include
            and op_name(node) not in COMPARISONS | {"and", "unless", "or"}
            and card == pp.VectorMatchCardinality.OneToOne
        ):
            return "only", frozenset(matching.labels)
        return surviving_labels(left)
    if isinstance(node, pp.Call):
        name = function_name(node)
        if name in ("vector", "time", "scalar", "pi"):
            return "only", frozenset()
        vector_args = [a for a in node.args if not isinstance(strip_parens(a), (pp.NumberLiteral, pp.StringLiteral))]
        if name in ("label_replace", "label_join") and vector_args:
            kind, labels = surviving_labels(vector_args[0])
            added = node.args[1].val if isinstance(node.args[1], pp.StringLiteral) else None
            if added and kind == "only":
                return kind, labels | {added}
            return kind, labels - {added} if added else labels
        if vector_args:
            return surviving_labels(vector_args[0])
        return "only", frozenset()
    if isinstance(node, (pp.NumberLiteral, pp.StringLiteral)):
        return "only", frozenset()
    children_ = children(node)
    if children_:
        return surviving_labels(children_[0])
    return "except", frozenset()


def column_of(query: PromQuery, pattern: str) -> int | None:
    """1-based column (in the original text) of the first match of ``pattern`` in the parsed text."""
    match = re.search(pattern, query.substituted.text)
    if not match:
        return None
    return line_and_column(query.original, query.substituted.original_index(match.start()))[1]
