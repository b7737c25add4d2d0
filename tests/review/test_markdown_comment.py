"""The pull-request comment: summary table, collapsible sections, GitHub's size limit."""
from __future__ import annotations

import re

from gdash.diff import DiffReport, diff_dashboard_sets, diff_dashboards
from gdash.diff.render.markdown import COMMENT_MARKER, GITHUB_COMMENT_LIMIT, render_markdown

from .dashboards_fixture import api_dashboard, clone, find


def many_changed_dashboards(count: int) -> DiffReport:
    old, new = {}, {}
    for index in range(count):
        base = api_dashboard()
        base["uid"], base["title"] = f"svc-{index:04d}", f"Service {index:04d}"
        changed = clone(base)
        for panel in changed["panels"]:
            if panel["type"] != "row":
                panel["targets"][0]["expr"] = panel["targets"][0]["expr"].replace("[5m]", f"[{index % 7 + 1}m]") + " * 100"
                panel["description"] = "x" * 200
        old[base["uid"]], new[base["uid"]] = base, changed
    return DiffReport(diff_dashboard_sets(old, new), [], base_label="main", head_label="feature")


def test_huge_diff_is_cut_below_githubs_limit_with_a_notice():
    report = many_changed_dashboards(120)
    comment = render_markdown(report)
    assert len(comment) <= GITHUB_COMMENT_LIMIT
    assert comment.startswith(COMMENT_MARKER)
    notice = re.search(r"\*\*Truncated:\*\* GitHub limits comments to 65,536 characters: (\d+) of 120 change section\(s\) "
                       r"are not shown( and the last one shown is cut short)?\.", comment)
    assert notice, comment[-800:]
    shown = comment.count("<details>")
    assert 0 < shown < 120
    # the summary table comes first and is complete; the notice counts exactly the sections left out
    assert all(f"| Service {i:04d} |" in comment for i in range(120))
    assert int(notice.group(1)) == 120 - shown
    assert comment.count("<details>") == comment.count("</details>")  # no section left open
    assert "Run the same `gdash diff` with `--format text` (`main` → `feature`)" in comment


def test_small_limit_cuts_inside_a_section_and_closes_it():
    report = many_changed_dashboards(3)
    full = render_markdown(report)
    assert "Truncated" not in full
    cut = render_markdown(report, limit=3000)
    assert len(cut) <= 3000 and "**Truncated:**" in cut
    assert cut.count("<details>") == cut.count("</details>") >= 1
    for limit in range(1500, len(full) + 1, 397):  # every cut point stays within the limit and well-formed
        text = render_markdown(report, limit=limit)
        assert len(text) <= limit and text.count("<details>") == text.count("</details>")
        assert "**Truncated:**" in text


def test_titles_cannot_break_the_table_or_inject_html():
    old = api_dashboard()
    old["title"] = "A | B <script>alert(1)</script>"
    new = clone(old)
    find(new, "Request rate")["title"] = "Rate *bold* [link](x)"
    comment = render_markdown(DiffReport([diff_dashboards(old, new)]))
    assert "<script>" not in comment
    assert "| A \\| B \\<script\\>alert(1)\\</script\\> |" in comment
    assert "<b>A | B &lt;script&gt;alert(1)&lt;/script&gt;</b>" in comment
    assert "\\*bold\\* \\[link\\](x)" in comment


def test_added_and_removed_dashboards_are_named_in_the_table():
    report = DiffReport(diff_dashboard_sets({"old": {**api_dashboard(), "uid": "old", "title": "Old one"}},
                                            {"new": {**api_dashboard(), "uid": "new", "title": "New one"}}))
    comment = render_markdown(report)
    assert "| New one — **new** |" in comment and "| Old one — **deleted** |" in comment
    assert "new dashboard" in comment and "deleted dashboard" in comment
    assert "- Panel **Request rate** added (timeseries in row 'Latency', 12x8)" in comment
    assert "- Deleted with its 4 panels" in comment and "removed (" not in comment
