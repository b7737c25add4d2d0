"""``gdash diff --env``: what differs between the project and a live Grafana, in the diff module's terms."""
from __future__ import annotations

from typing import Any

from ..diff import DiffReport, diff_dashboards, diff_rule_groups
from ..model import Project
from .environment import Environment
from .fingerprint import without_hash_tag
from .live import get_dashboard
from .plan import Action, make_plan


def diff_live(project: Project, env: Environment, *, only: str | None = None, prune: bool = False) -> DiffReport:
    """Local (head) against live (base); every live dashboard is read, so edits made in the UI show up."""
    client = env.client()
    try:
        plan = make_plan(project, env, client, only=only, prune=prune, read_all=True, routing=False)
        dashboards, groups = [], []
        for action in plan.actions:
            if action.kind == "dashboard":
                if action.verb == "unchanged" and action.payload is None:
                    continue  # verified unchanged from metadata (/apis): Grafana's normalisation is nobody's edit
                live = action.live if action.live is not None or action.verb != "delete" \
                    else get_dashboard(client, action.key)
                old = without_hash_tag(live["dashboard"]) if live else None
                new = without_hash_tag(action.payload["dashboard"]) if action.payload else None
                old_folder = live["meta"].get("folderTitle") if live else None
                new_folder = (action.folder or "General").split("/")[-1] if new else None
                dashboards.append(diff_dashboards(old, new, old_folder=old_folder, new_folder=new_folder))
            elif action.kind == "rule-group":
                groups.append(diff_rule_groups(_group_shape(action.live, action), _group_shape(action.payload, action)))
        return DiffReport(dashboards=[d for d in dashboards if d.changed], rule_groups=[g for g in groups if g.changed],
                          base_label=f"live ({env.name})", head_label="local")
    finally:
        client.close()


def _group_shape(group: dict[str, Any] | None, action: Action) -> dict[str, Any] | None:
    """An API rule group (``title``, ``interval`` in seconds) in the diff module's provisioning shape."""
    if group is None:
        return None
    return {"name": group["title"], "folder": action.folder, "interval": f"{group.get('interval', 0)}s",
            "rules": group["rules"]}
