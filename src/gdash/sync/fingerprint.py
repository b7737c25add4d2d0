"""The content hash gdash stores in a tag of every dashboard it pushes.

Search results carry tags, so one paged ``GET /api/search`` tells which dashboards are unchanged
(their tag equals the local hash: nothing to read or write) and which ones gdash manages (``--prune``).
Comparing a live model's own hash with its tag tells whether someone edited it after gdash pushed.

The fingerprint is deliberately independent of the diff module's normalisation: changing how diffs
are displayed must never make every live dashboard look edited.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..output import compact_json, has_float, orjson_compact

TAG_PREFIX = "gdash-hash:"
_SERVER_MANAGED = ("id", "version", "iteration")


def hash_tag(tags: list[str] | None) -> str | None:
    """The hash recorded in a dashboard's tags, if gdash pushed it."""
    return next((t[len(TAG_PREFIX) :] for t in tags or [] if t.startswith(TAG_PREFIX)), None)


def without_hash_tag(model: dict[str, Any]) -> dict[str, Any]:
    result = {k: v for k, v in model.items() if k not in _SERVER_MANAGED}
    result["tags"] = [t for t in model.get("tags") or [] if not t.startswith(TAG_PREFIX)]
    return result


def fingerprint(model: dict[str, Any]) -> str:
    """Hash of a dashboard model, ignoring server-managed fields and gdash's own tag: of its
    canonical JSON (sorted keys, compact, UTF-8; integral floats written as integers)."""
    stripped = without_hash_tag(model)
    data = compact_json(stripped)
    if has_float(data):  # the walk that writes 1.0 as 1 only for the (rare) models holding a float
        data = compact_json(_integral_floats(stripped))
    return hashlib.sha256(data).hexdigest()[:20]


def carries_own_hash(model: dict[str, Any]) -> bool:
    """``edited_since_push(model)`` is False: the model still hashes to its hash tag.

    Its canonical text is written by orjson directly, without the checks :func:`fingerprint` needs
    to write exactly the stdlib's bytes: where the two writers differ (some floats) the texts
    differ, the hash does not match and :func:`fingerprint` decides; where the hash matches, the
    text is the one the tag was made of, so the data is too."""
    recorded = hash_tag(model.get("tags"))
    if recorded is None:
        return False
    data = orjson_compact(without_hash_tag(model))
    if data is not None:
        if hashlib.sha256(data).hexdigest()[:20] == recorded:
            return True
        if not has_float(data):  # then orjson wrote the canonical text itself
            return False
    return fingerprint(model) == recorded


def _integral_floats(value: Any) -> Any:
    """1.0 -> 1: a JSON encoder on the way (Grafana's, a proxy's) may write either; both mean the same.

    Copy on write: containers without such a float are returned as they are (dashboards rarely
    hold one, and copying every 30 KiB model cost more than hashing it)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        changed = None
        for key, item in value.items():
            if isinstance(item, (dict, list, float)):
                new = _integral_floats(item)
                if new is not item:
                    changed = changed if changed is not None else dict(value)
                    changed[key] = new
        return changed if changed is not None else value
    if isinstance(value, list):
        items = None
        for index, item in enumerate(value):
            if isinstance(item, (dict, list, float)):
                new = _integral_floats(item)
                if new is not item:
                    items = items if items is not None else list(value)
                    items[index] = new
        return items if items is not None else value
    return value


def with_hash_tag(model: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """``model`` tagged with its fingerprint, and the fingerprint."""
    digest = fingerprint(model)
    tagged = without_hash_tag(model)
    tagged["tags"] = [*tagged["tags"], TAG_PREFIX + digest]
    return tagged, digest


def edited_since_push(live_model: dict[str, Any]) -> bool:
    """True when a live dashboard no longer matches the hash gdash stored when pushing it."""
    return not carries_own_hash(live_model)
