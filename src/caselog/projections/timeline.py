"""The timeline of a case file (personakt): every entry in log order, on both time axes.

Where `fold_case_state` answers "what was the situation", the timeline answers "what was
written down, and when": an inspector reading a case as of `known_at` sees each event
with its valid date (`occurred_on`) beside the day it entered the log (`recorded_at`),
so a document registered long after the fact (the box of 2005–2006 papers found in
2019) stands out, and so do corrections (rättelser) and retractions (makuleringar),
which never erase anything (DESIGN.md D4). Registration lag is counted in Swedish
calendar days, as the duty to document without delay is (R21, RULES.md §4.27).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel, ConfigDict

from caselog.dates import swedish_date
from caselog.events import (
    CareDecided,
    CareReviewed,
    DeviationReported,
    Event,
    EventCorrected,
    EventRetracted,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationNotOpened,
    LexSarahReported,
    PlacementStarted,
    RecordsPurged,
    ReportReceived,
    ViolenceExposure,
    VisitMade,
)
from caselog.projections.as_of import corrected_facts, known, retracted_ids

if TYPE_CHECKING:
    from collections.abc import Iterable

    from caselog.events import Recorded

LATE_AFTER_DAYS: Final = 30
"""Registration lag above which an entry is marked late (`registration_flag_days`)."""

_REFERENCES: Final = (
    ("investigation_id", "investigation"),
    ("placement_id", "placement"),
    ("care_decision_id", "care decision"),
    ("custody_id", "custody"),
    ("restriction_id", "restriction"),
    ("intervention_id", "intervention"),
    ("report_event_id", "report"),
    ("home_id", "home"),
    ("target_event_id", "event"),
)
"""The ids a summary names, with the English word for what they identify."""


class TimelineEntry(BaseModel):
    """One event of the log as the timeline shows it; field names are stable columns.

    `registration_lag_days` is the Swedish calendar date of `recorded_at` minus
    `occurred_on` (negative for a fact dated in the future). `corrected_by` names the
    correction that wins as of `known_at`, `retracted_by` the standing retraction that
    removes the entry; `target_event_id` is set on corrections and retractions.
    Summaries never quote free text (reasons), which may be sensitive (RULES.md §7.2).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    position: int
    recorded_at: datetime
    recorded_on: date
    occurred_on: date
    stream: str
    type: str
    event_id: str
    actor: str
    summary: str
    registration_lag_days: int
    late_registration: bool
    corrected: bool
    corrected_by: str | None
    retracted: bool
    retracted_by: str | None
    is_correction: bool
    is_retraction: bool
    target_event_id: str | None

    @property
    def marks(self) -> tuple[str, ...]:
        """The names of the marks set on the entry, for a table column.

        A property, not a field, so the JSON and CSV columns stay the booleans above.
        """
        flags = (
            ("late_registration", self.late_registration),
            ("corrected", self.corrected),
            ("retracted", self.retracted),
            ("correction", self.is_correction),
            ("retraction", self.is_retraction),
        )
        return tuple(name for name, is_set in flags if is_set)


def _words(tag: str) -> str:
    """Turn a type tag into a phrase: `visit_made` → `Visit made`."""
    return tag.replace("_", " ").capitalize()


