"""``load_project``: gdash.yaml + user files -> a compiled, validated ``Project``."""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from ..cache import CompileCache, FileResult
from ..cache import enabled as cache_enabled
from ..compile.tuning import compile_gc
from ..config import CONFIG_NAME, Config, load_config
from ..errors import GdashError, Location, ProjectError
from ..model import Project
from ..schemas import use_code_cache
from ..validate.validator import is_valid_dashboard_model
from .discovery import DEBUG_HINT, describe_exception, import_user_file, project_files, project_on_path, relpath

if TYPE_CHECKING:
    from grafanalib import core

    from ..authoring.notifications import ContactPoint, Inhibit, MuteTiming, Policy
    from ..slo import SLO
# grafanalib and the compilers are imported where a file is compiled: a run whose files all come
# from the compile cache (an unchanged rebuild) never imports them.

T = TypeVar("T")

DASHBOARD_EXPORTS = ("dashboard", "dashboards")
ALERT_EXPORTS = ("group", "groups", "contact_points", "policy", "templates", "mute_timings", "inhibit_rules", "slos")
# Below this many files to compile, worker processes cost more than they save.
PARALLEL_FILES = 8


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
        raise ProjectError(
            f"{name!r} is a {type(value).__name__}, expected {hint}", location=location, hint=f"make {name} a {hint}"
        )


def _dashboard_exports(module: ModuleType, location: Location, sources: Sources) -> None:
    from grafanalib import core

    present = [name for name in DASHBOARD_EXPORTS if name in module.__dict__]
    if not present:
        raise ProjectError(
            "defines neither 'dashboard' nor 'dashboards'",
            location=location,
            hint="add `dashboard = Dashboard(...)` at module level, or rename the file to start "
            "with '_' if it only holds helpers",
        )
    for name in present:
        for board in _as_list(module.__dict__[name]):
            _check_type(board, core.Dashboard, name, location, "gdash.Dashboard(...) (or a grafanalib Dashboard)")
            sources.dashboards.append((board, location))


def _alert_exports(module: ModuleType, location: Location, sources: Sources) -> None:
    from grafanalib import core

    from ..authoring.notifications import ContactPoint, Inhibit, MuteTiming, Policy
    from ..slo import SLO

    present = [name for name in ALERT_EXPORTS if name in module.__dict__]
    if not present:
        raise ProjectError(
            "defines none of 'groups', 'group', 'contact_points', 'policy', 'templates', 'slos'",
            location=location,
            hint="add `groups = [AlertGroup(...)]` at module level",
        )
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
            raise ProjectError(
                "a second notification 'policy' is defined",
                location=location,
                hint=f"Grafana has one policy tree per organisation; keep the one in {sources.policy[1]}",
            )
        sources.policy = (values["policy"], location)
    for slo in _as_list(values.get("slos", [])):
        _check_type(slo, SLO, "slos", location, "list of gdash.SLO(...)")
        sources.slos.append((slo, location))
        sources.groups.append((slo.group, location))  # its burn-rate alerts
    for timing in _as_list(values.get("mute_timings", [])):
        _check_type(timing, MuteTiming, "mute_timings", location, "list of gdash.MuteTiming")
        sources.mute_timings.append((timing, location))
    for inhibit in _as_list(values.get("inhibit_rules", [])):
        _check_type(inhibit, Inhibit, "inhibit_rules", location, "list of gdash.Inhibit")
        sources.inhibit_rules.append((inhibit, location))
    templates = values.get("templates", {})
    _check_type(templates, dict, "templates", location, "dict of template name -> template text")
    for name, text in templates.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise ProjectError(
                f"'templates' entry {name!r} is not text -> text",
                location=location,
                hint="make templates a dict of template name (str) -> template text (str)",
            )
    sources.templates.update(templates)


def _compiling(
    obj: Any, root: Path, fallback: Location, debug: bool, compile_: Callable[..., T], /, *args: Any, **kwargs: Any
) -> T:
    from ..compile.locations import relative_location

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
        hint = (
            "a structure contains itself (e.g. extra= refers to its own dict)"
            if isinstance(exc, RecursionError)
            else f"the error was raised while compiling what this line declares; {DEBUG_HINT}"
        )
        raise ProjectError(
            f"cannot compile: {describe_exception(exc)}", location=relative_location(obj, root, fallback), hint=hint
        ) from None


def _reject_duplicates(items: list[tuple[str, Location]], what: str) -> None:
    seen: dict[str, Location] = {}
    for key, location in items:
        if key in seen:
            raise ProjectError(
                f"duplicate {what} {key!r} (also defined at {seen[key]})",
                location=location,
                hint=f"every {what} must be unique in the project; rename one of them",
            )
        seen[key] = location


