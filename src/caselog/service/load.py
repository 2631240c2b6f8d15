"""Events shared among concurrent writers: what the service's load test and benchmark post.

A stream's events must arrive in order, so the events are split by stream: each writer
gets whole streams, in log order, and the writers race only across streams (and on the
committee's stream, where a 409 is sent again: `event_id` makes a resend safe).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Final

SUBJECTS: Final = ("child_id", "matter_id", "home_id", "committee_id")
"""The subject fields that name an event's stream, in the order they are looked for."""


@dataclass
class Writer:
    """One writer's share of the events, and what it saw."""

    lines: list[str]
    acknowledged: list[str] = field(default_factory=list)
    """The `event_id`s the service acknowledged, in order."""
    latencies: list[float] = field(default_factory=list)
    """Seconds per request."""
    retries: int = 0
    """Requests sent again after a 409 or 503."""


def shares(lines: list[str], writers: int) -> list[Writer]:
    """The JSON Lines split by stream among `writers`, each stream's events in order.

    >>> [w.lines for w in shares(['{"child_id": "a"}', '{"child_id": "b"}'], 2)]
    [['{"child_id": "a"}'], ['{"child_id": "b"}']]
    """
    streams: dict[str, list[str]] = {}
    for line in lines:
        data = json.loads(line)
        subject = next(f"{name}:{data[name]}" for name in SUBJECTS if name in data)
        streams.setdefault(subject, []).append(line)
    found = [Writer([]) for _ in range(writers)]
    for number, stream in enumerate(streams.values()):
        found[number % writers].lines.extend(stream)
    return found
