"""Remember where the user declared an object, so errors and lint findings can point at it."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any, cast

import attr
import grafanalib

# Frames in these directories (and generated code such as attrs' __init__) are not the user's.
_LIBRARY_DIRS = tuple(
    str(Path(cast(str, module.__file__)).resolve().parent) for module in (sys.modules["gdash"], grafanalib, attr)
)
_ATTR = "_gdash_location"


def caller_location() -> tuple[str, int] | None:
    """The first stack frame outside gdash and grafanalib: the user's file and line."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<") and not filename.startswith(_LIBRARY_DIRS):
            return filename, frame.f_lineno
        frame = frame.f_back
    return None


def remember(obj: Any, location: tuple[str, int] | None = None) -> Any:
    """Attach the caller's location to ``obj`` (grafanalib's attrs classes accept new attributes)."""
    try:
        setattr(obj, _ATTR, location or caller_location())
    except AttributeError:  # slotted or frozen object: it simply has no location
        pass
    return obj


def location_of(obj: Any) -> tuple[str, int] | None:
    return getattr(obj, _ATTR, None)
