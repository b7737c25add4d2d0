"""``load_project``: gdash.yaml + user files -> a compiled, validated ``Project``."""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, TypeVar

from grafanalib import core

from ..authoring.notifications import ContactPoint, Inhibit, MuteTiming, Policy
from ..compile import (compile_contact_points, compile_dashboard, compile_inhibit_rules, compile_mute_timings,
                       compile_policy, compile_rule_group)
from ..compile.locations import relative_location
from ..config import CONFIG_NAME, Config, load_config
from ..errors import GdashError, Location, ProjectError
from ..model import Project
from ..slo import SLO, slo_dashboard
from .discovery import DEBUG_HINT, describe_exception, import_user_file, project_files, project_on_path, relpath

T = TypeVar("T")

DASHBOARD_EXPORTS = ("dashboard", "dashboards")
ALERT_EXPORTS = ("group", "groups", "contact_points", "policy", "templates", "mute_timings", "inhibit_rules", "slos")


@dataclass
class Sources:
    """What the user's files export, before compiling."""

    dashboards: list[tuple[core.Dashboard, Location]] = field(default_factory=list)
    groups: list[tuple[core.AlertGroup, Location]] = field(default_factory=list)
    contact_points: list[tuple[ContactPoint, Location]] = field(default_factory=list)
    policy: tuple[Policy, Location] | None = None
    templates: dict[str, str] = field(default_factory=dict)
    mute_timings: list[tuple[MuteTiming, Location]] = field(default_factory=list)
    inhibit_rules: list[tuple[Inhibit, Location]] = field(default_factory=list)
    slos: list[tuple[SLO, Location]] = field(default_factory=list)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _check_type(value: Any, expected: type | tuple[type, ...], name: str, location: Location, hint: str) -> None:
    if not isinstance(value, expected):
        raise ProjectError(f"{name!r} is a {type(value).__name__}, expected {hint}", location=location,
                           hint=f"make {name} a {hint}")


def _dashboard_exports(module: ModuleType, location: Location, sources: Sources) -> None:
    present = [name for name in DASHBOARD_EXPORTS if name in module.__dict__]
    if not present:
        raise ProjectError("defines neither 'dashboard' nor 'dashboards'", location=location,
                           hint="add `dashboard = Dashboard(...)` at module level, or rename the file to start "
                                "with '_' if it only holds helpers")
    for name in present:
        for board in _as_list(module.__dict__[name]):
            _check_type(board, core.Dashboard, name, location, "gdash.Dashboard(...) (or a grafanalib Dashboard)")
            sources.dashboards.append((board, location))


def _alert_exports(module: ModuleType, location: Location, sources: Sources) -> None:
    present = [name for name in ALERT_EXPORTS if name in module.__dict__]
    if not present:
        raise ProjectError("defines none of 'groups', 'group', 'contact_points', 'policy', 'templates', 'slos'",
                           location=location, hint="add `groups = [AlertGroup(...)]` at module level")
    values = module.__dict__
    for name in ("group", "groups"):
        for group in _as_list(values.get(name, [])):
            _check_type(group, core.AlertGroup, name, location, "gdash.AlertGroup(...)")
            sources.groups.append((group, location))
    for point in _as_list(values.get("contact_points", [])):
        _check_type(point, ContactPoint, "contact_points", location, "list of gdash.ContactPoint")
        sources.contact_points.append((point, location))
    if "policy" in values:
        _check_type(values["policy"], Policy, "policy", location, "gdash.Policy(...)")
        if sources.policy:
            raise ProjectError("a second notification 'policy' is defined", location=location,
                               hint=f"Grafana has one policy tree per organisation; keep the one in {sources.policy[1]}")
        sources.policy = (values["policy"], location)
    for timing in _as_list(values.get("mute_timings", [])):
        _check_type(timing, MuteTiming, "mute_timings", location, "list of gdash.MuteTiming")
        sources.mute_timings.append((timing, location))
    for inhibit in _as_list(values.get("inhibit_rules", [])):
        _check_type(inhibit, Inhibit, "inhibit_rules", location, "list of gdash.Inhibit")
        sources.inhibit_rules.append((inhibit, location))
    for slo in _as_list(values.get("slos", [])):
        _check_type(slo, SLO, "slos", location, "list of gdash.SLO(...)")
        sources.slos.append((slo, location))
        sources.groups.append((slo.group, location))  # its burn-rate alerts
    templates = values.get("templates", {})
    _check_type(templates, dict, "templates", location, "dict of template name -> template text")
    for name, text in templates.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise ProjectError(f"'templates' entry {name!r} is not text -> text", location=location,
                               hint="make templates a dict of template name (str) -> template text (str)")
    sources.templates.update(templates)


