"""No-op `gdash push` of 1,000 dashboards vs a naive sequential GET + POST loop, same emulator, same run.

The emulator adds 20 ms of latency to every request (a Grafana across a network). Targets: gdash is
>= 10x faster than the naive loop and makes <= 1 request per 100 unchanged dashboards.

    python bench/bench_push.py [--dashboards 1000] [--latency 0.02]
"""
from __future__ import annotations

import argparse
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
    args = parser.parse_args()
    if not SPEC.is_file():
        print(f"skipped: Grafana's OpenAPI description not found at {SPEC}")
        return 0

    with tempfile.TemporaryDirectory() as tmp, GrafanaEmulator(SPEC, Faults()) as grafana:
        grafana.add_token(TOKEN)
        grafana.add_datasource("prom", "Prometheus")
        env = Environment(name="bench", url=grafana.url, credentials=BearerToken(TOKEN),
                          datasources={"prometheus": "prom"}, concurrency=8)
        proj = project(Path(tmp), args.dashboards)
        assert not push(proj, env).failures, "initial push failed"
        grafana.faults.latency = args.latency

        grafana.clear_log()
        started = time.perf_counter()
        result = push(proj, env)
        gdash_seconds = time.perf_counter() - started
        gdash_requests, gdash_writes = len(grafana.exchanges), len(grafana.writes())
        assert not result.failures and result.plan.counts()["unchanged"] == args.dashboards

        folder_uids = {f.title: f.uid for f in grafana.grafana.org(1).folders.values()}
        grafana.clear_log()
        started = time.perf_counter()
        naive_loop(grafana.url, proj, folder_uids)
        naive_seconds = time.perf_counter() - started
        naive_requests = len(grafana.exchanges)
        assert not grafana.violations, grafana.violations[:3]

    with tempfile.TemporaryDirectory() as tmp:
        apis_seconds, apis_requests, apis_writes, apis_caught = apis_noop(args.dashboards, args.latency, Path(tmp))

    ratio = naive_seconds / gdash_seconds
    per_100 = gdash_requests / args.dashboards * 100
    print(f"no-op push of {args.dashboards} dashboards, {args.latency * 1000:.0f} ms latency per request")
    print(f"  gdash push : {gdash_seconds:7.2f} s  {gdash_requests:5d} requests ({gdash_writes} writes)")
    print(f"  naive loop : {naive_seconds:7.2f} s  {naive_requests:5d} requests (GET + POST per dashboard)")
    print(f"  /apis (13) : {apis_seconds:7.2f} s  {apis_requests:5d} requests ({apis_writes} writes), verified from "
          f"metadata; UI edit caught: {'yes' if apis_caught else 'NO'} (target <= 30 requests)")
    print(f"  ratio      : {ratio:7.1f}x faster (target >= 10x)")
    print(f"  requests   : {per_100:7.2f} per 100 unchanged dashboards (target <= 1)")
    apis_ok = apis_requests <= 30 and apis_writes == 0 and apis_caught
    return 0 if ratio >= 10 and per_100 <= 1 and gdash_writes == 0 and apis_ok else 1


if __name__ == "__main__":
    sys.exit(main())
