"""LNT rules: files that gdash lint cannot read (reported by the engine, one finding per file)."""
from __future__ import annotations

from typing import Any, Iterator

from ..findings import Issue
from .registry import rule

UNREADABLE = "LNT001"


@rule(UNREADABLE, "error", "file cannot be read, parsed or recognised", "file")
def unreadable_file(_: Any) -> Iterator[Issue]:
    """A file named on the command line or found in a directory is not valid UTF-8, JSON or YAML, or
    (when named) is none of the formats gdash lint reads. The finding names the file and line; the
    run goes on with the other files. Fix the syntax, or leave the file out of the paths.
    """
    return iter(())
