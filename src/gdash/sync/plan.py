"""Compare the compiled project with a live Grafana and decide, per object, what a push would do.

Every object the project defines is compared with its live state (a *verified* no-op, not a trust in
hash tags) and judged by the one drift policy of :mod:`gdash.sync.drift`. Reads: one paged dashboard
list and one read per existing dashboard (through a :class:`~gdash.sync.transport.DashboardTransport`,
in parallel, bounded by ``concurrency``), one paged folder list, and (when the project has alerting)
one list of all alert rules, one GET per existing rule group of the project (the list has no
intervals), contact points, templates and the policy. Version history is read only for a dashboard
whose live state differs from the local one and whose last writer is not known from the push record.

A read that fails is reported on its object (verb ``error``: the run exits 1) and never stops the plan.
"""

from __future__ import annotations

import copy
import dataclasses
import fnmatch
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..compile.alerts import api_rule
from ..diff import DiffReport, diff_dashboards, diff_rule_groups, normalize_rule, render
from ..durations import parse_duration
from ..errors import ConfigError
from ..model import CompiledDashboard, CompiledRuleGroup, Project
from .client import GrafanaClient, SyncError
from .datasources import logical_names, referenced_datasources, resolve_against_live, rewrite_datasources
from .drift import (
    CONVERGED,
    DRIFT,
    OURS,
    Judgement,
    converged_by_hash,
    dashboard_state,
    digest,
    judge_dashboard,
    judge_object,
    last_push_kept,
)
from .environment import Environment
from .fingerprint import hash_tag, with_hash_tag, without_hash_tag
from .live import PROVISIONING, LiveFolders, get_rule_group, list_folders, rules_by_group
from .record import PushRecord
from .transport import DashboardTransport, LiveDashboard

ROOT_FOLDERS = ("", "General")
_SECRET = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
VERBS = ("create", "update", "delete", "unchanged", "conflict", "orphan", "error")
GRAFANA_DEFAULT_RECEIVER = "grafana-default-email"  # the policy of a fresh Grafana: nothing to lose
CHANGING = frozenset({"create", "update", "delete"})


