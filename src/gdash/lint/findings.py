"""What a lint run reports."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("info", "warning", "error")  # ascending


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    dashboard: str | None = None  # dashboard uid
    panel: str | None = None  # panel title
    ref_id: str | None = None
    rule: str | None = None  # alert/recording rule name
    hint: str | None = None  # the rule's short fix hint (first sentence of its Fix section)

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)

    def where(self) -> str:
        """Human context beyond path:line: dashboard, panel, query, rule."""
        parts = []
        if self.dashboard:
            parts.append(f"dashboard {self.dashboard}")
        if self.panel:
            parts.append(f"panel {self.panel!r}")
        if self.rule:
            parts.append(f"rule {self.rule!r}")
        if self.ref_id:
            parts.append(f"query {self.ref_id}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Issue:
    """A rule's raw result; the engine turns it into a :class:`Finding` with a location."""

    message: str
    column: int | None = None  # 1-based column inside the query text
    panel_id: int | str | None = None  # as lint.context.panel_id() reads it
    ref_id: str | None = None
