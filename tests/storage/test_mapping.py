"""The caselog mapper: canonical bytes, topics, and reading back (D1, D6)."""

from __future__ import annotations

import json

from caselog.events import EVENT_TYPES, event_adapter
from caselog.events.examples import example
from caselog.storage.mapping import canonical_payload, decode, topic_of


def test_canonical_bytes_are_the_validated_json_with_sorted_keys() -> None:
    """For every event type, the stored bytes equal json.dumps(model JSON, sort_keys=True).

    Optional fields added after a class was first stored (§4.28) are left out while empty,
    so an event stored before they existed keeps its canonical bytes.
    """
    for tag in EVENT_TYPES:
        event = event_adapter.validate_python(example(tag))
        data = {
            k: v
            for k, v in event.model_dump(mode="json").items()
            if not (k in type(event).added_fields and v is None)
        }
        expected = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert canonical_payload(event) == expected.encode(), tag


def test_an_added_field_is_stored_when_given() -> None:
    """`home_municipality_code` (§4.28) is in the bytes when set, absent when not."""
    bare = event_adapter.validate_python(example("placement_started"))
    coded = event_adapter.validate_python(
        {**example("placement_started"), "home_municipality_code": "2083"}
    )
    assert b"home_municipality_code" not in canonical_payload(bare)
    assert b'"home_municipality_code":"2083"' in canonical_payload(coded)
    assert decode(topic_of(coded), canonical_payload(coded)) == coded


def test_stored_bytes_decode_to_the_same_event() -> None:
    """The topic and canonical bytes rebuild an equal event for every type."""
    for tag in EVENT_TYPES:
        event = event_adapter.validate_python(example(tag))
        assert topic_of(event) == f"{tag}.v1"
        assert decode(topic_of(event), canonical_payload(event)) == event
