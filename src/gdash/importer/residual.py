"""What the helpers did not reproduce: the ``extra={...}`` that makes a compiled object equal the input.

``extra`` is deep-merged last, so it can add or change any key; a key the helper writes but the
input lacks is set to ``None`` (JSON null, which Grafana reads as unset and the round-trip
comparison drops). Lists cannot be merged element by element, so a differing list is written whole.
"""

from __future__ import annotations

from typing import Any

from .compare import IGNORED_TARGET_KEYS, differences


def residual(want: dict[str, Any], got: dict[str, Any], raw: dict[str, Any] | None) -> dict[str, Any]:
    """The extra dict turning ``got`` into ``want`` (both canonical); values come from ``raw`` (the
    input as written) where it has them, so the generated code shows the user's own JSON."""
    raw = raw if isinstance(raw, dict) else {}
    extra: dict[str, Any] = {}
    for key, value in want.items():
        if key not in got:
            extra[key] = _as_written(key, raw.get(key, value))
        elif isinstance(value, dict) and isinstance(got[key], dict):
            nested = residual(value, got[key], raw.get(key))
            if nested:
                extra[key] = nested
        elif differences(value, got[key]):
            extra[key] = _as_written(key, raw.get(key, value))
    for key in got:
        if key not in want:
            extra[key] = None
    return extra


def _as_written(key: str, value: Any) -> Any:
    if key == "targets" and isinstance(value, list):
        return [
            {k: v for k, v in t.items() if k not in IGNORED_TARGET_KEYS} if isinstance(t, dict) else t for t in value
        ]
    return value
