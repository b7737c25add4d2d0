"""Turn remembered (absolute file, line) pairs into project-relative ``Location``s."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..authoring.source import location_of
from ..errors import Location


@lru_cache(maxsize=4096)
def _relative_path(filename: str, root: Path) -> str:
    # Cached: every panel and query of a file shares its path, and resolve() hits the filesystem.
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(os.path.relpath(filename, root)).as_posix()


def relative_location(obj: Any, root: Path, fallback: Location) -> Location:
    found = location_of(obj)
    if not found:
        return fallback
    filename, line = found
    return Location(_relative_path(filename, root), line)
