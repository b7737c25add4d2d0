"""Errors that gdash reports to the user as one line, never as a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in the user's files: ``path`` relative to the project root when possible."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class GdashError(Exception):
    """A problem with the user's input or environment.

    ``exit_code`` follows the CLI convention: 1 for failures of the content
    (validation, lint, push), 2 for usage and configuration errors.
    """

    exit_code = 2

    def __init__(self, message: str, *, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def one_line(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        return f"{prefix}{self.message}"

    def __str__(self) -> str:
        return self.one_line()


class ConfigError(GdashError):
    """gdash.yaml or a command-line option is wrong."""


class ProjectError(GdashError):
    """A user's dashboards/*.py or alerts/*.py file cannot be loaded."""

    exit_code = 1


class ValidationError(GdashError):
    """A compiled dashboard or rule does not match its schema."""

    exit_code = 1
