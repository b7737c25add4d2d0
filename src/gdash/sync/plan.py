"""Compare the compiled project with a live Grafana and decide, per object, what a push would do.

Reads: one paged search for all dashboards, one paged folder list, one GET per dashboard whose hash
tag differs from the local one, and (when the project has alerting) one list of all alert rules, one
GET per existing rule group of the project (the list has no intervals), contact points, templates
and the policy.
"""
from __future__ import annotations

import copy
import fnmatch
import hashlib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from ..compile.alerts import api_rule
from ..diff import DiffReport, diff_dashboards, normalize_rule, render
from ..errors import ConfigError
from ..model import CompiledDashboard, CompiledRuleGroup, Project
from .client import GrafanaClient
from .datasources import referenced_datasources, rewrite_datasources
from ..durations import parse_duration
from .environment import Environment
from .fingerprint import edited_since_push, fingerprint, hash_tag, with_hash_tag, without_hash_tag
from .live import (LiveFolders, get_dashboard, get_rule_group, list_folders, rules_by_group, search_dashboards,
                   PROVISIONING)

ROOT_FOLDERS = ("", "General")
_SECRET = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


@dataclass
class Action:
    kind: str  # folder | dashboard | rule-group | contact-point | template | policy
    key: str
    verb: str  # create | update | delete | unchanged | conflict
    title: str = ""
    folder: str = ""
    reason: str = ""
    diff: str = ""
    payload: Any = None
    live: Any = None  # what is in Grafana now (backed up before an overwrite or delete)
    version: int | None = None  # live version the write is based on
    datasources: set[str] = field(default_factory=set)

    @property
    def changes(self) -> bool:
        return self.verb != "unchanged"

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

    def counts(self) -> dict[str, int]:
        counts = {verb: 0 for verb in ("create", "update", "delete", "unchanged", "conflict")}
        for action in self.actions:
            counts[action.verb] += 1
        return counts

    @property
    def changes(self) -> list[Action]:
        return [a for a in self.actions if a.changes]

    @property
    def parallel_writes(self) -> int:
        """Dashboard and rule-group writes (what the progress bar counts)."""
        return sum(1 for a in self.changes if a.kind in ("dashboard", "rule-group") and a.verb != "conflict")

    def render(self) -> str:
        env = self.environment
        lines = [f"plan for {env.name} ({env.url}):"]
        lines += [f"  {a.verb:<9} {a.describe()}" for a in self.changes]
        if not self.changes:
            lines.append("  nothing to do: everything is up to date")
        lines.append(summary_line(self.counts()))
        return "\n".join(lines) + "\n"


def summary_line(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {verb}" for verb, n in counts.items() if n) or "0 objects"


def matches(pattern: str | None, *names: str) -> bool:
    return pattern is None or any(fnmatch.fnmatchcase(name, pattern) for name in names)


def raise_no_match(pattern: str, project: Project) -> None:
    """``--only`` that selects nothing is a usage error, never "up to date": a typo must not pass as a no-op."""
    names = sorted({d.uid for d in project.dashboards} | {d.title for d in project.dashboards}
                   | {g.name for g in project.rule_groups})
    shown = ", ".join(names[:20]) + (f", ... ({len(names) - 20} more)" if len(names) > 20 else "")
    raise ConfigError(f"--only {pattern!r} matches no dashboard (uid or title) or rule group (name)",
                      hint=f"the project defines: {shown or 'nothing'}")


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
) -> Plan:
    """What a push would do. ``read_all`` reads every live dashboard instead of trusting hash tags
    (for ``gdash diff``, which must also see edits made in the UI); ``routing=False`` skips contact
    points, templates and the notification policy."""
    planner = _Planner(project, env, client, prune=prune, force=force, only=only, message=message, read_all=read_all)
    from .target import target  # Grafana 12+: dashboards and folders through /apis

    chosen = target(env, client)
    planner.grafana_major = chosen.major
    if chosen.apis:
        from ..compile.v2 import project_schema
        from .apis_plan import ApisPlanner

        apis = ApisPlanner(client, chosen, env_name=env.name, datasources=dict(env.datasources),
                           nested_folders=env.nested_folders, prune=prune, force=force, only=only, message=message,
                           read_all=read_all, folder_of=planner.dashboard_folder,
                           default_schema=env.dashboard_schema or project_schema(project.config))
        apis.plan_folders({planner.dashboard_folder(d) for d in planner.dashboards} | {g.folder for g in planner.groups})
        apis.plan_dashboards(planner.dashboards)
        planner.actions, planner.folder_uids = apis.result.actions, apis.result.folder_uids
        planner.live_folders = apis.result.live_folders
    else:
        planner.plan_folders()
        planner.plan_dashboards()
    planner.plan_rule_groups()
    if routing and only is None:  # routing is organisation-wide: pushed only with the whole project
        planner.plan_contact_points(environ)
        planner.plan_templates()
        planner.plan_policy()
    return Plan(env, planner.actions)


