"""Bounded YAML and JSON loading: the one way gdash reads a user's or a server's YAML/JSON.

Every limit fails fast with a one-line :class:`InputError` naming the file (and line when known):

- **YAML aliases** are counted by the size they expand to, so a 1 KB "billion laughs" file is
  refused after composing a few dozen nodes, before anything walks the expanded tree; a document
  that aliases make more than :data:`ALIAS_FACTOR` times larger than what is written is refused
  too (every later step works on the expanded size), and so is an alias inside the node it names.
- **Complex keys** (a mapping or sequence used as a key) are refused: JSON has none and nothing
  gdash reads needs them.
- **Nesting** is bounded (:data:`MAX_DEPTH`), so no later recursive walk (schema validation,
  deep merge, JSON encoding) can exhaust the Python stack.
- **Integers** longer than :data:`MAX_INT_DIGITS` digits are refused (Grafana and Prometheus
  read numbers as 64-bit values; Python would otherwise spend quadratic time converting them),
  and JSON's non-standard ``NaN``/``Infinity`` are refused as Grafana's Go decoder does.
- **Encoding**: text must be UTF-8 (the error names the line of the first bad byte), and no string may
  hold a lone UTF-16 surrogate (a ``"\\ud800"`` escape), which no UTF-8 output can write.

YAML is composed with libyaml when PyYAML has it (its parser also caps flow nesting) and
constructed with PyYAML's *safe* constructor (no Python tags).
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from pathlib import Path
from typing import Any

import orjson
import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .errors import ConfigError, Location
from .output import without_strings

MAX_DEPTH = 100
MAX_NODES = 1_000_000  # YAML nodes after alias expansion (kube-prometheus' rules: about 60,000)
MAX_INT_DIGITS = 64
# aliases may make a document at most this many times larger than the nodes written in the file
# (plus a fixed allowance): shared label sets and `<<: *defaults` merges stay far below it, while a
# few kilobytes that expand into thousands of rules (work for every later step) are refused
ALIAS_FACTOR = 20
ALIAS_ALLOWANCE = 10_000

_INT_TAG = "tag:yaml.org,2002:int"


class InputError(ConfigError):
    """A YAML or JSON input is malformed or exceeds a limit."""


def read_text(path: Path, display: str | None = None) -> str:
    """The file's text; not UTF-8 (or unreadable) is an :class:`InputError` naming the line."""
    where = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", location=Location(where)) from None
    return decode(data, where)


def decode(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            location=Location(display, line),
            hint="save the file as UTF-8",
        ) from None


# --- YAML ----------------------------------------------------------------------------------------

_ComposeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Constructor(SafeConstructor):
    """PyYAML's safe constructor; a value it cannot build (``2021-02-30``) is a marked error."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ConstructorError(
                None, None, f"cannot read the value {str(node.value)[:40]!r}: {exc}", node.start_mark
            ) from None


def _line(node: yaml.Node | None, offset: int = 0) -> int | None:
    return node.start_mark.line + 1 + offset if node is not None and node.start_mark else None


def yaml_error(exc: yaml.YAMLError, display: str, offset: int = 0) -> InputError:
    """A PyYAML error as one line: the problem, at the file and line where it was found."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return InputError(
        f"invalid YAML: {problem}",
        location=Location(display, mark.line + 1 + offset if mark else None),
        hint="fix the YAML syntax at that line",
    )


