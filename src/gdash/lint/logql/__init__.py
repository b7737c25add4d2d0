"""LogQL: a hand-written lexer and recursive-descent parser (no LogQL parser exists on PyPI).

The parser and the AST load on first use, so a run that meets no LogQL (a Prometheus rule file)
never pays for them: ``ast`` is a lazily executed module (the LQL rules name it at import time)
and ``LogQuery``/``parse_logql`` are imported when first asked for.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

__all__ = ["LogQuery", "ast", "parse_logql"]


def _lazy_module(name: str) -> ModuleType:
    """``name`` imported now, executed when one of its attributes is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from . import ast
    from .parser import LogQuery, parse_logql
else:
    ast = _lazy_module(__name__ + ".ast")


def __getattr__(name: str) -> Any:
    if name in ("LogQuery", "parse_logql"):
        from . import parser

        value = globals()[name] = getattr(parser, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
