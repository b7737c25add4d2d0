"""The documentation stays navigable and current: generated pages match their source, every page is
reachable from the site's navigation, and README stays a front page (≤ 8 KB), not a manual."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from gdash.clidoc import render_cli_reference

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def _nav_pages(entries: list) -> list[str]:
    pages: list[str] = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages.extend(_nav_pages(value) if isinstance(value, list) else [value])
    return pages


def test_command_reference_is_generated_from_the_cli() -> None:
    rendered = render_cli_reference()
    committed = (DOCS / "cli.md").read_text()
    stale = [line for line in difflib.unified_diff(committed.splitlines(), rendered.splitlines(), lineterm="")][:20]
    assert not stale, "docs/cli.md is stale: run `make docs-pages`\n" + "\n".join(stale)


def test_command_reference_documents_every_command() -> None:
    page = (DOCS / "cli.md").read_text()
    for command in ("build", "lint", "push", "pull", "diff", "import", "init", "export prometheus"):
        assert f"## `gdash {command}`" in page


def test_every_docs_page_is_in_the_navigation_and_every_entry_exists() -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    nav = _nav_pages(config["nav"])
    assert len(nav) == len(set(nav)), "a page appears twice in mkdocs.yml nav"
    missing = [page for page in nav if not (DOCS / page).is_file()]
    assert not missing, f"mkdocs.yml names pages that do not exist: {missing}"
    on_disk = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    generated_sections = {p for p in on_disk if p.startswith("rules/") and p != "rules/index.md"}
    orphans = sorted(on_disk - set(nav) - generated_sections)
    assert not orphans, f"pages not reachable from mkdocs.yml nav: {orphans}"


def test_readme_is_a_front_page_that_links_into_the_docs() -> None:
    readme = (REPO / "README.md").read_text()
    assert len(readme.encode()) <= 8 * 1024, f"README.md is {len(readme.encode())} bytes; move detail into docs/"
    first_screen = "\n".join(readme.splitlines()[:30])
    assert "make dashboards" in first_screen and "make test" in first_screen
    assert "pip install gdash-grafana" in first_screen
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (REPO / target).is_file(), f"README links to missing {target}"
