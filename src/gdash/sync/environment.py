"""Target environments: gdash.yaml ``environments:`` entries, or an ad-hoc ``--url`` with GRAFANA_TOKEN."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..config import Config
from ..errors import ConfigError, Location
from .client import BasicAuth, BearerToken, GrafanaClient, RetryPolicy

AD_HOC_TOKEN_ENV = "GRAFANA_TOKEN"
DEFAULT_DEADLINE = 300.0
GRAFANA_TARGETS = ("auto", "11", "12", "13")  # environment `grafana:` (see sync/target.py)


@dataclass(frozen=True)
class Environment:
    name: str
    url: str
    credentials: Any = field(repr=False)  # BearerToken or BasicAuth; never printed
    auth_hint: str = ""
    org_id: int | None = None
    folder: str | None = None
    datasources: Mapping[str, str] = field(default_factory=dict)
    verify: bool | str = True
    timeout: tuple[float, float] = (5.0, 30.0)
    concurrency: int = 16  # parallel requests (a verified no-op reads every dashboard)
    nested_folders: bool = False
    retry: RetryPolicy = RetryPolicy()
    deadline: float | None = DEFAULT_DEADLINE  # seconds for the whole run, retries included
    ad_hoc: bool = False  # --url: logical datasources without a mapping are resolved against the live Grafana
    grafana: str = "auto"  # auto | 11 | 12 | 13: which Grafana the environment runs (auto: ask /api/health)
    namespace: str | None = None  # /apis namespace; default from org_id ("default", "org-<id>")
    dashboard_schema: str | None = None  # v1 | v2: default for dashboards that set no schema= (compile/v2.py)

    def client(self) -> GrafanaClient:
        return GrafanaClient(
            self.url,
            self.credentials,
            org_id=self.org_id,
            verify=self.verify,
            timeout=self.timeout,
            retry=self.retry,
            pool_size=self.concurrency,
            auth_hint=self.auth_hint,
            deadline=self.deadline,
        )


def resolve_environment(
    config: Config,
    name: str | None = None,
    url: str | None = None,
    *,
    datasources: Mapping[str, str] | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Environment:
    """The environment selected by ``--env NAME`` or ``--url URL``; one-line ConfigErrors otherwise."""
    if bool(name) == bool(url):
        raise ConfigError(
            "choose the target Grafana with exactly one of --env NAME or --url URL",
            hint="e.g. `gdash push --env prod`, or `GRAFANA_TOKEN=... gdash push --url http://localhost:3000`",
        )
    extra = dict(datasources or {})
    if url:
        token = environ.get(AD_HOC_TOKEN_ENV)
        if not token:
            raise ConfigError(
                f"environment variable {AD_HOC_TOKEN_ENV} is not set",
                hint=f"--url reads the service-account token from ${AD_HOC_TOKEN_ENV}",
            )
        url = _check_url(url, None)
        return Environment(
            name=_url_name(url),
            url=url,
            credentials=BearerToken(token),
            auth_hint=f"check that ${AD_HOC_TOKEN_ENV} holds a valid service-account token for {url}",
            datasources=extra,
            ad_hoc=True,
        )

    assert name  # exactly one of name/url is given, and --url returned above
    where = Location(str(config.path)) if config.path else None
    raw = config.environment(name)
    if not raw.get("url"):
        raise ConfigError(f"environment {name!r} has no url", location=where, hint="add `url: https://grafana...`")
    credentials, hint = _credentials(name, raw, environ, where)
    tls = raw.get("tls") or {}
    verify = _verify(tls)
    timeout = raw.get("timeout", 30)
    return Environment(
        name=name,
        url=_check_url(str(raw["url"]), where),
        credentials=credentials,
        auth_hint=hint,
        org_id=int(raw["org_id"]) if raw.get("org_id") is not None else None,
        folder=raw.get("folder"),
        datasources={**(raw.get("datasources") or {}), **extra},
        verify=verify,
        timeout=(min(float(timeout), 10.0), float(timeout)),
        concurrency=max(1, int(raw.get("concurrency", 16))),
        nested_folders=bool(raw.get("nested_folders", False)),
        retry=RetryPolicy(
            attempts=int(raw.get("retries", 5)),
            backoff=float(raw.get("backoff", 0.5)),
            jitter=float(raw.get("backoff", 0.5)),
        ),
        deadline=float(raw.get("deadline", DEFAULT_DEADLINE)) or None,
        grafana=_grafana_target(name, raw, where),
        namespace=str(raw["namespace"]) if raw.get("namespace") else None,
        dashboard_schema=_dashboard_schema(name, raw, where),
    )


def _dashboard_schema(name: str, raw: dict[str, Any], where: Location | None) -> str | None:
    value = raw.get("dashboard_schema")
    if value is None:
        return None
    if value not in ("v1", "v2"):
        raise ConfigError(
            f"environment {name!r}: dashboard_schema: {value!r} is not a dashboard schema",
            location=where,
            hint="use v1 (classic JSON) or v2 (elements + layout, Grafana 13)",
        )
    return str(value)


def _grafana_target(name: str, raw: dict[str, Any], where: Location | None) -> str:
    value = str(raw.get("grafana", "auto")).strip().lower()
    value = value.split(".")[0] if value[:2].isdigit() else value  # 12.2 -> 12: the major picks the API
    if value not in GRAFANA_TARGETS:
        raise ConfigError(
            f"environment {name!r}: grafana: {raw.get('grafana')!r} is not a supported target",
            location=where,
            hint="use `grafana: auto` (ask the server), 11, 12 or 13",
        )
    return value


def _credentials(name: str, raw: dict[str, Any], environ: Mapping[str, str], where: Location | None) -> tuple[Any, str]:
    def secret(key: str, what: str) -> tuple[str, str]:
        """(variable name, its value) of the setting ``key``; one line when the variable is not set."""
        var = raw[key]
        if not environ.get(var):
            raise ConfigError(
                f"environment variable {var} ({key} of environment {name!r}) is not set",
                location=where,
                hint=f"export {var}=<{what}>",
            )
        return var, environ[var]

    if raw.get("token_env"):
        var, token = secret("token_env", "service-account token")
        return BearerToken(token), f"check that ${var} holds a valid service-account token for {raw['url']}"
    if raw.get("user") and raw.get("password_env"):
        var, password = secret("password_env", f"password of {raw['user']}")
        return BasicAuth(raw["user"], password), f"check user {raw['user']!r} and the password in ${var}"
    raise ConfigError(
        f"environment {name!r} has no credentials",
        location=where,
        hint="add `token_env: NAME_OF_VARIABLE` (service-account token) or `user` + `password_env`",
    )


def _check_url(url: str, where: Location | None) -> str:
    parts = urlsplit(url)
    try:
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"invalid Grafana url {url!r}",
            location=where,
            hint="use the server's root url, e.g. https://grafana.example.com",
        )
    if parts.username or parts.password:
        # never echo the url: it holds a secret
        raise ConfigError(
            "the Grafana url contains credentials",
            location=where,
            hint="remove user:password@ from the url; use token_env or user + password_env",
        )
    return url.rstrip("/")


def _url_name(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or 'grafana'}-{parts.port}" if parts.port else (parts.hostname or "grafana")


def _verify(tls: Mapping[str, Any]) -> bool | str:
    """gdash.yaml's ``ca_cert`` and ``verify: false`` win; otherwise the usual bundle variables apply.

    The client ignores the environment otherwise (``trust_env`` off: no netrc or proxies), so the
    variables requests would read are honoured here, in requests' own order.
    """
    if tls.get("ca_cert"):
        return str(tls["ca_cert"])
    if tls.get("verify", True) is False:
        return False
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
