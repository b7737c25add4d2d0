"""Read input files, write the generated Python into a project, and prove each round trip.

Every generated file is verified by running *its text* (not the tree it was printed from) and
compiling the result, so the report's "exact" means: this file builds to the input.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import safeload
from ..compile import compile_dashboard, compile_rule_group
from ..errors import ConfigError, GdashError, Location
from ..output import write_if_changed
from ..validate import validate_dashboard
from .alerts import ImportedGroup, canonical_rule_group, import_rule_groups, is_grafana_rules, is_prometheus_rules
from .compare import differences, roundtrip_differences
from .dashboards import ImportedDashboard, import_dashboard
from .pysource import module_source


@dataclass
class ImportedFile:
    """One generated Python file and what the import of it had to say."""

    path: Path
    source: str
    what: str  # "dashboard 'Title' (uid)" or "alert groups api, hosts"
    escapes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # round-trip differences and skipped rules
    datasources: dict[str, str] = field(default_factory=dict)
    round_trip: bool = True  # False for Prometheus rules: a translation, there is no Grafana input to equal
    panels: int = 0  # panels of an imported dashboard (rows not counted)
    extra_lines: int = 0  # lines of the generated file that use the escape hatch (extra=)

    @property
    def residue(self) -> float:
        """``extra=`` lines per panel: how much of the dashboard the helpers could not say."""
        return self.extra_lines / self.panels if self.panels else 0.0


@dataclass
class ImportReport:
    files: list[ImportedFile] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    @property
    def lost(self) -> list[str]:
        return [f"{f.path.name}: {item}" for f in self.files for item in f.lost]

    @property
    def residue(self) -> tuple[int, int]:
        """(``extra=`` lines, panels) over every imported dashboard."""
        return sum(f.extra_lines for f in self.files), sum(f.panels for f in self.files)

    def datasources(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for imported in self.files:
            for name, uid in imported.datasources.items():
                found.setdefault(name, set()).add(uid)
        return found


def read_document(path: Path) -> Any:
    """A JSON or YAML file's content; a parse error becomes one line naming file and line.

    Read with gdash's bounded loaders (:mod:`gdash.safeload`): a ``.json`` file is JSON; any other
    file is tried as JSON, then as YAML (JSON is YAML too, but JSON's errors are clearer)."""
    display = str(path)
    text = safeload.read_text(path, display)
    try:
        return safeload.load_json(text, display)
    except safeload.InputError as json_error:
        if path.suffix.lower() == ".json":
            json_error.hint = json_error.hint or "export the dashboard again from Grafana"
            raise
    return safeload.load_yaml(text, display)


def module_name(text: str) -> str:
    """A file name that is also a valid, readable module name."""
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "imported"
    return f"d_{name}" if name[0].isdigit() else name


def _run_source(source: str, filename: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": f"gdash_import_check.{Path(filename).stem}"}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - the code we just generated
    return namespace


def _named(difference: str, model: dict[str, Any]) -> str:
    """``panels[5].gridPos.y: ...`` -> ``row 'Locks': gridPos.y: ...`` (canonical form keeps panel order)."""
    match = re.match(r"panels\[(\d+)\](?:\.panels\[(\d+)\])?\.?", difference)
    if not match:
        return difference
    try:
        panel = model["panels"][int(match[1])]
        if match[2] is not None:
            panel = panel["panels"][int(match[2])]
    except (KeyError, IndexError, TypeError):
        return difference
    kind = "row" if panel.get("type") == "row" else "panel"
    return f"{kind} {panel.get('title', '')!r}: {difference[match.end() :]}"


def extra_lines(source: str) -> int:
    """Uses of the escape hatch in generated code (``extra=`` / ``extraJson=`` keyword arguments,
    found by tokenizing, so a string that mentions extra= is not counted): the residue reported."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
    ]
    return sum(
        1
        for name, equals in zip(tokens, tokens[1:])
        if name.type == tokenize.NAME and name.string in ("extra", "extraJson") and equals.string == "="
    )


def _panel_count(model: dict[str, Any]) -> int:
    count = 0
    for panel in model.get("panels") or []:
        if isinstance(panel, dict):
            count += panel.get("type") != "row"
            count += sum(1 for child in panel.get("panels") or [] if isinstance(child, dict))
    return count


def dashboard_file(imported: ImportedDashboard, path: Path, origin: str) -> ImportedFile:
    """The generated file, proven the way ``gdash build`` proves a dashboard: its *text* is run,
    compiled and schema-validated, and the compiled model compared with the (migrated) input."""
    source = module_source(
        f"{imported.title}: imported from {origin} by `gdash import`.", [("dashboard", imported.tree)]
    )
    lost: list[str] = []
    try:
        board = _run_source(source, str(path))["dashboard"]
        compiled = compile_dashboard(board, root=path.parent, default_folder="General", fallback=Location(str(path)))
    except GdashError as error:
        lost.append(f"build: {error.message}")
    except Exception as error:  # noqa: BLE001 - a generated file that does not build is reported, not raised
        lost.append(f"build: {type(error).__name__}: {error}"[:300])
    else:
        lost += [f"invalid: {problem.path}: {problem.message}"[:300] for problem in validate_dashboard(compiled)]
        lost += [
            _named(line, imported.original)
            for line in roundtrip_differences(imported.original, compiled.model, imported.datasources)
        ]
    return ImportedFile(
        path,
        source,
        f"dashboard {imported.title!r} ({imported.uid})",
        imported.escapes,
        imported.notes,
        lost,
        imported.datasources,
        panels=_panel_count(imported.original),
        extra_lines=extra_lines(source),
    )


def alerts_file(groups: list[ImportedGroup], path: Path, origin: str) -> ImportedFile:
    kept = [g for g in groups if len(g.tree.args) > 1]  # a group whose rules were all skipped is not written
    source = module_source(
        f"Alert rules imported from {origin} by `gdash import`.", [("groups", [g.tree for g in kept])]
    )
    lost: list[str] = [item for g in groups for item in g.skipped]
    for group, obj in zip(kept, _run_source(source, str(path))["groups"]):
        if group.original:  # Grafana rules: prove the round trip; Prometheus rules are a translation
            compiled = compile_rule_group(obj, root=path.parent, fallback=Location(str(path))).to_provisioning()
            lost += differences(canonical_rule_group(group.original), canonical_rule_group(compiled, group.datasources))
    datasources = {name: uid for g in groups for name, uid in g.datasources.items()}
    names = ", ".join(g.name for g in kept) or "(none)"
    return ImportedFile(
        path,
        source,
        f"alert groups {names}",
        [],
        [n for g in groups for n in g.notes],
        lost,
        datasources,
        round_trip=all(g.original for g in kept),
    )


def import_document(
    document: Any, *, origin: str, dashboards_dir: Path, alerts_dir: Path, stem: str, folder: str | None = None
) -> list[ImportedFile]:
    """The files one input document becomes (a dashboard, a list of dashboards, or rule groups)."""
    location = Location(origin)
    if isinstance(document, dict) and (is_prometheus_rules(document) or is_grafana_rules(document)):
        groups = import_rule_groups(document, location=location, folder=folder)
        return [alerts_file(groups, alerts_dir / f"{module_name(stem)}.py", origin)]
    documents = document if isinstance(document, list) else [document]
    files = []
    for item in documents:
        imported = import_dashboard(item, location=location, folder=folder)
        files.append(dashboard_file(imported, dashboards_dir / f"{module_name(imported.uid)}.py", origin))
    return files


def write_files(files: list[ImportedFile], *, force: bool = False) -> ImportReport:
    """Write every file, or none: an existing file with other content is never replaced without ``force``."""
    report = ImportReport(files)
    seen: dict[Path, str] = {}
    for imported in files:
        if imported.path in seen:
            raise ConfigError(
                f"two inputs would both be written to {imported.path} ({seen[imported.path]} and {imported.what})",
                hint="import them separately with different --out directories",
            )
        seen[imported.path] = imported.what
        if not force and imported.path.exists() and imported.path.read_text(encoding="utf-8") != imported.source:
            raise ConfigError(
                f"{imported.path} already exists",
                location=Location(str(imported.path)),
                hint="pass --force to replace it, or --out to write somewhere else",
            )
    for imported in files:
        (report.written if write_if_changed(imported.path, imported.source) else report.unchanged).append(imported.path)
    return report


def import_paths(
    paths: Iterable[Path], *, dashboards_dir: Path, alerts_dir: Path, folder: str | None = None, force: bool = False
) -> ImportReport:
    """``gdash import``: every input file into ``dashboards_dir`` / ``alerts_dir``."""
    files: list[ImportedFile] = []
    for path in paths:
        files += import_document(
            read_document(path),
            origin=path.name,
            dashboards_dir=dashboards_dir,
            alerts_dir=alerts_dir,
            stem=path.stem,
            folder=folder,
        )
    return write_files(files, force=force)
