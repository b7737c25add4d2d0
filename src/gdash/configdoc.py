"""docs/configuration.md, generated from gdash.yaml's JSON Schema (``python -m gdash.configdoc``).

The schema is the one source: each setting's type, range, default and description come from it,
so the reference cannot drift from what ``load_config`` accepts (a test fails when the file is stale).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .config import config_schema

DOC_PATH = Path("docs") / "configuration.md"

_INTRO = """\
# Configuration reference

<!-- generated from src/gdash/schemas/config.schema.json by `python -m gdash.configdoc`; do not edit -->

`gdash.yaml` sits at the project root (or is named with `--config FILE`). {description}

A key with no value (`timeout:` and nothing after it) is the same as leaving it out. The file
must be UTF-8; YAML aliases, nesting and numbers are bounded (see [Safety](safety.md)). YAML 1.1
reads `yes`, `no`, `on` and `off` as true/false: quote them where a name or text is meant.
"""

_TLS = """\
## TLS and the CA bundle variables

`environments.<name>.tls` wins over `REQUESTS_CA_BUNDLE` and `CURL_CA_BUNDLE`:

| gdash.yaml | certificate checked against |
|---|---|
| no `tls:` (or `verify: true` without `ca_cert`) | `REQUESTS_CA_BUNDLE`, else `CURL_CA_BUNDLE`, else the system's trust store |
| `tls: {ca_cert: FILE}` | `FILE` only, whatever the variables say |
| `tls: {verify: false}` | nothing (verification off), whatever the variables say |
"""


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not ref:
        return schema
    target = config_schema()["$defs"][ref.rsplit("/", 1)[-1]]
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}


def _type(schema: dict[str, Any]) -> str:
    schema = _resolve(schema)
    if "enum" in schema:
        return " or ".join(f"`{v}`" for v in schema["enum"])
    if "oneOf" in schema:
        return " or ".join(_type(option) for option in schema["oneOf"])
    kinds = schema.get("type", "any")
    kinds = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"]
    words = []
    for kind in kinds:
        if kind == "array":
            words.append(f"list of {_type(schema.get('items', {}))}")
        elif kind == "object" and isinstance(schema.get("additionalProperties"), dict) and not schema.get("properties"):
            words.append(f"map of name → {_type(schema['additionalProperties'])}")
        else:
            words.append({"object": "mapping"}.get(kind, kind))
    return " or ".join(words)


def _constraints(schema: dict[str, Any]) -> str:
    schema = _resolve(schema)
    parts = []
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum")
    if low is not None or high is not None:
        left = "> " if "exclusiveMinimum" in schema else ""
        parts.append(f"{left}{low} … {high}" if high is not None else f"≥ {low}")
    if schema.get("title"):
        parts.append(schema["title"])
    if schema.get("maxLength"):
        parts.append(f"at most {schema['maxLength']} characters")
    return "; ".join(parts)


def _rows(schema: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    schema = _resolve(schema)
    for name, child in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        yield path, child
        resolved = _resolve(child)
        if resolved.get("properties"):
            yield from _rows(resolved, path)
        extra = resolved.get("additionalProperties")
        if isinstance(extra, dict) and _resolve(extra).get("properties"):
            yield from _rows(_resolve(extra), f"{path}.<name>")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """The Markdown reference (deterministic)."""
    schema = config_schema()
    out = [_INTRO.format(description=schema["description"])]
    for section, child in schema["properties"].items():
        resolved = _resolve(child)
        out.append(f"## `{section}`\n\n{resolved.get('description', '')}\n")
        rows = (
            [(section, child)]
            if not resolved.get("properties") and not isinstance(resolved.get("additionalProperties"), dict)
            else []
        )
        if section == "environments":
            rows = list(_rows(schema["$defs"]["environment"], "environments.<name>"))
            out.append(schema["$defs"]["environment"]["description"] + "\n")
        elif resolved.get("properties"):
            rows = list(_rows(resolved, section))
        elif not rows:
            rows = [(section, child)]
        out.append("| key | type | allowed | default | description |\n|---|---|---|---|---|")
        for path, item in rows:
            item_r = _resolve(item)
            default = f"`{json.dumps(item_r['default'])}`" if "default" in item_r else ""
            example = item_r.get("examples")
            description = item_r.get("description", "")
            if example:
                description += f" Example: `{json.dumps(example[0])}`."
            out.append(
                f"| `{path}` | {_cell(_type(item))} | {_cell(_constraints(item))} | {_cell(default)} | "
                f"{_cell(description)} |"
            )
        out.append("")
    out.append(_TLS)
    out.append("## Example\n\n```yaml\n" + _EXAMPLE + "```\n")
    return "\n".join(out)


_EXAMPLE = """\
default_folder: General
environments:
  prod:
    url: https://grafana.example.com
    token_env: GRAFANA_PROD_TOKEN
    org_id: 1
    datasources: {prometheus: prometheus-prod, loki: loki-prod}
    tls: {ca_cert: /etc/ssl/certs/internal-ca.pem}
    timeout: 30
    concurrency: 8
provision:
  datasources:
    prometheus: {type: prometheus, url: "http://prometheus:9090", default: true}
lint:
  scrape_interval: 30s
  disable: [DSH005]
"""


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) docs/configuration.md under the current directory."""
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is stale: run `python -m gdash.configdoc`", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
