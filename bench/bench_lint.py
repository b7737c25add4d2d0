"""Benchmark of `gdash lint` (run by `make bench`; prints measurements and ratios, asserts nothing).

1. A synthetic corpus of 1,000 dashboards x 20 panels x 2 PromQL queries, written once with bare
   grafanalib (baseline: build the objects, generate JSON, write the files) and once as a gdash
   project (load + compile + validate + write, i.e. `gdash build`, then lint). Target: <= 1.5x.
3. The real mixed corpus (tests/lint/corpus/real: dashboards, Prometheus and Loki rule files,
   Operator CRDs) in one `gdash lint DIR` invocation, beside `promtool check rules` over the plain
   Prometheus rule files among them (promtool reads neither CRDs nor dashboards nor LogQL).
2. One Prometheus rule file of 10,000 rules: `gdash lint FILE` vs `promtool check rules FILE`, both
   run as commands the way CI runs them. Target: <= 2x. Skipped with a message if promtool is absent
   (Debian package `prometheus`).

Both sides of each ratio run in this process's run, on the same machine, one after the other; the
best of REPEAT runs is used for each side to damp noise from other processes on a shared machine.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (the generator shared with bench_speed.py)

from gdash.config import load_config  # noqa: E402
from gdash.build import write_build  # noqa: E402
from gdash.lint import lint_config, lint_project  # noqa: E402
from gdash.lint.engine import default_jobs  # noqa: E402
from gdash.project import load_project  # noqa: E402
from gdash.validate import validate_project  # noqa: E402

DASHBOARDS, PANELS, QUERIES, RULES = 1000, corpus.PANELS, corpus.QUERIES, 10_000
REPEAT = 2


def run_gdash(root: Path, out: Path) -> tuple[float, float, int]:
    """gdash build (load, compile, validate, write) then lint; returns (build s, lint s, findings)."""
    start = time.perf_counter()
    config = load_config(root / "gdash.yaml")
    project = load_project(root, config)
    problems = validate_project(project)
    assert not problems, problems[:3]
    write_build(project, out)
    built = time.perf_counter()
    findings = lint_project(project, lint_config(config), jobs=default_jobs())
    return built - start, time.perf_counter() - built, len(findings)


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


def timed_command(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stdout[-500:]}{result.stderr[-500:]}")
    return elapsed


def best(runs: list[float]) -> float:
    return min(runs)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gdash-bench-lint-") as tmp:
        tmp_path = Path(tmp)
        print(f"corpus: {DASHBOARDS} dashboards x {PANELS} panels x {QUERIES} queries; "
              f"lint workers: {default_jobs()}; best of {REPEAT}")
        baseline, builds, lints = [], [], []
        root = tmp_path / "project"
        corpus.write_project(root, DASHBOARDS)
        for attempt in range(REPEAT):
            start = time.perf_counter()
            corpus.run_grafanalib(tmp_path / f"grafanalib-{attempt}", DASHBOARDS)
            baseline.append(time.perf_counter() - start)
            build_s, lint_s, findings = run_gdash(root, tmp_path / f"build-{attempt}")
            builds.append(build_s)
            lints.append(lint_s)
        totals = [b + l for b, l in zip(builds, lints)]
        print(f"  bare grafanalib JSON generation: {best(baseline):7.2f} s")
        print(f"  gdash build:                     {best(builds):7.2f} s")
        print(f"  gdash lint ({findings} findings):       {best(lints):7.2f} s")
        ratio = best(totals) / best(baseline)
        print(f"  ratio gdash build + lint / grafanalib: {ratio:.2f}x (target <= 1.5x: {'met' if ratio <= 1.5 else 'MISSED'})")
        print(f"  ratio gdash lint alone / grafanalib:   {best(lints) / best(baseline):.2f}x")

        rule_file = tmp_path / "rules.yml"
        write_rule_file(rule_file)
        print(f"rule file: {RULES} rules ({rule_file.stat().st_size // 1024} KiB)")
        gdash = [sys.executable, "-m", "gdash.cli", "lint", str(rule_file)]
        lint_runs = [timed_command(gdash) for _ in range(REPEAT)]
        print(f"  gdash lint FILE:          {best(lint_runs):7.2f} s")
        promtool = shutil.which("promtool")
        if promtool is None:
            print("  promtool not found: skipping the promtool ratio (install the Debian package `prometheus`)")
            return
        promtool_runs = [timed_command([promtool, "check", "rules", str(rule_file)]) for _ in range(REPEAT)]
        print(f"  promtool check rules FILE: {best(promtool_runs):7.2f} s")
        ratio = best(lint_runs) / best(promtool_runs)
        print(f"  ratio gdash lint / promtool check rules: {ratio:.2f}x (target <= 2x: {'met' if ratio <= 2 else 'MISSED'})")
        mixed_corpus(promtool)


def mixed_corpus(promtool: str) -> None:
    corpus = Path(__file__).resolve().parents[1] / "tests" / "lint" / "corpus" / "real"
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".json", ".yaml", ".yml") and p.name != "labels.yaml")
    plain_rules = [p for p in files if p.parent.name == "awesome-prometheus-alerts"
                   or p.name in ("alerts.yaml", "rules.yaml")]
    print(f"real mixed corpus: {len(files)} files ({sum(p.stat().st_size for p in files) // 1024} KiB)")
    lint_runs = [timed_command([sys.executable, "-m", "gdash.cli", "lint", str(corpus)]) for _ in range(REPEAT)]
    print(f"  gdash lint DIR (all {len(files)} files):          {best(lint_runs):7.2f} s")
    promtool_runs = [timed_command([promtool, "check", "rules", *map(str, plain_rules)]) for _ in range(REPEAT)]
    print(f"  promtool check rules ({len(plain_rules)} plain rule files): {best(promtool_runs):7.2f} s")
    print(f"  ratio: {best(lint_runs) / best(promtool_runs):.2f}x (gdash reads {len(files) - len(plain_rules)} more files)")


if __name__ == "__main__":
    main()
