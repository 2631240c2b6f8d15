"""LVU immediate custody, omedelbart omhändertagande (R16a–c).

LVU (1990:52) 6 § (a chair's or member's decision is reported at the nämnd's next meeting),
7 § (submitted to the förvaltningsrätt within a week, or the custody ceases), 8–9 §§ (care
applied for within four weeks of the execution, or the custody ceases). RULES.md §4.27 and
§4.28 settle the details; R17 and R18 are in `lvu`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Final, TypeVar

from caselog.dates import SundayRule, add_weeks, days_between
from caselog.dates import effective_due as effective
from caselog.events import (
    Body,
    CareApplicationFiled,
    CourtDecided,
    CourtExtendedDeadline,
    CourtOutcome,
    DecidedBy,
    ImmediateCustodyDecided,
    ImmediateCustodyEnded,
    ImmediateCustodyExecuted,
    ReportedToCommittee,
    SubmittedToCourt,
)
from caselog.rules.context import Rule
from caselog.rules.judging import (
    DEADLINE_STATUSES,
    Duty,
    Judgement,
    judge,
    not_applicable,
    obligation_for,
)
from caselog.rules.law import LVU, version
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.projections import Viewed
    from caselog.rules.context import RuleContext

C = TypeVar("C", ImmediateCustodyDecided, ImmediateCustodyExecuted)

_LAPSING: Final = tuple(s for s in Status if s not in {Status.MET_LATE, Status.WAIVED})

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


def custody_decision_reported_to_committee(ctx: RuleContext) -> Iterator[Obligation]:
    """R16a: a chair's or member's immediate custody decision is reported at the next meeting.

    LVU 6 § 2 st.: "Beslutet skall anmälas vid nämndens nästa sammanträde." The next
    sammanträde is the first `CommitteeMeetingHeld` of the body `custody_report_body`
    after the decision day, and only such a meeting fixes the due date (RULES.md §4.28): a
    `ReportedToCommittee` is the anmälan, the act that meets the duty, never a meeting of its
    own. Met by a report on or before that meeting, met late after it; pending, with no due
    date and nothing counted as satisfying it, while no such meeting is recorded (§4.27) —
    until the meeting is known, a report cannot be told in time from late. Not applicable to
    the nämnd's or an utskott's own decision. An official may not decide under LVU 6 §
    (SoL (2025:400) 30 kap. 7 §): judged as a chair's, `invalid_delegation` ✘.
    """
    body = Body(ctx.settings.custody_report_body)
    for viewed, decided in _first_per_custody(ctx, ImmediateCustodyDecided):
        flags = ctx.registration_flags(viewed)
        if decided.decided_by in {DecidedBy.COMMITTEE, DecidedBy.SUBCOMMITTEE}:
            yield not_applicable(R16A, case_id=ctx.case_id, event=decided, due_on=None, flags=flags)
            continue
        if decided.decided_by is DecidedBy.OFFICIAL:
            flags = (*flags, Flag.INVALID_DELEGATION)
        meeting = ctx.next_meeting(body, decided.occurred_on)
        done = ctx.find(ReportedToCommittee, custody_id=decided.custody_id) if meeting else None
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
    3 days). Not applicable when the custody ended by then unsubmitted (nothing to submit;
    RULES.md §4.28).
    """
    for viewed, decided in _first_per_custody(ctx, ImmediateCustodyDecided):
        custody = decided.custody_id
        ended = _custody_ended_on(ctx, custody)
        yield _lapsing(
            ctx,
            (R16B, _R16B_LAPSED),
            viewed,
            due=add_weeks(decided.occurred_on, 1),
            done=_act_before_end(ctx.find(SubmittedToCourt, custody_id=custody), ended),
            ended_on=ended,
            sunday=ctx.settings.sunday_rule_for("R16b"),
        )


def care_applied_for_within_4_weeks(ctx: RuleContext) -> Iterator[Obligation]:
    """R16c: care is applied for within four weeks of the custody's execution.

    LVU 8 §: "inom fyra veckor från den dag då omhändertagandet verkställdes"; the court may
    extend the time. A `CourtExtendedDeadline` decided on or before the application (and
    while the custody lasts) moves the due date to its `until_on` (never earlier; flagged
    `extended`), even when decided after the four weeks had run: the court decides, and the
    request was timely (RULES.md §4.28). One decided after the application, the act that met
    the duty, is ignored: it moves nothing and adds no flag. LVU 9 §: else the custody
    ceases; judged as R16b. Not applicable when the custody ended, or the court revoked it,
    by the effective due date without an application (8 § applies to a confirmed custody
    only; nothing was needed).
    """
    for viewed, executed in _first_per_custody(ctx, ImmediateCustodyExecuted):
        custody = executed.custody_id
        due = add_weeks(executed.occurred_on, 4)
        ended = _custody_ended_on(ctx, custody, revocation=True)
        done = _act_before_end(ctx.find(CareApplicationFiled, custody_id=custody), ended)
        cutoff = done[1] if done else ended
        until = max(
            (
                e.until_on
                for _, e in ctx.of_type(CourtExtendedDeadline)
                if e.custody_id == custody and (cutoff is None or e.occurred_on <= cutoff)
            ),
            default=due,
        )
        yield _lapsing(
            ctx,
            (R16C, _R16C_LAPSED),
            viewed,
            due=max(due, until),
            done=done,
            ended_on=ended,
            sunday=ctx.settings.sunday_rule_for("R16c"),
            flags=(Flag.EXTENDED,) if until > due else (),
        )


def _act_before_end(
    done: tuple[str, date] | None, ended_on: date | None
) -> tuple[str, date] | None:
    """The act, unless it came after the custody ended (there was nothing left to act on)."""
    if done is not None and ended_on is not None and done[1] > ended_on:
        return None
    return done


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
    """A deadline whose miss ends the custody by law (LVU 7 §, 9 §), per RULES.md §4.28.

    Before any act: pending up to the effective due date, `overdue` while the custody runs
    past it. `breached` (final) once the late act or the custody's end is recorded, with
    `days_overdue` (never `days_late`) frozen at that day: the days kept without legal
    basis. Not applicable when the custody ended by the effective due date without the act.
    """
    duty, lapsed = duties
    last_day = effective(due, sunday)
    done_on = done[1] if done else None
    judgement = judge(due, done_on, ctx.on, sunday)
    if ended_on is not None and ended_on <= last_day and done_on is None:
        judgement = Judgement(Status.NOT_APPLICABLE, last_day, decisive_on=ended_on)
    elif (stop := done_on or ended_on) is not None and stop > last_day:
        days = days_between(last_day, stop)
        judgement = Judgement(Status.BREACHED, last_day, days_overdue=days, decisive_on=stop)
    if judgement.status in {Status.OVERDUE, Status.BREACHED}:
        duty = lapsed
    return obligation_for(duty, ctx, viewed, due, judgement, done, flags=flags)


def _first_per_custody(ctx: RuleContext, kind: type[C]) -> Iterator[tuple[Viewed, C]]:
    """The first fact of `kind` for each custody id, in fold order: one row per custody.

    The row's key (rule, case, trigger event) is then unique however many custodies a
    child has, and a repeated decision or execution of one custody adds no second row.
    """
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
)
"""The rules of this module, in catalogue order."""
