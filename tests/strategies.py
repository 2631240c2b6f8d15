"""Hypothesis strategies for random child-case histories, and builders of recorded logs.

A history is what the log holds for one case file (personakt, stream `child:c1`):
`Recorded` events in log order with positions 1, 2, … and a `recorded_at` that never
decreases along them (D3), several events sharing one `recorded_at` when they were
written in one batch. The facts are drawn as a plausible case — reports of concern,
investigations opened on them and concluded, placements started and ended, visits — and
recorded some days after they happened (now and then much later), each after the facts it
refers to. Corrections (same type and subject, a changed `occurred_on` and/or field) and
retractions (of originals, corrections or retractions; always of an earlier event, so
never a cycle) are then slipped in after their targets.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import TYPE_CHECKING, Any, Final, TypeVar

from hypothesis import strategies as st

from caselog.events import (
    FACT_CLASSES,
    CareBasis,
    CareDecided,
    CareReviewed,
    CaseFileOpened,
    ChildEvent,
    DecidedBy,
    Event,
    EventCorrected,
    EventRetracted,
    FactEvent,
    GuardiansInformed,
    HomeType,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationNotOpened,
    InvestigationOpened,
    InvestigationOutcome,
    PlacementBasis,
    PlacementEnded,
    PlacementStarted,
    PrivateTalkHeld,
    ProtectionAssessmentDocumented,
    ProtectionOutcome,
    Recorded,
    ReporterCategory,
    ReportReceived,
    ReviewKind,
    ViolenceExposure,
    VisitMade,
    VisitPlace,
    event_adapter,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

CASE_ID: Final = "c1"
FIRST_DAY: Final = date(2024, 1, 1)
EPOCH: Final = datetime(2024, 1, 1, 8, tzinfo=UTC)
ONE_DAY: Final = timedelta(days=1)

DECIDERS: Final = [d for d in DecidedBy if d is not DecidedBy.COURT]
"""Who may take any decision; a court decides only LVU care (§4.28 R07)."""

_CHANGES: Final[dict[type[FactEvent], dict[str, st.SearchStrategy[Any]]]] = {
    CaseFileOpened: {"born_on": st.dates(date(2006, 1, 1), date(2023, 12, 31))},
    ReportReceived: {
        "violence_exposure": st.sampled_from(ViolenceExposure),
        "reporter_category": st.sampled_from(ReporterCategory),
        "close_relative": st.booleans(),
    },
    ProtectionAssessmentDocumented: {"outcome": st.sampled_from(ProtectionOutcome)},
    InvestigationOpened: {"decided_by": st.sampled_from(DECIDERS)},
    InvestigationNotOpened: {"decided_by": st.sampled_from(DECIDERS)},
    InvestigationExtended: {"new_due_on": st.dates(FIRST_DAY, date(2026, 1, 1))},
    InvestigationConcluded: {"outcome": st.sampled_from(InvestigationOutcome)},
    PlacementStarted: {
        "legal_basis": st.sampled_from(PlacementBasis),
        "home_type": st.sampled_from(HomeType),
    },
    VisitMade: {"place": st.sampled_from(VisitPlace)},
    CareDecided: {"decided_by": st.sampled_from(DECIDERS)},
    CareReviewed: {"kind": st.sampled_from(ReviewKind)},
}
"""The fields a correction may change, per fact type (others change only the date).

