"""gdash.yaml: the project configuration (default folder, environments, lint settings).

The whole file is validated against one JSON Schema, ``gdash/schemas/config.schema.json``, before
anything uses it: every key, type and range, with errors naming the key path and its line.
docs/configuration.md is generated from that schema (``python -m gdash.configdoc``). To add a
setting, add it to the schema (with a ``description``) and regenerate the docs; the known-key
sets below are read from the schema, so nothing else needs to list it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:  # imported at run time only to explain an invalid file
    import jsonschema

from . import safeload
from .errors import ConfigError, Location

CONFIG_NAME = "gdash.yaml"


@lru_cache(maxsize=1)
def config_schema() -> dict[str, Any]:
    """The JSON Schema of gdash.yaml."""
    # beside this module (importlib.resources would cost every command ~5 ms of imports)
    text = (Path(__file__).parent / "schemas" / "config.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


_KNOWN_KEYS = frozenset(config_schema()["properties"])
ENVIRONMENT_KEYS = frozenset(config_schema()["$defs"]["environment"]["properties"])


@dataclass
class Config:
    path: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def default_folder(self) -> str:
        return self.raw.get("default_folder") or "General"

    @property
    def environments(self) -> dict[str, dict[str, Any]]:
        return self.raw.get("environments") or {}

    @property
    def lint(self) -> dict[str, Any]:
        return self.raw.get("lint") or {}

    def section(self, name: str) -> dict[str, Any]:
        return self.raw.get(name) or {}

    def environment(self, name: str) -> dict[str, Any]:
        """The settings of environment ``name``; a missing, malformed or misspelt one is a ConfigError.

        Credentials are not resolved here: provisioning needs an environment's datasources and
        org, not its token (see gdash.sync.environment for what push/diff/pull add).
        """
        where = Location(str(self.path)) if self.path else None
        if name not in self.environments:
            known = ", ".join(sorted(self.environments)) or "none"
            raise ConfigError(
                f"environment {name!r} is not defined in gdash.yaml",
                location=where,
                hint=f"defined environments: {known}; add it under `environments:`",
            )
        raw = self.environments[name] or {}
        if not isinstance(raw, dict):
            raise ConfigError(
                f"environment {name!r} must be a mapping",
                location=where,
                hint="give it keys such as url, token_env, org_id, datasources",
            )
        unknown = sorted(set(raw) - ENVIRONMENT_KEYS)
        if unknown:
            raise ConfigError(
                f"environment {name!r} has unknown key {unknown[0]!r}",
                location=where,
                hint=f"known keys: {', '.join(sorted(ENVIRONMENT_KEYS))}",
            )
        return raw


def load_config(path: Path, *, required: bool = False) -> Config:
    """Read and validate gdash.yaml; a missing file is an empty config unless ``required``."""
    if not path.exists():
        if required:
            raise ConfigError(f"config file {path} does not exist", hint="pass --config with an existing file")
        return Config(path=None, raw={})
    if path.is_dir():
        raise ConfigError(f"config file {path} is a directory", hint="pass --config with a YAML file")
    display = str(path)
    node = safeload.compose_yaml(safeload.read_text(path, display), display)
    if node is not None:
        _check_keys_are_strings(node, display)
    raw = safeload.construct(node, display)
    if raw is None:
        raw = {}
    _drop_empty_settings(raw)
    validate_config(raw, display, node)
    return Config(path=path, raw=raw)


# --- validation ----------------------------------------------------------------------------------

_STR_TAG = "tag:yaml.org,2002:str"
_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing (null)",
}


def _check_keys_are_strings(root: yaml.Node, display: str) -> None:
    """Every key in gdash.yaml is a name, once: refuse ``off:`` (YAML 1.1 reads it as false), ``1:``, ``null:``
    and a key given twice in one mapping (YAML would silently keep the last)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                if key.tag == _STR_TAG and key.value in seen:
                    raise ConfigError(
                        f"the key {key.value!r} appears twice (also at line {seen[key.value]})",
                        location=Location(display, key.start_mark.line + 1),
                        hint="YAML keeps only the last one: remove one of them",
                    )
                seen[key.value] = key.start_mark.line + 1
                if key.tag != _STR_TAG:
                    read_as = {
                        "tag:yaml.org,2002:bool": "true/false",
                        "tag:yaml.org,2002:null": "null",
                        "tag:yaml.org,2002:int": "a number",
                        "tag:yaml.org,2002:float": "a number",
                    }
                    raise ConfigError(
                        f"the key {key.value!r} is read by YAML as {read_as.get(key.tag, key.tag)}, not as a name",
                        location=Location(display, key.start_mark.line + 1),
                        hint=f"quote it: '{key.value}':",
                    )
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _drop_empty_settings(raw: Any) -> None:
    """``key:`` with no value means the key is not set (top level, lint, provision, each environment).

    Not under mappings whose keys are names (``provision.datasources.prometheus:`` with no value
    declares that datasource with default settings)."""
    if not isinstance(raw, dict):
        return
    sections = [raw, raw.get("lint"), raw.get("provision")]
    provision = raw.get("provision")
    if isinstance(provision, dict):
        sections.append(provision.get("dashboards"))
    environments = raw.get("environments")
    if isinstance(environments, dict):
        for settings in environments.values():
            sections.append(settings)
            if isinstance(settings, dict):
                sections.append(settings.get("tls"))
    for section in sections:
        if isinstance(section, dict):
            for key in [k for k, v in section.items() if v is None]:
                del section[key]


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if value is None:
        return "nothing"
    if isinstance(value, (dict, list)):
        return _TYPE_WORDS["object" if isinstance(value, dict) else "array"]
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _dotted(path: list[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _node_at(root: yaml.Node | None, path: list[Any], *, key: bool = False) -> yaml.Node | None:
    """The YAML node at ``path`` (its key node when ``key``), for the error's line."""
    node = root
    found_key = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                return node
            found_key, node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return found_key if key and found_key is not None else node


def _schema_hint(error: jsonschema.ValidationError) -> str | None:
    """The description (and first example) of the setting that failed, following ``$ref``s."""
    root = config_schema()
    node: Any = root
    described: dict[str, Any] | None = None
    for part in error.absolute_schema_path:
        if isinstance(node, dict) and "$ref" in node and part not in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and node.get("description") and node is not root:
            described = node
    if described is None:
        return None
    examples = described.get("examples")
    example = f"e.g. {json.dumps(examples[0])}" if examples else None
    return "; ".join(x for x in (described["description"].rstrip("."), example) if x)


def _message(error: jsonschema.ValidationError) -> tuple[str, str | None, list[Any], bool]:
    """(message, hint, path of the node to point at, point at its key) for one schema error."""
    path = list(error.absolute_path)
    where = f"{_dotted(path)}: " if path else ""
    schema: dict[str, Any] = dict(error.schema) if isinstance(error.schema, dict) else {}
    value: Any = error.instance
    bound: Any = error.validator_value
    hint = _schema_hint(error)
    if "propertyNames" in error.absolute_schema_path:
        return (
            f"{where}{_describe(value)} is not a valid name",
            "names are letters, digits, '_', '-' and '.', starting with a letter or digit (at most 64)",
            [*path, value],
            True,
        )
    if error.validator == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        extra = sorted(set(value) - set(known)) if isinstance(value, dict) else []
        if extra and known:
            return (f"{where}unknown key {extra[0]!r}", f"known keys: {', '.join(known)}", [*path, extra[0]], True)
    if error.validator == "type":
        expected = bound if isinstance(bound, list) else [bound]
        words = " or ".join(str(_TYPE_WORDS.get(t, t)) for t in expected if t != "null")
        note = ""
        if isinstance(value, bool) and "boolean" not in expected:
            note = " (YAML reads yes/no/on/off as true/false: quote the value)"
        elif isinstance(value, str) and ("number" in expected or "integer" in expected):
            note = " (write a plain number, without quotes or units)"
        return f"{where}expected {words}, got {_describe(value)}{note}", hint, path, False
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        bounds = (
            f"between {low} and {high}"
            if low is not None and high is not None
            else (f"at least {low}" if low is not None else f"at most {high}")
        )
        return f"{where}{_describe(value)} is out of range (must be {bounds})", hint, path, False
    if error.validator == "enum":
        return (f"{where}{_describe(value)} is not one of {', '.join(map(str, bound))}", hint, path, False)
    if error.validator in ("pattern", "minLength", "maxLength"):
        title = schema.get("title")
        problem = {
            "pattern": f"is not {title}" if title else "is not valid here",
            "minLength": "is empty",
            "maxLength": f"is longer than {schema.get('maxLength')} characters",
        }[error.validator]
        return f"{where}{_describe(value)} {problem}", hint, path, False
    if error.validator == "oneOf":
        return f"{where}{_describe(value)} is not valid here", hint, path, False
    if error.validator == "required":
        return f"{where}{error.message}", hint, path, False
    return f"{where}{error.message}", hint, path, False


def _valid_config(raw: Any, display: str) -> bool:
    """A fast yes: the schema compiled by fastjsonschema (it uses only keywords draft-07 shares with
    2020-12), kept compiled in the project's compile cache. A no is explained by jsonschema."""
    import fastjsonschema

    from .cache import CACHE_DIR
    from .validate.validator import compiled_check

    code_cache = Path(display).parent / CACHE_DIR
    try:
        compiled_check(config_schema(), CONFIG_NAME, code_cache if code_cache.is_dir() else None, use_default=False)(
            raw
        )
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate_config(raw: Any, display: str = CONFIG_NAME, node: yaml.Node | None = None) -> None:
    """Check ``raw`` against the schema; the first error (in file order) is a ConfigError with its line."""
    if _valid_config(raw, display):
        return
    import jsonschema  # only to explain an invalid file: importing it costs every command 50 ms

    validator = jsonschema.Draft202012Validator(config_schema())
    errors = list(validator.iter_errors(raw))
    if not errors:
        return
    found = []
    for error in errors:
        message, hint, path, at_key = _message(error)
        target = _node_at(node, path, key=at_key)
        line = target.start_mark.line + 1 if target is not None else None
        found.append((line or 0, message, hint))
    line, message, hint = min(found, key=lambda item: (item[0], item[1]))
    raise ConfigError(message, location=Location(display, line or None), hint=hint)
