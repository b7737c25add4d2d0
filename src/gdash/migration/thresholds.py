"""Which threshold step a value falls in (the frontend's ``getActiveThreshold``)."""

from __future__ import annotations

from typing import Any

from ._util import as_float

FALLBACK_COLOR = "#808080"  # the frontend's colour for a field without threshold steps


def threshold_color(value: float, thresholds: dict[str, Any]) -> Any:
    """The colour of the last step whose value is <= ``value``, scanning from the base step.

    As in JavaScript, a null step value reads as 0 and a missing or non-numeric one stops the scan.
    """
    steps = thresholds.get("steps")
    if not isinstance(steps, list) or not steps:
        return FALLBACK_COLOR
    active = steps[0] if isinstance(steps[0], dict) else None
    for step in steps:
        if not isinstance(step, dict):
            continue
        if "value" not in step:
            break
        number = 0.0
        if step["value"] is not None:
            parsed = as_float(step["value"])
            if parsed is None:
                break
            number = parsed
        if value >= number:
            active = step
        else:
            break
    return active.get("color") if isinstance(active, dict) else None
