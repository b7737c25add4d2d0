"""Small type-tolerant accessors shared by the schema steps.

Grafana's Go migrator reads ``map[string]interface{}`` and skips whatever has an unexpected type;
these helpers do the same so that hostile or half-written JSON never raises inside a step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, TypeGuard

# The panel properties Grafana keeps when a panel changes plugin (``mustKeepProps`` in grafana/grafana
# public/app/features/dashboard/state/PanelModel.ts, read at commit 001569a1; its
# clearPropertiesBeforePluginChange deletes every other key). Some are runtime-only (events,
# queryRunner, key...) and never in saved JSON: kept in the list as Grafana has it.
MUST_KEEP_PROPS = frozenset(
    (
        "id",
        "gridPos",
        "type",
        "title",
        "scopedVars",
        "repeat",
        "repeatPanelId",
        "repeatDirection",
        "repeatedByRow",
        "minSpan",
        "collapsed",
        "panels",
        "targets",
        "datasource",
        "timeFrom",
        "timeShift",
        "hideTimeOverride",
        "description",
        "links",
        "fullscreen",
        "isEditing",
        "hasRefreshed",
        "events",
        "cacheTimeout",
        "queryCachingTTL",
        "cachedPluginOptions",
        "transparent",
        "pluginVersion",
        "queryRunner",
        "transformations",
        "fieldConfig",
        "maxDataPoints",
        "interval",
        "replaceVariables",
        "libraryPanel",
        "getDisplayTitle",
        "configRev",
        "key",
    )
)


def drop_old_plugin_props(panel: dict[str, Any]) -> None:
    """Delete what belonged to the panel's old plugin: every key but :data:`MUST_KEEP_PROPS` and
    ``options`` (Grafana empties it, then the new plugin writes its own: the caller's job here)."""
    for key in [k for k in panel if k not in MUST_KEEP_PROPS and k != "options"]:
        del panel[key]


_NUMBER_TEXT = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON list, else an empty one."""
    return value if isinstance(value, list) else []


def as_float(value: Any) -> float | None:
    """A number, or a numeric string (``"700px"`` reads as 700, as Grafana's ConvertToFloat does)."""
    if is_number(value):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value[:-2] if value.endswith("px") else value
        if _NUMBER_TEXT.fullmatch(text):
            number = float(text)
            return number if math.isfinite(number) else None
    return None


def as_int(value: Any, default: int) -> int:
    """Go's ConvertToInt: numbers only (strings do not count), truncated toward zero."""
    if is_number(value) and math.isfinite(value):
        return int(value)
    return default


def parse_float(value: Any) -> float | None:
    """strconv.ParseFloat on a string (no ``px``), or the number itself."""
    if is_number(value):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value) and value == value.strip():
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def get_str(obj: dict[str, Any], key: str, default: str = "") -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else default


def get_bool(obj: dict[str, Any], key: str) -> bool:
    return obj.get(key) is True


def dicts(value: Any) -> Iterator[dict[str, Any]]:
    """The mappings in a list (anything else yields nothing)."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield item


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """Top-level panels."""
    return list(dicts(dashboard.get("panels")))


def variables(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    templating = dashboard.get("templating")
    return list(dicts(templating.get("list"))) if isinstance(templating, dict) else []


def annotation_list(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    holder = dashboard.get("annotations")
    return list(dicts(holder.get("list"))) if isinstance(holder, dict) else []


def number_out(value: float) -> int | float:
    """A float written the way Go's encoder writes it (10.0 -> 10)."""
    return int(value) if math.isfinite(value) and value == int(value) and abs(value) < 2**53 else value


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness (the frontend migrator's ``if (x)``): [] and {} are true, 0 and "" false."""
    if value is None or value is False or value == "" or (is_number(value) and (value == 0 or value != value)):
        return False
    return True
