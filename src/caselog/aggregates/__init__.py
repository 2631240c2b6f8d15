"""Structural invariants of the four kinds of stream (DESIGN.md D1, D5).

Plain folds, not eventsourcing aggregates: they index one stream's caselog events and
answer, before a batch is written, whether each event fits the stream's structure. They
never judge legality.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caselog.aggregates.child_case import ChildCase
from caselog.aggregates.committee import Committee
from caselog.aggregates.family_home import FamilyHome
from caselog.aggregates.matter import Matter
from caselog.aggregates.stream import Pending, Reference, StreamAggregate, Violation

if TYPE_CHECKING:
    from collections.abc import Iterable

    from caselog.events import Event

_KINDS: dict[str, type[StreamAggregate]] = {
    "child": ChildCase,
    "home": FamilyHome,
    "matter": Matter,
    "committee": Committee,
}


def aggregate_for(stream: str) -> StreamAggregate:
    """Return an empty aggregate of the right kind for `stream` (`child:<id>` …)."""
    kind, _, _ = stream.partition(":")
    return _KINDS[kind](stream)


def check_batch(
    stream: str, stored: Iterable[Event], batch: list[Event]
) -> list[tuple[int, Violation]]:
    """Check a batch for one stream against its stored events: (batch index, why)."""
    aggregate = aggregate_for(stream)
    for event in stored:
        aggregate.add(event)
    for index, event in enumerate(batch):
        aggregate.add_to_batch(event, index)
    return list(aggregate.verify())


__all__ = [
    "ChildCase",
    "Committee",
    "FamilyHome",
    "Matter",
    "Pending",
    "Reference",
    "StreamAggregate",
    "Violation",
    "aggregate_for",
    "check_batch",
]
