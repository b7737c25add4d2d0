"""Measured precision on real public files: every error/warning finding is judged in labels.yaml."""
from __future__ import annotations

from pathlib import Path

from gdash.lint.precision import corpus_findings, load_table, measure, render_summary

CORPUS = Path(__file__).parent / "corpus" / "real"
TABLE = CORPUS / "labels.yaml"
REGENERATE = ("python -m gdash.lint.precision tests/lint/corpus/real tests/lint/corpus/real/labels.yaml "
              "--update --summary src/gdash/lint/measured.py")


def _measurement():
    return measure(corpus_findings(CORPUS), load_table(TABLE))


def test_every_finding_on_the_real_corpus_is_judged_and_precision_is_at_least_95_percent():
    result = _measurement()
    assert not result.unjudged, f"judge these findings in {TABLE.name} (run {REGENERATE}):\n" + "\n".join(result.unjudged)
    assert not result.stale, f"stale entries in {TABLE.name}:\n" + "\n".join(result.stale)
    assert result.judged >= 70, "the corpus lost its findings: is it still read?"
    assert result.precision >= 0.95, f"precision {result.precision:.1%} < 95 %"


def test_every_judgement_has_a_reason():
    for key, entry in load_table(TABLE).items():
        assert isinstance(entry.get("verdict"), bool) and str(entry.get("reason") or "").strip(), key


def test_per_rule_summary_shown_in_the_rule_pages_is_current():
    expected = render_summary(_measurement())
    actual = (Path(__file__).resolve().parents[2] / "src" / "gdash" / "lint" / "measured.py").read_text(encoding="utf-8")
    assert actual == expected, f"regenerate with {REGENERATE}"


def test_every_corpus_file_is_read():
    from gdash.lint.sources import text_targets

    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".json", ".yaml", ".yml") and p.name != "labels.yaml")
    assert len(files) >= 120
    empty = []
    for path in files:  # strict: a file gdash does not recognise raises
        targets = text_targets(path.read_text(encoding="utf-8"), path.suffix, path.name, strict=True)
        if not targets.dashboards and not targets.alerts:
            empty.append(path.name)
    assert empty == ["zookeeper-cloudflare-kafka-zookeeper-exporter.yml"]  # upstream ships a group with no rules
