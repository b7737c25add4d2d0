"""``gdash diff --env``: what differs between the project and a live Grafana, in the diff module's terms,
with one line per differing object in the push plan's own wording (create / update / conflict / orphan)."""

from __future__ import annotations

from typing import Any

from ..diff import DiffReport, diff_dashboards, diff_rule_groups
from ..model import Project
from .environment import Environment
from .fingerprint import without_hash_tag
from .live import get_dashboard
from .plan import Action, Plan, make_plan


def diff_live(project: Project, env: Environment, *, only: str | None = None, prune: bool = False) -> DiffReport:
    """Local (head) against live (base); every live dashboard is read, so edits made in the UI show up."""
    return diff_live_plan(project, env, only=only, prune=prune)[0]


def diff_live_plan(
    project: Project, env: Environment, *, only: str | None = None, prune: bool = False
) -> tuple[DiffReport, Plan]:
    """The semantic diff and the plan it comes from (whose lines ``gdash diff --env`` prints first)."""
    client = env.client()
    try:
        plan = make_plan(project, env, client, only=only, prune=prune, routing=False, need_secrets=False)
        dashboards, groups = [], []
        for action in plan.actions:
            if action.verb in ("orphan", "error"):
                continue
            if action.kind == "dashboard":
                if action.verb == "unchanged" and action.payload is None:
                    continue  # verified unchanged from metadata (/apis): Grafana's normalisation is nobody's edit
                live = (
                    action.live
                    if action.live is not None or action.verb != "delete"
                    else get_dashboard(client, action.key)
                )
                old = without_hash_tag(live["dashboard"]) if live else None
                new = without_hash_tag(action.payload["dashboard"]) if action.payload else None
                if old is None and new is None:
                    continue
                old_folder = live["meta"].get("folderTitle") if live else None
                new_folder = (action.folder or "General").split("/")[-1] if new else None
                dashboards.append(diff_dashboards(old, new, old_folder=old_folder, new_folder=new_folder))
            elif action.kind == "rule-group" and (action.live or action.payload):
                groups.append(diff_rule_groups(_group_shape(action.live, action), _group_shape(action.payload, action)))
        report = DiffReport(
            dashboards=[d for d in dashboards if d.changed],
            rule_groups=[g for g in groups if g.changed],
            base_label=f"live ({env.name})",
            head_label="local",
        )
        return report, plan
    finally:
        client.close()


def plan_lines(plan: Plan) -> str:
    """The push plan's line for every object that differs (nothing when converged)."""
    lines = [f"{a.verb:<9} {a.describe()}" for a in plan.changes + plan.orphans]
    return "".join(line + "\n" for line in lines)


def _group_shape(group: dict[str, Any] | None, action: Action) -> dict[str, Any] | None:
    """An API rule group (``title``, ``interval`` in seconds) in the diff module's provisioning shape."""
    if group is None:
        return None
    return {
        "name": group["title"],
        "folder": action.folder,
        "interval": f"{group.get('interval', 0)}s",
        "rules": group["rules"],
    }
