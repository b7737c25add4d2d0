"""Words shared by the renderers: how values, paths and change counts read to a reviewer."""

from __future__ import annotations

import json
import re
from typing import Any

from ..changes import ABSENT, ItemChange

_LABELS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^targets\[([^\]]+)\]\.(expr|query|expression|rawSql)$"), r"query \1"),
    (re.compile(r"^targets\[([^\]]+)\]\.legendFormat$"), r"legend of query \1"),
    (re.compile(r"^data\[([^\]]+)\]\.model\.(expr|query)$"), r"query \1"),
    (re.compile(r"^data\[([^\]]+)\]\.model\.expression$"), r"expression \1"),
    (re.compile(r"^data\[([^\]]+)\]\.model\.conditions\[\d+\]\.evaluator$"), r"threshold \1"),
    (re.compile(r"^data\[([^\]]+)\]\.relativeTimeRange\.from$"), r"time range of query \1"),
    (re.compile(r"^fieldConfig\.defaults\.unit$"), "unit"),
    (re.compile(r"^fieldConfig\.defaults\.thresholds\.steps"), "thresholds"),
    (re.compile(r"^for$"), "pending period"),
    (re.compile(r"^condition$"), "alert condition"),
    (re.compile(r"^title$"), "title"),
]


def path_label(path: str) -> str | None:
    """A plain-words name for well-known fields (``targets[A].expr`` -> ``query A``), else None."""
    for pattern, label in _LABELS:
        if pattern.search(path):
            return pattern.sub(label, path) if "\\" in label else label
    return None


def format_value(value: Any, limit: int = 160) -> str:
    if value is ABSENT:
        return "(none)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def count_phrase(counts: dict[str, int]) -> str:
    parts = [f"{n} {status}" for status, n in counts.items() if n]
    return ", ".join(parts) if parts else "settings only"


def item_noun(item: ItemChange) -> str:
    return {"panel": "panel", "row": "row", "rule": "rule"}.get(item.kind, item.kind)
