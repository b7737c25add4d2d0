"""Go RE2 regular expressions (as Prometheus and Loki use them) checked with Python's ``re``."""

from __future__ import annotations

import re

# RE2 accepts flag groups like `(?i)` anywhere; Python only at the start. They change no syntax.
_INLINE_FLAGS = re.compile(r"\(\?[imsU]+\)")


def compile_go_regex(pattern: str) -> re.Pattern[str]:
    """Compile an RE2 pattern; raises ``re.error`` when it is not a valid regular expression."""
    try:
        return re.compile(pattern)
    except re.error as error:
        if "global flags" not in str(error):
            raise
        return re.compile(_INLINE_FLAGS.sub("", pattern))
    except (OverflowError, RecursionError) as error:
        raise re.error(str(error)) from None


def matches_empty(pattern: str) -> bool:
    """Whether the fully anchored pattern matches "" (invalid patterns count as not matching)."""
    try:
        return compile_go_regex(pattern).fullmatch("") is not None
    except re.error:
        return False
