"""Real public dashboards (``corpus/real/``, sources and licences in its README): each imports,
builds, validates and round-trips; the escape-hatch residue over all of them stays at most 0.2
``extra=`` lines per panel; ``gdash lint`` reads the v2 ones and names their panels."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdash.importer import import_paths
from gdash.importer.project import read_document
from gdash.lint import lint_paths
from gdash.lint.config import LintConfig
from gdash.migration import is_v2_spec, unwrap
from gdash.project import load_project
from gdash.validate import validate_dashboard

REAL = Path(__file__).resolve().parent / "corpus" / "real"
DASHBOARDS = sorted([*REAL.glob("*.json"), *REAL.glob("*.yaml")])
RESIDUE_TARGET = 0.2


def _model(path: Path) -> dict:
    return unwrap(read_document(path))


def _old(path: Path) -> bool:
    model = _model(path)
    return not isinstance(model.get("schemaVersion"), int) or model["schemaVersion"] < 27 or bool(model.get("rows"))


V2 = [p for p in DASHBOARDS if is_v2_spec(_model(p))]


def test_corpus_is_real_varied_and_listed() -> None:
    readme = (REAL / "README.md").read_text()
    listed = set(re.findall(r"^\| `([\w.-]+\.(?:json|yaml))`", readme, re.M))
    assert listed == {p.name for p in DASHBOARDS}  # every file has its source, commit and licence
    assert sum(p.stat().st_size for p in DASHBOARDS) < 3_000_000
    assert len(DASHBOARDS) >= 20 and sum(_old(p) for p in DASHBOARDS) >= 5
    assert len(V2) >= 3  # dashboard v2 resources (v2 and v2beta1, one in grafana-operator's GrafanaManifest)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_real_dashboard_imports_builds_validates_and_round_trips(path: Path, tmp_path: Path) -> None:
    report = import_paths([path], dashboards_dir=tmp_path / "dashboards", alerts_dir=tmp_path / "alerts")
    [imported] = report.files
    assert imported.lost == []  # built, schema-valid, and equal to the input after normalisation
    project = load_project(tmp_path)  # what `gdash build` does with the generated file
    [compiled] = project.dashboards
    assert validate_dashboard(compiled) == []


def test_residue_over_the_real_corpus(tmp_path: Path) -> None:
    paths = DASHBOARDS
    report = import_paths(paths, dashboards_dir=tmp_path / "dashboards", alerts_dir=tmp_path / "alerts")
    extra_lines, panels = report.residue
    print(f"residue: {extra_lines} extra= for {panels} panels in {len(paths)} dashboards "
          f"({extra_lines / panels:.3f} per panel)")
    assert panels > 300
    assert extra_lines / panels <= RESIDUE_TARGET
    source = "\n".join(f.source for f in report.files)
    assert "query_var(" in source and "datasource_var(" in source and "panel(" in source and "Row(" in source



def test_lint_reads_the_real_v2_dashboards_and_names_their_panels() -> None:
    findings = lint_paths(V2, LintConfig())
    assert not [f for f in findings if f.code.startswith("LNT")]  # each file is read as a dashboard
    titles = {element["spec"]["title"] for p in V2 for element in _model(p)["elements"].values()}
    assert {f.panel for f in findings if f.panel} <= titles  # findings point at panels by their titles
    queries = [f for f in findings if f.ref_id]
    assert queries and all(f.panel in titles for f in queries)  # each query finding names its panel
    assert {f.dashboard for f in findings} <= {_model(p)["uid"] for p in V2}
