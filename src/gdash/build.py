"""``gdash build``: write the compiled project as files, touching only what changed."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .model import Project, folder_slug
from .output import dump_json, dump_yaml, write_if_changed
from .validate import alerting_document, notifications_document

MANIFEST = ".gdash-manifest.json"


def build_outputs(project: Project) -> dict[str, str]:
    """Relative path -> file content for every file a build writes."""
    outputs = {f"dashboards/{d.relpath}": dump_json(d.model) for d in project.dashboards}
    by_folder = defaultdict(list)
    for group in project.rule_groups:
        by_folder[folder_slug(group.folder)].append(group)
    for slug, groups in sorted(by_folder.items()):
        outputs[f"alerts/{slug}.yaml"] = dump_yaml(alerting_document(groups))
    notifications = notifications_document(project)
    if len(notifications) > 1:
        outputs["notifications.yaml"] = dump_yaml(notifications)
    return outputs


@dataclass
class BuildResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _previous_files(out: Path) -> list[str]:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def write_build(project: Project, out: Path) -> BuildResult:
    """Write every output atomically; remove files an earlier build wrote that no longer exist.

    Files gdash did not write (not in its manifest) are never touched.
    """
    outputs = build_outputs(project)
    result = BuildResult()
    for relpath, content in sorted(outputs.items()):
        (result.written if write_if_changed(out / relpath, content) else result.unchanged).append(relpath)
    for relpath in sorted(set(_previous_files(out)) - set(outputs)):
        stale = out / relpath
        if stale.is_file():
            stale.unlink()
            result.removed.append(relpath)
            _remove_empty_parents(stale.parent, out)
    write_if_changed(out / MANIFEST, dump_json({"files": sorted(outputs)}))
    return result


def _remove_empty_parents(directory: Path, stop: Path) -> None:
    while directory != stop and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


def stale_outputs(project: Project, out: Path) -> list[str]:
    """Paths whose content in ``out`` differs from a fresh build (for ``gdash build --check``)."""
    outputs = build_outputs(project)
    differing = [
        relpath for relpath, content in sorted(outputs.items())
        if not (out / relpath).is_file() or (out / relpath).read_text(encoding="utf-8") != content
    ]
    extra = [relpath for relpath in _previous_files(out) if relpath not in outputs and (out / relpath).exists()]
    return differing + sorted(extra)
