"""LVU duties: immediate custody, contact restrictions, flyttningsförbud (R16a–c, R17, R18).

LVU (1990:52) 6–9 §§ (immediate custody: reported to the next meeting, submitted to the
court within a week, care applied for within four weeks), 13 b § and 14 § 3 st.; SoL
(2001:453) 6 kap. 8 a § / SoL (2025:400) 22 kap. 16 §. R06 (feedback) is in `feedback`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Final, TypeVar

from caselog.dates import SundayRule, add_months, add_weeks, add_years, days_between
from caselog.dates import effective_due as effective
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
    HomeType,
    ImmediateCustodyDecided,
    ImmediateCustodyEnded,
    ImmediateCustodyExecuted,
    MovingBanConsidered,
    PlacementBasis,
    ReportedToCommittee,
    Requester,
    SubmittedToCourt,
)
from caselog.rules.context import Rule
from caselog.rules.judging import (
    DEADLINE_STATUSES,
    Duty,
    Judgement,
    judge,
    judge_window,
    not_applicable,
)
from caselog.rules.law import LVU, sol, version
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.projections import Placement, Viewed
    from caselog.rules.context import RuleContext

C = TypeVar("C", ImmediateCustodyDecided, ImmediateCustodyExecuted)

_LAPSING: Final = tuple(s for s in Status if s not in {Status.MET_LATE, Status.WAIVED})
_PRIVATE_HOMES: Final = (HomeType.FAMILY_HOME, HomeType.KINSHIP_HOME, HomeType.PRIVATE_HOME)
"""Homes of SoL (2025:400) 22 kap. 2 § 1 st.: familjehem and other enskilda hem (R18)."""

R16A = Duty(
    "R16a",
    Law((version(LVU, "6 §"),)),
    Severity.CRITICAL,
    "A chair's or member's immediate custody decision reported at the next committee meeting",
    "Ordförandens/ledamotens beslut om omedelbart omhändertagande anmält vid nästa sammanträde",
    parameters=("custody_report_body",),
    statuses=(*DEADLINE_STATUSES, Status.NOT_APPLICABLE),
)
R16B = Duty(
    "R16b",
    Law((version(LVU, "7 §"),)),
    Severity.CRITICAL,
    "Immediate custody submitted to the administrative court within one week, by {due}",
    "Omedelbart omhändertagande underställt förvaltningsrätten inom en vecka, senast {due}",
    parameters=("sunday_rule",),
    statuses=_LAPSING,
)
_R16B_LAPSED = replace(
    R16B,
    explain_en="Immediate custody not submitted to the administrative court by {due}: the "
    "custody ended by law (LVU 7 §) and was kept without legal basis",
    explain_sv="Beslutet underställdes inte förvaltningsrätten senast {due}: "
    "omhändertagandet upphörde enligt LVU 7 § och fortsatte utan laglig grund",
)
R16C = Duty(
    "R16c",
    Law((version(LVU, "8 §"),)),
    Severity.CRITICAL,
    "Application for care filed within four weeks of the custody's execution, by {due}",
    "Ansökan om vård gjord inom fyra veckor från verkställigheten, senast {due}",
    parameters=("sunday_rule",),
    statuses=_LAPSING,
)
_R16C_LAPSED = replace(
    R16C,
    explain_en="No application for care by {due}: the custody ended by law (LVU 9 §) and "
    "was kept without legal basis",
    explain_sv="Ingen ansökan om vård senast {due}: omhändertagandet upphörde enligt LVU 9 § "
    "och fortsatte utan laglig grund",
)
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


def custody_decision_reported_to_committee(ctx: RuleContext) -> Iterator[Obligation]:
    """R16a: a chair's or member's immediate custody decision is reported at the next meeting.

    LVU 6 § 2 st.: "Beslutet skall anmälas vid nämndens nästa sammanträde." Due on the
    first `CommitteeMeetingHeld` of the body `custody_report_body` after the decision day;
    met by a `ReportedToCommittee` on or before it, met late after it, pending while no such
    meeting is recorded (RULES.md §4.27); a report is made at a meeting, so its date counts as
    one. Not applicable to the committee's or an utskott's own decision. An official may not
    decide under LVU 6 § (SoL (2025:400) 30 kap. 7 §): judged as a chair's, `invalid_delegation` ✘.
    """
    body = Body(ctx.settings.custody_report_body)
    meetings = [
        f.event.occurred_on
        for f in ctx.committee
        if isinstance(f.event, CommitteeMeetingHeld) and f.event.body == body
    ]
    for viewed, decided in _first_per_custody(ctx, ImmediateCustodyDecided):
        flags = ctx.registration_flags(viewed)
        if decided.decided_by in {DecidedBy.COMMITTEE, DecidedBy.SUBCOMMITTEE}:
            yield not_applicable(R16A, case_id=ctx.case_id, event=decided, due_on=None, flags=flags)
            continue
        if decided.decided_by is DecidedBy.OFFICIAL:
            flags = (*flags, Flag.INVALID_DELEGATION)
        done = ctx.find(ReportedToCommittee, custody_id=decided.custody_id)
        held = [d for d in meetings if d > decided.occurred_on] + ([done[1]] if done else [])
        meeting = min(held, default=None)
        # A meeting that took place, not a counted period: 1930:173 2 § has nothing to move.
        yield R16A.obligation(
            case_id=ctx.case_id,
            trigger_event_id=decided.event_id,
            trigger_on=decided.occurred_on,
            due_on=meeting,
            judgement=(
                judge(meeting, done[1] if done else None, ctx.on, SundayRule.STRICT)
                if meeting
                else Judgement(Status.PENDING, None, decisive_on=ctx.on)
            ),
            satisfied_by=done[0] if done else None,
            satisfied_on=done[1] if done else None,
            flags=flags,
        )


def custody_submitted_to_court_within_1_week(ctx: RuleContext) -> Iterator[Obligation]:
    """R16b: immediate custody is submitted to the administrative court within a week.

    LVU 7 §: "skall beslutet underställas förvaltningsrätten inom en vecka från den dag då
    beslutet fattades … Om beslutet inte har underställts förvaltningsrätten inom föreskriven
    tid, upphör omhändertagandet." Due `add_weeks(decided, 1)`, Sunday rule `extend` by default
    (a court filing ✘). Missed, the custody ceased by law at the end of the due date, and
    `days_overdue` counts the days it was kept without legal basis: `overdue` while it goes
    on, then `breached` (critical, final) at the late submission or the custody's end (TC15:
    3 days). Not applicable when the custody ended by then unsubmitted (nothing to submit ✘).
    """
    for viewed, decided in _first_per_custody(ctx, ImmediateCustodyDecided):
        custody = decided.custody_id
        yield _lapsing(
            ctx,
            (R16B, _R16B_LAPSED),
            viewed,
            due=add_weeks(decided.occurred_on, 1),
            done=ctx.find(SubmittedToCourt, custody_id=custody),
            ended_on=_custody_ended_on(ctx, custody),
            sunday=ctx.settings.sunday_rule_for("R16b"),
        )


def care_applied_for_within_4_weeks(ctx: RuleContext) -> Iterator[Obligation]:
    """R16c: care is applied for within four weeks of the custody's execution.

    LVU 8 §: "inom fyra veckor från den dag då omhändertagandet verkställdes"; the court may
    extend the time (`CourtExtendedDeadline`: due = its `until_on`, never earlier, flagged
    `extended`; one decided after the filing or the end is moot). LVU 9 §: else it ceases;
    judged as R16b. Not applicable when the custody ended, or the court revoked it, by then
    without an application (8 § applies only to a confirmed custody).
    """
    for viewed, executed in _first_per_custody(ctx, ImmediateCustodyExecuted):
        custody = executed.custody_id
        due = add_weeks(executed.occurred_on, 4)
        done = ctx.find(CareApplicationFiled, custody_id=custody)
        ended = _custody_ended_on(ctx, custody, revocation=True)
        cutoff = min((d for d in (done[1] if done else None, ended) if d), default=ctx.on)
        until = [
            e.until_on
            for _, e in ctx.of_type(CourtExtendedDeadline)
            if e.custody_id == custody and e.occurred_on <= cutoff
        ]
        yield _lapsing(
            ctx,
            (R16C, _R16C_LAPSED),
            viewed,
            due=max([due, *until]),
            done=done,
            ended_on=ended,
            sunday=ctx.settings.sunday_rule_for("R16c"),
            flags=(Flag.EXTENDED,) if until else (),
        )


def _lapsing(
    ctx: RuleContext,
    duties: tuple[Duty, Duty],
    viewed: Viewed,
    *,
    due: date,
    done: tuple[str, date] | None,
    ended_on: date | None,
    sunday: SundayRule,
    flags: tuple[Flag, ...] = (),
) -> Obligation:
    """A deadline whose miss ends the custody by law (LVU 7 §, 9 §).

    The days without legal basis (after the effective due date, up to the act done late, the
    custody's end or `on`) go in `days_overdue`, never `days_late`. An act after the custody
    ended is disregarded.
    """
    duty, lapsed = duties
    last_day = effective(due, sunday)
    if done is not None and ended_on is not None and done[1] > ended_on:
        done = None
    done_on = done[1] if done else None
    judgement = judge(due, done_on, ctx.on, sunday)
    if ended_on is not None and ended_on <= last_day and done_on is None:
        judgement = Judgement(Status.NOT_APPLICABLE, last_day, decisive_on=ended_on)
    elif (stop := done_on or ended_on) is not None and stop > last_day:
        days = days_between(last_day, stop)
        judgement = Judgement(Status.BREACHED, last_day, days_overdue=days, decisive_on=stop)
    if judgement.status in {Status.OVERDUE, Status.BREACHED}:
        duty = lapsed
    return duty.obligation(
        case_id=ctx.case_id,
        trigger_event_id=viewed.event.event_id,
        trigger_on=viewed.event.occurred_on,
        due_on=due,
        judgement=judgement,
        satisfied_by=done[0] if done else None,
        satisfied_on=done_on,
        flags=(*flags, *ctx.registration_flags(viewed)),
    )


def contact_restriction_reconsidered_every_3_months(ctx: RuleContext) -> Iterator[Obligation]:
    """R17: a contact restriction is reconsidered at least every three months.

    LVU 14 § 3 st.: "Socialnämnden ska minst en gång var tredje månad överväga om ett sådant
    beslut som avses i andra stycket fortfarande behövs" (umgängesbegränsning, hemlighållen
    vistelseort). One obligation per period, like the six-monthly reviews: due
    `add_months(decision or last review, 3)`; a late review is `met_late` and restarts the
    clock. `ContactRestrictionLifted` ends the periods: one it cuts short by its due date is
    `not_applicable` (as §4.27 treats an R14 year ✘); one already overdue is `breached` with
    `window_closed`, `days_overdue` frozen at the lifting.
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
        trigger: tuple[str, date] = (decided.event_id, decided.occurred_on)
        for period in range(1, len(reviews) + 2):
            due = add_months(trigger[1], 3)
            done = next((r for r in reviews if r[1] > trigger[1]), None)
            judgement, closing = judge_window(
                due, done[1] if done else None, ctx.on, sunday, lifted[1] if lifted else None
            )
            flags = (*ctx.registration_flags(viewed), *closing)
            yield R17.obligation(
                case_id=ctx.case_id,
                trigger_event_id=trigger[0],
                trigger_on=trigger[1],
                due_on=due,
                judgement=judgement,
                satisfied_by=done[0] if done else None,
                satisfied_on=done[1] if done else None,
                period=period,
                flags=flags,
            )
            if done is None:
                break
            trigger = done


