"""One drift policy for every kind of object gdash pushes.

*Drift* is a live object that differs from what gdash last pushed, because someone or something else
changed it. The policy (documented in docs/push.md):

1. live == local (compared through :func:`dashboard_state` / :func:`object_state`, never raw JSON)
   -> **converged**, whoever wrote it last;
2. otherwise, if the live object is what gdash last pushed -> **ours**: the local code changed, push it;
3. otherwise -> **drift** (or **foreign** when gdash never pushed the object): a conflict without
   ``--force``; with ``--force`` the live object is backed up and replaced. This does not depend on
   whether the local code changed.

How "what gdash last pushed" is known:

* the push record (``.gdash/state/<env>.json``, :mod:`gdash.sync.record`): after every successful write
  gdash records the live object's state digest (and for dashboards the version Grafana gave it);
* for dashboards, also what Grafana records itself: ``meta.version``/``meta.updatedBy`` and the version
  history, whose ``message`` gdash sets on every save (``gdash push ...``) and whose ``createdBy`` is
  compared with gdash's own login (``GET /api/user``). A checkout without a record (a CI job) therefore
  still tells a UI edit from gdash's own earlier push;
* for alerting objects (no write metadata in Grafana's provisioning API) without a record: an object
  marked as written through the provisioning API (provenance ``api``, which the UI cannot edit) is taken
  as gdash's; anything else is drift.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..diff import normalize_dashboard
from .fingerprint import TAG_PREFIX, carries_own_hash, fingerprint, hash_tag
from .record import RecordEntry
from .transport import DashboardTransport, LiveDashboard

MESSAGE_PREFIX = "gdash push"  # every save gdash makes carries a version message starting with this

CONVERGED, OURS, DRIFT, FOREIGN = "converged", "ours", "drift", "foreign"

# Values Grafana fills in when it loads, migrates or (12.2+) saves a v1 dashboard; equal to "unset"
# (DashboardModel's constructor, public/app/features/dashboard/state/DashboardModel.ts).
_DASHBOARD_DEFAULTS = {"editable": True, "graphTooltip": 0, "fiscalYearStartMonth": 0, "liveNow": False}


@dataclass(frozen=True)
class Judgement:
    verdict: str  # converged | ours | drift | foreign
    why: str = ""

    @property
    def conflicting(self) -> bool:
        return self.verdict in (DRIFT, FOREIGN)


def digest(state: Any) -> str:
    text = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def dashboard_state(model: dict[str, Any], folder_uid: str | None = None) -> dict[str, Any]:
    """What a dashboard means: gdash's diff normalisation, without gdash's hash tag and without the
    defaults Grafana adds on save (so a normalising Grafana does not look like an edit)."""
    model = dict(model, tags=[t for t in model.get("tags") or [] if not str(t).startswith(TAG_PREFIX)])
    if "elements" in model and "panels" not in model:  # a dashboard v2 spec (sync/apis_transport.py)
        return _drop_empty(
            {"v2": copy.deepcopy(model), **({"__folder__": folder_uid} if folder_uid is not None else {})}
        )
    state = normalize_dashboard(model)  # copies
    for key, default in _DASHBOARD_DEFAULTS.items():
        if state.get(key) == default:
            del state[key]
    annotations = (state.get("annotations") or {}).get("list")
    if isinstance(annotations, list):
        kept = [a for a in annotations if not (isinstance(a, dict) and a.get("builtIn") == 1)]
        state["annotations"]["list"] = kept
        if not kept:
            del state["annotations"]
    if folder_uid is not None:
        state["__folder__"] = folder_uid
    # normalize_dashboard dropped every empty value below the top level already (and copied all).
    return {k: v for k, v in state.items() if v is not None and v != [] and v != {}}


def same_dashboard(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return dashboard_state(a) == dashboard_state(b)


def object_state(value: Any) -> Any:
    """Alerting objects: already reduced by the planner to what can be compared; empty values dropped."""
    return _drop_empty(copy.deepcopy(value))


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


# -- dashboards --------------------------------------------------------------------------------


def judge_dashboard(
    live: LiveDashboard,
    desired: dict[str, Any],
    folder_uid: str,
    *,
    record: RecordEntry | None,
    transport: DashboardTransport,
    desired_state: dict[str, Any] | None = None,
) -> Judgement:
    """Converged, ours, drift or foreign (see the module docstring); reads history only when needed.
    ``desired_state`` is ``dashboard_state(desired, folder_uid)`` when the caller has it already."""
    if converged_by_hash(live, hash_tag(desired.get("tags")) or fingerprint(desired), folder_uid):
        return Judgement(CONVERGED)
    if desired_state is None:
        desired_state = dashboard_state(desired, folder_uid)
    if dashboard_state(live.model, live.folder_uid) == desired_state:
        return Judgement(CONVERGED)
    return last_push_kept(live, folder_uid, record=record, transport=transport)


def converged_by_hash(live: LiveDashboard, desired_hash: str | None, folder_uid: str) -> bool:
    """The cheap proofs of convergence, tried before any normalisation; ``desired_hash`` is the
    fingerprint of the model gdash would send, and the live dashboard must be in ``folder_uid``.

    * /apis: the transport's ``verified_hash`` (gdash's hash, the resource metadata showing nobody
      wrote it since) equals it;
    * otherwise: the live dashboard carries it as its hash tag and its content still hashes to that
      tag (nobody changed a byte of meaning since, whoever saved it). Then live and desired have the
      same canonical JSON, so the same :func:`dashboard_state`.

    Anything else (an edit, a Grafana that normalises on save) is decided by comparing states."""
    if desired_hash is None or live.folder_uid != folder_uid:
        return False
    verified = getattr(live, "verified_hash", None)
    if verified is not None:
        return verified == desired_hash
    return hash_tag(live.model.get("tags")) == desired_hash and carries_own_hash(live.model)


def last_push_kept(
    live: LiveDashboard, folder_uid: str, *, record: RecordEntry | None, transport: DashboardTransport
) -> Judgement:
    """OURS when the live dashboard is what gdash last pushed (nobody else wrote it since, or they saved
    it without changing it, in the folder gdash put it in); DRIFT or FOREIGN otherwise."""
    # the /apis transport (sync/apis_transport.py) tells both from the resource's metadata
    if getattr(live, "drift", None):
        return Judgement(FOREIGN if getattr(live, "foreign", False) else DRIFT, live.drift)  # type: ignore[attr-defined]
    if getattr(live, "verified_hash", None) is not None:
        return Judgement(OURS, "last written by gdash (resource metadata)")
    if (
        record is not None
        and record.version is not None
        and record.version == live.version
        and record.digest == digest(dashboard_state(live.model, live.folder_uid))
    ):
        return Judgement(OURS, "recorded as gdash's last push")
    identity = transport.identity()
    by_someone_else = bool(live.updated_by and identity and live.updated_by != identity)
    tagged = hash_tag(live.model.get("tags"))
    history = None
    if not by_someone_else:
        message = live.last_write_message
        if message is None:
            history = transport.history(live.uid)
            latest = history[0] if history else None
            message = latest.message if latest and latest.version == live.version else None
            if latest and identity and latest.created_by and latest.created_by != identity:
                message = None
        if message is not None and message.startswith(MESSAGE_PREFIX):
            return Judgement(OURS, "last saved by gdash")
    # Someone else saved last: drift, unless the content (and folder) is still what gdash pushed.
    folder_kept = live.folder_uid == folder_uid or (record is not None and record.folder == live.folder_uid)
    if tagged and fingerprint(live.model) == tagged and folder_kept:
        return Judgement(OURS, "saved again without changes")
    if history is None:
        history = transport.history(live.uid)
    ours = [
        e
        for e in history
        if e.message.startswith(MESSAGE_PREFIX) and (not identity or not e.created_by or e.created_by == identity)
    ]
    if not tagged and not ours:
        return Judgement(FOREIGN, "exists in Grafana but was not pushed by gdash")
    if ours and folder_kept:
        pushed = transport.version_model(live.uid, ours[0].version)
        if pushed is not None and same_dashboard(pushed, live.model):
            return Judgement(OURS, "saved again without changes")
    who = f" by {live.updated_by}" if live.updated_by else ""
    moved = (
        "" if live.folder_uid == folder_uid else f", now in folder {live.folder_title or live.folder_uid or 'General'}"
    )
    return Judgement(DRIFT, f"edited in Grafana{who} since gdash pushed it (live version {live.version}{moved})")


# -- every other kind --------------------------------------------------------------------------


def judge_object(
    live_state: Any, desired_state: Any, *, record: RecordEntry | None, written_through_api: bool, what: str = "changed"
) -> Judgement:
    """Rule groups, contact points, templates, the notification policy and folders."""
    live_digest = digest(object_state(live_state))
    if live_digest == digest(object_state(desired_state)):
        return Judgement(CONVERGED)
    if record is not None:
        if record.digest == live_digest:
            return Judgement(OURS, "recorded as gdash's last push")
        return Judgement(DRIFT, f"{what} in Grafana since gdash pushed it")
    if written_through_api:
        return Judgement(OURS, "written through the provisioning API (no push record)")
    return Judgement(DRIFT, f"{what} in Grafana outside gdash (not written through the provisioning API)")
