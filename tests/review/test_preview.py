"""`gdash preview` output as files: self-contained, deterministic, safe with the user's directories."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cli import main
from gdash.errors import ConfigError
from gdash.review.preview.grid import layout_boxes
from gdash.review.preview.site import MARKER, write_preview
from gdash.review.snapshot import Snapshot

from .dashboards_fixture import api_dashboard, clone, find, panel, row


class Elements(HTMLParser):
    """Every start tag with its attributes, plus the external resources a page would fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def parse(path: Path) -> list[tuple[str, dict[str, str]]]:
    parser = Elements()
    parser.feed(path.read_text())
    return parser.tags


def snapshot(*models: dict, label: str = "head") -> Snapshot:
    return Snapshot(label, {m["uid"]: m for m in models}, {m["uid"]: "Services" for m in models}, [])


def changed_api() -> dict:
    new = clone(api_dashboard())
    target = find(new, "P95 latency")["targets"][0]
    target["expr"] = target["expr"].replace("[5m]", "[1m]")
    new["panels"] = [p for p in new["panels"] if p["title"] != "P50 latency"]
    new["panels"].append(panel("Saturation", 12, 18, expr="sum(process_open_fds)", type="gauge"))
    return new


def test_pages_are_self_contained_and_deterministic(tmp_path):
    first = write_preview(snapshot(changed_api()), tmp_path / "a", snapshot(api_dashboard(), label="main"))
    second = write_preview(snapshot(changed_api()), tmp_path / "b", snapshot(api_dashboard(), label="main"))
    assert [p.relative_to(tmp_path / "a").as_posix() for p in first.pages] == ["dashboards/api.html", "index.html"]
    for page in first.pages:
        text = page.read_text()
        assert text == (tmp_path / "b" / page.relative_to(tmp_path / "a")).read_text()
        assert not re.search(r"(src|href)\s*=\s*\"(https?:)?//", text), "pages must not fetch anything"
        assert "<link" not in text and "@import" not in text and "url(" not in text
    assert second.report is not None and second.report.changed


def test_panels_carry_their_gridpos_and_status(tmp_path):
    result = write_preview(snapshot(changed_api()), tmp_path, snapshot(api_dashboard(), label="main"))
    boxes = {a["data-title"]: a for tag, a in parse(tmp_path / "dashboards" / "api.html") if "data-gridpos" in a}
    assert boxes["P95 latency"]["data-status"] == "changed" and "status-changed" in boxes["P95 latency"]["class"]
    assert boxes["Saturation"]["data-status"] == "added"
    assert boxes["Request rate"]["data-status"] == "unchanged" and "status-" not in boxes["Request rate"]["class"]
    assert boxes["Latency"]["data-kind"] == "row"
    for model_panel in changed_api()["panels"]:
        pos = model_panel["gridPos"]
        assert boxes[model_panel["title"]]["data-gridpos"] == f"{pos['x']},{pos['y']},{pos['w']},{pos['h']}"
        assert boxes[model_panel["title"]]["style"] == (
            f"grid-column: {pos['x'] + 1} / span {pos['w']}; grid-row: {pos['y'] + 1} / span {pos['h']};")
    removed = [a for tag, a in parse(tmp_path / "dashboards" / "api.html") if a.get("data-status") == "removed"]
    assert [a["data-title"] for a in removed] == ["P50 latency"]
    text = (tmp_path / "dashboards" / "api.html").read_text()
    assert "[<del>5m</del><ins>1m</ins>]" in text
    index = {a["data-uid"]: a["data-status"] for tag, a in parse(tmp_path / "index.html") if "data-uid" in a}
    assert index == {"api": "changed"} and result.report is not None


def test_removed_dashboard_gets_a_page_with_everything_highlighted(tmp_path):
    other = {**clone(api_dashboard()), "uid": "other", "title": "Other"}
    write_preview(snapshot(api_dashboard()), tmp_path, snapshot(api_dashboard(), other, label="main"))
    statuses = {a.get("data-status") for tag, a in parse(tmp_path / "dashboards" / "other.html") if "data-gridpos" in a}
    assert statuses == {"removed"}
    index = {a["data-uid"]: a["data-status"] for tag, a in parse(tmp_path / "index.html") if "data-uid" in a}
    assert index == {"api": "unchanged", "other": "removed"}


def test_collapsed_rows_are_drawn_expanded_and_push_later_rows_down():
    model = api_dashboard()
    debug = row("Debug", 17)
    debug["collapsed"] = True
    debug["panels"] = [panel("GC", 0, 40, h=6), panel("Heap", 12, 40, h=6)]
    errors = find(model, "Errors")
    errors["gridPos"]["y"], find(model, "Error ratio")["gridPos"]["y"] = 18, 19
    model["panels"].append(debug)
    boxes = {b.view.label: (b.x, b.y, b.w, b.h) for b in layout_boxes(model)}
    assert boxes["Debug"] == (0, 17, 24, 1)
    assert boxes["GC"] == (0, 18, 12, 6) and boxes["Heap"] == (12, 18, 12, 6)
    assert boxes["Errors"] == (0, 24, 24, 1) and boxes["Error ratio"] == (0, 25, 12, 8)


def test_refuses_to_overwrite_a_directory_it_did_not_write(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not empty and was not written by gdash preview"):
        write_preview(snapshot(api_dashboard()), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_rerun_replaces_pages_and_prunes_stale_ones(tmp_path):
    other = {**clone(api_dashboard()), "uid": "other", "title": "Other"}
    write_preview(snapshot(api_dashboard(), other), tmp_path)
    assert (tmp_path / "dashboards" / "other.html").exists() and (tmp_path / MARKER).exists()
    write_preview(snapshot(api_dashboard()), tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")) == ["dashboards/api.html", "index.html"]


def test_cli_preview_of_the_seed_project(tmp_path, seed_root):
    result = CliRunner().invoke(main, ["-C", str(seed_root), "preview", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote preview of ") and "index.html" in result.output
    site = tmp_path / "site"
    links = [a["href"] for tag, a in parse(site / "index.html") if tag == "a"]
    assert len(links) == len(list((site / "dashboards").glob("*.html"))) >= 6
    for href in links:
        page = site / href
        assert page.is_file()
        back = [a["href"] for tag, a in parse(page) if tag == "a"]
        assert back == ["../index.html"] and (page.parent / back[0]).resolve() == (site / "index.html").resolve()
