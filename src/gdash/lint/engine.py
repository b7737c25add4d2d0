"""Run the rule catalog over lint targets and turn issues into located, filtered findings."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..compile.tuning import compile_gc
from ..errors import GdashError, Location
from ..model import grafana_name_key
from .config import LintConfig, SourceLines, suppressed, unknown_inline_codes
from .context import (
    AlertContext,
    DashboardContext,
    QueryContext,
    Settings,
    as_dict,
    as_list,
    as_text,
    panel_id,
    panel_targets,
)
from .findings import SEVERITIES, Finding, Issue
from .rules import RULES, Rule, rules_for
from .rules.files import UNKNOWN_IGNORE, UNREADABLE
from .sources import AlertTarget, DashboardTarget, Targets, expand_paths, read_text, split_rule_file, text_targets

_SYNTAX_CODES = ("PQL001", "LQL001")
# Below this many targets a process pool costs more than it saves (in CPU, and in wall time on a busy
# machine). An alert rule holds one query, a dashboard tens: ALERTS_PER_TARGET alerts count as one
# target (the 950 rules of the 112 awesome-prometheus-alerts files lint in one process).
PARALLEL_THRESHOLD = 200
ALERTS_PER_TARGET = 10
# Rule files bigger than this are split by groups across workers.
SPLIT_FILE_BYTES = 1_000_000


def lint_targets(targets: Targets, config: LintConfig, *, root: Path | None = None, jobs: int = 1) -> list[Finding]:
    """All findings for ``targets``, after configuration and inline suppressions, in a stable order."""
    with compile_gc():  # like a compile, lint keeps every tree alive until it ends
        raw = _lint_raw(targets, config, jobs)
    for path in sorted(_source_paths(targets)):
        file = Path(path) if root is None or Path(path).is_absolute() else root / path
        try:
            raw.extend(_unknown_ignores(file.read_text(encoding="utf-8"), path, config))
        except (OSError, UnicodeDecodeError):
            continue
    return _finish(raw, config, root)


def _source_paths(targets: Targets) -> set[str]:
    """The files the targets were written in (the project's Python sources)."""
    paths = {d.source.path for d in targets.dashboards} | {a.source.path for a in targets.alerts}
    for dashboard in targets.dashboards:
        paths |= {loc.path for loc in dashboard.panel_locations.values()}
    return {p for p in paths if p and not p.startswith("<")}


def _unknown_ignores(text: str, display: str, config: LintConfig) -> list[Finding]:
    if not config.enabled(UNKNOWN_IGNORE) or "gdash:" not in text:
        return []
    return [
        Finding(
            UNKNOWN_IGNORE,
            config.severity(UNKNOWN_IGNORE),
            f"`# gdash: ignore[...]` names unknown rule code {code!r}; `gdash rules` lists the codes",
            display,
            line,
            hint=hint_of(UNKNOWN_IGNORE),
        )
        for line, code in unknown_inline_codes(text)
    ]


def lint_files(
    paths: Iterable[Path],
    config: LintConfig,
    *,
    root: Path | None = None,
    jobs: int = 1,
    skipped: list[str] | None = None,
) -> list[Finding]:
    """Lint files and directories. A big rule file is split by groups so that each worker parses
    and lints a share of it (YAML parsing is the larger part of the work). Files of a directory that
    hold no dashboard or rule are appended to ``skipped`` (when given)."""
    with compile_gc():  # parsed files and query trees stay alive until the run ends: collecting is wasted
        return _lint_files(paths, config, root, jobs, skipped)


def _lint_files(
    paths: Iterable[Path], config: LintConfig, root: Path | None, jobs: int, skipped: list[str] | None
) -> list[Finding]:
    targets, raw = Targets(), []
    for path, display, strict in expand_paths(paths, root):
        try:
            text = read_text(path, display)
            raw.extend(_unknown_ignores(text, display, config))
            chunks = split_rule_file(text, jobs) if jobs > 1 and len(text) > SPLIT_FILE_BYTES else []
            found = _lint_text_chunks(chunks, path.suffix, display, config) if len(chunks) > 1 else None
            if found is None:
                found_targets = text_targets(
                    text, path.suffix, display, strict=strict, dialect=config.file_dialect(display)
                )
                if skipped is not None and not found_targets.dashboards and not found_targets.alerts:
                    skipped.append(display)
                targets.extend(found_targets)
            else:
                raw.extend(found)
        except GdashError as error:  # one bad file is one finding; the run goes on
            if config.enabled(UNREADABLE):
                location = getattr(error, "location", None)
                line = location.line if location is not None else None
                where = f"{display}:{line}" if line else display
                raw.append(
                    Finding(
                        UNREADABLE,
                        config.severity(UNREADABLE),
                        f"cannot read {where}: {error.message}",
                        display,
                        line,
                        hint=hint_of(UNREADABLE),
                    )
                )
    return _finish(raw + _lint_raw(targets, config, jobs), config, root)


def _finish(raw: list[Finding], config: LintConfig, root: Path | None) -> list[Finding]:
    lines = SourceLines(root)
    unique = dict.fromkeys(f for f in raw if not suppressed(f, config, lines))  # a query naming a metric twice
    return sorted(unique, key=Finding.sort_key)


def _lint_raw(targets: Targets, config: LintConfig, jobs: int) -> list[Finding]:
    _mark_duplicate_uids(targets.dashboards)
    _mark_duplicate_titles(targets.dashboards)
    if jobs <= 1 or len(targets.dashboards) + len(targets.alerts) // ALERTS_PER_TARGET < PARALLEL_THRESHOLD:
        return _lint_chunk(targets.dashboards, targets.alerts, config)
    return _pool_map(
        _lint_share,
        (targets, config, jobs),
        jobs,
        [(targets.dashboards[i::jobs], targets.alerts[i::jobs], config) for i in range(jobs)],
    )


def _lint_text_chunks(
    chunks: list[tuple[str, int]], suffix: str, display: str, config: LintConfig
) -> list[Finding] | None:
    """Findings of a split rule file; None when a part does not parse alone (the caller then reads it whole)."""
    parts = _pool_map(
        _lint_text_share,
        (chunks, suffix, display, config),
        len(chunks),
        [(text, offset, suffix, display, config) for text, offset in chunks],
        flatten=False,
    )
    return None if any(p is None for p in parts) else [f for part in parts for f in part]


# Forked workers inherit their input through this global instead of receiving it pickled.
_SHARED: Any = None


def _pool_map(shared_worker, shared: Any, jobs: int, pickled_args: list[tuple], *, flatten: bool = True) -> list:
    """Run ``jobs`` parts in worker processes: part i is ``shared_worker(i)`` over inherited
    ``shared`` data where fork exists, else ``_call(pickled_args[i])``."""
    import multiprocessing  # here: a run that lints in one process (`gdash lint FILE`) skips importing it
    from concurrent.futures import ProcessPoolExecutor

    global _SHARED
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else None)
    _SHARED = shared
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            parts = list(pool.map(shared_worker, range(jobs)) if fork else pool.map(_call, pickled_args))
    finally:
        _SHARED = None
    return [item for part in parts for item in part] if flatten else parts


