"""Leaf-by-leaf comparison of two JSON values, producing ``path: old -> new`` changes.

Lists of objects that carry an identity (``refId``, ``name``, ``uid`` ...) are compared element by
element under that identity, so reordering queries or variables is no change and a changed query
is reported as ``targets[B].expr`` wherever it sits in the list.
"""

from __future__ import annotations

from typing import Any

from .changes import ABSENT, FieldChange
from .words import word_diff

IDENTITY_KEYS = ("refId", "uid", "name", "title")
# Text fields shown as an inline word diff instead of two whole strings.
QUERY_KEYS = frozenset({"expr", "query", "expression", "rawSql", "rawQuery", "content", "description"})


def diff_values(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Every leaf that differs between ``old`` and ``new``, in a stable order."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[FieldChange] = []
        for key in sorted(set(old) | set(new)):
            changes += diff_values(old.get(key, ABSENT), new.get(key, ABSENT), _join(path, key))
        return changes
    if isinstance(old, list) and isinstance(new, list):
        identity = _list_identity(old, new)
        if identity:
            old_by, new_by = _index(old, identity), _index(new, identity)
            changes = []
            for key in list(old_by) + [k for k in new_by if k not in old_by]:
                changes += diff_values(old_by.get(key, ABSENT), new_by.get(key, ABSENT), f"{path}[{key}]")
            return changes
        if len(old) == len(new) and all(isinstance(v, (dict, list)) for v in old + new):
            changes = []
            for index, (a, b) in enumerate(zip(old, new)):
                changes += diff_values(a, b, f"{path}[{index}]")
            return changes
    return [leaf_change(path, old, new)]


def leaf_change(path: str, old: Any, new: Any) -> FieldChange:
    words = None
    last_key = path.rsplit(".", 1)[-1]
    if isinstance(old, str) and isinstance(new, str) and last_key in QUERY_KEYS:
        words = word_diff(old, new)
    return FieldChange(path, old, new, words)


def _list_identity(old: list, new: list) -> str | None:
    """The identity key shared by every element of both lists, if its values are unique on each side."""
    items = old + new
    if not items or not all(isinstance(v, dict) for v in items):
        return None
    for key in IDENTITY_KEYS:
        if all(isinstance(v.get(key), str) and v.get(key) for v in items):
            if len({v[key] for v in old}) == len(old) and len({v[key] for v in new}) == len(new):
                return key
    return None


def _index(values: list[dict], identity: str) -> dict[str, dict]:
    return {v[identity]: v for v in values}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
