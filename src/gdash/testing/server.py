"""The Grafana emulator's HTTP side: a threaded server on 127.0.0.1 with auth, orgs, faults and the contract.

Every exchange goes through :class:`gdash.testing.contract.Contract`; violations are collected in
:attr:`GrafanaEmulator.violations` (the test fixtures fail on any) and a non-conforming request is
answered 400, so client code that breaks the contract also fails on its own.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .apis import ResourceApi
from .contract import ApisContract, ApisOperation, Contract, ContractSet
from .faults import Fault, Faults
from .grafana import ApiError, Call, Grafana

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROLES = ("Viewer", "Editor", "Admin")


@dataclass(frozen=True)
class Principal:
    roles: dict[int, str]  # org id -> role
    default_org: int
    login: str = "admin"
    identity: str = "user:admin"  # as Grafana 12+ writes it in grafana.app/createdBy / updatedBy


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    query: str
    status: int | None  # None when the connection was dropped
    operation: str | None
    fault: str | None = None

    @property
    def write(self) -> bool:
        return self.method in WRITE_METHODS


class GrafanaEmulator:
    """Start with ``with GrafanaEmulator(spec_path) as grafana:``; ``grafana.url`` is its base URL.

    ``mode`` picks the Grafana release emulated ("11.4", "12.2", "12.3", "13.0", "13.2"): from 12 on the
    ``/apis`` resource API is served as well (``testing/apis.py``), checked against the OpenAPI 3
    snapshots in ``apis_dir`` (default: ``apis/`` next to the swagger file's folder); from 12.2 on v1
    dashboards are normalised on every write (``normalize_on_save`` forces that in any mode)."""

    def __init__(
        self,
        spec_path: Path,
        faults: Faults | None = None,
        *,
        mode: str = "11.4",
        apis_dir: Path | None = None,
        normalize_on_save: bool = False,
    ):
        self.grafana = Grafana(mode, normalize_on_save=normalize_on_save)
        self.apis = ResourceApi(self.grafana)
        apis_dir = Path(apis_dir) if apis_dir else Path(spec_path).resolve().parent.parent / "apis"
        served = []
        if self.grafana.at_least(12):
            served += ["dashboard.grafana.app-v1beta1.json", "folder.grafana.app-v1.json"]
        if self.grafana.at_least(13):
            served += ["dashboard.grafana.app-v2.json"]
        self.contract = ContractSet(Contract(spec_path), [ApisContract(apis_dir / name) for name in served])
        self.faults = faults or Faults()
        self.violations: list[str] = []
        self.exchanges: list[Exchange] = []
        self._tokens: dict[str, Principal] = {}
        self._users: dict[tuple[str, str], Principal] = {}
        self._log_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.redirects: list[tuple[str, str, int, str]] = []  # (method, path prefix, status, Location)

    # -- set-up helpers (what an admin would do in the UI) ---------------------------------

    def add_token(
        self,
        token: str,
        *,
        org_id: int = 1,
        role: str = "Admin",
        login: str = "sa-1-gdash",
        identity: str | None = None,
    ) -> None:
        """A service-account token; ``login`` is what Grafana records as the writer (``updatedBy``) on the
        classic API, ``identity`` (default ``service-account:<login>``) what the resource API records."""
        self._tokens[token] = Principal({org_id: role}, org_id, login, identity or f"service-account:{login}")
        self.grafana.org(org_id)

    def add_user(self, login: str, password: str, roles: dict[int, str]) -> None:
        self._users[(login, password)] = Principal(dict(roles), min(roles), login, f"user:{login}")
        for org_id in roles:
            self.grafana.org(org_id)

    def add_datasource(self, uid: str, name: str, type_: str = "prometheus", *, org_id: int = 1) -> None:
        with self.grafana.lock:
            self.grafana.org(org_id).datasources[uid] = {
                "id": len(self.grafana.org(org_id).datasources) + 1,
                "uid": uid,
                "orgId": org_id,
                "name": name,
                "type": type_,
                "typeLogoUrl": "",
                "access": "proxy",
                "url": "http://127.0.0.1:9090",
                "user": "",
                "database": "",
                "basicAuth": False,
                "isDefault": False,
                "jsonData": {},
                "readOnly": False,
                "version": 1,
                "withCredentials": False,
                "secureJsonFields": {},
            }

    def redirect(self, method: str, path: str, status: int, location: str) -> None:
        """Answer ``method`` requests under ``path`` with a redirect (a proxy or load balancer in front)."""
        self.redirects.append((method, path, status, location))

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "emulator not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"  # type: ignore[str-bytes-safe]  # typeshed allows bytes (AF_UNIX); this is TCP

    def start(self, host: str = "127.0.0.1", port: int = 0) -> GrafanaEmulator:
        """Serve on ``host:port`` (port 0: a free one, read it back from :attr:`url`)."""
        emulator = self

        class Handler(_Handler):
            pass

        Handler.emulator = emulator
        self._server = _Server((host, port), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="grafana-emulator", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> GrafanaEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- observation ----------------------------------------------------------------------

    def writes(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.write]

    def clear_log(self) -> None:
        with self._log_lock:
            self.exchanges.clear()

    def record(self, exchange: Exchange, violations: Sequence[str] = ()) -> None:
        with self._log_lock:
            self.exchanges.append(exchange)
            self.violations.extend(violations)

    def authenticate(self, header: str | None) -> Principal | None:
        scheme, _, credentials = (header or "").partition(" ")
        if scheme.lower() == "bearer":
            return self._tokens.get(credentials.strip())
        if scheme.lower() == "basic":
            try:
                login, _, password = base64.b64decode(credentials).decode().partition(":")
            except ValueError:
                return None
            return self._users.get((login, password))
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # dropped connections are part of the fault injection, not errors


class _Handler(BaseHTTPRequestHandler):
    emulator: GrafanaEmulator
    protocol_version = "HTTP/1.1"
    server_version = "Grafana-emulator"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms delayed-ACK stalls

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _serve(self) -> None:
        emulator = self.emulator
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if emulator.faults.latency:
            time.sleep(emulator.faults.latency)
        found = emulator.contract.find(self.command, url.path)
        op_name = found[0].operation_id if found else None
        for method, prefix, status, location in emulator.redirects:
            if method == self.command and url.path.startswith(prefix):
                emulator.record(Exchange(self.command, url.path, url.query, status, op_name, "redirect"))
                return self._send(status, None, {"Location": location + url.path[len(prefix) :]})
        fault = emulator.faults.pick(self.command, url.path)
        request, rejected = self._parse(found, url, raw)  # the request is checked even if a fault strikes
        if fault and not fault.after_processing:
            return self._fail(fault, url, op_name, rejected[2] if rejected else [])
        status, body, violations = rejected or self._process(*(request or ()))  # one of the two is set
        if fault:
            return self._fail(fault, url, op_name, violations)
        emulator.record(Exchange(self.command, url.path, url.query, status, op_name), violations)
        self._send(status, body, {})

    def _parse(self, found: Any, url: Any, raw: bytes) -> tuple[tuple | None, tuple | None]:
        """``(op, Call)`` for a request that keeps to the contract, else an answer with its violations."""
        where = f"{self.command} {url.path}"
        if found is None:
            return None, (404, {"message": "Not found"}, [f"{where}: no such operation in Grafana's API description"])
        op, raw_params = found
        path_params = {name: unquote(value) for name, value in raw_params.items()}
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return None, (400, {"message": "bad request data"}, [f"{where}: request body is not JSON"])
        query = parse_qs(url.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        violations = self.emulator.contract.check_request(
            op,
            path_params,
            query,
            {k: v for k, v in headers.items() if k.startswith("x-")},
            body,
            self.headers.get("Content-Type"),
        )
        if violations:
            return None, (400, {"message": "bad request data"}, violations)
        return (op, Call(path_params, query, headers, body)), None

    def _process(self, op: Any, call: Call) -> tuple[int, Any, list[str]]:
        grafana = self.emulator.grafana
        try:
            org_id, call.user, call.role = (1, "", "Viewer") if op.public else self._authorize(op)
        except ApiError as refused:
            if isinstance(op, ApisOperation):  # the apiserver answers a Kubernetes Status
                refused.body = {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "metadata": {},
                    "status": "Failure",
                    "message": refused.body["message"],
                    "code": refused.status,
                    "reason": "Unauthorized" if refused.status == 401 else "Forbidden",
                }
            return self._checked(op, refused.status, refused.body)
        principal = self.emulator.authenticate(self.headers.get("Authorization"))
        if principal is not None:
            call.identity = principal.identity
        handlers = self.emulator.apis.handlers if isinstance(op, ApisOperation) else grafana.handlers
        handler = handlers.get(op.operation_id)
        if handler is None:
            return (
                501,
                {"message": "not implemented"},
                [f"{self.command} {op.template}: emulator does not implement {op.operation_id}"],
            )
        with grafana.lock:
            try:
                status, answer = handler(grafana.org(org_id), call)
            except ApiError as error:
                status, answer = error.status, error.body
        return self._checked(op, status, answer)

    def _authorize(self, op: Any) -> tuple[int, str, str]:
        """The organisation the request acts on and the principal's login; ApiError 401/403 like Grafana's
        auth middleware."""
        principal = self.emulator.authenticate(self.headers.get("Authorization"))
        if principal is None:
            raise ApiError(401, "Invalid API key")
        org_header = self.headers.get("X-Grafana-Org-Id")
        org_id = int(org_header) if org_header and org_header.isdigit() else principal.default_org
        role = principal.roles.get(org_id)
        if role is None:
            raise ApiError(401, f"user is not a member of organization {org_id}")
        needed = "Admin" if "/v1/provisioning/" in op.template else "Editor"
        if self.command in WRITE_METHODS and ROLES.index(role) < ROLES.index(needed):
            raise ApiError(403, f"You'll need additional permissions ({needed})")
        return org_id, principal.login, role

    def _checked(self, op: Any, status: int, body: Any) -> tuple[int, Any, list[str]]:
        content_type = "application/json" if body is not None else None
        return status, body, self.emulator.contract.check_response(op, status, body, content_type)

    def _fail(self, fault: Fault, url: Any, op_name: str | None, violations: list[str]) -> None:
        status = int(fault.kind) if fault.kind.isdigit() else None
        self.emulator.record(Exchange(self.command, url.path, url.query, status, op_name, fault.kind), violations)
        if fault.kind == "timeout":
            time.sleep(self.emulator.faults.timeout_seconds)
        if fault.kind in ("reset", "timeout"):
            self.close_connection = True
            try:  # an RST instead of an orderly FIN, like a crashed proxy
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            except OSError:
                pass
            return
        headers = {"Retry-After": str(self.emulator.faults.retry_after)} if fault.kind == "429" else {}
        self._send(int(fault.kind), {"message": "injected fault"}, headers)

    def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
        payload = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
