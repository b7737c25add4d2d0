"""The importer's view of the migration: any dashboard Grafana can load -> the model gdash compiles to.

All the work is done by :mod:`gdash.migration` (Grafana's load-time normalisation, one function
per schema step up to the current schemaVersion, then the frontend's angular panel conversions:
graph -> timeseries, singlestat -> stat, table-old -> table, ...). This module keeps the
importer's entry points: :func:`unwrap` and :func:`migrate_dashboard` raise a one-line
``ConfigError`` naming the file and JSON path for anything that is not a dashboard.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError, Location
from ..migration import LATEST, migrate
from ..migration import unwrap as _unwrap

SPECIAL_UIDS = ("-- Mixed --", "-- Grafana --", "-- Dashboard --", "__expr__", "grafana")


def unwrap(document: Any, location: Location) -> dict[str, Any]:
    """The bare dashboard from a bare model, ``{"dashboard": ..., "meta": ...}``, a resource or a v2 spec."""
    return _unwrap(document, location)


def migrate_dashboard(model: dict[str, Any], location: Location, notes: list[str] | None = None) -> dict[str, Any]:
    """A migrated copy of ``model`` (any schemaVersion, legacy ``rows[]``, v2), with angular panels converted.

    The load-time normalisation always runs, so that two models that Grafana would load alike
    (the imported JSON and gdash's compiled output) compare alike.
    """
    try:
        return migrate(model, target=LATEST, notes=notes, normalize=True, panels=True, location=location)
    except ConfigError:
        raise
    except (RecursionError, MemoryError):
        raise ConfigError("the dashboard is too deeply nested or too large to migrate", location=location) from None
