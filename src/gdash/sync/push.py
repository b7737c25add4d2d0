"""Apply a plan: folders, then (after checking datasources) dashboards and rule groups in parallel,
then contact points, templates and the notification policy; backups before every overwrite or delete.

A failure of one object never stops the others; the result lists exactly what failed.
"""
from __future__ import annotations

import logging
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..model import Project
from .backups import Backups
from .client import AmbiguousWrite, GrafanaClient, HttpError, SyncError
from .environment import Environment
from .fingerprint import fingerprint, hash_tag
from .live import PROVISIONING, get_dashboard, rule_group_path
from .apis_plan import is_resource_action, write_resource
from .plan import Action, Plan, make_plan, summary_line
from .target import target

log = logging.getLogger(__name__)
SAVE_ATTEMPTS = 3


@dataclass
class Outcome:
    action: Action
    ok: bool
    message: str = ""


@dataclass
class PushResult:
    plan: Plan
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def summary(self) -> str:
        if self.dry_run:
            return f"dry run: nothing was written ({len(self.failures)} would be refused)" if self.failures \
                else "dry run: nothing was written"
        done: dict[str, int] = {}
        for outcome in self.outcomes:
            if outcome.ok:
                done[outcome.action.verb] = done.get(outcome.action.verb, 0) + 1
        unchanged = self.plan.counts()["unchanged"]
        counts = {"created": done.get("create", 0), "updated": done.get("update", 0),
                  "deleted": done.get("delete", 0), "unchanged": unchanged, "failed": len(self.failures)}
        return f"pushed to {self.plan.environment.name}: {summary_line(counts)}"