Subject ids (`child_id`, `home_id`) are never changed: a correction keeps its target's
subject, so a placement in the wrong home is retracted and recorded anew.
"""


C = TypeVar("C", bound=ChildEvent)


def fact(cls: type[C], event_id: str, on: date, **fields: Any) -> C:  # noqa: ANN401
    """A fact of the case file `c1` that occurred on `on`, recorded by `u1`."""
    return cls(event_id=event_id, occurred_on=on, actor="u1", child_id=CASE_ID, **fields)


def history_of(
    events: Sequence[Event], *, recorded_at: Sequence[datetime] | None = None
) -> list[Recorded[Event]]:
    """Record `events` in the given order: positions 1, 2, …, one day apart by default."""
    stamps = recorded_at or [EPOCH + i * ONE_DAY for i in range(len(events))]
    return [
        Recorded(
            event=event,
            stream=event.stream,
            stream_version=i + 1,
            position=i + 1,
            recorded_at=stamp,
            ingested_by="tester",
        )
        for i, (event, stamp) in enumerate(zip(events, stamps, strict=True))
    ]


def appended(
    history: Sequence[Recorded[Event]], *events: Event, after: timedelta = ONE_DAY
) -> list[Recorded[Event]]:
    """The history with `events` recorded after it, in one batch `after` its last one."""
    last = history[-1] if history else None
    position = last.position if last else 0
    stamp = (last.recorded_at if last else EPOCH) + after
    return [
        *history,
        *(
            Recorded(
                event=event,
                stream=event.stream,
                stream_version=position + i + 1,
                position=position + i + 1,
                recorded_at=stamp,
                ingested_by="tester",
            )
            for i, event in enumerate(events)
        ),
    ]


def retraction(target: Event, event_id: str, on: date = FIRST_DAY) -> EventRetracted:
    """A retraction (makulering) of `target`, carrying its subject ids (D4)."""
    return EventRetracted(
        event_id=event_id,
        occurred_on=on,
        actor="u2",
        target_event_id=target.event_id,
        reasons="registered in error",
        **target.subject_ids,
    )


def correction(
    target: FactEvent, event_id: str, on: date = FIRST_DAY, **changes: object
) -> EventCorrected:
    """A correction (rättelse) of `target`: its payload with `changes`, validated."""
    replacement = target.model_dump(exclude={"event_id"}) | changes
    corrected = event_adapter.validate_python(
        {
            "type": "event_corrected",
            "event_id": event_id,
            "occurred_on": on,
            "actor": "u2",
            "target_event_id": target.event_id,
            **target.subject_ids,
            "replacement": replacement,
        }
    )
    assert isinstance(corrected, EventCorrected)
    return corrected


def batches(history: Sequence[Recorded[Event]]) -> list[range]:
    """The index ranges of the batches: consecutive events sharing one `recorded_at`."""
    found: list[range] = []
    start = 0
    for i in range(1, len(history) + 1):
        if i == len(history) or history[i].recorded_at != history[start].recorded_at:
            found.append(range(start, i))
            start = i
    return found


class _Case:
    """The facts of one drawn case, each with the recording day it must not precede."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.ids = count(1)
        self.facts: list[tuple[FactEvent, date]] = []
        self.recorded_day: dict[str, date] = {}

    def day(self, after: date = FIRST_DAY, within: int = 300) -> date:
        return after + timedelta(days=self.draw(st.integers(0, within)))

    def event_id(self) -> str:
        return f"e{next(self.ids)}"

    def add(self, cls: type[C], on: date, *refers_to: FactEvent, **fields: Any) -> C:  # noqa: ANN401
        """Keep a fact, recorded some days after `on` and not before its referents."""
        event = fact(cls, self.event_id(), on, **fields)
        late = self.draw(st.integers(0, 9)) == 7  # now and then, a box of old papers
        lag = self.draw(st.integers(40, 400) if late else st.integers(0, 10))
        day = max([on + timedelta(days=lag)] + [self.recorded_day[r.event_id] for r in refers_to])
        self.recorded_day[event.event_id] = day
        assert isinstance(event, FACT_CLASSES)  # a child event is a fact, never an edit
        self.facts.append((event, day))
        return event


def _reports(case: _Case) -> None:
    """Reports of concern, their protection assessments and the decisions on them."""
    draw = case.draw
    for k in range(draw(st.integers(0, 3))):
        report = case.add(
            ReportReceived,
            case.day(),
            reporter_category=draw(st.sampled_from(ReporterCategory)),
            mandatory_reporter=draw(st.booleans()),
            violence_exposure=draw(st.sampled_from(ViolenceExposure)),
            close_relative=draw(st.booleans()),
        )
        if draw(st.booleans()):
            case.add(
                ProtectionAssessmentDocumented,
                case.day(report.occurred_on, 3),
                report,
                report_event_id=report.event_id,
                outcome=draw(st.sampled_from(ProtectionOutcome)),
            )
        decision = draw(st.sampled_from(["none", "opened", "not_opened"]))
        decided_on = case.day(report.occurred_on, 30)
        if decision == "not_opened":
            case.add(
                InvestigationNotOpened,
                decided_on,
                report,
                report_event_ids=[report.event_id],
                decided_by=DecidedBy.OFFICIAL,
                reasons="no need of protection",
            )
        elif decision == "opened":
            _investigation(case, f"i{k}", report, decided_on)


def _investigation(case: _Case, investigation_id: str, report: FactEvent, opened_on: date) -> None:
    """An investigation opened on a report, perhaps extended and concluded."""
    draw = case.draw
    opening = case.add(
        InvestigationOpened,
        opened_on,
        report,
        investigation_id=investigation_id,
        report_event_ids=[report.event_id],
        decided_by=draw(st.sampled_from(DECIDERS)),
    )
    ids = {"investigation_id": investigation_id}
    if draw(st.booleans()):
        case.add(GuardiansInformed, case.day(opened_on, 5), opening, **ids)
    if draw(st.booleans()):
        case.add(
            InvestigationExtended,
            case.day(opened_on, 130),
            opening,
            new_due_on=case.day(opened_on + timedelta(days=130), 60),
            reasons="the child's need of protection requires it",
            decided_by=DecidedBy.SUBCOMMITTEE,
            **ids,
        )
    if draw(st.booleans()):
        case.add(
            InvestigationConcluded,
            case.day(opened_on, 150),
            opening,
            outcome=draw(st.sampled_from(InvestigationOutcome)),
            decided_by=DecidedBy.SUBCOMMITTEE,
            **ids,
        )


