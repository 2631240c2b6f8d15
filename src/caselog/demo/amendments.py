"""Corrections, retractions and purging: how a case file changes after the fact.

Errors are never edited (DESIGN.md D4): a wrong birth date, reporter or visit date is
corrected by an `EventCorrected` carrying the full corrected payload (rättelse), and a
double registration is retracted by an `EventRetracted` (makulering), days or weeks
after the original was registered. Five years after the last entry a personakt is
purged (gallring, SoL 2001:453 12 kap. / SoL 2025:400 16 kap.), by the policy R23
judges: the research sample is kept, an investigated child's file is kept until thirty
under SFS 2025:1501, and a few files are forgotten (`Pattern.RECORDS_NOT_PURGED`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import add_months, add_years, swedish_date
from caselog.demo.ledger import stream_of
from caselog.demo.people import identity
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
    from random import Random

    from caselog.demo.casefile import CaseFile
    from caselog.demo.ledger import Ledger
    from caselog.demo.municipality import Municipality
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
_RESEARCH_DAYS: Final = frozenset({5, 15, 25})
"""SoF (2001:937) 7 kap. 2 §: people born on these days are kept for research (R23's
default `research_birth_days`; the demo municipality is not a sample municipality)."""
_RETENTION_YEARS: Final = 5
"""SoL (2001:453) 12 kap. 1 § / SoL (2025:400) 16 kap. 1 §: five years after the last entry."""
_INVESTIGATED_UNTIL_AGE: Final = 30
"""SoL (2025:400) 16 kap. 2 a § (SFS 2025:1501): an investigated child's file kept to 30."""
_SFS_2025_1501: Final = date(2026, 1, 1)
"""R23's default `sfs_2025_1501_in_force_on`."""
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
            # The number names the birth date: a corrected date corrects the number too.
            choices.append((event, {"born_on": shifted, **identity(event.child_id, shifted)}))
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
    """Purge (gallra) a child's personakt when R23 says the duty arises."""
    purge_file(case.town, case.ledger, case.rng, case.child_id)


def purge_file(town: Municipality, ledger: Ledger, rng: Random, child_id: str) -> None:
    """Purge the general records on the first working day the duty to purge has arisen.

    The policy is R23's (RULES.md §4.28, `caselog.rules.retention`, which the demo may not
    import): the duty arises five years after the last entry — the Swedish date of the
    latest registration in the case file, its opening not counted — and for a child with
    an investigation whose purge would fall due from 2026 on, not before the child turns
    thirty (SFS 2025:1501). Files of the research sample (born on the 5th, 15th or 25th)
    are kept. The archive purges nightly, as crypto-shredding allows, so R23 finds no
    purge pending for long; a share `overdue_purge_rate` of the files due by the demo's
    end are forgotten and found overdue (`Pattern.RECORDS_NOT_PURGED`). Placement
    records are never purged.
    """
    stream = f"child:{child_id}"
    events = [e for e in ledger.events() if stream_of(e) == stream]
    removed = {e.target_event_id for e in events if isinstance(e, EventRetracted)}
    born_on: date | None = None
    opened: CaseFileOpened | None = None
    stamps: list[datetime] = []
    investigated = False
    for event in events:
        if event.event_id in removed or ledger.registered_at(event) > town.cutoff:
            continue
        if isinstance(event, EventCorrected):
            if isinstance(event.replacement, CaseFileOpened):
                born_on = event.replacement.born_on
        elif isinstance(event, CaseFileOpened):
            opened = event
            born_on = born_on or event.born_on
        else:
            stamps.append(ledger.registered_at(event))
            investigated = investigated or isinstance(event, InvestigationOpened)
    if opened is None or born_on is None or not stamps or born_on.day in _RESEARCH_DAYS:
        return
    last = swedish_date(max(stamps))
    arises = add_years(last, _RETENTION_YEARS)
    if investigated and date(arises.year + 1, 12, 31) >= _SFS_2025_1501:
        arises = max(arises, add_years(born_on, _INVESTIGATED_UNTIL_AGE))
    end = town.config.end
    if date(arises.year + 1, 12, 31) < end and rng.random() < town.config.overdue_purge_rate:
        ledger.flag(Pattern.RECORDS_NOT_PURGED, opened)
        return
    run = town.clock.next_open(arises)
    if run > end:
        return
    ledger.add(
        RecordsPurged(
            event_id=ledger.next_id(),
            occurred_on=run,
            actor=_ARCHIVIST,
            child_id=child_id,
            retention_class=RetentionClass.GENERAL,
        ),
        at=town.clock.at_office(run, rng),
    )