def moving_ban_considered_before_care_ends(ctx: RuleContext) -> Iterator[Obligation]:
    """R18: after a request to end care, a flyttningsförbud is considered before it ends.

    SoL (2001:453) 6 kap. 8 a § / SoL (2025:400) 22 kap. 16 §: when a guardian, or the child
    aged 15 or more (`CaseFileOpened.born_on`; unknown: `manual_review`), asks that care in a
    family home or other private home end (`family_home`, `kinship_home`, `private_home`; not
    a jourhem ✘), the nämnd considers a flyttningsförbud (LVU 24 §); LVU 13 b § for LVU care.
    No time is named; "before the end decision" ✘ is read as by the day the placement current
    at the request ends. Met by a `MovingBanConsidered` on or after the request and by then
    (no due date: none is known yet); pending while the placement runs; `breached` with
    `window_closed` (final, due on the day it ended) after it.
    """
    born_on = ctx.state.born_on if ctx.state else None
    fifteen_on = add_years(born_on, 15) if born_on else None
    for viewed, request in ctx.of_type(EndOfCareRequested):
        flags = ctx.registration_flags(viewed)
        placement = _placement_on(ctx, request.occurred_on)
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


def _placement_on(ctx: RuleContext, day: date) -> Placement | None:
    """The latest-started placement running on `day` (one ending that day included)."""
    placements = ctx.state.placements if ctx.state else ()
    running = [p for p in placements if p.started_on <= day and (p.ended_on or day) >= day]
    return running[-1] if running else None