def compile_file(path: Path, root: Path, config: Config, kind: str, debug: bool = False) -> FileResult:
    """Import and compile one source file (``kind``: "dashboards" or "alerts") on its own.

    Each file is compiled as if it were the only one: the project modules it imports are
    imported afresh for it, so the result does not depend on which files were compiled before
    it, in this process or another (what makes the cache and ``--jobs`` give identical output)."""
    from ..compile import (
        compile_contact_points,
        compile_dashboard,
        compile_inhibit_rules,
        compile_mute_timings,
        compile_policy,
        compile_rule_group,
    )

    location = Location(relpath(path, root))
    sources = Sources()
    with project_on_path(root):
        module = import_user_file(path, root, debug)
        (_dashboard_exports if kind == "dashboards" else _alert_exports)(module, location, sources)
    result = FileResult(relpath=location.path)
    result.dashboards = [
        _compiling(
            board,
            root,
            where,
            debug,
            compile_dashboard,
            board,
            root=root,
            default_folder=config.default_folder,
            fallback=where,
        )
        for board, where in sources.dashboards
    ]
    result.groups = [
        _compiling(group, root, where, debug, compile_rule_group, group, root=root, fallback=where)
        for group, where in sources.groups
    ]
    result.contact_points = [
        (_compiling(point, root, where, debug, compile_contact_points, [point])[0], where)
        for point, where in sources.contact_points
    ]
    if sources.policy:
        policy, where = sources.policy
        result.policy = (_compiling(policy, root, where, debug, compile_policy, policy), where)
    result.templates = dict(sources.templates)
    result.mute_timings = [(compile_mute_timings([timing])[0], where) for timing, where in sources.mute_timings]
    result.inhibit_rules = compile_inhibit_rules([rule for rule, _ in sources.inhibit_rules])
    result.slos = list(sources.slos)  # the project's SLO dashboard is made from all of them (_assemble)
    return result


def _finish_file(result: FileResult, cache: CompileCache | None, key: str | None) -> FileResult:
    """Validate a freshly compiled file's dashboards and keep them as their output text: in a
    cache entry when the file has a key and all of them are valid, else in memory. Invalid
    dashboards keep their model, for ``validate_project`` to explain."""
    from ..compile.stored import stored
    from ..output import dump_json

    valid = [is_valid_dashboard_model(d.model) for d in result.dashboards]
    texts = [dump_json(d.model) if ok else None for d, ok in zip(result.dashboards, valid)]
    if cache is not None and key is not None and all(valid) and not result.slos:
        kept = cache.store(key, result, [text for text in texts if text is not None])  # all valid: none is None
        if kept is not result:
            return kept
    result.dashboards = [stored(d, text) if text is not None else d for d, text in zip(result.dashboards, texts)]
    return result


# Forked workers inherit (root, config, debug, cache) through this global instead of pickling it.
_SHARED: Any = None


def _compile_one(item: tuple[Path, str, str | None]) -> FileResult | GdashError:
    root, config, debug, cache = _SHARED
    path, kind, key = item
    try:
        return _finish_file(compile_file(path, root, config, kind, debug), cache, key)
    except GdashError as error:
        return error


