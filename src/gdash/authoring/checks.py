"""Argument checks of the authoring API: a wrong type or value is caught at the user's call.

Every helper (``timeseries``, ``Dashboard``, ``Route``...) calls :func:`arguments` first with
``(name, value, check)`` triples; the first failing check raises :class:`AuthoringError` naming the
function, the parameter and the file and line of the user's call. Nothing is coerced: ``w=30``
is an error, not 24; ``w=0`` is an error, not the default.

A check is a callable ``check(value) -> problem | None``; the problem completes the sentence
``<function>(): <parameter> must be ...``. Add a helper's checks here when adding a helper.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import Location, ProjectError
from .source import caller_location

Check = Callable[[Any], "str | None"]

GRID_WIDTH = 24
MAX_HEIGHT = 200  # grid units (30 px): far more than any screen
MAX_FILE_NAME = 200  # bytes of a folder's file name (file systems allow 255; the rest is for suffixes)
MAX_EXTRA_DEPTH = 50
_DURATION = re.compile(r"^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$")
_ENV_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class AuthoringError(ProjectError, TypeError):
    """An authoring helper was called with a wrong argument (also a TypeError for Python code)."""


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a user object with a broken __repr__
        text = f"<{type(value).__name__}>"
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"{type(value).__name__} {text}"


def arguments(function: str, *checks: tuple[str, Any, Check], hint: str | None = None) -> None:
    """Run each ``(parameter, value, check)``; raise at the user's call on the first problem."""
    for name, value, check in checks:
        problem = check(value)
        if problem is not None:
            fail(function, _sentence(name, problem), hint)


def _sentence(name: str, problem: str) -> str:
    return f"{name}{problem}" if problem[:1] in ("=", "[") else f"{name} {problem}"


def listed(value: Any) -> Any:
    """A generator or other iterable as a list, so it can be checked and then used; a string, a
    mapping or a non-iterable is returned as is (its check then fails: nothing is coerced)."""
    if isinstance(value, (str, bytes, dict, list, tuple, set, frozenset)) or not hasattr(value, "__iter__"):
        return value
    return list(value)


def fail(function: str, problem: str, hint: str | None = None) -> None:
    found = caller_location()
    location = Location(found[0], found[1]) if found else None
    raise AuthoringError(
        f"{function}(): {problem}", location=location, hint=hint or f"see the documentation of {function}()"
    )


# --- checks --------------------------------------------------------------------------------------


