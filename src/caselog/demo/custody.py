"""Compulsory care under LVU (1990:52): immediate custody, the court, and care.

LVU 6 §: when the committee's decision cannot wait, its chair decides on immediate
custody (omedelbart omhändertagande); the decision is reported at the next committee
meeting. LVU 7 §: it is submitted to the administrative court (förvaltningsrätten)
within a week, or the custody ceases by law. LVU 8 §: the committee applies for care
within four weeks of the execution. LVU 2 § care concerns the home environment, 3 § the
young person's own behaviour; both are decided by the court on the committee's
application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import SundayRule, add_weeks, effective_due
from caselog.demo.care import follow_care
from caselog.demo.homes import choose_home, recruit_home
from caselog.demo.placements import (
    Stay,
    care_end,
    end_stay,
    flag_home,
    leave_emergency,
    settle,
    start_stay,
)
from caselog.demo.summary import Pattern
from caselog.events import (
    Body,
    CareApplicationFiled,
    CareBasis,
    CareDecided,
    CourtDecided,
    CourtOutcome,
    DecidedBy,
    HomeType,
    ImmediateCustodyDecided,
    ImmediateCustodyEnded,
    ImmediateCustodyExecuted,
    PlacementBasis,
    ReportedToCommittee,
    SubmittedToCourt,
)

if TYPE_CHECKING:
    from caselog.demo.casefile import CaseFile
    from caselog.events import InvestigationConcluded

_REVOKED: Final = 0.08
_REJECTED: Final = 0.05
_LATE_APPLICATION: Final = 0.03
_LATE_REPORT_TO_COMMITTEE: Final = 0.05
_STAYS_IN_JOURHEM: Final = 0.55
_TEEN: Final = 13
_LVU_3_AFTER_CUSTODY: Final = 0.3
_LVU_3_ON_APPLICATION: Final = 0.5
_CHAIR: Final = "chair-1"


@dataclass(frozen=True, slots=True)
class Custody:
    """An immediate custody (LVU 6 §) and how it went in court."""

    decided: ImmediateCustodyDecided
    stays: list[Stay]
    application_on: date | None
    """The day care was applied for; None if revoked or past the story's end."""
    revoked: bool


def _lvu_basis(case: CaseFile, day: date, share: float) -> PlacementBasis:
    if case.age_on(day) >= _TEEN and case.chance(share):
        return PlacementBasis.LVU_3
    return PlacementBasis.LVU_2


def _end_custody(case: CaseFile, custody_id: str, day: date) -> None:
    case.ledger.add(
        ImmediateCustodyEnded(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=case.investigator,
            child_id=case.child_id,
            custody_id=custody_id,
        )
    )


def _finish_at_horizon(case: CaseFile, stays: list[Stay]) -> None:
    """The story reaches its end with the child still in care: follow it up to there."""
    ending = care_end(case, case.horizon + timedelta(days=1))
    if ending is not None:
        end_stay(case, stays[-1], ending)
    follow_care(case, stays)
    case.placed = True


def take_into_custody(case: CaseFile, day: date) -> Custody:
    """The chair takes the child into immediate custody on the day of the report."""
    ledger = case.ledger
    custody_id = case.new_id("cu")
    decided = ledger.add(
        ImmediateCustodyDecided(
            event_id=ledger.next_id(),
            occurred_on=day,
            actor=case.investigator,
            child_id=case.child_id,
            custody_id=custody_id,
            decided_by=DecidedBy.CHAIR,
        )
    )
    ledger.add(
        ImmediateCustodyExecuted(
            event_id=ledger.next_id(),
            occurred_on=day,
            actor=case.investigator,
            child_id=case.child_id,
            custody_id=custody_id,
        )
    )
    home_id = case.town.homes.emergency_home(case.rng, day)
    stay = start_stay(
        case,
        day,
        home_id,
        HomeType.EMERGENCY_HOME,
        basis=PlacementBasis.LVU_6,
        care_decision_id=None,
    )
    _report_to_committee(case, custody_id, day)
    week = effective_due(add_weeks(day, 1), SundayRule.EXTEND)
    if case.chance(case.config.late_court_submission_rate):
        submitted_on = case.later(week, 2, 10)
    else:
        submitted_on = case.workday(case.later(day, 1, 6), day + timedelta(days=1))
    submitted = ledger.add(
        SubmittedToCourt(
            event_id=ledger.next_id(),
            occurred_on=submitted_on,
            actor=case.investigator,
            child_id=case.child_id,
            custody_id=custody_id,
        )
    )
    if submitted_on > week:
        ledger.flag(Pattern.LATE_COURT_SUBMISSION, decided, submitted)
    court_on = case.workday(case.later(submitted_on, 1, 6), submitted_on)
    revoked = case.chance(_REVOKED)
    ledger.add(
        CourtDecided(
            event_id=ledger.next_id(),
            occurred_on=court_on,
            actor=case.investigator,
            child_id=case.child_id,
            custody_id=custody_id,
            outcome=CourtOutcome.REVOKED if revoked else CourtOutcome.CONFIRMED,
        )
    )
    if revoked:
        _end_custody(case, custody_id, court_on)
        end_stay(case, stay, court_on)
        follow_care(case, [stay])
        case.placed = True
        return Custody(decided, [stay], None, revoked=True)
    if case.chance(_LATE_APPLICATION):
        applied_on = case.later(day, 29, 35)
    else:
        applied_on = case.workday(case.later(day, 14, 27), day + timedelta(days=14))
    applied_on = max(applied_on, court_on)
    if applied_on > case.horizon:
        _finish_at_horizon(case, [stay])
        return Custody(decided, [stay], None, revoked=False)
    ledger.add(
        CareApplicationFiled(
            event_id=ledger.next_id(),
            occurred_on=applied_on,
            actor=case.investigator,
            child_id=case.child_id,
            custody_id=custody_id,
        )
    )
    return Custody(decided, [stay], applied_on, revoked=False)


