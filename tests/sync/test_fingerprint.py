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


def test_hash_is_that_of_the_stdlib_canonical_text_whatever_writes_it() -> None:
    """orjson writes the canonical text where it writes what json.dumps writes; the floats where the two
    differ (1e-05, 1.0, huge integers) go through the stdlib, so tags made by any gdash stay valid."""
    import hashlib
    import json

    from gdash.sync.fingerprint import _integral_floats, without_hash_tag

    for extra in (None, 1.0, 1e-05, 0.25, 2.5e20, -0.0, 10**30, "qu\"ote 1.5 \\", {"x": [1.0, "é\n"]}):
        model = dict(MODEL, extra=extra)
        canonical = json.dumps(_integral_floats(without_hash_tag(model)), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False)
        assert fingerprint(model) == hashlib.sha256(canonical.encode()).hexdigest()[:20], extra
        tagged, _ = with_hash_tag(model)
        assert not edited_since_push(tagged), extra
        assert edited_since_push(dict(tagged, extra=[extra])), extra
