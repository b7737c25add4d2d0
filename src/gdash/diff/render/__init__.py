"""Renderers of a ``DiffReport``: ``text`` (terminal), ``markdown`` (PR comment), ``json`` (tools)."""

from __future__ import annotations

from ..changes import DiffReport
from .json_report import render_json, report_data
from .markdown import COMMENT_MARKER, GITHUB_COMMENT_LIMIT, render_markdown
from .text import render_text

FORMATS = ("text", "markdown", "json")


def render(report: DiffReport, fmt: str = "text") -> str:
    """``report`` in one of ``FORMATS``; text is empty when nothing changed."""
    if fmt == "text":
        return render_text(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "json":
        return render_json(report)
    raise ValueError(f"unknown diff format {fmt!r}; use one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "COMMENT_MARKER",
    "GITHUB_COMMENT_LIMIT",
    "render",
    "render_json",
    "render_markdown",
    "render_text",
    "report_data",
]
