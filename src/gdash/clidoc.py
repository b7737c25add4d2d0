"""The command reference page (docs/cli.md), rendered from the click commands themselves.

One source of truth: the text users see with ``gdash CMD --help`` is the text of the docs site, and
``tests/test_docs.py`` fails when the committed page is stale (regenerate with ``make docs-pages``).
"""

from __future__ import annotations

import sys

import click


def _commands(group: click.Group, ctx: click.Context, prefix: str) -> list[tuple[str, click.Command, click.Context]]:
    found: list[tuple[str, click.Command, click.Context]] = []
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        sub_ctx = click.Context(command, info_name=name, parent=ctx, **command.context_settings)
        found.append((f"{prefix} {name}", command, sub_ctx))
        if isinstance(command, click.Group):
            found.extend(_commands(command, sub_ctx, f"{prefix} {name}"))
    return found


def render_cli_reference() -> str:
    """Markdown for every command: its summary and its ``--help`` text, in command order."""
    from .cli import main

    settings = {**main.context_settings, "terminal_width": 100, "max_content_width": 100}
    root_ctx = click.Context(main, info_name="gdash", **settings)
    lines = [
        "# Command reference",
        "",
        "Generated from the command line itself (`make docs-pages`); the same text is printed by",
        "`gdash COMMAND --help`.",
        "",
        "```text",
        main.get_help(root_ctx),
        "```",
        "",
    ]
    for path, command, ctx in _commands(main, root_ctx, "gdash"):
        ctx.terminal_width = ctx.max_content_width = 100
        lines += [
            f"## `{path}`",
            "",
            command.get_short_help_str(limit=100),
            "",
            "```text",
            command.get_help(ctx),
            "```",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_cli_reference())
