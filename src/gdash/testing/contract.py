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
from collections.abc import Callable, Sequence
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


class _RequestCheck:
    """The request check both contract dialects share; each says what an operation declares and what
    of a request it checks."""

    def check_request(
        self,
        op: Any,
        path_params: dict[str, str],
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: Any,
        content_type: str | None,
    ) -> list[str]:
        """Violations of the operation's parameter and body declarations (empty when conforming)."""
        parameters, declared_body = self._declared(op)
        supplied = self._supplied(path_params, query, headers)
        return _request_problems(
            f"request {op.method} {op.template}",
            parameters,
            declared_body,
            supplied,
            body,
            content_type,
            self._schema_errors,
        )

    def _declared(self, op: Any) -> tuple[list[_Parameter], tuple[bool, dict[str, Any] | None] | None]:
        """The operation's non-body parameters, and its body as (required, schema) or None."""
        raise NotImplementedError

    def _supplied(
        self, path_params: dict[str, str], query: dict[str, list[str]], headers: dict[str, str]
    ) -> dict[str, dict[str, list[str]]]:
        """What the request supplied, by parameter location (locations left out are not checked)."""
        raise NotImplementedError

    def _schema_errors(self, schema: dict[str, Any], instance: Any, where: str) -> list[str]:
        raise NotImplementedError


class Contract(_RequestCheck):
    """Grafana's HTTP contract, loaded from ``api-merged.json``."""

    def __init__(self, spec_path: Path):
        self.spec: dict[str, Any] = json.loads(Path(spec_path).read_text())
        self.base_path: str = self.spec.get("basePath", "")
        self._strip_enum_whitespace(self.spec["definitions"])
        self._operations = self._load_operations()
        self._validators: dict[str, Draft4Validator] = {}

    # -- routing ---------------------------------------------------------------------------

    def _load_operations(self) -> list[Operation]:
        return [Operation(method, template, op, pattern) for method, template, op, pattern in _operations(self.spec)]

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

    def _declared(self, op: Operation) -> tuple[list[_Parameter], tuple[bool, dict[str, Any] | None] | None]:
        declared = {(p["in"], _param_key(p)): p for p in map(self._deref, op.spec["parameters"])}
        parameters = [
            _Parameter(
                location,
                key,
                param["name"],
                bool(param.get("required")),
                {k: v for k, v in param.items() if k in _PARAMETER_SCHEMA},
                param.get("collectionFormat") == "multi",
            )
            for (location, key), param in declared.items()
            if location != "body"
        ]
        body_param = next((p for (location, _), p in declared.items() if location == "body"), None)
        return parameters, None if body_param is None else (bool(body_param.get("required")), body_param["schema"])

    def _supplied(
        self, path_params: dict[str, str], query: dict[str, list[str]], headers: dict[str, str]
    ) -> dict[str, dict[str, list[str]]]:
        return {
            "path": {k: [v] for k, v in path_params.items()},
            "query": query,
            "header": {k.lower(): [v] for k, v in headers.items()},
            "formData": {},
        }

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
        return _json_body_problems(where, body, content_type, declared["schema"], self._schema_errors)

    # -- helpers ---------------------------------------------------------------------------

    @cached_property
    def _root(self) -> dict[str, Any]:
        return {"definitions": self.spec["definitions"], "responses": self.spec.get("responses", {})}

    def _schema_errors(self, schema: dict[str, Any], instance: Any, where: str) -> list[str]:
        return _validation_errors(
            self._validators, schema, lambda: Draft4Validator({**self._root, **schema}), instance, where
        )

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


def _operations(spec: dict[str, Any], prefix: str = "") -> list[tuple[str, str, dict[str, Any], re.Pattern[str]]]:
    """(method, path template, operation with its path item's parameters, path regex) of every operation
    whose template starts with ``prefix``; literal segments win over parameters (/alert-rules/export
    before /alert-rules/{UID})."""
    operations = []
    for template, item in spec["paths"].items():
        if not template.startswith(prefix):
            continue
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method == "parameters":
                continue
            op = dict(op, parameters=[*shared, *op.get("parameters", [])])
            regex = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            operations.append((method.upper(), template, op, re.compile(f"^{regex}$")))
    operations.sort(key=lambda o: (o[1].count("{"), -len(o[1])))
    return operations


# What of a swagger 2.0 parameter object is the schema its value must satisfy.
_PARAMETER_SCHEMA = ("type", "items", "enum", "minimum", "maximum", "maxLength", "minLength", "pattern")


@dataclass(frozen=True)
class _Parameter:
    """A declared non-body parameter, the same for both contract dialects."""

    location: str  # path, query, header (swagger 2.0 also formData)
    key: str  # how it is looked up in what was supplied (header names lower-cased)
    name: str  # as declared, for messages
    required: bool
    schema: dict[str, Any]  # JSON Schema of the converted value (``type`` drives the conversion)
    multi: bool  # an array arrives as the parameter repeated (else one comma-separated value)


SchemaErrors = Callable[[dict[str, Any], Any, str], list[str]]