def _report_to_committee(case: CaseFile, custody_id: str, day: date) -> None:
    """Report the chair's decision at the next committee meeting (LVU 6 §, R16a)."""
    calendar = case.town.calendar
    meeting = calendar.after(Body.COMMITTEE, day)
    if meeting is not None and case.chance(_LATE_REPORT_TO_COMMITTEE):
        meeting = calendar.after(Body.COMMITTEE, meeting)
    if meeting is None or meeting > case.horizon:
        return
    case.ledger.add(
        ReportedToCommittee(
            event_id=case.ledger.next_id(),
            occurred_on=meeting,
            actor=_CHAIR,
            child_id=case.child_id,
            custody_id=custody_id,
            committee_id=case.config.committee_id,
        )
    )


def _decide_lvu(case: CaseFile, day: date, basis: PlacementBasis, by: DecidedBy) -> str:
    """The committee's decision to seek LVU care (the court decides the care itself)."""
    care_decision_id = case.new_id("cd")
    case.ledger.add(
        CareDecided(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=case.investigator,
            child_id=case.child_id,
            care_decision_id=care_decision_id,
            legal_basis=CareBasis(basis.value),
            decided_by=by,
        )
    )
    return care_decision_id


def _court_rules(case: CaseFile, care_decision_id: str, day: date, *, rejected: bool) -> None:
    case.ledger.add(
        CourtDecided(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=case.investigator,
            child_id=case.child_id,
            care_decision_id=care_decision_id,
            outcome=CourtOutcome.REJECTED if rejected else CourtOutcome.GRANTED,
        )
    )


def continue_into_care(case: CaseFile, custody: Custody, concluded: InvestigationConcluded) -> None:
    """The court grants LVU care: the custody ends and care begins the same day."""
    applied_on = concluded.occurred_on
    stays = custody.stays
    basis = _lvu_basis(case, applied_on, _LVU_3_AFTER_CUSTODY)
    care_decision_id = _decide_lvu(case, applied_on, basis, DecidedBy.SUBCOMMITTEE)
    granted_on = case.workday(case.later(applied_on, 20, 45), applied_on + timedelta(days=1))
    if granted_on > case.horizon:
        _finish_at_horizon(case, stays)
        return
    rejected = case.chance(_REJECTED)
    _court_rules(case, care_decision_id, granted_on, rejected=rejected)
    _end_custody(case, custody.decided.custody_id, granted_on)
    end_stay(case, stays[-1], granted_on)
    if rejected:
        follow_care(case, stays)
        case.placed = True
        return
    jourhem = stays[-1].started.home_id
    if basis is PlacementBasis.LVU_2 and case.chance(_STAYS_IN_JOURHEM):
        stays.append(
            start_stay(
                case,
                granted_on,
                jourhem,
                HomeType.EMERGENCY_HOME,
                basis=basis,
                care_decision_id=care_decision_id,
            )
        )
        leave_emergency(case, stays, concluded)
        return
    home_type = choose_home(case, case.age_on(granted_on), basis)
    home_id, investigation = recruit_home(
        case, home_type, granted_on, granted_on, stays[0].started.occurred_on
    )
    stay = start_stay(
        case, granted_on, home_id, home_type, basis=basis, care_decision_id=care_decision_id
    )
    flag_home(case, stay, investigation)
    stays.append(stay)
    settle(case, stays)


def apply_for_care(case: CaseFile, decided_on: date, *, earliest: date) -> None:
    """The investigation ends in an application for LVU care (LVU 4 §)."""
    basis = _lvu_basis(case, decided_on, _LVU_3_ON_APPLICATION)
    care_decision_id = _decide_lvu(case, decided_on, basis, DecidedBy.COMMITTEE)
    granted_on = case.workday(case.later(decided_on, 14, 45), decided_on + timedelta(days=1))
    if granted_on > case.horizon:
        return
    rejected = case.chance(_REJECTED)
    _court_rules(case, care_decision_id, granted_on, rejected=rejected)
    move_in = case.workday(case.later(granted_on, 0, 10), granted_on)
    if rejected or move_in > case.horizon:
        return
    home_type = choose_home(case, case.age_on(move_in), basis)
    home_id, investigation = recruit_home(case, home_type, move_in, granted_on, earliest)
    stay = start_stay(
        case, move_in, home_id, home_type, basis=basis, care_decision_id=care_decision_id
    )
    flag_home(case, stay, investigation)
    settle(case, [stay])
