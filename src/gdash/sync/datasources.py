"""Map logical datasource names (uid ``gdash:<name>``) to an environment's real datasource uids."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from ..errors import ConfigError, Location
from ..model import LOGICAL_UID_PREFIX

# Datasource uids that are not datasources one can look up: variables, expressions, built-ins.
_NOT_LOOKUPS = ("$", "-- ", "__expr__", "grafana")


def rewrite_datasources(obj: Any, mapping: Mapping[str, str], *, environment: str, source: Location) -> Any:
    """``obj`` with every ``gdash:<name>`` uid replaced by ``mapping[name]``.

    Datasource variables whose type has a mapping also get it as their default (``current``), so a
    freshly pushed dashboard shows data before anyone picks a datasource.

    Copy on write: the dicts and lists on the way to a replaced value are new, everything else is
    shared with ``obj`` (a deep copy of every 30 KiB dashboard was most of a no-op push's CPU), so
    treat both as read-only. Values are replaced in the order a depth-first walk meets them, so
    the first unmapped name is the one reported.
    """

    def mapped(value: str) -> str:
        name = value[len(LOGICAL_UID_PREFIX) :]
        if name not in mapping:
            raise ConfigError(
                f"datasource {name!r} has no mapping for environment {environment!r}",
                location=source,
                hint=f"add `datasources: {{{name}: <datasource uid>}}` under environments.{environment} in "
                f"gdash.yaml (or pass --datasource {name}=<uid>)",
            )
        return mapping[name]

    def walk(node: Any, parent_key: str) -> Any:
        if isinstance(node, dict):
            changed: dict[str, Any] | None = None
            for slot in (("uid",) if parent_key == "datasource" and "uid" in node else ()) + (
                ("datasourceUid",) if "datasourceUid" in node else ()
            ):
                value = node[slot]
                if isinstance(value, str) and value.startswith(LOGICAL_UID_PREFIX):
                    changed = changed if changed is not None else dict(node)
                    changed[slot] = mapped(value)
            for key, value in (changed if changed is not None else node).items():
                if isinstance(value, (dict, list)):
                    new = walk(value, key)
                    if new is not value:
                        changed = changed if changed is not None else dict(node)
                        changed[key] = new
            return changed if changed is not None else node
        if isinstance(node, list):
            items: list[Any] | None = None
            for index, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    new = walk(value, parent_key)
                    if new is not value:
                        items = items if items is not None else list(node)
                        items[index] = new
            return items if items is not None else node
        return node

    result = walk(obj, "") if _mentions(obj, LOGICAL_UID_PREFIX) else obj
    if isinstance(result, dict):
        templating = result.get("templating") or {}
        variables = templating.get("list") or []
        defaults = [
            (index, mapping.get(v.get("query", "")))
            for index, v in enumerate(variables)
            if isinstance(v, dict) and v.get("type") == "datasource"
        ]
        defaults = [(index, uid) for index, uid in defaults if uid]
        if defaults:
            variables = list(variables)
            for index, uid in defaults:
                variables[index] = dict(variables[index], current={"selected": True, "text": uid, "value": uid})
            result = dict(result) if result is obj else result
            result["templating"] = dict(templating, list=variables)
    return result


def _mentions(obj: Any, text: str) -> bool:
    """Whether ``text`` may occur in a string of ``obj``: one search of its JSON (orjson, C speed) tells
    most dashboards need no walk (they name datasources through a variable, or by real uid)."""
    try:
        return text.encode("utf-8") in orjson.dumps(obj)
    except (TypeError, orjson.JSONEncodeError):
        return True


def referenced_datasources(obj: Any) -> set[str]:
    """Real datasource uids that ``obj`` (a dashboard model or an alert rule) queries."""
    uids = {
        node[key]
        for node, key in _uid_slots(obj)
        if isinstance(node[key], str) and node[key] and not node[key].startswith(_NOT_LOOKUPS)
    }
    if isinstance(obj, dict):  # the default of a datasource variable (set from the mapping) must exist too
        for variable in (obj.get("templating") or {}).get("list") or []:
            value = (variable.get("current") or {}).get("value") if variable.get("type") == "datasource" else None
            if isinstance(value, str) and value and not value.startswith(_NOT_LOOKUPS):
                uids.add(value)
    return uids


def _uid_slots(obj: Any, parent_key: str = "") -> Iterator[tuple[dict[str, Any], str]]:
    """(dict, key) pairs holding a datasource uid: ``datasource.uid`` and alert queries' ``datasourceUid``."""
    if isinstance(obj, dict):
        if parent_key == "datasource" and "uid" in obj:
            yield obj, "uid"
        if "datasourceUid" in obj:
            yield obj, "datasourceUid"
        for key, value in obj.items():
            yield from _uid_slots(value, key)
    elif isinstance(obj, list):
        for value in obj:
            yield from _uid_slots(value, parent_key)


def logical_names(objects: Iterable[Any]) -> dict[str, set[str]]:
    """Logical datasource names (``gdash:<name>``) the objects use -> the datasource types they are used as."""
    names: dict[str, set[str]] = {}
    for obj in objects:
        for node, key in _uid_slots(obj):
            value = node[key]
            if isinstance(value, str) and value.startswith(LOGICAL_UID_PREFIX):
                kinds = names.setdefault(value[len(LOGICAL_UID_PREFIX) :], set())
                if isinstance(node.get("type"), str):
                    kinds.add(node["type"])
    return names


def resolve_against_live(
    needed: Mapping[str, set[str]], live: list[dict[str, Any]], *, url: str
) -> tuple[dict[str, str], list[str]]:
    """Map each logical name to the one live datasource that matches it by uid, else by name, else by type.

    Returns the mapping and one line per resolution (for the plan). None or several matches at the
    first level that matches anything is a one-line ConfigError listing the candidates."""
    mapping: dict[str, str] = {}
    notes: list[str] = []
    for name in sorted(needed):
        for how, test in (
            ("uid", lambda ds, name=name: ds.get("uid") == name),
            ("name", lambda ds, name=name: ds.get("name") == name),
            (
                "type",
                lambda ds, name=name: (
                    ds.get("type") == name or (ds.get("type") in needed[name] and len(needed[name]) == 1)
                ),
            ),
        ):
            found = [ds for ds in live if test(ds)]
            if len(found) == 1:
                mapping[name] = found[0]["uid"]
                notes.append(
                    f"datasource {name!r} -> uid {found[0]['uid']!r} ({found[0].get('name')!r}, matched by {how})"
                )
                break
            if len(found) > 1:
                shown = ", ".join(f"{ds.get('name')!r} (uid {ds.get('uid')}, {ds.get('type')})" for ds in found)
                raise ConfigError(
                    f"datasource {name!r} has no mapping and {len(found)} datasources in {url} match "
                    f"it by {how}: {shown}",
                    hint=f"choose one with --datasource {name}=<uid>",
                )
        else:
            shown = ", ".join(f"{ds.get('name')!r} (uid {ds.get('uid')}, {ds.get('type')})" for ds in live) or "none"
            raise ConfigError(
                f"datasource {name!r} has no mapping and no datasource in {url} matches it by uid, name or type",
                hint=f"pass --datasource {name}=<uid>; datasources there: {shown}",
            )
    return mapping, notes
