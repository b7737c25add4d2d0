"""Running the real Prometheus tools (promtool, amtool) that check what gdash exports."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..output import dump_yaml

_PACKAGES = {"promtool": "prometheus", "amtool": "prometheus-alertmanager"}


def run_tool(
    tool: str, *args: str | Path, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run ``tool`` with ``args``; a missing binary is a ConfigError naming the package that ships it."""
    binary = shutil.which(tool)
    if binary is None:
        raise ConfigError(
            f"{tool} is not installed (not found on PATH)",
            hint=f"install it, e.g. `apt-get install {_PACKAGES.get(tool, tool)}`",
        )
    try:
        return subprocess.run([binary, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ConfigError(
            f"{tool} did not finish within {timeout:g} s", hint="re-run; if it persists, run it by hand"
        ) from None


def check_rule_files(paths: list[Path]) -> str | None:
    """``promtool check rules`` on ``paths``: None when they pass, else promtool's report."""
    if not paths:
        return None
    result = run_tool("promtool", "check", "rules", *paths)
    return None if result.returncode == 0 else (result.stdout + result.stderr).strip()


def check_alertmanager_config(config: dict[str, Any], templates: str | None = None) -> str | None:
    """``amtool check-config`` on ``config`` with its ``${VAR}`` placeholders filled by valid stand-ins.

    Alertmanager cannot expand placeholders itself, so this checks what a deployment renders
    (e.g. with envsubst); None when it passes, else amtool's report. ``templates`` is the text of
    the template file the config names (``templates: [FILE]``), parsed by amtool too.
    """
    with tempfile.TemporaryDirectory(prefix="gdash-amtool-") as tmp:
        path = Path(tmp) / "alertmanager.yml"
        for name in config.get("templates") or []:
            if templates is not None and "/" not in name and "*" not in name:
                (Path(tmp) / name).write_text(templates, encoding="utf-8")
        path.write_text(dump_yaml(_stand_ins(config)), encoding="utf-8")
        result = run_tool("amtool", "check-config", path)
    return (
        None
        if result.returncode == 0
        else (result.stdout + result.stderr).replace(str(path), "alertmanager.yml").strip()
    )


def _stand_ins(node: Any, key: str = "") -> Any:
    if isinstance(node, dict):
        return {k: _stand_ins(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_stand_ins(item, key) for item in node]
    if isinstance(node, str) and "${" in node:
        if key.endswith("url"):
            return "https://placeholder.invalid/"
        return {"smtp_smarthost": "placeholder.invalid:25", "smtp_from": "alertmanager@placeholder.invalid"}.get(
            key, "placeholder"
        )
    return node
