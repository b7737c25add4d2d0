"""A small Grafana HTTP client: one urllib3 pool, auth from the environment, retries that are safe.

urllib3 directly, not requests: a verified no-op push reads a thousand dashboards, and requests'
per-request preparation (merging settings, hooks, cookie jars, its own URL parsing) cost about a
millisecond of CPU each, half of the push's client CPU. What requests added is done here once:
proxies and the CA-bundle variables are read from the environment at construction, the auth header
is built once, and JSON bodies are encoded as requests did (``allow_nan=False``).

Retry policy (why each request may or may not be repeated):

* GET, HEAD, PUT and DELETE are idempotent: repeating them leaves Grafana in the same state. urllib3's
  ``Retry`` repeats them on connection errors, read timeouts, resets and on 429/500/502/503/504, with
  exponential backoff plus jitter, honouring ``Retry-After`` on 429 and 503 (up to 60 s). (A repeated
  DELETE may answer 404; callers treat that as done.)
* POST (creating a folder or saving a dashboard) is not idempotent: a save that reached Grafana but
  whose answer was lost would, if replayed, fail with 412 ``version-mismatch`` or create a duplicate.
  POSTs are therefore repeated only when Grafana certainly did not act on them: when the connection
  could not be opened, and on 429 and 503, which a server sends *instead of* processing a request.
  Any other failure of a POST (reset, read timeout, 500/502/504) is ambiguous and raised as
  :class:`AmbiguousWrite`; the push then reads the object back and decides (see ``push.py``).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit
from urllib.request import getproxies, proxy_bypass

import urllib3
from urllib3 import exceptions as u3
from urllib3.util import make_headers
from urllib3.util.retry import Retry

from .. import safeload
from ..errors import GdashError

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = (429, 500, 502, 503, 504)
REJECTED_WITHOUT_PROCESSING = (429, 503)
RETRY_AFTER_MAX = 60.0


class SyncError(GdashError):
    """Talking to Grafana failed (network, TLS, authentication, an unexpected answer)."""

    exit_code = 1


class HttpError(SyncError):
    """Grafana answered with an error status."""

    def __init__(self, status: int, message: str, reason: str | None = None, *, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.status = status
        self.reason = reason


class AmbiguousWrite(SyncError):
    """A POST failed in a way that does not tell whether Grafana applied it."""


class BearerToken:
    """``Authorization: Bearer <token>``; the token never appears in repr() or str()."""

    def __init__(self, token: str):
        self._token = token

    def header(self) -> str:
        return f"Bearer {self._token}"

    def __repr__(self) -> str:
        return "BearerToken(<redacted>)"


class BasicAuth:
    """``Authorization: Basic ...`` (user and password); the password never appears in repr() or str()."""

    def __init__(self, username: str, password: str):
        self.username, self.password = username, password

    def header(self) -> str:
        return "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()

    def __repr__(self) -> str:
        return f"BasicAuth({self.username!r}, <redacted>)"


class DeadlineExceeded(Exception):
    """The run's overall deadline would pass before the next attempt (raised from a retry's sleep)."""


class _Retry(Retry):
    """urllib3's Retry, except that POSTs are retried on statuses that prove nothing was processed,
    that a Retry-After longer than RETRY_AFTER_MAX is cut short (a CI job should not sleep for an hour),
    that every retry is reported (one line on stderr) and that no sleep runs past the run's deadline."""

    reporter: Callable[[str], None] | None = None
    deadline: float | None = None  # time.monotonic() value
    attempts: int = 0

    def sleep(self, response: Any = None) -> None:
        seconds = None
        if self.respect_retry_after_header and response is not None:
            seconds = self.get_retry_after(response)
        if seconds is None:
            seconds = self.get_backoff_time()
        if self.deadline is not None and time.monotonic() + seconds >= self.deadline:
            raise DeadlineExceeded()
        if self.reporter is not None and self.history:
            last = self.history[-1]
            why = str(last.status) if last.status else _transport_problem(last.error) if last.error else "error"
            path = urlsplit(last.url or "").path or (last.url or "")
            self.reporter(
                f"retrying {last.method} {path} ({why}), attempt {len(self.history) + 1}/"
                f"{self.attempts + 1} in {seconds:.1f} s"
            )
        if seconds > 0:
            time.sleep(seconds)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST":
            return bool(self.total) and status_code in REJECTED_WITHOUT_PROCESSING
        return super().is_retry(method, status_code, has_retry_after)

    def get_retry_after(self, response: Any) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, RETRY_AFTER_MAX)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    backoff: float = 0.5  # seconds; doubles per attempt, capped at backoff_max
    backoff_max: float = 20.0
    jitter: float = 0.5  # up to this many seconds are added at random, so parallel workers spread out

    def urllib3(self, *, reporter: Callable[[str], None] | None = None, deadline: float | None = None) -> Retry:
        # "connection refused" mostly means a wrong url: retry it only briefly (enough for a restart)
        retry_class = type(
            "_RunRetry",
            (_Retry,),
            {"reporter": staticmethod(reporter) if reporter else None, "deadline": deadline, "attempts": self.attempts},
        )
        return retry_class(
            total=self.attempts,
            connect=min(self.attempts, 2),
            read=self.attempts,
            status=self.attempts,
            other=0,
            allowed_methods=IDEMPOTENT_METHODS,
            status_forcelist=RETRY_STATUSES,
            backoff_factor=self.backoff,
            backoff_max=self.backoff_max,
            backoff_jitter=self.jitter,
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
            redirect=0,
        )