def _first_per_custody(ctx: RuleContext, kind: type[C]) -> Iterator[tuple[Viewed, C]]:
    """The first fact of `kind` for each custody id, in fold order."""
    seen: set[str] = set()
    for viewed, event in ctx.of_type(kind):
        if event.custody_id not in seen:
            seen.add(event.custody_id)
            yield viewed, event


def _custody_ended_on(ctx: RuleContext, custody: str, *, revocation: bool = False) -> date | None:
    """When the custody ended; with `revocation`, also when the court revoked it."""
    ends = [e.occurred_on for _, e in ctx.of_type(ImmediateCustodyEnded) if e.custody_id == custody]
    ends += [
        e.occurred_on
        for _, e in ctx.of_type(CourtDecided)
        if revocation and e.custody_id == custody and e.outcome is CourtOutcome.REVOKED
    ]
    return min(ends, default=None)


RULES: Final[tuple[Rule, ...]] = (
    Rule(custody_decision_reported_to_committee, R16A),
    Rule(custody_submitted_to_court_within_1_week, R16B),
    Rule(care_applied_for_within_4_weeks, R16C),
    Rule(contact_restriction_reconsidered_every_3_months, R17),
    Rule(moving_ban_considered_before_care_ends, R18),
)
"""The rules of this module, in catalogue order."""
