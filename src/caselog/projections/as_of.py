"""The reference semantics: what the log says about date `on`, as known at `known_at`.

DESIGN.md D4, step by step. This module is deliberately simple and slow-ish: it is the
definition every faster path (materialised tables, indexes) must equal, and property tests
compare them on random histories.

1. Keep the events with `recorded_at <= known_at`.
2. Retractions remove their target (an original or a correction); retracting a retraction
   restores its target.
3. Corrections replace their target's payload; of several corrections of one target, the
   last in log order that is still in the view wins.
4. Keep the (corrected) facts with `occurred_on <= on`.
5. Fold in (`occurred_on`, log position) order — callers fold the returned sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from caselog.events import Event, EventCorrected, EventRetracted, FactEvent, Recorded

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Viewed:
    """One fact in an as-of view: its payload as corrected, and where it came from.

    `position` and `recorded_at` are the original's (the correction changes what the fact
    says, not when the log first heard of it); `corrected_by` names the winning correction.
    """

    event: FactEvent
    position: int
    recorded_at: datetime
    corrected_by: str | None = None
    corrected_at: datetime | None = None


def known(history: Iterable[Recorded[Event]], known_at: datetime) -> list[Recorded[Event]]:
    """Step 1: the events recorded at or before `known_at`, in log order."""
    return sorted((r for r in history if r.recorded_at <= known_at), key=lambda r: r.position)


def retracted_ids(records: Sequence[Recorded[Event]]) -> set[str]:
    """Step 2: the ids of the events a still-standing retraction removes.

    A retraction stands unless a standing retraction removes it, so retracting a
    retraction restores its target. A cycle (which structural checks refuse) is broken by
    treating the retraction met again on the way as standing.
    """
    retractions: dict[str, list[str]] = {}
    for record in records:
        if isinstance(record.event, EventRetracted):
            retractions.setdefault(record.event.target_event_id, []).append(record.event.event_id)
    by_id = {r.event.event_id: r.event for r in records}
    standing: dict[str, bool] = {}

    def stands(event_id: str, visiting: frozenset[str]) -> bool:
        if event_id in standing:
            return standing[event_id]
        if event_id in visiting:
            return True
        result = not any(
            stands(retraction_id, visiting | {event_id})
            for retraction_id in retractions.get(event_id, ())
        )
        standing[event_id] = result
        return result

    return {event_id for event_id in by_id if not stands(event_id, frozenset())}


def corrected_facts(records: Sequence[Recorded[Event]]) -> list[Viewed]:
    """Steps 2–3: the facts still standing, each with its winning correction applied."""
    removed = retracted_ids(records)
    latest: dict[str, Recorded[Event]] = {}
    for record in records:  # log order: a later correction replaces an earlier one
        event = record.event
        if isinstance(event, EventCorrected) and event.event_id not in removed:
            latest[event.target_event_id] = record
    facts: list[Viewed] = []
    for record in records:
        event = record.event
        if isinstance(event, EventCorrected | EventRetracted):
            continue
        if event.event_id in removed:
            continue
        correction = latest.get(event.event_id)
        if correction is None:
            facts.append(Viewed(event, record.position, record.recorded_at))
        else:
            assert isinstance(correction.event, EventCorrected)  # noqa: S101
            facts.append(
                Viewed(
                    correction.event.replacement,
                    record.position,
                    record.recorded_at,
                    corrected_by=correction.event.event_id,
                    corrected_at=correction.recorded_at,
                )
            )
    return facts


def as_of(history: Iterable[Recorded[Event]], *, on: date, known_at: datetime) -> list[Viewed]:
    """Steps 1–5: the facts about `on` as known at `known_at`, in fold order.

    The result is sorted by (`occurred_on`, log position): the order every fold uses.
    """
    facts = corrected_facts(known(history, known_at))
    return sorted(
        (f for f in facts if f.event.occurred_on <= on),
        key=lambda f: (f.event.occurred_on, f.position),
    )