def _has_surrogate(text: Any) -> bool:
    """A lone UTF-16 surrogate (``"\\ud800"`` escapes in JSON or YAML): no UTF-8 output can hold it."""
    if not isinstance(text, str) or text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_node(root: yaml.Node, display: str, offset: int = 0) -> None:
    """Refuse cycles, complex keys, too deep nesting, too large alias expansion and huge integers.

    One iterative depth-first walk; a node shared through aliases is walked once and its
    expanded size and height are reused, so the cost is linear in the composed (unexpanded) size.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()

    def fail(node: yaml.Node, message: str, hint: str) -> InputError:
        return InputError(message, location=Location(display, _line(node, offset)), hint=hint)

    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, leaving = stack.pop()
        key = id(node)
        if leaving:
            children = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in children)
            height[key] = 1 + max((height[id(c)] for c in children), default=0)
            on_path.discard(key)
            if size[key] > MAX_NODES:
                raise fail(
                    node,
                    f"the document has more than {MAX_NODES:,} nodes once aliases are expanded",
                    "write the values out, or use fewer nested aliases (&anchor / *alias)",
                )
            continue
        if key in on_path:
            raise fail(
                node,
                "an alias refers to a node that contains it (a recursive structure)",
                "remove the *alias inside its own &anchor",
            )
        if key in height:  # reached again through an alias
            if depth + height[key] > MAX_DEPTH:
                raise fail(node, f"nested deeper than {MAX_DEPTH} levels", "flatten the structure")
            continue
        if depth >= MAX_DEPTH:
            raise fail(node, f"nested deeper than {MAX_DEPTH} levels", "flatten the structure")
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise fail(key_node, "a mapping or list is used as a key", "keys must be plain strings or numbers")
        elif isinstance(node, yaml.ScalarNode):
            if node.tag == _INT_TAG and len(node.value) > MAX_INT_DIGITS:
                raise fail(node, f"an integer with more than {MAX_INT_DIGITS} digits", "use a smaller number")
            if _has_surrogate(node.value):
                raise fail(
                    node,
                    "a string holds a lone surrogate (\\ud800-\\udfff), which is not valid Unicode",
                    "remove the \\ud8xx-\\udfxx escape",
                )
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(_children(node)))
    written, expanded = len(size), size[id(root)]
    if expanded > ALIAS_ALLOWANCE + ALIAS_FACTOR * written:
        raise fail(
            root,
            f"aliases expand the document from {written:,} distinct nodes to {expanded:,} "
            f"(more than {ALIAS_FACTOR} times)",
            "write the repeated parts out, or use fewer aliases",
        )


# An anchor (``&name``) stands at the start of the text, after whitespace or after a flow indicator
# (``[``, ``{``, ``,``, and ``:`` in JSON-like flow mappings); an ``&`` elsewhere (``?a=1&b=2`` in a
# URL, inside quotes) is text. A text without one has no aliases: its composed tree is a tree.
_BEFORE_ANCHOR = re.compile(r"[\s\[{,:]")


def _has_anchor(text: str) -> bool:
    """Whether ``text`` may hold an anchor; visits only the ``&`` characters (a regex search over the
    whole text tries its character class at every position: 3 % of linting a big rule file)."""
    index = text.find("&")
    while index >= 0:
        if index == 0 or _BEFORE_ANCHOR.match(text, index - 1):
            return True
        index = text.find("&", index + 1)
    return False


def _check_tree(root: yaml.Node, display: str, offset: int = 0) -> None:
    """:func:`check_node` for a tree without aliases (so without cycles or expansion), in one
    recursive pre-order walk that checks scalars in place; refuses what :func:`check_node` refuses,
    naming the same node. More than :data:`MAX_NODES` nodes goes to :func:`check_node` for its message."""
    nodes = 0

    def fail(node: yaml.Node, message: str, hint: str) -> InputError:
        return InputError(message, location=Location(display, _line(node, offset)), hint=hint)

    def scalar(node: yaml.ScalarNode) -> None:
        value = node.value
        if node.tag == _INT_TAG and len(value) > MAX_INT_DIGITS:
            raise fail(node, f"an integer with more than {MAX_INT_DIGITS} digits", "use a smaller number")
        if not value.isascii() and _has_surrogate(value):
            raise fail(
                node,
                "a string holds a lone surrogate (\\ud800-\\udfff), which is not valid Unicode",
                "remove the \\ud8xx-\\udfxx escape",
            )

    def walk(node: yaml.Node, depth: int) -> None:
        nonlocal nodes
        value = node.value
        if node.__class__ is yaml.MappingNode:
            for key_node, _ in value:
                if key_node.__class__ is not yaml.ScalarNode:
                    raise fail(key_node, "a mapping or list is used as a key", "keys must be plain strings or numbers")
            children = [child for pair in value for child in pair]
        elif node.__class__ is yaml.SequenceNode:
            children = value
        else:
            return
        nodes += len(children)
        if children and depth + 1 >= MAX_DEPTH:
            raise fail(children[0], f"nested deeper than {MAX_DEPTH} levels", "flatten the structure")
        for child in children:
            if child.__class__ is yaml.ScalarNode:
                scalar(child)
            else:
                walk(child, depth + 1)

    if root.__class__ is yaml.ScalarNode:
        scalar(root)
    elif root.__class__ in (yaml.MappingNode, yaml.SequenceNode):
        walk(root, 0)
    else:  # a node class of another loader: the general walk
        check_node(root, display, offset)
    if nodes >= MAX_NODES:
        check_node(root, display, offset)


def compose_yaml_all(text: str, display: str, offset: int = 0) -> list[yaml.Node]:
    """The checked node trees of every document in ``text``."""
    try:
        nodes = [node for node in yaml.compose_all(text, Loader=_ComposeLoader) if node is not None]
    except yaml.YAMLError as exc:
        raise yaml_error(exc, display, offset) from None
    except RecursionError:  # the pure-Python composer without libyaml
        raise InputError(
            f"nested deeper than {MAX_DEPTH} levels", location=Location(display), hint="flatten the structure"
        ) from None
    check = check_node if _has_anchor(text) else _check_tree
    for node in nodes:
        check(node, display, offset)
    return nodes


def compose_yaml(text: str, display: str, offset: int = 0) -> yaml.Node | None:
    """The checked node tree of a single-document YAML text (None when empty)."""
    nodes = compose_yaml_all(text, display, offset)
    if len(nodes) > 1:
        raise InputError(
            "expected one YAML document, found several",
            location=Location(display, _line(nodes[1], offset)),
            hint="remove the `---` separators, or split the file",
        )
    return nodes[0] if nodes else None


def construct(node: yaml.Node | None, display: str, offset: int = 0) -> Any:
    """Python values of a checked node tree (PyYAML's safe types)."""
    if node is None:
        return None
    constructor = _Constructor()
    try:
        return constructor.construct_document(node)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, display, offset) from None


