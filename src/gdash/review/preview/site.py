"""``gdash preview``: a static, self-contained site showing each dashboard's layout and contents.

One page per dashboard draws Grafana's 24-column grid with every panel at its gridPos; given a
base version, added / changed / moved panels are highlighted and removed ones listed. Styles are
inlined and nothing is fetched from the network, so the pages work from ``file://`` and as a CI
artifact.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ...diff import DashboardDiff, DiffReport, FieldChange, ItemChange
from ...diff.panels import QUERY_FIELDS
from ...diff.render.wording import format_value
from ...errors import ConfigError
from ...managed_tree import write_managed_tree
from ..snapshot import Snapshot, compare_snapshots
from .grid import Box, layout_boxes

MARKER = ".gdash-preview"  # the manifest (see managed_tree): the pages gdash wrote, the only ones it replaces or prunes
GRAFANA_SHADE_PREFIXES = ("super-light-", "semi-dark-", "light-", "dark-")  # "semi-dark-red" -> CSS "red"


@dataclass
class PreviewResult:
    out: Path
    pages: list[Path]
    report: DiffReport | None


def write_preview(head: Snapshot, out: Path, base: Snapshot | None = None) -> PreviewResult:
    """Write ``index.html`` and one page per dashboard (head's, plus base's removed ones) into ``out``."""
    _claim(out)
    report = compare_snapshots(base, head) if base is not None else None
    diffs = {d.uid: d for d in report.dashboards} if report else {}
    css = resources.files(__package__).joinpath("assets/preview.css").read_text(encoding="utf-8")
    pages: dict[str, str] = {}
    for uid, model in sorted(head.dashboards.items()):
        pages[page_name(uid)] = dashboard_page(model, head.folders.get(uid, ""), diffs.get(uid), css, report)
    for uid, diff in diffs.items():
        if diff.removed and base is not None:
            pages[page_name(uid)] = dashboard_page(base.dashboards[uid], base.folders.get(uid, ""), diff, css, report)
    pages["index.html"] = index_page(head, base, report, css)
    write_managed_tree(out, pages, manifest=MARKER)
    return PreviewResult(out, [out / name for name in sorted(pages)], report)


def page_name(uid: str) -> str:
    """A dashboard's page, relative to the site root (a folder of its own: no clash with index.html)."""
    return "dashboards/" + re.sub(r"[^A-Za-z0-9_-]", "_", uid) + ".html"


