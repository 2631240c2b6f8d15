"""The caselog mapper: canonical bytes, topics, and reading back (D1, D6)."""

from __future__ import annotations

import json

from caselog.events import EVENT_TYPES, event_adapter
from caselog.events.examples import example
from caselog.storage.mapping import canonical_payload, decode, topic_of


def test_canonical_bytes_are_the_validated_json_with_sorted_keys() -> None:
    """For every event type, the stored bytes equal json.dumps(model JSON, sort_keys=True)."""
    for tag in EVENT_TYPES:
        event = event_adapter.validate_python(example(tag))
        expected = json.dumps(
            event.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
        assert canonical_payload(event) == expected, tag


def test_stored_bytes_decode_to_the_same_event() -> None:
    """The topic and canonical bytes rebuild an equal event for every type."""
    for tag in EVENT_TYPES:
        event = event_adapter.validate_python(example(tag))
        assert topic_of(event) == f"{tag}.v1"
        assert decode(topic_of(event), canonical_payload(event)) == event
