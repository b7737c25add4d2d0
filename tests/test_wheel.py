"""The built wheel works on its own: installed into a fresh virtual environment outside this repository,
`gdash --version`, `gdash init`, `gdash build`, `gdash lint` and `gdash test` succeed, and the wheel
carries the data files (schemas, scaffold, preview assets) the commands read."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import gdash

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
                   check=True, capture_output=True, text=True)
    (built,) = out.glob("gdash_grafana-*.whl")
    return built


def test_wheel_is_named_and_versioned_from_one_source(wheel: Path) -> None:
    assert wheel.name.startswith(f"gdash_grafana-{gdash.__version__}-py3-none-any")
    names = zipfile.ZipFile(wheel).namelist()
    assert "gdash/py.typed" in names
    assert any(n.startswith("gdash/scaffold/files/") for n in names)
    assert any(n.endswith(".schema.json") for n in names)
    assert not any(n.startswith(("tests/", "dashboards/", "alerts/")) for n in names)


def test_wheel_installs_and_runs_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    if shutil.which("promtool") is None:
        pytest.skip("promtool not installed (Debian package prometheus)")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, capture_output=True, text=True)
    project = tmp_path / "monitoring"
    project.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(bin_dir / "gdash"), *args], cwd=project, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"gdash {' '.join(args)}: {result.stdout}{result.stderr}"
        assert "Traceback" not in result.stderr
        return result

    assert run("--version").stdout.strip().endswith(gdash.__version__)
    run("init")
    run("build")
    assert any((project / "build" / "dashboards").rglob("*.json"))
    run("lint")
    run("test")
    where = subprocess.run([str(bin_dir / "python"), "-c", "import gdash; print(gdash.__file__)"],
                           cwd=project, env=env, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where, "the wheel's gdash must be the one imported, not this checkout"