class _Planner:
    def __init__(self, project: Project, env: Environment, client: GrafanaClient, *, prune: bool, force: bool,
                 only: str | None, message: str, read_all: bool):
        self.project, self.env, self.client = project, env, client
        self.prune, self.force, self.only, self.message = prune, force, only, message
        self.read_all = read_all
        self.grafana_major: int | None = None  # set by make_plan from the transport
        self.actions: list[Action] = []
        self.folder_uids: dict[str, str] = {}  # folder path -> uid ("" = root)
        self.live_folders = LiveFolders()
        self.dashboards = [d for d in project.dashboards if matches(only, d.uid, d.title)]
        self.groups = [g for g in project.rule_groups if matches(only, g.name)]
        if only is not None and not self.dashboards and not self.groups:
            raise_no_match(only, project)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        with ThreadPoolExecutor(max_workers=self.env.concurrency) as pool:
            return list(pool.map(fn, items))

    # -- folders ---------------------------------------------------------------------------

    def dashboard_folder(self, dashboard: CompiledDashboard) -> str:
        if self.env.folder and dashboard.folder == self.project.config.default_folder:
            return self.env.folder
        return dashboard.folder

    def plan_folders(self) -> None:
        titles = {self.dashboard_folder(d) for d in self.dashboards} | {g.folder for g in self.groups}
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
                        uid = self._new_folder_uid(path)
                        payload = {"uid": uid, "title": part, **({"parentUid": parent} if parent else {})}
                        self.actions.append(Action("folder", uid, "create", title=part, payload=payload))
                    self.folder_uids[path] = uid
                parent = self.folder_uids[path]

    def _new_folder_uid(self, path: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:40] or "folder"
        taken = set(self.live_folders.by_uid) | set(self.folder_uids.values())
        if slug in taken:
            slug = f"{slug[:31]}-{hashlib.sha1(path.encode()).hexdigest()[:8]}"
        return slug

    # -- dashboards ------------------------------------------------------------------------

    def plan_dashboards(self) -> None:
        hits = search_dashboards(self.client)
        desired: dict[str, tuple[CompiledDashboard, dict[str, Any], str, str]] = {}
        for dashboard in self.dashboards:
            model = rewrite_datasources(dashboard.model, self.env.datasources, environment=self.env.name,
                                        source=dashboard.source)
            tagged, digest = with_hash_tag(model)
            desired[dashboard.uid] = (dashboard, tagged, digest, self.folder_uids[self.dashboard_folder(dashboard)])

        unsure = []
        for uid, (dashboard, tagged, digest, folder_uid) in desired.items():
            hit = hits.get(uid)
            folder = self.dashboard_folder(dashboard)
            if hit is None:
                self.actions.append(self._dashboard_write("create", dashboard, tagged, folder_uid, None))
            elif not self.read_all and hash_tag(hit.get("tags")) == digest and hit.get("folderUid", "") == folder_uid:
                self.actions.append(Action("dashboard", uid, "unchanged", dashboard.title, folder))
            else:
                unsure.append(uid)

        for uid, live in zip(unsure, self.map(lambda u: get_dashboard(self.client, u), unsure)):
            dashboard, tagged, _, folder_uid = desired[uid]
            if live is None:  # deleted between the search and now
                self.actions.append(self._dashboard_write("create", dashboard, tagged, folder_uid, None))
            else:
                self.actions.append(self._dashboard_update(dashboard, tagged, folder_uid, live))

        if self.prune:  # gdash's hash tag marks the dashboards it manages
            for uid, hit in sorted(hits.items()):
                if uid not in desired and hash_tag(hit.get("tags")) and matches(self.only, uid, hit["title"]):
                    self.actions.append(Action("dashboard", uid, "delete", hit["title"], hit.get("folderTitle", "")))

    def _dashboard_write(self, verb: str, dashboard: CompiledDashboard, tagged: dict[str, Any], folder_uid: str,
                         live: dict[str, Any] | None) -> Action:
        model = dict(tagged)
        if live is not None:
            model["version"] = live["dashboard"].get("version")
        return Action(
            "dashboard", dashboard.uid, verb, dashboard.title, self.dashboard_folder(dashboard),
            payload={"dashboard": model, "folderUid": folder_uid, "overwrite": False, "message": self.message},
            live=live, version=live["dashboard"].get("version") if live else None,
            datasources=referenced_datasources(model),
        )

    def _dashboard_update(self, dashboard: CompiledDashboard, tagged: dict[str, Any], folder_uid: str,
                          live: dict[str, Any]) -> Action:
        live_model = live["dashboard"]
        action = self._dashboard_write("update", dashboard, tagged, folder_uid, live)
        if fingerprint(live_model) == fingerprint(tagged) and live.get("meta", {}).get("folderUid", "") == folder_uid:
            action.verb = "unchanged"
        elif live.get("meta", {}).get("provisioned"):
            action.verb = "conflict"
            action.reason = ("provisioned from a file in Grafana; it cannot be changed through the API "
                             "(remove it from Grafana's provisioning, or give it another uid)")
        elif edited_since_push(live_model):
            why = ("edited in Grafana since gdash pushed it" if hash_tag(live_model.get("tags"))
                   else "exists in Grafana but was not pushed by gdash")
            if self.force:
                action.payload["overwrite"] = True
                action.reason = f"{why}; overwritten because of --force (live version backed up)"
            else:
                action.verb = "conflict"
                action.reason = (f"{why} (live version {live_model.get('version')}); review with `gdash diff`, "
                                 "then push with --force to overwrite it")
                report = DiffReport(dashboards=[diff_dashboards(without_hash_tag(live_model),
                                                                without_hash_tag(tagged))],
                                    base_label="live", head_label="local")
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
                self.actions.append(Action("rule-group", f"{group.folder}/{group.name}", "conflict",
                                           reason="Grafana keeps alert rules in folders, not at the root; "
                                                  "give the AlertGroup a folder"))
                continue
            desired_keys.add((folder_uid, group.name))
            bodies.append((group, self._group_body(group, folder_uid)))

        existing = [key for key in desired_keys if key in live]
        live_groups = dict(zip(existing, self.map(lambda key: get_rule_group(self.client, *key), existing)))
        for group, body in bodies:
            action = Action("rule-group", f"{group.folder}/{group.name}", "create", folder=group.folder,
                            payload=body, datasources=referenced_datasources(body["rules"]))
            live_group = live_groups.get((body["folderUid"], body["title"]))
            if live_group is not None:
                action.live = live_group
                unchanged = (_rule_set(live_group["rules"]) == _rule_set(body["rules"])
                             and live_group["interval"] == body["interval"])
                action.verb = "unchanged" if unchanged else "update"
            self.actions.append(action)

        if self.prune:  # provenance "api" marks rules written through the provisioning API (not UI, not files)
            for (folder_uid, name), rules in sorted(live.items()):
                managed = all(r.get("provenance") == "api" for r in rules)
                if (folder_uid, name) not in desired_keys and managed and matches(self.only, name):
                    folder = self.live_folders.title(folder_uid)
                    self.actions.append(Action("rule-group", f"{folder}/{name}", "delete", folder=folder,
                                               live={"title": name, "folderUid": folder_uid, "rules": rules}))

    def _group_body(self, group: CompiledRuleGroup, folder_uid: str) -> dict[str, Any]:
        rules = rewrite_datasources(group.rules, self.env.datasources, environment=self.env.name, source=group.source)
        org_id = self.env.org_id or 1
        return {
            "title": group.name,
            "folderUid": folder_uid,
            "interval": parse_duration(group.interval) // 1000,
            "rules": [dict(with_query_defaults(api_rule(rule, self.grafana_major)), orgID=org_id,
                           folderUID=folder_uid, ruleGroup=group.name)
                      for rule in rules],
        }

    # -- notification routing --------------------------------------------------------------

    def plan_contact_points(self, environ: Mapping[str, str]) -> None:
        if not self.project.contact_points:
            return
        live = {p["uid"]: p for p in self.client.get(f"{PROVISIONING}/contact-points")}
        for point in self.project.contact_points:
            for receiver in point["receivers"]:
                secrets = {k for k, v in receiver["settings"].items() if isinstance(v, str) and _SECRET.match(v)}
                body = {"uid": receiver["uid"], "name": point["name"], "type": receiver["type"],
                        "settings": _resolve_secrets(receiver["settings"], point["name"], environ),
                        "disableResolveMessage": bool(receiver.get("disableResolveMessage"))}
                current = live.get(receiver["uid"])
                action = Action("contact-point", receiver["uid"], "create", point["name"], payload=body)
                if current is not None:
                    same = _public(current, secrets) == _public(body, secrets)
                    action.verb = "unchanged" if same and not (secrets and self.force) else "update"
                    if same and action.verb == "update":
                        action.reason = "secrets sent again because of --force (Grafana never shows them)"
                self.actions.append(action)

    def plan_templates(self) -> None:
        if not self.project.templates:
            return
        live = {t["name"]: t for t in self.client.get(f"{PROVISIONING}/templates")}
        for template in self.project.templates:
            current = live.get(template["name"])
            body = {"template": template["template"], **({"version": current["version"]} if current else {})}
            verb = "create" if current is None else (
                "unchanged" if current.get("template") == template["template"] else "update")
            self.actions.append(Action("template", template["name"], verb, payload=body))

    def plan_policy(self) -> None:
        if not self.project.policies:
            return
        body = _without_none({k: v for k, v in self.project.policies.items() if k != "orgId"})
        live = _without_none({k: v for k, v in self.client.get(f"{PROVISIONING}/policies").items()
                              if k != "provenance"})
        verb = "unchanged" if live == body else "update"
        self.actions.append(Action("policy", "notification-policy", verb, payload=body, live=live))


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


def _rule_set(rules: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {rule["uid"]: normalize_rule(rule) for rule in rules}


def _resolve_secrets(settings: dict[str, Any], point: str, environ: Mapping[str, str]) -> dict[str, Any]:
    resolved = {}
    for key, value in settings.items():
        match = _SECRET.match(value) if isinstance(value, str) else None
        if match:
            if not environ.get(match.group(1)):
                raise ConfigError(f"contact point {point!r} needs environment variable {match.group(1)} "
                                  f"(its {key!r}) and it is not set", hint=f"export {match.group(1)}=...")
            value = environ[match.group(1)]
        resolved[key] = value
    return resolved


def _public(point: dict[str, Any], secrets: set[str]) -> dict[str, Any]:
    """What can be compared of a contact point: Grafana never returns secret settings in clear."""
    settings = {k: v for k, v in (point.get("settings") or {}).items() if k not in secrets}
    return {"name": point.get("name"), "type": point.get("type"), "settings": settings,
            "disableResolveMessage": bool(point.get("disableResolveMessage"))}


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value