def _compile_all(items: list[tuple[Path, str, str | None]], jobs: int) -> list[FileResult | GdashError]:
    """Compile ``items`` in order, across ``jobs`` processes when that pays; same results either way."""
    if jobs <= 1 or len(items) < PARALLEL_FILES or "fork" not in multiprocessing.get_all_start_methods():
        results: list[FileResult | GdashError] = []
        for item in items:
            results.append(_compile_one(item))
            if isinstance(results[-1], GdashError):
                break  # the first error (in file order) is the one reported
        return results
    is_valid_dashboard_model({})  # compile the schema once, before forking
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(pool.map(_compile_one, items, chunksize=max(1, len(items) // (jobs * 4))))


def default_jobs(files: int) -> int:
    """Worker processes for compiling ``files`` source files when none were asked for."""
    return min(2, os.cpu_count() or 1) if files >= PARALLEL_FILES else 1


def load_project(
    root: Path,
    config: Config | None = None,
    *,
    debug: bool = False,
    cache: bool | CompileCache = False,
    jobs: int | None = 1,
) -> Project:
    """Load and compile the project at ``root`` (raises ``GdashError`` with a location on bad input).

    ``cache``: use the compile cache in ``<root>/.gdash/cache`` (True) or the given one (see
    ``gdash.cache``); ``jobs``: compile source files across this many processes (None: up to 2
    when many files need compiling). The result is the same whatever the cache and ``jobs``."""
    root = Path(root)
    config = config or load_config(root / CONFIG_NAME)
    if not (root / "dashboards").is_dir() and not (root / "alerts").is_dir():
        raise ProjectError(
            f"no dashboards/ or alerts/ directory in {root}",
            location=None,
            hint="run gdash from the project root, or pass --project DIR",
        )
    files = [(path, "dashboards") for path in project_files(root, "dashboards")]
    files += [(path, "alerts") for path in project_files(root, "alerts")]
    store = (
        (cache if isinstance(cache, CompileCache) else CompileCache(root, config))
        if cache and cache_enabled()
        else None
    )
    global _SHARED
    use_code_cache(store.directory if store else None)
    with compile_gc():
        keys = [store.key(path) if store else None for path, _ in files]
        results: list[FileResult | GdashError | None] = [store.load(key) if store and key else None for key in keys]
        misses = [index for index, result in enumerate(results) if result is None]
        _SHARED = (root, config, debug, store)
        try:
            compiled = _compile_all(
                [(files[i][0], files[i][1], keys[i]) for i in misses],
                default_jobs(len(misses)) if jobs is None else jobs,
            )
        finally:
            _SHARED = None
        for index, result in zip(misses, compiled):
            results[index] = result
        if store is not None:
            store.used([key for key, result in zip(keys, results) if key and isinstance(result, FileResult)])
            try:
                store.save_index()
            except OSError:
                pass
        for outcome in results:
            if isinstance(outcome, GdashError):
                raise outcome
        project = _assemble(root, config, [r for r in results if isinstance(r, FileResult)], debug)
        project.compile_cache = store  # type: ignore[attr-defined]  # validate_project remembers valid documents there
        return project


def _assemble(root: Path, config: Config, results: list[FileResult], debug: bool = False) -> Project:
    """The project from its files' results: the checks across files, then a stable order."""
    slos = [(slo, where) for r in results for slo, where in r.slos]
    _reject_duplicates([(s.name, loc) for s, loc in slos], "SLO")  # before its generated groups clash
    dashboards = [d for r in results for d in r.dashboards]
    if slos:  # one dashboard for every SLO of the project, after the files' own dashboards
        dashboards.append(_slo_dashboard(root, config, slos, debug))
    _reject_duplicates([(d.uid, d.source) for d in dashboards], "dashboard uid")
    groups = [g for r in results for g in r.groups]
    _reject_duplicates([((g.folder, g.name).__str__(), g.source) for g in groups], "rule group (folder, name)")
    _reject_duplicates([(uid, loc) for g in groups for uid, loc in g.rule_locations.items()], "alert rule uid")
    points = [(point, where) for r in results for point, where in r.contact_points]
    _reject_duplicates([(point["name"], where) for point, where in points], "contact point")
    timings = [(timing, where) for r in results for timing, where in r.mute_timings]
    _reject_duplicates([(timing["name"], where) for timing, where in timings], "mute timing")
    policy: tuple[dict[str, Any], Location] | None = None
    templates: dict[str, str] = {}
    for result in results:
        if result.policy and policy:
            raise ProjectError(
                "a second notification 'policy' is defined",
                location=result.policy[1],
                hint=f"Grafana has one policy tree per organisation; keep the one in {policy[1]}",
            )
        policy = policy or result.policy
        templates.update(result.templates)
    dashboards.sort(key=lambda d: d.uid)
    groups.sort(key=lambda g: (g.folder, g.name))
    return Project(
        root=root,
        config=config,
        dashboards=dashboards,
        rule_groups=groups,
        contact_points=sorted((point for point, _ in points), key=lambda p: p["name"]),
        policies=policy[0] if policy else None,
        templates=[{"orgId": 1, "name": name, "template": text} for name, text in sorted(templates.items())],
        mute_timings=sorted((timing for timing, _ in timings), key=lambda t: t["name"]),
        inhibit_rules=[rule for r in results for rule in r.inhibit_rules],
        recording_rules=[slo.recording_rules() for slo, _ in sorted(slos, key=lambda item: item[0].name)],
    )


def _slo_dashboard(root: Path, config: Config, slos: list[tuple[Any, Location]], debug: bool):
    from ..compile import compile_dashboard
    from ..compile.stored import stored
    from ..slo import slo_dashboard

    board, where = slo_dashboard([slo for slo, _ in slos]), slos[0][1]
    compiled = _compiling(
        board,
        root,
        where,
        debug,
        compile_dashboard,
        board,
        root=root,
        default_folder=config.default_folder,
        fallback=where,
    )
    return stored(compiled) if is_valid_dashboard_model(compiled.model) else compiled
