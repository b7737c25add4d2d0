"""The result types of a semantic diff: plain dataclasses every renderer (and `gdash push`) reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .words import WordSegment


class _Absent:
    """Marks a field that exists on one side only (distinct from a JSON ``null``)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()

Status = Literal["added", "removed", "changed", "moved", "unchanged"]


@dataclass(frozen=True)
class FieldChange:
    """One changed leaf: ``path`` such as ``targets[A].expr`` or ``fieldConfig.defaults.unit``.

    ``old``/``new`` are JSON values, or ``ABSENT`` when the field exists on one side only.
    ``words`` is an inline word diff for text such as queries (None for other values).
    """

    path: str
    old: Any
    new: Any
    words: tuple[WordSegment, ...] | None = None


@dataclass
class ItemChange:
    """A panel, row or alert rule that was added, removed, changed and/or moved.

    ``kind`` is ``"panel"``, ``"row"`` or ``"rule"``; ``key`` is the stable identity it was matched
    by; ``summary`` describes an added or removed item in one line (type, row, queries);
    ``layout`` holds human sentences such as ``moved from row 'Latency' to row 'Errors'``.
    ``grid`` is the panel's gridPos (x, y, w, h) in the new version (the old one if removed).
    """

    kind: str
    key: str
    title: str
    added: bool = False
    removed: bool = False
    fields: list[FieldChange] = field(default_factory=list)
    layout: list[str] = field(default_factory=list)
    summary: str = ""
    grid: tuple[int, int, int, int] | None = None

    @property
    def status(self) -> Status:
        return _status(self.added, self.removed, "changed" if self.fields else "moved" if self.layout else "unchanged")


def _status(added: bool, removed: bool, otherwise: Status) -> Status:
    return "added" if added else "removed" if removed else otherwise


def count_items(items: list[ItemChange]) -> dict[str, int]:
    """Counts per status; an item both edited and moved counts in ``changed`` and ``moved``."""
    counts = {"added": 0, "removed": 0, "changed": 0, "moved": 0}
    for item in items:
        if item.added or item.removed:
            counts[item.status] += 1
            continue
        if item.fields:
            counts["changed"] += 1
        if item.layout:
            counts["moved"] += 1
    return counts


@dataclass(kw_only=True)
class _VersionedDiff:
    """What dashboards and rule groups have in common: added/removed flags, own settings, items."""

    added: bool = False
    removed: bool = False
    settings: list[FieldChange] = field(default_factory=list)  # fields of the dashboard / group itself
    items: list[ItemChange] = field(default_factory=list)  # panels and rows, or rules

    @property
    def changed(self) -> bool:
        return self.added or self.removed or bool(self.settings) or bool(self.items)

    @property
    def status(self) -> Status:
        return _status(self.added, self.removed, "changed" if self.changed else "unchanged")

    def counts(self) -> dict[str, int]:
        return count_items(self.items)


@dataclass(kw_only=True)
class DashboardDiff(_VersionedDiff):
    """Differences between two versions of one dashboard (matched by uid); settings are title, tags, variables ..."""

    uid: str
    title: str
    old_title: str | None = None
    folder: str | None = None

    @property
    def renamed(self) -> bool:
        return self.old_title is not None and self.old_title != self.title


@dataclass(kw_only=True)
class RuleGroupDiff(_VersionedDiff):
    """Differences between two versions of one alert rule group (matched by folder and name); settings: interval."""

    folder: str
    name: str


@dataclass
class DiffReport:
    """Everything that changed between two versions of a project; only changed entries are kept."""

    dashboards: list[DashboardDiff] = field(default_factory=list)
    rule_groups: list[RuleGroupDiff] = field(default_factory=list)
    base_label: str = "base"
    head_label: str = "head"

    @property
    def changed(self) -> bool:
        return any(d.changed for d in self.dashboards) or any(g.changed for g in self.rule_groups)
