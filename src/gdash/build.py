"""``gdash build``: write the compiled project as files, touching only what changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path

from .compile.documents import alerting_document, notifications_document
from .compile.stored import dashboard_json
from .compile.v2 import effective_schema, project_schema, to_v2_resource
from .managed_tree import WriteResult, read_manifest, write_managed_tree
from .model import CompiledDashboard, Project, folder_slug
from .output import dump_json, dump_yaml

MANIFEST = ".gdash-manifest.json"


class _Outputs(Mapping):
    """Relative path -> content, each dashboard's text produced when it is looked up: a build of
    thousands of dashboards then holds one output string at a time, not all of them."""

    def __init__(self) -> None:
        self._items: dict[str, Callable[[], str]] = {}

    def __getitem__(self, relpath: str) -> str:
        return self._items[relpath]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __setitem__(self, relpath: str, content: str) -> None:
        self._items[relpath] = lambda: content

    def add_lazy(self, relpath: str, produce: Callable[[], str]) -> None:
        self._items[relpath] = produce

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())


def _v2_json(dashboard: CompiledDashboard) -> str:
    return dump_json(to_v2_resource(dashboard.model))


def build_outputs(project: Project) -> Mapping[str, str]:
    """Relative path -> file content for every file a build writes (read-only, produced lazily)."""
    outputs = _Outputs()
    default = project_schema(project.config)
    for d in project.dashboards:
        if effective_schema(d, default) == "v2":
            outputs.add_lazy(f"dashboards/{d.relpath}", partial(_v2_json, d))
        else:
            outputs.add_lazy(f"dashboards/{d.relpath}", partial(dashboard_json, d))
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
        relpath
        for relpath, content in sorted(outputs.items())
        if not (out / relpath).is_file() or (out / relpath).read_text(encoding="utf-8") != content
    ]
    extra = [
        relpath
        for relpath in read_manifest(out, MANIFEST)["files"]
        if relpath not in outputs and (out / relpath).exists()
    ]
    return differing + sorted(extra)
