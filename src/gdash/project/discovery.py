"""Import the user's Python files and turn every way they can fail into one clear line.

Convention: each ``dashboards/*.py`` defines ``dashboard`` (one) or ``dashboards`` (a list);
each ``alerts/*.py`` defines ``groups`` (a list of AlertGroup) or ``group``, and may define
``contact_points`` (a list), ``policy`` (one per project) and ``templates`` (name -> text).
Files whose name starts with ``_`` are shared helpers and are not searched for exports.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import GdashError, Location, ProjectError

DEBUG_HINT = "run with --debug for the full traceback"


def project_files(root: Path, folder: str) -> list[Path]:
    directory = root / folder
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.py") if not p.name.startswith("_"))


def relpath(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


@contextmanager
def project_on_path(root: Path) -> Iterator[None]:
    """Let user files import each other (``from dashboards._common import ...``) for one load,
    and forget those modules afterwards so another project (or git ref) loads fresh."""
    root_str = str(root.resolve())
    before = set(sys.modules)
    sys.path.insert(0, root_str)
    try:
        yield
    finally:
        sys.path.remove(root_str)
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            own = name == "gdash" or name.startswith("gdash.")  # gdash itself, even when run from its own checkout
            if (module_file.startswith(root_str) and not own) or name.startswith("gdash_user."):
                del sys.modules[name]


def _user_frame(tb, path: Path) -> int | None:
    """The line of the deepest traceback frame inside the user's file."""
    line = None
    resolved = str(path.resolve())
    for frame, lineno in traceback.walk_tb(tb):
        if str(Path(frame.f_code.co_filename).resolve()) == resolved:
            line = lineno
    return line


def import_user_file(path: Path, root: Path, debug: bool = False) -> ModuleType:
    """Import one user file; any failure becomes a ``ProjectError`` naming file and line."""
    rel = relpath(path, root)
    name = f"gdash_user.{path.parent.name}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None  # path is a .py file
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        source = path.read_text(encoding="utf-8")
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise ProjectError(
            f"SyntaxError: {exc.msg}", location=Location(rel, exc.lineno), hint="fix the Python syntax at that line"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"cannot read file: {exc}", location=Location(rel)) from None
    except (ValueError, MemoryError, RecursionError) as exc:  # NUL bytes; nesting too deep for the parser
        raise ProjectError(
            f"cannot compile: {describe_exception(exc)}",
            location=Location(rel),
            hint="fix the Python source (no NUL bytes, less deeply nested expressions)",
        ) from None
    try:
        with captured_output(rel):
            exec(code, module.__dict__)  # noqa: S102 - running the user's own dashboard code is the point
    except GdashError as exc:  # e.g. an authoring helper's argument check: it knows the user's line
        if exc.location is not None:
            exc.location = Location(relpath(Path(exc.location.path), root), exc.location.line)
        raise
    except BaseException as exc:  # noqa: BLE001 - SystemExit, GeneratorExit, KeyboardInterrupt too: one line each
        raise user_error(exc, path, rel, debug, "importing this file") from None
    return module


MAX_MESSAGE = 300  # characters of an exception's text in the one-line error
MAX_OUTPUT = 4096  # characters of what a user file prints that are passed on (to stderr)


def describe_exception(exc: BaseException) -> str:
    """``Type: message`` on one line, bounded; an exception whose ``__str__`` fails is still described."""
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a broken __str__ must not become a traceback
        text = "<the exception's message cannot be shown>"
    if isinstance(exc, SystemExit):
        text = f"sys.exit({exc.code!r}) was called" if exc.code is not None else "sys.exit() was called"
    text = " ".join(text.split())
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 3] + "..."
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def user_error(exc: BaseException, path: Path, rel: str, debug: bool, doing: str) -> ProjectError:
    """A ``ProjectError`` at the deepest line of ``path`` in the traceback of ``exc``."""
    if debug:
        traceback.print_exception(exc)
    line = _user_frame(exc.__traceback__, path)
    hint = f"the error was raised while {doing}; {DEBUG_HINT}"
    if isinstance(exc, SystemExit):
        hint = "dashboard and alert files must not exit; remove the sys.exit()/raise SystemExit"
    elif isinstance(exc, RecursionError):
        hint = f"a function calls itself without end (or a structure contains itself); {DEBUG_HINT}"
    return ProjectError(describe_exception(exc), location=Location(rel, line), hint=hint)


class _BoundedWriter(io.TextIOBase):
    """What a user file prints: passed on to stderr up to MAX_OUTPUT characters, the rest counted."""

    def __init__(self, target: Any):
        self.target, self.written, self.dropped = target, 0, 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = max(0, MAX_OUTPUT - self.written)
        if room:
            self.target.write(text[:room])
        self.written += min(room, len(text))
        self.dropped += max(0, len(text) - room)
        return len(text)

    def flush(self) -> None:
        self.target.flush()


@contextmanager
def captured_output(rel: str) -> Iterator[None]:
    """Route a user file's print()s to stderr (stdout carries gdash's own output, e.g. --format json),
    bounded so a file that prints gigabytes cannot flood the terminal or a CI log."""
    writer = _BoundedWriter(sys.stderr)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = writer
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        if writer.dropped:
            print(f"\n[{rel}: {writer.dropped:,} more characters of output not shown]", file=sys.stderr)
