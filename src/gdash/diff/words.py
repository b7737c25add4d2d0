"""Inline word diffs for queries and other text: which words were kept, removed and added."""

from __future__ import annotations

import difflib
import re
from typing import Literal, NamedTuple

# Identifiers, numbers with units (5m, 0.95) and single punctuation marks are the "words" of PromQL
# and LogQL: a changed range `[5m]` -> `[1m]` then shows as one replaced word, not a rewritten line.
_TOKEN = re.compile(r"[A-Za-z0-9_.:]+|\s+|[^A-Za-z0-9_.:\s]")


class WordSegment(NamedTuple):
    op: Literal["=", "-", "+"]  # kept, removed, added
    text: str


def word_diff(old: str, new: str) -> tuple[WordSegment, ...]:
    """Segments that rebuild ``old`` from the ``=``/``-`` parts and ``new`` from the ``=``/``+`` parts."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    segments: list[WordSegment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "=", "".join(old_tokens[i1:i2]))
            continue
        _append(segments, "-", "".join(old_tokens[i1:i2]))
        _append(segments, "+", "".join(new_tokens[j1:j2]))
    return tuple(segments)


def _append(segments: list[WordSegment], op: Literal["=", "-", "+"], text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = WordSegment(op, segments[-1].text + text)
    else:
        segments.append(WordSegment(op, text))


def plain_word_diff(segments: tuple[WordSegment, ...]) -> str:
    """``git diff --word-diff=plain`` notation: ``rate(x[[-5m-]{+1m+}])``."""
    marks = {"=": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}
    return "".join(marks[s.op][0] + s.text + marks[s.op][1] for s in segments)
