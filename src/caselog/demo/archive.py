"""The box of old papers: reports from 2005–2006 and 2014 registered years later.

A municipality found a box of reports of concern that had never been registered
(RULES.md R21, TC16). They entered the case system on one day in 2019, each with the
date it had really come in, so that `recorded_at` lies years after `occurred_on`: an
inspector asking what the records showed in 2006 sees nothing, and asking what really
happened sees reports that nobody ever decided on.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.demo.people import identity
from caselog.demo.summary import Pattern
from caselog.events import (
    CaseFileOpened,
    DecidedBy,
    InvestigationNotOpened,
    ProtectionAssessmentDocumented,
    ProtectionOutcome,
    ReporterCategory,
    ReportReceived,
    ViolenceExposure,
)

if TYPE_CHECKING:
    from random import Random

    from caselog.demo.ledger import Ledger
    from caselog.demo.municipality import Municipality

_REGISTRAR: Final = "reg-1"
"""The registrar (registrator) who entered the box."""
_ERAS: Final = (
    (date(2005, 1, 1), date(2006, 12, 31)),
    (date(2014, 1, 1), date(2014, 12, 31)),
)
_OLDER_ERA: Final = 0.7
_ASSESSED: Final = 0.5
_DECIDED: Final = 0.4
_CATEGORIES: Final = (
    ReporterCategory.POLICE,
    ReporterCategory.SCHOOL,
    ReporterCategory.HEALTH_CARE,
    ReporterCategory.PRIVATE_PERSON,
)


def box_day(town: Municipality) -> date | None:
    """Return the working day the box was registered, if it lies within the demo."""
    config = town.config
    day = town.clock.next_open(config.box_registered_on)
    return day if config.start <= day <= config.end else None


def write_boxed_child(
    town: Municipality, ledger: Ledger, rng: Random, child_id: str, registered_on: date
) -> None:
    """Write a child whose whole file came out of the box on `registered_on`."""
    first_day, last_day = _ERAS[0] if rng.random() < _OLDER_ERA else _ERAS[1]
    last_day = min(last_day, registered_on - timedelta(days=1))
    if last_day < first_day:
        first_day, last_day = _ERAS[0]
    day = first_day + timedelta(days=rng.randrange((last_day - first_day).days + 1))
    born_on = day - timedelta(days=rng.randint(2 * 365, 16 * 365))
    when = town.clock.at_office(registered_on, rng)
    ledger.add(
        CaseFileOpened(
            event_id=ledger.next_id(),
            occurred_on=day,
            actor=_REGISTRAR,
            child_id=child_id,
            born_on=born_on,
            **identity(child_id, born_on),
        ),
        at=when,
    )
    for _ in range(rng.randint(1, 3)):
        if day > last_day:
            break
        category = rng.choice(_CATEGORIES)
        report = ledger.add(
            ReportReceived(
                event_id=ledger.next_id(),
                occurred_on=day,
                actor=_REGISTRAR,
                child_id=child_id,
                reporter_category=category,
                mandatory_reporter=category is not ReporterCategory.PRIVATE_PERSON,
                violence_exposure=ViolenceExposure.NONE,
            ),
            at=when,
        )
        ledger.flag(Pattern.REGISTERED_YEARS_LATE, report)
        if rng.random() < _ASSESSED:
            ledger.add(
                ProtectionAssessmentDocumented(
                    event_id=ledger.next_id(),
                    occurred_on=day + timedelta(days=rng.randint(0, 1)),
                    actor=_REGISTRAR,
                    child_id=child_id,
                    report_event_id=report.event_id,
                    outcome=ProtectionOutcome.NO_IMMEDIATE_NEED,
                ),
                at=when,
            )
        if rng.random() < _DECIDED:
            ledger.add(
                InvestigationNotOpened(
                    event_id=ledger.next_id(),
                    occurred_on=day + timedelta(days=rng.randint(3, 30)),
                    actor=_REGISTRAR,
                    child_id=child_id,
                    report_event_ids=[report.event_id],
                    decided_by=DecidedBy.OFFICIAL,
                    reasons="Ingen utredning inleds (beslut återfunnet i arkivlåda).",
                ),
                at=when,
            )
        day += timedelta(days=rng.randint(30, 200))