def _request_problems(
    where: str,
    parameters: Sequence[_Parameter],
    declared_body: tuple[bool, dict[str, Any] | None] | None,
    supplied: dict[str, dict[str, list[str]]],
    body: Any,
    content_type: str | None,
    schema_errors: SchemaErrors,
) -> list[str]:
    """The one request check of both contracts: each parameter (present when required, converted to its
    type, valid against its schema; locations not in ``supplied`` are not checked), no undeclared query
    parameter, and the JSON body against ``declared_body`` ((required, schema), None: the operation
    takes no body)."""
    problems: list[str] = []
    for param in parameters:
        if param.location not in supplied:
            continue
        label = f"{param.location} parameter {param.name!r}"
        values = supplied[param.location].get(param.key)
        if values is None:
            if param.required:
                problems.append(f"{where}: missing required {label}")
            continue
        value, error = _coerce(param, values)
        if error:
            problems.append(f"{where}: {label}: {error}")
            continue
        problems += schema_errors(param.schema, value, f"{where} {label}")
    declared = {(p.location, p.key) for p in parameters}
    problems += [
        f"{where}: undeclared query parameter {name!r}" for name in supplied["query"] if ("query", name) not in declared
    ]
    if declared_body is None:
        if body is not None:
            problems.append(f"{where}: a body was sent but the operation declares none")
    elif body is None:
        if declared_body[0]:
            problems.append(f"{where}: missing required JSON body")
    else:
        if not (content_type or "").startswith("application/json"):
            problems.append(f"{where}: body sent as {content_type!r}, expected application/json")
        if declared_body[1] is not None:
            problems += schema_errors(declared_body[1], body, f"{where} body")
    return problems


def _json_body_problems(
    where: str, body: Any, content_type: str | None, schema: dict[str, Any], schema_errors: SchemaErrors
) -> list[str]:
    """A response that must carry a JSON body valid against ``schema``."""
    if body is None:
        return [f"{where}: expected a JSON body"]
    if not (content_type or "").startswith("application/json"):
        return [f"{where}: Content-Type {content_type!r}, expected application/json"]
    return schema_errors(schema, body, where)


def _validation_errors(
    cache: dict[str, Any], schema: dict[str, Any], make: Callable[[], Any], instance: Any, where: str
) -> list[str]:
    """``instance``'s violations of ``schema`` (its validator made once by ``make`` and kept in ``cache``)."""
    key = json.dumps(schema, sort_keys=True)
    validator = cache.get(key)
    if validator is None:
        validator = cache[key] = make()
    return [
        f"{where}: at {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    ]


def _coerce(param: _Parameter, values: list[str]) -> tuple[Any, str | None]:
    """Convert raw string parameter values to the declared type (adaptations 5 and A5)."""
    kind = param.schema.get("type", "string")
    if kind == "array":
        if not param.multi:
            values = [part for value in values for part in value.split(",")]
        item_kind = param.schema.get("items", {}).get("type", "string")
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


class ApisContract(_RequestCheck):
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
        for method, template, op, pattern in _operations(self.spec, "/apis/"):
            match = re.match(r"^/apis/([^/]+)/([^/]+)/", template)
            if match:
                operations.append(ApisOperation(method, template, op, pattern, match.group(1), match.group(2), self))
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
        entries = list(node.items()) if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in entries:
            if (
                isinstance(value, dict)
                and value.get("type") == "object"
                and not (set(value) - {"type", "description", "default"})
            ):
                node[key] = {k: v for k, v in value.items() if k != "type"}
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

    def _declared(self, op: ApisOperation) -> tuple[list[_Parameter], tuple[bool, dict[str, Any] | None] | None]:
        declared = {(p["in"], p["name"]): p for p in op.spec["parameters"]}
        parameters = [
            # OpenAPI 3 query parameters default to style form, explode true: an array repeats the parameter
            _Parameter(
                location,
                name,
                name,
                bool(param.get("required")),
                {k: v for k, v in param.get("schema", {}).items() if k != "uniqueItems"},
                True,
            )
            for (location, name), param in declared.items()
        ]
        request_body = op.spec.get("requestBody")
        declared_body = None
        if request_body is not None:
            schema = request_body.get("content", {}).get("application/json", {}).get("schema")
            declared_body = (bool(request_body.get("required")), schema)
        return parameters, declared_body

    def _supplied(
        self, path_params: dict[str, str], query: dict[str, list[str]], headers: dict[str, str]
    ) -> dict[str, dict[str, list[str]]]:
        return {"path": {k: [v] for k, v in path_params.items()}, "query": query}  # headers are not checked

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
        schema = content.get("application/json", {}).get("schema")
        return _json_body_problems(where, body, content_type, schema or {}, self._schema_errors)

    def _schema_errors(self, schema: dict[str, Any], instance: Any, where: str) -> list[str]:
        from jsonschema import Draft7Validator

        return _validation_errors(
            self._validators,
            schema,
            lambda: Draft7Validator({**schema, "components": {"schemas": self.schemas}}),
            instance,
            where,
        )

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
