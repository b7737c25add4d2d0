"""Speed levers that must not change a byte: the compile cache, --jobs, the conversion walk, orjson."""
from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from grafanalib import core
from grafanalib._gen import DashboardEncoder

import gdash
from gdash.build import build_outputs as lazy_outputs
from gdash.cache import CACHE_DIR, CompileCache
from gdash.compile.stored import StoredDashboard, dashboard_json
from gdash.config import load_config
from gdash.grafanalib_ext import to_json
from gdash.lint import lint_config, lint_project
from gdash.output import dump_json, orjson_safe
from gdash.project import load_project
from gdash.validate import validate_project

REPO = Path(__file__).resolve().parents[1]

HELPER = '''
from gdash import Dashboard, Row, prom, stat, timeseries, datasource_var

UNIT = "{unit}"


def board(index):
    return Dashboard(
        f"Service {{index}}", uid=f"svc-{{index}}", tags=["perf"], variables=[datasource_var("prometheus")],
        rows=[Row("Traffic",
                  timeseries("Requests", prom(f'sum(rate(http_requests_total{{{{svc="{{index}}"}}}}[5m]))'), unit=UNIT),
                  stat("Up", prom(f'up{{{{svc="{{index}}"}}}}'), thresholds=[(None, "red"), (1, "green")]),
                  timeseries("Overlapping", prom("up"), unit=UNIT))],
    )
'''


def make_project(root: Path, files: int = 10, unit: str = "reqps", config: str = "default_folder: Perf\n") -> Path:
    (root / "dashboards").mkdir(parents=True, exist_ok=True)
    (root / "gdash.yaml").write_text(config, encoding="utf-8")
    (root / "dashboards" / "_helpers.py").write_text(HELPER.format(unit=unit), encoding="utf-8")
    for index in range(files):
        (root / "dashboards" / f"svc_{index:02d}.py").write_text(
            f"from dashboards._helpers import board\n\ndashboards = [board({2 * index}), board({2 * index + 1})]\n",
            encoding="utf-8")
    return root


def load(root: Path, *, cache: bool = True, jobs: int = 1):
    return load_project(root, load_config(root / "gdash.yaml"), cache=cache, jobs=jobs)


def build_outputs(project) -> dict[str, str]:
    return dict(lazy_outputs(project))


def entries(root: Path) -> set[str]:
    return {p.name for p in (root / CACHE_DIR).glob("*.entry")}