def stderr_reporter(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


MAX_REDIRECTS = 5
READ_METHODS = frozenset({"GET", "HEAD"})


class GrafanaClient:
    """JSON calls to one Grafana organisation. Errors become one-line :class:`SyncError` messages."""

    def __init__(
        self,
        url: str,
        auth: BearerToken | BasicAuth,
        *,
        org_id: int | None = None,
        verify: bool | str = True,
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy = RetryPolicy(),
        pool_size: int = 8,
        auth_hint: str = "check the token",
        deadline: float | None = None,
        on_retry: Callable[[str], None] | None = stderr_reporter,
    ):
        """``deadline``: seconds this client may spend in total (one overall deadline per run, retries
        included); ``on_retry`` gets one line per retry (default: stderr)."""
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.auth_hint = auth_hint
        self.deadline_seconds = deadline
        self.deadline = time.monotonic() + deadline if deadline else None
        self._secrets: set[str] = set()
        for value in _credential_values(auth):
            self.add_secret(value)
        if verify is True:  # gdash.yaml says nothing: the bundle variables apply, as with requests
            verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self.verify = verify
        self.headers = {"Accept": "application/json", "User-Agent": "gdash", **make_headers(accept_encoding=True)}
        self.headers["Authorization"] = auth.header()
        if org_id is not None:
            self.headers["X-Grafana-Org-Id"] = str(org_id)
        tls: dict[str, Any] = {"cert_reqs": "CERT_NONE"} if verify is False else {"cert_reqs": "CERT_REQUIRED"}
        if isinstance(verify, str):
            tls["ca_cert_dir" if os.path.isdir(verify) else "ca_certs"] = verify
        options = {"num_pools": 1, "maxsize": pool_size, **tls}
        options["retries"] = retry.urllib3(reporter=on_retry, deadline=self.deadline)
        proxy = _environ_proxy(self.url)  # read once: every request goes to this one origin (redirects too)
        if proxy:
            auth_part = urlsplit(proxy).username
            headers = make_headers(proxy_basic_auth=_proxy_userinfo(proxy)) if auth_part else None
            self.pool: urllib3.PoolManager = urllib3.ProxyManager(proxy, proxy_headers=headers, **options)
        else:
            self.pool = urllib3.PoolManager(**options)

    def add_secret(self, value: str) -> None:
        """Never show ``value`` (a credential, a webhook url) in an error message, even if a server echoes it."""
        if isinstance(value, str) and len(value) >= 4:
            self._secrets.add(value)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            for form in {secret, quote(secret, safe=""), quote(secret, safe="/:")}:
                text = text.replace(form, "[REDACTED]")
        return text

    def close(self) -> None:
        self.pool.clear()

    def get(self, path: str, **params: Any) -> Any:
        query = [(k, v) for k, v in params.items() if v is not None]  # as requests: None leaves a key out
        return self.request("GET", path + ("?" + urlencode(query, doseq=True) if query else ""))

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.request("POST", path, json=body, headers=headers)

    def put(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.request("PUT", path, json=body, headers=headers)

    def delete(self, path: str, *, missing_ok: bool = True) -> Any:
        try:
            return self.request("DELETE", path)
        except HttpError as error:
            if error.status == 404 and missing_ok:  # already gone, e.g. a retried DELETE
                return None
            raise

    def request(self, method: str, path: str, json: Any = None, headers: dict[str, str] | None = None) -> Any:
        """``path`` may carry a query; ``json``: the body, for a write."""
        where = f"{method} {self.url}{path}"
        url = self.url + path
        send_headers, body = self.headers, None
        if json is not None:
            body = _json_body(json)
            send_headers = {**self.headers, "Content-Type": "application/json"}
        if headers:
            send_headers = {**send_headers, **headers}
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(method, url, where, body, send_headers)
            if not (300 <= response.status < 400 and response.headers.get("Location")):
                break
            url = self._redirect_target(method, url, where, response)
        else:
            raise SyncError(f"{where}: more than {MAX_REDIRECTS} redirects", hint="check the url")
        log.debug("%s %s -> %s", method, path, response.status)
        if response.status >= 400:
            raise self._http_error(method, where, response)
        if not response.data:
            return None
        try:
            return safeload.load_json(response.data, where)  # bounded: depth, integer size (a hostile server)
        except safeload.InputError as error:
            if error.message.startswith(("invalid JSON", "not UTF-8")):
                raise SyncError(
                    f"{where}: the answer is not JSON (is {self.url} a Grafana server?)",
                    hint="the url must be Grafana's root url, without /api",
                ) from None
            raise SyncError(
                f"{where}: Grafana's answer is refused: {error.message}",
                hint="the server sent JSON beyond gdash's limits; check that the url is your Grafana",
            ) from None

    def _send(
        self, method: str, url: str, where: str, body: bytes | None, headers: dict[str, str]
    ) -> urllib3.BaseHTTPResponse:
        timeout = self.timeout
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise self._deadline_error(where)
            timeout = (min(timeout[0], remaining), min(timeout[1], remaining))
        try:
            return self.pool.urlopen(
                method,
                url,
                body=body,
                headers=headers,
                redirect=False,
                timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]),
            )
        except DeadlineExceeded:
            raise self._deadline_error(where) from None
        except (u3.MaxRetryError, u3.SSLError, u3.ConnectTimeoutError, u3.ProtocolError, u3.ReadTimeoutError) as error:
            cause = error.reason if isinstance(error, u3.MaxRetryError) else error
            if isinstance(cause, u3.SSLError):
                if isinstance(self.verify, str) and not os.path.exists(self.verify):
                    raise SyncError(
                        f"{where}: Could not find a suitable TLS CA certificate bundle, invalid path: {self.verify}",
                        hint="check tls.ca_cert (and REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE) in gdash.yaml and the "
                        "environment",
                    ) from None
                raise SyncError(
                    f"TLS verification failed for {self.url}",
                    hint="set tls.ca_cert to the CA bundle that signed Grafana's certificate "
                    "(or tls.verify: false for a test server)",
                ) from None
            # (urllib3's NewConnectionError, e.g. a refused connection, is a ConnectTimeoutError)
            if isinstance(cause, u3.ConnectTimeoutError) and not isinstance(cause, u3.NewConnectionError):
                raise SyncError(f"timed out connecting to {self.url}", hint="check the url and the network") from None
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise self._deadline_error(where) from None
            if method == "POST":
                raise AmbiguousWrite(f"{where}: {_transport_problem(error)}") from None
            raise SyncError(
                f"{where}: {_transport_problem(error)}",
                hint="check the url, that Grafana is running, and the environment's timeout",
            ) from None
        except u3.LocationValueError:
            raise SyncError(f"invalid Grafana url {self.url!r}", hint="use e.g. https://grafana.example.com") from None
        except (u3.HTTPError, OSError) as error:
            raise SyncError(
                f"{where}: {error}",
                hint="check tls.ca_cert (and REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE) in gdash.yaml and the environment",
            ) from None

    def _redirect_target(self, method: str, url: str, where: str, response: urllib3.BaseHTTPResponse) -> str:
        """Where a redirect of a read may go (same origin only); redirects of writes are errors.

        A write is never replayed: a 307/308 would re-send the body (secrets included) and a 301/302
        would turn it into a GET that silently does nothing."""
        target = urljoin(url, response.headers["Location"])
        status = response.status
        shown = self.redact(target)
        if method not in READ_METHODS:
            kind = "would re-send the request" if status in (307, 308) else "would turn the write into a GET"
            raise SyncError(
                f"{where}: Grafana answered {status} redirecting to {shown}; gdash does not follow "
                f"redirects of writes (it {kind})",
                hint=f"set the environment's url to the address Grafana really serves ({_origin_text(target)})",
            )
        if _origin(target) != _origin(url):
            raise SyncError(
                f"{where}: Grafana answered {status} redirecting to another origin, {shown}; gdash "
                "never sends requests (or credentials) to another host or port",
                hint=f"set the environment's url to {_origin_text(target)} if that is Grafana",
            )
        return target

    def _deadline_error(self, where: str) -> SyncError:
        return SyncError(
            f"{where}: the run's deadline of {self.deadline_seconds:g} s has passed",
            hint="Grafana is slow or unreachable; raise the environment's `deadline` if it is just slow",
        )

    def _http_error(self, method: str, where: str, response: urllib3.BaseHTTPResponse) -> SyncError:
        try:
            body = safeload.load_json(response.data, where) if response.data else {}  # bounded, as answers
        except safeload.InputError:
            body = {}
        body = body if isinstance(body, dict) else {}
        message = self.redact(str(body.get("message") or response.reason or "error"))
        status = response.status
        if status == 401:
            return HttpError(status, f"{where}: Grafana rejected the credentials (401 {message})", hint=self.auth_hint)
        if status == 403:
            return HttpError(
                status,
                f"{where}: permission denied (403 {message})",
                hint="the service account needs the Editor role for dashboards and folders, "
                "Admin for alerting provisioning",
            )
        if method == "POST" and status in (500, 502, 504):
            return AmbiguousWrite(f"{where}: {status} {message}")
        return HttpError(status, f"{where}: {status} {message}", body.get("status"))


