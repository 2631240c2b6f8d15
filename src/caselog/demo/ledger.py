"""A story's events with their registration times, kept structurally consistent.

Every generated story (a child's case file with its family homes, the committee, the
matters) writes into one `Ledger`. The ledger gives the events their deterministic ids
and registration times, and keeps the one ordering promise D5 needs across time: an
event is never registered before an event it refers to (the report a decision names,
the placement an end names, the target of a correction), so every prefix of the log is
structurally whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeVar

from caselog.events import Event

if TYPE_CHECKING:
    from datetime import datetime
    from random import Random

    from caselog.demo.clock import RegistrationClock
    from caselog.demo.summary import Pattern

E = TypeVar("E", bound=Event)

Entry = tuple["datetime", int, int, str, Event]
"""One event ready for the log: (registered_at, story order, sequence, stream, event)."""

Finding = tuple["Pattern", str, tuple[str, ...]]
"""An injected pattern: (pattern, the id of the event carrying it, ids it relies on)."""

_EVENT_FIELDS: Final = ("report_event_id", "application_event_id", "target_event_id")
"""Fields that name another event by its id."""
_ENTITY_FIELDS: Final = {
    "investigation_id": "investigation",
    "placement_id": "placement",
    "care_decision_id": "care",
    "custody_id": "custody",
    "restriction_id": "restriction",
    "intervention_id": "intervention",
}
"""Fields that name an entity of the stream, and the kind of entity."""
_DEFINED_BY: Final = {
    "investigation_opened": "investigation_id",
    "placement_started": "placement_id",
    "care_decided": "care_decision_id",
    "immediate_custody_decided": "custody_id",
    "contact_restriction_decided": "restriction_id",
    "intervention_decided": "intervention_id",
}
"""The event type that brings each entity into being, and its id field."""
_STREAM_KINDS: Final = {
    "child_id": "child",
    "matter_id": "matter",
    "home_id": "home",
    "committee_id": "committee",
}
"""The subject ids in stream-choosing order (DESIGN.md D2) and their stream kinds."""


@dataclass(frozen=True, slots=True)
class _Shape:
    """Which reference and subject fields an event class has (looked up once)."""

    events: tuple[str, ...]
    event_lists: tuple[str, ...]
    entities: tuple[tuple[str, str], ...]
    defines: tuple[str, str] | None
    subjects: tuple[tuple[str, str], ...]


_SHAPES: dict[type[Event], _Shape] = {}


def _shape(event: Event) -> _Shape:
    """Return the shape of `event`'s class; asking pydantic for absent fields is slow."""
    cls = type(event)
    shape = _SHAPES.get(cls)
    if shape is None:
        fields = cls.model_fields
        defined = _DEFINED_BY.get(event.type)
        shape = _Shape(
            events=tuple(name for name in _EVENT_FIELDS if name in fields),
            event_lists=tuple(name for name in ("report_event_ids",) if name in fields),
            entities=tuple(
                (name, kind)
                for name, kind in _ENTITY_FIELDS.items()
                if name in fields and name != defined
            ),
            defines=(defined, _ENTITY_FIELDS[defined]) if defined else None,
            subjects=tuple((name, kind) for name, kind in _STREAM_KINDS.items() if name in fields),
        )
        _SHAPES[cls] = shape
    return shape


def definitions(event: Event) -> list[str]:
    """Return the keys an event brings into its stream: itself, and any entity it opens.

    >>> from datetime import date
    >>> from caselog.events import InvestigationOpened
    >>> definitions(InvestigationOpened(event_id="ev-1", occurred_on=date(2020, 1, 2),
    ...     actor="sw-1", child_id="c-1", investigation_id="inv-1", decided_by="official"))
    ['event:ev-1', 'investigation:inv-1']
    """
    keys = [f"event:{event.event_id}"]
    defines = _shape(event).defines
    if defines is not None:
        keys.append(f"{defines[1]}:{getattr(event, defines[0])}")
    return keys


