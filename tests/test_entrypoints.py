"""`python -m gdash` is the same CLI as the `gdash` script."""
from __future__ import annotations

import subprocess
import sys

from gdash import __version__


def test_python_dash_m_gdash_runs_the_cli(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gdash", "--version"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"gdash, version {__version__}"
