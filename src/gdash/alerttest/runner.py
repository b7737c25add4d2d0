"""Run alert unit tests: each expectation becomes a ``promtool test rules`` run on the rule's translation.

One promtool run per expectation keeps failures attributable (promtool does not name the test
group that failed) and lets each run check exactly the annotations that expectation names.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Location
from ..model import CompiledRuleGroup, Project
from ..output import dump_yaml
from ..promexport.rules import TranslationError, prometheus_rule
from ..promexport.tools import run_tool
from .format import AlertTest, Expectation, ExpectedAlert, find_test_files, load_tests

_GOT = re.compile(r"got:\[(?:\]|(.*?)\n\s*\])", re.S)
_ALERT = re.compile(r"Labels:\{(?P<labels>.*?)\}\n\s*Annotations:\{(?P<annotations>.*?)\}\n", re.S)
_PAIR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Outcome:
    test: AlertTest
    expectation: Expectation
    failure: str | None = None  # None: passed

    @property
    def passed(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class _Rule:
    group: CompiledRuleGroup
    rule: dict[str, Any]
    location: Location


def run_alert_tests(project: Project, files: list[Path] | None = None) -> list[Outcome]:
    """Outcomes of every expectation in ``files`` (default: alerts/tests/*.yaml), in file order."""
    files = find_test_files(project.root) if files is None else files
    if not files:
        raise ConfigError(
            f"no alert tests found in {project.root / 'alerts' / 'tests'}",
            hint="add alerts/tests/<name>.yaml (see docs/alert-tests.md)",
        )
    rules = {
        rule["title"]: _Rule(group, rule, group.rule_locations.get(rule["uid"], group.source))
        for group in project.rule_groups
        for rule in group.rules
    }
    loaded = [
        (test, expectation)
        for path in files
        for test in load_tests(path, _display(path, project.root))
        for expectation in test.expectations
    ]
    # translate everything first: a refusal stops the run before promtool starts
    translations = [_translation(rules, expectation) for _, expectation in loaded]
    with tempfile.TemporaryDirectory(prefix="gdash-test-") as tmp:
        return [
            Outcome(
                test, expectation, _run(Path(tmp) / str(index), rules[expectation.rule].group, rule, test, expectation)
            )
            for index, ((test, expectation), rule) in enumerate(zip(loaded, translations))
        ]


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _translation(rules: dict[str, _Rule], expectation: Expectation) -> dict[str, Any]:
    found = rules.get(expectation.rule)
    if found is None:
        raise ConfigError(
            f"no alert rule titled {expectation.rule!r}",
            location=expectation.location,
            hint=f"rules in this project: {', '.join(sorted(rules)) or 'none'}",
        )
    try:
        return prometheus_rule(found.rule, folder=found.group.folder, location=found.location)
    except TranslationError as error:
        raise TranslationError(
            f"cannot test {expectation.rule!r} (defined at {found.location}): {error.message}",
            location=expectation.location,
            hint=error.hint,
        ) from None


def _run(
    workdir: Path, group: CompiledRuleGroup, rule: dict[str, Any], test: AlertTest, expectation: Expectation
) -> str | None:
    checked = set(expectation.firing[0].annotations) if expectation.firing else set()
    rule["annotations"] = {key: value for key, value in rule["annotations"].items() if key in checked}
    workdir.mkdir()
    (workdir / "rules.yaml").write_text(
        dump_yaml({"groups": [{"name": group.name, "interval": group.interval, "rules": [rule]}]}), encoding="utf-8"
    )
    (workdir / "test.yaml").write_text(
        dump_yaml(
            {
                "rule_files": ["rules.yaml"],
                "evaluation_interval": group.interval,
                "tests": [
                    {
                        "interval": test.interval,
                        "input_series": [
                            {"series": series, "values": values} for series, values in test.series.items()
                        ],
                        "alert_rule_test": [
                            {
                                "eval_time": expectation.at,
                                "alertname": expectation.rule,
                                "exp_alerts": [
                                    {
                                        "exp_labels": {**rule["labels"], **alert.labels},
                                        "exp_annotations": alert.annotations,
                                    }
                                    for alert in expectation.firing
                                ],
                            }
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    result = run_tool("promtool", "test", "rules", "test.yaml", cwd=workdir)
    if result.returncode == 0:
        return None
    output = result.stdout + result.stderr
    got = _GOT.search(output + "\n")
    if got is None:
        detail = next(
            (
                line.strip()
                for line in output.splitlines()
                if line.strip() and "Unit Testing" not in line and line.strip() != "FAILED:"
            ),
            "promtool failed without a message",
        )
        return f"promtool could not run the test: {detail}"
    static = {**rule["labels"], "alertname": expectation.rule}
    actual = [
        ExpectedAlert({k: v for k, v in _pairs(m["labels"]).items() if static.get(k) != v}, _pairs(m["annotations"]))
        for m in _ALERT.finditer((got.group(1) or "") + "\n")
    ]
    return f"expected {_describe(expectation.firing)}; got {_describe(actual)}"


def _pairs(text: str) -> dict[str, str]:
    return {key: re.sub(r"\\(.)", r"\1", value) for key, value in _PAIR.findall(text)}


def _describe(alerts: tuple[ExpectedAlert, ...] | list[ExpectedAlert]) -> str:
    if not alerts:
        return "no alert firing"
    described = []
    for alert in alerts:
        labels = "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(alert.labels.items())) + "}"
        notes = "".join(f" {k}={v!r}" for k, v in sorted(alert.annotations.items()))
        described.append(labels + (f" with{notes}" if notes else ""))
    return "firing " + ", ".join(described)
