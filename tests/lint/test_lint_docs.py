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
