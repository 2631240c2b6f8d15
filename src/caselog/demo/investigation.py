"""The investigation (barnavårdsutredning) of a child's need for protection or support.

SoL (2001:453) 11 kap. 2 § / SoL (2025:400) 20 kap. 3 §: an investigation must be
finished within four months unless the committee extends it, for special reasons and
for a set time, before the four months run out (R05). Those concerned are told at once
(R04); a violence case gets a risk assessment (R03b). The investigation ends with a
decision: no intervention, an intervention in open care (bistånd), a placement, or an
application for LVU care.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import add_months
from caselog.demo.casefile import CaseFile, Path
from caselog.demo.custody import apply_for_care, continue_into_care, take_into_custody
from caselog.demo.placements import (
    leave_emergency,
    place_voluntarily,
    settle,
    start_emergency_stay,
)
from caselog.demo.summary import Pattern
from caselog.events import (
    Body,
    DecidedBy,
    GuardiansInformed,
    InformationDeferred,
    InterventionDecided,
    InterventionKind,
    InterventionStarted,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationOpened,
    InvestigationOutcome,
    NonExecutionReported,
    RiskAssessmentDocumented,
)

if TYPE_CHECKING:
    from caselog.demo.placements import Stay

_TIMELY_EXTENSION: Final = 0.07
_DEFERRED_IF_VIOLENT: Final = 0.3
_RISK_ASSESSED: Final = 0.9
_NOT_EXECUTED: Final = 0.05
_EXTENSION_REASONS: Final = (
    "Inväntar BUP:s bedömning.",
    "Polisutredning pågår och förhör har inte hållits.",
    "Barnet har flyttat mellan vårdnadshavare under utredningen.",
)
_KINDS: Final = tuple(InterventionKind)
_KIND_WEIGHTS: Final = (25, 25, 40, 10)


def investigate(
    case: CaseFile,
    opened: InvestigationOpened,
    path: Path,
    *,
    violent: bool,
) -> None:
    """Run the investigation `opened` began, down the `path` drawn at intake."""
    start = opened.occurred_on
    _inform(case, opened, violent=violent)
    if path is Path.LVU_CUSTODY:
        custody = take_into_custody(case, start)
        if custody.application_on is not None:
            concluded = _conclude(
                case,
                opened,
                custody.application_on,
                InvestigationOutcome.LVU_APPLICATION,
                DecidedBy.SUBCOMMITTEE,
                violent=violent,
            )
            continue_into_care(case, custody, concluded)
            return
        if not custody.revoked:
            case.open_until = case.horizon
            return
        path = Path.INTERVENTION
    due = add_months(start, 4)
    planned, extension = _schedule(case, start, due)
    emergency: list[Stay] = []
    if path is Path.SOL_EMERGENCY:
        day = case.workday(case.later(start, 0, 10), start)
        if day <= case.horizon:
            emergency.append(start_emergency_stay(case, day))
    earliest = start + timedelta(days=21)
    if extension is not None:
        earliest = max(earliest, extension[0])
    concluded_on: date | None = planned
    if path is Path.SOL_DIRECT:
        concluded_on = case.town.calendar.in_time(Body.SUBCOMMITTEE, planned, earliest)
    elif path is Path.LVU_CARE:
        concluded_on = case.town.calendar.in_time(Body.COMMITTEE, planned, earliest)
    if extension is not None and extension[0] <= case.horizon:
        _extend(case, opened, extension[0], extension[1])
    if concluded_on is None or concluded_on > case.horizon:
        case.open_until = case.horizon
        if emergency:
            settle(case, emergency)
        return
    outcome = {
        Path.NO_INTERVENTION: InvestigationOutcome.NO_INTERVENTION,
        Path.LVU_CARE: InvestigationOutcome.LVU_APPLICATION,
    }.get(path, InvestigationOutcome.INTERVENTION)
    by = {
        Path.SOL_DIRECT: DecidedBy.SUBCOMMITTEE,
        Path.LVU_CARE: DecidedBy.COMMITTEE,
    }.get(path, DecidedBy.OFFICIAL)
    concluded = _conclude(case, opened, concluded_on, outcome, by, violent=violent)
    _flag_overdue(case, opened, concluded, extension, due)
    match path:
        case Path.INTERVENTION:
            _intervene(case, concluded_on)
        case Path.SOL_DIRECT:
            place_voluntarily(case, concluded_on, earliest=start)
        case Path.SOL_EMERGENCY if emergency:
            leave_emergency(case, emergency, concluded)
        case Path.LVU_CARE:
            apply_for_care(case, concluded_on, earliest=start)
        case _:
            pass


def _inform(case: CaseFile, opened: InvestigationOpened, *, violent: bool) -> None:
    """Tell the guardians (R04), unless a police inquiry gives special reasons to wait."""
    ledger = case.ledger
    start = opened.occurred_on
    informed = case.later(start, 0, 2)
    if violent and case.chance(_DEFERRED_IF_VIOLENT):
        ledger.add(
            InformationDeferred(
                event_id=ledger.next_id(),
                occurred_on=start,
                actor=case.investigator,
                child_id=case.child_id,
                investigation_id=opened.investigation_id,
                reasons="Polisutredning pågår; information nu kan skada utredningen.",
            )
        )
        informed = case.later(start, 10, 30)
    if informed <= case.horizon:
        ledger.add(
            GuardiansInformed(
                event_id=ledger.next_id(),
                occurred_on=informed,
                actor=case.investigator,
                child_id=case.child_id,
                investigation_id=opened.investigation_id,
            )
        )


def _schedule(case: CaseFile, start: date, due: date) -> tuple[date, tuple[date, date] | None]:
    """Plan the conclusion day and any extension: (decided_on, new_due_on)."""
    config = case.config
    after_due = due + timedelta(days=1)
    draw = case.rng.random()
    if draw < config.overdue_investigation_rate:
        return case.workday(case.later(due, 3, 75), after_due), None
    draw -= config.overdue_investigation_rate
    if draw < config.late_extension_rate:
        decided = case.workday(case.later(due, 2, 25), after_due)
        new_due = add_months(due, case.rng.choice((1, 2)))
        concluded = case.later(decided, 5, max(5, (new_due - decided).days))
        return case.workday(concluded, decided), (decided, new_due)
    draw -= config.late_extension_rate
    if draw < _TIMELY_EXTENSION:
        decided = case.workday(due - timedelta(days=case.rng.randint(1, 25)), start)
        new_due = add_months(due, case.rng.choice((1, 2)))
        concluded = case.later(due, -10, (new_due - due).days)
        return case.workday(concluded, decided), (decided, new_due)
    span = (due - start).days
    concluded = start + timedelta(days=int(case.rng.triangular(25, span, span * 0.8)))
    return case.workday(concluded, start), None


def _extend(case: CaseFile, opened: InvestigationOpened, decided: date, new_due: date) -> None:
    case.ledger.add(
        InvestigationExtended(
            event_id=case.ledger.next_id(),
            occurred_on=decided,
            actor=case.investigator,
            child_id=case.child_id,
            investigation_id=opened.investigation_id,
            new_due_on=new_due,
            reasons=case.rng.choice(_EXTENSION_REASONS),
            decided_by=DecidedBy.OFFICIAL,
        )
    )


def _conclude(
    case: CaseFile,
    opened: InvestigationOpened,
    day: date,
    outcome: InvestigationOutcome,
    by: DecidedBy,
    *,
    violent: bool,
) -> InvestigationConcluded:
    """Write the risk assessment of a violence case, then the concluding decision."""
    ledger = case.ledger
    start = opened.occurred_on
    if violent and case.chance(_RISK_ASSESSED):
        ledger.add(
            RiskAssessmentDocumented(
                event_id=ledger.next_id(),
                occurred_on=min(day, case.later(start, 2, 30)),
                actor=case.investigator,
                child_id=case.child_id,
                investigation_id=opened.investigation_id,
            )
        )
    case.open_until = day
    return ledger.add(
        InvestigationConcluded(
            event_id=ledger.next_id(),
            occurred_on=day,
            actor=case.investigator,
            child_id=case.child_id,
            investigation_id=opened.investigation_id,
            outcome=outcome,
            decided_by=by,
        )
    )


def _flag_overdue(
    case: CaseFile,
    opened: InvestigationOpened,
    concluded: InvestigationConcluded,
    extension: tuple[date, date] | None,
    due: date,
) -> None:
    """Flag R05: past four months unextended, or extended only after the due date."""
    if concluded.occurred_on <= due:
        return
    if extension is None:
        case.ledger.flag(Pattern.INVESTIGATION_OVERDUE, opened, concluded)
    elif extension[0] > due:
        case.ledger.flag(Pattern.EXTENSION_AFTER_EXPIRY, opened, concluded)


def _intervene(case: CaseFile, decided: date) -> None:
    """Grant an intervention in open care (bistånd) and execute it, usually soon (R24)."""
    ledger = case.ledger
    kind = case.rng.choices(_KINDS, _KIND_WEIGHTS)[0]
    intervention_id = case.new_id("iv")
    ledger.add(
        InterventionDecided(
            event_id=ledger.next_id(),
            occurred_on=decided,
            actor=case.investigator,
            child_id=case.child_id,
            intervention_id=intervention_id,
            kind=kind,
        )
    )
    late = case.chance(_NOT_EXECUTED)
    started = case.later(decided, 100, 200) if late else case.later(decided, 3, 45)
    mark = add_months(decided, 3)
    quarter_end = add_months(date(mark.year, (mark.month - 1) // 3 * 3 + 1, 1), 3)
    reported = case.workday(case.later(quarter_end, 5, 25), quarter_end)
    if started > mark and reported < started and reported <= case.horizon:
        ledger.add(
            NonExecutionReported(
                event_id=ledger.next_id(),
                occurred_on=reported,
                actor=case.investigator,
                child_id=case.child_id,
                intervention_id=intervention_id,
                kind=kind,
                quarter=f"{mark.year}-Q{(mark.month - 1) // 3 + 1}",
            )
        )
    if started <= case.horizon:
        ledger.add(
            InterventionStarted(
                event_id=ledger.next_id(),
                occurred_on=started,
                actor=case.caseworker,
                child_id=case.child_id,
                intervention_id=intervention_id,
                kind=kind,
            )
        )