def _claim(out: Path) -> None:
    """Refuse to write into a directory that holds something other than an earlier preview."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is a file, not a directory", hint="pass --out with a directory path")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ConfigError(
            f"{out} is not empty and was not written by gdash preview",
            hint="choose an empty or new directory with --out, so none of your files are overwritten",
        )


def _document(title: str, css: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def dashboard_page(
    model: dict[str, Any], folder: str, diff: DashboardDiff | None, css: str, report: DiffReport | None
) -> str:
    uid, title = str(model.get("uid", "")), str(model.get("title", ""))
    statuses = _statuses(diff)
    parts = [
        f'<p><a href="../index.html">← all dashboards</a></p>\n<h1>{html.escape(title)}</h1>\n',
        f'<div class="meta">uid <code>{html.escape(uid)}</code> · folder {html.escape(folder or "General")}',
    ]
    if report is not None:
        parts.append(f" · compared with <code>{html.escape(report.base_label)}</code>")
    parts.append("</div>\n")
    if diff is not None:
        parts.append(f'<p><span class="badge {diff.status}">{diff.status}</span></p>\n')
        if diff.renamed:
            parts.append(f"<p>Renamed from <b>{html.escape(diff.old_title or '')}</b></p>\n")
        if diff.settings:
            parts.append(_change_list(diff.settings, []))
        if diff.items and not (diff.added or diff.removed):  # small panels crop their notes: list every change here too
            parts.append('<details open class="summary"><summary>Changes</summary><ul class="changes">')
            for item in diff.items:
                parts.append(
                    f'<li><span class="badge {item.status}">{item.status}</span> {item.kind} '
                    f"<b>{html.escape(item.title)}</b>{_change_list(item.fields, item.layout)}</li>"
                )
            parts.append("</ul></details>\n")
    if report is not None:
        parts.append(
            '<div class="legend">'
            + "".join(f'<span class="badge {s}">{s}</span>' for s in ("added", "changed", "moved", "removed"))
            + "</div>\n"
        )
    parts.append('<main class="grid" id="grid">\n')
    everything_removed = diff is not None and diff.removed
    for box in layout_boxes(model):
        change = statuses.get((box.view.kind, box.view.label, box.view.grid))
        status = "removed" if everything_removed else (change.status if change else "")
        parts.append(_box(box, status, change))
    parts.append("</main>\n")
    removed = [i for i in (diff.items if diff and not diff.removed else []) if i.removed]
    if removed:
        parts.append('<section class="removed-list"><h2>Removed</h2>\n')
        for item in removed:
            parts.append(
                f'<div class="panel status-removed" data-title="{html.escape(item.title)}" data-status="removed">'
                f"<h2>{html.escape(item.title)}</h2><div>{item.kind}: {html.escape(item.summary)}</div></div>\n"
            )
        parts.append("</section>\n")
    return _document(f"{title} · gdash preview", css, "".join(parts))


def _statuses(diff: DashboardDiff | None) -> dict[tuple[str, str, Any], ItemChange]:
    if diff is None:
        return {}
    return {(i.kind, i.title, i.grid): i for i in diff.items if not i.removed}


def _box(box: Box, status: str, item: ItemChange | None) -> str:
    view = box.view
    place = f"grid-column: {box.x + 1} / span {box.w}; grid-row: {box.y + 1} / span {box.h};"
    attrs = (
        f'data-title="{html.escape(view.label)}" data-kind="{view.kind}" data-status="{status or "unchanged"}" '
        f'data-gridpos="{box.x},{box.y},{box.w},{box.h}" style="{place}"'
    )
    status_class = f" status-{status}" if status and status != "unchanged" else ""
    badge = f' <span class="badge {status}">{status}</span>' if status_class else ""
    notes = _change_list(item.fields, item.layout) if item and not item.added else ""
    if view.kind == "row":
        collapsed = " <small>(collapsed in Grafana)</small>" if view.content.get("collapsed") else ""
        return (
            f'<div class="row-header{status_class}" {attrs}>{html.escape(view.label)}{collapsed}{badge}{notes}</div>\n'
        )
    return f'<section class="panel{status_class}" {attrs}>\n<h2>{html.escape(view.label)}{badge}</h2>\n{notes}{_details(view.content)}</section>\n'


def _details(panel: dict[str, Any]) -> str:
    rows = [("type", html.escape(str(panel.get("type", ""))))]
    defaults = (panel.get("fieldConfig") or {}).get("defaults") or {}
    if defaults.get("unit"):
        rows.append(("unit", html.escape(str(defaults["unit"]))))
    steps = (defaults.get("thresholds") or {}).get("steps") or []
    if steps:
        rows.append(("thresholds", " ".join(_threshold(s) for s in steps)))
    for target in panel.get("targets") or []:
        query = next((target[k] for k in QUERY_FIELDS if target.get(k)), None)
        if query is not None:
            legend = (
                f"\n<small>legend: {html.escape(str(target['legendFormat']))}</small>"
                if target.get("legendFormat")
                else ""
            )
            rows.append(
                (f"query {html.escape(str(target.get('refId', '')))}", f"<pre>{html.escape(str(query))}</pre>{legend}")
            )
    content = (panel.get("options") or {}).get("content") if isinstance(panel.get("options"), dict) else None
    if content:
        rows.append(("content", f"<pre>{html.escape(str(content)[:400])}</pre>"))
    return "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>\n"


def _threshold(step: dict[str, Any]) -> str:
    color = str(step.get("color", ""))
    for prefix in GRAFANA_SHADE_PREFIXES:
        color = color.removeprefix(prefix)
    value = "base" if step.get("value") is None else html.escape(str(step["value"]))
    return f'<span class="swatch" style="background: {html.escape(color)}"></span>{value}'


def _change_list(fields: list[FieldChange], layout: list[str]) -> str:
    lines = [html.escape(sentence) for sentence in layout]
    for change in fields:
        if change.words is not None:
            tags = {"=": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
            value = "".join(tags[s.op].format(html.escape(s.text)) for s in change.words)
            lines.append(f"<code>{html.escape(change.path)}</code>: <code>{value}</code>")
        else:
            lines.append(
                f"<code>{html.escape(change.path)}</code>: <del>{html.escape(format_value(change.old))}</del> → "
                f"<ins>{html.escape(format_value(change.new))}</ins>"
            )
    return '<ul class="changes">' + "".join(f"<li>{line}</li>" for line in lines) + "</ul>\n" if lines else ""


def index_page(head: Snapshot, base: Snapshot | None, report: DiffReport | None, css: str) -> str:
    diffs = {d.uid: d for d in report.dashboards} if report else {}
    title = "Dashboard preview" + (f" — changes against {base.label}" if base else "")
    rows = []
    entries = [(head.folders.get(uid, ""), str(m.get("title", "")), uid) for uid, m in head.dashboards.items()]
    entries += [(d.folder or "", d.title, uid) for uid, d in diffs.items() if d.removed]
    for folder, dash_title, uid in sorted(entries):
        diff = diffs.get(uid)
        status = diff.status if diff else ("unchanged" if report else "")
        counts = ", ".join(f"{n} {k}" for k, n in diff.counts().items() if n) if diff else ""
        badge = (
            f'<span class="badge {status}">{status}</span>' if status and status != "unchanged" else html.escape(status)
        )
        rows.append(
            f'<tr data-uid="{html.escape(uid)}" data-status="{status or "unchanged"}"><td>{badge}</td>'
            f'<td><a href="{page_name(uid)}">{html.escape(dash_title)}</a></td><td>{html.escape(folder or "General")}</td>'
            f"<td><code>{html.escape(uid)}</code></td><td>{html.escape(counts)}</td></tr>\n"
        )
    body = [
        f"<h1>{html.escape(title)}</h1>\n",
        '<table class="index"><tr><th></th><th>Dashboard</th><th>Folder</th><th>uid</th><th>Changes</th></tr>\n',
    ]
    body += rows + ["</table>\n"]
    if report and report.rule_groups:
        body.append("<h2>Alert rules</h2>\n")
        for group in report.rule_groups:
            body.append(
                f"<h3>{html.escape(group.name)} <small>({html.escape(group.folder)})</small> "
                f'<span class="badge {group.status}">{group.status}</span></h3>\n'
            )
            body.append(_change_list(group.settings, []))
            for item in group.items:
                body.append(
                    f'<div class="panel status-{item.status}" data-title="{html.escape(item.title)}"><h2>{html.escape(item.title)} '
                    f'<span class="badge {item.status}">{item.status}</span></h2>{html.escape(item.summary)}'
                    f"{_change_list(item.fields, [])}</div>\n"
                )
    return _document(title, css, "".join(body))