def summary_of(event: Event) -> str:
    """A short English line saying what an event records, without its free text.

    >>> from datetime import date
    >>> from caselog.events import PlacementEnded
    >>> summary_of(PlacementEnded(child_id="c1", placement_id="p1",
    ...                           occurred_on=date(2024, 1, 1), actor="u1"))
    'Placement ended (placement p1)'
    """
    match event:
        case ReportReceived():
            text = f"Report of concern received from {event.reporter_category}"
            if event.violence_exposure is not ViolenceExposure.NONE:
                text += f"; violence: {event.violence_exposure}"
            return text
        case InvestigationNotOpened():
            return f"Investigation not opened on {', '.join(event.report_event_ids)}"
        case InvestigationExtended(new_due_on=date() as due):
            return f"Investigation {event.investigation_id} extended to {due}"
        case InvestigationConcluded():
            return f"Investigation {event.investigation_id} concluded: {event.outcome}"
        case CareDecided():
            return f"Care decided ({event.legal_basis}, {event.care_decision_id})"
        case PlacementStarted():
            return (
                f"Placement {event.placement_id} started in {event.home_type} "
                f"{event.home_id} ({event.legal_basis})"
            )
        case CareReviewed():
            return f"Care reviewed ({event.kind})"
        case VisitMade():
            return f"Visit made ({event.place})"
        case RecordsPurged():
            return f"Records purged ({event.retention_class})"
        case EventCorrected():
            return f"Correction of {event.target_event_id} ({event.replacement.type})"
        case EventRetracted():
            return f"Retraction of {event.target_event_id}"
        case _:
            named = [
                f"{word} {value}"
                for field, word in _REFERENCES
                if isinstance(value := getattr(event, field, None), str)
            ]
            return _words(event.type) + (f" ({', '.join(named)})" if named else "")


def timeline_of(
    history: Iterable[Recorded[Event]],
    *,
    known_at: datetime,
    late_after_days: int = LATE_AFTER_DAYS,
) -> list[TimelineEntry]:
    """List every event of a stream recorded up to `known_at`, in log order.

    Corrections and retractions are listed too, and the entries they affect are
    marked as they stand at `known_at` (a retracted correction no longer marks its
    target; a retracted retraction no longer removes its).

    Args:
        history: The stream's recorded events (in any order; sorted by position).
        known_at: The transaction time to read the log at (aware, UTC).
        late_after_days: Lag in days above which `late_registration` is set.
    """
    records = known(history, known_at)
    removed = retracted_ids(records)
    corrected_by: dict[str, str] = {}
    retracted_by: dict[str, str] = {}
    for record in records:  # log order: the last standing correction wins (D4)
        event = record.event
        if event.event_id in removed:
            continue
        if isinstance(event, EventCorrected):
            corrected_by[event.target_event_id] = event.event_id
        elif isinstance(event, EventRetracted):
            retracted_by[event.target_event_id] = event.event_id
    entries: list[TimelineEntry] = []
    for record in records:
        event = record.event
        recorded_on = swedish_date(record.recorded_at)
        lag = (recorded_on - event.occurred_on).days
        retracted = event.event_id in removed
        target = (
            event.target_event_id if isinstance(event, EventCorrected | EventRetracted) else None
        )
        entries.append(
            TimelineEntry(
                position=record.position,
                recorded_at=record.recorded_at,
                recorded_on=recorded_on,
                occurred_on=event.occurred_on,
                stream=record.stream,
                type=event.type,
                event_id=event.event_id,
                actor=event.actor,
                summary=summary_of(event),
                registration_lag_days=lag,
                late_registration=lag > late_after_days,
                corrected=event.event_id in corrected_by,
                corrected_by=corrected_by.get(event.event_id),
                retracted=retracted,
                retracted_by=retracted_by.get(event.event_id) if retracted else None,
                is_correction=isinstance(event, EventCorrected),
                is_retraction=isinstance(event, EventRetracted),
                target_event_id=target,
            )
        )
    return entries


def matters_about(
    child_id: str, matters: Iterable[Recorded[Event]], *, known_at: datetime
) -> set[str]:
    """The matter streams whose report names the child, as the log showed it at `known_at`.

    A deviation (avvikelse) or lex Sarah report names the children it concerns in
    `child_ids` (RULES.md §4.28), so that their case files' timelines show it. The report
    as corrected counts; a retracted one names nobody.
    """
    return {
        viewed.event.stream
        for viewed in corrected_facts(known(matters, known_at))
        if isinstance(viewed.event, DeviationReported | LexSarahReported)
        and child_id in (viewed.event.child_ids or ())
    }
