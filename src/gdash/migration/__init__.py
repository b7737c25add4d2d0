"""Dashboard schema migration: any dashboard Grafana can load -> the current v1 model.

``migrate(model)`` returns a migrated deep copy (the input is never modified): Grafana's
load-time normalisation (``frontend_defaults``) and then one function per schema step
(``steps.v2`` ... ``steps.v43``), reproducing Grafana's backend migrator; with ``panels=True``
the frontend's angular panel auto-migrations (graph -> timeseries, singlestat -> stat, ...)
follow (``panels.py``). Dashboard v2 specs (Grafana 13 exports) are converted to the v1 model
first (``v2.py``). ``unwrap(document)`` finds the dashboard in API answers and resources.
See docs/migration.md.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from ..errors import ConfigError, Location
from . import frontend_defaults
from . import panels as panel_migrations
from . import v2 as v2_format
from ._util import MUST_KEEP_PROPS, drop_old_plugin_props
from .datasources import DataSource, DatasourceIndex, export_inputs
from .document import check_depth, is_v2_spec, kind_of, schema_version, unwrap
from .steps import STEPS, Context

LATEST = 42  # the final v1 schemaVersion of released Grafana (12.2+); see docs/grafana-versions.md
NEWEST_KNOWN = 43  # steps implemented (v43: formatTime -> convertFieldType, Grafana's main branch)
OLDEST = 0  # dashboards without schemaVersion are treated as the oldest and run every step

_GRAFANA_SCHEMA = {11: 39, 12: 42, 13: 42}

__all__ = [
    "LATEST",
    "MUST_KEEP_PROPS",
    "NEWEST_KNOWN",
    "DataSource",
    "for_grafana",
    "migrate",
    "unwrap",
    "schema_version",
    "schema_version_for",
    "kind_of",
    "is_v2_spec",
    "drop_old_plugin_props",
]


def schema_version_for(grafana_major: int | None = None) -> int:
    """The schemaVersion a Grafana major version writes (and so expects): 11 -> 39, 12/13 -> 42.

    Grafana 11.0-11.4 saves 39 (11.5 moved to 40, 11.6 to 41); 12.2 reached 42, the final v1
    schemaVersion, which Grafana 13 keeps. ``None`` means the newest Grafana gdash supports.
    """
    if grafana_major is None:
        return LATEST
    if grafana_major not in _GRAFANA_SCHEMA:
        raise ConfigError(
            f"unsupported Grafana major version {grafana_major}",
            hint=f"use one of {', '.join(str(v) for v in sorted(_GRAFANA_SCHEMA))}",
        )
    return _GRAFANA_SCHEMA[grafana_major]


def for_grafana(model: dict[str, Any], grafana_major: int) -> dict[str, Any]:
    """gdash's compiled ``model`` as the given Grafana major version expects it (a copy).

    The field shapes of steps 40-42 are valid at every earlier schemaVersion, so only the version
    changes: Grafana 11 gets 39 and loads it without migrating anything of gdash's.
    """
    return {**model, "schemaVersion": schema_version_for(grafana_major)}


def migrate(
    model: Any,
    *,
    target: int = LATEST,
    notes: list[str] | None = None,
    datasources: Iterable[DataSource] = (),
    normalize: bool | None = None,
    panels: bool = False,
    location: Location | None = None,
    plugin_version: str | None = None,
) -> dict[str, Any]:
    """A migrated deep copy of ``model`` at schemaVersion ``target``.

    ``model`` may be any document :func:`unwrap` accepts. ``datasources`` resolve datasource names
    (besides the export's ``__inputs`` placeholders); ``normalize`` runs Grafana's load-time
    clean-up (default: only when a schema step runs, so a model already at ``target`` comes back
    unchanged); ``panels`` adds the frontend's angular panel auto-migrations; ``plugin_version`` is
    what converted table/stat panels record as ``pluginVersion`` (Grafana writes its own version).
    What could not be
    carried over, and what was mapped, is appended to ``notes``.
    """
    notes = [] if notes is None else notes
    if not 0 <= target <= NEWEST_KNOWN:
        raise ConfigError(
            f"cannot migrate to schemaVersion {target}",
            location=location,
            hint=f"choose a target between 0 and {NEWEST_KNOWN}",
        )
    bare = unwrap(model, location)
    dash = copy.deepcopy(bare)
    if is_v2_spec(dash):
        dash = v2_format.to_v1(dash, notes=notes)
    index = DatasourceIndex(datasources)
    for placeholder in export_inputs(dash):
        index.add(placeholder)
        notes.append(f"export placeholder {placeholder.uid} -> a {placeholder.type} datasource (uid kept as written)")
    version = schema_version(dash)
    if version > target:
        notes.append(f"schemaVersion {version} is newer than {target}: left as it is")
        return dash
    normalizing = bool(normalize or (normalize is None and version < target))
    if normalizing:
        frontend_defaults.apply(dash)
    context = Context(index, plugin_version=plugin_version)
    dash["schemaVersion"] = version
    for step in range(max(version, 1) + 1, target + 1):
        try:
            STEPS[step](dash, context)
        except RecursionError:
            raise ConfigError(
                f"schema step {step} failed: the dashboard is nested too deeply", location=location
            ) from None
        dash["schemaVersion"] = step
    if normalizing:
        frontend_defaults.finish(dash)
    if panels:
        panel_migrations.auto_migrate(dash, notes, index)
    return dash


def check(document: Any, location: Location | None = None) -> None:
    """Raise the ``ConfigError`` :func:`migrate` would raise for ``document``, without migrating."""
    check_depth(document, location)
    unwrap(document, location)
