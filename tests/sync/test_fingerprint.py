"""The content hash gdash keeps in a dashboard tag."""
from __future__ import annotations

from gdash.sync.fingerprint import TAG_PREFIX, edited_since_push, fingerprint, hash_tag, with_hash_tag

MODEL = {"uid": "u", "title": "T", "tags": ["team"], "panels": [{"id": 1, "type": "stat", "gridPos": {"h": 4.0}}]}


def test_hash_ignores_server_fields_key_order_and_number_spelling() -> None:
    tagged, digest = with_hash_tag(MODEL)
    assert tagged["tags"] == ["team", TAG_PREFIX + digest] and hash_tag(tagged["tags"]) == digest
    live = {"version": 7, "id": 42, "iteration": 1, **dict(reversed(list(tagged.items())))}
    live["panels"] = [{"id": 1, "type": "stat", "gridPos": {"h": 4}}]
    assert fingerprint(live) == digest and not edited_since_push(live)


def test_any_edit_is_detected() -> None:
    tagged, _ = with_hash_tag(MODEL)
    for edit in ({"title": "T2"}, {"tags": [*tagged["tags"], "new"]}, {"panels": []}, {"refresh": "5s"}):
        assert edited_since_push({**tagged, **edit}), edit
    assert edited_since_push(dict(MODEL)), "no gdash tag: not pushed by gdash"
