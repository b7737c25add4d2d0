"""Import the user's Python files and turn every way they can fail into one clear line.

Convention: each ``dashboards/*.py`` defines ``dashboard`` (one) or ``dashboards`` (a list);
each ``alerts/*.py`` defines ``groups`` (a list of AlertGroup) or ``group``, and may define
``contact_points`` (a list), ``policy`` (one per project) and ``templates`` (name -> text).
Files whose name starts with ``_`` are shared helpers and are not searched for exports.
"""
from __future__ import annotations

import importlib.util
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Iterator

from ..errors import Location, ProjectError

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
            if module_file.startswith(root_str) or name.startswith("gdash_user."):
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
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        source = path.read_text(encoding="utf-8")
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise ProjectError(f"SyntaxError: {exc.msg}", location=Location(rel, exc.lineno),
                           hint="fix the Python syntax at that line") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"cannot read file: {exc}", location=Location(rel)) from None
    try:
        exec(code, module.__dict__)  # noqa: S102 - running the user's own dashboard code is the point
    except Exception as exc:  # noqa: BLE001 - every user error must become one line
        if debug:
            traceback.print_exc()
        line = _user_frame(exc.__traceback__, path)
        raise ProjectError(f"{type(exc).__name__}: {exc}", location=Location(rel, line),
                           hint=f"the error was raised while importing this file; {DEBUG_HINT}") from None
    return module
