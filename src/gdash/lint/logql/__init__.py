"""LogQL: a hand-written lexer and recursive-descent parser (no LogQL parser exists on PyPI)."""

from .parser import LogQuery, parse_logql

__all__ = ["LogQuery", "parse_logql"]