def push(
    project: Project,
    env: Environment,
    *,
    dry_run: bool = False,
    prune: bool = False,
    force: bool = False,
    only: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> PushResult:
    """Plan and (unless ``dry_run``) apply; ``on_plan`` sees the plan before anything is written."""
    client = env.client()
    try:
        plan = make_plan(project, env, client, prune=prune, force=force, only=only,
                         message=push_message(project.root))
        if on_plan:
            on_plan(plan)
        if dry_run:  # what would be refused is reported (and fails the run) like in a real push
            return PushResult(plan, [_refusal(a) for a in plan.changes if a.verb == "conflict"], dry_run=True)
        applier = _Applier(client, env, Backups(project.root, env.name), progress or (lambda n: None))
        return PushResult(plan, applier.apply(plan))
    finally:
        client.close()


def push_message(root: Path) -> str:
    """Version-history message: names the git commit when the project is a git checkout."""
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "gdash push"
    return f"gdash push (git {commit})" if commit else "gdash push"


class _Applier:
    def __init__(self, client: GrafanaClient, env: Environment, backups: Backups, progress: Callable[[int], None]):
        self.client, self.env, self.backups, self.progress = client, env, backups, progress

    def apply(self, plan: Plan) -> list[Outcome]:
        outcomes: list[Outcome] = []
        changes = plan.changes
        failed_folders: set[str] = set()
        for action in (a for a in changes if a.kind == "folder"):
            outcome = self._run(action, self._create_folder)
            if not outcome.ok:
                failed_folders.add(action.key)
            outcomes.append(outcome)

        parallel = [a for a in changes if a.kind in ("dashboard", "rule-group")]
        blocked = self._blocked(parallel, failed_folders)
        runnable = [a for a in parallel if a.key not in blocked and a.verb != "conflict"]
        outcomes += [Outcome(a, False, blocked[a.key]) for a in parallel if a.key in blocked]
        self.progress(sum(1 for a in parallel if a.key in blocked and a.verb != "conflict"))
        outcomes += [_refusal(a) for a in parallel if a.verb == "conflict" and a.key not in blocked]
        with ThreadPoolExecutor(max_workers=self.env.concurrency) as pool:
            for outcome in pool.map(lambda a: self._run(a, self._write), runnable):
                outcomes.append(outcome)
                self.progress(1)

        for kind in ("contact-point", "template", "policy"):  # policies refer to contact points
            outcomes += [self._run(a, self._write_routing) for a in changes if a.kind == kind]
        return outcomes

    def _run(self, action: Action, fn: Callable[[Action], None]) -> Outcome:
        try:
            fn(action)
        except SyncError as error:
            log.info("failed: %s: %s", action.label(), error.message)
            return Outcome(action, False, error.message)
        return Outcome(action, True)

    def _blocked(self, actions: list[Action], failed_folders: set[str]) -> dict[str, str]:
        """Actions that cannot run: their folder failed, or a datasource they use does not exist."""
        blocked: dict[str, str] = {}
        needed = sorted({uid for a in actions if a.verb in ("create", "update") for uid in a.datasources})
        with ThreadPoolExecutor(max_workers=self.env.concurrency) as pool:
            problems = dict(zip(needed, pool.map(self._datasource_problem, needed)))
        for action in actions:
            folder = (action.payload or {}).get("folderUid", "")
            if folder in failed_folders:
                blocked[action.key] = f"folder {folder} could not be created"
            missing = [problems[uid] for uid in sorted(action.datasources) if problems.get(uid)]
            if missing and action.verb in ("create", "update"):
                blocked[action.key] = missing[0]
        return blocked

    def _datasource_problem(self, uid: str) -> str | None:
        try:
            self.client.get(f"/api/datasources/uid/{uid}")
        except HttpError as error:
            if error.status == 404:
                mapped = [name for name, value in self.env.datasources.items() if value == uid]
                origin = f" (mapped from {mapped[0]!r} in environment {self.env.name!r})" if mapped else ""
                return f"datasource uid {uid!r}{origin} does not exist in {self.env.url}"
            return error.message
        except SyncError as error:
            return error.message
        return None

    # -- writers ---------------------------------------------------------------------------

    def _create_folder(self, action: Action) -> None:
        if is_resource_action(action):
            return write_resource(self.client, target(self.env, self.client), action)
        try:
            self.client.post("/api/folders", action.payload)
        except AmbiguousWrite:
            self._confirm_folder(action)
        except HttpError as error:
            if error.status != 409:  # 409: it exists (created by an earlier, unanswered attempt)
                raise
            self._confirm_folder(action)

    def _confirm_folder(self, action: Action) -> None:
        try:
            folder = self.client.get(f"/api/folders/{action.key}")
        except HttpError as error:
            if error.status != 404:
                raise
            self.client.post("/api/folders", action.payload)  # it was never created: safe to send again
            return
        if folder.get("title") != action.payload["title"]:
            raise SyncError(f"folder uid {action.key} is taken by folder {folder.get('title')!r}")

    def _write(self, action: Action) -> None:
        if action.kind == "dashboard" and is_resource_action(action):  # Grafana 12+: /apis
            if action.live is not None:
                self.backups.dashboard(action.live)
            return write_resource(self.client, target(self.env, self.client), action)
        if action.kind == "dashboard":
            if action.verb == "delete":
                live = get_dashboard(self.client, action.key)
                if live is not None:
                    self.backups.dashboard(live)
                    self.client.delete(f"/api/dashboards/uid/{action.key}")
                return
            if action.live is not None:
                self.backups.dashboard(action.live)
            self._save_dashboard(action)
            return
        if action.live is not None:
            self.backups.rule_group(action.live)
        group = action.live if action.verb == "delete" else action.payload
        path = rule_group_path(group["folderUid"], group["title"])
        if action.verb == "delete":
            self.client.delete(path)
        else:
            self.client.put(path, action.payload)  # without X-Disable-Provenance: see README

    def _save_dashboard(self, action: Action) -> None:
        """POST /api/dashboards/db; when the answer is lost, read the dashboard back to learn what happened."""
        body = action.payload
        digest = hash_tag(body["dashboard"].get("tags"))
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                self.client.post("/api/dashboards/db", body)
                return
            except AmbiguousWrite as error:
                live_model = self._read_back(action.key, error)
                if live_model and hash_tag(live_model.get("tags")) == digest and fingerprint(live_model) == digest:
                    return  # the save went through; only its answer was lost
                unchanged = live_model.get("version") == action.version if live_model else action.version is None
                if not unchanged or attempt == SAVE_ATTEMPTS:
                    raise SyncError(f"{error.message}; the dashboard was not saved"
                                    + ("" if unchanged else " and has changed in Grafana meanwhile")) from None
                log.info("retrying save of dashboard %s (attempt %d): %s", action.key, attempt + 1, error.message)
            except HttpError as error:
                raise SyncError(_save_problem(error, action)) from None

    def _read_back(self, uid: str, error: AmbiguousWrite) -> dict[str, Any] | None:
        """The live model after an unanswered save; Grafana just misbehaved, so reading gets extra tries."""
        for _ in range(SAVE_ATTEMPTS):
            try:
                live = get_dashboard(self.client, uid)
                return live["dashboard"] if live else None
            except SyncError as read_error:
                problem = read_error.message
        raise SyncError(f"{error.message}; could not read the dashboard back to tell whether it was saved "
                        f"({problem})")

    def _write_routing(self, action: Action) -> None:
        if action.kind == "contact-point":
            if action.verb == "create":
                try:
                    self.client.post(f"{PROVISIONING}/contact-points", action.payload)
                except AmbiguousWrite:
                    live = self.client.get(f"{PROVISIONING}/contact-points", name=action.title)
                    if not any(p.get("uid") == action.key for p in live):
                        self.client.post(f"{PROVISIONING}/contact-points", action.payload)
            else:
                self.client.put(f"{PROVISIONING}/contact-points/{action.key}", action.payload)
        elif action.kind == "template":
            self.client.put(f"{PROVISIONING}/templates/{action.key}", action.payload)
        else:
            self.client.put(f"{PROVISIONING}/policies", action.payload)


def _refusal(action: Action) -> Outcome:
    return Outcome(action, False, action.reason + (f"\n{action.diff}" if action.diff else ""))


def _save_problem(error: HttpError, action: Action) -> str:
    if error.status == 412 and error.reason == "version-mismatch":
        return ("changed in Grafana while pushing (412 version-mismatch); nothing was overwritten, "
                "run the push again to review the change")
    if error.status == 412 and error.reason == "name-exists":
        return (f"another dashboard titled {action.title!r} already exists in folder {action.folder or 'General'} "
                "(412 name-exists); rename one of them or delete the other in Grafana")
    if error.status == 404:
        return f"folder {action.payload.get('folderUid')!r} does not exist in Grafana (404)"
    if error.status in (400, 422):
        return f"Grafana refused the dashboard ({error.status}): {error.message.rsplit(': ', 1)[-1]}"
    return error.message
