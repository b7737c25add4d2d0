"""Verified no-op `gdash push` of 1,000 real-sized dashboards vs a naive sequential GET + POST loop, same emulator, same run.

The dashboards are the speed benchmarks' corpus (bench/corpus.py) compiled by gdash: about 30 KiB
each, a row, 20 timeseries panels of 2 PromQL queries, 3 variables. A verified no-op reads every
live dashboard once (legacy HTTP API: no list carries the models) and compares it with the local one
through the drift policy; nothing is written. The emulator runs in its own process and adds 20 ms of
latency to every request (a Grafana across a network), so the CPU time of this process is gdash's
own (client) work. Targets (issue 17 and the push design): client CPU of the no-op push <= 1 s;
gdash >= 15x faster than the naive loop, with at most one read per unchanged dashboard (plus a
constant: search, folders, user) and no write; through /apis (Grafana 13) at most 30 requests,
and a UI edit among the 1,000 still caught.

    python bench/bench_push.py [--dashboards 1000] [--latency 0.02] [--concurrency 8]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from gdash.model import Project  # noqa: E402
from gdash.project import load_project  # noqa: E402
from gdash.sync.client import BearerToken  # noqa: E402
from gdash.sync.environment import Environment  # noqa: E402
from gdash.sync.push import push  # noqa: E402
from gdash.testing import Faults, GrafanaEmulator  # noqa: E402

SPEC = Path(__file__).resolve().parents[1] / ".." / "shared" / "grafana" / "api-spec-v11.4.0" / "api-merged.json"
TOKEN = "glsa_bench"


def project(root: Path, count: int) -> Project:
    """The corpus project, compiled (through its compile cache: a second call costs little)."""
    if not (root / "gdash.yaml").is_file():
        corpus.write_project(root, count)
    return load_project(root, cache=True, jobs=None)


def naive_loop(url: str, proj: Project, folder_uids: dict[str, str]) -> None:
    """What a simple script does: read each dashboard, then save it."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    for dashboard in proj.dashboards:
        live = session.get(f"{url}/api/dashboards/uid/{dashboard.uid}", timeout=30)
        live.raise_for_status()
        model = dict(dashboard.model, version=live.json()["dashboard"]["version"])
        body = {"dashboard": model, "folderUid": folder_uids[dashboard.folder], "overwrite": False}
        session.post(f"{url}/api/dashboards/db", json=body, timeout=30).raise_for_status()


def serve(spec: Path, mode: str, conn) -> None:
    """The emulator in its own process (a Grafana across the network does not share gdash's CPU or GIL),
    driven over a pipe: ("latency", s), ("clear",), ("stats",), ("folders",), ("ui_save", uid), ("stop",)."""
    with GrafanaEmulator(spec, Faults(), mode=mode) as grafana:
        grafana.add_token(TOKEN)
        grafana.add_datasource("prom", "Prometheus")
        conn.send(grafana.url)
        while True:
            command, *args = conn.recv()
            if command == "latency":
                grafana.faults.latency = args[0]
                conn.send(None)
            elif command == "clear":
                grafana.clear_log()
                conn.send(None)
            elif command == "stats":
                conn.send({"requests": len(grafana.exchanges), "writes": len(grafana.writes()),
                           "reads": sum(1 for e in grafana.exchanges if e.path.startswith("/api/dashboards/uid/")),
                           "violations": grafana.violations[:3]})
            elif command == "folders":
                conn.send({f.title: f.uid for f in grafana.grafana.org(1).folders.values()})
            elif command == "ui_save":  # a person edits the title in the UI
                with grafana.grafana.lock:
                    if mode == "11.4":  # a save through /api/dashboards/db by the UI's user
                        board = grafana.grafana.org(1).dashboards[args[0]]
                        grafana.grafana.save_dashboard(grafana.grafana.org(1), dict(board.model, title="UI edit"),
                                                       board.folder_uid, overwrite=False, message="UI edit")
                    else:
                        grafana.apis.ui_save(grafana.grafana.org(1), args[0], lambda m: m.update(title="UI edit"))
                conn.send(None)
            else:
                conn.send(None)
                return


class Emulator:
    """A :func:`serve` process."""

    def __init__(self, mode: str) -> None:
        self.ours, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(
            target=serve, args=(SPEC.resolve(), mode, theirs), daemon=True)
        self.process.start()
        self.url = self.ours.recv()

    def ask(self, *command):
        self.ours.send(command)
        return self.ours.recv()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc) -> None:
        self.ask("stop")
        self.process.join(5)


