"""What to lint: the compiled project, or existing files (dashboard JSON, Grafana alerting provisioning
YAML/JSON, Prometheus rule files) and directories of them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import safeload
from ..errors import ConfigError, Location
from ..migration import is_v2_spec, migrate
from ..model import LOGICAL_UID_PREFIX, Project
from .context import as_dict, as_list, as_text, parse_query

_EXPRESSION_UIDS = ("__expr__", "-100")
_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass
class DashboardTarget:
    model: dict[str, Any]
    source: Location
    wrapped: bool = False
    panel_locations: dict[Any, Location] = field(default_factory=dict)  # int ids; looked up by context.panel_id()
    target_locations: dict[tuple[Any, Any], Location] = field(default_factory=dict)
    uid_also_in: tuple[str, ...] = ()  # filled by the engine: other dashboards with this uid
    folder: str | None = None  # the Grafana folder (project), or the file's directory (files)
    title_also_in: tuple[str, ...] = ()  # filled by the engine: other dashboards with this title in the folder


@dataclass
class QuerySpec:
    ref_id: str | None
    language: str
    text: str
    line: int | None = None


@dataclass
class AlertTarget:
    name: str
    kind: str  # grafana, prometheus
    source: Location
    for_: str | None
    labels: dict[str, Any]
    annotations: dict[str, Any]
    queries: list[QuerySpec]
    expressions: list[dict[str, Any]] = field(default_factory=list)
    recording: bool = False
    dialect: str | None = None  # rule files: "prometheus (default)", "loki (Loki CRD)"... named in parse findings
    group: str | None = None  # the rule group's name
    group_interval: Any = None  # the group's evaluation interval as written
    keep_firing_for: Any = None
    same_name_lines: tuple[int, ...] = ()  # lines of other rules with this name in the group


@dataclass
class Targets:
    dashboards: list[DashboardTarget] = field(default_factory=list)
    alerts: list[AlertTarget] = field(default_factory=list)

    def extend(self, other: Targets) -> None:
        self.dashboards.extend(other.dashboards)
        self.alerts.extend(other.alerts)


def project_targets(project: Project) -> Targets:
    targets = Targets()
    for board in project.dashboards:
        targets.dashboards.append(
            DashboardTarget(
                board.model,
                board.source,
                False,
                dict(board.panel_locations),
                dict(board.target_locations),
                folder=board.folder,
            )
        )
    for group in project.rule_groups:
        for rule in group.rules:
            location = group.rule_locations.get(rule.get("uid", ""), group.source)
            targets.alerts.append(grafana_alert(rule, location))
    return targets


def grafana_alert(rule: dict[str, Any], location: Location) -> AlertTarget:
    """A Grafana-managed rule in file-provisioning (or API) shape."""
    queries, expressions = [], []
    for item in as_list(rule.get("data")):
        if not isinstance(item, dict):
            continue
        model = as_dict(item.get("model"))
        uid = as_text(item.get("datasourceUid"))
        datasource = as_dict(model.get("datasource"))
        if uid in _EXPRESSION_UIDS or datasource.get("type") == "__expr__":
            expressions.append(dict(model))
            continue
        logical = uid[len(LOGICAL_UID_PREFIX) :] if uid.startswith(LOGICAL_UID_PREFIX) else "prometheus"
        kind = as_text(datasource.get("type")) or logical
        if isinstance(model.get("expr"), str) and kind in ("prometheus", "loki"):
            ref_id = as_text(item.get("refId")) or None
            queries.append(QuerySpec(ref_id, "logql" if kind == "loki" else "promql", model["expr"]))
    return AlertTarget(
        name=as_text(rule.get("title")) or as_text(rule.get("uid")) or "?",
        kind="grafana",
        source=location,
        for_=rule.get("for"),
        labels=dict(as_dict(rule.get("labels"))),
        annotations=dict(as_dict(rule.get("annotations"))),
        queries=queries,
        expressions=expressions,
    )


def path_targets(paths: Iterable[Path], display_root: Path | None = None) -> Targets:
    """Lint targets from files and directories; named files must be recognisable."""
    targets = Targets()
    for path, display, strict in expand_paths(paths, display_root):
        targets.extend(file_targets(path, display, strict=strict))
    return targets


def expand_paths(paths: Iterable[Path], display_root: Path | None = None) -> list[tuple[Path, str, bool]]:
    """(file, display path, strict) for named files (strict: must be recognisable) and directory contents."""
    files = []
    for path in paths:
        if path.is_dir():
            files += [
                (file, _display(file, display_root), False)
                for file in sorted(p for p in path.rglob("*") if p.suffix in _SUFFIXES and p.is_file())
            ]
        elif path.is_file():
            files.append((path, _display(path, display_root), True))
        else:
            raise ConfigError(
                f"{path}: no such file or directory", hint="pass dashboard JSON, alert YAML/JSON or a directory"
            )
    return files


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


class _LineDict(dict):
    """A YAML mapping that knows its line and its keys' lines (for findings and `# gdash: ignore`)."""

    __slots__ = ("node", "offset")  # offset: lines before this text in its file (see split_rule_file)
    node: yaml.Node
    offset: int

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1 + self.offset

    @property
    def key_lines(self) -> dict[str, int]:
        return {
            k.value: k.start_mark.line + 1 + self.offset for k, _ in self.node.value if isinstance(k, yaml.ScalarNode)
        }


