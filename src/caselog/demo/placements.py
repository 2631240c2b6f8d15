"""Out-of-home care: care decisions, stays, moves between homes, and the jourhem.

SoL (2001:453) 6 kap. 6 § / SoL (2025:400) 22 kap. 2, 4 §§: a child may be received in a
family home (familjehem, nätverkshem) only after the home has been investigated and care
has been decided (R07); a jourhem must be investigated before use, and a child may stay
there at most two months after the investigation ends unless special reasons are decided
(R08). A care episode is a run of stays without a gap (DESIGN.md D9); a family home that
breaks down (sammanbrott) means a move, and care ends as planned, on request, or at 18.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import add_months
from caselog.demo.care import follow_care
from caselog.demo.homes import FAMILY_TYPES, choose_home, recruit_home
from caselog.demo.summary import Pattern
from caselog.events import (
    Body,
    CareBasis,
    CareDecided,
    ConsentGranted,
    DecidedBy,
    EmergencyHomeStayExtended,
    EndOfCareRequested,
    HomeInvestigationCompleted,
    HomeType,
    InvestigationConcluded,
    MovingBanConsidered,
    PlacementBasis,
    PlacementEnded,
    PlacementStarted,
    Requester,
)

if TYPE_CHECKING:
    from caselog.demo.casefile import CaseFile

_FAMILY_CHOICES: Final = (HomeType.FAMILY_HOME, HomeType.KINSHIP_HOME)
_MEAN_DAYS: Final = {
    HomeType.FAMILY_HOME: (180, 1100),
    HomeType.KINSHIP_HOME: (180, 1100),
    HomeType.PRIVATE_HOME: (365, 800),
    HomeType.RESIDENTIAL_HOME: (60, 300),
    HomeType.SUPPORTED_HOUSING: (120, 400),
    HomeType.SECURE_YOUTH_HOME: (45, 150),
    HomeType.EMERGENCY_HOME: (20, 70),
}
"""Stay lengths in days: (minimum, mean of the exponential rest)."""
_BREAKDOWN: Final = 0.1
_END_REQUESTED: Final = 0.08
_SPECIAL_REASONS: Final = 0.3
_SPECIAL_REASONS_TEXT: Final = (
    "Lämpligt familjehem är ännu inte utrett; syskonen ska placeras tillsammans."
)
_SETTLED: Final = timedelta(days=400)
"""A family-home stay long enough that a guardian may ask to end it (R18)."""
_GOES_HOME: Final = 0.35
_CHILD_MAY_ASK: Final = 15


@dataclass(slots=True)
class Stay:
    """One placement in one home: its start event and, once known, its end."""

    started: PlacementStarted
    ended_on: date | None = None


def care_end(case: CaseFile, planned: date) -> date | None:
    """Return the day care ends: as planned, at 18, or never within the demo."""
    if planned <= case.horizon:
        return planned
    return case.horizon if case.horizon < case.config.end else None


def start_stay(
    case: CaseFile,
    day: date,
    home_id: str,
    home_type: HomeType,
    *,
    basis: PlacementBasis,
    care_decision_id: str | None,
) -> Stay:
    """Move the child into a home (placering verkställd) under `basis`."""
    started = case.ledger.add(
        PlacementStarted(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=case.caseworker,
            child_id=case.child_id,
            placement_id=case.new_id("pl"),
            home_id=home_id,
            home_type=home_type,
            legal_basis=basis,
            care_decision_id=care_decision_id,
        )
    )
    return Stay(started)


def end_stay(case: CaseFile, stay: Stay, day: date) -> None:
    """End a stay: the child leaves the home (placeringen upphör)."""
    stay.ended_on = day
    case.ledger.add(
        PlacementEnded(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=case.caseworker,
            child_id=case.child_id,
            placement_id=stay.started.placement_id,
        )
    )


def flag_home(case: CaseFile, stay: Stay, investigation: HomeInvestigationCompleted | None) -> None:
    """Flag R07 for a family home never investigated, or only after the move-in."""
    if stay.started.home_type not in FAMILY_TYPES:
        return
    if investigation is None:
        case.ledger.flag(Pattern.HOME_NEVER_INVESTIGATED, stay.started)
    elif investigation.occurred_on > stay.started.occurred_on:
        case.ledger.flag(Pattern.HOME_INVESTIGATED_AFTER_MOVE_IN, stay.started, investigation)


def _decide_sol(case: CaseFile, day: date, home_id: str) -> str:
    care_decision_id = case.new_id("cd")
    case.ledger.add(
        CareDecided(
            event_id=case.ledger.next_id(),
            occurred_on=day,
            actor=case.caseworker,
            child_id=case.child_id,
            care_decision_id=care_decision_id,
            legal_basis=CareBasis.SOL,
            home_id=home_id,
            decided_by=DecidedBy.SUBCOMMITTEE,
        )
    )
    return care_decision_id


def _move(case: CaseFile, stays: list[Stay], day: date, home_type: HomeType) -> Stay:
    """Move the child to a new home the same day (a breakdown, or out of the jourhem)."""
    current = stays[-1]
    basis = current.started.legal_basis
    since = current.started.occurred_on
    decided = day
    if basis is PlacementBasis.SOL:
        meeting = case.town.calendar.on_or_before(Body.SUBCOMMITTEE, day)
        decided = meeting if meeting is not None and meeting >= since else day
    home_id, investigation = recruit_home(case, home_type, day, decided, since)
    care_decision_id = current.started.care_decision_id
    if basis is PlacementBasis.SOL:
        care_decision_id = _decide_sol(case, decided, home_id)
    end_stay(case, current, day)
    stay = start_stay(case, day, home_id, home_type, basis=basis, care_decision_id=care_decision_id)
    flag_home(case, stay, investigation)
    stays.append(stay)
    return stay


def _duration(case: CaseFile, home_type: HomeType) -> timedelta:
    minimum, mean = _MEAN_DAYS[home_type]
    return timedelta(days=minimum + int(case.rng.expovariate(1 / mean)))


def settle(case: CaseFile, stays: list[Stay]) -> None:
    """Play out the rest of a care episode from its latest stay, then follow it up."""
    stay = stays[-1]
    while True:
        start = stay.started.occurred_on
        planned = start + _duration(case, stay.started.home_type)
        if stay.started.home_type in FAMILY_TYPES and case.chance(_BREAKDOWN):
            move = case.workday(case.later(start, 180, 720), start + timedelta(days=1))
            if move < planned and move <= case.horizon:
                stay = _move(case, stays, move, HomeType.FAMILY_HOME)
                continue
        break
    if (
        stay.started.legal_basis is PlacementBasis.SOL
        and stay.started.home_type in FAMILY_TYPES
        and planned - stay.started.occurred_on > _SETTLED
        and case.chance(_END_REQUESTED)
    ):
        _request_end(case, planned)
    ending = care_end(case, planned)
    if ending is not None:
        end_stay(case, stay, ending)
    follow_care(case, stays)
    case.placed = True


def _request_end(case: CaseFile, planned: date) -> None:
    """A guardian (or a child of 15) asks for care to end; a moving ban is considered."""
    requested = case.later(planned, -60, -20)
    if requested > case.horizon:
        return
    by = Requester.GUARDIAN
    if case.age_on(requested) >= _CHILD_MAY_ASK and case.chance(0.3):
        by = Requester.CHILD
    case.ledger.add(
        EndOfCareRequested(
            event_id=case.ledger.next_id(),
            occurred_on=requested,
            actor=case.caseworker,
            child_id=case.child_id,
            requested_by=by,
        )
    )
    meeting = case.town.calendar.on_or_after(Body.SUBCOMMITTEE, requested)
    if meeting is not None and meeting <= min(planned, case.horizon):
        case.ledger.add(
            MovingBanConsidered(
                event_id=case.ledger.next_id(),
                occurred_on=meeting,
                actor=case.caseworker,
                child_id=case.child_id,
                decided_by=DecidedBy.SUBCOMMITTEE,
            )
        )


def place_voluntarily(case: CaseFile, decided_on: date, *, earliest: date) -> None:
    """Voluntary care (SoL): decided when the investigation ends; the child moves soon."""
    home_type = choose_home(case, case.age_on(decided_on), PlacementBasis.SOL)
    move_in = case.workday(case.later(decided_on, 0, 14), decided_on)
    if move_in > case.horizon:
        return
    home_id, investigation = recruit_home(case, home_type, move_in, decided_on, earliest)
    if home_type is HomeType.PRIVATE_HOME:
        case.ledger.add(
            ConsentGranted(
                event_id=case.ledger.next_id(),
                occurred_on=decided_on,
                actor=case.caseworker,
                child_id=case.child_id,
                home_id=home_id,
                decided_by=DecidedBy.SUBCOMMITTEE,
            )
        )
        stay = start_stay(
            case,
            move_in,
            home_id,
            home_type,
            basis=PlacementBasis.PRIVATE,
            care_decision_id=None,
        )
    else:
        care_decision_id = _decide_sol(case, decided_on, home_id)
        stay = start_stay(
            case,
            move_in,
            home_id,
            home_type,
            basis=PlacementBasis.SOL,
            care_decision_id=care_decision_id,
        )
    flag_home(case, stay, investigation)
    settle(case, [stay])


def start_emergency_stay(case: CaseFile, day: date) -> Stay:
    """Place the child in a jourhem (SoL) while the investigation runs."""
    home_id = case.town.homes.emergency_home(case.rng, day)
    care_decision_id = _decide_sol(case, day, home_id)
    return start_stay(
        case,
        day,
        home_id,
        HomeType.EMERGENCY_HOME,
        basis=PlacementBasis.SOL,
        care_decision_id=care_decision_id,
    )


def leave_emergency(case: CaseFile, stays: list[Stay], concluded: InvestigationConcluded) -> None:
    """Move the child on from the jourhem after the investigation (R08: two months)."""
    stay = stays[-1]
    ended = concluded.occurred_on
    due = add_months(ended, 2)
    extended = False
    if case.chance(case.config.emergency_overstay_rate):
        leave = case.workday(case.later(due, 3, 90), due + timedelta(days=1))
        if case.chance(_SPECIAL_REASONS):
            since = max(ended, stay.started.occurred_on)
            meeting = case.town.calendar.on_or_before(Body.SUBCOMMITTEE, due)
            decided = meeting if meeting is not None and meeting >= since else due
            extended = decided <= case.horizon
            if extended:
                case.ledger.add(
                    EmergencyHomeStayExtended(
                        event_id=case.ledger.next_id(),
                        occurred_on=decided,
                        actor=case.caseworker,
                        child_id=case.child_id,
                        placement_id=stay.started.placement_id,
                        reasons=_SPECIAL_REASONS_TEXT,
                        decided_by=DecidedBy.SUBCOMMITTEE,
                    )
                )
    else:
        leave = case.workday(case.later(ended, 3, 50), ended)
    leave = max(leave, stay.started.occurred_on + timedelta(days=1))
    ending = care_end(case, leave)
    # Still in the jourhem after the due date: left late, or still there at the end.
    overstayed = ending > due if ending is not None else case.horizon > due
    if overstayed and not extended:
        case.ledger.flag(Pattern.EMERGENCY_HOME_OVERSTAY, stay.started, concluded)
    if ending is None or ending < leave or case.chance(_GOES_HOME):
        if ending is not None:
            end_stay(case, stay, ending)
        follow_care(case, stays)
        case.placed = True
        return
    _move(case, stays, leave, case.rng.choice(_FAMILY_CHOICES))
    settle(case, stays)
