"""Markdown for a pull-request comment: a summary table, then a collapsible section per dashboard.

GitHub rejects comments over 65,536 characters, so sections are added while they fit and the rest
is replaced by a notice saying what was left out and how to see it.
"""

from __future__ import annotations

import html
import re

from ..changes import DashboardDiff, DiffReport, FieldChange, ItemChange, RuleGroupDiff
from ..words import WordSegment
from .wording import count_phrase, format_value, item_noun, path_label

GITHUB_COMMENT_LIMIT = 65_536
# Lets CI find the comment it posted earlier and edit it instead of adding a new one.
COMMENT_MARKER = "<!-- gdash-diff -->"


def render_markdown(report: DiffReport, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """The whole comment, at most ``limit`` characters long."""
    header = [COMMENT_MARKER, "### Dashboard and alert changes", ""]
    if not report.changed:
        return "\n".join(
            header
            + [f"No dashboard or alert rule changes between `{report.base_label}` and `{report.head_label}`.", ""]
        )
    header.append(f"Compared `{report.base_label}` → `{report.head_label}`: {_totals(report)}.")
    header.append("")
    tables: list[list[str]] = []
    if report.dashboards:
        table = ["| Dashboard | Folder | Added | Removed | Changed | Moved |", "|---|---|---:|---:|---:|---:|"]
        tables.append(table + [_dashboard_row(d) for d in report.dashboards] + [""])
    if report.rule_groups:
        table = ["| Alert rule group | Folder | Added | Removed | Changed |", "|---|---|---:|---:|---:|"]
        tables.append(table + [_group_row(g) for g in report.rule_groups] + [""])
    details = [_dashboard_details(d) for d in report.dashboards] + [_group_details(g) for g in report.rule_groups]
    return _fit("\n".join(header) + "\n", tables + details, len(details), limit, report)


def _fit(out: str, blocks: list[list[str]], detail_count: int, limit: int, report: DiffReport) -> str:
    """Add whole blocks while they fit; cut the first one that does not (closing its <details>), drop the rest."""
    budget = limit - len(_notice(detail_count, detail_count, True, report, limit))  # room for the longest notice
    for index, lines in enumerate(blocks):
        block = "\n".join(lines) + "\n"
        if len(out) + len(block) <= budget:
            out += block
            continue
        closing = ["", "</details>", ""] if lines[0] == "<details>" else [""]
        kept: list[str] = []
        for line in lines:
            if len(out) + len("\n".join(kept + [line] + closing)) + 1 > budget:
                break
            kept.append(line)
        cut_short = len(kept) > 2  # more than the <details><summary> lines made it in
        if cut_short:
            out += "\n".join(kept + closing) + "\n"
        not_shown = min(detail_count, len(blocks) - index - (1 if cut_short else 0))
        return out + _notice(not_shown, detail_count, cut_short, report, limit)
    return out.rstrip("\n") + "\n"


def _notice(not_shown: int, total: int, cut_short: bool, report: DiffReport, limit: int) -> str:
    cut = " and the last one shown is cut short" if cut_short else ""
    return (
        f"> [!WARNING]\n> **Truncated:** GitHub limits comments to {limit:,} characters: {not_shown} of {total} "
        f"change section(s) are not shown{cut}. Run the same `gdash diff` with `--format text` "
        f"(`{report.base_label}` → `{report.head_label}`), or open the dashboard preview, to see every change.\n"
    )


def _totals(report: DiffReport) -> str:
    parts = []
    if report.dashboards:
        parts.append(_plural(len(report.dashboards), "dashboard"))
    if report.rule_groups:
        parts.append(_plural(len(report.rule_groups), "alert rule group"))
    return " and ".join(parts) + " changed"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _dashboard_row(diff: DashboardDiff) -> str:
    counts = diff.counts()
    title = _text(diff.title) + (f" (renamed from {_text(diff.old_title or '')})" if diff.renamed else "")
    title += {"added": " — **new**", "removed": " — **deleted**"}.get(diff.status, "")
    numbers = " | ".join(str(counts[k]) for k in ("added", "removed", "changed", "moved"))
    return f"| {title} | {_text(diff.folder or '')} | {numbers} |"


def _group_row(diff: RuleGroupDiff) -> str:
    counts = diff.counts()
    title = _text(diff.name) + {"added": " — **new**", "removed": " — **deleted**"}.get(diff.status, "")
    numbers = " | ".join(str(counts[k]) for k in ("added", "removed", "changed"))
    return f"| {title} | {_text(diff.folder)} | {numbers} |"


def _dashboard_details(diff: DashboardDiff) -> list[str]:
    what = {"added": "new dashboard", "removed": "deleted dashboard"}.get(diff.status, count_phrase(diff.counts()))
    summary = f"<b>{html.escape(diff.title)}</b> (<code>{html.escape(diff.uid)}</code>) — {what}"
    lines = ["<details>", f"<summary>{summary}</summary>", ""]
    if diff.renamed:
        lines.append(f"- Renamed from **{_text(diff.old_title or '')}** to **{_text(diff.title)}**")
    lines += [f"- {_field_line(c)}" for c in diff.settings if not (diff.renamed and c.path == "title")]
    if diff.removed:  # listing every panel of a deleted dashboard as removed says nothing more
        panels = sum(1 for i in diff.items if i.kind == "panel")
        lines.append(f"- Deleted with its {_plural(panels, 'panel')}")
    else:
        lines += [line for item in diff.items for line in _item_lines(item)]
    return lines + ["", "</details>", ""]


def _group_details(diff: RuleGroupDiff) -> list[str]:
    what = {"added": "new rule group", "removed": "deleted rule group"}.get(diff.status, count_phrase(diff.counts()))
    summary = f"Alert rules: <b>{html.escape(diff.name)}</b> in {html.escape(diff.folder)} — {what}"
    lines = ["<details>", f"<summary>{summary}</summary>", ""]
    lines += [f"- {_field_line(c)}" for c in diff.settings]
    lines += [line for item in diff.items for line in _item_lines(item)]
    return lines + ["", "</details>", ""]


def _item_lines(item: ItemChange) -> list[str]:
    noun = item_noun(item).capitalize()
    head = f"- {noun} **{_text(item.title)}**"
    if item.added or item.removed:
        return [f"{head} {item.status}" + (f" ({_text(item.summary)})" if item.summary else "")]
    if not item.fields:
        return [f"{head} {_text('; '.join(item.layout))}"]
    lines = [f"{head} changed" + (f"; {_text('; '.join(item.layout))}" if item.layout else "")]
    return lines + [f"  - {_field_line(c)}" for c in item.fields]


def _field_line(change: FieldChange) -> str:
    label = path_label(change.path)
    name = f"{label} (`{change.path}`)" if label and label != change.path else f"`{change.path}`"
    if change.words is not None:
        return f"{name}: {_word_diff(change.words)}"
    return f"{name}: {_code(format_value(change.old))} → {_code(format_value(change.new))}"


def _word_diff(segments: tuple[WordSegment, ...]) -> str:
    """Kept words as code, removed ones struck through, added ones in bold: reads inline on GitHub."""
    style = {"=": "{}", "-": "~~{}~~", "+": "**{}**"}
    return "".join(style[s.op].format(_code(s.text)) for s in segments)


def _code(text: str) -> str:
    text = " ".join(text.split("\n"))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _text(text: str) -> str:
    """Plain text safe inside Markdown: no accidental emphasis, links or HTML."""
    return re.sub(r"([\\`*_\[\]<>|~#])", r"\\\1", text)
