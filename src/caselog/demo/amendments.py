"""Corrections, retractions and purging: how a case file changes after the fact.

Errors are never edited (DESIGN.md D4): a wrong birth date, reporter or visit date is
corrected by an `EventCorrected` carrying the full corrected payload (rättelse), and a
double registration is retracted by an `EventRetracted` (makulering), days or weeks
after the original was registered. Five years after the last entry, the file of a child
who was never placed and is not in the research sample is purged (gallring, SoL
2001:453 12 kap. / SoL 2025:400 16 kap.), finished by the end of the following year.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import add_months, add_years, swedish_date
from caselog.demo.summary import Pattern
from caselog.events import (
    CaseFileOpened,
    EventCorrected,
    EventRetracted,
    InvestigationOpened,
    PlacementStarted,
    RecordsPurged,
    ReporterCategory,
    ReportReceived,
    RetentionClass,
    VisitMade,
)

if TYPE_CHECKING:
    from caselog.demo.casefile import CaseFile
    from caselog.events import Event, FactEvent

_MANDATORY_SWAPS: Final = {
    ReporterCategory.SCHOOL: ReporterCategory.PRESCHOOL,
    ReporterCategory.PRESCHOOL: ReporterCategory.SCHOOL,
    ReporterCategory.POLICE: ReporterCategory.OTHER_AUTHORITY,
    ReporterCategory.OTHER_AUTHORITY: ReporterCategory.POLICE,
    ReporterCategory.HEALTH_CARE: ReporterCategory.SOCIAL_SERVICES,
    ReporterCategory.SOCIAL_SERVICES: ReporterCategory.HEALTH_CARE,
    ReporterCategory.PRIVATE_PERSON: ReporterCategory.ANONYMOUS,
    ReporterCategory.ANONYMOUS: ReporterCategory.PRIVATE_PERSON,
    ReporterCategory.OTHER: ReporterCategory.PRIVATE_PERSON,
}
"""A plausible slip of the pen for each reporter category."""
_RESEARCH_DAYS: Final = (5, 15, 25)
"""SoF (2001:937) 7 kap. 2 §: people born on these days are kept for research."""
_PURGED: Final = 0.8
_PURGE_MONTH: Final = 11
_ARCHIVIST: Final = "arkiv-1"
_RETRACTION_REASONS: Final = (
    "Dubbelregistrering: samma anmälan registrerades två gånger.",
    "Registrerad av misstag i fel ärende.",
)


def _replace(target: FactEvent, **changes: object) -> FactEvent:
    """Return `target` as it should have been recorded, validated like any input."""
    return type(target).model_validate({**target.model_dump(), **changes})


def amend(case: CaseFile) -> None:
    """Now and then correct one event and retract one double registration."""
    events = case.ledger.events()
    if case.chance(case.config.correction_rate):
        _correct(case, events)
    if case.chance(case.config.retraction_rate):
        _retract(case, events)


def _register_after(case: CaseFile, event: FactEvent, low: int, high: int) -> tuple[date, datetime]:
    """Return a working day `low`–`high` days after `event` was registered, and a time."""
    clock = case.town.clock
    registered = swedish_date(case.ledger.registered_at(event))
    day = clock.next_open(case.later(registered, low, high))
    return day, clock.at_office(day, case.rng)


def _correct(case: CaseFile, events: list[Event]) -> None:
    """Correct a birth date, a reporter category or a visit date (rättelse)."""
    placed = [e for e in events if isinstance(e, PlacementStarted)]
    choices: list[tuple[FactEvent, dict[str, object]]] = []
    for event in events:
        if isinstance(event, CaseFileOpened):
            shifted = add_months(event.born_on, case.rng.choice((-1, 1)))
            if shifted > event.occurred_on:
                shifted = add_months(event.born_on, -1)
            choices.append((event, {"born_on": shifted}))
        elif isinstance(event, ReportReceived):
            swap = _MANDATORY_SWAPS[event.reporter_category]
            choices.append((event, {"reporter_category": swap}))
        elif isinstance(event, VisitMade) and placed:
            moved = event.occurred_on - timedelta(days=case.rng.randint(1, 4))
            if moved > placed[0].occurred_on:
                choices.append((event, {"occurred_on": moved}))
    if not choices:
        return
    target, changes = case.rng.choice(choices)
    day, when = _register_after(case, target, 2, 40)
    correction = case.ledger.add(
        EventCorrected(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=target.actor,
            child_id=case.child_id,
            target_event_id=target.event_id,
            replacement=_replace(target, **changes),
        ),
        at=when,
    )
    case.ledger.flag(Pattern.CORRECTED, correction, target)


def _retract(case: CaseFile, events: list[Event]) -> None:
    """Register one report twice by mistake, then retract the copy (makulering)."""
    reports = [e for e in events if isinstance(e, ReportReceived)]
    if not reports:
        return
    original = case.rng.choice(reports)
    copy = ReportReceived.model_validate(
        {**original.model_dump(), "event_id": case.ledger.next_id()}
    )
    registered = case.ledger.registered_at(original)
    case.ledger.add(copy, at=registered + timedelta(minutes=case.rng.randint(2, 40)))
    day, when = _register_after(case, copy, 1, 20)
    retraction = case.ledger.add(
        EventRetracted(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=original.actor,
            child_id=case.child_id,
            target_event_id=copy.event_id,
            reasons=case.rng.choice(_RETRACTION_REASONS),
        ),
        at=when,
    )
    case.ledger.flag(Pattern.RETRACTED, retraction, copy)


def purge(case: CaseFile) -> None:
    """Purge (gallra) the file five years after its last entry, when the law allows.

    Only files of children never investigated or placed and not born on the 5th, 15th
    or 25th are purged here; placement records are never purged and investigation
    records are kept longer under SFS 2025:1501. A fifth of the due purges are never
    done, which R23 reports as overdue.
    """
    events = case.ledger.events()
    if case.born_on.day in _RESEARCH_DAYS or any(
        isinstance(e, (InvestigationOpened, PlacementStarted)) for e in events
    ):
        return
    last = max(e.occurred_on for e in events)
    duty = add_years(last, 5)
    run = date(duty.year, _PURGE_MONTH, case.rng.randint(1, 28))
    if run < duty:
        run = date(duty.year + 1, _PURGE_MONTH, case.rng.randint(1, 28))
    if run > case.config.end or not case.chance(_PURGED):
        return
    run = case.town.clock.next_open(run)
    last_registered = max(swedish_date(case.ledger.registered_at(e)) for e in events)
    if run > case.config.end or run <= last_registered:
        return
    case.ledger.add(
        RecordsPurged(
            event_id=case.ledger.next_id(),
            occurred_on=run,
            actor=_ARCHIVIST,
            child_id=case.child_id,
            retention_class=RetentionClass.GENERAL,
        ),
        at=case.town.clock.at_office(run, case.rng),
    )
