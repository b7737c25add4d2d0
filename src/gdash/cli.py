"""The ``gdash`` command line: parses options and calls library functions, nothing more.

Exit codes: 0 ok, 1 content failures (validation, lint, push), 2 usage or configuration errors.
"""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import GdashError
from .project.root import CONFIG_NAME, find_project_root

if TYPE_CHECKING:
    from .config import Config
    from .model import Project


# Imported when a command runs, not when the CLI starts (`gdash --version` in ~5x `python -c pass`):
# these pull in yaml, fastjsonschema, grafanalib. Each stands for the library function it names.
def load_config(*args, **kwargs) -> Config:
    from .config import load_config as load

    return load(*args, **kwargs)


def load_project(*args, **kwargs) -> Project:
    from .project.loader import load_project as load

    return load(*args, **kwargs)


def validate_project(*args, **kwargs) -> list:
    from .validate import validate_project as validate

    return validate(*args, **kwargs)


def write_build(*args, **kwargs):
    from .build import write_build as write

    return write(*args, **kwargs)


def stale_outputs(*args, **kwargs) -> list[str]:
    from .build import stale_outputs as stale

    return stale(*args, **kwargs)


INTERNAL_ERROR = "internal error"


@dataclass
class Context:
    root: Path
    config_path: Path | None
    debug: bool

    def config(self) -> Config:
        if self.config_path:
            return load_config(self.config_path, required=True)
        return load_config(self.root / CONFIG_NAME)

    def project(self, jobs: int | None = None) -> Project:
        """The compiled project, through the compile cache (``gdash.cache``); ``jobs``: worker
        processes for the files to compile (default: up to 2 when there are many)."""
        return load_project(self.root, self.config(), debug=self.debug, cache=True, jobs=jobs)


