"""gdash's alert unit test files (``alerts/tests/*.yaml``): loading and checking, with line numbers.

interval: 1m                  # optional; spacing of the series samples (default 1m)
tests:
  - name: HighErrorRate fires at 6 % errors
    series:                   # selector -> samples in promtool's expanding notation
      'http_requests_total{job="api", status="500"}': 0+6x30
      'http_requests_total{job="api", status="200"}': 0+94x30
    expect:
      - rule: HighErrorRate   # the rule's title
        at: 10m               # evaluation time, from the first sample
        firing:               # every alert firing at that time ([] for none)
          - labels: {job: api}           # the series' labels (rule labels are added)
            annotations: {summary: ...}  # optional; only the keys given are checked
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import promql_parser
import yaml

from .. import safeload
from ..errors import ConfigError, Location
from ..lint.query_limits import check_query

TESTS_DIR = Path("alerts") / "tests"
DEFAULT_INTERVAL = "1m"
_DURATION = re.compile(r"^(?:\d+(?:ms|s|m|h|d|w|y))+$")
_NUMBER = r"(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?Inf|NaN)"
_UNSIGNED = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_SAMPLE = re.compile(rf"^(?:_(?:x\d+)?|stale|{_NUMBER}(?:[-+]{_UNSIGNED}x\d+)?)$")
_SERIES_HINT = (
    "samples are space-separated: numbers, `a+bxn` (a, then n steps of +b), `a-bxn`, "
    "`_` (no sample), `_xn`, `stale`; e.g. `0+10x20` or `1 1 0 0`"
)


@dataclass(frozen=True)
class ExpectedAlert:
    labels: dict[str, str]
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Expectation:
    rule: str
    at: str
    firing: tuple[ExpectedAlert, ...]
    location: Location


@dataclass(frozen=True)
class AlertTest:
    name: str
    interval: str
    series: dict[str, str]
    expectations: tuple[Expectation, ...]
    location: Location


def _scalar(node: yaml.ScalarNode) -> Any:
    return safeload.construct(node, "")


def load_tests(path: Path, display: str) -> list[AlertTest]:
    """The tests in one file; ConfigError with file:line for anything malformed."""
    root = safeload.compose_yaml(safeload.read_text(path, display), display)  # bounded (gdash.safeload)
    return _Reader(display).file(root)


class _Reader:
    def __init__(self, display: str):
        self.display = display

    def fail(self, line: int | None, message: str, hint: str) -> ConfigError:
        return ConfigError(message, location=Location(self.display, line), hint=hint)

    def mapping(self, node: yaml.Node | None, what: str, known: set[str], required: set[str]) -> dict[str, yaml.Node]:
        line = node.start_mark.line + 1 if node is not None else None
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(
                line, f"{what} must be a mapping", f"give {what} the keys {', '.join(sorted(required | known))}"
            )
        result = {str(_scalar(k)): v for k, v in node.value}
        unknown = sorted(set(result) - known)
        if unknown:
            raise self.fail(line, f"{what} has unknown key {unknown[0]!r}", f"known keys: {', '.join(sorted(known))}")
        missing = sorted(required - set(result))
        if missing:
            raise self.fail(line, f"{what} has no {missing[0]!r}", f"add `{missing[0]}:` (see docs/alert-tests.md)")
        return result

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(
                node.start_mark.line + 1, f"{what} must be a list", f"write {what} as a YAML list (`- ...`)"
            )
        return node.value

    def text(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.value == "":
            raise self.fail(node.start_mark.line + 1, f"{what} must be a non-empty string", f"give {what} a value")
        return str(node.value)

    def duration(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        if not _DURATION.match(value):
            raise self.fail(
                node.start_mark.line + 1, f"{what} {value!r} is not a duration", "write e.g. 30s, 5m, 1h30m"
            )
        return value

    def labels(self, node: yaml.Node, what: str) -> dict[str, str]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(
                node.start_mark.line + 1, f"{what} must be a mapping", 'e.g. `{job: api, instance: "a:9100"}`'
            )
        return {str(_scalar(k)): str(_scalar(v)) for k, v in node.value}

    def file(self, root: yaml.Node | None) -> list[AlertTest]:
        top = self.mapping(root, "the test file", {"interval", "tests"}, {"tests"})
        interval = self.duration(top["interval"], "interval") if "interval" in top else DEFAULT_INTERVAL
        return [self.test(node, interval) for node in self.sequence(top["tests"], "tests")]

    def test(self, node: yaml.Node, interval: str) -> AlertTest:
        keys = self.mapping(node, "a test", {"name", "interval", "series", "expect"}, {"name", "series", "expect"})
        series = {}
        series_node = keys["series"]
        if not isinstance(series_node, yaml.MappingNode):
            raise self.fail(
                series_node.start_mark.line + 1,
                "series must be a mapping of selector -> samples",
                "e.g. `'up{job=\"api\"}': 1 1 0 0`",
            )
        for key_node, value_node in series_node.value:
            selector = self.selector(key_node)
            series[selector] = self.samples(value_node, selector)
        return AlertTest(
            name=self.text(keys["name"], "name"),
            interval=self.duration(keys["interval"], "interval") if "interval" in keys else interval,
            series=series,
            expectations=tuple(self.expectation(item) for item in self.sequence(keys["expect"], "expect")),
            location=Location(self.display, node.start_mark.line + 1),
        )

    def selector(self, node: yaml.Node) -> str:
        text = self.text(node, "a series selector")
        try:
            check_query(text)  # bounded before the (quadratic) parser
            parsed = promql_parser.parse(text)
        except (KeyboardInterrupt, SystemExit, MemoryError):
            raise
        except BaseException:  # the Rust extension raises ValueError, and PanicException on bugs
            parsed = None
        if not isinstance(parsed, promql_parser.VectorSelector) or not parsed.name:
            raise self.fail(
                node.start_mark.line + 1,
                f"series {text!r} is not a metric with labels",
                'write a series as `metric_name{label="value", ...}`',
            )
        return text

    def samples(self, node: yaml.Node, selector: str) -> str:
        text = self.text(node, f"the samples of {selector}")
        bad = [token for token in text.split() if not _SAMPLE.match(token)]
        if bad:
            raise self.fail(node.start_mark.line + 1, f"series {selector}: {bad[0]!r} is not a sample", _SERIES_HINT)
        return " ".join(text.split())

    def expectation(self, node: yaml.Node) -> Expectation:
        keys = self.mapping(node, "an expectation", {"rule", "at", "firing"}, {"rule", "at", "firing"})
        firing = []
        for item in self.sequence(keys["firing"], "firing"):
            alert = self.mapping(item, "a firing alert", {"labels", "annotations"}, {"labels"})
            firing.append(
                ExpectedAlert(
                    self.labels(alert["labels"], "labels"),
                    self.labels(alert["annotations"], "annotations") if "annotations" in alert else {},
                )
            )
        checked = {frozenset(alert.annotations) for alert in firing}
        if len(checked) > 1:
            raise self.fail(
                keys["firing"].start_mark.line + 1,
                "the firing alerts check different annotation keys",
                "give every alert of one expectation the same annotation keys (or none)",
            )
        return Expectation(
            self.text(keys["rule"], "rule"),
            self.duration(keys["at"], "at"),
            tuple(firing),
            Location(self.display, node.start_mark.line + 1),
        )


def find_test_files(root: Path) -> list[Path]:
    directory = root / TESTS_DIR
    return sorted(p for p in directory.glob("*.y*ml") if p.is_file()) if directory.is_dir() else []
