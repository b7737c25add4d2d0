"""Apply a plan: folders, then dashboards and rule groups in parallel, then contact points, templates and
the notification policy; backups before every overwrite or delete; the push record after every write.

Before anything is written (and in a dry run) the plan is checked against the target: every datasource
it uses must exist, and every secret variable of a contact point must be set (all missing ones are
listed in one error). A failure of one object never stops the others; the result lists exactly what
failed, and a write counts as done only when reading it back shows what the plan wanted (folder and
content), so exit 0 means converged.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compile.tuning import compile_gc
from ..model import Project
from .apis_transport import dashboard_transport
from .backups import Backups
from .client import AmbiguousWrite, GrafanaClient, HttpError, SyncError
from .drift import dashboard_state, digest
from .environment import Environment
from .live import PROVISIONING, rule_group_path
from .plan import Action, Plan, group_state, make_plan, missing_secrets_error, summary_line
from .record import PushRecord
from .transport import DashboardTransport, SaveRequest

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
            return (
                f"dry run: nothing was written ({len(self.failures)} would be refused)"
                if self.failures
                else "dry run: nothing was written"
            )
        done: dict[str, int] = {}
        for outcome in self.outcomes:
            if outcome.ok:
                done[outcome.action.verb] = done.get(outcome.action.verb, 0) + 1
        counts = self.plan.counts()
        summary = {
            "created": done.get("create", 0),
            "updated": done.get("update", 0),
            "deleted": done.get("delete", 0),
            "unchanged": counts["unchanged"],
            "orphaned": counts["orphan"],
            "failed": len(self.failures),
        }
        return f"pushed to {self.plan.environment.name}: {summary_line(summary)}"


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
    transport: Callable[[GrafanaClient], DashboardTransport] | None = None,
) -> PushResult:
    """Plan, check and (unless ``dry_run``) apply; ``on_plan`` sees the plan before anything is written.

    A dry run makes the same reads and checks as a real push and predicts its exit code. The live
    dashboards read (a thousand decoded models, or one /apis list holding them all) all stay alive
    until the plan is made: the collector's settings are those of a compile (:func:`compile_gc`)."""
    with compile_gc():
        return _push(project, env, dry_run, prune, force, only, progress, on_plan, transport)


def _push(
    project: Project,
    env: Environment,
    dry_run: bool,
    prune: bool,
    force: bool,
    only: str | None,
    progress: Callable[[int], None] | None,
    on_plan: Callable[[Plan], None] | None,
    transport: Callable[[GrafanaClient], DashboardTransport] | None,
) -> PushResult:
    client = env.client()
    try:
        dashboards = (transport or dashboard_transport(env, project))(client)  # /apis on Grafana 12+
        record = PushRecord(project.root, env.name, env.url)
        plan = make_plan(
            project,
            env,
            client,
            prune=prune,
            force=force,
            only=only,
            message=push_message(project.root),
            transport=dashboards,
            record=record,
            need_secrets=not dry_run,
        )
        check_datasources(client, env, plan)
        if on_plan:
            on_plan(plan)
        if plan.missing_secrets:
            raise missing_secrets_error(plan.missing_secrets)
        if dry_run:  # what would be refused is reported (and fails the run) like in a real push
            return PushResult(plan, [_refusal(a) for a in plan.changes if not a.writes], dry_run=True)
        applier = _Applier(
            client, env, Backups(project.root, env.name), progress or (lambda n: None), dashboards, record
        )
        try:
            return PushResult(plan, applier.apply(plan))
        finally:
            record.save()
    finally:
        client.close()


