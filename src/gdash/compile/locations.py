"""Turn remembered (absolute file, line) pairs into project-relative ``Location``s."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..authoring.source import location_of
from ..errors import Location


def relative_location(obj: Any, root: Path, fallback: Location) -> Location:
    found = location_of(obj)
    if not found:
        return fallback
    filename, line = found
    try:
        path = Path(filename).resolve().relative_to(root.resolve())
    except ValueError:
        path = Path(os.path.relpath(filename, root))
    return Location(path.as_posix(), line)
