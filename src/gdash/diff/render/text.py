"""Plain text for terminals: one line per change, ``path: old -> new``, nothing when nothing changed."""

from __future__ import annotations

from ..changes import DiffReport, FieldChange, ItemChange
from ..words import plain_word_diff
from .wording import format_value, item_noun

_MARK = {"added": "+", "removed": "-", "changed": "~", "moved": ">"}


def render_text(report: DiffReport) -> str:
    if not report.changed:
        return ""
    lines: list[str] = []
    if report.dashboards:
        lines.append("Dashboards")
        for dash in report.dashboards:
            title = f"{dash.title} (renamed from '{dash.old_title}')" if dash.renamed else dash.title
            folder = f" in folder '{dash.folder}'" if dash.folder else ""
            lines.append(f"  {_MARK.get(dash.status, '~')} dashboard '{title}' [{dash.uid}]{folder}: {dash.status}")
            lines += [f"      {field_line(c)}" for c in dash.settings]
            for item in dash.items:
                lines += _item_lines(item)
    if report.rule_groups:
        lines.append("Alert rules")
        for group in report.rule_groups:
            lines.append(
                f"  {_MARK.get(group.status, '~')} rule group '{group.name}' in folder '{group.folder}': {group.status}"
            )
            lines += [f"      {field_line(c)}" for c in group.settings]
            for item in group.items:
                lines += _item_lines(item)
    return "\n".join(lines) + "\n"


def field_line(change: FieldChange) -> str:
    if change.words is not None:
        return f"{change.path}: {plain_word_diff(change.words)}"
    return f"{change.path}: {format_value(change.old)} -> {format_value(change.new)}"


def _item_lines(item: ItemChange) -> list[str]:
    head = f"      {_MARK.get(item.status, '~')} {item_noun(item)} '{item.title}'"
    if item.added or item.removed:
        return [f"{head} {item.status}" + (f" ({item.summary})" if item.summary else "")]
    lines = [f"{head} {'; '.join(item.layout)}" if item.layout and not item.fields else f"{head} changed"]
    if item.fields:
        lines += [f"          {note}" for note in item.layout]
    lines += [f"          {field_line(c)}" for c in item.fields]
    return lines
