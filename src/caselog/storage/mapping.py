"""The caselog mapper: events to stored bytes and back (DESIGN.md D1).

The stored topic is the permanent `type` tag plus a schema version (`report_received.v1`);
the stored state is the event's canonical payload: the validated model's JSON with sorted
keys and nothing the log assigns (D6). The same bytes decide idempotency — a re-sent event
is recognised by byte equality — and, later, feed the hash chain and the cipher.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import orjson

from caselog.events import EVENT_CLASSES, EVENT_TYPES, Event, EventCorrected, Recorded
from caselog.events.base import without_empty_additions
from caselog.storage.sealing import SEALED, seal, unseal

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from caselog.storage.keyring import LogKeys

UPCASTERS: Final[dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]]] = {}
"""(type tag, stored version) → a function lifting a payload to the next version.

Empty while every event is at version 1; an event whose fields change gets a new
`schema_version` and an entry here, so old stored bytes keep reading (STYLE.md G2).
"""


def canonical_payload(event: Event) -> bytes:
    """The canonical bytes of an event: its JSON with sorted keys (D6).

    >>> from caselog.events import PrivateTalkHeld
    >>> canonical_payload(PrivateTalkHeld(event_id="e1", occurred_on="2024-01-02",
    ...     actor="sw", child_id="c1"))
    b'{"actor":"sw","child_id":"c1","event_id":"e1","occurred_on":"2024-01-02","type":"private_talk_held"}'
    """
    if type(event) is EventCorrected:  # the one event with a nested model
        return orjson.dumps(event.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    # Every other event's fields are JSON scalars, dates, enums and lists, which orjson
    # writes exactly as pydantic's JSON mode does (a test checks every type) — twice as fast.
    # Optional fields added later are left out while empty, so old bytes stay canonical.
    return orjson.dumps(without_empty_additions(event, event.__dict__), option=orjson.OPT_SORT_KEYS)


def topic_of(event: Event) -> str:
    """The stored topic of an event: `<type>.v<schema_version>`."""
    return _TOPICS[type(event)]


_TOPICS: Final = {cls: cls.topic() for cls in EVENT_CLASSES}


def decode(topic: str, state: bytes) -> Event:
    """Rebuild an event from its stored topic and bytes, upcasting old versions."""
    tag, _, version_text = topic.rpartition(".v")
    cls = EVENT_TYPES[tag]
    version = int(version_text)
    if version == cls.schema_version:
        return cls.model_validate_json(state)
    data: dict[str, Any] = json.loads(state)
    while version < cls.schema_version:
        data = UPCASTERS[tag, version](data)
        version += 1
    return cls.model_validate(data)


class LogRow(NamedTuple):
    """One event ready to append: its stream slot and its canonical bytes.

    `registered_at` is set only by a historical import (D3); otherwise the log's clock
    decides `recorded_at` at commit.
    """

    stream: str
    stream_version: int
    topic: str
    state: bytes
    event_id: str
    registered_at: datetime | None = None


def row_for(
    event: Event,
    stream_version: int,
    registered_at: datetime | None = None,
    keys: LogKeys | None = None,
) -> LogRow:
    """Map an event to the row that stores it at `stream_version` of its stream.

    With `keys`, its personal fields are sealed (`caselog.storage.sealing`).
    """
    return LogRow(
        event.stream,
        stream_version,
        topic_of(event),
        seal(event, canonical_payload(event), keys),
        event.event_id,
        registered_at,
    )


def recorded_from(
    *,
    topic: str,
    state: bytes,
    stream: str,
    stream_version: int,
    position: int,
    recorded_at: datetime,
    ingested_by: str,
    keys: LogKeys | None = None,
) -> Recorded[Event]:
    """Rebuild a `Recorded` event from a stored row, opening its sealed fields if it can."""
    if state.startswith(SEALED):
        tag = topic.rpartition(".v")[0]
        event, erased, sealed = unseal(EVENT_TYPES[tag], state, keys)
        return Recorded(
            event, stream, stream_version, position, recorded_at, ingested_by, erased, sealed
        )
    return Recorded(
        decode(topic, state), stream, stream_version, position, recorded_at, ingested_by
    )