_STR = "tag:yaml.org,2002:str"
_SCALARS: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:null": lambda v: None,
    "tag:yaml.org,2002:bool": lambda v: v.lower() in ("true", "yes", "on"),
    "tag:yaml.org,2002:int": lambda v: int(v.replace("_", ""), 0),
    "tag:yaml.org,2002:float": float,
}


def _scalar(node: yaml.ScalarNode):
    if node.tag == _STR:
        return node.value
    convert = _SCALARS.get(node.tag)
    if convert is None:
        return node.value
    try:
        return convert(node.value)
    except ValueError:
        return node.value


def _to_python(node: yaml.Node, offset: int = 0):
    """Composed YAML nodes -> Python values. PyYAML's constructor is several times slower than the
    C parser; lint needs only plain mappings, lists and scalars (tags resolved by the composer)."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_scalar(item) if isinstance(item, yaml.ScalarNode) else _to_python(item, offset) for item in node.value]
    data = _LineDict()
    data.node, data.offset = node, offset
    for key_node, value_node in node.value:
        key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else _to_python(key_node, offset)
        if key == "<<":  # merge keys: rare in these files; let PyYAML handle the whole file
            raise _NeedsFullLoader
        data[key] = _scalar(value_node) if isinstance(value_node, yaml.ScalarNode) else _to_python(value_node, offset)
    return data


class _NeedsFullLoader(Exception):
    pass


def _load_yaml(text: str, offset: int, display: str):
    """The file's documents (``---`` separated); one document comes back as itself, several as a list
    marked by :class:`_Documents`."""
    nodes = safeload.compose_yaml_all(text, display, offset)  # bounded: aliases, depth, complex keys
    try:
        documents = [_to_python(node, offset) for node in nodes]
    except _NeedsFullLoader:
        documents = [d for d in (safeload.construct(node, display, offset) for node in nodes) if d is not None]
    if len(documents) == 1:
        return documents[0]
    return _Documents(documents) if documents else None


class _Documents(list):
    """The documents of a multi-document YAML file."""


def read_text(path: Path, display: str) -> str:
    return safeload.read_text(path, display)


def _parse(text: str, suffix: str, display: str, offset: int) -> Any:
    if suffix == ".json":
        return safeload.load_json(text, display)
    return _load_yaml(text, offset, display)


def file_targets(path: Path, display: str, *, strict: bool) -> Targets:
    return text_targets(read_text(path, display), path.suffix, display, strict=strict)


def text_targets(
    text: str, suffix: str, display: str, *, strict: bool, offset: int = 0, dialect: tuple[str, str] | None = None
) -> Targets:
    """Targets in one file's text (``offset``: lines that precede ``text`` in the file; ``dialect``:
    (dialect, why) forced by ``--dialect``/``lint.loki_rules``, else decided per document)."""
    data = _parse(text, suffix, display, offset)
    targets = Targets()
    for document in data if isinstance(data, _Documents) else [data]:
        targets.extend(_document_targets(document, display, dialect))
    if strict and not targets.dashboards and not targets.alerts and not _is_rule_container(data):
        raise ConfigError(
            "not a dashboard, alert rule or Prometheus rule file",
            location=Location(display),
            hint="gdash lint reads dashboard JSON, Grafana alerting provisioning files and "
            "Prometheus rule files (groups: with expr:)",
        )
    return targets


# A LogQL log pipeline stage: what no PromQL expression contains.
_LOG_PIPELINE = re.compile(
    r"\|\s*(?:[=~>]|json\b|logfmt\b|pattern\b|regexp\b|line_format\b|label_format\b|unwrap\b"
    r"|unpack\b|decolorize\b|drop\b|keep\b)|!=\s*[\"`]\s*(?:\||\[|\)|$)|!~\s*[\"`][^\"`]*[\"`]\s*(?:\[|\|)"
)


def _detect_loki(alerts: list[AlertTarget]) -> bool:
    """A rule file is Loki's when one of its expressions has a log pipeline, is not valid PromQL and is valid LogQL."""
    for alert in alerts:
        for spec in alert.queries:
            text = spec.text
            if ("|" not in text and "!" not in text) or not _LOG_PIPELINE.search(text):  # each branch needs one
                continue
            if parse_query("promql", text)[1] is not None and parse_query("logql", text)[1] is None:
                return True
    return False


