"""Benchmark of `gdash lint` (run by `make bench`; prints measurements and ratios, asserts nothing).

1. Rule files, gdash vs promtool on the same files, as commands the way CI runs them: the 112
   awesome-prometheus-alerts files of tests/lint/corpus/real, and one generated file of 10,000
   rules. Target (issue 13 §5): `gdash lint` not slower than `promtool check rules` (<= 1.0x), on
   CPU time (user + system, the command and its workers). Skipped with a message if promtool is
   absent (Debian package `prometheus`).
2. `gdash lint ONE_FILE` (one rule file; one 20-panel dashboard) vs `python -c pass`, wall time, run
   outside any project. Target (issue 17): <= 12x.
3. The real mixed corpus (tests/lint/corpus/real: dashboards, Prometheus and Loki rule files,
   Operator CRDs) in one `gdash lint DIR` invocation (issue 13 §5), beside promtool over its plain
   Prometheus rule files (promtool reads neither CRDs nor dashboards nor LogQL).
4. 1,000 dashboards x 20 panels x 2 PromQL queries, written once with bare grafanalib (baseline:
   build the objects, generate JSON, write the files) and once as a gdash project (load + compile +
   validate + write, i.e. `gdash build`, then lint), in this process, on CPU time. Target (issue
   17): build + lint <= 1.0x grafanalib.

Both sides of each ratio run in this run, on the same machine, alternately; the best of REPEAT runs
is used for each side to damp noise from other processes on a shared machine. Commands run with
Python's bytecode cache enabled (as installed gdash runs), after one warm-up run.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grafanalib._gen import DashboardEncoder

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (the generator shared with bench_speed.py)

from gdash.build import write_build  # noqa: E402
from gdash.config import load_config  # noqa: E402
from gdash.lint import lint_config, lint_project  # noqa: E402
from gdash.lint.engine import default_jobs  # noqa: E402
from gdash.project import load_project  # noqa: E402
from gdash.validate import validate_project  # noqa: E402

DASHBOARDS, PANELS, QUERIES, RULES = 1000, corpus.PANELS, corpus.QUERIES, 10_000
REPEAT = 2


def run_gdash(root: Path, out: Path) -> tuple[float, float, int]:
    """gdash build (load, compile, validate, write) then lint; returns (build s, lint s, findings) in CPU time."""
    start = cpu_now()
    config = load_config(root / "gdash.yaml")
    project = load_project(root, config)
    problems = validate_project(project)
    assert not problems, problems[:3]
    write_build(project, out)
    built = cpu_now()
    findings = lint_project(project, lint_config(config), jobs=default_jobs())
    return built - start, cpu_now() - built, len(findings)


# --- rule file -----------------------------------------------------------------------------------
def write_rule_file(path: Path) -> None:
    lines = ["groups:"]
    for group in range(RULES // 100):
        lines += [f"  - name: service-{group}", "    interval: 1m", "    rules:"]
        for index in range(group * 100, group * 100 + 100):
            selector = f'route="/r{index}"'
            if index % 4 == 0:
                lines += [f"      - record: route:http_requests:rate5m_{index}",
                          f"        expr: sum by (job) (rate(http_requests_total{{{selector}}}[5m]))"]
                continue
            lines += [
                f"      - alert: HighErrorRate{index}",
                f'        expr: sum by (job) (rate(http_requests_total{{status=~"5..", {selector}}}[5m]))'
                f" / sum by (job) (rate(http_requests_total{{{selector}}}[5m])) > 0.05",
                "        for: 5m",
                "        labels:",
                "          severity: critical",
                "        annotations:",
                '          summary: "High 5xx ratio on {{ $labels.job }}"',
                f"          runbook_url: https://runbooks.example.com/route-{index}",
            ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# the installed console script, as users and CI run it (`python -m gdash.cli` when there is none)
_SCRIPT = Path(sys.executable).with_name("gdash")
GDASH = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "gdash.cli"]


def timed_command(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall s, CPU s of the command and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=ENV, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):  # 1: the files have findings
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stdout[-500:]}{result.stderr[-500:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def compare(label: str, ours: list[str], theirs: list[str], target: float, *, repeat: int = REPEAT,
            cpu: bool = True, cwd: Path | None = None) -> None:
    """Run both commands alternately ``repeat`` times (after a warm-up) and print the best ratio."""
    timed_command(ours, cwd)
    timed_command(theirs, cwd)
    runs_ours, runs_theirs = [], []
    for _ in range(repeat):
        runs_ours.append(timed_command(ours, cwd))
        runs_theirs.append(timed_command(theirs, cwd))
    index = 1 if cpu else 0
    a, b = min(r[index] for r in runs_ours), min(r[index] for r in runs_theirs)
    kind, other = ("CPU", "wall") if cpu else ("wall", "CPU")
    ratio = a / b
    other_ratio = min(r[1 - index] for r in runs_ours) / min(r[1 - index] for r in runs_theirs)
    print(f"  {label}: {a:.3f} s vs {b:.3f} s {kind}: {ratio:.2f}x ({other} {other_ratio:.2f}x) "
          f"(target <= {target:g}x: {'met' if ratio <= target else 'MISSED'})")


def rule_files(tmp_path: Path, promtool: str | None) -> None:
    real = Path(__file__).resolve().parents[1] / "tests" / "lint" / "corpus" / "real"
    awesome = sorted((real / "awesome-prometheus-alerts").glob("*.yml"))
    rule_file = tmp_path / "rules.yml"
    write_rule_file(rule_file)
    print(f"rule files (compared: CPU time of the command and its workers, best of {REPEAT + 1}; gdash runs with its "
          f"default --jobs {default_jobs()}, which spreads a file over 1 MB over the workers; wall-time ratio in brackets):")
    if promtool is None:
        print("  promtool not found: skipping the promtool ratios (install the Debian package `prometheus`)")
        return
    compare(f"gdash lint vs promtool check rules, {len(awesome)} awesome-prometheus-alerts files",
            [*GDASH, "lint", *map(str, awesome)], [promtool, "check", "rules", *map(str, awesome)], 1.0,
            repeat=REPEAT + 1)
    compare(f"gdash lint vs promtool check rules, one file of {RULES:,} rules "
            f"({rule_file.stat().st_size // 1024} KiB)",
            [*GDASH, "lint", str(rule_file)], [promtool, "check", "rules", str(rule_file)], 1.0)


def one_file(tmp_path: Path) -> None:
    real = Path(__file__).resolve().parents[1] / "tests" / "lint" / "corpus" / "real"
    rules = real / "awesome-prometheus-alerts" / "host-and-hardware-node-exporter.yml"
    dashboard = tmp_path / "dashboard.json"
    text = json.dumps(corpus.grafanalib_dashboard(0).to_json_data(), cls=DashboardEncoder, sort_keys=True, indent=2)
    dashboard.write_text(text + "\n", encoding="utf-8")
    outside = tmp_path / "outside"  # no gdash.yaml: the command reads no project configuration
    outside.mkdir()
    print("one file, wall time vs `python -c pass` (best of 10):")
    python_pass = [sys.executable, "-c", "pass"]
    for label, path in (("a rule file (host-and-hardware-node-exporter.yml)", rules), ("a 20-panel dashboard", dashboard)):
        compare(f"gdash lint ONE_FILE, {label}", [*GDASH, "lint", str(path)], python_pass, 12,
                repeat=10, cpu=False, cwd=outside)


def mixed_corpus(promtool: str | None) -> None:
    real = Path(__file__).resolve().parents[1] / "tests" / "lint" / "corpus" / "real"
    files = sorted(p for p in real.rglob("*") if p.suffix in (".json", ".yaml", ".yml") and p.name != "labels.yaml")
    plain_rules = [p for p in files if p.parent.name == "awesome-prometheus-alerts"
                   or p.name in ("alerts.yaml", "rules.yaml")]
    print(f"real mixed corpus: {len(files)} files ({sum(p.stat().st_size for p in files) // 1024} KiB), one invocation")
    runs = [timed_command([*GDASH, "lint", str(real)]) for _ in range(REPEAT + 1)]
    print(f"  gdash lint DIR (all {len(files)} files): {min(r[0] for r in runs):.2f} s wall, "
          f"{min(r[1] for r in runs):.2f} s CPU")
    if promtool is not None:
        runs = [timed_command([promtool, "check", "rules", *map(str, plain_rules)]) for _ in range(REPEAT + 1)]
        print(f"  promtool check rules ({len(plain_rules)} plain rule files; gdash reads {len(files) - len(plain_rules)} "
              f"more): {min(r[0] for r in runs):.2f} s wall, {min(r[1] for r in runs):.2f} s CPU")


def cpu_now() -> float:
    """CPU s of this process and of its waited-for children (lint's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def dashboards(tmp_path: Path) -> None:
    print(f"dashboards: {DASHBOARDS} x {PANELS} panels x {QUERIES} queries; lint workers: {default_jobs()}; "
          f"CPU time, best of {REPEAT}")
    baseline, builds, lints = [], [], []
    root = tmp_path / "project"
    corpus.write_project(root, DASHBOARDS)
    for attempt in range(REPEAT):
        start = cpu_now()
        corpus.run_grafanalib(tmp_path / f"grafanalib-{attempt}", DASHBOARDS)
        baseline.append(cpu_now() - start)
        build_s, lint_s, findings = run_gdash(root, tmp_path / f"build-{attempt}")
        builds.append(build_s)
        lints.append(lint_s)
    totals = [build + lint for build, lint in zip(builds, lints)]
    print(f"  bare grafanalib JSON generation: {min(baseline):7.2f} s")
    print(f"  gdash build:                     {min(builds):7.2f} s")
    print(f"  gdash lint ({findings} findings):       {min(lints):7.2f} s")
    ratio = min(totals) / min(baseline)
    print(f"  ratio gdash build + lint / grafanalib: {ratio:.2f}x (target <= 1.0x: {'met' if ratio <= 1.0 else 'MISSED'})")
    print(f"  ratio gdash lint alone / grafanalib:   {min(lints) / min(baseline):.2f}x")


def main() -> None:
    promtool = shutil.which("promtool")
    with tempfile.TemporaryDirectory(prefix="gdash-bench-lint-") as tmp:
        tmp_path = Path(tmp)
        sections = set(sys.argv[1:]) or {"rules", "one", "mixed", "dashboards"}  # e.g. `bench_lint.py rules one`
        if "rules" in sections:
            rule_files(tmp_path, promtool)
        if "one" in sections:
            one_file(tmp_path)
        if "mixed" in sections:
            mixed_corpus(promtool)
        if "dashboards" in sections:
            dashboards(tmp_path)


if __name__ == "__main__":
    main()
