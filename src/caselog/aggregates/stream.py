"""The structure of one stream, and the checks every stream shares (DESIGN.md D5).

An aggregate here is a compact index of a stream — ids by kind, event types by id — folded
one event at a time. A writer adds the stream's stored events and the whole batch (in any
order), then asks each batch event for its `violations`: so a conclusion may come before its
opening inside one batch, and memory grows with ids, not with payloads.

Aggregates guard *structure* only. They never refuse a legally non-compliant fact: an
uninvestigated home, a late decision, a placement without a care decision are exactly what
the audit trail must record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from caselog.errors import (
    HistoryError,
    InvalidCorrectionError,
    UnknownReferenceError,
)
from caselog.events import SUBJECT_FIELDS, EventCorrected, EventRetracted
from caselog.events.base import subject_fields

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.events import Event


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken structural invariant: the field at fault, why, and the error to raise."""

    field: str
    reason: str
    error: type[HistoryError]


class Reference(NamedTuple):
    """A field of an event that must name something already in the stream.

    `kind` is either an event type tag (the id is an `event_id` of that type, or any event
    when `kind == "event"`) or an id namespace such as `investigation` or `placement`.
    """

    field: str
    kind: str
    value: str


class Pending(NamedTuple):
    """A batch event waiting to be checked once the whole batch is folded in.

    Compact on purpose: the references and the id, and the full event only when a check
    needs more (corrections, retractions, placement bounds), so a long ingest keeps ids in
    memory, not payloads.
    """

    line: int
    event_id: str
    type: str
    references: tuple[Reference, ...]
    event: Event | None