def _set_dialect(alerts: list[AlertTarget], dialect: str, why: str) -> None:
    language = "logql" if dialect == "loki" else "promql"
    for alert in alerts:
        alert.dialect = f"{dialect} ({why})"
        for spec in alert.queries:
            spec.language = language


def _to_current_model(model: dict[str, Any]) -> dict[str, Any]:
    """Legacy (``rows[]``, old schemaVersions, graph/singlestat panels) and v2 dashboards -> the
    current model, through the one migration module, so every query is linted where users see it.
    A model the migration refuses is linted as it is (the rules report what they can)."""
    try:
        return migrate(model, panels=True)
    except ConfigError:
        return model


def _is_rule_container(data: Any) -> bool:
    documents = data if isinstance(data, _Documents) else [data]
    return any(
        isinstance(d, dict)
        and (isinstance(d.get("groups"), list) or isinstance(as_dict(d.get("spec")).get("groups"), list))
        for d in documents
    )


def _document_targets(data: Any, display: str, dialect: tuple[str, str] | None = None) -> Targets:
    """One YAML/JSON document: a dashboard, a rule file (Prometheus, Mimir/Cortex/Loki ruler with
    ``namespace:``, Grafana alerting provisioning/export), a Prometheus Operator ``PrometheusRule`` or
    Loki Operator ``AlertingRule``/``RecordingRule`` (rules under ``spec.groups``), a grafana-operator
    ``GrafanaManifest`` (a dashboard resource under ``spec.template``), a Kubernetes ``ConfigMap``
    whose data values are such files, or a Kubernetes ``List`` (``ConfigMapList``...) of those."""
    targets = Targets()
    if isinstance(data, dict) and as_text(data.get("kind")).endswith("List") and isinstance(data.get("items"), list):
        for item in data["items"]:
            targets.extend(_document_targets(item, display, dialect))
        return targets
    if isinstance(data, dict) and data.get("kind") == "ConfigMap" and isinstance(data.get("data"), dict):
        return _config_map_targets(data, display, dialect)
    if isinstance(data, dict) and data.get("kind") == "GrafanaManifest":  # grafana-operator's resource wrapper
        return _document_targets(as_dict(as_dict(data.get("spec")).get("template")), display, dialect)
    if isinstance(data, dict) and isinstance(as_dict(data.get("spec")).get("groups"), list) and "kind" in data:
        if dialect is None and as_text(data.get("apiVersion")).startswith("loki.grafana.com/"):
            dialect = ("loki", f"Loki {as_text(data.get('kind')) or 'CRD'}")
        data = data["spec"]
    if isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
        targets.dashboards.append(
            DashboardTarget(_to_current_model(data["dashboard"]), Location(display), wrapped=True)
        )
    elif isinstance(data, dict) and (
        "panels" in data
        or "schemaVersion" in data
        or "rows" in data
        or data.get("kind") == "Dashboard"
        and isinstance(data.get("spec"), dict)
        or is_v2_spec(data)
    ):
        targets.dashboards.append(DashboardTarget(_to_current_model(data), Location(display)))
    elif isinstance(data, dict) and isinstance(data.get("groups"), list):
        for group in data["groups"]:
            group = as_dict(group)
            members = []
            for rule in as_list(group.get("rules")):
                if isinstance(rule, dict):
                    alert = _rule_target(rule, display)
                    if alert is not None:
                        alert.group, alert.group_interval = as_text(group.get("name")) or None, group.get("interval")
                        alert.keep_firing_for = rule.get("keep_firing_for")
                        members.append(alert)
            _mark_same_names(members)
            targets.alerts.extend(members)
        ruler = [a for a in targets.alerts if a.kind == "prometheus"]
        if dialect is None and _detect_loki(ruler):
            dialect = ("loki", "detected: LogQL log pipeline")
        _set_dialect(ruler, *(dialect or ("prometheus", "default")))
    return targets