def _call(args: tuple) -> Any:
    return _lint_text_part(*args) if isinstance(args[0], str) else _lint_chunk(*args)


def _lint_share(index: int) -> list[Finding]:
    targets, config, jobs = _SHARED
    return _lint_chunk(targets.dashboards[index::jobs], targets.alerts[index::jobs], config)


def _lint_text_share(index: int) -> list[Finding] | None:
    chunks, suffix, display, config = _SHARED
    text, offset = chunks[index]
    return _lint_text_part(text, offset, suffix, display, config)


def _lint_text_part(text: str, offset: int, suffix: str, display: str, config: LintConfig) -> list[Finding] | None:
    try:
        targets = text_targets(text, suffix, display, strict=False, offset=offset, dialect=config.file_dialect(display))
    except GdashError:
        return None
    return _lint_chunk(targets.dashboards, targets.alerts, config)


def _lint_chunk(dashboards: list[DashboardTarget], alerts: list[AlertTarget], config: LintConfig) -> list[Finding]:
    linter = _Linter(config)
    findings: list[Finding] = []
    for dashboard in dashboards:
        findings.extend(linter.dashboard(dashboard))
    for alert in alerts:
        findings.extend(linter.alert(alert))
    return findings


def _mark_duplicate_uids(dashboards: list[DashboardTarget]) -> None:
    by_uid: dict[str, list[DashboardTarget]] = defaultdict(list)
    for dashboard in dashboards:
        uid = as_text(dashboard.model.get("uid"))
        if uid:
            by_uid[uid].append(dashboard)
    for same in by_uid.values():
        if len(same) > 1:
            for dashboard in same:
                dashboard.uid_also_in = tuple(str(d.source) for d in same if d is not dashboard)


