"""The ``gdash`` command line: parses options and calls library functions, nothing more.

Exit codes: 0 ok, 1 content failures (validation, lint, push), 2 usage or configuration errors.
"""
from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .build import stale_outputs, write_build
from .config import CONFIG_NAME, Config, load_config
from .errors import GdashError
from .model import Project
from .project import load_project
from .validate import validate_project


@dataclass
class Context:
    root: Path
    config_path: Path | None
    debug: bool

    def config(self) -> Config:
        if self.config_path:
            return load_config(self.config_path, required=True)
        return load_config(self.root / CONFIG_NAME)

    def project(self) -> Project:
        return load_project(self.root, self.config(), debug=self.debug)


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


pass_context = click.make_pass_decorator(Context)


@click.group(cls=GdashGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gdash")
@click.option("-C", "--project", "root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Project root (holds gdash.yaml, dashboards/, alerts/).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Config file to use instead of <project>/{CONFIG_NAME}.")
@click.option("--debug", is_flag=True, help="Show full Python tracebacks for errors in your files.")
@click.pass_context
def main(ctx: click.Context, root: Path, config_path: Path | None, debug: bool) -> None:
    """gdash: Grafana dashboards and alert rules as code.

    Dashboards live in dashboards/*.py, alert rules in alerts/*.py; gdash compiles them to
    deterministic JSON, validates and lints them, and delivers them to Grafana.
    """
    ctx.obj = Context(root=root, config_path=config_path, debug=debug)


def _report_problems(problems: list) -> None:
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        raise click.exceptions.Exit(1)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="build", show_default=True,
              help="Output directory.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the output directory is out of date.")
@pass_context
def build(ctx: Context, out: Path, check: bool) -> None:
    """Compile and validate every dashboard and alert rule into OUT.

    Dashboards go to OUT/dashboards/<folder>/<uid>.json (bare dashboard models), alert rules to
    OUT/alerts/<folder>.yaml and notification routing to OUT/notifications.yaml (Grafana
    file-provisioning format). Unchanged files are not rewritten; files of dashboards that no
    longer exist are removed.
    """
    project = ctx.project()
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
    dashboards = [
        {"uid": d.uid, "title": d.title, "folder": d.folder, "panels": len(d.panel_locations), "source": str(d.source)}
        for d in project.dashboards
    ]
    rules = [
        {"uid": r["uid"], "title": r["title"], "folder": g.folder, "group": g.name,
         "severity": r["labels"].get("severity", ""), "source": str(g.rule_locations[r["uid"]])}
        for g in project.rule_groups for r in g.rules
    ]
    if fmt == "json":
        click.echo(json.dumps({"dashboards": dashboards, "alert_rules": rules}, indent=2, sort_keys=True))
        return
    _table(["UID", "TITLE", "FOLDER", "PANELS"], [[d["uid"], d["title"], d["folder"], str(d["panels"])] for d in dashboards])
    click.echo()
    _table(["RULE UID", "TITLE", "FOLDER", "GROUP", "SEVERITY"],
           [[r["uid"], r["title"], r["folder"], r["group"], r["severity"]] for r in rules])


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


# --- commands added by capabilities (lint, sync, provision, review, import) go below this line ---

# --- review (pull-request diff and preview) ---
# `gdash diff` is one command with two modes: --base/--head (git refs, review) and --env/--url (live Grafana, sync).
@main.command()
@click.option("--base", metavar="GITREF", help="Compare against the project as committed at this git ref (e.g. main).")
@click.option("--head", metavar="GITREF", help="With --base: the newer side (default: the working tree).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="markdown is a pull-request comment (kept under GitHub's 65,536-character limit).")
@click.option("--exit-code", is_flag=True, help="Exit 1 when something changed (like `git diff --exit-code`).")
@pass_context
def diff(ctx: Context, base: str | None, head: str | None, fmt: str, exit_code: bool) -> None:
    """Show what changed in dashboard terms: panels, queries, layout and alert rules.

    Panels are matched by title and queries, so reordering shows as a move; ids, versions
    and key order are ignored. Prints nothing (text format) when nothing changed.
    """
    from .diff.render import render
    from .errors import ConfigError
    from .review.gitref import diff_refs

    if base is None:
        raise ConfigError("gdash diff needs --base GITREF", hint="e.g. `gdash diff --base main`")
    report = diff_refs(ctx.root, base, head, debug=ctx.debug)
    click.echo(render(report, fmt), nl=False)
    if exit_code and report.changed:
        raise click.exceptions.Exit(1)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="build/preview", show_default=True,
              help="Directory for the static site (created; only an earlier preview in it is replaced).")
@click.option("--base", metavar="GITREF", help="Highlight panels added, changed, moved or removed since this git ref.")
@pass_context
def preview(ctx: Context, out: Path, base: str | None) -> None:
    """Write a static site drawing every dashboard on Grafana's grid (opens from file://, no network)."""
    from .review.gitref import snapshot_at_ref
    from .review.preview.site import write_preview
    from .review.snapshot import snapshot_project

    head = snapshot_project(ctx.project(), "working tree")
    result = write_preview(head, out, snapshot_at_ref(ctx.root, base, debug=ctx.debug) if base else None)
    changed = f", {len(result.report.dashboards)} changed since {base}" if result.report else ""
    click.echo(f"wrote preview of {len(head.dashboards)} dashboards{changed}: {out / 'index.html'}")
# --- end review ---


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
