"""Deterministic serialisation and safe writes: the same input gives the same bytes everywhere."""
from __future__ import annotations

import json
from typing import Any

import yaml

from .managed_tree import write_if_changed  # noqa: F401  (the one atomic single-file write; re-exported)


def dump_json(obj: Any) -> str:
    """Sorted keys, 2-space indent, UTF-8 kept as is, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(obj: Any) -> str:
    """Block-style YAML with sorted keys; multi-line strings as literal blocks."""
    return yaml.dump(obj, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True, width=4096)