def push_message(root: Path) -> str:
    """Version-history message: names the git commit when the project is a git checkout.

    Every message starts with ``gdash push``: the drift policy recognises gdash's saves by it."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "gdash push"
    return f"gdash push (git {commit})" if commit else "gdash push"


def check_datasources(client: GrafanaClient, env: Environment, plan: Plan) -> None:
    """Every datasource a write uses must exist in the target: otherwise that object is an ``error``."""
    actions = [a for a in plan.actions if a.verb in ("create", "update") and a.datasources]
    needed = sorted({uid for a in actions for uid in a.datasources})
    if not needed:
        return
    with ThreadPoolExecutor(max_workers=env.concurrency) as pool:
        problems = dict(zip(needed, pool.map(lambda uid: _datasource_problem(client, env, uid), needed)))
    for action in actions:
        missing = [p for uid in sorted(action.datasources) if (p := problems.get(uid))]
        if missing:
            action.verb, action.reason = "error", missing[0]


def _datasource_problem(client: GrafanaClient, env: Environment, uid: str) -> str | None:
    try:
        client.get(f"/api/datasources/uid/{uid}")
    except HttpError as error:
        if error.status == 404:
            mapped = [name for name, value in env.datasources.items() if value == uid]
            origin = f" (mapped from {mapped[0]!r} in environment {env.name!r})" if mapped else ""
            return f"datasource uid {uid!r}{origin} does not exist in {env.url}"
        return error.message
    except SyncError as error:
        return error.message
    return None


class _Applier:
    def __init__(
        self,
        client: GrafanaClient,
        env: Environment,
        backups: Backups,
        progress: Callable[[int], None],
        transport: DashboardTransport,
        record: PushRecord,
    ):
        self.client, self.env, self.backups, self.progress = client, env, backups, progress
        self.transport, self.record = transport, record

    def apply(self, plan: Plan) -> list[Outcome]:
        outcomes: list[Outcome] = []
        changes = plan.changes
        failed_folders: set[str] = set()
        for action in (a for a in changes if a.kind == "folder"):
            if not action.writes:
                outcomes.append(_refusal(action))
                continue
            outcome = self._run(action, self._write_folder)
            if not outcome.ok:
                failed_folders.add(action.key)
            outcomes.append(outcome)

        parallel = [a for a in changes if a.kind in ("dashboard", "rule-group")]
        blocked = {
            a.key: f"folder {(a.payload or {}).get('folderUid')} could not be created"
            for a in parallel
            if a.writes and (a.payload or {}).get("folderUid") in failed_folders
        }
        runnable = [a for a in parallel if a.key not in blocked and a.writes]
        outcomes += [Outcome(a, False, blocked[a.key]) for a in parallel if a.key in blocked]
        self.progress(len(blocked))
        outcomes += [_refusal(a) for a in parallel if not a.writes]
        with ThreadPoolExecutor(max_workers=self.env.concurrency) as pool:
            for outcome in pool.map(lambda a: self._run(a, self._write), runnable):
                outcomes.append(outcome)
                self.progress(1)

        # the policy refers to contact points and mute timings: they go first
        for kind in ("contact-point", "template", "mute-timing", "policy"):
            for action in (a for a in changes if a.kind == kind):
                outcomes.append(self._run(action, self._write_routing) if action.writes else _refusal(action))
        return outcomes

    def _run(self, action: Action, fn: Callable[[Action], None]) -> Outcome:
        try:
            fn(action)
        except SyncError as error:
            log.info("failed: %s: %s", action.label(), error.message)
            return Outcome(action, False, error.message)
        return Outcome(action, True)

    # -- folders ---------------------------------------------------------------------------

    def _write_folder(self, action: Action) -> None:
        if action.verb == "update":  # a renamed folder restored (--force)
            if action.live is not None:
                self.backups.object("folder", action.key, action.live)
            self.client.put(f"/api/folders/{action.key}", action.payload)
        else:
            self._create_folder(action)
        self.record.put("folder", action.key, digest(action.state))

    def _create_folder(self, action: Action) -> None:
        if hasattr(self.transport, "create_folder"):  # /apis (sync/apis_transport.py)
            return self.transport.create_folder(action.payload)
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

    # -- dashboards and rule groups --------------------------------------------------------

    def _write(self, action: Action) -> None:
        if action.kind == "dashboard":
            if action.verb == "delete":
                live = self.transport.read(action.key)
                if live is not None:
                    self.backups.dashboard(
                        live.raw if live.raw and "dashboard" in live.raw else {"dashboard": live.model}
                    )
                    self.transport.delete(action.key)
                self.record.forget("dashboard", action.key)
                return
            if action.live is not None:
                self.backups.dashboard(action.live)
            self._save_dashboard(action)
            return
        if action.live is not None:
            self.backups.rule_group(action.live)
        group = action.live if action.verb == "delete" else action.payload
        path = rule_group_path(group["folderUid"], group["title"])
        key = f"{group['folderUid']}/{group['title']}"
        if action.verb == "delete":
            self.client.delete(path)
            self.record.forget("rule-group", key)
            return
        answer = self.client.put(path, action.payload)  # without X-Disable-Provenance: see docs/push.md
        if isinstance(answer, dict) and isinstance(answer.get("rules"), list) and group_state(answer) != action.state:
            raise SyncError("saved, but Grafana answered with a different rule group (read it with `gdash diff`)")
        self.record.put("rule-group", key, digest(action.state))

    def _save_dashboard(self, action: Action) -> None:
        """Save; when the answer is lost, read the dashboard back to learn what happened. Done only when the
        live dashboard (content and folder) is what the plan wanted."""
        body = action.payload
        model = {k: v for k, v in body["dashboard"].items() if k != "version"}
        request = SaveRequest(action.key, model, body["folderUid"], action.version, body["overwrite"], body["message"])
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                self.transport.save(request)
                break
            except AmbiguousWrite as error:
                live = self._read_back(action.key, error)
                if live is not None and dashboard_state(live.model, live.folder_uid) == action.state:
                    self._record_dashboard(action, live)
                    return  # the save went through; only its answer was lost
                unchanged = live.version == action.version if live else action.version is None
                if not unchanged or attempt == SAVE_ATTEMPTS:
                    raise SyncError(
                        f"{error.message}; the dashboard was not saved"
                        + ("" if unchanged else " and has changed in Grafana meanwhile")
                    ) from None
                log.info("retrying save of dashboard %s (attempt %d): %s", action.key, attempt + 1, error.message)
            except HttpError as error:
                raise SyncError(_save_problem(error, action)) from None
        live = self._read_back(action.key, None)
        if live is None:
            raise SyncError("Grafana answered the save, but the dashboard does not exist when read back")
        self._record_dashboard(action, live)
        if dashboard_state(live.model, live.folder_uid) != action.state:
            where = "folder" if live.folder_uid != body["folderUid"] else "content"
            raise SyncError(
                f"Grafana answered the save, but the dashboard read back has another {where} "
                "(not converged; run `gdash diff` to see what Grafana keeps)"
            )

    def _record_dashboard(self, action: Action, live: Any) -> None:
        self.record.put(
            "dashboard",
            action.key,
            digest(dashboard_state(live.model, live.folder_uid)),
            version=live.version,
            folder=live.folder_uid,
        )

    def _read_back(self, uid: str, error: AmbiguousWrite | None) -> Any:
        """The live dashboard after a save; Grafana may have just misbehaved, so reading gets extra tries."""
        problem = ""
        for _ in range(SAVE_ATTEMPTS):
            try:
                return self.transport.read(uid)
            except SyncError as read_error:
                problem = read_error.message
        first = f"{error.message}; " if error else "saved, but "
        raise SyncError(f"{first}could not read the dashboard back to tell whether it was saved ({problem})")

    # -- routing ---------------------------------------------------------------------------

    def _write_routing(self, action: Action) -> None:
        if action.live is not None:
            self.backups.object(action.kind, action.key, action.live)
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
        elif action.kind == "mute-timing":
            if action.verb == "create":
                self.client.post(f"{PROVISIONING}/mute-timings", action.payload)
            else:
                self.client.put(f"{PROVISIONING}/mute-timings/{action.key}", action.payload)
        else:
            self.client.put(f"{PROVISIONING}/policies", action.payload)
        self.record.put(action.kind, action.key, digest(action.state))


def _refusal(action: Action) -> Outcome:
    return Outcome(action, False, action.reason + (f"\n{action.diff}" if action.diff else ""))


def _save_problem(error: HttpError, action: Action) -> str:
    if error.status == 412 and error.reason == "version-mismatch":
        return (
            "changed in Grafana while pushing (412 version-mismatch); nothing was overwritten, "
            "run the push again to review the change"
        )
    if error.status == 412 and error.reason == "name-exists":
        return (
            f"another dashboard titled {action.title!r} already exists in folder {action.folder or 'General'} "
            "(412 name-exists); rename one of them or delete the other in Grafana"
        )
    if error.status == 404:
        return f"folder {action.payload.get('folderUid')!r} does not exist in Grafana (404)"
    if error.status in (400, 422):
        return f"Grafana refused the dashboard ({error.status}): {error.message.rsplit(': ', 1)[-1]}"
    return error.message