def load_sources(root: Path, debug: bool = False) -> Sources:
    sources = Sources()
    with project_on_path(root):
        for path in project_files(root, "dashboards"):
            module = import_user_file(path, root, debug)
            _dashboard_exports(module, Location(relpath(path, root)), sources)
        for path in project_files(root, "alerts"):
            module = import_user_file(path, root, debug)
            _alert_exports(module, Location(relpath(path, root)), sources)
    if sources.slos:  # one dashboard for every SLO of the project
        sources.dashboards.append((slo_dashboard([slo for slo, _ in sources.slos]), sources.slos[0][1]))
    return sources


def _compiling(obj: Any, root: Path, fallback: Location, debug: bool, compile_: Callable[..., T], /, *args: Any,
               **kwargs: Any) -> T:
    """``compile_(*args, **kwargs)``; whatever the user's objects make it raise is one ProjectError line.

    Compiling calls into objects the user built (grafanalib classes accept anything, user subclasses
    may override ``to_json_data``), so any exception here is the user's input, reported at the line
    where the object was declared."""
    try:
        return compile_(*args, **kwargs)
    except GdashError:
        raise
    except Exception as exc:  # noqa: BLE001 - one line per user mistake, never a traceback
        if debug:
            traceback.print_exception(exc)
        hint = ("a structure contains itself (e.g. extra= refers to its own dict)" if isinstance(exc, RecursionError)
                else f"the error was raised while compiling what this line declares; {DEBUG_HINT}")
        raise ProjectError(f"cannot compile: {describe_exception(exc)}",
                           location=relative_location(obj, root, fallback), hint=hint) from None


def _reject_duplicates(items: list[tuple[str, Location]], what: str) -> None:
    seen: dict[str, Location] = {}
    for key, location in items:
        if key in seen:
            raise ProjectError(f"duplicate {what} {key!r} (also defined at {seen[key]})", location=location,
                               hint=f"every {what} must be unique in the project; rename one of them")
        seen[key] = location


def load_project(root: Path, config: Config | None = None, *, debug: bool = False) -> Project:
    """Load and compile the project at ``root`` (raises ``GdashError`` with a location on bad input)."""
    root = Path(root)
    config = config or load_config(root / CONFIG_NAME)
    if not (root / "dashboards").is_dir() and not (root / "alerts").is_dir():
        raise ProjectError(f"no dashboards/ or alerts/ directory in {root}", location=None,
                           hint="run gdash from the project root, or pass --project DIR")
    sources = load_sources(root, debug)
    _reject_duplicates([(s.name, loc) for s, loc in sources.slos], "SLO")  # before its generated groups clash
    dashboards = [
        _compiling(board, root, location, debug, compile_dashboard,
                   board, root=root, default_folder=config.default_folder, fallback=location)
        for board, location in sources.dashboards
    ]
    _reject_duplicates([(d.uid, d.source) for d in dashboards], "dashboard uid")
    groups = [_compiling(group, root, location, debug, compile_rule_group, group, root=root, fallback=location)
              for group, location in sources.groups]
    _reject_duplicates([((g.folder, g.name).__str__(), g.source) for g in groups], "rule group (folder, name)")
    _reject_duplicates([(uid, loc) for g in groups for uid, loc in g.rule_locations.items()], "alert rule uid")
    _reject_duplicates([(p.name, loc) for p, loc in sources.contact_points], "contact point")
    _reject_duplicates([(t.name, loc) for t, loc in sources.mute_timings], "mute timing")
    dashboards.sort(key=lambda d: d.uid)
    groups.sort(key=lambda g: (g.folder, g.name))
    points = [p for p, _ in sources.contact_points]
    fallback = sources.contact_points[0][1] if sources.contact_points else Location(".")
    return Project(
        root=root,
        config=config,
        dashboards=dashboards,
        rule_groups=groups,
        contact_points=_compiling(points, root, fallback, debug, compile_contact_points, points),
        policies=_compiling(sources.policy[0], root, sources.policy[1], debug, compile_policy, sources.policy[0])
        if sources.policy else None,
        templates=[{"orgId": 1, "name": name, "template": text} for name, text in sorted(sources.templates.items())],
        mute_timings=compile_mute_timings([t for t, _ in sources.mute_timings]),
        inhibit_rules=compile_inhibit_rules([i for i, _ in sources.inhibit_rules]),
        recording_rules=[slo.recording_rules() for slo, _ in sorted(sources.slos, key=lambda item: item[0].name)],
    )
