"""``gdash build``: write the compiled project as files, touching only what changed."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .managed_tree import WriteResult, read_manifest, write_managed_tree
from .compile.stored import dashboard_json
from .model import Project, folder_slug
from .output import dump_yaml
from .validate import alerting_document, notifications_document

MANIFEST = ".gdash-manifest.json"


def build_outputs(project: Project) -> dict[str, str]:
    """Relative path -> file content for every file a build writes."""
    outputs = {f"dashboards/{d.relpath}": dashboard_json(d) for d in project.dashboards}
    by_folder = defaultdict(list)
    for group in project.rule_groups:
        by_folder[folder_slug(group.folder)].append(group)
    for slug, groups in sorted(by_folder.items()):
        outputs[f"alerts/{slug}.yaml"] = dump_yaml(alerting_document(groups))
    notifications = notifications_document(project)
    if len(notifications) > 1:
        outputs["notifications.yaml"] = dump_yaml(notifications)
    return outputs


def write_build(project: Project, out: Path) -> WriteResult:
    """Write every output; remove files an earlier build wrote that no longer exist.

    Files gdash did not write (not in its manifest) are never touched or overwritten.
    """
    return write_managed_tree(out, build_outputs(project), manifest=MANIFEST)


def stale_outputs(project: Project, out: Path) -> list[str]:
    """Paths whose content in ``out`` differs from a fresh build (for ``gdash build --check``)."""
    outputs = build_outputs(project)
    differing = [
        relpath for relpath, content in sorted(outputs.items())
        if not (out / relpath).is_file() or (out / relpath).read_text(encoding="utf-8") != content
    ]
    extra = [relpath for relpath in read_manifest(out, MANIFEST)["files"] if relpath not in outputs and (out / relpath).exists()]
    return differing + sorted(extra)