def references(event: Event) -> list[str]:
    """Return the keys an event refers to, which must already be in its stream (D5)."""
    shape = _shape(event)
    keys = [
        f"event:{value}" for name in shape.events if (value := getattr(event, name)) is not None
    ]
    for name in shape.event_lists:
        keys.extend(f"event:{value}" for value in getattr(event, name))
    keys.extend(
        f"{kind}:{value}"
        for name, kind in shape.entities
        if (value := getattr(event, name)) is not None
    )
    return keys


def stream_of(event: Event) -> str:
    """Return the event's stream (as `EventModel.stream`, faster): `child:<id>`, …."""
    for name, kind in _shape(event).subjects:
        value = getattr(event, name)
        if value is not None:
            return f"{kind}:{value}"
    msg = f"{event.type} carries no subject id"
    raise ValueError(msg)


class Ledger:
    """The events of one story, each with the moment it was registered.

    Event ids are `<prefix>-<n>` (e.g. `ev-000123-0007`), numbered in the order the
    story writes them, so they never depend on anything but the seed.
    """

    def __init__(
        self,
        *,
        order: int,
        prefix: str,
        clock: RegistrationClock,
        rng: Random,
        cutoff: datetime,
        sequential: bool = False,
    ) -> None:
        """Start an empty story; `order` breaks ties between stories at one instant."""
        self.order = order
        self.clock = clock
        self._prefix = prefix
        self._rng = rng
        self._cutoff = cutoff
        self._sequence = 0
        self._sequential = sequential
        self._floors: dict[str, datetime] = {}
        self._known: dict[str, datetime] = {}
        self._entries: list[tuple[datetime, str, Event]] = []
        self._findings: list[Finding] = []

    def next_id(self) -> str:
        """Return the next event id of this story."""
        self._sequence += 1
        return f"{self._prefix}-{self._sequence:04d}"

    def add(self, event: E, *, at: datetime | None = None) -> E:
        """Register `event` at `at`, or at a usual office moment after it occurred.

        The moment is moved forward to the registration of anything the event refers
        to: a decision cannot enter the case system before the report it decides on.
        The first event written to a stream opens it (the case file, the matter) and
        nothing in that stream is registered before it; in a `sequential` ledger every
        event of a stream is registered after the one written before it.

        Raises:
            LookupError: if the event refers to something this story never wrote
                (a bug in the generator, never a property of the data).
        """
        when = at if at is not None else self.clock.registration(event.occurred_on, self._rng)
        stream = stream_of(event)
        floor = self._floors.get(stream)
        if floor is not None:
            when = max(when, floor)
        for key in references(event):
            known = self._known.get(key)
            if known is None:
                msg = f"{event.type} {event.event_id} refers to unknown {key}"
                raise LookupError(msg)
            when = max(when, known)
        for key in definitions(event):
            self._known[key] = when
        if floor is None or self._sequential:
            self._floors[stream] = when
        self._entries.append((when, stream, event))
        return event

    def events(self) -> list[Event]:
        """Return the events written so far, in the order they were written."""
        return [event for _, _, event in self._entries]

    def registered_at(self, event: Event) -> datetime:
        """Return when `event` (already added) was registered."""
        return self._known[f"event:{event.event_id}"]

    def flag(self, pattern: Pattern, event: Event, *support: Event) -> None:
        """Note that `event` carries `pattern`; `support` are the events that show it."""
        self._findings.append((pattern, event.event_id, tuple(e.event_id for e in support)))

    def finish(self) -> tuple[list[Entry], list[Finding]]:
        """Return the entries registered by the cutoff, and the findings they keep.

        Dropping what was registered after the demo's last day never breaks a
        reference: whatever refers to a dropped event was registered after it.
        """
        entries: list[Entry] = []
        kept: set[str] = set()
        for sequence, (when, stream, event) in enumerate(self._entries):
            if when <= self._cutoff:
                entries.append((when, self.order, sequence, stream, event))
                kept.add(event.event_id)
        findings = [
            finding
            for finding in self._findings
            if finding[1] in kept and all(i in kept for i in finding[2])
        ]
        return entries, findings
