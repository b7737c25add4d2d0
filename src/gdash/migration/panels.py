"""Frontend auto-migrations of angular panels."""
from __future__ import annotations

from typing import Any


def auto_migrate(dash: dict[str, Any], notes: list[str]) -> None:
    return None