# --- the cache -----------------------------------------------------------------------------------
def test_warm_cache_is_read_not_compiled(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    cold = load(root)
    assert len(entries(root)) == 10  # one entry per source file, none for the helper
    warm = load(root)
    assert all(isinstance(d, StoredDashboard) and d.stored for d in warm.dashboards)
    assert build_outputs(warm) == build_outputs(cold)


def test_helper_module_change_invalidates(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    before = build_outputs(load(root))
    cache = CompileCache(root, load_config(root / "gdash.yaml"))
    key_before = cache.key(root / "dashboards" / "svc_00.py")
    (root / "dashboards" / "_helpers.py").write_text(HELPER.format(unit="ops"), encoding="utf-8")
    key_after = CompileCache(root, load_config(root / "gdash.yaml")).key(root / "dashboards" / "svc_00.py")
    assert key_before != key_after
    after = build_outputs(load(root))
    assert after != before
    assert after == build_outputs(load(root, cache=False))  # what the changed helper compiles to
    assert all('"unit": "ops"' in text for path, text in after.items() if path.endswith(".json"))


def test_gdash_yaml_change_invalidates(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    assert all(path.startswith("dashboards/perf/") for path in build_outputs(load(root)) if path.endswith(".json"))
    (root / "gdash.yaml").write_text("default_folder: Elsewhere\n", encoding="utf-8")
    outputs = build_outputs(load(root))
    assert all(path.startswith("dashboards/elsewhere/") for path in outputs if path.endswith(".json"))
    (root / "gdash.yaml").write_text("default_folder: Elsewhere\n# a comment\n", encoding="utf-8")
    count = len(entries(root))
    load(root)
    assert len(entries(root)) == count + 10  # any edit of gdash.yaml is a new key (conservative)


def test_gdash_version_change_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    config = load_config(root / "gdash.yaml")
    source = root / "dashboards" / "svc_00.py"
    key = CompileCache(root, config).key(source)
    load(root)
    monkeypatch.setattr(gdash, "__version__", "99.0.0")
    assert CompileCache(root, config).key(source) != key
    count = len(entries(root))
    load(root)
    assert len(entries(root)) == count + 10


def test_source_file_change_invalidates_only_that_file(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    load(root)
    before = entries(root)
    path = root / "dashboards" / "svc_03.py"
    path.write_text(path.read_text(encoding="utf-8").replace("board(7)", "board(70)"), encoding="utf-8")
    project = load(root)
    assert len(entries(root) - before) == 1
    assert "svc-70" in {d.uid for d in project.dashboards}


@pytest.mark.parametrize("code, why", [
    ("import os\nTITLE = os.environ.get('TITLE', 'x')\n", "environment"),
    ("TITLE = open(__file__).readline()\n", "file read"),
    ("import time\nTITLE = str(time.time())\n", "clock"),
    ("import yaml\nTITLE = 'x'\n", "third-party module"),
])
def test_files_whose_output_depends_on_more_than_source_get_no_key(tmp_path: Path, code: str, why: str) -> None:
    root = make_project(tmp_path / "p", files=1)
    path = root / "dashboards" / "svc_00.py"
    path.write_text(code + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert CompileCache(root, load_config(root / "gdash.yaml")).key(path) is None, why
    load(root)
    assert entries(root) == set()


def test_deleted_or_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=2)
    expected = build_outputs(load(root, cache=False))
    load(root)
    for entry in (root / CACHE_DIR).glob("*.entry"):
        entry.write_bytes(b"garbage\n")
    assert build_outputs(load(root)) == expected
    import shutil

    shutil.rmtree(root / ".gdash")
    assert build_outputs(load(root)) == expected


def test_invalid_dashboards_are_reported_and_not_cached(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=1)
    (root / "dashboards" / "svc_00.py").write_text(
        'from gdash import Dashboard\n\ndashboard = Dashboard("X", uid="x", extra={"graphTooltip": "x"})\n', encoding="utf-8")
    for _ in range(2):
        problems = validate_project(load(root))
        assert [p.path for p in problems] == ["$.graphTooltip"]
    assert entries(root) == set()


# --- determinism: workers and cache states -----------------------------------------------------
def test_same_output_and_findings_for_1_and_2_workers_cold_and_warm_cache(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=12)
    config = lint_config(load_config(root / "gdash.yaml"))
    runs = {
        "no cache, 1 worker": load(root, cache=False, jobs=1),
        "no cache, 2 workers": load(root, cache=False, jobs=2),
        "cold cache, 2 workers": load(root, cache=True, jobs=2),
        "warm cache, 1 worker": load(root, cache=True, jobs=1),
    }
    (root / CACHE_DIR / next(iter(entries(root)))).unlink()  # partly warm: one file compiled again
    runs["partly warm, 2 workers"] = load(root, cache=True, jobs=2)
    outputs = {name: build_outputs(project) for name, project in runs.items()}
    findings = {name: [str(f.__dict__) for f in lint_project(project, config)] for name, project in runs.items()}
    reference = outputs["no cache, 1 worker"]
    assert len([p for p in reference if p.endswith(".json")]) == 24
    assert all(output == reference for output in outputs.values())
    assert all(found == findings["no cache, 1 worker"] for found in findings.values())


def test_errors_are_the_same_with_workers(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=12)
    (root / "dashboards" / "svc_05.py").write_text("dashboards = [1 / 0]\n", encoding="utf-8")
    (root / "dashboards" / "svc_09.py").write_text("dashboard = None\n", encoding="utf-8")
    messages = []
    for jobs in (1, 2):
        with pytest.raises(gdash.errors.GdashError) as caught:
            load(root, jobs=jobs)
        messages.append(caught.value.one_line())
    assert messages[0] == messages[1] == "dashboards/svc_05.py:1: ZeroDivisionError: division by zero"


def test_duplicate_uids_across_files_are_found_after_parallel_compile(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=12)
    (root / "dashboards" / "svc_11.py").write_text("from dashboards._helpers import board\n\ndashboard = board(0)\n",
                                                   encoding="utf-8")
    with pytest.raises(gdash.errors.ProjectError, match="duplicate dashboard uid 'svc-0'"):
        load(root, jobs=2)


def test_seed_project_is_identical_through_the_cache(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "seed"
    for name in ("dashboards", "alerts", "gdash.yaml"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    reference = build_outputs(load(root, cache=False))
    assert build_outputs(load(root)) == reference  # cold
    warm = load(root)
    assert build_outputs(warm) == reference
    assert warm.rule_groups == load(root, cache=False).rule_groups


def test_a_changed_stored_model_is_written_as_changed(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=1)
    dashboard = load(root).dashboards[0]
    assert dashboard.validated
    dashboard.model["title"] = "Renamed"
    assert not dashboard.validated  # touched: validate_dashboard checks it again
    assert json.loads(dashboard_json(dashboard))["title"] == "Renamed"


# --- byte-identical conversion and serialisation ----------------------------------------------
class Label(str):
    def to_json_data(self):  # a str subclass is written as a string, whatever it defines
        return {"not": "used"}


def test_to_json_equals_grafanalib_encoder_round_trip() -> None:
    board = core.Dashboard(
        title="T", uid="u",
        panels=[core.TimeSeries(title=Label("ts"), targets=[core.Target(expr="up", refId="A")],
                                gridPos=core.GridPos(h=8, w=12, x=0, y=0), extraJson={"options": {1: (2, 3)}}),
                core.Stat(title="s", thresholds=[core.Threshold("green", 0, 0.0), core.Threshold("red", 1, 80.5)]),
                core.Table(title="t"), core.BarGauge(title="b"), core.GaugePanel(title="g"),
                core.RowPanel(title="r", panels=[core.Text(title="x", content="hi")], collapsed=True)],
        templating=core.Templating(list=[core.Template(name="v", query="a,b", type="custom")]),
    )
    board.panels[0].extraJson["fieldConfig"] = {"defaults": {"min": float("nan"), "max": 1e-05, True: None, 2.5: 1}}
    ours, reference = to_json(board), json.loads(json.dumps(board, cls=DashboardEncoder))
    assert json.dumps(ours) == json.dumps(reference)  # same keys, order and values (NaN != NaN, so as text)
    assert _types(ours) == _types(reference)  # fresh dicts and lists only, never tuples or subclasses


def _types(value) -> list[str]:
    found = [type(value).__name__]
    if isinstance(value, dict):
        for key, item in value.items():
            found += [type(key).__name__, *_types(item)]
    elif isinstance(value, (list, tuple)):
        for item in value:
            found += _types(item)
    return found


@pytest.mark.parametrize("value", [
    {"a": 1e-05, "b": [1.5, 2.0]}, {"big": 2**70}, {"small": -(2**63) - 1}, {"nan": math.nan, "inf": math.inf},
    {1: "int key"}, {"t": (1, 2)}, {"s": "é \u2028 \x00 \x1f \" \\"}, [[], {}, [[]]], {"x": 1e16, "y": 123456.789},
    {"bool": True, "none": None, "neg": -0.0}, {"limit": 2**64 - 1, "over": 2**64}, {"sub": Label("x")}, {2.5: 1, 3.0: 2},
    {"edges": [1e-4, 0.00009999999999999999, 9999999999999998.0, 1e16, 5e-324]},
])
def test_dump_json_is_byte_identical_to_the_stdlib(value) -> None:
    assert dump_json(value) == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_orjson_guard_flags_the_floats_orjson_writes_differently() -> None:
    assert orjson_safe({"a": [1, 2.5, "x", None, True, 0.0, -0.0, 1e-4, 9.9e15], "b": {"c": 2**63}, "t": (1.5,)})
    for risky in (1e-05, -3e-7, math.nan, math.inf, -math.inf, 1e16, 1e300, Label("x")):
        assert not orjson_safe({"a": [{"b": risky}]})


def test_seed_build_is_unchanged_by_the_fast_paths() -> None:
    """The seed project's build through every fast path equals the stdlib serialisation of a
    model compiled without the cache."""
    project = load_project(REPO, cache=False)
    for dashboard in project.dashboards:
        model = json.loads(dashboard_json(dashboard))
        assert dashboard_json(dashboard) == json.dumps(model, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- startup --------------------------------------------------------------------------------------
HEAVY = ("grafanalib", "jsonschema", "requests", "fastjsonschema", "yaml", "attr")


def _imported_by(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True)
    return set(result.stdout.split())


def test_cli_start_imports_no_heavy_library() -> None:
    assert not _imported_by("import gdash.cli") & set(HEAVY)
    from gdash.config import CONFIG_NAME
    from gdash.project.root import CONFIG_NAME as ROOT_CONFIG_NAME

    assert ROOT_CONFIG_NAME == CONFIG_NAME


def test_lint_of_one_file_imports_neither_grafanalib_nor_http() -> None:
    rules = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"
    code = textwrap.dedent(f"""
        import sys, tempfile, pathlib
        path = pathlib.Path(tempfile.mkdtemp()) / "rules.yml"
        path.write_text({rules!r})
        sys.argv = ["gdash", "lint", str(path)]
        from gdash.cli import main
        try:
            main()
        except SystemExit:
            pass
    """)
    assert not _imported_by(code) & {"grafanalib", "jsonschema", "requests", "attr"}


def test_authoring_names_are_all_lazily_importable() -> None:
    import gdash.authoring

    assert sorted(gdash.__all__) == sorted([*gdash.authoring.__all__, "SLO"])
    for name in gdash.authoring.__all__:
        assert getattr(gdash, name) is getattr(gdash.authoring, name)
    namespace: dict = {}
    exec("from gdash import *", namespace)
    assert set(gdash.authoring.__all__) <= set(namespace)


def test_diff_skips_byte_identical_dashboards_before_parsing(tmp_path: Path) -> None:
    from gdash.review.snapshot import compare_snapshots, snapshot_project

    root = make_project(tmp_path / "p", files=3)
    base = load(root)
    path = root / "dashboards" / "svc_01.py"
    path.write_text("from dashboards._helpers import board\n\nd = board(3)\nd.title = 'Renamed'\ndashboards = [board(2), d]\n",
                    encoding="utf-8")
    head = load(root)
    report = compare_snapshots(snapshot_project(base, "base"), snapshot_project(head, "head"))
    assert [(d.uid, d.title) for d in report.dashboards] == [("svc-3", "Renamed")]
    untouched = [d for d in base.dashboards + head.dashboards if d.uid not in ("svc-3",)]
    assert untouched and all(d.validated for d in untouched)  # never parsed: compared as bytes