def _mark_same_names(members: list[AlertTarget]) -> None:
    """Rules of one group with the same name and the same labels (promtool's definition of a duplicate:
    twins that differ in a label such as severity are distinct series)."""
    by_name: dict[tuple[bool, str, str], list[AlertTarget]] = {}
    for alert in members:
        labels = repr(sorted((str(k), str(v)) for k, v in as_dict(alert.labels).items()))
        by_name.setdefault((alert.recording, alert.name, labels), []).append(alert)
    for same in by_name.values():
        if len(same) > 1:
            for alert in same:
                alert.same_name_lines = tuple(a.source.line or 0 for a in same if a is not alert)


def _config_map_targets(data: dict[str, Any], display: str, dialect: tuple[str, str] | None) -> Targets:
    """Rule files and dashboards embedded as strings in a ConfigMap's ``data`` (pint's relaxed mode);
    each value is read as its key's format (``.json`` as JSON, anything else as YAML)."""
    targets = Targets()
    lines = getattr(data["data"], "key_lines", {})
    for key, value in sorted(data["data"].items(), key=lambda item: str(item[0])):
        if not isinstance(value, str) or not value.strip():
            continue
        suffix = ".json" if str(key).endswith(".json") else ".yaml"
        try:
            embedded = text_targets(value, suffix, display, strict=False, offset=lines.get(key, 0), dialect=dialect)
        except ConfigError:
            continue  # a ConfigMap value that is not YAML/JSON (a script, a template) is not ours to judge
        targets.extend(embedded)
    return targets


_TOP_LEVEL_GROUPS = re.compile(r"groups:[ \t]*(#.*)?$")
_ITEM = re.compile(r"( *)- ")


def split_rule_file(text: str, parts: int) -> list[tuple[str, int]]:
    """Split a rule file (``groups:`` and nothing else at the top level) into up to ``parts``
    standalone YAML documents, each ``groups:`` with a run of whole groups, plus the number of lines
    before each run, so that workers can parse and lint one big file in parallel. Anything else
    comes back whole: ``[(text, 0)]``."""
    lines = text.splitlines(keepends=True)
    content = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    if parts < 2 or len(content) < 2 or not _TOP_LEVEL_GROUPS.match(lines[content[0]]):
        return [(text, 0)]
    first_item = _ITEM.match(lines[content[1]])
    if not first_item:
        return [(text, 0)]
    indent = first_item.group(1)
    starts = []
    for i in content[1:]:
        line = lines[i]
        if line.startswith(indent + "- "):
            starts.append(i)
        elif not line.startswith(indent + " "):
            return [(text, 0)]  # another top-level key, a document marker, flow style...
    size = -(-len(starts) // parts)
    chunks = []
    for first in range(0, len(starts), size):
        start = starts[first]
        end = starts[first + size] if first + size < len(starts) else len(lines)
        chunks.append(("groups:\n" + "".join(lines[start:end]), start - 1))
    return chunks


def _line(rule: dict[str, Any], key: str) -> int | None:
    lines = getattr(rule, "key_lines", {})
    return lines.get(key) or getattr(rule, "line", None) or None


def _rule_target(rule: dict[str, Any], display: str) -> AlertTarget | None:
    if "expr" in rule:  # Prometheus rule file
        name = as_text(rule.get("alert")) or as_text(rule.get("record")) or "?"
        return AlertTarget(
            name=name,
            kind="prometheus",
            source=Location(display, _line(rule, "alert") or _line(rule, "record")),
            for_=rule.get("for"),
            labels=dict(as_dict(rule.get("labels"))),
            annotations=dict(as_dict(rule.get("annotations"))),
            queries=[QuerySpec(None, "promql", as_text(rule["expr"]), _line(rule, "expr"))],
            recording="record" in rule,
        )
    if "data" in rule or "grafana_alert" in rule:
        body = as_dict(rule.get("grafana_alert")) or rule
        merged = {**rule, **body, "for": rule.get("for") or body.get("for")}
        return grafana_alert(merged, Location(display, _line(rule, "title") or _line(rule, "uid")))
    return None