def _mark_duplicate_titles(dashboards: list[DashboardTarget]) -> None:
    """Dashboards that are one name to Grafana within one folder (it refuses the second: 412 name-exists).
    For files, the folder is the file's directory (as ``foldersFromFilesStructure`` provisions them)."""
    by_title: dict[tuple[str, str], list[DashboardTarget]] = defaultdict(list)
    for dashboard in dashboards:
        title = grafana_name_key(as_text(dashboard.model.get("title")))
        folder = dashboard.folder if dashboard.folder is not None else str(Path(dashboard.source.path).parent)
        if title:
            by_title[(folder, title)].append(dashboard)
    for same in by_title.values():
        uids = {as_text(d.model.get("uid")) for d in same}
        if len(same) > 1 and len(uids) > 1:  # one uid twice is DSH007's finding
            for dashboard in same:
                dashboard.title_also_in = tuple(str(d.source) for d in same if d is not dashboard)


class _Linter:
    def __init__(self, config: LintConfig):
        self.config = config
        self.settings: Settings = config.settings
        self.rules = {
            scope: [r for r in rules_for(scope) if config.enabled(r.code)]
            for scope in ("promql", "logql", "dashboard", "alert")
        }

    def _finding(self, check: Rule, issue: Issue, location: Location, **context: Any) -> Finding:
        return Finding(
            check.code,
            self.config.severity(check.code),
            issue.message,
            location.path,
            location.line,
            issue.column,
            hint=hint_of(check.code),
            **context,
        )

    def query(self, query: QueryContext, location: Location, **context: Any) -> Iterable[Finding]:
        parsed = query.parsed
        facts = getattr(parsed, "facts", None)  # PromQL: what the tree holds, for the rules' preconditions
        for rule in self.rules[query.language]:
            if parsed is None:
                if not rule.on_parse_error:
                    continue
            elif rule.needs and facts is not None and rule.needs.isdisjoint(facts):
                continue  # the rule finds nothing without these (Rule.needs)
            for issue in rule.check(query):
                yield self._finding(rule, issue, location, ref_id=query.ref_id, **context)

    def dashboard(self, target: DashboardTarget) -> Iterable[Finding]:
        uid = as_text(target.model.get("uid")) or None
        context = DashboardContext(
            target.model, target.wrapped, target.uid_also_in, target.folder, target.title_also_in
        )
        panels = {panel_id(p): p for p in context.panels()}
        for rule in self.rules["dashboard"]:
            for issue in rule.check(context):
                panel = panels.get(issue.panel_id) if issue.panel_id is not None else None
                location = target.panel_locations.get(issue.panel_id, target.source) if panel else target.source
                yield self._finding(rule, issue, location, dashboard=uid, panel=_title(panel))
        variables = context.variables()
        for panel in context.panels():
            for target_model in panel_targets(panel):
                if not isinstance(target_model.get("expr"), str):
                    continue
                language = query_language(panel, target_model, variables)
                if language is None:
                    continue
                ref_id = as_text(target_model.get("refId")) or None
                query = QueryContext.parse(language, target_model["expr"], "panel", self.settings, ref_id)
                query.panel_type = as_text(panel.get("type")) or None
                key = panel_id(panel)
                location = (
                    target.target_locations.get((key, ref_id)) or target.panel_locations.get(key) or target.source
                )
                yield from self.query(query, location, dashboard=uid, panel=_title(panel))

    def alert(self, target: AlertTarget) -> Iterable[Finding]:
        origin = "recording" if target.recording else "alert"
        queries = []
        for spec in target.queries:
            query = QueryContext.parse(spec.language, spec.text, origin, self.settings, spec.ref_id)
            queries.append(query)
            location = Location(target.source.path, spec.line) if spec.line else target.source
            for finding in self.query(query, location, rule=target.name):
                if target.dialect and finding.code in _SYNTAX_CODES:  # say which dialect the file was read as
                    finding = replace(finding, message=f"{finding.message} [dialect {target.dialect}]")
                yield finding
        context = AlertContext(
            target.name,
            target.kind,
            as_text(target.for_) or None,
            _text_mapping(target.labels),
            _text_mapping(target.annotations),
            queries,
            [e for e in as_list(target.expressions) if isinstance(e, dict)],
            target.recording,
            self.settings,
            target.dialect,
            target.group,
            target.group_interval,
            target.keep_firing_for,
            target.same_name_lines,
        )
        for rule in self.rules["alert"]:
            for issue in rule.check(context):
                yield self._finding(rule, issue, target.source, rule=target.name)


