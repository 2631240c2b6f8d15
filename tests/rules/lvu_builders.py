"""Short constructors for the LVU events of the worked cases, and the questions their tests ask.

Immediate custody (R16a–c), contact restrictions (R17) and requests to end care (R18), with
committee meetings in the committee's stream. `only` and `final_verdicts_changed` ask the
log as a whole (`History.obligations`).
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import TypeVar

from caselog.events import (
    Body,
    CareApplicationFiled,
    CommitteeMeetingHeld,
    ContactRestrictionDecided,
    ContactRestrictionLifted,
    ContactRestrictionReviewed,
    CourtDecided,
    CourtExtendedDeadline,
    CourtOutcome,
    DecidedBy,
    EndOfCareRequested,
    ImmediateCustodyDecided,
    ImmediateCustodyEnded,
    ImmediateCustodyExecuted,
    MovingBanConsidered,
    ReportedToCommittee,
    Requester,
    SubmittedToCourt,
)
from caselog.rules.model import Obligation
from caselog.testing import History
from tests.rules.builders import BY, day

RestrictionAct = TypeVar(
    "RestrictionAct",
    ContactRestrictionDecided,
    ContactRestrictionReviewed,
    ContactRestrictionLifted,
)


def only(history: History, rule: str, on: str, **kwargs: object) -> Obligation:
    """The one obligation of `rule` on `on`."""
    found = history.obligations(on=day(on), rule=rule, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def final_verdicts_changed(history: History) -> list[tuple[str, str | None, int | None]]:
    """The R16–R18 obligations whose final verdict differs on a later date (D7: none may).

    `on` moves in steps of three days through 600 days from 2023-12-01.
    """
    rules = {"R16a", "R16b", "R16c", "R17", "R18"}
    start = date(2023, 12, 1)
    verdicts = [
        {
            (o.rule_id, o.trigger_event_id, o.period): o
            for o in history.obligations(on=date.fromordinal(start.toordinal() + step))
            if o.rule_id in rules
        }
        for step in range(0, 600, 3)
    ]
    return [
        key
        for earlier, later in itertools.pairwise(verdicts)
        for key, found in earlier.items()
        if found.is_final and later.get(key) != found
    ]


def custody_decided(
    event_id: str, on: str, *, custody: str = "cu-1", by: DecidedBy = DecidedBy.CHAIR
) -> ImmediateCustodyDecided:
    """A decision on immediate custody (omedelbart omhändertagande), LVU 6 §."""
    return ImmediateCustodyDecided(
        event_id=event_id, occurred_on=day(on), custody_id=custody, decided_by=by, **BY
    )


def custody_executed(event_id: str, on: str, *, custody: str = "cu-1") -> ImmediateCustodyExecuted:
    """The execution (verkställighet) of an immediate custody."""
    return ImmediateCustodyExecuted(
        event_id=event_id, occurred_on=day(on), custody_id=custody, **BY
    )


def custody_ended(event_id: str, on: str, *, custody: str = "cu-1") -> ImmediateCustodyEnded:
    """The end of an immediate custody."""
    return ImmediateCustodyEnded(event_id=event_id, occurred_on=day(on), custody_id=custody, **BY)


def custody_reported(
    event_id: str, on: str, *, custody: str = "cu-1", committee: str = "sn"
) -> ReportedToCommittee:
    """A custody decision reported (anmält) at a committee meeting."""
    return ReportedToCommittee(
        event_id=event_id, occurred_on=day(on), custody_id=custody, committee_id=committee, **BY
    )


def custody_submitted(event_id: str, on: str, *, custody: str = "cu-1") -> SubmittedToCourt:
    """A custody decision submitted to the administrative court (underställt), LVU 7 §."""
    return SubmittedToCourt(event_id=event_id, occurred_on=day(on), custody_id=custody, **BY)


def care_applied_for(event_id: str, on: str, *, custody: str = "cu-1") -> CareApplicationFiled:
    """An application for care under LVU filed after immediate custody (LVU 8 §)."""
    return CareApplicationFiled(event_id=event_id, occurred_on=day(on), custody_id=custody, **BY)


def application_time_extended(
    event_id: str, on: str, until: str, *, custody: str = "cu-1"
) -> CourtExtendedDeadline:
    """The court extended the time to apply for care (LVU 8 § 2 st.)."""
    return CourtExtendedDeadline(
        event_id=event_id, occurred_on=day(on), custody_id=custody, until_on=day(until), **BY
    )


def custody_ruled(
    event_id: str, on: str, outcome: CourtOutcome, *, custody: str = "cu-1"
) -> CourtDecided:
    """The administrative court's decision on an immediate custody."""
    return CourtDecided(
        event_id=event_id, occurred_on=day(on), custody_id=custody, outcome=outcome, **BY
    )


def committee_met(
    event_id: str, on: str, *, body: Body = Body.COMMITTEE, committee: str = "sn"
) -> CommitteeMeetingHeld:
    """A meeting (sammanträde) of the committee or an utskott, in the committee's stream."""
    return CommitteeMeetingHeld(
        event_id=event_id, occurred_on=day(on), actor="sekr-1", committee_id=committee, body=body
    )


def _restriction_act(
    kind: type[RestrictionAct], event_id: str, on: str, restriction: str
) -> RestrictionAct:
    """A decision by the utskott on the contact restriction `restriction`."""
    return kind(
        event_id=event_id,
        occurred_on=day(on),
        restriction_id=restriction,
        decided_by=DecidedBy.SUBCOMMITTEE,
        **BY,
    )


def restriction_decided(
    event_id: str, on: str, *, restriction: str = "ur-1"
) -> ContactRestrictionDecided:
    """A contact restriction (umgängesbegränsning), LVU 14 § 2 st."""
    return _restriction_act(ContactRestrictionDecided, event_id, on, restriction)


def restriction_reviewed(
    event_id: str, on: str, *, restriction: str = "ur-1"
) -> ContactRestrictionReviewed:
    """A reconsideration of a contact restriction (LVU 14 § 3 st.)."""
    return _restriction_act(ContactRestrictionReviewed, event_id, on, restriction)


def restriction_lifted(
    event_id: str, on: str, *, restriction: str = "ur-1"
) -> ContactRestrictionLifted:
    """A contact restriction lifted."""
    return _restriction_act(ContactRestrictionLifted, event_id, on, restriction)


def end_of_care_requested(
    event_id: str,
    on: str,
    *,
    by: Requester = Requester.GUARDIAN,
    placement: str | None = None,
) -> EndOfCareRequested:
    """A guardian or the child asks for the care to end, naming the placement if given."""
    return EndOfCareRequested(
        event_id=event_id, occurred_on=day(on), requested_by=by, placement_id=placement, **BY
    )


def moving_ban_considered(event_id: str, on: str) -> MovingBanConsidered:
    """A flyttningsförbud (LVU 24 §) considered by the utskott."""
    return MovingBanConsidered(
        event_id=event_id, occurred_on=day(on), decided_by=DecidedBy.SUBCOMMITTEE, **BY
    )
