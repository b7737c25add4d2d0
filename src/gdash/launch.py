"""The `gdash` command's entry point: answers ``gdash --version`` before importing click.

``--version`` is what CI jobs and pre-commit hooks run most; click alone costs three times a bare
interpreter start. Everything else goes to :func:`gdash.cli.main` unchanged.
"""

from __future__ import annotations

import sys

from . import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"gdash, version {__version__}")  # the words of click's version_option
        sys.exit(0)
    from .cli import main as cli_main

    cli_main(prog_name="gdash")
