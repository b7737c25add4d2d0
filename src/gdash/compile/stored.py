"""Compiled dashboards held as their output bytes: what a build writes, parsed only when used.

A project keeps every dashboard as the exact JSON text ``gdash build`` writes (in memory, or as
a slice of a compile-cache entry on disk) instead of as nested dicts: a tenth of the memory, no
second serialisation, and the same model whether it was compiled now or read from the cache
(the parsed model has sorted keys either way). ``model`` is parsed on first access; from then on
the model is authoritative (it may be changed), so the text is only used while it is untouched.
"""

from __future__ import annotations

import json
import os
from typing import Any

import orjson

from ..errors import Location, ProjectError
from ..model import CompiledDashboard
from ..output import dump_json


def loads(data: bytes | str) -> Any:
    """JSON text -> data; orjson where it accepts the input (it rejects NaN, which json reads)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


class StoredDashboard(CompiledDashboard):
    """A ``CompiledDashboard`` whose model is parsed from its output text on first access.

    ``validated`` is true while the model is untouched: the text was checked against the schema
    when it was compiled (see ``gdash.validate.validate_dashboard``)."""

    def __init__(
        self,
        *args: Any,
        text: str | None = None,
        where: tuple[str, int, int] | None = None,
        locations: tuple[list[Any], list[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.__dict__["_model"] = None
        self._text = text
        self._where = where  # (cache entry file, byte offset, byte length)
        self._locations = locations  # ([[panel id, path, line]], [[panel id, refId, path, line]]) from a cache entry
        super().__init__(*args, **kwargs)
        if locations is not None:  # built from ``locations`` on first use, not the dataclass defaults
            del self.__dict__["panel_locations"], self.__dict__["target_locations"]

    # Source maps from a cache entry are built on first use (a build never needs them).
    @property  # type: ignore[override]
    def panel_locations(self) -> dict[int, Location]:
        if "panel_locations" not in self.__dict__:
            panels = self._locations[0] if self._locations else []
            self.__dict__["panel_locations"] = {panel_id: Location(p, line) for panel_id, p, line in panels}
        return self.__dict__["panel_locations"]

    @panel_locations.setter
    def panel_locations(self, value: dict[int, Location]) -> None:
        self.__dict__["panel_locations"] = value

    @property
    def target_locations(self) -> dict[tuple[int, str], Location]:
        if "target_locations" not in self.__dict__:
            targets = self._locations[1] if self._locations else []
            self.__dict__["target_locations"] = {
                (panel_id, ref): Location(p, line) for panel_id, ref, p, line in targets
            }
        return self.__dict__["target_locations"]

    @target_locations.setter
    def target_locations(self, value: dict[tuple[int, str], Location]) -> None:
        self.__dict__["target_locations"] = value

    @property
    def model(self) -> dict[str, Any]:
        model = self.__dict__["_model"]
        if model is None:
            model = self.__dict__["_model"] = loads(self.text())
        return model

    @model.setter
    def model(self, value: dict[str, Any] | None) -> None:
        self.__dict__["_model"] = value

    @property
    def validated(self) -> bool:
        return self.__dict__["_model"] is None

    def identity(self) -> str | None:
        """A name for the output text that no other text has: its compile-cache entry and place in it
        (entries are content-addressed), while the model was never parsed; None otherwise."""
        if self.__dict__["_model"] is not None or self._text is not None or self._where is None:
            return None
        path, offset, length = self._where
        return f"{os.path.basename(path)}@{offset}+{length}"

    @property
    def stored(self) -> bool:
        """True when the text lives in a cache entry (not in memory)."""
        return self._text is None and self._where is not None

    def text(self) -> str:
        """The output JSON: the stored bytes while the model is untouched, else a fresh dump."""
        if self.__dict__["_model"] is not None:
            return dump_json(self.__dict__["_model"])
        if self._text is not None:
            return self._text
        assert self._where is not None  # validated() and model() only reach here for cache-backed entries
        path, offset, length = self._where
        try:
            with open(path, "rb") as handle:
                handle.seek(offset)
                data = handle.read(length)
        except OSError as exc:
            data, problem = b"", str(exc)
        else:
            problem = "it is shorter than expected"
        if len(data) != length:
            raise ProjectError(
                f"compile cache entry {path} cannot be read while gdash runs ({problem})",
                hint="another process removed .gdash/cache; run the command again",
            )
        return data.decode("utf-8")

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def stored(dashboard: CompiledDashboard, text: str | None = None) -> StoredDashboard:
    """``dashboard`` as a ``StoredDashboard`` holding its output text in memory (its model is dropped)."""
    return StoredDashboard(
        dashboard.uid,
        dashboard.title,
        dashboard.folder,
        None,
        dashboard.source,
        dashboard.panel_locations,
        dashboard.target_locations,
        text=text if text is not None else dump_json(dashboard.model),
    )


def dashboard_json(dashboard: CompiledDashboard) -> str:
    """The bytes ``gdash build`` writes for ``dashboard`` (without re-serialising a stored one)."""
    if isinstance(dashboard, StoredDashboard):
        return dashboard.text()
    return dump_json(dashboard.model)


def same_output(a: CompiledDashboard, b: CompiledDashboard) -> bool:
    """True when both compile to the same bytes (the same cache entry slice needs no reading)."""
    if (
        isinstance(a, StoredDashboard)
        and isinstance(b, StoredDashboard)
        and a.stored
        and b.stored
        and a.validated
        and b.validated
        and a._where == b._where
    ):
        return True
    return dashboard_json(a) == dashboard_json(b)
