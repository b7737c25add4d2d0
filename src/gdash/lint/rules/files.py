"""LNT rules: files that gdash lint cannot read (reported by the engine, one finding per file)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import Issue
from .registry import rule

UNREADABLE = "LNT001"


@rule(UNREADABLE, "error", "file cannot be read, parsed or recognised", "file")
def unreadable_file(_: Any) -> Iterator[Issue]:
    """What: A file named on the command line or found in a directory is not valid UTF-8, JSON or YAML,
    or (when named) is none of the formats gdash lint reads.

    Why: The other checks cannot see its contents; the finding names the file and line, and the run
    goes on.

    Bad: ``rules.yaml`` with a tab in its indentation.

    Fix: Fix the syntax at the line given, or leave the file out of the paths.

    Configure: ``gdash lint --verbose`` lists the files skipped as irrelevant.
    """
    return iter(())


UNKNOWN_IGNORE = "LNT002"


@rule(UNKNOWN_IGNORE, "warning", "unknown rule code in a `# gdash: ignore[...]` comment or the lint config", "file")
def unknown_ignore_code(_: Any) -> Iterator[Issue]:
    """What: a ``# gdash: ignore[...]`` comment, or a code in gdash.yaml's ``lint:`` section
    (``disable``, ``severity``, ``ignore``) or ``--select``/``--ignore``, naming a code that no rule
    has (``PQL999``, ``PLQ003``).

    Why: the comment silences nothing, so the finding it was meant for still appears — or, after a
    typo, a real problem is believed to be suppressed on purpose.

    Bad: ``prom("sum(rate(x[5m]))")  # gdash: ignore[PLQ011]``

    Fix: use the code printed in the finding (``gdash rules`` lists them): ``# gdash: ignore[PQL011]``.

    Configure: in comments it is a warning finding; in gdash.yaml or on the command line it is a
    configuration error (``lint.disable: unknown rule code 'PLQ011' (LNT002)``, exit 2), since the
    whole run would use a configuration other than the one written.
    """
    return iter(())
