"""Verified no-op `gdash push` of 1,000 dashboards vs a naive sequential GET + POST loop, same emulator, same run.

A verified no-op reads every live dashboard once (legacy HTTP API: no list carries the models) and
compares it with the local one through the drift policy; nothing is written. The emulator runs in its
own process and adds 20 ms of latency to every request (a Grafana across a network). Targets: gdash is >= 15x faster than the
naive loop, with at most one read per unchanged dashboard (plus a constant: search, folders, user)
and no write.

    python bench/bench_push.py [--dashboards 1000] [--latency 0.02] [--concurrency 8]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import requests

from gdash.config import Config
from gdash.errors import Location
from gdash.model import CompiledDashboard, Project
from gdash.sync.client import BearerToken
from gdash.sync.environment import Environment
from gdash.sync.push import push
from gdash.testing import Faults, GrafanaEmulator

SPEC = Path(__file__).resolve().parents[1] / ".." / "shared" / "grafana" / "api-spec-v11.4.0" / "api-merged.json"
TOKEN = "glsa_bench"


def project(root: Path, count: int) -> Project:
    dashboards = []
    for i in range(count):
        uid = f"bench-{i:05d}"
        model = {"uid": uid, "title": f"Bench {i:05d}", "schemaVersion": 39, "tags": ["bench"],
                 "panels": [{"id": 1, "type": "timeseries", "title": "Rate",
                             "datasource": {"type": "prometheus", "uid": "gdash:prometheus"},
                             "targets": [{"refId": "A", "expr": f"rate(requests_total{{shard=\"{i}\"}}[5m])"}],
                             "gridPos": {"x": 0, "y": 0, "w": 24, "h": 8}}]}
        dashboards.append(CompiledDashboard(uid, model["title"], f"Team {i % 10}", model, Location("bench")))
    return Project(root=root, config=Config(), dashboards=dashboards, rule_groups=[])


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


def serve(spec: Path, conn) -> None:
    """The emulator in its own process (a Grafana across the network does not share gdash's CPU or GIL),
    driven over a pipe: ("latency", s), ("clear",), ("stats",), ("folders",), ("stop",)."""
    with GrafanaEmulator(spec, Faults()) as grafana:
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
            else:
                conn.send(None)
                return


def apis_noop(count: int, latency: float, root: Path) -> tuple[float, int, int, bool]:
    """Verified no-op push through /apis (emulated Grafana 13.2): seconds, requests, writes, and whether
    a UI save of one dashboard among them is then caught (as a conflict) by the same kind of push."""
    with GrafanaEmulator(SPEC, Faults(), mode="13.2") as grafana:
        grafana.add_token(TOKEN)
        grafana.add_datasource("prom", "Prometheus")
        env = Environment(name="bench-apis", url=grafana.url, credentials=BearerToken(TOKEN),
                          datasources={"prometheus": "prom"}, concurrency=8)
        proj = project(root, count)
        assert not push(proj, env).failures, "initial /apis push failed"
        grafana.faults.latency = latency
        grafana.clear_log()
        started = time.perf_counter()
        result = push(proj, env)
        seconds = time.perf_counter() - started
        requests_, writes = len(grafana.exchanges), len(grafana.writes())
        assert not result.failures and result.plan.counts()["unchanged"] == count
        edited = proj.dashboards[count // 2].uid
        with grafana.grafana.lock:
            grafana.apis.ui_save(grafana.grafana.org(1), edited, lambda model: model.update(title="UI edit"))
        caught = [a.key for a in push(proj, env, dry_run=True).plan.actions if a.verb == "conflict"] == [edited]
        assert not grafana.violations, grafana.violations[:3]
    return seconds, requests_, writes, caught


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

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(target=serve, args=(SPEC.resolve(), theirs), daemon=True)
    server.start()

    def ask(*command):
        ours.send(command)
        return ours.recv()

    url = ours.recv()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = Environment(name="bench", url=url, credentials=BearerToken(TOKEN),
                              datasources={"prometheus": "prom"}, concurrency=args.concurrency)
            proj = project(Path(tmp), args.dashboards)
            assert not push(proj, env).failures, "initial push failed"
            ask("latency", args.latency)

            ask("clear")
            started = time.perf_counter()
            result = push(proj, env)
            gdash_seconds = time.perf_counter() - started
            gdash = ask("stats")
            assert not result.failures and result.plan.counts()["unchanged"] == args.dashboards

            folder_uids = ask("folders")
            ask("clear")
            started = time.perf_counter()
            naive_loop(url, proj, folder_uids)
            naive_seconds = time.perf_counter() - started
            naive = ask("stats")
            assert not naive["violations"] and not gdash["violations"], (naive["violations"], gdash["violations"])
    finally:
        ask("stop")
        server.join(5)

    with tempfile.TemporaryDirectory() as tmp:
        apis_seconds, apis_requests, apis_writes, apis_caught = apis_noop(args.dashboards, args.latency, Path(tmp))

    ratio = naive_seconds / gdash_seconds
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"verified no-op push of {args.dashboards} dashboards, {args.latency * 1000:.0f} ms latency per request, "
          f"concurrency {args.concurrency} (load average {load:.1f} on {os.cpu_count()} CPUs)")
    print(f"  gdash push : {gdash_seconds:7.2f} s  {gdash['requests']:5d} requests ({gdash['reads']} dashboard reads, "
          f"{gdash['writes']} writes), {result.plan.verified} objects verified")
    print(f"  naive loop : {naive_seconds:7.2f} s  {naive['requests']:5d} requests (GET + POST per dashboard)")
    print(f"  /apis (13) : {apis_seconds:7.2f} s  {apis_requests:5d} requests ({apis_writes} writes), verified from "
          f"the list's metadata; UI edit caught: {'yes' if apis_caught else 'NO'} (target <= 30 requests)")
    print(f"  ratio      : {ratio:7.1f}x faster (target >= 15x)")
    apis_ok = apis_requests <= 30 and apis_writes == 0 and apis_caught
    return 0 if ratio >= 15 and gdash["reads"] <= args.dashboards and gdash["writes"] == 0 and apis_ok else 1


if __name__ == "__main__":
    sys.exit(main())
