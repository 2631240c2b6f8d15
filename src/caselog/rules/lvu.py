"""LVU duties during care: contact restrictions and flyttningsförbud (R17, R18).

LVU (1990:52) 14 § 3 st. (a contact restriction reconsidered every three months) and
13 b §; SoL (2001:453) 6 kap. 8 a § / SoL (2025:400) 22 kap. 16 § (a flyttningsförbud
considered when care is asked to end). Immediate custody (R16a–c) is in `custody`; R06
(feedback) is in `feedback`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

from caselog.dates import add_months, add_years
from caselog.events import (
    ContactRestrictionDecided,
    ContactRestrictionLifted,
    ContactRestrictionReviewed,
    EndOfCareRequested,
    HomeType,
    MovingBanConsidered,
    PlacementBasis,
    Requester,
)
from caselog.rules.context import Rule
from caselog.rules.judging import (
    DEADLINE_STATUSES,
    Duty,
    Judgement,
    judge_window,
    not_applicable,
)
from caselog.rules.law import LVU, sol, version
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.projections import Placement
    from caselog.rules.context import RuleContext

_PRIVATE_HOMES: Final = (HomeType.FAMILY_HOME, HomeType.KINSHIP_HOME, HomeType.PRIVATE_HOME)
"""Homes of SoL (2025:400) 22 kap. 2 § 1 st.: familjehem and other enskilda hem (R18)."""

R17 = Duty(
    "R17",
    Law((version(LVU, "14 § 3 st."),)),
    Severity.MEDIUM,
    "Contact restriction reconsidered at least every three months, by {due}",
    "Umgängesbegränsningen eller hemlighållandet övervägt minst var tredje månad, senast {due}",
    parameters=("sunday_rule",),
    statuses=(*DEADLINE_STATUSES, Status.BREACHED, Status.NOT_APPLICABLE),
)
R18 = Duty(
    "R18",
    Law(sol("6 kap. 8 a §", "22 kap. 16 §")),
    Severity.HIGH,
    "Flyttningsförbud considered after a request to end the care, before the placement ends",
    "Flyttningsförbud övervägt efter begäran om att vården ska upphöra, innan placeringen upphör",
    statuses=(Status.PENDING, Status.MET, Status.BREACHED, Status.NOT_APPLICABLE),
)
_R18_LVU = replace(R18, law=Law((version(LVU, "13 b §"),)))


def contact_restriction_reconsidered_every_3_months(ctx: RuleContext) -> Iterator[Obligation]:
    """R17: a contact restriction is reconsidered at least every three months.

    LVU 14 § 3 st.: "Socialnämnden ska minst en gång var tredje månad överväga om ett sådant
    beslut som avses i andra stycket fortfarande behövs" (umgängesbegränsning, hemlighållen
    vistelseort). One obligation per period, like the six-monthly reviews: due
    `add_months(decision or last review, 3)`; a late review is `met_late` and restarts the
    clock. Every period keeps the restriction decision as its `trigger_event_id`, so that
    (rule, case, trigger, period) names one row on every date (RULES.md §4.28); the review
    that met period k−1 is only that period's `satisfied_by_event_id`, and period k's
    `trigger_on` is the day it began (that review's date). `ContactRestrictionLifted` ends the
    periods: one it cuts short by its due date is `not_applicable` (as §4.27 treats an R14
    year ✘); one already overdue is `breached` with `window_closed`, `days_overdue` frozen
    at the lifting, whatever `on`.
    """
    sunday = ctx.settings.sunday_rule_for("R17")
    for viewed, decided in ctx.of_type(ContactRestrictionDecided):
        restriction = decided.restriction_id
        lifted = ctx.find(ContactRestrictionLifted, restriction_id=restriction)
        reviews = [
            (e.event_id, e.occurred_on)
            for _, e in ctx.of_type(ContactRestrictionReviewed)
            if e.restriction_id == restriction and (lifted is None or e.occurred_on <= lifted[1])
        ]
        began_on = decided.occurred_on
        for period in range(1, len(reviews) + 2):
            due = add_months(began_on, 3)
            done = next((r for r in reviews if r[1] > began_on), None)
            judgement, closing = judge_window(
                due, done[1] if done else None, ctx.on, sunday, lifted[1] if lifted else None
            )
            flags = (*ctx.registration_flags(viewed), *closing)
            yield R17.obligation(
                case_id=ctx.case_id,
                trigger_event_id=decided.event_id,
                trigger_on=began_on,
                due_on=due,
                judgement=judgement,
                satisfied_by=done[0] if done else None,
                satisfied_on=done[1] if done else None,
                period=period,
                flags=flags,
            )
            if done is None:
                break
            began_on = done[1]


def moving_ban_considered_before_care_ends(ctx: RuleContext) -> Iterator[Obligation]:
    """R18: after a request to end care, a flyttningsförbud is considered before it ends.

    SoL (2001:453) 6 kap. 8 a § / SoL (2025:400) 22 kap. 16 §: when a guardian, or the child
    aged 15 or more (`CaseFileOpened.born_on`; unknown: `manual_review`), asks that care in a
    family home or other private home end (`family_home`, `kinship_home`, `private_home`; not
    a jourhem ✘), the nämnd considers a flyttningsförbud (LVU 24 §); LVU 13 b § for LVU care.
    No time is named; "before the end decision" ✘ is read as by the day the placement ends:
    the one the request names (`EndOfCareRequested.placement_id`, RULES.md §4.28), or, when
    it names none, the one current at the request (the latest started that runs that day).
    A named placement that was not running on the request day (not yet started, or already
    ended) leaves nothing to consider: not applicable. Met by a `MovingBanConsidered` on or
    after the request and by then (no due date: none is known yet); pending while the
    placement runs; `breached` with `window_closed` (final, due on the day it ended) after it.
    """
    born_on = ctx.state.born_on if ctx.state else None
    fifteen_on = add_years(born_on, 15) if born_on else None
    for viewed, request in ctx.of_type(EndOfCareRequested):
        flags = ctx.registration_flags(viewed)
        placement = _placement_for(ctx, request)
        by_child = request.requested_by is Requester.CHILD
        too_young = by_child and fifteen_on is not None and fifteen_on > request.occurred_on
        if placement is None or placement.home_type not in _PRIVATE_HOMES or too_young:
            yield not_applicable(R18, case_id=ctx.case_id, event=request, due_on=None, flags=flags)
            continue
        ended = placement.ended_on
        if by_child and born_on is None:
            flags = (*flags, Flag.MANUAL_REVIEW)
        done = next(
            (
                (e.event_id, e.occurred_on)
                for _, e in ctx.of_type(MovingBanConsidered)
                # One after the end is too late to matter: the child has left the home.
                if request.occurred_on <= e.occurred_on <= (ended or e.occurred_on)
            ),
            None,
        )
        if done is not None:
            judgement = Judgement(Status.MET, None, decisive_on=done[1])
        elif ended is None:
            judgement = Judgement(Status.PENDING, None, decisive_on=ctx.on)
        else:
            judgement = Judgement(Status.BREACHED, ended, decisive_on=ended)
            flags = (*flags, Flag.WINDOW_CLOSED)
        sol_care = placement.legal_basis in {PlacementBasis.SOL, PlacementBasis.PRIVATE}
        yield (R18 if sol_care else _R18_LVU).obligation(
            case_id=ctx.case_id,
            trigger_event_id=request.event_id,
            trigger_on=request.occurred_on,
            due_on=judgement.effective_due_on,
            judgement=judgement,
            satisfied_by=done[0] if done else None,
            satisfied_on=done[1] if done else None,
            flags=flags,
        )


def _placement_for(ctx: RuleContext, request: EndOfCareRequested) -> Placement | None:
    """The placement a request to end care is about, if it ran on the request day.

    The one it names by `placement_id`; without one, the latest-started placement running
    that day (one ending that day included).
    """
    day = request.occurred_on
    placements = ctx.state.placements if ctx.state else ()
    running = [p for p in placements if p.started_on <= day and (p.ended_on or day) >= day]
    if request.placement_id is not None:
        running = [p for p in running if p.placement_id == request.placement_id]
    return running[-1] if running else None


RULES: Final[tuple[Rule, ...]] = (
    Rule(contact_restriction_reconsidered_every_3_months, R17),
    Rule(moving_ban_considered_before_care_ends, R18),
)
"""The rules of this module, in catalogue order."""