_HINTS: dict[str, str | None] = {}


def hint_of(code: str) -> str | None:
    """The short fix hint of rule ``code``, as plain text (computed once per code)."""
    if code not in _HINTS:
        rule = RULES.get(code)
        _HINTS[code] = (rule.hint.replace("``", "`") or None) if rule else None
    return _HINTS[code]


def _text_mapping(value: Any) -> dict[str, str]:
    """Labels/annotations as text (a malformed file may hold lists or mappings there)."""
    return {as_text(k): as_text(v) for k, v in as_dict(value).items()}


def _title(panel: dict[str, Any] | None) -> str | None:
    return as_text(panel.get("title")) or None if panel else None


def query_language(panel: dict[str, Any], target: dict[str, Any], variables: dict[Any, dict[str, Any]]) -> str | None:
    """promql/logql from the target's (or panel's) datasource type, resolving datasource variables."""
    for source in (target.get("datasource"), panel.get("datasource")):
        kind = ""
        if isinstance(source, dict):
            kind = as_text(source.get("type"))
            uid = as_text(source.get("uid"))
            if not kind and uid.startswith("$"):
                kind = as_text(as_dict(variables.get(uid.strip("${}").split(":")[0])).get("query"))
        elif isinstance(source, str) and source.startswith("$"):
            kind = as_text(as_dict(variables.get(source.strip("${}").split(":")[0])).get("query"))
        if kind:
            return {"prometheus": "promql", "loki": "logql"}.get(kind)
    return "promql"


def exit_code(findings: list[Finding], max_warnings: int | None = None) -> int:
    """1 when any error-severity finding exists or warnings exceed ``max_warnings``; else 0."""
    if any(f.severity == "error" for f in findings):
        return 1
    warnings = sum(f.severity == "warning" for f in findings)
    return 1 if max_warnings is not None and warnings > max_warnings else 0


def summary(findings: list[Finding], skipped: int = 0) -> str:
    counts = {s: sum(f.severity == s for f in findings) for s in reversed(SEVERITIES)}
    tail = f"; {skipped} file{'s' if skipped != 1 else ''} skipped (not a dashboard or rule file)" if skipped else ""
    if not findings:
        return "no findings" + tail
    parts = [f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items() if n]
    return f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({', '.join(parts)}){tail}"


def default_jobs() -> int:
    return min(2, os.cpu_count() or 1)


def lint_query(language: str, text: str, *, origin: str = "panel", config: LintConfig | None = None) -> list[Finding]:
    """Findings for one PromQL/LogQL query on its own (``origin``: panel, alert or recording)."""
    config = config or LintConfig()
    query = QueryContext.parse(language, text, origin, config.settings)
    return list(_Linter(config).query(query, Location("<query>")))
