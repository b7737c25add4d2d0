"""Fuzz suite (issue 15): seeded broken inputs of every kind through the real CLI.

Each case must end with exit code 0, 1 or 2, print no traceback and no internal error, and finish
within a time bound. ``make test`` runs a sample (about a minute); ``make fuzz`` runs more:
``GDASH_FUZZ_CASES`` (cases per kind), ``GDASH_FUZZ_SEED``, ``GDASH_FUZZ_TIME_BOUND`` (seconds).

The CLI runs in-process (click's runner), so thousands of cases take minutes, not hours; a few
cases also run as a real subprocess to check what a user's shell sees.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdash.cli import INTERNAL_ERROR, main
from .generators import KINDS, Case

CASES = int(os.environ.get("GDASH_FUZZ_CASES", "25"))
SEED = int(os.environ.get("GDASH_FUZZ_SEED", "0"))
TIME_BOUND = float(os.environ.get("GDASH_FUZZ_TIME_BOUND", "10"))
HANG = 60  # seconds after which a case is interrupted (SIGALRM) and reported as a hang


class _Hang(BaseException):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Hang()


def run_case(case: Case, directory: Path) -> list[str]:
    """Write the case's files, run each command; the problems found (empty: the case passed)."""
    for relpath, data in case.files.items():
        path = directory / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    problems = []
    runner = CliRunner()
    for command in case.commands:
        args = [part.replace("{dir}", str(directory)) for part in command]
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(HANG)
        start = time.perf_counter()
        try:
            result = runner.invoke(main, args, catch_exceptions=True, env={"GDASH_KILL_AT": ""})
        except _Hang:
            problems.append(f"gdash {' '.join(command)}: no answer after {HANG} s")
            continue
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        elapsed = time.perf_counter() - start
        output = result.output
        where = f"gdash {' '.join(command)}"
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(f"{where}: raised {type(result.exception).__name__}: {result.exception}"[:500])
        if result.exit_code not in (0, 1, 2):
            problems.append(f"{where}: exit code {result.exit_code}")
        if "Traceback" in output or INTERNAL_ERROR in output:
            problems.append(f"{where}: {_explain(runner, args, output)}")
        if elapsed > TIME_BOUND:
            problems.append(f"{where}: took {elapsed:.1f} s (bound {TIME_BOUND} s)")
    return problems


def _explain(runner: CliRunner, args: list[str], output: str) -> str:
    """The error line, and where in gdash it was raised (rerun with --debug for the traceback)."""
    lines = [line for line in output.splitlines() if line.startswith("error:") or "Error" in line]
    first = (lines or output.strip().splitlines() or [""])[0][:300]
    debug = runner.invoke(main, ["--debug", *args], catch_exceptions=True).output
    frames = [line.strip() for line in debug.splitlines() if line.strip().startswith("File ")]
    inside = [frame for frame in frames if "/gdash/" in frame]
    return f"{first} [at {(inside or frames or ['?'])[-1][:200]}]"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_fuzz(kind, tmp_path):
    rng = random.Random(f"{SEED}:{kind}")
    failures: list[str] = []
    codes: Counter = Counter()
    for index in range(CASES):
        case = KINDS[kind](rng)
        directory = tmp_path / f"case-{index}"
        directory.mkdir()
        problems = run_case(case, directory)
        codes["failed" if problems else "ok"] += 1
        if problems:
            kept = tmp_path.parent / "fuzz-failures" / kind / f"seed{SEED}-case{index}"
            if kept.exists():
                shutil.rmtree(kept)
            shutil.copytree(directory, kept, symlinks=True)
            failures.append(f"case {index} (kept in {kept}): " + "; ".join(problems))
        shutil.rmtree(directory, ignore_errors=True)
    assert not failures, f"{len(failures)} of {CASES} {kind} cases failed (seed {SEED}):\n" + "\n".join(failures[:20])


def test_fuzzed_cases_through_a_real_subprocess(tmp_path, gdash):
    """What a user's shell sees: exit codes 0/1/2 and no traceback, for a few cases of each kind."""
    rng = random.Random(f"{SEED}:subprocess")
    for kind in sorted(KINDS):
        case = KINDS[kind](rng)
        directory = tmp_path / kind
        for relpath, data in case.files.items():
            (directory / relpath).parent.mkdir(parents=True, exist_ok=True)
            (directory / relpath).write_bytes(data)
        args = [part.replace("{dir}", str(directory)) for part in case.commands[0]]
        result = gdash(*args, cwd=directory)
        assert result.returncode in (0, 1, 2), (kind, result.returncode, result.stderr[-500:])
        assert "Traceback" not in result.stderr + result.stdout, (kind, result.stderr[-2000:])
