"""A grafanalib dashboard -> a ``CompiledDashboard`` in Grafana's current model."""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grafanalib import core

from ..errors import Location, ProjectError
from ..grafanalib_ext import modern_dashboard
from ..model import LOGICAL_UID_PREFIX, CompiledDashboard
from .locations import relative_location

UID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MIXED_DATASOURCE = {"type": "datasource", "uid": "-- Mixed --"}


def validate_uid(uid: Any, what: str, location: Location) -> str:
    """Grafana uids are at most 40 characters; gdash keeps them URL- and file-safe too."""
    if not isinstance(uid, str) or not UID_PATTERN.match(uid):
        shown = uid if isinstance(uid, str) else type(uid).__name__
        problem = "longer than 40 characters" if isinstance(uid, str) and len(uid) > 40 else "not a valid uid"
        raise ProjectError(
            f"{what} uid {shown!r} is {problem}",
            location=location,
            hint='use 1 to 40 characters from A-Z a-z 0-9 _ - (e.g. uid="api-performance")',
        )
    return uid


def _panel_objects(board: core.Dashboard) -> Iterator[core.Panel]:
    """Panels in the order their JSON appears (rows followed by their collapsed children)."""
    for panel in board.panels:
        yield panel
        if isinstance(panel, core.RowPanel):
            yield from panel.panels


def _panel_dicts(model: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in model["panels"]:
        yield panel
        if panel.get("type") == "row":
            yield from panel.get("panels", [])


def datasource_variables(model: dict[str, Any]) -> dict[str, str]:
    """Datasource type -> name of the dashboard's first datasource variable of that type."""
    found: dict[str, str] = {}
    for variable in _variables(model):
        if variable.get("type") == "datasource" and isinstance(variable.get("name"), str):
            found.setdefault(str(variable.get("query")), variable["name"])
    return found


def _variables(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The template variables that are mappings (``extra=`` may have put anything in the list)."""
    templating = model.get("templating")
    found = templating.get("list") if isinstance(templating, dict) else None
    return [v for v in found if isinstance(v, dict)] if isinstance(found, list) else []


def resolve_datasource(ref: Any, variables: dict[str, str]) -> Any:
    """A reference without a uid (``{"type": t}``: Grafana's "the default datasource of type t", as
    its v2->v1 conversion writes it) -> the dashboard's datasource variable of type t, else the
    logical datasource named t; any other reference as it is."""
    if isinstance(ref, dict) and ref.get("uid") is None and isinstance(ref.get("type"), str):
        kind = ref["type"]
        uid = f"${{{variables[kind]}}}" if kind in variables else f"{LOGICAL_UID_PREFIX}{kind}"
        return {"type": kind, "uid": uid}
    return ref


def _free_ref_ids(taken: set[Any]) -> Iterator[str]:
    """A, B, ..., Z, AA, AB, ... (as Grafana's editor names queries), skipping those in use."""
    size = 1
    while True:
        for letters in itertools.product(string.ascii_uppercase, repeat=size):
            if "".join(letters) not in taken:
                yield "".join(letters)
        size += 1


def compile_dashboard(
    board: core.Dashboard, *, root: Path, default_folder: str, fallback: Location
) -> CompiledDashboard:
    """Compile one dashboard; ``fallback`` is the location used where no finer one is known."""
    source = relative_location(board, root, fallback)
    uid = validate_uid(board.uid, f"dashboard {board.title!r}", source)
    model = modern_dashboard(board)
    model["uid"] = uid
    variables = datasource_variables(model)
    for variable in _variables(model):
        if "datasource" in variable:
            variable["datasource"] = resolve_datasource(variable["datasource"], variables)

    compiled = CompiledDashboard(
        uid=uid,
        title=board.title,
        folder=getattr(board, "folder", None) or default_folder,
        model=model,
        source=source,
        schema=getattr(board, "_gdash_schema", None),
    )
    for panel_id, (obj, panel) in enumerate(zip(_panel_objects(board), _panel_dicts(model)), start=1):
        panel["id"] = panel_id
        panel_location = relative_location(obj, root, source)
        compiled.panel_locations[panel_id] = panel_location
        targets = panel.get("targets", [])
        free_ref_ids = _free_ref_ids({t.get("refId") for t in targets})
        for target_obj, target in zip(getattr(obj, "targets", []), targets):
            if not target.get("refId"):
                target["refId"] = next(free_ref_ids)
            if target.get("datasource") is not None:  # absent: the target uses the panel's datasource
                target["datasource"] = resolve_datasource(target["datasource"], variables)
            compiled.target_locations[(panel_id, target["refId"])] = relative_location(target_obj, root, panel_location)
        if targets and panel.get("datasource") is None:
            refs = {repr(sorted(t["datasource"].items())) for t in targets if isinstance(t.get("datasource"), dict)}
            panel["datasource"] = targets[0]["datasource"] if len(refs) == 1 else MIXED_DATASOURCE
    return compiled
