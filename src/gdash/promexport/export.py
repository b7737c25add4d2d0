"""``gdash export prometheus`` as a library call: translate, write the managed tree, optionally check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..managed_tree import WriteResult, write_managed_tree
from ..model import Project
from .rules import TranslatedRule, TranslationError, prometheus_rule_files, translate_project
from .tools import check_rule_files

EXPORT_MANIFEST = ".gdash-export.json"


@dataclass(frozen=True)
class PrometheusExport:
    translated: list[TranslatedRule]
    refused: list[TranslationError]  # rules with no exact Prometheus equivalent, skipped
    tree: WriteResult
    check_report: str | None  # promtool's complaint, when checked and it failed


def export_prometheus(project: Project, out: Path, *, check: bool = False) -> PrometheusExport:
    """Write one Prometheus rule file per folder into ``out`` (a managed tree: only gdash's own files change)."""
    translated, refused = translate_project(project)
    outputs = prometheus_rule_files(translated)
    if project.recording_rules:  # the recording rules SLO(...) generates
        from ..output import dump_yaml
        from ..slo import RECORDING_RULES_FILE

        outputs[RECORDING_RULES_FILE] = dump_yaml({"groups": project.recording_rules})
    tree = write_managed_tree(out, outputs, manifest=EXPORT_MANIFEST)
    report = check_rule_files([out / relpath for relpath in sorted(outputs)]) if check else None
    return PrometheusExport(translated, refused, tree, report or None)
