"""Rule documentation: fixed sections for every rule, `gdash rules CODE`, generated pages kept current."""
from __future__ import annotations

from pathlib import Path

import pytest

from gdash.lint.catalog import describe_rule, render_rule_page, rule_pages
from gdash.lint.rules import RULES
from gdash.lint.rules.registry import SECTIONS

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "docs" / "rules"


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_documents_what_why_bad_fix_and_configure(code):
    sections = RULES[code].sections
    assert list(sections) == list(SECTIONS), f"{code}: docstring needs the sections {', '.join(SECTIONS)}"
    for name, text in sections.items():
        assert text.strip(), (code, name)
    assert RULES[code].hint and len(RULES[code].hint) < 200, code


def test_gdash_rules_code_prints_the_sections():
    text = describe_rule("ALR003")
    for heading in ("What it checks:", "Why it matters:", "Failing example:", "Fix:", "How to disable or configure:",
                    "Measured precision:"):
        assert heading in text
    assert "ignore[ALR003]" in text


def test_live001_is_registered_online_only_and_documented():
    rule = RULES["LIVE001"]
    assert rule.online and rule.check.__module__ == "gdash.lint.rules.live"
    assert "Online only" in describe_rule("LIVE001") and "**online only**" in render_rule_page("LIVE001")
    from gdash.lint.rules import rules_for

    assert rule not in rules_for("promql")  # never runs offline


def test_generated_rule_pages_are_present_and_current():
    expected = rule_pages()
    present = {p.name for p in PAGES.glob("*.md")}
    assert present == set(expected), "regenerate with `make rule-docs` (python -m gdash.lint.catalog --write docs/rules)"
    for name, text in expected.items():
        assert (PAGES / name).read_text(encoding="utf-8") == text, f"docs/rules/{name} is stale: run `make rule-docs`"


def test_page_generator_writes_and_removes(tmp_path):
    from gdash.lint.catalog import write_pages

    (tmp_path / "OLD001.md").write_text("gone")
    names = write_pages(tmp_path)
    assert "index.md" in names and not (tmp_path / "OLD001.md").exists()
    assert "[PQL001](PQL001.md)" in (tmp_path / "index.md").read_text()


def test_lint_page_shows_the_current_rule_table_and_measured_precision():
    from gdash.lint.catalog import markdown_table, precision_summary, precision_table

    page = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    assert markdown_table() in page and precision_table() in page and precision_summary() in page, \
        "refresh docs/lint.md's tables with `make rule-docs`"


def test_lint_page_refresh_replaces_only_the_generated_tables(tmp_path):
    from gdash.lint.catalog import markdown_table, update_lint_page

    page = tmp_path / "lint.md"
    page.write_text("# Linting\n\nintro\n\n| Code | Severity | Checks |\n| --- | --- | --- |\n| OLD | x | y |\n\nafter\n")
    assert update_lint_page(page) and not update_lint_page(page)
    text = page.read_text()
    assert markdown_table() in text and text.startswith("# Linting\n\nintro\n") and text.endswith("\n\nafter\n")