class GdashGroup(click.Group):
    """Turns every ``GdashError`` into ``error: <location>: <message>`` + ``hint:`` and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GdashError as exc:
            debug = isinstance(ctx.obj, Context) and ctx.obj.debug
            if debug:
                traceback.print_exc()
            click.echo(f"error: {exc.one_line()}", err=True)
            if exc.hint:
                click.echo(f"hint: {exc.hint}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug in gdash: still one line (the fuzz suite fails on it)
            if isinstance(ctx.obj, Context) and ctx.obj.debug:
                traceback.print_exc()
            click.echo(f"error: {INTERNAL_ERROR}: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}", err=True)
            click.echo(
                "hint: this is a bug in gdash, please report it with the output of the same command with --debug",
                err=True,
            )
            ctx.exit(2)


pass_context = click.make_pass_decorator(Context)


@click.group(cls=GdashGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gdash")
@click.option(
    "-C",
    "--project",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project root (holds gdash.yaml, dashboards/, alerts/); default: the nearest such directory "
    "at or above the current one.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Config file to use instead of <project>/{CONFIG_NAME}.",
)
@click.option("--debug", is_flag=True, help="Show full Python tracebacks for errors in your files.")
@click.pass_context
def main(ctx: click.Context, root: Path | None, config_path: Path | None, debug: bool) -> None:
    """gdash: Grafana dashboards and alert rules as code.

    Dashboards live in dashboards/*.py, alert rules in alerts/*.py; gdash compiles them to
    deterministic JSON, validates and lints them, and delivers them to Grafana.
    """
    if root is None:
        found = find_project_root(Path.cwd())
        root = Path(".") if found is None or found == Path.cwd().resolve() else found
    ctx.obj = Context(root=root, config_path=config_path, debug=debug)


def _report_problems(problems: list) -> None:
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        raise click.exceptions.Exit(1)


@main.command()
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Output directory (default: <project>/build)."
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the output directory is out of date.")
@click.option(
    "--grafana",
    "grafana_major",
    type=click.Choice(["11", "12", "13"]),
    default=None,
    help="Write dashboards for this Grafana major version (11: schemaVersion 39; default: 42, "
    "what Grafana 12.2+ and 13 write).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes compiling source files "
    "(default: up to 2 when many files need compiling; the output is the same for any number).",
)
@pass_context
def build(ctx: Context, out: Path | None, check: bool, grafana_major: str | None, jobs: int | None) -> None:
    """Compile and validate every dashboard and alert rule into OUT.

    Dashboards go to OUT/dashboards/<folder>/<uid>.json (bare dashboard models), alert rules to
    OUT/alerts/<folder>.yaml and notification routing to OUT/notifications.yaml (Grafana
    file-provisioning format). Unchanged files are not rewritten; files of dashboards that no
    longer exist are removed.
    """
    out = out or ctx.root / "build"
    project = ctx.project(jobs)
    if grafana_major is not None:
        from .migration import for_grafana

        for dashboard in project.dashboards:
            dashboard.model = for_grafana(dashboard.model, int(grafana_major))
    _report_problems(validate_project(project))
    if check:
        stale = stale_outputs(project, out)
        for relpath in stale:
            click.echo(f"out of date: {out / relpath}", err=True)
        if stale:
            click.echo(f"hint: run `gdash build --out {out}` and commit the result", err=True)
            raise click.exceptions.Exit(1)
        click.echo(f"{out} is up to date")
        return
    result = write_build(project, out)
    for relpath in result.removed:
        click.echo(f"removed {out / relpath}")
    click.echo(
        f"built {len(project.dashboards)} dashboards and {sum(len(g.rules) for g in project.rule_groups)} alert rules "
        f"into {out} ({len(result.written)} written, {len(result.unchanged)} unchanged, {len(result.removed)} removed)"
    )


@main.command()
@pass_context
def validate(ctx: Context) -> None:
    """Compile everything and check it against gdash's JSON Schemas (writes nothing)."""
    project = ctx.project()
    _report_problems(validate_project(project))
    click.echo(f"ok: {len(project.dashboards)} dashboards, {len(project.rule_groups)} rule groups valid")


@main.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_context
def list_(ctx: Context, fmt: str) -> None:
    """List dashboards (uid, title, folder, panel count) and alert rules."""
    project = ctx.project()
    dashboards: list[dict] = [
        {"uid": d.uid, "title": d.title, "folder": d.folder, "panels": len(d.panel_locations), "source": str(d.source)}
        for d in project.dashboards
    ]
    rules = [
        {
            "uid": r["uid"],
            "title": r["title"],
            "folder": g.folder,
            "group": g.name,
            "severity": r["labels"].get("severity", ""),
            "source": str(g.rule_locations[r["uid"]]),
        }
        for g in project.rule_groups
        for r in g.rules
    ]
    if fmt == "json":
        click.echo(json.dumps({"dashboards": dashboards, "alert_rules": rules}, indent=2, sort_keys=True))
        return
    _table(
        ["UID", "TITLE", "FOLDER", "PANELS"],
        [[d["uid"], d["title"], d["folder"], str(d["panels"])] for d in dashboards],
    )
    click.echo()
    _table(
        ["RULE UID", "TITLE", "FOLDER", "GROUP", "SEVERITY"],
        [[r["uid"], r["title"], r["folder"], r["group"], r["severity"]] for r in rules],
    )


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path | None) -> None:
    """Scaffold a gdash project in DIRECTORY (default: the current one); existing files are kept.

    Writes gdash.yaml, an example dashboard, alert rule and alert test, CI workflows for GitHub
    Actions and GitLab CI, a pre-commit config, and adds gdash's entries to .gitignore.
    """
    from .scaffold import init_project

    result = init_project(directory or Path("."))
    for relpath in result.written:
        click.echo(f"wrote {result.root / relpath}")
    for relpath in result.skipped:
        click.echo(f"skipped {result.root / relpath} (exists)")
    if result.gitignore_added:
        click.echo(f"added {', '.join(result.gitignore_added)} to {result.root / '.gitignore'}")
    click.echo("next: gdash build && gdash lint && gdash test")


# --- commands added by capabilities (lint, sync, provision, review, import) go below this line ---


# --- sync (push, diff --env/--url, pull) ---
def _sync_target(fn):
    """--env/--url and friends, shared by push, pull and diff."""
    for option in reversed(
        [
            click.option(
                "--env", "env_name", metavar="NAME", help="Target environment from gdash.yaml `environments:`."
            ),
            click.option("--url", metavar="URL", help="Ad-hoc target Grafana; the token is read from $GRAFANA_TOKEN."),
            click.option(
                "--datasource",
                "datasources",
                metavar="NAME=UID",
                multiple=True,
                help="Map a logical datasource to a uid (adds to / overrides the environment's mapping).",
            ),
            click.option(
                "--log-file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Append a debug log of every HTTP request (never with credentials).",
            ),
        ]
    ):
        fn = option(fn)
    return fn


def _sync_environment(
    ctx: Context, env_name: str | None, url: str | None, datasources: tuple[str, ...], log_file: Path | None
):
    from .errors import ConfigError
    from .sync.environment import resolve_environment
    from .sync.logs import log_to_file

    mapping = {}
    for item in datasources:
        name, sep, uid = item.partition("=")
        if not sep or not name or not uid:
            raise ConfigError(
                f"--datasource {item!r} is not NAME=UID", hint="e.g. --datasource prometheus=P1809F7CD0C75ACF3"
            )
        mapping[name] = uid
    if log_file:
        log_to_file(log_file)
    return resolve_environment(ctx.config(), env_name, url, datasources=mapping)


@main.command()
@_sync_target
@click.option(
    "--dry-run",
    is_flag=True,
    help="Run the same gate, reads and checks as a push and print the plan; "
    "write nothing. Exits as the real push would.",
)
@click.option(
    "--prune", is_flag=True, help="Delete dashboards and rule groups gdash pushed that the project no longer defines."
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace objects changed in Grafana since gdash pushed them (drift; the live "
    "version is backed up first) and re-send contact-point secrets.",
)
@click.option(
    "--only",
    metavar="PATTERN",
    help="Only dashboards (uid or title) and rule groups (name) matching this glob; "
    "a pattern that matches nothing exits 2.",
)
@click.option("--no-lint", is_flag=True, help="Push even when lint reports errors (schema validation still runs).")
@pass_context
def push(ctx: Context, env_name, url, datasources, log_file, dry_run, prune, force, only, no_lint) -> None:
    """Push dashboards, alert rules and notification routing to Grafana (no prompt; CI-friendly).

    First runs the project's gate (compile, schema validation, lint; lint errors refuse the push
    unless --no-lint), then prints the plan (create / update / delete / conflict / orphan per
    object), applies it, and prints a summary. Exit 0 means Grafana holds what the code says; exits
    1 listing every object that failed or was refused (see docs/push.md).
    """
    import contextlib

    from .sync.gate import run_gate
    from .sync.push import push as push_project

    environment = _sync_environment(ctx, env_name, url, datasources, log_file)
    project = ctx.project()
    gate = run_gate(project, lint=not no_lint)
    click.echo(gate.report(), nl=False, err=True)
    if gate.refused:
        raise click.exceptions.Exit(1)
    with contextlib.ExitStack() as stack:
        bars: list = []

        def on_plan(plan) -> None:
            click.echo(plan.render(), nl=False)
            if not dry_run and plan.parallel_writes and sys.stderr.isatty():
                bars.append(
                    stack.enter_context(
                        click.progressbar(length=plan.parallel_writes, label="pushing", file=sys.stderr)
                    )
                )

        result = push_project(
            project,
            environment,
            dry_run=dry_run,
            prune=prune,
            force=force,
            only=only,
            on_plan=on_plan,
            progress=lambda n: bars[0].update(n) if bars else None,
        )
    for failure in result.failures:
        click.echo(f"failed: {failure.action.label()}: {failure.message}", err=True)
    click.echo(result.summary())
    if result.failures:
        raise click.exceptions.Exit(1)


def _diff_live(ctx: Context, env_name, url, datasources, log_file, fmt: str, exit_code: bool) -> None:
    from .diff.render import render
    from .sync.compare import diff_live_plan, plan_lines

    environment = _sync_environment(ctx, env_name, url, datasources, log_file)
    report, plan = diff_live_plan(ctx.project(), environment)
    if fmt == "text":  # first what a push would do, in the plan's words; then the semantic diff
        click.echo(plan_lines(plan), nl=False)
    click.echo(render(report, fmt), nl=False)
    errors = [a for a in plan.actions if a.verb == "error"]
    for action in errors:
        click.echo(f"error: {action.describe()}", err=True)
    if errors or (exit_code and (report.changed or plan.changes or plan.orphans)):
        raise click.exceptions.Exit(1)


@main.command()
@_sync_target
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory (default: pulled/<env>, or pulled/<env>-python with --as-python).",
)
@click.option(
    "--as-python",
    is_flag=True,
    help="Write gdash Python into OUT/dashboards and OUT/alerts instead; "
    "into a project, objects it already defines are regenerated in their own files (see `gdash import`).",
)
@click.option("--force", is_flag=True, help="With --as-python: replace existing files that differ.")
@pass_context
def pull(ctx: Context, env_name, url, datasources, log_file, out: Path | None, as_python: bool, force: bool) -> None:
    """Download live dashboards and alert rules as deterministic JSON (a backup, or a start for code).

    Pull never overwrites or deletes a file it did not write; a later pull removes only files an
    earlier pull wrote."""
    from .sync.pull import pull as pull_live

    environment = _sync_environment(ctx, env_name, url, datasources, log_file)
    if as_python:  # import capability: live Grafana -> Python (see `gdash import`)
        from .project import load_project
        from .sync.pull_python import pull_as_python

        target = out or ctx.root / "pulled" / f"{environment.name}-python"
        is_project = (target / "dashboards").is_dir() or (target / "alerts").is_dir()
        project = (
            (ctx.project() if target.resolve() == ctx.root.resolve() else load_project(target)) if is_project else None
        )
        here = ctx.project() if (ctx.root / "dashboards").is_dir() or (ctx.root / "alerts").is_dir() else None
        _echo_import_report(pull_as_python(environment, target, project=project, force=force, names_from=here))
        return
    result = pull_live(environment, out or ctx.root / "pulled" / environment.name)
    for line in result.renamed:
        click.echo(f"renamed {line}", err=True)
    click.echo(
        f"pulled {environment.name} into {result.out}: {len(result.written)} written, "
        f"{len(result.unchanged)} unchanged, {len(result.removed)} removed"
    )


# --- end sync ---


# --- review (pull-request diff and preview) ---
# `gdash diff` is one command with two modes: --base/--head (git refs, review) and --env/--url (live Grafana, sync).
@main.command()
@click.option("--base", metavar="GITREF", help="Compare against the project as committed at this git ref (e.g. main).")
@click.option("--head", metavar="GITREF", help="With --base: the newer side (default: the working tree).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown is a pull-request comment (kept under GitHub's 65,536-character limit).",
)
@click.option("--exit-code", is_flag=True, help="Exit 1 when something changed (like `git diff --exit-code`).")
@_sync_target
@pass_context
def diff(
    ctx: Context, base: str | None, head: str | None, fmt: str, exit_code: bool, env_name, url, datasources, log_file
) -> None:
    """Show what changed in dashboard terms: panels, queries, layout and alert rules.

    Panels are matched by title and queries, so reordering shows as a move; ids, versions
    and key order are ignored. Prints nothing (text format) when nothing changed.
    """
    from .diff.render import render
    from .errors import ConfigError
    from .review.gitref import diff_refs

    if (env_name or url) and (base or head):
        raise ConfigError(
            "--base/--head compare git refs and --env/--url compare with a live Grafana: use one pair",
            hint="run `gdash diff --base main` and `gdash diff --env prod` separately",
        )
    if env_name or url:  # live mode (sync)
        return _diff_live(ctx, env_name, url, datasources, log_file, fmt, exit_code)
    if base is None:
        raise ConfigError(
            "gdash diff needs --base GITREF (or --env NAME / --url URL for a live Grafana)",
            hint="e.g. `gdash diff --base main` to review the changes of this branch",
        )
    report = diff_refs(ctx.root, base, head, debug=ctx.debug)
    click.echo(render(report, fmt), nl=False)
    if exit_code and report.changed:
        raise click.exceptions.Exit(1)


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the static site (default: <project>/build/preview; only an earlier preview in it is replaced).",
)
@click.option("--base", metavar="GITREF", help="Highlight panels added, changed, moved or removed since this git ref.")
@pass_context
def preview(ctx: Context, out: Path | None, base: str | None) -> None:
    """Write a static site drawing every dashboard on Grafana's grid (opens from file://, no network)."""
    out = out or ctx.root / "build" / "preview"
    from .review.gitref import snapshot_at_ref
    from .review.preview.site import write_preview
    from .review.snapshot import snapshot_project

    head = snapshot_project(ctx.project(), "working tree")
    result = write_preview(head, out, snapshot_at_ref(ctx.root, base, debug=ctx.debug) if base else None)
    changed = f", {len(result.report.dashboards)} changed since {base}" if result.report else ""
    click.echo(f"wrote preview of {len(head.dashboards)} dashboards{changed}: {out / 'index.html'}")


# --- end review ---


# --- lint (gdash lint, gdash rules) ---
@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="github: workflow-command annotations; sarif: SARIF 2.1.0 for code scanning.",
)
@click.option("--select", multiple=True, metavar="CODES", help="Only these rule codes or prefixes (e.g. PQL,DSH001).")
@click.option("--ignore", "ignore_codes", multiple=True, metavar="CODES", help="Skip these rule codes or prefixes.")
@click.option("--max-warnings", type=click.IntRange(min=0), help="Exit 1 when there are more warnings than this.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: up to 2 for big inputs).")
@click.option(
    "--prometheus",
    metavar="URL",
    help="Also check that every selected metric has series on this live Prometheus (LIVE001).",
)
@click.option(
    "--prometheus-timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Timeout for the --prometheus requests.",
)
@click.option(
    "--dialect",
    type=click.Choice(["prometheus", "loki"]),
    help="Read every rule file's expressions as PromQL or LogQL (default: per file; see docs/lint.md).",
)
@click.option("-v", "--verbose", is_flag=True, help="List the files skipped as neither dashboard nor rule file.")
@click.option(
    "--check-data",
    is_flag=True,
    help="With --prometheus: also run every panel query and rule expression and report those that return no data (DATA001).",
)
@click.option(
    "--scrape-interval",
    default="15s",
    show_default=True,
    metavar="DURATION",
    help="With --check-data: the scrape interval $__rate_interval is derived from.",
)
@pass_context
def lint(
    ctx: Context,
    paths: tuple[Path, ...],
    fmt: str,
    select: tuple[str, ...],
    ignore_codes: tuple[str, ...],
    max_warnings: int | None,
    jobs: int | None,
    prometheus: str | None,
    prometheus_timeout: float,
    dialect: str | None,
    verbose: bool,
    check_data: bool,
    scrape_interval: str,
) -> None:
    """Lint PromQL/LogQL queries, dashboards and alert rules (offline; `gdash rules` lists the checks).

    Without PATHS, lints the project's dashboards and alert rules, pointing findings at the Python
    lines that wrote them. PATHS may be dashboard JSON (bare or {"dashboard": ...}), Grafana
    alerting provisioning YAML/JSON, Prometheus rule files, or directories of them. Exits 1 on
    any error-severity finding (or more warnings than --max-warnings).
    """
    from .errors import ConfigError
    from .lint import exit_code, lint_config, lint_paths, lint_project, render, summary
    from .lint.engine import default_jobs

    if check_data and not prometheus:
        raise ConfigError(
            "--check-data needs --prometheus URL",
            hint="e.g. gdash lint --prometheus http://localhost:9090 --check-data",
        )
    if prometheus:  # the live checks (provision capability) import requests: only with --prometheus
        from .livecheck import data_lint, live_lint
    config = lint_config(ctx.config(), select=select, ignore=ignore_codes, dialect=dialect)
    if prometheus:  # metric types for the counter rules (PQL002/PQL003) from the live metadata API
        from .lint.metadata import fetch_metric_types, with_metadata

        config = with_metadata(config, fetch_metric_types(prometheus, timeout=prometheus_timeout))
    workers = jobs or default_jobs()
    project = None if paths else ctx.project(jobs)
    skipped: list[str] = []
    if paths:
        findings = lint_paths(paths, config, root=ctx.root, jobs=workers, skipped=skipped)
    else:
        assert project is not None
        findings = lint_project(project, config, jobs=workers)
    if prometheus:
        findings = live_lint(
            findings, config, prometheus, project=project, paths=paths, root=ctx.root, timeout=prometheus_timeout
        )
    if check_data:
        assert prometheus  # --check-data without --prometheus is refused above
        findings = data_lint(
            findings,
            config,
            prometheus,
            project=project,
            paths=paths,
            root=ctx.root,
            timeout=prometheus_timeout,
            scrape_interval=scrape_interval,
        )
    click.echo(render(findings, fmt, colour=fmt == "text" and sys.stdout.isatty()), nl=False)
    if verbose:
        for name in skipped:
            click.echo(f"lint: skipped {name} (not a dashboard or rule file)", err=True)
    if fmt == "text" or verbose:
        click.echo(f"lint: {summary(findings, len(skipped))}", err=True)
    raise click.exceptions.Exit(exit_code(findings, max_warnings))


@main.command()
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List every lint rule (code, severity, scope, summary), or print one rule's documentation."""
    from .lint.catalog import describe_rule, rule_table

    click.echo(describe_rule(code) if code else rule_table(), nl=False)


# --- end lint ---


# --- provision (gdash provision, gdash export prometheus|alertmanager, gdash test) ---
@main.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Provisioning directory (mounted as Grafana's provisioning/); files gdash did not write are kept.",
)
@click.option(
    "--env",
    "env_name",
    metavar="NAME",
    help="Use this gdash.yaml environment's datasource uids and org_id (default: logical names, org 1).",
)
@pass_context
def provision(ctx: Context, out: Path, env_name: str | None) -> None:
    """Write a Grafana provisioning tree: dashboards, datasources and alerting.

    OUT/dashboards (providers + bare dashboard JSON per folder), OUT/datasources/datasources.yaml,
    OUT/alerting (rule groups, contact points, policies, deleteRules for rules removed since the
    last provision). Unchanged files keep their bytes and mtime; stale files gdash wrote are removed.
    """
    from .provision import write_provisioning

    project = ctx.project()
    _report_problems(validate_project(project))
    result, problems = write_provisioning(project, project.config, out, env_name)
    _report_problems(problems)
    from .compile.v2 import effective_schema, project_schema

    default = project_schema(project.config)
    for dashboard in project.dashboards:
        if effective_schema(dashboard, default) == "v2":
            click.echo(
                f"note: dashboard {dashboard.uid} asks for schema v2; provisioning files are written as v1 "
                "(Grafana's file provisioning cannot read dashboard v2)"
            )
    for relpath in result.removed:
        click.echo(f"removed {out / relpath}")
    click.echo(
        f"provisioned {len(project.dashboards)} dashboards and {sum(len(g.rules) for g in project.rule_groups)} "
        f"alert rules into {out} ({len(result.written)} written, {len(result.unchanged)} unchanged, "
        f"{len(result.removed)} removed)"
    )


@main.group(name="cache")
def cache_group() -> None:
    """The compile cache (.gdash/cache): build, lint, diff and push share it; old entries are pruned."""


@cache_group.command(name="clear")
@pass_context
def cache_clear(ctx: Context) -> None:
    """Remove the project's compile cache; the next command compiles every file again."""
    from .cache import CACHE_DIR, clear

    removed = clear(ctx.root)
    click.echo(f"removed {ctx.root / CACHE_DIR}" if removed else f"no compile cache in {ctx.root / CACHE_DIR}")


@main.group(name="export")
def export_group() -> None:
    """Export alert rules and notification routing for Prometheus and Alertmanager."""


@export_group.command(name="prometheus")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the rule files (one per folder: <folder>.yaml).",
)
@click.option("--check", "check", is_flag=True, help="Also run `promtool check rules` on the written files.")
@pass_context
def export_prometheus(ctx: Context, out: Path, check: bool) -> None:
    """Write the PromQL-based alert rules as Prometheus rule files.

    Each Grafana rule (instant PromQL -> reduce last -> threshold) becomes the equivalent
    Prometheus alerting rule; rules with no exact translation are listed as skipped.
    """
    from .promexport import export_prometheus as export

    result = export(ctx.project(), out, check=check)
    for error in result.refused:
        click.echo(f"skipped: {error.one_line()}", err=True)
    click.echo(
        f"exported {len(result.translated)} alert rules into {out} ({len(result.tree.written)} written, "
        f"{len(result.tree.unchanged)} unchanged, {len(result.tree.removed)} removed, "
        f"{len(result.refused)} rules skipped)"
    )
    if result.check_report:
        click.echo(f"error: promtool check rules failed:\n{result.check_report}", err=True)
        raise click.exceptions.Exit(1)


@export_group.command(name="alertmanager")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Alertmanager config file.")
@click.option(
    "--check",
    "check",
    is_flag=True,
    help="Also run `amtool check-config` (on a copy whose ${VAR} placeholders hold stand-ins).",
)
@pass_context
def export_alertmanager(ctx: Context, out: Path, check: bool) -> None:
    """Write an Alertmanager config from the notification policies and contact points.

    Secrets stay ${VAR} placeholders: render the file with envsubst before Alertmanager reads it.
    """
    from .promexport import (
        alertmanager_config,
        alertmanager_templates,
        check_alertmanager_config,
        write_alertmanager_config,
    )

    project = ctx.project()
    config, templates = alertmanager_config(project), alertmanager_templates(project)
    written = write_alertmanager_config(config, out, templates)
    click.echo(f"{'wrote' if written else 'unchanged:'} {out} ({len(config['receivers'])} receivers)")
    report = check_alertmanager_config(config, templates) if check else None
    if report:
        click.echo(f"error: amtool check-config failed:\n{report}", err=True)
        raise click.exceptions.Exit(1)


@main.command(name="test")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_context
def test_alerts(ctx: Context, files: tuple[Path, ...]) -> None:
    """Run alert unit tests (default: alerts/tests/*.yaml) with the real `promtool test rules`.

    Each Grafana-managed rule under test is translated into the equivalent Prometheus rule;
    failures name the test, the rule, the evaluation time and expected vs actual alerts.
    """
    from .alerttest import run_alert_tests

    outcomes = run_alert_tests(ctx.project(), list(files) or None)
    failed = [outcome for outcome in outcomes if not outcome.passed]
    for outcome in failed:
        expectation = outcome.expectation
        click.echo(
            f"FAIL {expectation.location}: {outcome.test.name}: {expectation.rule} at {expectation.at}: "
            f"{outcome.failure}",
            err=True,
        )
    tests = len({(o.test.location, o.test.name) for o in outcomes})
    click.echo(
        f"{tests} alert tests, {len(outcomes)} expectations: {len(outcomes) - len(failed)} passed, {len(failed)} failed"
    )
    if failed:
        raise click.exceptions.Exit(1)


# --- end provision ---


# --- import (adoption: Grafana JSON and alert rules -> gdash Python) ---
def _echo_import_report(report) -> None:
    for imported in report.files:
        state = "wrote" if imported.path in report.written else "unchanged"
        exact = (
            "translated from Prometheus rules"
            if not imported.round_trip
            else "round trip exact"
            if not imported.lost
            else f"{len(imported.lost)} difference(s) left"
        )
        click.echo(f"{state} {imported.path}: {imported.what}; {exact}")
        for line in imported.escapes:
            click.echo(f"  extra: {line}")
        for line in imported.notes:
            click.echo(f"  note: {line}")
        for line in imported.lost:
            click.echo(f"  lost: {line}", err=True)
    extra_lines, panels = report.residue
    if panels:
        click.echo(f"residue: {extra_lines} extra= for {panels} panel(s) ({extra_lines / panels:.2f} per panel)")
    for name, uids in sorted(report.datasources().items()):
        click.echo(
            f"datasource {name!r} stands for {', '.join(sorted(uids))}: map it under environments.<env>.datasources "
            f"in gdash.yaml"
        )
    if report.lost:
        click.echo(
            f"error: {len(report.lost)} thing(s) could not be expressed in gdash code (listed as lost: above)", err=True
        )
        raise click.exceptions.Exit(1)


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for dashboard modules (default: <project>/dashboards).",
)
@click.option(
    "--alerts-out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for alert rule modules (default: <project>/alerts).",
)
@click.option("--folder", help="Grafana folder for the imported dashboards and rule groups (default: as exported).")
@click.option("--force", is_flag=True, help="Replace existing files that differ (never done silently).")
@pass_context
def import_(
    ctx: Context, files: tuple[Path, ...], out: Path | None, alerts_out: Path | None, folder: str | None, force: bool
) -> None:
    """Turn Grafana dashboard JSON and alert rules into gdash Python.

    FILES are dashboard JSON (bare, an API answer {"dashboard": ...} or a dashboard resource; any
    schemaVersion, legacy rows[] layouts and dashboard v2 are migrated as Grafana migrates them),
    Grafana alert rule exports or provisioning files (YAML/JSON), or Prometheus rule files.
    Each output file is built, schema-validated and compared with its (migrated) input, as
    `gdash build` would; "round trip exact" is printed only when all three pass. Whatever gdash's
    helpers cannot express goes into extra={...} and is listed, with the residue (extra= per
    panel). Exits 1 if anything could not be kept (lost: lines).
    """
    from .importer import import_paths

    report = import_paths(
        files,
        dashboards_dir=out or ctx.root / "dashboards",
        alerts_dir=alerts_out or ctx.root / "alerts",
        folder=folder,
        force=force,
    )
    _echo_import_report(report)


# --- end import ---


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