def _json_body(body: Any) -> bytes:
    """A write's body, encoded as requests' ``json=`` did."""
    return json.dumps(body, allow_nan=False).encode("utf-8")


def _environ_proxy(url: str) -> str | None:
    """The proxy the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY) sets for ``url``, if any."""
    parts = urlsplit(url)
    proxies = getproxies()
    if not parts.hostname or proxy_bypass(parts.netloc) or proxies.get("no") and proxy_bypass(parts.hostname):
        return None
    return proxies.get(parts.scheme) or proxies.get("all")


def _proxy_userinfo(proxy: str) -> str:
    parts = urlsplit(proxy)
    return f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), parts.port or default)


def _origin_text(url: str) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"


def _credential_values(auth: Any) -> Iterable[str]:
    """The secret parts of an auth object, and the forms a server may echo them in."""
    token = getattr(auth, "_token", None)
    if token:
        yield token
    password = getattr(auth, "password", None)
    if password:
        user = getattr(auth, "username", "")
        yield password
        yield base64.b64encode(f"{user}:{password}".encode()).decode()


def _transport_problem(error: Exception | None) -> str:
    text = str(error)
    for marker, problem in (
        ("Connection refused", "connection refused"),
        ("Read timed out", "read timed out"),
        ("Connection reset", "connection reset"),
        ("RemoteDisconnected", "connection closed"),
        ("Name or service not known", "unknown host"),
        ("nodename nor servname", "unknown host"),
        ("Max retries exceeded", "no answer after retries"),
    ):
        if marker in text:
            return problem
    return type(error).__name__
