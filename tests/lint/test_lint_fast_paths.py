"""The fast paths of lint (lazy compilation, shared parses) answer exactly what the plain way answers."""
from __future__ import annotations

import re
from pathlib import Path

from gdash.lint import metric_types

CORPUS = Path(__file__).parent / "corpus" / "real"


def test_the_lazily_compiled_metric_table_answers_like_a_full_scan():
    names = set()
    for path in CORPUS.rglob("*"):
        if path.suffix in (".yml", ".yaml", ".json"):
            names |= set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]{3,}", path.read_text(encoding="utf-8")))
    names |= {"elasticsearch_breakers_tripped", "node_netstat_Tcp_CurrEstab", "node_vmstat_pgfault", "x"}
    table = [(re.compile(pattern), kind) for pattern, kind in metric_types._PATTERNS]

    def full_scan(name: str) -> str | None:
        return next((kind for pattern, kind in table if pattern.fullmatch(name)), None)

    answers = {name: full_scan(name) for name in names}
    assert sum(kind is not None for kind in answers.values()) > 100  # the corpus exercises the table
    assert {name: metric_types.table_type(name) for name in names} == answers
