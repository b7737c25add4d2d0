"""Deterministic serialisation and safe writes: the same input gives the same bytes everywhere."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson  # ~20x faster than the stdlib's pure-Python indent=2 encoder (docs/performance.md)

# Subclasses, dataclasses and datetimes go to the stdlib (orjson would write what json refuses).
_ORJSON_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)
_INFINITIES = (float("inf"), float("-inf"))
_COMPACT_OPTIONS = _ORJSON_OPTIONS & ~orjson.OPT_INDENT_2
_FLOAT_TOKEN = re.compile(rb"[0-9][.eE]")  # a fraction or an exponent: how every JSON float is written


def dump_json(obj: Any) -> str:
    """Sorted keys, 2-space indent, UTF-8 kept as is, trailing newline.

    The bytes are those of ``json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)``:
    orjson writes them when :func:`orjson_safe` holds and it accepts the document (it refuses
    integers beyond 64 bits and non-str keys), else the stdlib does."""
    if orjson_safe(obj):
        try:
            return orjson.dumps(obj, option=_ORJSON_OPTIONS).decode("utf-8") + "\n"
        except (TypeError, orjson.JSONEncodeError):
            pass
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def compact_json(obj: Any) -> bytes:
    """``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` as UTF-8: the
    canonical text that content hashes are taken of. orjson writes it when the document holds no
    float (checked on its output: cheaper than a walk of the document) and it accepts the document,
    else the stdlib does (floats: see :func:`orjson_safe`)."""
    data = orjson_compact(obj)
    if data is not None and (not has_float(data) or orjson_safe(obj)):
        return data
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def orjson_compact(obj: Any) -> bytes | None:
    """orjson's sorted compact text of ``obj``, or None when it refuses the document; equal to
    :func:`compact_json`'s unless ``obj`` holds a float."""
    try:
        return orjson.dumps(obj, option=_COMPACT_OPTIONS)
    except (TypeError, orjson.JSONEncodeError):
        return None


def has_float(data: bytes) -> bool:
    """Whether JSON text ``data`` (valid JSON) holds a float: a number written with a fraction or an exponent."""
    return _FLOAT_TOKEN.search(without_strings(data)) is not None


def without_strings(data: bytes) -> bytes:
    """Valid JSON text ``data`` with the contents of every string removed (with their quotes), by
    bytes operations only: escaped backslashes, then escaped quotes are dropped (both scans go left
    to right, as escapes are read), after which every quote left delimits a string."""
    return b"".join(data.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')[::2])


def orjson_safe(obj: Any) -> bool:
    """False when a value would be written differently by orjson: a float Python writes with an
    exponent (``1e-05``; orjson writes ``0.00001``) or NaN/infinity (orjson writes ``null``), or
    a type other than dict/list/tuple/str/int/float/bool/None. Floats are rare in dashboards,
    so this walk is the whole cost of the guard."""
    stack = [obj]
    pop, push = stack.pop, stack.extend
    while stack:
        value = pop()
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            continue
        if kind is dict:
            push(value.values())
        elif kind is list or kind is tuple:
            push(value)
        elif kind is float:
            if value != 0.0 and not 1e-4 <= abs(value) < 1e16:  # also NaN (every comparison is False) and inf
                return False
        else:
            return False
    return True


def __getattr__(name: str) -> Any:
    # ``write_if_changed`` (the one atomic single-file write) is re-exported from gdash.managed_tree
    # on first use: importing that module (secrets, shutil, signal) costs `gdash lint FILE` time.
    if name == "write_if_changed":
        from .managed_tree import write_if_changed

        return write_if_changed
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_DUMPER: Any = None


def _dumper() -> Any:
    """The YAML dumper (yaml is imported on first use: JSON-only runs skip it)."""
    global _DUMPER
    if _DUMPER is None:
        import yaml

        class _Dumper(yaml.SafeDumper):
            pass

        def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
            style = "|" if "\n" in data else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

        _Dumper.add_representer(str, _str_presenter)
        _DUMPER = _Dumper
    return _DUMPER


def dump_yaml(obj: Any) -> str:
    """Block-style YAML with sorted keys; multi-line strings as literal blocks."""
    import yaml

    return yaml.dump(obj, Dumper=_dumper(), sort_keys=True, default_flow_style=False, allow_unicode=True, width=4096)
