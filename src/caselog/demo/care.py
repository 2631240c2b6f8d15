"""Following a care episode: plans, visits, reviews, custody transfer, contact limits.

SoL (2001:453) 6 kap. 7 b–8 b §§ / SoL (2025:400) 22 kap. 11–14 §§ and LVU 13–14 §§:
the committee follows the care closely (visits and private talks, R14), considers it at
least every six months (övervägande / prövning, R11–R12; only the committee or its
sub-committee may), considers transferring custody to the foster parents after three
years, from 2022-07-01 after two, then yearly (R13), and reconsiders LVU contact
restrictions every three months (R17). Care and implementation plans are drawn up at the
start and revised by two years (R10); the region is told to offer a health examination
(R15); a contract is signed with the family home (R09).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Final

from caselog.dates import add_months, add_years
from caselog.demo.summary import Pattern
from caselog.events import (
    Body,
    CarePlanEstablished,
    CarePlanRevised,
    CareReviewed,
    ContactRestrictionDecided,
    ContactRestrictionLifted,
    ContactRestrictionReviewed,
    CustodyTransferConsidered,
    DecidedBy,
    FosterContractSigned,
    HealthExaminationNotNeeded,
    HomeType,
    ImplementationPlanEstablished,
    PlacementBasis,
    PrivateTalkHeld,
    RegionNotified,
    ReviewKind,
    SocialWorkerAssigned,
    VisitMade,
    VisitPlace,
)

if TYPE_CHECKING:
    from caselog.demo.casefile import CaseFile
    from caselog.demo.placements import Stay

_LAST_THREE_YEAR_DAY: Final = date(2022, 6, 30)
_TWO_YEAR_RULE: Final = date(2022, 7, 1)
"""SFS 2022:665: custody transfer considered after two years, not three (R13)."""
_PLAN_REVISION_RULE: Final = date(2021, 3, 1)
"""SFS 2020:1260: the care plan revised by two years of placement (R10)."""
_REVIEW_KIND: Final = {
    PlacementBasis.SOL: ReviewKind.SOL_REVIEW,
    PlacementBasis.PRIVATE: ReviewKind.SOL_REVIEW,
    PlacementBasis.LVU_2: ReviewKind.LVU_REVIEW,
    PlacementBasis.LVU_6: ReviewKind.LVU_REVIEW,
    PlacementBasis.LVU_3: ReviewKind.LVU_EXAMINATION,
}
_LVU_CARE: Final = (PlacementBasis.LVU_2, PlacementBasis.LVU_3)
_CONTRACT_HOMES: Final = (
    HomeType.FAMILY_HOME,
    HomeType.KINSHIP_HOME,
    HomeType.EMERGENCY_HOME,
)
_FAMILY_HOMES: Final = (HomeType.FAMILY_HOME, HomeType.KINSHIP_HOME)
_LATE_REVIEW: Final = 0.1
_LATE_CONSIDERATION: Final = 0.15
_LATE_PLAN: Final = 0.15
_NOT_NEEDED: Final = 0.05
_TALK_AT_VISIT: Final = 0.7
_EXTRA_TALK: Final = 0.15
_LONG_GAP: Final = 0.06
_VISIT_ELSEWHERE: Final = 0.1
_RESTRICTED: Final = 0.15


class _Reviewer(Enum):
    """Who considers the care in this episode: the sub-committee, an official, nobody."""

    SUBCOMMITTEE = "subcommittee"
    OFFICIAL = "official"
    NOBODY = "nobody"


def follow_care(case: CaseFile, stays: list[Stay]) -> None:
    """Write the follow-up of one care episode (consecutive `stays`)."""
    start = stays[0].started.occurred_on
    until = stays[-1].ended_on or case.horizon
    config = case.config
    draw = case.rng.random()
    reviewer = _Reviewer.SUBCOMMITTEE
    if draw < config.unreviewed_placement_rate:
        reviewer = _Reviewer.NOBODY
    elif draw < config.unreviewed_placement_rate + config.official_review_rate:
        reviewer = _Reviewer.OFFICIAL
    _plans(case, stays, start, until)
    _visits(case, start, until)
    _reviews(case, stays, until, reviewer)
    for stay in stays:
        if stay.started.home_type in _FAMILY_HOMES:
            _consider_custody_transfer(case, stay, reviewer)
    _restrict_contact(case, stays, until)


def _write_on(case: CaseFile, day: date, until: date) -> bool:
    return day <= until and day <= case.horizon


def _plans(case: CaseFile, stays: list[Stay], start: date, until: date) -> None:
    """Designated social worker, plans, health notice and family-home contracts."""
    ledger = case.ledger
    child = case.child_id
    actor = case.caseworker
    assigned = case.later(start, 0, 10)
    if _write_on(case, assigned, until):
        ledger.add(
            SocialWorkerAssigned(
                event_id=ledger.next_id(),
                occurred_on=assigned,
                actor=actor,
                child_id=child,
                social_worker=case.caseworker,
            )
        )
    notified = case.later(start, 15, 60) if case.chance(_LATE_PLAN) else case.later(start, 0, 10)
    if _write_on(case, notified, until):
        if case.chance(_NOT_NEEDED):
            ledger.add(
                HealthExaminationNotNeeded(
                    event_id=ledger.next_id(),
                    occurred_on=notified,
                    actor=actor,
                    child_id=child,
                    reasons="Barnet genomgick en hälsoundersökning nyligen.",
                )
            )
        else:
            ledger.add(
                RegionNotified(
                    event_id=ledger.next_id(),
                    occurred_on=notified,
                    actor=actor,
                    child_id=child,
                )
            )
    for stay in stays:
        signed = case.later(stay.started.occurred_on, 0, 5)
        if stay.started.home_type in _CONTRACT_HOMES and _write_on(case, signed, until):
            ledger.add(
                FosterContractSigned(
                    event_id=ledger.next_id(),
                    occurred_on=signed,
                    actor=actor,
                    child_id=child,
                    home_id=stay.started.home_id,
                )
            )
    if all(stay.started.legal_basis is PlacementBasis.LVU_6 for stay in stays):
        return
    planned = case.later(start, 15, 60) if case.chance(_LATE_PLAN) else case.later(start, -3, 0)
    planned = max(planned, case.opened_on)
    if _write_on(case, planned, until):
        ledger.add(
            CarePlanEstablished(
                event_id=ledger.next_id(), occurred_on=planned, actor=actor, child_id=child
            )
        )
    implemented = (
        case.later(start, 40, 120) if case.chance(_LATE_PLAN) else case.later(start, 5, 30)
    )
    if _write_on(case, implemented, until):
        ledger.add(
            ImplementationPlanEstablished(
                event_id=ledger.next_id(),
                occurred_on=implemented,
                actor=actor,
                child_id=child,
            )
        )
    two_years = add_years(start, 2)
    revised = (
        case.later(two_years, 10, 120) if case.chance(_LATE_PLAN) else case.later(two_years, -60, 0)
    )
    if two_years >= _PLAN_REVISION_RULE and _write_on(case, revised, until):
        ledger.add(
            CarePlanRevised(
                event_id=ledger.next_id(), occurred_on=revised, actor=actor, child_id=child
            )
        )


def _visits(case: CaseFile, start: date, until: date) -> None:
    """Visits in the home and private talks with the child, about four a year (R14)."""
    ledger = case.ledger
    day = case.later(start, 14, 45)
    while _write_on(case, day, until):
        place = VisitPlace.OTHER if case.chance(_VISIT_ELSEWHERE) else VisitPlace.PLACEMENT_HOME
        ledger.add(
            VisitMade(
                event_id=ledger.next_id(),
                occurred_on=day,
                actor=case.caseworker,
                child_id=case.child_id,
                place=place,
            )
        )
        if case.chance(_TALK_AT_VISIT):
            _talk(case, day)
        gap = case.rng.randint(150, 260) if case.chance(_LONG_GAP) else case.rng.randint(50, 110)
        talk = day + timedelta(days=gap // 2)
        if case.chance(_EXTRA_TALK) and _write_on(case, talk, until):
            _talk(case, talk)
        day += timedelta(days=gap)


def _talk(case: CaseFile, day: date) -> None:
    case.ledger.add(
        PrivateTalkHeld(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=case.caseworker,
            child_id=case.child_id,
        )
    )


def _current(stays: list[Stay], day: date) -> Stay:
    current = stays[0]
    for stay in stays:
        if stay.started.occurred_on <= day:
            current = stay
    return current


def _decision_day(case: CaseFile, due: date, reviewer: _Reviewer, late: float) -> date | None:
    """The day a periodic decision is taken: at a meeting before `due`, or late."""
    if reviewer is _Reviewer.OFFICIAL:
        return case.workday(case.later(due, -20, 0), due - timedelta(days=20))
    calendar = case.town.calendar
    if case.chance(late):
        return calendar.on_or_after(Body.SUBCOMMITTEE, case.later(due, 1, 40))
    return calendar.in_time(Body.SUBCOMMITTEE, due, due - timedelta(days=35))


def _reviews(case: CaseFile, stays: list[Stay], until: date, reviewer: _Reviewer) -> None:
    """Six-monthly övervägande (SoL, LVU 2 §) or prövning (LVU 3 §), R11–R12."""
    if all(stay.started.legal_basis is PlacementBasis.LVU_6 for stay in stays):
        return
    lvu_3 = [s for s in stays if s.started.legal_basis is PlacementBasis.LVU_3]
    since = (lvu_3 or stays)[0].started.occurred_on
    first_due = add_months(since, 6)
    overdue = until > first_due
    if reviewer is _Reviewer.NOBODY:
        if overdue:
            case.ledger.flag(Pattern.PLACEMENT_NEVER_REVIEWED, stays[0].started)
        return
    due = first_due
    by = DecidedBy.OFFICIAL if reviewer is _Reviewer.OFFICIAL else DecidedBy.SUBCOMMITTEE
    reviewed = 0
    while (day := _decision_day(case, due, reviewer, _LATE_REVIEW)) is not None:
        if not _write_on(case, day, until):
            break
        stay = _current(stays, day)
        case.ledger.add(
            CareReviewed(
                event_id=case.ledger.next_id(),
                occurred_on=day,
                actor=case.caseworker,
                child_id=case.child_id,
                kind=_REVIEW_KIND[stay.started.legal_basis],
                decided_by=by,
                care_decision_id=stay.started.care_decision_id,
            )
        )
        reviewed += 1
        due = add_months(day, 6)
    if reviewer is _Reviewer.OFFICIAL and overdue and reviewed:
        case.ledger.flag(Pattern.REVIEWED_BY_OFFICIAL_ONLY, stays[0].started)


def _consider_custody_transfer(case: CaseFile, stay: Stay, reviewer: _Reviewer) -> None:
    """Vårdnadsöverflyttning: after three years, two from 2022-07-01, then yearly (R13)."""
    if reviewer is _Reviewer.NOBODY:
        return
    start = stay.started.occurred_on
    until = stay.ended_on or case.horizon
    due = add_years(start, 3)
    if due > _LAST_THREE_YEAR_DAY:
        due = max(add_years(start, 2), _TWO_YEAR_RULE)
    by = DecidedBy.OFFICIAL if reviewer is _Reviewer.OFFICIAL else DecidedBy.SUBCOMMITTEE
    while (day := _decision_day(case, due, reviewer, _LATE_CONSIDERATION)) is not None:
        if not _write_on(case, day, until) or day < start:
            break
        case.ledger.add(
            CustodyTransferConsidered(
                event_id=case.ledger.next_id(),
                occurred_on=day,
                actor=case.caseworker,
                child_id=case.child_id,
                home_id=stay.started.home_id,
                decided_by=by,
            )
        )
        due = add_years(day, 1)


def _restrict_contact(case: CaseFile, stays: list[Stay], until: date) -> None:
    """Now and then LVU care restricts the parents' contact (LVU 14 §, R17)."""
    lvu = [s for s in stays if s.started.legal_basis in _LVU_CARE]
    if not lvu or not case.chance(_RESTRICTED):
        return
    calendar = case.town.calendar
    ledger = case.ledger
    decided = calendar.on_or_after(
        Body.SUBCOMMITTEE, case.later(lvu[0].started.occurred_on, 10, 60)
    )
    if decided is None or not _write_on(case, decided, until):
        return
    restriction_id = case.new_id("re")
    ledger.add(
        ContactRestrictionDecided(
            event_id=ledger.next_id(),
            occurred_on=decided,
            actor=case.caseworker,
            child_id=case.child_id,
            restriction_id=restriction_id,
            decided_by=DecidedBy.SUBCOMMITTEE,
        )
    )
    lift = calendar.on_or_after(Body.SUBCOMMITTEE, case.later(decided, 180, 540))
    due = add_months(decided, 3)
    while (day := _decision_day(case, due, _Reviewer.SUBCOMMITTEE, _LATE_REVIEW)) is not None:
        if not _write_on(case, day, until) or (lift is not None and day >= lift):
            break
        ledger.add(
            ContactRestrictionReviewed(
                event_id=ledger.next_id(),
                occurred_on=day,
                actor=case.caseworker,
                child_id=case.child_id,
                restriction_id=restriction_id,
                decided_by=DecidedBy.SUBCOMMITTEE,
            )
        )
        due = add_months(day, 3)
    if lift is None or not _write_on(case, lift, until):
        lift = stays[-1].ended_on
    if lift is not None and lift <= case.horizon:
        ledger.add(
            ContactRestrictionLifted(
                event_id=ledger.next_id(),
                occurred_on=lift,
                actor=case.caseworker,
                child_id=case.child_id,
                restriction_id=restriction_id,
                decided_by=DecidedBy.SUBCOMMITTEE,
            )
        )