@dataclass
class StreamAggregate:
    """A compact, incremental index of one stream's structure."""

    stream: str
    types: dict[str, str] = field(default_factory=dict)
    """event_id → type tag, for every event in the stream."""
    subjects: dict[str, dict[str, str]] = field(default_factory=dict)
    """event_id → subject ids, only for events carrying more than one."""
    ids: dict[str, set[str]] = field(default_factory=dict)
    """id namespace (`investigation`, `placement` …) → the ids declared in the stream."""
    retraction_targets: dict[str, str] = field(default_factory=dict)
    batch: list[Pending] = field(default_factory=list)
    """The batch events still to check, in batch order."""

    DECLARES: ClassVar[dict[str, tuple[str, str]]] = {}
    """type tag → (field, namespace) for events that declare a new id."""

    def add(self, event: Event) -> None:
        """Fold one event (stored or in the batch) into the index."""
        kind = type(event)
        self.types[event.event_id] = event.type
        if len(subject_fields(kind)) > 1 and len(subjects := event.subject_ids) > 1:
            self.subjects[event.event_id] = subjects
        if kind is EventRetracted:
            self.retraction_targets[event.event_id] = event.target_event_id  # type: ignore[union-attr]
        declared = event.replacement if kind is EventCorrected else event  # type: ignore[union-attr]
        if (spec := self.DECLARES.get(declared.type)) is not None:
            self.ids.setdefault(spec[1], set()).add(declared.__dict__[spec[0]])

    def references(self, event: Event) -> list[Reference]:
        """The references of `event` that must resolve inside this stream.

        A correction's replacement is the event as it should have been recorded, so its
        own references must resolve too (named `replacement.<field>`).
        """
        kind = type(event)
        if kind is not EventCorrected and kind is not EventRetracted:
            return []
        assert isinstance(event, EventCorrected | EventRetracted)  # noqa: S101
        found = [Reference("target_event_id", "event", event.target_event_id)]
        if isinstance(event, EventCorrected):
            found.extend(
                Reference(f"replacement.{ref.field}", ref.kind, ref.value)
                for ref in self.references(event.replacement)
            )
        return found

    def keeps(self, event: Event) -> bool:
        """Whether checking `event` later needs the whole event, not just its references."""
        kind = type(event)
        return kind is EventCorrected or kind is EventRetracted

    def pend(self, event: Event, line: int = 0) -> Pending:
        """The compact check of `event`, to run once the batch is folded in."""
        return Pending(
            line,
            event.event_id,
            event.type,
            tuple(self.references(event)),
            event if self.keeps(event) else None,
        )

    CHECKS_EVERY_EVENT: ClassVar[bool] = False
    """Whether an event without references can still break this stream's structure."""

    def add_to_batch(self, event: Event, line: int = 0) -> None:
        """Fold a batch event in and remember to check it (if anything could fail).

        A reference that resolves already will resolve at the end too (the index only
        grows), so only the ones still open are kept: most events leave nothing behind.
        """
        self.add(event)
        references = self.references(event)
        kept = self.keeps(event)
        if kept or self.CHECKS_EVERY_EVENT:
            pending = Pending(line, event.event_id, event.type, tuple(references), event)
            self.batch.append(pending if kept else pending._replace(event=None))
        elif references:
            still_open = tuple(ref for ref in references if self._resolve(ref) is not None)
            if still_open:
                self.batch.append(Pending(line, event.event_id, event.type, still_open, None))

    def verify(self) -> Iterator[tuple[int, Violation]]:
        """Check every batch event against the stream with the whole batch: (line, why)."""
        for pending in self.batch:
            for violation in self.check(pending):
                yield pending.line, violation

    def violations(self, event: Event) -> list[Violation]:
        """Check one event against the stream as it is now (after `add`)."""
        return self.check(self.pend(event))

    def check(self, pending: Pending) -> list[Violation]:
        """Check one pending event: references resolve; corrections fit their target."""
        found = [v for ref in pending.references if (v := self._resolve(ref))]
        if found:
            return found
        if isinstance(pending.event, EventCorrected):
            found.extend(self._correction_violations(pending.event))
        elif isinstance(pending.event, EventRetracted):
            found.extend(self._retraction_violations(pending.event))
        return found

    def _resolve(self, ref: Reference) -> Violation | None:
        if ref.kind == "event" or ref.kind in self.DECLARED_EVENT_KINDS:
            actual = self.types.get(ref.value)
            if actual is None:
                return self._missing(ref)
            if ref.kind not in {"event", actual}:
                return Violation(
                    ref.field,
                    f"{ref.value!r} is a {actual}, not a {ref.kind}, in {self.stream}",
                    UnknownReferenceError,
                )
            return None
        if ref.value not in self.ids.get(ref.kind, ()):
            return self._missing(ref)
        return None

    DECLARED_EVENT_KINDS: ClassVar[frozenset[str]] = frozenset()
    """Event type tags that references may name by `event_id`."""

    def _missing(self, ref: Reference) -> Violation:
        return Violation(
            ref.field,
            f"{ref.value!r} does not exist in {self.stream}",
            UnknownReferenceError,
        )

    def _correction_violations(self, event: EventCorrected) -> Iterator[Violation]:
        target_type = self.types[event.target_event_id]
        if target_type in {"event_corrected", "event_retracted"}:
            yield Violation(
                "target_event_id",
                f"{event.target_event_id!r} is a {target_type}; only facts can be "
                "corrected (retract it instead)",
                InvalidCorrectionError,
            )
            return
        if event.replacement.type != target_type:
            yield Violation(
                "replacement.type",
                f"the replacement is a {event.replacement.type} but its target "
                f"{event.target_event_id!r} is a {target_type}",
                InvalidCorrectionError,
            )
            return
        # A target with one subject id has the stream's own; a replacement may neither
        # change nor drop nor add one (D4: same subject ids as the target).
        kind, _, subject = self.stream.partition(":")
        expected = self.subjects.get(event.target_event_id, {f"{kind}_id": subject})
        actual = event.replacement.subject_ids
        for name in SUBJECT_FIELDS:
            if (value := expected.get(name)) != (given := actual.get(name)):
                yield Violation(
                    f"replacement.{name}",
                    f"must equal the target's {name} {value!r}, not {given!r}",
                    InvalidCorrectionError,
                )

    def _retraction_violations(self, event: EventRetracted) -> Iterator[Violation]:
        seen = {event.event_id}
        target: str | None = event.target_event_id
        while target is not None:
            if target in seen:
                yield Violation(
                    "target_event_id",
                    f"retracting {event.target_event_id!r} would close a cycle of retractions",
                    InvalidCorrectionError,
                )
                return
            seen.add(target)
            target = self.retraction_targets.get(target)
