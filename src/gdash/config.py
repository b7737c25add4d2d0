"""gdash.yaml: the project configuration (default folder, environments, lint settings)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, Location

CONFIG_NAME = "gdash.yaml"
_KNOWN_KEYS = {"default_folder", "environments", "lint", "provision", "alerting"}
ENVIRONMENT_KEYS = {"url", "token_env", "user", "password_env", "org_id", "folder", "datasources", "tls", "timeout",
                    "concurrency", "nested_folders", "retries", "backoff"}


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
            raise ConfigError(f"environment {name!r} is not defined in gdash.yaml", location=where,
                              hint=f"defined environments: {known}; add it under `environments:`")
        raw = self.environments[name] or {}
        if not isinstance(raw, dict):
            raise ConfigError(f"environment {name!r} must be a mapping", location=where,
                              hint="give it keys such as url, token_env, org_id, datasources")
        unknown = sorted(set(raw) - ENVIRONMENT_KEYS)
        if unknown:
            raise ConfigError(f"environment {name!r} has unknown key {unknown[0]!r}", location=where,
                              hint=f"known keys: {', '.join(sorted(ENVIRONMENT_KEYS))}")
        return raw


def load_config(path: Path, *, required: bool = False) -> Config:
    """Read gdash.yaml; a missing file is an empty config unless ``required``."""
    if not path.exists():
        if required:
            raise ConfigError(f"config file {path} does not exist", hint="pass --config with an existing file")
        return Config(path=None, raw={})
    try:
        import yaml  # here, not at import time: commands that read no config skip it

        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            f"invalid YAML: {problem}",
            location=Location(str(path), mark.line + 1 if mark else None),
            hint="fix the YAML syntax at that line",
        ) from None
    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping at the top level", location=Location(str(path), 1),
                          hint="gdash.yaml holds keys such as default_folder, environments and lint")
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r}", location=Location(str(path)),
                          hint=f"known keys: {', '.join(sorted(_KNOWN_KEYS))}")
    return Config(path=path, raw=raw)
