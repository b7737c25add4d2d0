"""The synthetic corpus of the speed benchmarks: N dashboards x 20 panels x 2 PromQL queries.

Written two ways from the same numbers: a gdash project on disk (10 dashboards per source file,
one shared ``_corpus.py`` helper), and bare grafanalib (the baseline: build the objects, generate
JSON the way grafanalib's generator does, write one file per dashboard).

    python bench/corpus.py grafanalib OUT [DASHBOARDS]   # the baseline, as a command
"""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

PANELS, QUERIES, PER_FILE = 20, 2, 10


def query(d: int, p: int, q: int) -> str:
    if q == 0:
        return f'sum by (job) (rate(http_requests_total{{job=~"$job", route="/r{d}/{p}"}}[$__rate_interval]))'
    return (f'histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket'
            f'{{job=~"$job", route="/r{d}/{p}"}}[$__rate_interval])))')


HELPER = '''
from gdash import Dashboard, Row, datasource_var, prom, query_var, timeseries

PANELS, QUERIES = {panels}, {queries}


def query(d, p, q):
    if q == 0:
        return f'sum by (job) (rate(http_requests_total{{{{job=~"$job", route="/r{{d}}/{{p}}"}}}}[$__rate_interval]))'
    return (f'histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket'
            f'{{{{job=~"$job", route="/r{{d}}/{{p}}"}}}}[$__rate_interval])))')


def build(start, count):
    return [
        Dashboard(
            f"Service {{d}}", uid=f"svc-{{d}}", folder="Bench", description=f"Synthetic service {{d}}.",
            variables=[datasource_var("prometheus"), query_var("job", "label_values(up, job)"),
                       query_var("instance", "label_values(up, instance)")],
            rows=[Row("Routes", *[
                timeseries(f"Panel {{p}}", *[prom(query(d, p, q)) for q in range(QUERIES)], unit="reqps",
                           description=f"Route /r{{d}}/{{p}}.")
                for p in range(PANELS)
            ])],
        )
        for d in range(start, start + count)
    ]
'''


def write_project(root: Path, dashboards: int) -> Path:
    (root / "dashboards").mkdir(parents=True)
    (root / "gdash.yaml").write_text("lint: {}\n", encoding="utf-8")
    (root / "dashboards" / "_corpus.py").write_text(HELPER.format(panels=PANELS, queries=QUERIES), encoding="utf-8")
    for part in range((dashboards + PER_FILE - 1) // PER_FILE):
        count = min(PER_FILE, dashboards - part * PER_FILE)
        (root / "dashboards" / f"part_{part:04d}.py").write_text(textwrap.dedent(f"""
            from dashboards._corpus import build

            dashboards = build({part * PER_FILE}, {count})
        """), encoding="utf-8")
    return root


def grafanalib_dashboard(d: int):
    from grafanalib import core

    datasource = {"type": "prometheus", "uid": "${datasource}"}
    panels = [
        core.TimeSeries(
            title=f"Panel {p}", description=f"Route /r{d}/{p}.", dataSource=datasource, unit="reqps",
            targets=[core.Target(expr=query(d, p, q), refId="AB"[q], datasource=datasource) for q in range(QUERIES)],
            gridPos=core.GridPos(h=8, w=12, x=12 * (p % 2), y=8 * (p // 2)),
        )
        for p in range(PANELS)
    ]
    templating = core.Templating(list=[
        core.Template(name="datasource", query="prometheus", type="datasource"),
        core.Template(name="job", query="label_values(up, job)", dataSource=datasource),
        core.Template(name="instance", query="label_values(up, instance)", dataSource=datasource),
    ])
    return core.Dashboard(title=f"Service {d}", uid=f"svc-{d}", panels=panels, templating=templating)


def run_grafanalib(out: Path, dashboards: int) -> None:
    """What grafanalib's own generator does per dashboard (``_gen.write_dashboard``)."""
    import json

    from grafanalib._gen import DashboardEncoder

    out.mkdir(parents=True, exist_ok=True)
    for d in range(dashboards):
        text = json.dumps(grafanalib_dashboard(d).to_json_data(), cls=DashboardEncoder, sort_keys=True, indent=2)
        (out / f"svc-{d}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "grafanalib":
        raise SystemExit(__doc__)
    run_grafanalib(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1000)
