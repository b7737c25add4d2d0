"""Datasource names -> ``{type, uid}`` references, as Grafana's schema steps 33 and 36 resolve them.

Grafana resolves a name (or uid) against the datasources of the running instance
(``schemaversion/datasource_utils.go``: ``MigrateDatasourceNameToRef``, ``GetDataSourceRef``).
gdash migrates offline, so the lookup table is whatever the caller knows: none by default (an
unknown name is kept as a uid-only reference, as Grafana keeps it), plus the ``__inputs`` of a
Grafana export, whose ``${DS_PROMETHEUS}`` placeholders resolve to ``{type: <pluginId>, uid:
"${DS_PROMETHEUS}"}`` so the importer can give each placeholder a logical datasource name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DataSource:
    """One datasource the migration may resolve names against."""

    uid: str
    type: str
    name: str = ""
    default: bool = False
    api_version: str = ""

    def ref(self) -> dict[str, Any]:
        ref: dict[str, Any] = {"uid": self.uid, "type": self.type}
        if self.api_version:
            ref["apiVersion"] = self.api_version
        return ref


# datasources every Grafana has (their names are also their uids in dashboards)
BUILT_IN = (
    DataSource(uid="-- Grafana --", type="grafana", name="-- Grafana --"),
    DataSource(uid="-- Mixed --", type="mixed", name="-- Mixed --"),
    DataSource(uid="-- Dashboard --", type="datasource", name="-- Dashboard --"),
)


class DatasourceIndex:
    """Lookup by name first, then by uid (Grafana's order: names are what legacy models hold)."""

    def __init__(self, datasources: Iterable[DataSource] = ()):
        self.by_name: dict[str, DataSource] = {}
        self.by_uid: dict[str, DataSource] = {}
        self.default: DataSource | None = None
        for source in (*BUILT_IN, *datasources):
            self.add(source)

    def add(self, source: DataSource) -> None:
        if source.name:
            self.by_name[source.name] = source
        if source.uid:
            self.by_uid[source.uid] = source
        if source.default:
            self.default = source

    def lookup(self, name_or_uid: str) -> DataSource | None:
        return self.by_name.get(name_or_uid) or self.by_uid.get(name_or_uid)

    def resolve(self, name: str) -> DataSource | None:
        if not name:
            return None
        if name == "default" and self.default is not None:
            return self.default
        return self.lookup(name)

    def default_ref(self) -> dict[str, Any] | None:
        return self.default.ref() if self.default is not None else None


def is_datasource_ref(value: Any) -> bool:
    """A mapping with a non-empty string ``uid`` or ``type`` (the frontend's ``isDataSourceRef``)."""
    if not isinstance(value, dict):
        return False
    return any(isinstance(value.get(key), str) and value.get(key) for key in ("uid", "type"))


def name_to_ref(value: Any, index: DatasourceIndex, *, default_as_null: bool) -> dict[str, Any] | None:
    """Grafana's ``MigrateDatasourceNameToRef``: a name, uid or ``default`` -> a reference (or None)."""
    if default_as_null and (value is None or value == "default"):
        return None
    if is_datasource_ref(value):
        return value
    if value is None:
        return index.default_ref()
    if not isinstance(value, str):
        return None
    if value == "":
        return {}
    source = index.resolve(value)
    if source is not None:
        return source.ref()
    return {"uid": value}  # an unknown name is preserved as a uid-only reference


def export_inputs(model: Mapping[str, Any]) -> list[DataSource]:
    """The datasource placeholders of a Grafana export (``__inputs``), as resolvable datasources."""
    found = []
    for item in model.get("__inputs") or []:
        if not isinstance(item, dict) or item.get("type") != "datasource":
            continue
        name, plugin = item.get("name"), item.get("pluginId")
        if isinstance(name, str) and name and isinstance(plugin, str) and plugin:
            placeholder = f"${{{name}}}"
            found.append(DataSource(uid=placeholder, type=plugin, name=placeholder))
    return found