def load_yaml(text: str, display: str, offset: int = 0) -> Any:
    """``yaml.safe_load`` with gdash's limits."""
    return construct(compose_yaml(text, display, offset), display, offset)


def load_yaml_all(text: str, display: str, offset: int = 0) -> list[Any]:
    """``yaml.safe_load_all`` with gdash's limits (empty documents left out)."""
    documents = (construct(node, display, offset) for node in compose_yaml_all(text, display, offset))
    return [document for document in documents if document is not None]


# --- JSON ----------------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"an integer with more than {MAX_INT_DIGITS} digits ({text[:20]}...)", "use a smaller number")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:30]} is out of range", "use a number within float64 range")
    return value


def _parse_constant(text: str) -> float:
    raise _Refused(f"{text} is not JSON", "JSON has no NaN or Infinity; use null or a number")


_SLOW = object()
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_NESTING_STEP = [1 if byte in b"[{" else -1 if byte in b"]}" else 0 for byte in range(256)]
_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def _load_json_fast(text: str | bytes) -> Any:
    """What the stdlib path would read, read by orjson; ``_SLOW`` when it may differ or be refused.

    orjson itself refuses invalid UTF-8, lone surrogates, NaN/Infinity and floats beyond float64;
    what it reads differently (integers beyond 64 bits become floats) or accepts beyond gdash's
    limits (nesting up to 1024) is found in the text with its strings removed: a run of 19 or more
    digits, or brackets nested deeper than :data:`MAX_DEPTH`."""
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
    except UnicodeEncodeError:
        return _SLOW
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _SLOW
    bare = without_strings(data)
    if _LONG_NUMBER.search(bare):
        return _SLOW
    brackets = bare.translate(None, _NOT_BRACKETS)
    if brackets and max(accumulate(map(_NESTING_STEP.__getitem__, brackets))) > MAX_DEPTH:
        return _SLOW
    return value


def check_depth(data: Any, display: str) -> None:
    """Refuse JSON-like data nested deeper than :data:`MAX_DEPTH`, and lone surrogates (iteratively)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if any(_has_surrogate(key) for key in value):
                raise _surrogate_error(display)
            children = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            if _has_surrogate(value):
                raise _surrogate_error(display)
            continue
        if depth > MAX_DEPTH:
            raise InputError(
                f"nested deeper than {MAX_DEPTH} levels", location=Location(display), hint="flatten the structure"
            )
        stack.extend((child, depth + 1) for child in children)


def _surrogate_error(display: str) -> InputError:
    return InputError(
        "a string holds a lone surrogate (\\ud800-\\udfff), which is not valid Unicode",
        location=Location(display),
        hint="remove the \\ud8xx-\\udfxx escape",
    )


def load_json(text: str | bytes, display: str) -> Any:
    """``json.loads`` with gdash's limits: depth, integer size, no NaN/Infinity, UTF-8.

    orjson reads the documents that pass every limit (see :func:`_load_json_fast`); the stdlib
    reads the rest, and explains what is wrong."""
    data = _load_json_fast(text)
    if data is not _SLOW:
        return data
    if isinstance(text, bytes):
        text = decode(text, display)
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", location=Location(display, exc.lineno), hint="fix the JSON syntax at that line"
        ) from None
    except _Refused as exc:
        raise InputError(exc.message, location=Location(display), hint=exc.hint) from None
    except RecursionError:
        raise InputError(
            f"nested deeper than {MAX_DEPTH} levels", location=Location(display), hint="flatten the structure"
        ) from None
    check_depth(data, display)
    return data
