"""One read of a live Prometheus' HTTP API, failing as one ConfigError line (``gdash lint --prometheus``).

Shared by the live series check (:mod:`gdash.livecheck.series`) and the metric types read for the
counter rules (:mod:`gdash.lint.metadata`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from ..errors import ConfigError


def api_get(url: str, path: str, api: str, accept: Callable[[Any], bool], *, timeout: float = 10.0) -> Any:
    """The JSON body of ``GET url + path`` on the Prometheus at ``url``.

    One-line :class:`ConfigError` for an url that is not http(s), no answer within ``timeout``
    seconds, a failed connection, or an answer that is not HTTP 200 with a JSON body ``accept``
    takes (``api`` names the endpoint in that message: "the metadata API").
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"invalid Prometheus url {url!r}", hint="use the server's root url, e.g. http://localhost:9090"
        )
    try:
        response = requests.get(url.rstrip("/") + path, timeout=(min(timeout, 5.0), timeout))
    except requests.Timeout:
        raise ConfigError(
            f"cannot reach Prometheus at {url}: no answer within {timeout:g} s",
            hint="check the url, or raise --prometheus-timeout",
        ) from None
    except requests.RequestException as error:
        reason = "connection failed" if isinstance(error, requests.ConnectionError) else type(error).__name__
        raise ConfigError(
            f"cannot reach Prometheus at {url}: {reason}",
            hint="check the url and that Prometheus is running (`curl URL/-/ready`)",
        ) from None
    try:
        body = response.json()
    except ValueError:  # requests' JSONDecodeError is one
        body = None
    if response.status_code != 200 or not accept(body):
        raise ConfigError(
            f"Prometheus at {url} answered HTTP {response.status_code} to the {api} API",
            hint=f"is {url} a Prometheus server (or a Prometheus-compatible API root)?",
        )
    return body