def _care(case: _Case) -> None:
    """Perhaps a care decision, placements one after another, and a review."""
    draw = case.draw
    decision = None
    if draw(st.booleans()):
        decision = case.add(
            CareDecided,
            case.day(),
            care_decision_id="d1",
            legal_basis=draw(st.sampled_from(CareBasis)),
            decided_by=DecidedBy.COMMITTEE,
        )
    start = case.day()
    for k in range(draw(st.integers(0, 3))):
        refers = [decision] if decision and draw(st.booleans()) else []
        placement = case.add(
            PlacementStarted,
            start,
            *refers,
            placement_id=f"p{k}",
            home_id=draw(st.sampled_from(["h1", "h2", "h3"])),
            home_type=draw(st.sampled_from(HomeType)),
            legal_basis=draw(st.sampled_from(PlacementBasis)),
            care_decision_id="d1" if refers else None,
        )
        if draw(st.booleans()):
            ended_on = case.day(start, 120)
            case.add(PlacementEnded, ended_on, placement, placement_id=f"p{k}")
            # Mostly no gap (a move on the day care ends), sometimes a gap or overlap.
            start = ended_on + timedelta(days=draw(st.sampled_from([0, 0, 1, 9, -1])))
        else:
            start = case.day(start, 60)
    if decision is not None and draw(st.booleans()):
        case.add(
            CareReviewed,
            case.day(decision.occurred_on, 200),
            decision,
            kind=draw(st.sampled_from(ReviewKind)),
            decided_by=DecidedBy.COMMITTEE,
            care_decision_id="d1",
        )


def _follow_up(case: _Case) -> None:
    """The case file's opening, visits and private talks."""
    draw = case.draw
    if draw(st.booleans()):
        case.add(CaseFileOpened, FIRST_DAY, born_on=date(2015, 6, 15))
    for _ in range(draw(st.integers(0, 3))):
        case.add(VisitMade, case.day(), place=draw(st.sampled_from(VisitPlace)))
    for _ in range(draw(st.integers(0, 2))):
        case.add(PrivateTalkHeld, case.day())


def _edit(case: _Case, target: Event) -> Event:
    """A correction of a fact, or a retraction of any event."""
    draw = case.draw
    on = case.recorded_day.get(target.event_id, FIRST_DAY)
    on += timedelta(days=draw(st.integers(0, 30)))
    if isinstance(target, EventCorrected | EventRetracted) or draw(st.booleans()):
        return retraction(target, case.event_id(), on)
    changes: dict[str, Any] = {}
    shift = draw(st.sampled_from([0, 0, -3, 2, 40]))
    if shift:
        changes["occurred_on"] = target.occurred_on + timedelta(days=shift)
    fields = _CHANGES.get(type(target), {})
    if fields and (not shift or draw(st.booleans())):
        name = draw(st.sampled_from(sorted(fields)))
        changes[name] = draw(fields[name])
    return correction(target, case.event_id(), on, **changes)


@st.composite
def histories(draw: st.DrawFn, max_edits: int = 4) -> list[Recorded[Event]]:
    """A random history of one case file, with corrections, retractions and batches."""
    case = _Case(draw)
    _follow_up(case)
    _reports(case)
    _care(case)
    order = sorted(range(len(case.facts)), key=lambda i: (case.facts[i][1], i))
    log: list[Event] = [case.facts[i][0] for i in order]
    for _ in range(draw(st.integers(0, max_edits)) if log else 0):
        i = draw(st.integers(0, len(log) - 1))
        log.insert(draw(st.integers(i + 1, len(log))), _edit(case, log[i]))
    stamps: list[datetime] = []
    previous = EPOCH
    while len(stamps) < len(log):
        batch = log[len(stamps) : len(stamps) + draw(st.integers(1, 3))]
        days = [case.recorded_day[e.event_id] for e in batch if e.event_id in case.recorded_day]
        if days:  # a working day's registration, 07:00–17:00 UTC: the same Swedish date
            seconds = draw(st.integers(0, 36_000))
            candidate = datetime.combine(max(days), EPOCH.timetz()) - timedelta(hours=1)
            candidate += timedelta(seconds=seconds)
        else:
            candidate = previous + timedelta(hours=draw(st.integers(0, 72)))
        previous = max(previous, candidate)
        stamps.extend([previous] * len(batch))
    return history_of(log, recorded_at=stamps)


def as_of_pairs(
    history: Sequence[Recorded[Event]],
) -> st.SearchStrategy[tuple[date, datetime]]:
    """An (`on`, `known_at`) pair around a history, often on its dates and stamps."""
    days = [r.event.occurred_on for r in history] or [FIRST_DAY]
    stamps = sorted({r.recorded_at for r in history}) or [EPOCH]
    on = st.sampled_from(days) | st.dates(min(days) - ONE_DAY, max(days) + ONE_DAY)
    known_at = (
        st.sampled_from(stamps)
        | st.sampled_from(stamps).map(lambda t: t - timedelta(microseconds=1))
        | st.sampled_from([stamps[0] - ONE_DAY, stamps[-1] + ONE_DAY])
    )
    return st.tuples(on, known_at)
