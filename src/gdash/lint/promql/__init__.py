"""PromQL: Grafana-aware parsing (via promql-parser) and AST helpers for the PQL rules."""

from .parse import PromQuery, parse_promql

__all__ = ["PromQuery", "parse_promql"]