class Deferred:
    """An :class:`Action` value computed on first read: a verified no-op never needs a dashboard's
    normalised state or datasource list, which cost more than reading and comparing it."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute = compute


class _Lazy:
    """A dataclass field that may be given a :class:`Deferred` (computed once, when first read)."""

    def __init__(self, default: Any) -> None:
        self.default = default

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self.default  # what the dataclass takes as the field's default
        value = obj.__dict__[self.slot]
        if isinstance(value, Deferred):
            value = obj.__dict__[self.slot] = value.compute()
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


@dataclass
class Action:
    kind: str  # folder | dashboard | rule-group | contact-point | template | mute-timing | policy
    key: str
    verb: str  # create | update | delete | unchanged | conflict | orphan | error
    title: str = ""
    folder: str = ""
    reason: str = ""
    diff: str = ""
    payload: Any = _Lazy(None)
    live: Any = None  # what is in Grafana now (backed up before an overwrite or delete)
    version: int | None = None  # live version the write is based on
    datasources: Any = _Lazy(Deferred(set))  # set[str]: real datasource uids the write needs
    state: Any = _Lazy(None)  # the comparable state the write must leave in Grafana (recorded after it succeeds)
    forced: bool = False  # drift overwritten because of --force

    @property
    def changes(self) -> bool:
        return self.verb not in ("unchanged", "orphan")

    @property
    def writes(self) -> bool:
        return self.verb in CHANGING

    def label(self) -> str:
        title = f' "{self.title}"' if self.title and self.title != self.key else ""
        where = f" in {self.folder}" if self.folder else ""
        return f"{self.kind} {self.key}{title}{where}"

    def describe(self) -> str:
        return f"{self.label()}: {self.reason}" if self.reason else self.label()


@dataclass
class Plan:
    environment: Environment
    actions: list[Action]
    verified: int = 0  # objects whose live state was read and compared
    notes: list[str] = field(default_factory=list)  # e.g. datasources resolved against the live Grafana
    missing_secrets: dict[str, list[str]] = field(default_factory=dict)  # variable -> contact points needing it

    def counts(self) -> dict[str, int]:
        counts = {verb: 0 for verb in VERBS}
        for action in self.actions:
            counts[action.verb] += 1
        return counts

    @property
    def changes(self) -> list[Action]:
        return [a for a in self.actions if a.changes]

    @property
    def orphans(self) -> list[Action]:
        return [a for a in self.actions if a.verb == "orphan"]

    @property
    def parallel_writes(self) -> int:
        """Dashboard and rule-group writes (what the progress bar counts)."""
        return sum(1 for a in self.changes if a.kind in ("dashboard", "rule-group") and a.writes)

    def render(self) -> str:
        env = self.environment
        lines = [f"plan for {env.name} ({env.url}):"]
        lines += [f"  {note}" for note in self.notes]
        lines += [f"  {a.verb:<9} {a.describe()}" for a in self.changes]
        lines += [f"  {a.verb:<9} {a.describe()}" for a in self.orphans]
        if not self.changes:
            lines.append("  nothing to do: everything is up to date")
        lines.append(
            f"verified {self.verified} object{'s' if self.verified != 1 else ''} against live Grafana; "
            + summary_line(self.counts())
        )
        return "\n".join(lines) + "\n"


def summary_line(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {verb}" for verb, n in counts.items() if n) or "0 objects"


def matches(pattern: str | None, *names: str) -> bool:
    return pattern is None or any(fnmatch.fnmatchcase(name, pattern) for name in names)


def raise_no_match(pattern: str, project: Project) -> None:
    """``--only`` that selects nothing is a usage error, never "up to date": a typo must not pass as a no-op."""
    names = sorted(
        {d.uid for d in project.dashboards}
        | {d.title for d in project.dashboards}
        | {g.name for g in project.rule_groups}
    )
    shown = ", ".join(names[:20]) + (f", ... ({len(names) - 20} more)" if len(names) > 20 else "")
    raise ConfigError(
        f"--only {pattern!r} matches no dashboard (uid or title) or rule group (name)",
        hint=f"the project defines: {shown or 'nothing'}",
    )


def make_plan(
    project: Project,
    env: Environment,
    client: GrafanaClient,
    *,
    prune: bool = False,
    force: bool = False,
    only: str | None = None,
    message: str = "gdash push",
    environ: Mapping[str, str] = os.environ,
    read_all: bool = False,
    routing: bool = True,
    transport: DashboardTransport | None = None,
    record: PushRecord | None = None,
    need_secrets: bool = True,
) -> Plan:
    """What a push would do (see the module docstring). ``routing=False`` skips contact points,
    templates and the notification policy; ``record`` is the push record (default: the project's);
    ``transport`` reads and writes dashboards (default: the legacy HTTP API). ``need_secrets=False``
    (dry run) plans contact points without their secrets. ``read_all`` is accepted for compatibility:
    every existing dashboard is always read."""
    if record is None:
        record = PushRecord(project.root, env.name, env.url)
    env, notes = resolve_datasources(project, env, client)
    if transport is None:  # Grafana 12+: /apis (sync/apis_transport.py); before: the classic API
        from .apis_transport import dashboard_transport

        transport = dashboard_transport(env, project)(client)
    planner = _Planner(
        project, env, client, prune=prune, force=force, only=only, message=message, transport=transport, record=record
    )
    planner.plan_folders()
    planner.plan_dashboards()
    planner.plan_rule_groups()
    if routing and only is None:  # routing is organisation-wide: pushed only with the whole project
        planner.plan_contact_points(environ, need_secrets=need_secrets)
        planner.plan_templates()
        planner.plan_mute_timings()
        planner.plan_policy()
    return Plan(env, planner.actions, verified=planner.verified, notes=notes, missing_secrets=planner.missing_secrets)


def resolve_datasources(project: Project, env: Environment, client: GrafanaClient) -> tuple[Environment, list[str]]:
    """With ``--url`` (no gdash.yaml environment), logical datasources without a mapping are looked up in
    the live Grafana (one ``GET /api/datasources``): uid, then name, then type; exactly one must match."""
    if not env.ad_hoc:
        return env, []
    used = logical_names([d.model for d in project.dashboards] + [g.rules for g in project.rule_groups])
    needed = {name: kinds for name, kinds in used.items() if name not in env.datasources}
    if not needed:
        return env, []
    mapping, notes = resolve_against_live(needed, client.get("/api/datasources") or [], url=env.url)
    return dataclasses.replace(env, datasources={**env.datasources, **mapping}), notes


def missing_secrets_error(missing: Mapping[str, list[str]]) -> ConfigError:
    """One error for every missing secret variable (never one per run)."""
    names = sorted(missing)
    detail = "; ".join(f"{name} (contact point {', '.join(sorted(set(missing[name])))})" for name in names)
    return ConfigError(
        f"{len(names)} secret environment variable{'s' if len(names) != 1 else ''} not set: {detail}",
        hint="export " + " ".join(f"{name}=..." for name in names),
    )


class _Planner:
    def __init__(
        self,
        project: Project,
        env: Environment,
        client: GrafanaClient,
        *,
        prune: bool,
        force: bool,
        only: str | None,
        message: str,
        transport: DashboardTransport,
        record: PushRecord,
    ):
        self.project, self.env, self.client = project, env, client
        self.prune, self.force, self.only, self.message = prune, force, only, message
        self.transport, self.record = transport, record
        self.actions: list[Action] = []
        self.verified = 0
        self.missing_secrets: dict[str, list[str]] = {}
        self.folder_uids: dict[str, str] = {}  # folder path -> uid ("" = root)
        self.live_folders = LiveFolders()
        self.dashboards = [d for d in project.dashboards if matches(only, d.uid, d.title)]
        self.groups = [g for g in project.rule_groups if matches(only, g.name)]
        if only is not None and not self.dashboards and not self.groups:
            raise_no_match(only, project)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        items = list(items)
        if len(items) <= 1:
            return [fn(i) for i in items]
        with ThreadPoolExecutor(max_workers=self.env.concurrency) as pool:
            return list(pool.map(fn, items))

    def apply_policy(self, action: Action, judgement: Judgement, live_text: Any = None, local_text: Any = None) -> None:
        """The one drift policy: converged -> unchanged; ours -> write; drift/foreign -> conflict or --force."""
        if judgement.verdict == CONVERGED:
            action.verb = "unchanged"
            return
        if judgement.verdict == OURS:
            return
        if self.force:
            action.forced = True
            action.reason = f"{judgement.why}; overwritten because of --force (live version backed up)"
            return
        action.verb = "conflict"
        action.reason = f"{judgement.why}; review with `gdash diff`, then push with --force to overwrite it"
        if live_text is not None or local_text is not None:
            action.diff = _text_diff(live_text, local_text)

    # -- folders ---------------------------------------------------------------------------

    def dashboard_folder(self, dashboard: CompiledDashboard) -> str:
        if self.env.folder and dashboard.folder == self.project.config.default_folder:
            return self.env.folder
        return dashboard.folder

    def plan_folders(self) -> None:
        titles = {self.dashboard_folder(d) for d in self.dashboards} | {g.folder for g in self.groups}
        if hasattr(self.transport, "list_folders"):  # /apis: folders are resources too
            self.live_folders = self.transport.list_folders(nested=self.env.nested_folders)
        else:
            self.live_folders = list_folders(self.client, nested=self.env.nested_folders)
        for title in sorted(titles):
            if title in ROOT_FOLDERS:
                self.folder_uids[title] = ""
                continue
            parts = title.split("/") if self.env.nested_folders else [title]
            parent = ""
            for depth, part in enumerate(parts, start=1):
                path = "/".join(parts[:depth])
                if path not in self.folder_uids:
                    uid = self.live_folders.find(part, parent)
                    if uid is None:
                        uid = self._renamed_folder(path, part, parent)
                    if uid is None:
                        uid = self._new_folder_uid(path)
                        payload = {"uid": uid, "title": part, **({"parentUid": parent} if parent else {})}
                        self.actions.append(
                            Action(
                                "folder",
                                uid,
                                "create",
                                title=part,
                                payload=payload,
                                state={"title": part, "parentUid": parent},
                            )
                        )
                    else:
                        self.verified += 1
                    self.folder_uids[path] = uid
                parent = self.folder_uids[path]

    def _renamed_folder(self, path: str, title: str, parent: str) -> str | None:
        """A folder gdash created that someone renamed in Grafana: drift (restored with --force)."""
        for uid, live in sorted(self.live_folders.by_uid.items()):
            entry = self.record.get("folder", uid)
            if entry is None or entry.digest != digest({"title": title, "parentUid": parent}):
                continue
            if live.get("parentUid", "") != parent:
                continue
            action = Action(
                "folder",
                uid,
                "update",
                title=title,
                live=dict(live),
                payload={"title": title, "overwrite": True},
                state={"title": title, "parentUid": parent},
            )
            self.apply_policy(
                action,
                Judgement(DRIFT, f"renamed in Grafana to {live.get('title')!r} since gdash created it"),
                live.get("title"),
                title,
            )
            self.verified += 1
            self.actions.append(action)
            return uid
        return None

    def _new_folder_uid(self, path: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:40] or "folder"
        taken = set(self.live_folders.by_uid) | set(self.folder_uids.values())
        if slug in taken:
            slug = f"{slug[:31]}-{hashlib.sha1(path.encode()).hexdigest()[:8]}"
        return slug

    # -- dashboards ------------------------------------------------------------------------

    def plan_dashboards(self) -> None:
        listed = self.transport.list_dashboards()
        cache = getattr(self.project, "compile_cache", None)  # set by load_project (gdash.cache)
        desired: dict[str, tuple[CompiledDashboard, _Desired, str]] = {}
        for dashboard in self.dashboards:
            wanted = _Desired(dashboard, self.env, cache)
            desired[dashboard.uid] = (dashboard, wanted, self.folder_uids[self.dashboard_folder(dashboard)])
        if cache is not None:
            try:
                cache.save_index()
            except OSError:
                pass

        existing = [uid for uid in desired if uid in listed]
        for uid in desired:
            if uid not in listed:
                dashboard, wanted, folder_uid = desired[uid]
                self.actions.append(self._dashboard_write("create", dashboard, wanted, folder_uid, None))

        def read_and_judge(uid: str) -> tuple[bool, Action]:
            """In a worker: read one live dashboard and decide (CPU work overlaps other workers' reads)."""
            dashboard, wanted, folder_uid = desired[uid]
            try:
                live = self.transport.read(uid)
            except SyncError as error:
                return False, Action(
                    "dashboard",
                    uid,
                    "error",
                    dashboard.title,
                    self.dashboard_folder(dashboard),
                    reason=f"could not read the live dashboard: {error.message}",
                )
            if live is None:  # deleted between the list and now
                return False, self._dashboard_write("create", dashboard, wanted, folder_uid, None)
            return True, self._dashboard_update(dashboard, wanted, folder_uid, live)

        for verified, action in self.map(read_and_judge, existing):
            self.verified += verified
            self.actions.append(action)
        self._dashboard_orphans(listed, set(desired))

    def _dashboard_orphans(self, listed: dict[str, Any], desired: set[str]) -> None:
        """Dashboards gdash manages (its hash tag) that the project no longer defines."""
        if self.only is not None and not self.prune:
            return
        orphans = [
            uid
            for uid, summary in sorted(listed.items())
            if uid not in desired and hash_tag(summary.tags) and matches(self.only, uid, summary.title)
        ]
        if not self.prune:
            for uid in orphans:
                summary = listed[uid]
                self.actions.append(
                    Action(
                        "dashboard",
                        uid,
                        "orphan",
                        summary.title,
                        summary.folder_title,
                        reason="managed by gdash but no longer in the project; use --prune to delete",
                    )
                )
            return

        def read(uid: str) -> LiveDashboard | SyncError | None:
            try:
                return self.transport.read(uid)
            except SyncError as error:
                return error

        for uid, live in zip(orphans, self.map(read, orphans)):
            summary = listed[uid]
            action = Action("dashboard", uid, "delete", summary.title, summary.folder_title)
            if isinstance(live, SyncError):
                action.verb, action.reason = "error", f"could not read the live dashboard: {live.message}"
            elif live is None:
                continue
            else:
                self.verified += 1
                action.live = _raw(live)
                action.version = live.version
                if live.provisioned:
                    action.verb, action.reason = "conflict", "provisioned from a file in Grafana; it cannot be deleted"
                else:
                    judgement = last_push_kept(
                        live, live.folder_uid, record=self.record.get("dashboard", uid), transport=self.transport
                    )
                    if judgement.conflicting:
                        self.apply_policy(
                            action, Judgement(DRIFT, f"{judgement.why}; the project no longer defines it")
                        )
                        action.reason = action.reason.replace("to overwrite it", "to delete it").replace(
                            "overwritten because", "deleted because"
                        )
            self.actions.append(action)

    def _dashboard_write(
        self,
        verb: str,
        dashboard: CompiledDashboard,
        wanted: _Desired,
        folder_uid: str,
        live: LiveDashboard | None,
    ) -> Action:
        """The write of ``wanted``; its payload, datasources and state are made when first read (an
        unchanged dashboard needs none of them)."""

        def payload() -> dict[str, Any]:
            model = dict(wanted.tagged)
            if live is not None:
                model["version"] = live.version
            return {"dashboard": model, "folderUid": folder_uid, "overwrite": False, "message": self.message}

        return Action(
            "dashboard",
            dashboard.uid,
            verb,
            dashboard.title,
            self.dashboard_folder(dashboard),
            payload=Deferred(payload),
            live=_raw(live) if live else None,
            version=live.version if live else None,
            datasources=Deferred(lambda: referenced_datasources(wanted.tagged)),
            state=Deferred(lambda: dashboard_state(wanted.tagged, folder_uid)),
        )

    def _dashboard_update(
        self, dashboard: CompiledDashboard, wanted: _Desired, folder_uid: str, live: LiveDashboard
    ) -> Action:
        action = self._dashboard_write("update", dashboard, wanted, folder_uid, live)
        if converged_by_hash(live, wanted.hash, folder_uid):  # before any normalisation (drift.py)
            action.verb = "unchanged"
            return action
        tagged = wanted.tagged
        if live.provisioned:
            if dashboard_state(live.model, live.folder_uid) == action.state:
                action.verb = "unchanged"
            else:
                action.verb = "conflict"
                action.reason = (
                    "provisioned from a file in Grafana; it cannot be changed through the API "
                    "(remove it from Grafana's provisioning, or give it another uid)"
                )
            return action
        try:
            judgement = judge_dashboard(
                live,
                tagged,
                folder_uid,
                record=self.record.get("dashboard", dashboard.uid),
                transport=self.transport,
                desired_state=action.state,
            )
        except SyncError as error:
            action.verb, action.reason = "error", f"could not read the dashboard's history: {error.message}"
            return action
        self.apply_policy(action, judgement)
        if action.writes and not live.can_save:  # a permission a read can check: a dry run sees it too
            action.verb = "error"
            action.reason = "gdash's credentials may not save this dashboard (Grafana answers canSave: false)"
            return action
        if action.forced:
            action.payload["overwrite"] = True
        if action.verb == "conflict":
            report = DiffReport(
                dashboards=[
                    diff_dashboards(
                        without_hash_tag(live.model),
                        without_hash_tag(tagged),
                        old_folder=live.folder_title or "General",
                        new_folder=(action.folder or "General").split("/")[-1],
                    )
                ],
                base_label="live",
                head_label="local",
            )
            action.diff = render(report, "text")
        return action

    # -- alert rule groups -----------------------------------------------------------------

    def plan_rule_groups(self) -> None:
        if not self.project.rule_groups:  # a project without alerting never touches (or prunes) alert rules
            return
        live = rules_by_group(self.client)
        desired_keys = set()
        bodies = []
        for group in self.groups:
            folder_uid = self.folder_uids[group.folder]
            if not folder_uid:
                self.actions.append(
                    Action(
                        "rule-group",
                        f"{group.folder}/{group.name}",
                        "conflict",
                        reason="Grafana keeps alert rules in folders, not at the root; give the AlertGroup a folder",
                    )
                )
                continue
            desired_keys.add((folder_uid, group.name))
            bodies.append((group, self._group_body(group, folder_uid)))

        def read(key: tuple[str, str]) -> Any:
            try:
                return get_rule_group(self.client, *key)
            except SyncError as error:
                return error

        existing = [key for key in sorted(desired_keys) if key in live]
        live_groups = dict(zip(existing, self.map(read, existing)))
        for group, body in bodies:
            key = (body["folderUid"], body["title"])
            action = Action(
                "rule-group",
                f"{group.folder}/{group.name}",
                "create",
                folder=group.folder,
                payload=body,
                datasources=referenced_datasources(body["rules"]),
                state=group_state(body),
            )
            live_group = live_groups.get(key)
            if isinstance(live_group, SyncError):
                action.verb, action.reason = "error", f"could not read the live rule group: {live_group.message}"
            elif live_group is not None:
                self.verified += 1
                action.live, action.verb = live_group, "update"
                action.version = None
                self.apply_policy(
                    action,
                    judge_object(
                        group_state(live_group),
                        action.state,
                        record=self.record.get("rule-group", "/".join(key)),
                        written_through_api=all(r.get("provenance") == "api" for r in live_group["rules"]),
                    ),
                    _group_text(live_group, group.folder),
                    _group_text(body, group.folder),
                )
            self.actions.append(action)

        # provenance "api" marks rules written through the provisioning API (not UI, not files)
        for (folder_uid, name), rules in sorted(live.items()):
            managed = all(r.get("provenance") == "api" for r in rules)
            if (folder_uid, name) in desired_keys or not managed or not matches(self.only, name):
                continue
            if self.only is not None and not self.prune:
                continue
            folder = self.live_folders.title(folder_uid)
            orphan = {"title": name, "folderUid": folder_uid, "rules": rules}
            action = Action("rule-group", f"{folder}/{name}", "delete", folder=folder, live=orphan)
            if not self.prune:
                action.verb, action.reason = (
                    "orphan",
                    "managed by gdash but no longer in the project; use --prune to delete",
                )
            else:
                try:
                    live_group = get_rule_group(self.client, folder_uid, name)
                except SyncError as error:
                    action.verb, action.reason = "error", f"could not read the live rule group: {error.message}"
                    live_group = None
                if live_group is not None:
                    self.verified += 1
                    action.live = live_group
                    entry = self.record.get("rule-group", f"{folder_uid}/{name}")
                    if entry is not None and entry.digest != digest(group_state(live_group)):
                        self.apply_policy(
                            action,
                            Judgement(
                                DRIFT, "changed in Grafana since gdash pushed it; the project no longer defines it"
                            ),
                        )
                        action.reason = action.reason.replace("to overwrite it", "to delete it").replace(
                            "overwritten because", "deleted because"
                        )
            self.actions.append(action)

    def grafana_major(self) -> int | None:
        """The Grafana major version (rule fields differ between 11 and 12+; sync/target.py)."""
        major = getattr(self.transport, "major", None)
        if major is None:
            from .target import target

            major = target(self.env, self.client).major
        return major

    def _group_body(self, group: CompiledRuleGroup, folder_uid: str) -> dict[str, Any]:
        rules = rewrite_datasources(group.rules, self.env.datasources, environment=self.env.name, source=group.source)
        org_id = self.env.org_id or 1
        return {
            "title": group.name,
            "folderUid": folder_uid,
            "interval": parse_duration(group.interval) // 1000,
            "rules": [
                dict(
                    with_query_defaults(api_rule(rule, self.grafana_major())),
                    orgID=org_id,
                    folderUID=folder_uid,
                    ruleGroup=group.name,
                )
                for rule in rules
            ],
        }

    # -- notification routing --------------------------------------------------------------

    def plan_contact_points(self, environ: Mapping[str, str], *, need_secrets: bool = True) -> None:
        if not self.project.contact_points:
            return
        live = {p["uid"]: p for p in self.client.get(f"{PROVISIONING}/contact-points")}
        for point in self.project.contact_points:
            for receiver in point["receivers"]:
                secrets = {k for k, v in receiver["settings"].items() if isinstance(v, str) and _SECRET.match(v)}
                for key in sorted(secrets):
                    variable = _SECRET.match(receiver["settings"][key]).group(1)  # type: ignore[union-attr]
                    if not environ.get(variable):
                        self.missing_secrets.setdefault(variable, []).append(point["name"])
                body = {
                    "uid": receiver["uid"],
                    "name": point["name"],
                    "type": receiver["type"],
                    "settings": _resolve_secrets(receiver["settings"], environ, self.client.add_secret),
                    "disableResolveMessage": bool(receiver.get("disableResolveMessage")),
                }
                current = live.get(receiver["uid"])
                action = Action(
                    "contact-point",
                    receiver["uid"],
                    "create",
                    point["name"],
                    payload=body,
                    state=_public(body, secrets),
                )
                if current is not None:
                    self.verified += 1
                    action.verb = "update"
                    action.live = dict(_public(current, secrets), uid=current.get("uid"))  # backups hold no secret
                    judgement = judge_object(
                        _public(current, secrets),
                        action.state,
                        record=self.record.get("contact-point", receiver["uid"]),
                        written_through_api=current.get("provenance") == "api",
                    )
                    self.apply_policy(action, judgement, _public(current, secrets), action.state)
                    if action.verb == "unchanged" and secrets and self.force:
                        action.verb = "update"
                        action.reason = "secrets sent again because of --force (Grafana never shows them)"
                self.actions.append(action)

    def plan_templates(self) -> None:
        if not self.project.templates:
            return
        live = {t["name"]: t for t in self.client.get(f"{PROVISIONING}/templates")}
        for template in self.project.templates:
            current = live.get(template["name"])
            body = {"template": template["template"], **({"version": current["version"]} if current else {})}
            action = Action(
                "template", template["name"], "create", payload=body, state={"template": template["template"]}
            )
            if current is not None:
                self.verified += 1
                action.verb, action.live = "update", current
                self.apply_policy(
                    action,
                    judge_object(
                        {"template": current.get("template")},
                        action.state,
                        record=self.record.get("template", template["name"]),
                        written_through_api=current.get("provenance") == "api",
                    ),
                    current.get("template"),
                    template["template"],
                )
            self.actions.append(action)

    def plan_mute_timings(self) -> None:
        """Mute timings by name, under the same drift policy as templates; pushed before the policy
        tree, whose routes name them (Grafana refuses a route with an unknown mute timing)."""
        if not self.project.mute_timings:
            return
        live = {t.get("name"): t for t in self.client.get(f"{PROVISIONING}/mute-timings") or []}
        for timing in self.project.mute_timings:
            current = live.get(timing["name"])
            state = {"time_intervals": timing["time_intervals"]}
            body = {
                "name": timing["name"],
                "time_intervals": timing["time_intervals"],
                **({"version": current["version"]} if current and current.get("version") else {}),
            }
            action = Action("mute-timing", timing["name"], "create", payload=body, state=state)
            if current is not None:
                self.verified += 1
                live_state = {"time_intervals": current.get("time_intervals") or []}
                action.verb, action.live = "update", current
                self.apply_policy(
                    action,
                    judge_object(
                        live_state,
                        state,
                        record=self.record.get("mute-timing", timing["name"]),
                        written_through_api=current.get("provenance") == "api",
                    ),
                    live_state,
                    state,
                )
            self.actions.append(action)

    def plan_policy(self) -> None:
        if not self.project.policies:
            return
        body = _without_none({k: v for k, v in self.project.policies.items() if k != "orgId"})
        current = self.client.get(f"{PROVISIONING}/policies")
        live = _without_none({k: v for k, v in current.items() if k != "provenance"})
        self.verified += 1
        action = Action("policy", "notification-policy", "update", payload=body, live=live, state=body)
        pristine = not live.get("routes") and live.get("receiver") == GRAFANA_DEFAULT_RECEIVER
        self.apply_policy(
            action,
            judge_object(
                live,
                body,
                record=self.record.get("policy", "notification-policy"),
                written_through_api=current.get("provenance") == "api" or pristine,
            ),
            live,
            body,
        )
        self.actions.append(action)


class _Desired:
    """What a push wants one dashboard to be: the model it sends (datasources mapped, hash-tagged) and
    that model's hash. The hash is recalled from the compile cache when this output was mapped with
    these datasources before (no parsing at all); the model is made on first use."""

    def __init__(self, dashboard: CompiledDashboard, env: Environment, cache: Any) -> None:
        self.dashboard, self.env = dashboard, env
        self._tagged: dict[str, Any] | None = None
        identity = getattr(dashboard, "identity", lambda: None)()
        recalled = cache.recall(_HASH_MEMO, identity, dict(env.datasources)) if cache and identity else None
        if recalled is not None:
            self.hash = recalled
            return
        self.hash = self._make()  # here, in the planner's thread: a missing mapping fails in file order
        if cache is not None and identity is not None:
            cache.remember(_HASH_MEMO, identity, dict(env.datasources), self.hash)

    def _make(self) -> str:
        model = rewrite_datasources(
            self.dashboard.model, self.env.datasources, environment=self.env.name, source=self.dashboard.source
        )
        self._tagged, digest = with_hash_tag(model)
        return digest

    @property
    def tagged(self) -> dict[str, Any]:
        if self._tagged is None:
            self._make()
        assert self._tagged is not None
        return self._tagged


_HASH_MEMO = "push-hash"  # gdash.cache memo: the fingerprint of a dashboard output mapped to an environment


def group_state(group: dict[str, Any]) -> dict[str, Any]:
    """What a rule group means (API shape: ``title``, ``interval`` in seconds, ``rules``)."""
    return {"interval": group.get("interval"), "rules": _rule_set(group.get("rules") or [])}


def with_query_defaults(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule as Grafana stores it: AlertQuery.PreSave fills in these defaults, so sending them
    keeps the live rule equal to the local one (no update on every push)."""
    rule = copy.deepcopy(rule)
    for query in rule["data"]:
        query.setdefault("queryType", "")
        query.setdefault("relativeTimeRange", {"from": 0, "to": 0})
        model = query.setdefault("model", {})
        model.setdefault("intervalMs", 1000)
        model["maxDataPoints"] = model.get("maxDataPoints") or 43200
    return rule


def _raw(live: LiveDashboard) -> dict[str, Any]:
    """``{"dashboard", "meta"}`` as the legacy API answers it (what backups and ``gdash diff`` read)."""
    if live.raw is not None and "dashboard" in live.raw:
        return live.raw
    return {
        "dashboard": live.model,
        "meta": {
            "folderUid": live.folder_uid,
            "folderTitle": live.folder_title,
            "version": live.version,
            "updatedBy": live.updated_by,
            "provisioned": live.provisioned,
        },
    }


def _text_diff(old: Any, new: Any) -> str:
    """A short line diff of two alerting objects (templates, contact points, policies) for a conflict."""
    import difflib
    import json

    def lines(value: Any) -> list[str]:
        text = value if isinstance(value, str) else json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
        return text.splitlines()

    diff = difflib.unified_diff(lines(old), lines(new), "live", "local", lineterm="", n=1)
    return "\n".join(diff) + "\n"


def _group_text(group: dict[str, Any], folder: str) -> str:
    report = DiffReport(
        rule_groups=[
            diff_rule_groups(
                None,
                {
                    "name": group["title"],
                    "folder": folder,
                    "interval": f"{group.get('interval', 0)}s",
                    "rules": group["rules"],
                },
            )
        ]
    )
    return render(report, "text")


def _rule_set(rules: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {rule["uid"]: normalize_rule(rule) for rule in rules}


def _resolve_secrets(
    settings: dict[str, Any], environ: Mapping[str, str], register: Callable[[str], None]
) -> dict[str, Any]:
    """Settings with ``${VAR}`` replaced (each value ``register``-ed for redaction); a missing variable
    stays a placeholder (listed by the planner)."""
    resolved = {}
    for key, value in settings.items():
        match = _SECRET.match(value) if isinstance(value, str) else None
        if match and environ.get(match.group(1)):
            value = environ[match.group(1)]
            register(value)
        resolved[key] = value
    return resolved


def _public(point: dict[str, Any], secrets: set[str]) -> dict[str, Any]:
    """What can be compared of a contact point: Grafana never returns secret settings in clear."""
    settings = {k: v for k, v in (point.get("settings") or {}).items() if k not in secrets}
    return {
        "name": point.get("name"),
        "type": point.get("type"),
        "settings": settings,
        "disableResolveMessage": bool(point.get("disableResolveMessage")),
    }


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value
