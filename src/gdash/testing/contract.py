"""Check HTTP requests and responses against Grafana's OpenAPI (swagger 2.0) description.

The emulator calls :meth:`Contract.check_request` and :meth:`Contract.check_response` for every
exchange, so neither gdash's client nor the emulator can drift from Grafana's published contract.

Swagger 2.0 is not JSON Schema; these are the adaptations made (each one deliberate):

1. Schemas are validated as JSON Schema draft 4 (the dialect swagger 2.0 builds on). ``$ref`` values
   (``#/definitions/X``; ``#/responses/X`` and ``#/parameters/X`` for response and parameter objects)
   resolve against the spec document itself.
2. ``format`` is not asserted: Grafana's formats are Go type names (``int64``, ``duration``) rather than
   JSON Schema formats.
3. ``readOnly`` properties are accepted in request bodies (Grafana ignores them; swagger 2.0 only says
   they "should not" be sent).
4. Enum strings are compared after stripping whitespace: Grafana's generator emitted
   ``EmbeddedContactPoint.type`` as ``["alertmanager", " dingding", " discord", ...]``.
5. Non-body parameters arrive as strings; they are converted to the declared ``type`` (integer, number,
   boolean, ``array`` with ``collectionFormat: multi`` or csv) before validation. Unknown query
   parameters are violations, so a typo in the client cannot pass unnoticed.
6. Only declared headers are checked: ``X-Grafana-Org-Id`` is read by Grafana's context middleware on
   every operation but declared nowhere, and ``Authorization`` is covered by ``securityDefinitions``.
7. 401 and 403 may be answered by any operation (Grafana's auth middleware runs before every handler);
   their bodies must be ``ErrorResponseBody``.
8. ``GET /health`` is treated as unauthenticated although the spec inherits the global security
   requirement: Grafana serves it before authentication.
9. Responses injected by the fault injector (429, 5xx, resets, timeouts) stand for a proxy or an
   overloaded server, not for Grafana's handlers, and are therefore not checked (their requests are).
10. A response declared without a schema (e.g. alerting's ``404: Not found.``) may carry any JSON body;
    a 204 must carry none.
11. Statuses Grafana really answers but the spec omits are listed in ``UNDECLARED_ERRORS`` (each with
    the Grafana error it comes from) and checked as ``ErrorResponseBody``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

# Operations that Grafana serves before its authentication middleware (adaptation 8).
PUBLIC_OPERATIONS = frozenset({"getHealth"})
AUTH_ERROR_STATUSES = ("401", "403")
UNDECLARED_ERRORS = {
    # dashboards.ErrDashboardCannotDeleteProvisionedDashboard ("provisioned dashboard cannot be deleted") is a 400
    ("deleteDashboardByUID", "400"),
    # Grafana 13: a dashboard stored as v2 read through the classic API -> 406 "dashboard api version not supported"
    ("getDashboardByUID", "406"),
}


@dataclass(frozen=True)
class Operation:
    method: str
    template: str  # spec path, e.g. /dashboards/uid/{uid}
    spec: dict[str, Any]
    pattern: re.Pattern[str]

    @property
    def operation_id(self) -> str:
        return self.spec.get("operationId", f"{self.method} {self.template}")

    @property
    def public(self) -> bool:
        return self.operation_id in PUBLIC_OPERATIONS


class Contract:
    """Grafana's HTTP contract, loaded from ``api-merged.json``."""

    def __init__(self, spec_path: Path):
        self.spec: dict[str, Any] = json.loads(Path(spec_path).read_text())
        self.base_path: str = self.spec.get("basePath", "")
        self._strip_enum_whitespace(self.spec["definitions"])
        self._operations = self._load_operations()
        self._validators: dict[str, Draft4Validator] = {}

    # -- routing ---------------------------------------------------------------------------

    def _load_operations(self) -> list[Operation]:
        operations = []
        for template, item in self.spec["paths"].items():
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method == "parameters":
                    continue
                op = dict(op, parameters=[*shared, *op.get("parameters", [])])
                regex = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
                operations.append(Operation(method.upper(), template, op, re.compile(f"^{regex}$")))
        # Literal segments win over parameters (/alert-rules/export before /alert-rules/{UID}).
        operations.sort(key=lambda o: (o.template.count("{"), -len(o.template)))
        return operations

    def find(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation serving ``method path`` (path includes the base path) and its path parameters."""
        if not path.startswith(self.base_path + "/"):
            return None
        local = path[len(self.base_path) :]
        for op in self._operations:
            if op.method == method.upper() and (match := op.pattern.match(local)):
                return op, match.groupdict()
        return None

    # -- checks ----------------------------------------------------------------------------

    def check_request(
        self,
        op: Operation,
        path_params: dict[str, str],
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: Any,
        content_type: str | None,
    ) -> list[str]:
        """Violations of the operation's parameter and body declarations (empty when conforming)."""
        where = f"request {op.method} {op.template}"
        problems: list[str] = []
        declared = {(p["in"], _param_key(p)): p for p in map(self._deref, op.spec["parameters"])}
        supplied = {
            "path": {k: [v] for k, v in path_params.items()},
            "query": query,
            "header": {k.lower(): [v] for k, v in headers.items()},
        }
        for (location, key), param in declared.items():
            if location == "body":
                if body is None:
                    if param.get("required"):
                        problems.append(f"{where}: missing required JSON body")
                    continue
                if not (content_type or "").startswith("application/json"):
                    problems.append(f"{where}: body sent as {content_type!r}, expected application/json")
                problems += self._schema_errors(param["schema"], body, f"{where} body")
                continue
            values = supplied.get(location, {}).get(key)
            if values is None:
                if param.get("required"):
                    problems.append(f"{where}: missing required {location} parameter {param['name']!r}")
                continue
            value, error = _coerce(param, values)
            if error:
                problems.append(f"{where}: {location} parameter {param['name']!r}: {error}")
                continue
            schema = {
                k: v
                for k, v in param.items()
                if k in ("type", "items", "enum", "minimum", "maximum", "maxLength", "minLength", "pattern")
            }
            problems += self._schema_errors(schema, value, f"{where} {location} parameter {param['name']!r}")
        for name in query:
            if ("query", name) not in declared:
                problems.append(f"{where}: undeclared query parameter {name!r}")
        if body is not None and not any(loc == "body" for loc, _ in declared):
            problems.append(f"{where}: a body was sent but the operation declares none")
        return problems

    def check_response(self, op: Operation, status: int, body: Any, content_type: str | None) -> list[str]:
        where = f"response {status} to {op.method} {op.template}"
        responses = op.spec.get("responses", {})
        declared = responses.get(str(status)) or responses.get("default")
        if declared is None and (
            str(status) in AUTH_ERROR_STATUSES or (op.operation_id, str(status)) in UNDECLARED_ERRORS
        ):
            declared = {"schema": {"$ref": "#/definitions/ErrorResponseBody"}}
        if declared is None:
            return [f"{where}: status not declared (declared: {', '.join(sorted(responses))})"]
        declared = self._deref(declared)
        if status == 204:
            return [] if body is None else [f"{where}: 204 must not carry a body"]
        if "schema" not in declared:
            return []
        if body is None:
            return [f"{where}: expected a JSON body"]
        if not (content_type or "").startswith("application/json"):
            return [f"{where}: Content-Type {content_type!r}, expected application/json"]
        return self._schema_errors(declared["schema"], body, where)

    # -- helpers ---------------------------------------------------------------------------

    @cached_property
    def _root(self) -> dict[str, Any]:
        return {"definitions": self.spec["definitions"], "responses": self.spec.get("responses", {})}

    def _schema_errors(self, schema: dict[str, Any], instance: Any, where: str) -> list[str]:
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            validator = self._validators[key] = Draft4Validator({**self._root, **schema})
        return [
            f"{where}: at {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
        ]

    def _deref(self, obj: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in obj and set(obj) == {"$ref"}:
            section, name = obj["$ref"].removeprefix("#/").split("/", 1)
            obj = self.spec[section][name]
        return obj

    @staticmethod
    def _strip_enum_whitespace(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("enum"), list):
                node["enum"] = [v.strip() if isinstance(v, str) else v for v in node["enum"]]
            for value in node.values():
                Contract._strip_enum_whitespace(value)
        elif isinstance(node, list):
            for value in node:
                Contract._strip_enum_whitespace(value)


def _param_key(param: dict[str, Any]) -> str:
    return param["name"].lower() if param["in"] == "header" else param["name"]


def _coerce(param: dict[str, Any], values: list[str]) -> tuple[Any, str | None]:
    """Convert raw string parameter values to the declared swagger type (adaptation 5)."""
    kind = param.get("type", "string")
    if kind == "array":
        if param.get("collectionFormat") != "multi":
            values = [part for value in values for part in value.split(",")]
        item_kind = param.get("items", {}).get("type", "string")
        converted = [_scalar(item_kind, v) for v in values]
        bad = [v for v, c in zip(values, converted) if c is _INVALID]
        return (None, f"{bad[0]!r} is not a valid {item_kind}") if bad else (converted, None)
    if len(values) > 1:
        return None, f"given {len(values)} times but is not an array"
    value = _scalar(kind, values[0])
    return (None, f"{values[0]!r} is not a valid {kind}") if value is _INVALID else (value, None)


_INVALID = object()


def _scalar(kind: str, raw: str) -> Any:
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return _INVALID
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw.lower(), _INVALID)
    return raw


# -- OpenAPI 3 (the /apis resource API of Grafana 12 and 13) --------------------------------------

APIS_STATUS_SCHEMA = "io.k8s.apimachinery.pkg.apis.meta.v1.Status"


@dataclass(frozen=True)
class ApisOperation:
    """An operation of one ``/apis`` group version. ``operation_id`` is qualified by group and version
    (``dashboard.grafana.app/v2:createDashboard``): the snapshots reuse the same operationIds in every
    version, so handlers are keyed by group + version + verb (adaptation A1 in :class:`ApisContract`)."""

    method: str
    template: str
    spec: dict[str, Any]
    pattern: re.Pattern[str]
    group: str
    version: str
    contract: ApisContract

    @property
    def operation_id(self) -> str:
        return f"{self.group}/{self.version}:{self.spec.get('operationId', self.method + ' ' + self.template)}"

    @property
    def public(self) -> bool:
        return False


class ApisContract:
    """One OpenAPI 3.0 snapshot of a Grafana API group version (``../shared/grafana/apis/*.json``).

    Adaptations (each one deliberate, listed in docs/grafana-versions.md too):

    A1. Handlers are keyed by group/version + operationId: ``listDashboard`` is the operationId of the
        v1beta1 *and* the v2 list.
    A2. Schemas are validated as JSON Schema draft 7 (OpenAPI 3.0 schema objects are a subset; no
        ``nullable`` occurs in the snapshots). ``format`` (int64, double, date-time) is not asserted.
    A3. Go union types (``GridLayoutKindOrRowsLayoutKind...``, ``StringOrArrayOfString``) appear in the
        snapshots as objects with one optional property per alternative, but Grafana's JSON marshalling
        writes the chosen alternative itself (``"layout": {"kind": "GridLayout", "spec": ...}``,
        ``"text": "All"``). Validated as written, any object would pass and every string would fail, so
        each union schema is replaced by ``anyOf`` of its alternatives; an alternative named ``XKind``
        must carry ``"kind": "X"`` (that is how Grafana tells them apart when decoding).
    A4. Error answers are Kubernetes ``Status`` objects for every operation (the generic apiserver writes
        them for 400/401/403/404/409/410/422/5xx), although the snapshots declare only 2xx responses.
    A5. Query parameters arrive as strings and are converted to the declared schema type; undeclared
        query parameters are violations (a typo in the client must not pass unnoticed).
    A6. Only ``application/json`` bodies are checked (the snapshots also declare yaml and protobuf,
        which gdash never sends).
    A7. A bare ``{"type": "object"}`` (no properties) is how kube-openapi renders Go's ``any``
        (``map[string]any`` values such as panel options, query specs, matcher options): Grafana accepts any
        JSON value there (a string, a number, a list), so such a schema accepts any value.
    A8. ``DashboardThreshold.value`` is a Go ``*float64`` whose description says "Value null means
        -Infinity" (the base step of every threshold list): ``null`` is accepted besides a number.
    """

    def __init__(self, spec_path: Path):
        self.spec: dict[str, Any] = json.loads(Path(spec_path).read_text())
        self.schemas: dict[str, Any] = self.spec["components"]["schemas"]
        self._rewrite_unions()
        self._relax_any(self.schemas)
        threshold = next((v for k, v in self.schemas.items() if k.endswith(".DashboardThreshold")), None)
        if threshold is not None:  # adaptation A8
            threshold["properties"]["value"] = {"type": ["number", "null"]}
        self._operations = self._load_operations()
        self._validators: dict[str, Any] = {}

    def _load_operations(self) -> list[ApisOperation]:
        operations = []
        for template, item in self.spec["paths"].items():
            match = re.match(r"^/apis/([^/]+)/([^/]+)/", template)
            if not match:
                continue
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method == "parameters":
                    continue
                op = dict(op, parameters=[*shared, *op.get("parameters", [])])
                regex = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
                operations.append(
                    ApisOperation(
                        method.upper(), template, op, re.compile(f"^{regex}$"), match.group(1), match.group(2), self
                    )
                )
        operations.sort(key=lambda o: (o.template.count("{"), -len(o.template)))
        return operations

    @property
    def operations(self) -> list[ApisOperation]:
        return list(self._operations)

    def find(self, method: str, path: str) -> tuple[ApisOperation, dict[str, str]] | None:
        for op in self._operations:
            if op.method == method.upper() and (match := op.pattern.match(path)):
                return op, match.groupdict()
        return None

    @classmethod
    def _relax_any(cls, node: Any) -> None:
        """Adaptation A7, in place."""
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if (
                    isinstance(value, dict)
                    and value.get("type") == "object"
                    and not (set(value) - {"type", "description", "default"})
                ):
                    node[key] = {k: v for k, v in value.items() if k != "type"}
                else:
                    cls._relax_any(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if (
                    isinstance(value, dict)
                    and value.get("type") == "object"
                    and not (set(value) - {"type", "description", "default"})
                ):
                    node[index] = {k: v for k, v in value.items() if k != "type"}
                else:
                    cls._relax_any(value)

    def _rewrite_unions(self) -> None:
        """Adaptation A3."""
        for name, schema in list(self.schemas.items()):
            short = name.rsplit(".", 1)[-1].removeprefix("Dashboard")
            props = schema.get("properties") or {}
            if "Or" not in short or not props or sorted(short.split("Or")) != sorted(props):
                continue
            alternatives = []
            for alt, alt_schema in sorted(props.items()):
                if alt.endswith("Kind") and "$ref" in alt_schema:
                    alternatives.append(
                        {
                            "allOf": [
                                alt_schema,
                                {"type": "object", "required": ["kind"], "properties": {"kind": {"const": alt[:-4]}}},
                            ]
                        }
                    )
                else:
                    alternatives.append(alt_schema)
            self.schemas[name] = {"anyOf": alternatives}

    def check_request(
        self,
        op: ApisOperation,
        path_params: dict[str, str],
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: Any,
        content_type: str | None,
    ) -> list[str]:
        where = f"request {op.method} {op.template}"
        problems: list[str] = []
        declared = {(p["in"], p["name"]): p for p in op.spec["parameters"]}
        supplied = {"path": {k: [v] for k, v in path_params.items()}, "query": query}
        for (location, name), param in declared.items():
            if location not in supplied:
                continue
            values = supplied[location].get(name)
            if values is None:
                if param.get("required"):
                    problems.append(f"{where}: missing required {location} parameter {name!r}")
                continue
            schema = param.get("schema", {})
            if len(values) > 1 and schema.get("type") != "array":
                problems.append(f"{where}: {location} parameter {name!r} given {len(values)} times")
                continue
            value = _scalar(schema.get("type", "string"), values[0])
            if value is _INVALID:
                problems.append(
                    f"{where}: {location} parameter {name!r}: {values[0]!r} is not a valid {schema.get('type')}"
                )
                continue
            problems += self._schema_errors(
                {k: v for k, v in schema.items() if k != "uniqueItems"}, value, f"{where} {location} parameter {name!r}"
            )
        for name in query:
            if ("query", name) not in declared:
                problems.append(f"{where}: undeclared query parameter {name!r}")
        request_body = op.spec.get("requestBody")
        if request_body is None:
            if body is not None:
                problems.append(f"{where}: a body was sent but the operation declares none")
        elif body is None:
            if request_body.get("required"):
                problems.append(f"{where}: missing required JSON body")
        else:
            if not (content_type or "").startswith("application/json"):
                problems.append(f"{where}: body sent as {content_type!r}, expected application/json")
            schema = request_body.get("content", {}).get("application/json", {}).get("schema")
            if schema is not None:
                problems += self._schema_errors(schema, body, f"{where} body")
        return problems

    def check_response(self, op: ApisOperation, status: int, body: Any, content_type: str | None) -> list[str]:
        where = f"response {status} to {op.method} {op.template}"
        responses = op.spec.get("responses", {})
        declared = responses.get(str(status)) or responses.get("default")
        if declared is None and status >= 400:  # adaptation A4
            declared = {
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{APIS_STATUS_SCHEMA}"}}}
            }
        if declared is None:
            return [f"{where}: status not declared (declared: {', '.join(sorted(responses))})"]
        content = declared.get("content")
        if not content:
            return [] if body is None else [f"{where}: the response declares no body"]
        if body is None:
            return [f"{where}: expected a JSON body"]
        if not (content_type or "").startswith("application/json"):
            return [f"{where}: Content-Type {content_type!r}, expected application/json"]
        schema = content.get("application/json", {}).get("schema")
        return self._schema_errors(schema, body, where) if schema else []

    def _schema_errors(self, schema: dict[str, Any], instance: Any, where: str) -> list[str]:
        from jsonschema import Draft7Validator

        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            validator = self._validators[key] = Draft7Validator({**schema, "components": {"schemas": self.schemas}})
        return [
            f"{where}: at {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
        ]

    def schema_errors(self, schema_name: str, instance: Any, where: str = "") -> list[str]:
        """Violations of a named component schema (e.g. the v2 ``DashboardSpec``) by ``instance``."""
        full = next((n for n in self.schemas if n == schema_name or n.endswith("." + schema_name)), None)
        if full is None:
            raise KeyError(schema_name)
        return self._schema_errors({"$ref": f"#/components/schemas/{full}"}, instance, where or schema_name)


class ContractSet:
    """The legacy swagger contract plus the ``/apis`` OpenAPI 3 contracts a Grafana version serves."""

    def __init__(self, legacy: Contract, apis: Sequence[ApisContract] = ()) -> None:
        self.legacy = legacy
        self.apis = list(apis)

    def find(self, method: str, path: str) -> tuple[Any, dict[str, str]] | None:
        if path.startswith("/apis/"):
            for contract in self.apis:
                found = contract.find(method, path)
                if found:
                    return found
            return None
        return self.legacy.find(method, path)

    def check_request(self, op: Any, *args: Any) -> list[str]:
        return (op.contract if isinstance(op, ApisOperation) else self.legacy).check_request(op, *args)

    def check_response(self, op: Any, *args: Any) -> list[str]:
        return (op.contract if isinstance(op, ApisOperation) else self.legacy).check_response(op, *args)

    # the legacy contract's attributes (spec, base_path, ...) stay reachable
    def __getattr__(self, name: str) -> Any:
        return getattr(self.legacy, name)
