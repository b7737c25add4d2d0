"""Deterministic serialisation and safe writes: the same input gives the same bytes everywhere."""
from __future__ import annotations

import json
from typing import Any


try:  # orjson: ~20x faster than the stdlib's pure-Python indent=2 encoder (docs/performance.md)
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the stdlib path is the reference
    orjson = None

_ORJSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS if orjson else 0
# orjson writes these values differently from ``json.dumps`` (0.00001 for 1e-05, null for NaN),
# or refuses them (integers beyond 64 bits, non-str keys): documents holding one use the stdlib.
_INT_RANGE = (-(2**63), 2**64 - 1)


def dump_json(obj: Any) -> str:
    """Sorted keys, 2-space indent, UTF-8 kept as is, trailing newline.

    The bytes are those of ``json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)``;
    orjson produces them when :func:`orjson_safe` says it writes the same."""
    if orjson is not None and orjson_safe(obj):
        try:
            return orjson.dumps(obj, option=_ORJSON_OPTIONS).decode("utf-8") + "\n"
        except (TypeError, orjson.JSONEncodeError):
            pass
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def orjson_safe(obj: Any) -> bool:
    """True when every value is one orjson writes byte-for-byte like the stdlib: plain str keys,
    str/bool/None, 64-bit ints, and floats whose repr has no exponent (nor nan/inf)."""
    stack = [obj]
    pop, push = stack.pop, stack.extend
    while stack:
        value = pop()
        kind = type(value)
        if kind is str or kind is bool or value is None:
            continue
        if kind is dict:
            for key in value:
                if type(key) is not str:
                    return False
            push(value.values())
        elif kind is list:
            push(value)
        elif kind is int:
            if not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
                return False
        elif kind is float:
            text = float.__repr__(value)
            if "e" in text or "n" in text:  # 1e-05, 1e+16, nan, inf
                return False
        else:  # tuples, subclasses, anything else: let the stdlib decide
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
