"""A small Grafana HTTP client: one requests.Session, auth from the environment, retries that are safe.

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

import logging
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth
from urllib3.util.retry import Retry

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


class BearerToken(AuthBase):
    """``Authorization: Bearer <token>``; the token never appears in repr() or str()."""

    def __init__(self, token: str):
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerToken(<redacted>)"


class BasicAuth(HTTPBasicAuth):
    def __repr__(self) -> str:
        return f"BasicAuth({self.username!r}, <redacted>)"


class _Retry(Retry):
    """urllib3's Retry, except that POSTs are retried on statuses that prove nothing was processed,
    and that a Retry-After longer than RETRY_AFTER_MAX is cut short (a CI job should not sleep for an hour)."""

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

    def urllib3(self) -> Retry:
        # "connection refused" mostly means a wrong url: retry it only briefly (enough for a restart)
        return _Retry(
            total=self.attempts, connect=min(self.attempts, 2), read=self.attempts, status=self.attempts, other=0,
            allowed_methods=IDEMPOTENT_METHODS, status_forcelist=RETRY_STATUSES,
            backoff_factor=self.backoff, backoff_max=self.backoff_max, backoff_jitter=self.jitter,
            respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False,
        )


class GrafanaClient:
    """JSON calls to one Grafana organisation. Errors become one-line :class:`SyncError` messages."""

    def __init__(
        self,
        url: str,
        auth: AuthBase,
        *,
        org_id: int | None = None,
        verify: bool | str = True,
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy = RetryPolicy(),
        pool_size: int = 8,
        auth_hint: str = "check the token",
    ):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.auth_hint = auth_hint
        self.session = requests.Session()
        self.session.auth = auth
        self.session.verify = verify
        # passed with every request too: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a
        # session's verify (Session.merge_environment_settings), but not a request's own ca_cert/False
        self.verify = verify
        self.session.headers.update({"Accept": "application/json", "User-Agent": "gdash"})
        if org_id is not None:
            self.session.headers["X-Grafana-Org-Id"] = str(org_id)
        adapter = HTTPAdapter(max_retries=retry.urllib3(), pool_connections=1, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

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

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        where = f"{method} {self.url}{path}"
        try:
            response = self.session.request(method, self.url + path, timeout=self.timeout, verify=self.verify, **kwargs)
        except requests.exceptions.SSLError:
            raise SyncError(f"TLS verification failed for {self.url}",
                            hint="set tls.ca_cert to the CA bundle that signed Grafana's certificate "
                                 "(or tls.verify: false for a test server)") from None
        except requests.exceptions.ConnectTimeout:
            raise SyncError(f"timed out connecting to {self.url}", hint="check the url and the network") from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as error:
            if method == "POST":
                raise AmbiguousWrite(f"{where}: {_transport_problem(error)}") from None
            raise SyncError(f"{where}: {_transport_problem(error)}",
                            hint="check the url, that Grafana is running, and the environment's timeout") from None
        except requests.exceptions.InvalidURL:
            raise SyncError(f"invalid Grafana url {self.url!r}", hint="use e.g. https://grafana.example.com") from None
        except OSError as error:  # requests: "Could not find a suitable TLS CA certificate bundle"
            raise SyncError(f"{where}: {error}", hint="check tls.ca_cert (and REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE) "
                                                      "in gdash.yaml and the environment") from None
        log.debug("%s %s -> %s", method, path, response.status_code)
        if response.status_code >= 400:
            raise self._http_error(method, where, response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise SyncError(f"{where}: the answer is not JSON (is {self.url} a Grafana server?)",
                            hint="the url must be Grafana's root url, without /api") from None

    def _http_error(self, method: str, where: str, response: requests.Response) -> SyncError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        message = body.get("message") or response.reason or "error"
        status = response.status_code
        if status == 401:
            return HttpError(status, f"{where}: Grafana rejected the credentials (401 {message})", hint=self.auth_hint)
        if status == 403:
            return HttpError(status, f"{where}: permission denied (403 {message})",
                             hint="the service account needs the Editor role for dashboards and folders, "
                                  "Admin for alerting provisioning")
        if method == "POST" and status in (500, 502, 504):
            return AmbiguousWrite(f"{where}: {status} {message}")
        return HttpError(status, f"{where}: {status} {message}", body.get("status"))


def _transport_problem(error: Exception) -> str:
    text = str(error)
    for marker, problem in (("Connection refused", "connection refused"), ("Read timed out", "read timed out"),
                            ("Connection reset", "connection reset"), ("RemoteDisconnected", "connection closed"),
                            ("Name or service not known", "unknown host"), ("nodename nor servname", "unknown host"),
                            ("Max retries exceeded", "no answer after retries")):
        if marker in text:
            return problem
    return type(error).__name__