def _surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def text(*, empty: bool = True, optional: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            return f"must be a string, got {_shown(value)}"
        if not empty and not value.strip():
            return "must not be empty"
        if _surrogates(value):
            return "contains a lone surrogate (\\ud800-\\udfff), which is not valid Unicode text"
        return None

    return check


def folder(*, optional: bool = True) -> Check:
    """A Grafana folder title that also makes a file name (build/dashboards/<slug>/...)."""
    base = text(empty=False, optional=optional)

    def check(value: Any) -> str | None:
        problem = base(value)
        if problem or value is None:
            return problem
        from ..model import folder_slug

        if len(folder_slug(value).encode("utf-8")) > MAX_FILE_NAME:
            return f"is too long to be a file name ({len(value)} characters; at most {MAX_FILE_NAME})"
        return None

    return check


def boolean() -> Check:
    return lambda value: None if isinstance(value, bool) else f"must be True or False, got {_shown(value)}"


def number(*, optional: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be a number, got {_shown(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"must be a finite number, got {value}"
        return None

    return check


def integer(low: int | None = None, high: int | None = None, *, optional: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, got {_shown(value)}"
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"{low} to {high}" if high is not None else f"at least {low}"
            return f"={value} is out of range ({bounds})"
        return None

    return check


def one_of(values: Iterable[Any]) -> Check:
    allowed = list(values)

    def check(value: Any) -> str | None:
        try:
            ok = value in allowed
        except TypeError:  # unhashable
            ok = False
        return None if ok else f"must be one of {', '.join(repr(v) for v in allowed)}, got {_shown(value)}"

    return check


def duration(*, optional: bool = False) -> Check:
    base = text(optional=optional)

    def check(value: Any) -> str | None:
        problem = base(value)
        if problem or value is None:
            return problem
        return None if _DURATION.match(value) else f"must be a duration such as 30s, 5m or 1h, got {value!r}"

    return check


def env_var() -> Check:
    base = text(empty=False)
    return lambda value: (
        base(value) or (None if _ENV_VAR.match(value) else f"must be an environment variable name, got {value!r}")
    )


def instance(kind: type | tuple[type, ...], what: str, *, optional: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        return None if isinstance(value, kind) else f"must be {what}, got {_shown(value)}"

    return check


def items(check_item: Check, what: str, *, optional: bool = False) -> Check:
    """A list, tuple or set (not a string or mapping) whose every item passes ``check_item``."""

    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if isinstance(value, (str, bytes, dict)) or not isinstance(value, (list, tuple, set, frozenset)):
            return f"must be a list of {what}, got {_shown(value)}"
        for index, item in enumerate(value):
            problem = check_item(item)
            if problem:
                return f"[{index}] {problem}"
        return None

    return check


def mapping(keys: Check, values: Check, *, optional: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, dict):
            return f"must be a dict, got {_shown(value)}"
        for key, item in value.items():
            problem = keys(key)
            if problem:
                return f"key {key!r} {problem}"
            problem = values(item)
            if problem:
                return f"[{key!r}] {problem}"
        return None

    return check


def json_value(*, optional: bool = True) -> Check:
    """A dict of JSON values (``extra=``): string keys, no cycles, bounded depth, no NaN."""

    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, dict):
            return f"must be a dict (merged into the JSON), got {_shown(value)}"
        stack: list[tuple[Any, str, tuple[int, ...]]] = [(value, "", ())]
        while stack:
            item, path, parents = stack.pop()
            if isinstance(item, (dict, list, tuple)):
                if id(item) in parents:
                    return f"contains itself at {path or 'the top'} (a dict or list that refers to itself)"
                if len(parents) >= MAX_EXTRA_DEPTH:
                    return f"is nested deeper than {MAX_EXTRA_DEPTH} levels"
                inner = (*parents, id(item))
                if isinstance(item, dict):
                    for key, child in item.items():
                        if not isinstance(key, str):
                            return f"has a key {_shown(key)} at {path or 'the top'}; JSON keys are strings"
                        if _surrogates(key):
                            return f"has a key with a lone surrogate at {path or 'the top'}"
                        stack.append((child, f"{path}.{key}" if path else key, inner))
                else:
                    stack.extend((child, f"{path}[{i}]", inner) for i, child in enumerate(item))
            elif isinstance(item, str):
                if _surrogates(item):
                    return f"has a string with a lone surrogate at {path}"
            elif isinstance(item, float) and not math.isfinite(item):
                return f"has {item} at {path}; JSON has no NaN or Infinity"
            elif item is not None and not isinstance(item, (bool, int, float)):
                return f"has {_shown(item)} at {path}; only dicts, lists, strings, numbers, booleans and None"
        return None

    return check


def thresholds() -> Check:
    """``[70, 90]`` or ``[(None, "green"), (80, "red")]``."""

    def step(item: Any) -> str | None:
        if isinstance(item, tuple):
            if len(item) != 2:
                return f"must be a (value, color) pair, got {_shown(item)}"
            value, color = item
            if value is not None:
                problem = number()(value)
                if problem:
                    return f"value {problem}"
            return None if isinstance(color, str) and color else f"color must be a string, got {_shown(color)}"
        return number()(item)

    def check(value: Any) -> str | None:
        if value is None:
            return None
        problem = items(step, "numbers or (value, color) pairs")(value)
        if problem:
            return problem
        if value and len({isinstance(item, tuple) for item in value}) > 1:
            return "mixes numbers and (value, color) pairs; use one form"
        return None

    return check


def queries(targets: tuple[Any, ...], function: str) -> None:
    """Positional queries of a panel helper: each a ``prom(...)`` or ``loki(...)`` target."""
    from grafanalib.core import Target

    for index, target in enumerate(targets, start=1):
        if not isinstance(target, Target):
            hint = (
                f"wrap the query: {function}(title, prom({target!r}))"
                if isinstance(target, str)
                else "pass prom(...) or loki(...) queries after the title"
            )
            fail(function, f"query {index} must be prom(...) or loki(...), got {_shown(target)}", hint)


# --- parameter tables: one line at the top of each helper, ``checks.call("timeseries", locals())`` ----


def _panel_object() -> Check:
    from grafanalib import core

    return instance(core.Panel, "a panel (timeseries(...), stat(...), ...)")


def _lazy(factory: Callable[[], Check]) -> Check:
    cache: list[Check] = []

    def check(value: Any) -> str | None:
        if not cache:
            cache.append(factory())
        return cache[0](value)

    return check


def _grafanalib(name: str, what: str) -> Check:
    def factory() -> Check:
        from grafanalib import core

        return instance(getattr(core, name), what)

    return _lazy(factory)


def _json_or_model(what: str) -> Check:
    """A dict of JSON values, or a grafanalib object (it has ``to_json_data``)."""
    as_json = json_value(optional=False)

    def check(value: Any) -> str | None:
        if hasattr(value, "to_json_data") and not isinstance(value, dict):
            return None
        return as_json(value) if isinstance(value, dict) else f"must be {what}, got {_shown(value)}"

    return check


PARAMETERS: dict[str, Check] = {
    # shared by the panel helpers
    "title": text(),
    "description": text(optional=True),
    "unit": text(optional=True),  # None: no unit (Grafana allows a panel without one)
    "min": number(optional=True),
    "max": number(optional=True),
    "decimals": integer(0, 20, optional=True),
    "thresholds": thresholds(),
    "mappings": items(_json_or_model("a value mapping (dict)"), "value mappings", optional=True),
    "overrides": items(_json_or_model("a field override (dict)"), "field overrides", optional=True),
    "links": items(_json_or_model("a link (dict or link(...))"), "links", optional=True),
    "repeat": text(empty=False, optional=True),
    "transformations": items(_json_or_model("a transformation (dict)"), "transformations", optional=True),
    "w": integer(1, GRID_WIDTH, optional=True),
    "h": integer(1, MAX_HEIGHT, optional=True),
    "extra": json_value(),
    "legend": one_of(["list", "table", "hidden"]),
    "legend_placement": one_of(["bottom", "right"]),
    "legend_calcs": items(text(), "reducer names", optional=True),
    "stack": boolean(),
    "fill": integer(0, 100),
    "draw": one_of(["line", "bars", "points"]),
    "reduce": text(empty=False),
    "graph": boolean(),
    "color_mode": text(empty=False),
    "text_mode": text(empty=False),
    "display": text(empty=False),
    "orientation": one_of(["horizontal", "vertical", "auto"]),
    "sort_by": text(optional=True),
    "sort_desc": boolean(),
    "show_time": boolean(),
    "wrap": boolean(),
    "newest_first": boolean(),
    "details": boolean(),
    "content": text(),
    "mode": one_of(["markdown", "html", "code"]),
    # shared by the panel helpers, added for `gdash import` (the settings every Grafana panel has)
    "color": _lazy(
        lambda: lambda value: None if value is None or isinstance(value, dict) else text(empty=False)(value)
    ),
    "no_value": text(optional=True),
    "unit_scale": instance(bool, "True or False", optional=True),
    "max_data_points": integer(1, optional=True),
    "time_from": text(optional=True),
    "time_shift": text(optional=True),
    "hide_time_override": instance(bool, "True or False", optional=True),
    "transparent": instance(bool, "True or False", optional=True),
    "repeat_direction": one_of([None, "h", "v"]),
    "max_per_row": integer(1, optional=True),
    "mixed": instance(bool, "True or False", optional=True),
    "x": integer(0, GRID_WIDTH - 1, optional=True),
    "y": integer(0, optional=True),
    "thresholds_mode": one_of([None, "absolute", "percentage"]),
    "options": json_value(),
    "custom": json_value(),
    "library_panel": mapping(text(empty=False), text(), optional=True),
    "line_width": integer(0, optional=True),
    "show_header": instance(bool, "True or False", optional=True),
    "cell_height": one_of([None, "sm", "md", "lg"]),
    "cell": _lazy(lambda: lambda value: None if value is None or isinstance(value, dict) else text(empty=False)(value)),
    "align": one_of([None, "auto", "left", "center", "right"]),
    "filterable": instance(bool, "True or False", optional=True),
    "wrap_text": instance(bool, "True or False", optional=True),
    "min_width": integer(0, optional=True),
    "pagination": instance(bool, "True or False", optional=True),
    "min_viz_height": integer(0, optional=True),
    "min_viz_width": integer(0, optional=True),
    "point_size": integer(0, optional=True),
    # queries
    "expr": text(empty=False),
    "ref_id": text(),
    "instant": boolean(),
    "interval": text(optional=True),
    "format": one_of(["time_series", "table", "heatmap"]),
    "datasource": text(empty=False, optional=True),
    # dashboards and rows
    "uid": text(empty=False, optional=True),
    "folder": folder(),
    "tags": items(text(), "strings"),
    "variables": items(_grafanalib("Template", "a variable (query_var(...), custom_var(...), ...)"), "variables"),
    "rows": items(_grafanalib("RowPanel", "a Row(...)"), "rows"),
    "panels": items(_lazy(_panel_object), "panels"),
    "time": _lazy(
        lambda: (
            lambda value: (
                None
                if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) and v for v in value)
                else f"must be a (from, to) pair such as ('now-6h', 'now'), got {_shown(value)}"
            )
        )
    ),
    "refresh": text(),
    "timezone": text(),
    "editable": boolean(),
    "collapsed": boolean(),
    "url": text(),
    "new_tab": boolean(),
    "include_vars": boolean(),
    "keep_time": boolean(),
    "dropdown": boolean(),
    "schema": one_of([None, "v1", "v2"]),  # Dashboard(schema=): v2 = dashboard.grafana.app/v2 (compile/v2.py)
    # variables
    "name": text(empty=False),
    "query": text(),
    "label": text(optional=True),
    "multi": boolean(),
    "include_all": boolean(),
    "all_value": text(optional=True),
    "regex": text(optional=True),
    "hide": boolean(),
    "kind": text(empty=False),
    "values": items(text(empty=False), "strings"),
    "default": text(optional=True),
    "auto": boolean(),
    # alert rules
    "threshold": number(),
    "for_": duration(),
    "severity": one_of(["critical", "warning", "info"]),
    "team": text(),
    "summary": text(),
    "runbook_url": text(),
    "labels": mapping(text(empty=False), text(), optional=True),
    "annotations": mapping(text(empty=False), text(), optional=True),
    "range_seconds": integer(1, 366 * 86400),
    "no_data": one_of(["NoData", "OK", "Alerting", "Error"]),
    "exec_error": one_of(["Error", "OK", "Alerting"]),
    "keep_firing_for": duration(optional=True),
    # Grafana refuses 0 and negative counts (ngalert models.AlertRule validation)
    "missing_series_evals_to_resolve": integer(1, None, optional=True),
    # notifications
    "url_env": env_var(),
    "routing_key_env": env_var(),
    "api_key_env": env_var(),
    "bot_token_env": env_var(),
    "api_url": text(empty=False),
    "message": text(optional=True),
    "parse_mode": one_of([None, "HTML", "Markdown", "MarkdownV2"]),
    "mute_timings": items(text(empty=False), "mute timing names"),
    "channel": text(optional=True),
    "http_method": one_of(["POST", "PUT", "GET"]),
    "single_email": boolean(),
    "receiver": text(empty=False),
    "matchers": mapping(text(empty=False), text()),
    "group_by": items(text(empty=False), "label names", optional=True),
    "continue_": boolean(),
    "group_wait": duration(optional=True),
    "group_interval": duration(optional=True),
    "repeat_interval": duration(optional=True),
}

# a parameter whose meaning differs by helper: (helper, parameter) -> check
OVERRIDES: dict[tuple[str, str], Check] = {
    ("text", "title"): text(),
    ("slack", "title"): text(optional=True),
    ("slack", "text"): text(optional=True),
    ("teams", "title"): text(optional=True),
    ("discord", "title"): text(optional=True),
    ("pagerduty", "summary"): text(optional=True),
    ("pagerduty", "severity"): one_of(["critical", "error", "warning", "info"]),
    ("alert_rule", "op"): one_of(["gt", "lt", "ge", "le", "eq", "ne"]),
    ("prom", "legend"): text(),
    ("loki", "legend"): text(),
    ("stat", "thresholds"): thresholds(),
    ("Row", "panels"): items(_lazy(_panel_object), "panels"),
    ("AlertGroup", "interval"): duration(),
    ("AlertGroup", "folder"): folder(optional=False),
    ("link", "tags"): items(text(), "strings"),
    ("timeseries", "stack"): one_of([False, True, "percent"]),
    ("timeseries", "tooltip"): one_of(["multi", "single", "none"]),
    ("stat", "orientation"): one_of([None, "horizontal", "vertical", "auto"]),
    ("gauge", "orientation"): one_of([None, "horizontal", "vertical", "auto"]),
    ("panel", "type"): text(empty=False, optional=True),  # None: a library panel reference
    ("panel", "title"): text(),
    ("textbox", "default"): text(),
    ("constant", "value"): text(),
    ("query", "kind"): text(empty=False),
    ("adhoc", "datasource"): text(empty=False, optional=True),
}


# function -> parameter -> its check (None: unchecked), looked up in the tables once per pair
_RESOLVED: dict[str, dict[str, Check | None]] = {}
# (function, parameter, None/True/False) -> the check's answer: most parameters keep their default,
# and a check of a constant gives the same answer every time (a compile calls thousands of helpers)
_CONSTANTS: dict[tuple[str, str, Any], str | None] = {}


def call(function: str, parameters: dict[str, Any], *, skip: Iterable[str] = ()) -> None:
    """Check every parameter of ``function`` found in the tables (``parameters`` is its ``locals()``)."""
    skipped = set(skip) if skip else ()
    resolved = _RESOLVED.get(function)
    if resolved is None:
        resolved = _RESOLVED[function] = {}
    for name, value in parameters.items():
        if name in skipped:
            continue
        if name == "targets":
            queries(value, function)
            continue
        try:
            check = resolved[name]
        except KeyError:
            check = resolved[name] = OVERRIDES.get((function, name)) or PARAMETERS.get(name)
        if check is None:
            continue
        if value is None or value is True or value is False:
            key = (function, name, value)
            try:
                problem = _CONSTANTS[key]
            except KeyError:
                problem = _CONSTANTS[key] = check(value)
        else:
            problem = check(value)
        if problem is not None:
            fail(function, _sentence(name, problem))
