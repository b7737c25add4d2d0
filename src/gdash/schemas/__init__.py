"""The one loader of the JSON Schemas gdash ships (``gdash/schemas/*.schema.json``).

Every schema is read once and compiled once per process, by name (and, for a schema holding
several shapes, by a definition in its ``$defs``):

- ``config.schema.json``: gdash.yaml (:mod:`gdash.config`);
- ``dashboard.schema.json``, ``alerting.schema.json``: compiled dashboards and alerting files
  (:mod:`gdash.validate`);
- ``provisioning-dashboards.schema.json``, ``provisioning-datasources.schema.json``: the
  provisioning files gdash writes (:mod:`gdash.provision`);
- ``import-input.schema.json``: what ``gdash import`` reads (:mod:`gdash.importer.shape`).

A document is first checked by the schema compiled to Python by fastjsonschema (about 10x faster
than jsonschema, so valid documents, nearly all of them, cost little; kept compiled between runs in
the compile cache). Only a document it refuses meets jsonschema, which lists every error with its
path; jsonschema is imported then and only then (importing it costs a command about 50 ms).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

__all__ = ["errors", "is_valid", "json_path", "load", "use_code_cache", "validator"]

# Where compiled validators are kept between runs (the compile cache directory, set by
# gdash.project.load_project): generating one costs 50-90 ms, loading it back under 1 ms.
_CODE_CACHE: Path | None = None


def use_code_cache(directory: Path | None) -> None:
    global _CODE_CACHE
    _CODE_CACHE = directory


@cache
def load(name: str) -> dict[str, Any]:
    """The schema ``name`` as shipped in gdash/schemas (parsed once; do not modify it)."""
    # read beside this module: the package is always installed as files (importlib.resources
    # would cost every command about 5 ms of imports)
    return json.loads((Path(__file__).parent / name).read_text(encoding="utf-8"))


def _definition(name: str, definition: str | None) -> dict[str, Any]:
    schema = load(name)
    return schema if definition is None else {**schema, "$ref": f"#/$defs/{definition}"}


@cache
def validator(name: str, definition: str | None = None) -> jsonschema.protocols.Validator:
    """jsonschema's validator (of the schema's own draft) for ``name`` or one of its definitions."""
    import jsonschema

    schema = _definition(name, definition)
    return jsonschema.validators.validator_for(schema)(schema)  # tests check the schemas themselves


@cache
def _fast_check(name: str, definition: str | None, code_cache: Path | None) -> Callable[[Any], Any]:
    """fastjsonschema's validator for the schema read as draft-07 (gdash's schemas only use
    keywords draft-07 shares with 2020-12); it checks only, it fills in no defaults."""
    import fastjsonschema

    schema = {**_definition(name, definition), "$schema": "http://json-schema.org/draft-07/schema#"}
    if code_cache is None:
        return fastjsonschema.compile(schema, use_default=False)
    import hashlib  # only here: loading OpenSSL costs a command that checks nothing ~10 ms
    import marshal
    import sys

    text = json.dumps(schema, sort_keys=True)
    key = hashlib.sha256(f"{fastjsonschema.VERSION}\0{sys.version}\0{text}".encode()).hexdigest()
    path = code_cache / f"validator-{key}.marshal"
    try:
        code = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        code = compile(fastjsonschema.compile_to_code(schema, use_default=False), f"<fastjsonschema {name}>", "exec")
        from ..cache import write_file

        try:
            write_file(path, marshal.dumps(code))
        except OSError:
            pass
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - code fastjsonschema generated from gdash's own schema
    return next(value for key, value in namespace.items() if key.startswith("validate_") and callable(value))


def is_valid(name: str, document: Any, definition: str | None = None, *, code_cache: Path | None = None) -> bool:
    """True when ``document`` is valid (the fast check; it and jsonschema agree on gdash's schemas,
    tests/test_authoring.py checks that). ``code_cache``: where to keep the compiled check, when
    not the compile cache :func:`use_code_cache` named."""
    import fastjsonschema

    try:
        _fast_check(name, definition, code_cache or _CODE_CACHE)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def errors(
    name: str, document: Any, definition: str | None = None, *, code_cache: Path | None = None
) -> list[jsonschema.ValidationError]:
    """Every way ``document`` breaks the schema, in JSON path order (none, cheaply, when it is valid)."""
    if is_valid(name, document, definition, code_cache=code_cache):
        return []
    found = validator(name, definition).iter_errors(document)
    return sorted(found, key=lambda e: [(isinstance(p, str), p) for p in e.absolute_path])


def json_path(parts: Iterable[Any]) -> str:
    """``$.panels[3].gridPos`` for the path parts ``["panels", 3, "gridPos"]``."""
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
