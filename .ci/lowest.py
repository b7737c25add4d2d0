"""Print a pip constraints file pinning every runtime dependency to the lowest version pyproject.toml
allows, so CI proves the declared lower bounds (the `lowest-direct` resolution of uv)."""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
for requirement in project["dependencies"]:
    match = re.match(r"^([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*([^;]*)", requirement)
    if match is None:
        sys.exit(f"cannot read requirement {requirement!r}")
    name, spec = match.group(1), match.group(2)
    lower = re.search(r">=\s*([^,\s]+)", spec)
    if lower is None:
        sys.exit(f"{name}: no lower bound (>=) in pyproject.toml; declare the oldest version gdash supports")
    print(f"{name}=={lower.group(1)}")
