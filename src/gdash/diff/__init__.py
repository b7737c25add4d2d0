"""Semantic diff of Grafana dashboards and alert rule groups, on plain JSON dicts.

Knows nothing about git, files or HTTP: give it two versions of a model, get back what changed in
dashboard terms. Used by ``gdash diff --base`` (two git refs) and ``gdash diff --env`` / ``push``
(local build vs live Grafana).

Comparing
    normalize_dashboard(model) -> dict
        Copy without ``id``, ``version``, ``iteration``, ``meta`` (a ``{"dashboard", "meta"}`` API
        answer is unwrapped), export keys, panel ``id``/``pluginVersion`` and empty values.
        ``normalize_dashboard(local) == normalize_dashboard(live)`` means "nothing to push".
    normalize_rule_group(group) / normalize_rule(rule) -> dict
        Same for alerting: drops ``id``, ``orgID``, ``updated``, ``provenance``, ``folderUID``,
        ``ruleGroup``; durations canonical (``"5m0s"`` == ``"5m"``).
    diff_dashboards(old, new, *, old_folder=None, new_folder=None) -> DashboardDiff
        Either side may be None (added / removed). Normalizes both sides itself.
    diff_rule_groups(old, new) -> RuleGroupDiff
        Groups in file-provisioning shape: ``{name, folder, interval, rules: [{uid, title,
        condition, data[], for, labels, annotations, ...}]}``; rules matched by uid, then title.
    diff_dashboard_sets(old: {uid: model}, new: {uid: model}, *, old_folders=, new_folders=)
    diff_rule_group_sets(old: [group], new: [group])
        Only the entries that changed, in a stable order.

Results (``gdash.diff.changes``)
    DashboardDiff: uid, title, old_title, folder, status ("added"|"removed"|"changed"|"unchanged"),
        ``.changed``, ``.renamed``, ``settings`` (dashboard-level FieldChange list), ``items``
        (ItemChange per panel/row), ``counts()`` -> {added, removed, changed, moved}.
    RuleGroupDiff: folder, name, status, ``.changed``, settings, items (one per rule), counts().
    ItemChange: kind ("panel"|"row"|"rule"), key (stable identity), title, status
        ("added"|"removed"|"changed"|"moved"), fields, layout (sentences such as
        "moved from row 'Latency' to row 'Errors'", "resized 12x8 -> 24x8"), summary (one line for
        added/removed items), grid (gridPos x, y, w, h: new side, old side if removed).
    FieldChange: path (``targets[A].expr``), old, new (``ABSENT`` when missing on that side),
        words (inline word diff segments for queries, else None).
    DiffReport(dashboards, rule_groups, base_label, head_label): ``.changed``; what renderers take.

Panels are matched by identity, never by array position or numeric id: title (qualified by row
and queries when titles repeat), then type + queries for a retitled panel. Reordering is
therefore a move, and neighbours pushed aside by a move are not reported.

Rendering (``gdash.diff.render``)
    render(report, "text" | "markdown" | "json") -> str
    render_text(report): ``path: old -> new`` lines, word diffs as ``[-old-]{+new+}``; "" if unchanged.
    render_markdown(report, limit=65536): PR comment (starts with COMMENT_MARKER) with a summary
        table and a <details> section per dashboard / rule group, truncated with a notice.
    render_json(report) / report_data(report): deterministic JSON / the dict behind it.
"""

from __future__ import annotations

from .changes import ABSENT, DashboardDiff, DiffReport, FieldChange, ItemChange, RuleGroupDiff
from .dashboards import diff_dashboard_sets, diff_dashboards
from .normalize import normalize_dashboard, normalize_rule, normalize_rule_group
from .render import FORMATS, render
from .rules import diff_rule_group_sets, diff_rule_groups
from .words import WordSegment, word_diff

__all__ = [
    "ABSENT",
    "DashboardDiff",
    "DiffReport",
    "FORMATS",
    "FieldChange",
    "ItemChange",
    "RuleGroupDiff",
    "WordSegment",
    "diff_dashboard_sets",
    "diff_dashboards",
    "diff_rule_group_sets",
    "diff_rule_groups",
    "normalize_dashboard",
    "normalize_rule",
    "normalize_rule_group",
    "render",
    "word_diff",
]
