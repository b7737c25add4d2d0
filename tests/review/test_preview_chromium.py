"""The preview rendered by real headless Chromium: panel boxes sit where Grafana's gridPos puts them.

Each page is copied with a small measuring script appended; Chromium runs it and ``--dump-dom`` gives
back the DOM with every box's rendered geometry written into ``data-box`` attributes.
"""
from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gdash.project import load_project
from gdash.review.gitref import snapshot_at_ref, snapshot_working_tree
from gdash.review.preview.site import page_name, write_preview

from .seed_repo import change_query_and_move_panel, seed_repo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install -y chromium)")

MEASURE = """
<script>
const grid = document.getElementById('grid');
const g = grid.getBoundingClientRect();
const style = getComputedStyle(grid);
document.body.dataset.grid = [g.width, parseFloat(style.columnGap), parseFloat(style.rowGap), parseFloat(style.gridAutoRows)].join(',');
for (const el of grid.querySelectorAll('[data-gridpos]')) {
  const r = el.getBoundingClientRect();
  el.dataset.box = [r.left - g.left, r.top - g.top, r.width, r.height].join(',');
  el.dataset.border = getComputedStyle(el).borderTopColor + ' ' + getComputedStyle(el).borderTopStyle;
}
for (const badge of document.querySelectorAll('.legend .badge')) {
  document.body.dataset['legend' + badge.textContent] = getComputedStyle(badge).backgroundColor;
}
</script>
"""


class Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.body: dict[str, str] = {}
        self.boxes: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.body = attributes
        if "data-box" in attributes:
            assert attributes["data-title"] not in self.boxes, "panel titles are unique in the seed dashboards"
            self.boxes[attributes["data-title"]] = attributes


def render(page: Path, tmp: Path) -> Dom:
    measured = tmp / f"measured-{page.name}"
    measured.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp / 'chromium-profile'}", "--window-size=1400,1000", "--dump-dom", measured.as_uri()],
        capture_output=True, text=True, timeout=90,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = Dom()
    dom.feed(result.stdout)
    assert dom.body.get("data-grid"), "the measuring script did not run"
    return dom


def numbers(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview")
    repo = seed_repo(tmp)
    change_query_and_move_panel(repo)
    write_preview(snapshot_working_tree(repo), tmp / "site", snapshot_at_ref(repo, "main"))
    return repo, tmp / "site", tmp


def test_every_panel_box_matches_its_gridpos(site):
    repo, out, tmp = site
    project = load_project(repo)
    assert len(project.dashboards) >= 6
    for dashboard in project.dashboards:
        dom = render(out / page_name(dashboard.uid), tmp)
        width, column_gap, row_gap, row_height = numbers(dom.body["data-grid"])
        assert (column_gap, row_gap, row_height) == (8, 8, 30)  # Grafana's GRID_CELL_VMARGIN and GRID_CELL_HEIGHT
        column = (width - 23 * column_gap) / 24
        panels = dashboard.model["panels"]
        assert sorted(dom.boxes) == sorted(p["title"] for p in panels)
        for panel in panels:
            pos = panel["gridPos"]
            left, top, box_width, box_height = numbers(dom.boxes[panel["title"]]["data-box"])
            expected = (
                pos["x"] * (column + column_gap),
                pos["y"] * (row_height + row_gap),
                pos["w"] * column + (pos["w"] - 1) * column_gap,
                pos["h"] * row_height + (pos["h"] - 1) * row_gap,
            )
            assert (left, top, box_width, box_height) == pytest.approx(expected, abs=1.0), (dashboard.uid, panel["title"])


def test_changed_and_moved_panels_are_highlighted(site):
    repo, out, tmp = site
    dom = render(out / page_name("api-performance"), tmp)
    changed, moved = dom.boxes["Routes serving traffic"], dom.boxes["Status codes"]
    assert (changed["data-status"], moved["data-status"]) == ("changed", "moved")
    assert changed["data-border"] == f"{dom.body['data-legendchanged']} solid"
    assert moved["data-border"] == f"{dom.body['data-legendmoved']} dashed"
    others = {b["data-border"] for title, b in dom.boxes.items()
              if b["data-kind"] == "panel" and title not in {"Routes serving traffic", "Status codes"}}
    assert len(others) == 1 and others.isdisjoint({changed["data-border"], moved["data-border"]})
    highlighted = [t for t, b in dom.boxes.items() if b["data-status"] != "unchanged"]
    assert sorted(highlighted) == ["Routes serving traffic", "Status codes"]
    # the moved panel is drawn in its new row: below the "Errors and latency" row header
    row_top = numbers(dom.boxes["Errors and latency"]["data-box"])[1]
    traffic_top = numbers(dom.boxes["Traffic"]["data-box"])[1]
    assert numbers(moved["data-box"])[1] > row_top > traffic_top
