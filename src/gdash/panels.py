"""The one panel iterator: every panel of a dashboard model, including those a collapsed row holds.

Grafana keeps the panels of an expanded row beside it in ``panels`` and those of a collapsed row
inside the row's own ``panels``; every reader that means "all panels" goes through here so lint,
the live checks and the importer cannot disagree about which panels exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def iter_panels(panels: Iterable[Any] | None) -> Iterator[dict[str, Any]]:
    """Each panel dict in document order, followed by the panels nested in it; other entries are skipped."""
    for panel in panels or ():
        if isinstance(panel, dict):
            yield panel
            nested = panel.get("panels")
            if isinstance(nested, list):
                yield from iter_panels(nested)


def dashboard_panels(model: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel of a v1 dashboard model (see :func:`iter_panels`)."""
    panels = model.get("panels")
    return iter_panels(panels if isinstance(panels, list) else None)
