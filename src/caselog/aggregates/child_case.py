"""The child's case file (personakt): stream `child:<child_id>`.

Structure only: referenced reports, investigations, placements, care decisions, custody
decisions, restrictions and interventions must exist in the case file; a placement cannot
end before it began; a retention class is purged (gallring) once (D5): a second purge of
the same class is refused, while later events about the child are accepted and start a
new data key and a new retention clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from caselog.aggregates.stream import Pending, Reference, StreamAggregate, Violation
from caselog.errors import PlacementEndsBeforeStartError, PurgedSubjectError
from caselog.events import (
    EventCorrected,
    EventRetracted,
    PlacementEnded,
    PlacementStarted,
    RecordsPurged,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date

    from caselog.events import Event

_SINGLE_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "protection_assessment_documented": (("report_event_id", "report_received"),),
    "pre_assessment_extended": (("report_event_id", "report_received"),),
    "feedback_requested": (("report_event_id", "report_received"),),
    "feedback_given": (("report_event_id", "report_received"),),
    "feedback_refused": (("report_event_id", "report_received"),),
    "investigation_opened": (("application_event_id", "application_received"),),
    "guardians_informed": (("investigation_id", "investigation"),),
    "information_deferred": (("investigation_id", "investigation"),),
    "investigation_extended": (("investigation_id", "investigation"),),
    "investigation_concluded": (("investigation_id", "investigation"),),
    "risk_assessment_documented": (("investigation_id", "investigation"),),
    "placement_started": (("care_decision_id", "care_decision"),),
    "placement_ended": (("placement_id", "placement"),),
    "emergency_home_stay_extended": (("placement_id", "placement"),),
    "care_reviewed": (("care_decision_id", "care_decision"),),
    "immediate_custody_executed": (("custody_id", "custody"),),
    "immediate_custody_ended": (("custody_id", "custody"),),
    "reported_to_committee": (("custody_id", "custody"),),
    "submitted_to_court": (
        ("custody_id", "custody"),
        ("care_decision_id", "care_decision"),
    ),
    "court_decided": (("custody_id", "custody"), ("care_decision_id", "care_decision")),
    "care_application_filed": (("custody_id", "custody"),),
    "court_extended_deadline": (("custody_id", "custody"),),
    "contact_restriction_reviewed": (("restriction_id", "restriction"),),
    "contact_restriction_lifted": (("restriction_id", "restriction"),),
    "intervention_started": (("intervention_id", "intervention"),),
    "non_execution_reported": (("intervention_id", "intervention"),),
}
"""type tag → (field, kind) of the optional or required single-id references."""

_LIST_REFERENCES: dict[str, tuple[str, str]] = {
    "investigation_opened": ("report_event_ids", "report_received"),
    "investigation_not_opened": ("report_event_ids", "report_received"),
}


_BOUNDS: dict[type, str] = {PlacementStarted: "start", PlacementEnded: "end"}
"""The events that bound a placement, and which bound each is."""


@dataclass
class ChildCase(StreamAggregate):
    """One child's case file. Guards structure only; never refuses a non-compliant fact."""

    DECLARES: ClassVar[dict[str, tuple[str, str]]] = {
        "investigation_opened": ("investigation_id", "investigation"),
        "placement_started": ("placement_id", "placement"),
        "care_decided": ("care_decision_id", "care_decision"),
        "immediate_custody_decided": ("custody_id", "custody"),
        "contact_restriction_decided": ("restriction_id", "restriction"),
        "intervention_decided": ("intervention_id", "intervention"),
    }
    DECLARED_EVENT_KINDS: ClassVar[frozenset[str]] = frozenset(
        {"report_received", "application_received"}
    )

    placement_events: dict[str, dict[str, str]] = field(default_factory=dict)
    """placement_id → {"start"|"end": event_id}: which events bound each placement."""
    dates: dict[str, date] = field(default_factory=dict)
    """event_id → occurred_on (as last corrected) of placement starts and ends."""
    purged: dict[str, str] = field(default_factory=dict)
    """retention class → the `records_purged` event that purged it (stored or batched)."""
    purged_twice: list[tuple[int, str, str]] = field(default_factory=list)
    """(line, class, first purge's event_id) of batch purges of a class already purged."""

    def add(self, event: Event) -> None:
        """Fold one event, remembering placement bounds and the purge."""
        # Exact type checks: this runs once per ingested event (events are final classes).
        kind = type(event)
        if kind is RecordsPurged:
            self.purged.setdefault(event.retention_class.value, event.event_id)  # type: ignore[union-attr]
        super().add(event)
        if kind is EventCorrected:
            fact, event_id = event.replacement, event.target_event_id  # type: ignore[union-attr]
        else:
            fact, event_id = event, event.event_id
        if (end := _BOUNDS.get(type(fact))) is not None:
            assert isinstance(fact, PlacementStarted | PlacementEnded)  # noqa: S101
            self.placement_events.setdefault(fact.placement_id, {})[end] = event_id
            self.dates[event_id] = fact.occurred_on

    def add_to_batch(self, event: Event, line: int = 0) -> None:
        """Fold a batch event in; a purge of a class already purged is refused later.

        Order matters here, unlike for references: a purge earlier in the batch (or
        stored) makes a later purge of the same class a second one.
        """
        if type(event) is RecordsPurged:
            kept = event.retention_class.value
            if (first := self.purged.get(kept)) is not None:
                self.purged_twice.append((line, kept, first))
            else:
                self.purged[kept] = event.event_id
        super().add_to_batch(event, line)

    def verify(self) -> Iterator[tuple[int, Violation]]:
        """Also: each retention class is purged (gallring) once (D5)."""
        for line, kept, first in self.purged_twice:
            reason = (
                f"the {kept} records of {self.stream} were already purged "
                f"(records_purged {first!r}); a second purge of that class is refused"
            )
            yield line, Violation("retention_class", reason, PurgedSubjectError)
        yield from super().verify()

    def references(self, event: Event) -> list[Reference]:
        """Single ids and id lists that must resolve in the case file."""
        found = super().references(event)
        values = event.__dict__  # plain reads: this runs once per ingested event
        for name, kind in _SINGLE_REFERENCES.get(event.type, ()):
            if (value := values[name]) is not None:
                found.append(Reference(name, kind, value))
        if (spec := _LIST_REFERENCES.get(event.type)) is not None:
            name, kind = spec
            found.extend(
                Reference(f"{name}[{i}]", kind, value) for i, value in enumerate(values[name])
            )
        return found

    def keeps(self, event: Event) -> bool:
        """Placement bounds (and their corrections) are checked on their dates."""
        kind = type(event)
        if kind is EventCorrected:
            return True
        return kind is EventRetracted or kind in _BOUNDS

    def check(self, pending: Pending) -> list[Violation]:
        """Also: no placement ends before it began."""
        found = super().check(pending)
        event = pending.event
        # Judged at the end (or at a correction of either bound), so it is said once.
        fact = event.replacement if isinstance(event, EventCorrected) else event
        if not found and (
            isinstance(event, PlacementEnded)
            or (
                isinstance(fact, PlacementStarted | PlacementEnded)
                and isinstance(event, EventCorrected)
            )
        ):
            assert isinstance(fact, PlacementStarted | PlacementEnded)  # noqa: S101
            found.extend(self._placement_order(fact.placement_id))
        return found

    def _placement_order(self, placement_id: str) -> Iterator[Violation]:
        bounds = self.placement_events.get(placement_id, {})
        if "start" in bounds and "end" in bounds:
            start, end = self.dates[bounds["start"]], self.dates[bounds["end"]]
            if end < start:
                yield Violation(
                    "occurred_on",
                    f"placement {placement_id!r} would end on {end} before it began on {start}",
                    PlacementEndsBeforeStartError,
                )
