"""A tiny description of Python source (calls, names, literals) and its deterministic formatter.

The importer builds dashboards and rules as ``Call`` trees; ``render`` prints them the way a person
would write them (black-like: one line when it fits, otherwise one argument per line), and
``evaluate`` runs the very same tree, so what gdash compiles is exactly what the file says.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LINE_WIDTH = 100
INDENT = "    "


@dataclass
class Call:
    """``name(*args, **kwargs)``; ``func`` is the callable the name refers to in generated code."""

    name: str
    func: Callable[..., Any]
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    module: str = "gdash"  # where ``name`` is imported from


def evaluate(node: Any) -> Any:
    """The Python value ``node`` stands for (calls are made, literals copied)."""
    if isinstance(node, Call):
        return node.func(*[evaluate(a) for a in node.args], **{k: evaluate(v) for k, v in node.kwargs.items()})
    if isinstance(node, list):
        return [evaluate(v) for v in node]
    if isinstance(node, tuple):
        return tuple(evaluate(v) for v in node)
    if isinstance(node, dict):
        return {k: evaluate(v) for k, v in node.items()}
    return node


def imports_of(node: Any, found: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """module -> names the rendered ``node`` uses."""
    found = {} if found is None else found
    if isinstance(node, Call):
        found.setdefault(node.module, set()).add(node.name.split(".")[0])  # core.Text -> import core
        for child in [*node.args, *node.kwargs.values()]:
            imports_of(child, found)
    elif isinstance(node, (list, tuple)):
        for child in node:
            imports_of(child, found)
    elif isinstance(node, dict):
        for child in node.values():
            imports_of(child, found)
    return found


def string(text: str) -> str:
    """A string literal, double-quoted unless the text holds a double quote (as black writes it)."""
    literal = repr(text)
    if '"' not in text and literal.startswith("'"):
        return '"' + literal[1:-1] + '"'
    return literal


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return string(value)
    if isinstance(value, float) and not math.isfinite(value):  # JSON's NaN/Infinity (Python reads them)
        return f'float("{value}")'
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    raise TypeError(f"cannot write {type(value).__name__} as Python source")


def _container(node: Any) -> tuple[str, str, list[tuple[str, Any]]] | None:
    """(opening, closing, [(prefix, child)]) for calls and containers; None for scalars."""
    if isinstance(node, Call):
        items = [("", a) for a in node.args] + [(f"{k}=", v) for k, v in node.kwargs.items()]
        return f"{node.name}(", ")", items
    if isinstance(node, list):
        return "[", "]", [("", v) for v in node]
    if isinstance(node, tuple):
        return "(", ")", [("", v) for v in node]
    if isinstance(node, dict):
        return "{", "}", [(string(k) + ": ", v) for k, v in node.items()]
    return None


def _flat(node: Any) -> str:
    container = _container(node)
    if container is None:
        return _scalar(node)
    opening, closing, items = container
    inner = ", ".join(prefix + _flat(child) for prefix, child in items)
    if isinstance(node, tuple) and len(items) == 1:
        inner += ","
    return f"{opening}{inner}{closing}"


def render(node: Any, indent: int = 0, prefix: str = "", trailer: str = "") -> str:
    """``prefix`` + ``node`` + ``trailer`` as source, its first line at column ``indent`` (black-like wrapping)."""
    flat = _flat(node)
    container = _container(node)
    if container is None or len(INDENT * indent) + len(prefix) + len(flat) + len(trailer) <= LINE_WIDTH:
        return prefix + flat + trailer
    opening, closing, items = container
    if len(items) == 1 and _container(items[0][1]) is None:  # one long string: breaking would not help
        return prefix + flat + trailer
    pad = INDENT * (indent + 1)
    lines = [prefix + opening]
    lines += [pad + render(child, indent + 1, item_prefix, ",") for item_prefix, child in items]
    lines.append(INDENT * indent + closing + trailer)
    return "\n".join(lines)


def module_source(docstring: str, assignments: list[tuple[str, Any]]) -> str:
    """A whole module: docstring, sorted imports of exactly the names used, then the assignments."""
    used: dict[str, set[str]] = {}
    for _, node in assignments:
        imports_of(node, used)
    plain = docstring.isprintable() and "\\" not in docstring and '"""' not in docstring and not docstring.endswith('"')
    lines = [f'"""{docstring}"""' if plain else string(docstring)]
    for module in sorted(used, key=lambda m: (m != "gdash", m)):
        names = sorted(used[module])
        lines.append(render_import(module, names))
    lines.append("")
    for name, node in assignments:
        lines.append(render(node, 0, f"{name} = "))
    return "\n".join(lines) + "\n"


def render_import(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_WIDTH:
        return line
    return "\n".join([f"from {module} import (", *[f"{INDENT}{n}," for n in names], ")"])