def timed(fn, *args, **kwargs):
    """(result, wall seconds, CPU seconds of this process: the client's own work, every thread)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def noop_push(grafana: Emulator, root: Path, env: Environment, latency: float, count: int):
    """The initial push, then a timed verified no-op push of the project loaded afresh (as a new
    `gdash push` loads it: from the compile cache, which the load's CPU time, not counted here, is
    measured by bench_speed.py's rebuild rows); then a UI edit of one dashboard, which a dry run must
    report as the only conflict. Returns (seconds, CPU seconds, stats, verified, caught)."""
    assert not push(project(root, count), env).failures, f"initial push to {env.name} failed"
    proj = project(root, count)
    grafana.ask("latency", latency)
    grafana.ask("clear")
    result, seconds, cpu = timed(push, proj, env)
    stats = grafana.ask("stats")
    assert not result.failures and result.plan.counts()["unchanged"] == count, result.plan.counts()
    assert not stats["violations"], stats["violations"]
    edited = proj.dashboards[count // 2].uid
    grafana.ask("latency", 0)
    grafana.ask("ui_save", edited)
    caught = [a.key for a in push(proj, env, dry_run=True).plan.actions if a.verb == "conflict"] == [edited]
    return seconds, cpu, stats, result.plan.verified, caught


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=Environment.concurrency,
                        help=f"the environment's concurrency (default {Environment.concurrency})")
    args = parser.parse_args()
    if not SPEC.is_file():
        print(f"skipped: Grafana's OpenAPI description not found at {SPEC}")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        proj = project(root, args.dashboards)
        size = sum(len(json.dumps(d.model)) for d in proj.dashboards) / len(proj.dashboards) / 1024
        with Emulator("11.4") as grafana:
            env = Environment(name="bench", url=grafana.url, credentials=BearerToken(TOKEN),
                              datasources={"prometheus": "prom"}, concurrency=args.concurrency)
            seconds, cpu, gdash, verified, caught = noop_push(grafana, root, env, args.latency, args.dashboards)
            folder_uids = grafana.ask("folders")
            grafana.ask("latency", args.latency)
            grafana.ask("clear")
            _, naive_seconds, naive_cpu = timed(naive_loop, grafana.url, proj, folder_uids)
            naive = grafana.ask("stats")
            assert not naive["violations"], naive["violations"]
        with Emulator("13.2") as grafana:
            env = Environment(name="bench-apis", url=grafana.url, credentials=BearerToken(TOKEN),
                              datasources={"prometheus": "prom"}, concurrency=8)
            apis_seconds, apis_cpu, apis, _, apis_caught = noop_push(grafana, root, env, args.latency, args.dashboards)

    ratio = naive_seconds / seconds
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"verified no-op push of {args.dashboards} dashboards ({size:.0f} KiB each on average), "
          f"{args.latency * 1000:.0f} ms latency per request, concurrency {args.concurrency} "
          f"(load average {load:.1f} on {os.cpu_count()} CPUs)")
    print(f"  gdash push : {seconds:7.2f} s (client CPU {cpu:5.2f} s) {gdash['requests']:5d} requests "
          f"({gdash['reads']} dashboard reads, {gdash['writes']} writes), {verified} objects verified; "
          f"UI edit caught: {'yes' if caught else 'NO'}")
    print(f"  naive loop : {naive_seconds:7.2f} s (client CPU {naive_cpu:5.2f} s) {naive['requests']:5d} requests "
          f"(GET + POST per dashboard)")
    print(f"  /apis (13) : {apis_seconds:7.2f} s (client CPU {apis_cpu:5.2f} s) {apis['requests']:5d} requests "
          f"({apis['writes']} writes), verified from the list's metadata; UI edit caught: "
          f"{'yes' if apis_caught else 'NO'} (target <= 30 requests)")
    print(f"  ratio      : {ratio:7.1f}x faster than the naive loop (target >= 15x)")
    print("| benchmark | measured | target | |")
    print("|---|---|---|---|")
    print(f"| no-op push of {args.dashboards} real-sized ({size:.0f} KiB) dashboards, client CPU | {cpu:.2f} s "
          f"(naive GET + POST loop: {naive_cpu:.2f} s; {cpu / naive_cpu:.2f}x); /apis: {apis_cpu:.2f} s | <= 1 s | "
          f"{'met' if cpu <= 1 else 'MISSED'} |")
    apis_ok = apis["requests"] <= 30 and apis["writes"] == 0 and apis_caught
    ok = ratio >= 15 and gdash["reads"] <= args.dashboards and gdash["writes"] == 0 and caught and apis_ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
