"""Go RE2 regular expressions (as Prometheus, Loki and Alertmanager use them), compiled with RE2.

Go's ``regexp`` package implements RE2 syntax, which differs from Python's ``re`` both ways: RE2
accepts ``\\pL``, ``\\Q...\\E``, ``\\x{41}``, ``\\z``, ``(?U)`` and flag groups anywhere, which ``re``
rejects; ``re`` accepts look-arounds, backreferences and repetition counts above 1000, which RE2
rejects (Loki then fails the query at run time). Compiling with google-re2 (the C++ RE2 that Go's
package was written from) gives Go's answer instead of a Python approximation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Protocol

import re2  # google-re2


class GoRegex(Protocol):
    def fullmatch(self, text: str) -> Any: ...

    def search(self, text: str) -> Any: ...


# Go's regexp/syntax refuses expressions nested deeper than 1000 (maxHeight, ErrNestingDepth:
# "expression nests too deeply"); C++ RE2 has no such limit, so gdash checks it first.
_MAX_NESTING = 1000


def _nesting(pattern: str) -> int:
    """The deepest group nesting, ignoring escaped parentheses and those inside ``[...]``."""
    depth = deepest = i = 0
    in_class = False
    while i < len(pattern):
        char = pattern[i]
        i += 1
        if char == "\\":
            i += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += pattern[i : i + 1] == "^"
            i += pattern[i : i + 1] == "]"  # a leading ] is a literal: []a], [^]a]
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 logs parse errors to stderr by default; gdash reports them itself


@lru_cache(maxsize=4096)
def compile_go_regex(pattern: str) -> GoRegex:
    """Compile an RE2 pattern; raises ``re.error`` when Go would reject it."""
    if pattern.count("(") > _MAX_NESTING and _nesting(pattern) > _MAX_NESTING:
        raise re.error("expression nests too deeply")
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as error:
        message = error.args[0] if error.args else "invalid regular expression"
        raise re.error(message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)) from None


def matches_empty(pattern: str) -> bool:
    """Whether the fully anchored pattern matches "" (invalid patterns count as not matching)."""
    try:
        return compile_go_regex(pattern).fullmatch("") is not None
    except re.error:
        return False
